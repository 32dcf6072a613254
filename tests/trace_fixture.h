/*
 * trace_fixture.h - what the trace tests (test_trace.c, test_trace_damage.c)
 * share: a sample of records as the kernel would emit them, header pairs,
 * a temporary directory per test, and the writer run over the samples.
 */
#ifndef UKERN_TESTS_TRACE_FIXTURE_H
#define UKERN_TESTS_TRACE_FIXTURE_H

#include <stddef.h>
#include <stdint.h>

#include "trace.h"

#define NAME "t.uktrace"

/* One record as the kernel would emit it. */
struct sample {
	uint64_t ns;
	unsigned kind;
	uint64_t args[TRACE_MAX_ARGS];
	const char *s;
	size_t len;
};

enum { NSAMPLES = 21 };

/* Records of every kind, at times and with values near the varint edges; the
 * threads, processes and ports they name are created first, as in a run. */
extern const struct sample samples[NSAMPLES];

/* The header pairs write_trace writes (4 of them). */
extern const char *const keys[4];
extern const char *const values[4];

/* A fresh temporary directory per test (the state of a test). */
struct dir {
	char path[64];
};

/* Make the directory; remove it and all in it. */
int setup_dir(void **state);
int teardown_dir(void **state);

/* The path of name in d. */
void path_in(const struct dir *d, const char *name, char *buf, size_t len);

/* Feed one sample to sink. */
void emit(struct trace_sink *sink, const struct sample *s);

/* Write samples[0..n) with the header pairs to path. */
void write_trace(const char *path, size_t n);

/* The whole of the file at path, in a heap buffer; its size in len. */
uint8_t *load(const char *path, size_t *len);

/* The sample trace's bytes, in a buffer of exactly that size. */
uint8_t *sample_bytes(const struct dir *d, size_t *len);

#endif
