/*
 * trace_check.h - what a record's values may be, checked as a trace is read
 * (doc/trace-format.md section 6).
 *
 * The one idea: a record that decodes cleanly can still hold values no run
 * writes - an enumeration out of its table, a thread, process or port that
 * no earlier record created. The reader (trace_read.c) passes every record
 * through trace_check_record, which keeps the sets of tids, pids and ports
 * created so far (sorted arrays: one entry per creation record read, so the
 * memory grows with the records, never with a value the file claims).
 *
 * Entry points: trace_check_record, trace_check_free.
 */
#ifndef UKERN_TRACE_CHECK_H
#define UKERN_TRACE_CHECK_H

#include <stddef.h>
#include <stdint.h>

/* One set of identifiers: n sorted values in v (cap allocated). */
struct trace_idset {
	uint64_t *v;
	size_t n, cap;
};

/* The identifiers created so far; zero-initialise before the first record. */
struct trace_check {
	struct trace_idset ids[3];    /* tids, pids, ports */
};

/* Check the kind's nargs arguments args against the kind's table and the
 * identifiers created so far, then note the identifiers it creates. Returns
 * 0, or -1 with a message (without file or offset) in msg: a value out of
 * range, a reference to nothing, an identifier created twice, or memory
 * exhausted. */
int trace_check_record(struct trace_check *c, unsigned kind, const uint64_t *args, char *msg,
		       size_t len);

/* Free what c holds (c itself is the caller's), leaving it empty. */
void trace_check_free(struct trace_check *c);

#endif
