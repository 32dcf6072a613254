/*
 * fault_repeat.h - how often each script error was raised, so that a run in
 * which many threads raise the same one (a loop that makes threads which all
 * fail at one line) shows it a few times and then one summary line, instead
 * of flooding the terminal. "The same" means the same text: FILE:LINE and
 * the message, before the process, thread and time that each report adds.
 * Every error still goes to the trace and the statistics; this is only what
 * stderr shows.
 *
 * Entry points: fault_repeat_seen, fault_repeat_summary, fault_repeat_free.
 */
#ifndef UKERN_FAULT_REPEAT_H
#define UKERN_FAULT_REPEAT_H

#include <stdint.h>
#include <stdio.h>

/* How many times one error is shown in full. */
#define FAULT_REPEAT_SHOWN 3

struct fault_repeat_entry {
	char *text;             /* the error, owned */
	uint64_t hash;          /* of text */
	uint64_t count;         /* times raised */
};

/* Zero-initialised is empty. */
struct fault_repeat {
	struct fault_repeat_entry *v;   /* in the order first raised */
	size_t n, cap;
	size_t *slot;                   /* index + 1 into v, 0: free; open addressing */
	size_t nslot;                   /* a power of two, or 0 */
};

/* Count one more raising of text. Returns whether to show it in full: the
 * first FAULT_REPEAT_SHOWN times, and always when the host runs out of
 * memory here (an error is then shown rather than lost). */
int fault_repeat_seen(struct fault_repeat *r, const char *text);

/* For each error raised more than FAULT_REPEAT_SHOWN times, in the order
 * first raised, one line on out: "PREFIXN more threads raised the same error
 * at FILE:LINE" (the position the error starts with; with none, the error's
 * text in quotes). */
void fault_repeat_summary(const struct fault_repeat *r, FILE *out, const char *prefix);

/* Free everything r holds; r is empty again. */
void fault_repeat_free(struct fault_repeat *r);

#endif
