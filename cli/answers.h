/*
 * answers.h - the homework answers of a scheduling run (--answers, --ticks).
 */
#ifndef UKERN_ANSWERS_H
#define UKERN_ANSWERS_H

#include <stdio.h>

struct answers;
struct machine;

/* Start following m's dispatches (a trace sink). NULL when memory runs out. */
struct answers *answers_attach(struct machine *m);

/* After the run: print the tick chart and/or the per-job table. Returns 0,
 * or -1 when memory ran out while following the run. */
int answers_print(FILE *out, struct answers *a, struct machine *m, int want_table,
		  int want_ticks);

void answers_free(struct answers *a);

#endif
