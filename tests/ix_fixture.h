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
struct ti_frame_use;
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

/* A record written by hand, for the tests that feed an index directly. */
struct ix_rec {
	uint64_t ns;
	unsigned kind;
	uint64_t a[6];
	const char *s;      /* the record's string, or NULL */
};

/* A new index of the n records r, sealed at end. Fails the test on any error. */
struct trace_index *ix_load(const struct ix_rec *r, size_t n, uint64_t end);
#define IX_LOAD(r, end) ix_load((r), sizeof (r) / sizeof (r)[0], (end))

/* Frame use at t (trace_index_vm_at): a fresh array the caller frees. */
struct ti_frame_use *ix_frames_at(const struct trace_index *ix, uint64_t t);

/* Drawing without a display (SDL's dummy video, software rendering), with
 * the fonts the doc images use when they are installed: a view test's
 * pixels do not depend on the host's fonts. */
void ix_headless_env(void);

#endif
