/*
 * ix_fixture.h - what the tests of the trace index's memory replay and of
 * the memory view share: a scenario run in this process, its records fed
 * to a trace index as the live viewer feeds them.
 */
#ifndef UKERN_TESTS_IX_FIXTURE_H
#define UKERN_TESTS_IX_FIXTURE_H

#include <stddef.h>
#include <stdint.h>

#include "machine.h"

struct trace_index;
struct scenario;

/* A run of a scenario and the index of its records. */
struct ix_run {
	struct machine m;
	struct scenario *s;
	struct trace_index *ix;   /* sealed at the run's end */
};

/* Run the scenario at path (under $top_srcdir; with source, that text
 * instead, reported as path) with the overrides sets until until_ns, its
 * records fed to a new index. Fails the test on any error. Free with
 * ix_run_free. */
void ix_run(struct ix_run *r, const char *path, const char *source, const char *const *sets,
	    size_t nsets, uint64_t until_ns);

void ix_run_free(struct ix_run *r);

#endif
