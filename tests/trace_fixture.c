/*
 * trace_fixture.c - the samples and helpers of trace_fixture.h.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "trace.h"
#include "trace_fixture.h"

const struct sample samples[] = {
	{ 0, TR_PROC_NEW, { 1, 1 }, "name", 4 },
	{ 0, TR_THREAD_NEW, { 1, 1 }, "name", 4 },
	{ 0, TR_THREAD_STATE, { 1, 0, 0, 0 }, NULL, 0 },
	{ 100, TR_DISPATCH, { 0, 1 }, NULL, 0 },
	{ 127, TR_IDLE, { 3 }, NULL, 0 },
	{ 128, TR_PORT_NEW, { 2, 1, 16 }, NULL, 0 },
	{ 16383, TR_PORT_LABEL, { 2 }, "echo", 4 },
	{ 16384, TR_MSG_SEND, { 7, 1, 2, 42, 1, 0 }, NULL, 0 },
	{ 16384, TR_MSG_ENQUEUE, { 7, 2, 1 }, NULL, 0 },
	{ 1000000, TR_MSG_DELIVER, { 7, 1, 2 }, NULL, 0 },
	{ 1000000, TR_MSG_DROP, { 8, 2, 3 }, NULL, 0 },
	{ 1000001, TR_LOG, { 1 }, "", 0 },
	{ 1000002, TR_LOG, { 0 }, "a\0b\xff\n", 5 },
	{ 2000000, TR_NAME, { 1, 2, 1, 1 }, "echo", 4 },
	{ 2000000, TR_WAIT, { 1, 7, 2, 1, 0 }, NULL, 0 },
	{ 2000000, TR_DEADLOCK, { 2 }, "cycle: a -> b -> a", 18 },
	{ 3000000, TR_FAULT, { 1, 1 }, "bad address", 11 },
	{ 3000000, TR_PORT_DEAD, { 2 }, NULL, 0 },
	{ 3000000, TR_PROC_EXIT, { 1, 2147483648u - 1, 1 }, NULL, 0 },
	{ UINT64_MAX / 2, TR_MSG_SEND, { UINT64_MAX, 1, 1, 1ull << 63, 2, UINT64_MAX }, NULL,
	  0 },
	{ UINT64_MAX, TR_THREAD_STATE, { 1, 3, 10, 0 }, NULL, 0 },
};

const char *const keys[] = { "scenario", "seed", "costs", "param.quantum" };
const char *const values[] = { "scenarios/hello.lua", "42", "modern", "10ms" };

int setup_dir(void **state)
{
	struct dir *d = calloc(1, sizeof *d);

	if (!d)
		return -1;
	snprintf(d->path, sizeof d->path, "/tmp/test_trace.XXXXXX");
	if (!mkdtemp(d->path)) {
		free(d);
		return -1;
	}
	*state = d;
	return 0;
}

int teardown_dir(void **state)
{
	struct dir *d = *state;
	DIR *dp = opendir(d->path);
	struct dirent *de;
	char p[512];

	while (dp && (de = readdir(dp))) {
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
			snprintf(p, sizeof p, "%s/%s", d->path, de->d_name);
			unlink(p);
		}
	}
	if (dp)
		closedir(dp);
	rmdir(d->path);
	free(d);
	return 0;
}

void path_in(const struct dir *d, const char *name, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", d->path, name);
}

void emit(struct trace_sink *sink, const struct sample *s)
{
	sink->record(sink->ctx, s->ns, s->kind, s->args, s->s, s->len);
}

/* Write samples[0..n) with the header pairs to path. */
void write_trace(const char *path, size_t n)
{
	struct trace_file *f = trace_file_open(path, keys, values, 4);
	struct trace_sink sink;

	assert_non_null(f);
	sink = trace_file_sink(f);
	for (size_t i = 0; i < n; i++)
		emit(&sink, &samples[i]);
	assert_int_equal(trace_file_close(f), 0);
}

uint8_t *load(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	uint8_t *b;
	long n;

	assert_non_null(fp);
	assert_int_equal(fseek(fp, 0, SEEK_END), 0);
	n = ftell(fp);
	assert_true(n >= 0);
	rewind(fp);
	b = malloc((size_t)n + 1);
	assert_non_null(b);
	assert_int_equal(fread(b, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	*len = (size_t)n;
	return b;
}

/* The sample trace's bytes, in a buffer of exactly that size. */
uint8_t *sample_bytes(const struct dir *d, size_t *len)
{
	char p[128];

	path_in(d, NAME, p, sizeof p);
	write_trace(p, NSAMPLES);
	return load(p, len);
}
