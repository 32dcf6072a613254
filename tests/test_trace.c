/*
 * test_trace.c: unit tests for the trace writer (kernel/trace_file.c) and
 * the trace reader (viz/trace_read.c): round trips, the header, and the
 * temporary file (damaged traces: test_trace_damage.c).
 *
 * The one idea: what the writer puts in, the reader gives back field by
 * field - every record kind, times and values at the varint edges, empty
 * and over-long strings, the header pairs - and the file appears under its
 * name only when it is whole: written to a temporary file next to it and
 * renamed into place on close, removed on abort.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "trace.h"
#include "trace_fixture.h"
#include "trace_read.h"

/* ---- helpers ---- */

/* Entries of d other than . and ..; the first one's name in first. */
static int count_entries(const struct dir *d, char *first, size_t len)
{
	DIR *dp = opendir(d->path);
	struct dirent *de;
	int n = 0;

	assert_non_null(dp);
	while ((de = readdir(dp)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..") && n++ == 0 && first)
			snprintf(first, len, "%s", de->d_name);
	closedir(dp);
	return n;
}

static void check_record(const struct trace_rec *rec, const struct sample *s, size_t i)
{
	const struct trace_kind_info *k = &trace_kinds[s->kind];

	if (rec->kind != s->kind || rec->ns != s->ns)
		fail_msg("record %zu: kind %u at %llu ns, expected %u at %llu", i, rec->kind,
			 (unsigned long long)rec->ns, s->kind, (unsigned long long)s->ns);
	for (unsigned a = 0; a < TRACE_MAX_ARGS; a++)
		if (rec->args[a] != (a < k->nargs ? s->args[a] : 0))
			fail_msg("record %zu (%s): argument %u is %llu", i, k->name, a,
				 (unsigned long long)rec->args[a]);
	assert_int_equal(rec->len, k->has_str ? s->len : 0);
	assert_non_null(rec->str);
	if (s->len)
		assert_memory_equal(rec->str, s->s, s->len);
}

/* Read the whole of r, checking each record against samples. */
static void check_samples(struct trace_reader *r)
{
	struct trace_rec rec;
	size_t i = 0;
	int rc;

	while ((rc = trace_next(r, &rec)) == 1) {
		assert_true(i < NSAMPLES);
		check_record(&rec, &samples[i], i);
		i++;
	}
	if (rc != 0)
		fail_msg("%s", trace_error(r));
	assert_int_equal(i, NSAMPLES);
	assert_int_equal(trace_records(r), NSAMPLES);
	assert_null(trace_error(r));
	assert_int_equal(trace_next(r, &rec), 0);     /* the end stays the end */
}

/* ---- round trip ---- */

static void test_roundtrip_file(void **state)
{
	char p[128], err[600];
	struct trace_reader *r;

	path_in(*state, NAME, p, sizeof p);
	write_trace(p, NSAMPLES);
	r = trace_open(p, err, sizeof err);
	if (!r)
		fail_msg("%s", err);
	check_samples(r);
	trace_close(r);
}

static void test_roundtrip_mem(void **state)
{
	size_t len;
	uint8_t *b = sample_bytes(*state, &len);
	char err[600];
	struct trace_reader *r = trace_open_mem(b, len, NAME, err, sizeof err);

	if (!r)
		fail_msg("%s", err);
	check_samples(r);
	trace_close(r);
	free(b);
}

static void test_header_echo(void **state)
{
	size_t len;
	uint8_t *b = sample_bytes(*state, &len);
	char err[600];
	struct trace_reader *r = trace_open_mem(b, len, NAME, err, sizeof err);

	assert_non_null(r);
	assert_int_equal(trace_header_count(r), 4);
	for (size_t i = 0; i < 4; i++) {
		assert_string_equal(trace_header_key(r, i), keys[i]);
		assert_string_equal(trace_header_value(r, i), values[i]);
	}
	assert_null(trace_header_key(r, 4));
	assert_null(trace_header_value(r, 4));
	assert_string_equal(trace_header_get(r, "seed"), "42");
	assert_string_equal(trace_header_get(r, "param.quantum"), "10ms");
	assert_null(trace_header_get(r, "param"));
	trace_close(r);
	free(b);
}

static void test_zero_records(void **state)
{
	char p[128], err[600];
	struct trace_file *f;
	struct trace_reader *r;
	struct trace_rec rec;
	size_t len;
	uint8_t *b;

	path_in(*state, NAME, p, sizeof p);
	f = trace_file_open(p, NULL, NULL, 0);
	assert_non_null(f);
	assert_int_equal(trace_file_close(f), 0);
	b = load(p, &len);
	/* magic, version, no pairs, then end: kind, delta 0, count 0 */
	assert_int_equal(len, TRACE_MAGIC_LEN + 2 + 3);
	r = trace_open(p, err, sizeof err);
	if (!r)
		fail_msg("%s", err);
	assert_int_equal(trace_header_count(r), 0);
	assert_int_equal(trace_next(r, &rec), 0);
	assert_int_equal(trace_records(r), 0);
	trace_close(r);
	free(b);
}

/* A string longer than TRACE_MAX_STR is cut to the limit, and strings much
 * longer than the reader's buffer, across its refills, read back whole. */
static void test_long_strings(void **state)
{
	static const size_t lens[] = { TRACE_MAX_STR + 10, 70000, 65535, 1, 65537 };
	char p[128], err[600];
	char *s = malloc(TRACE_MAX_STR + 10);
	struct trace_file *f;
	struct trace_sink sink;
	struct trace_reader *r;
	struct trace_rec rec;

	assert_non_null(s);
	for (size_t i = 0; i < TRACE_MAX_STR + 10; i++)
		s[i] = (char)('a' + i % 23);
	path_in(*state, NAME, p, sizeof p);
	f = trace_file_open(p, keys, values, 4);
	assert_non_null(f);
	sink = trace_file_sink(f);
	for (size_t i = 0; i < 5; i++) {
		uint64_t tid = 0;                /* the kernel: no thread_new needed */
		sink.record(sink.ctx, i * 1000, TR_LOG, &tid, s + i, lens[i]);
	}
	assert_int_equal(trace_file_close(f), 0);
	r = trace_open(p, err, sizeof err);
	if (!r)
		fail_msg("%s", err);
	for (size_t i = 0; i < 5; i++) {
		size_t want = lens[i] > TRACE_MAX_STR ? TRACE_MAX_STR : lens[i];
		assert_int_equal(trace_next(r, &rec), 1);
		assert_int_equal(rec.ns, i * 1000);
		assert_int_equal(rec.args[0], 0);
		assert_int_equal(rec.len, want);
		assert_memory_equal(rec.str, s + i, want);
	}
	assert_int_equal(trace_next(r, &rec), 0);
	trace_close(r);
	free(s);
}

/* Many records, through every buffer of the writer many times over (its
 * thread writes full buffers while the next fills): the file has them all,
 * in order, each whole across buffer ends. */
static void test_many_buffers(void **state)
{
	enum { N = 300000 };
	char p[128], err[600], text[40];
	struct trace_file *f;
	struct trace_sink sink;
	struct trace_reader *r;
	struct trace_rec rec;

	path_in(*state, NAME, p, sizeof p);
	f = trace_file_open(p, keys, values, 4);
	assert_non_null(f);
	sink = trace_file_sink(f);
	for (uint64_t i = 0; i < N; i++) {
		int len = snprintf(text, sizeof text, "record %llu", (unsigned long long)i);

		uint64_t tid = 0;                /* the kernel: no thread_new needed */

		sink.record(sink.ctx, i * 7, TR_LOG, &tid, text, (size_t)(i % 3 ? len : 0));
	}
	assert_int_equal(trace_file_records(f), N);
	assert_int_equal(trace_file_close(f), 0);
	r = trace_open(p, err, sizeof err);
	if (!r)
		fail_msg("%s", err);
	for (uint64_t i = 0; i < N; i++) {
		int len = snprintf(text, sizeof text, "record %llu", (unsigned long long)i);

		if (trace_next(r, &rec) != 1)
			fail_msg("record %llu: %s", (unsigned long long)i, trace_error(r));
		if (rec.ns != i * 7 || rec.len != (size_t)(i % 3 ? len : 0))
			fail_msg("record %llu: at %llu ns, %zu bytes of text", (unsigned long long)i,
				 (unsigned long long)rec.ns, rec.len);
		assert_memory_equal(rec.str, text, rec.len);
	}
	assert_int_equal(trace_next(r, &rec), 0);
	assert_null(trace_error(r));
	trace_close(r);
}

/* A header value longer than TRACE_MAX_STR (a scenario's param default can
 * be) is cut to the limit, not written as a trace no reader accepts. */
static void test_long_header_value(void **state)
{
	const char *k[] = { "param.big" };
	char p[128], err[600];
	char *v = malloc(TRACE_MAX_STR + 6);
	struct trace_file *f;
	struct trace_reader *r;
	struct trace_rec rec;

	assert_non_null(v);
	memset(v, 'x', TRACE_MAX_STR + 5);
	v[TRACE_MAX_STR + 5] = '\0';
	path_in(*state, NAME, p, sizeof p);
	f = trace_file_open(p, k, (const char *const *)&v, 1);
	assert_non_null(f);
	assert_int_equal(trace_file_close(f), 0);
	r = trace_open(p, err, sizeof err);
	if (!r)
		fail_msg("%s", err);
	assert_int_equal(strlen(trace_header_get(r, "param.big")), TRACE_MAX_STR);
	assert_int_equal(trace_next(r, &rec), 0);
	trace_close(r);
	free(v);
}

/* ---- the temporary file ---- */

static void test_tmp_then_rename(void **state)
{
	char p[128], first[256];
	struct trace_file *f;
	struct trace_sink sink;
	struct stat st;

	path_in(*state, NAME, p, sizeof p);
	f = trace_file_open(p, keys, values, 4);
	assert_non_null(f);
	sink = trace_file_sink(f);
	emit(&sink, &samples[0]);
	assert_int_equal(stat(p, &st), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(count_entries(*state, first, sizeof first), 1);
	assert_int_equal(strncmp(first, NAME ".tmp.", strlen(NAME ".tmp.")), 0);
	assert_int_equal(trace_file_close(f), 0);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(count_entries(*state, first, sizeof first), 1);
	assert_string_equal(first, NAME);
}

static void test_abort_leaves_nothing(void **state)
{
	char p[128];
	struct trace_file *f;
	struct trace_sink sink;

	path_in(*state, NAME, p, sizeof p);
	f = trace_file_open(p, keys, values, 4);
	assert_non_null(f);
	sink = trace_file_sink(f);
	for (size_t k = 0; k < 5000; k++)     /* past the writer's buffers */
		for (size_t i = 0; i < NSAMPLES; i++)
			emit(&sink, &samples[i]);
	assert_int_equal(count_entries(*state, NULL, 0), 1);
	trace_file_abort(f);
	assert_int_equal(count_entries(*state, NULL, 0), 0);
}

/* An older file under the name stays whole until the new one replaces it. */
static void test_replace_existing(void **state)
{
	char p[128];
	struct trace_file *f;
	FILE *fp;
	size_t len;
	uint8_t *b;

	path_in(*state, NAME, p, sizeof p);
	fp = fopen(p, "w");
	assert_non_null(fp);
	fputs("old", fp);
	fclose(fp);
	f = trace_file_open(p, keys, values, 4);
	assert_non_null(f);
	b = load(p, &len);
	assert_int_equal(len, 3);
	free(b);
	trace_file_abort(f);
	b = load(p, &len);
	assert_int_equal(len, 3);
	free(b);
	write_trace(p, 2);
	b = load(p, &len);
	assert_memory_equal(b, TRACE_MAGIC, TRACE_MAGIC_LEN);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_roundtrip_file, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_roundtrip_mem, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_header_echo, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_zero_records, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_long_strings, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_many_buffers, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_long_header_value, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_tmp_then_rename, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_abort_leaves_nothing, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_replace_existing, setup_dir, teardown_dir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
