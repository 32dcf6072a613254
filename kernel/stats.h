/*
 * stats.h - the end-of-run statistics in the formats of doc/stats.md:
 * JSON (the contract of DESIGN section 6), CSV (one row per thread), and a
 * readable text summary. All times are integer nanoseconds in JSON and CSV.
 */
#ifndef UKERN_STATS_H
#define UKERN_STATS_H

#include <stdio.h>

struct machine;

/* The outcome as a word: "completed", "deadlock" or "limit". */
const char *stats_outcome(const struct machine *m);

void stats_json(FILE *out, const struct machine *m);
void stats_csv(FILE *out, const struct machine *m);
void stats_text(FILE *out, const struct machine *m);

#endif
