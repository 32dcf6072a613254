/*
 * test_trace_fold.c: unit tests for the two records the trace writer folds
 * into one (kernel/trace.h, trace_wbuf_put) and the reader unfolds
 * (viz/trace_read.c): a dispatch and the thread's running, a delivery and
 * the receiver's waking.
 *
 * The one idea: folding changes the bytes, never what a reader gets. Every
 * record given to the writer comes back from the reader as it went in, in
 * order; only the pairs the format names are folded (same thread, same
 * instant, port 0, that state and reason), wherever the writer's buffer is
 * flushed; a version 3 file, which has no folded kinds, still reads.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "trace.h"
#include "trace_fixture.h"
#include "trace_read.h"

/* The records the thread and port of the pairs below need first. */
static const struct sample world[] = {
	{ 0, TR_PROC_NEW, { 1, 0 }, "p", 1 },
	{ 0, TR_THREAD_NEW, { 1, 1 }, "p", 1 },
	{ 0, TR_THREAD_NEW, { 2, 1 }, "p.1", 3 },
	{ 0, TR_PORT_NEW, { 5, 1, 16 }, NULL, 0 },
};
enum { NWORLD = sizeof world / sizeof world[0] };

#define RUNNING(ns, tid, port) { ns, TR_THREAD_STATE, { tid, 1, 4, port }, NULL, 0 }
#define WOKEN(ns, tid, port) { ns, TR_THREAD_STATE, { tid, 0, 1, port }, NULL, 0 }
#define DISPATCH(ns, cpu, tid) { ns, TR_DISPATCH, { cpu, tid }, NULL, 0 }
#define DELIVER(ns, flow, tid) { ns, TR_MSG_DELIVER, { flow, tid, 5 }, NULL, 0 }

/* Write world, then s[0..n), to path; the records the file holds. */
static uint64_t write_records(const char *path, const struct sample *s, size_t n)
{
	struct trace_file *f = trace_file_open(path, keys, values, 4);
	struct trace_sink sink;
	uint64_t records;

	assert_non_null(f);
	sink = trace_file_sink(f);
	for (size_t i = 0; i < NWORLD; i++)
		emit(&sink, &world[i]);
	for (size_t i = 0; i < n; i++)
		emit(&sink, &s[i]);
	records = trace_file_records(f);
	assert_int_equal(trace_file_close(f), 0);
	return records;
}

/* Read path back: world, then exactly s[0..n), field by field, the file
 * holding records of them (its end record says so, or the reader fails). */
static void read_back(const char *path, const struct sample *s, size_t n)
{
	char err[600];
	struct trace_reader *r = trace_open(path, err, sizeof err);
	struct trace_rec rec;
	size_t i = 0;
	int rc;

	if (!r)
		fail_msg("%s", err);
	while ((rc = trace_next(r, &rec)) == 1) {
		const struct sample *w = i < NWORLD ? &world[i] : &s[i - NWORLD];
		assert_true(i < NWORLD + n);
		if (rec.kind != w->kind || rec.ns != w->ns)
			fail_msg("record %zu: kind %u at %llu ns, expected %u at %llu", i, rec.kind,
				 (unsigned long long)rec.ns, w->kind, (unsigned long long)w->ns);
		for (unsigned a = 0; a < trace_kinds[w->kind].nargs; a++)
			if (rec.args[a] != w->args[a])
				fail_msg("record %zu (%s): argument %u is %llu, expected %llu", i,
					 trace_kinds[w->kind].name, a, (unsigned long long)rec.args[a],
					 (unsigned long long)w->args[a]);
		i++;
	}
	if (rc != 0)
		fail_msg("%s", trace_error(r));
	assert_int_equal(i, NWORLD + n);
	assert_int_equal(trace_records(r), NWORLD + n);
	trace_close(r);
}

/* The kind bytes of the file's records, as folding leaves them: found by
 * reading the file's records one by one (offsets) against its bytes. */
static unsigned kind_at(const char *path, uint64_t off)
{
	size_t len;
	uint8_t *b = load(path, &len);
	unsigned k;

	assert_true(off < len);
	k = b[off];
	free(b);
	return k;
}

static void test_pairs_fold(void **state)
{
	static const struct sample s[] = {
		DISPATCH(10, 0, 1), RUNNING(10, 1, 0),
		DELIVER(20, 7, 2), WOKEN(20, 2, 0),
		DISPATCH(30, 1, 2), RUNNING(30, 2, 0),
	};
	char p[128], err[600];
	struct trace_reader *r;
	struct trace_rec a, b;
	uint64_t records;

	path_in(*state, NAME, p, sizeof p);
	records = write_records(p, s, 6);
	assert_int_equal(records, NWORLD + 3);    /* three pairs, three records */
	read_back(p, s, 6);

	/* The two halves share the folded record's offset, where its kind is. */
	r = trace_open(p, err, sizeof err);
	assert_non_null(r);
	for (size_t i = 0; i < NWORLD; i++)
		assert_int_equal(trace_next(r, &a), 1);
	assert_int_equal(trace_next(r, &a), 1);
	assert_int_equal(trace_next(r, &b), 1);
	assert_int_equal(a.offset, b.offset);
	assert_int_equal(kind_at(p, a.offset), TR_DISPATCH_RUNNING);
	assert_int_equal(trace_next(r, &a), 1);
	assert_int_equal(kind_at(p, a.offset), TR_DELIVER_WOKEN);
	trace_close(r);
}

/* Near misses: each is written as two records. */
static void test_near_misses_stay_apart(void **state)
{
	static const struct sample s[] = {
		DISPATCH(10, 0, 1), RUNNING(10, 2, 0),         /* another thread */
		DISPATCH(20, 0, 1), RUNNING(21, 1, 0),         /* a moment later */
		DISPATCH(30, 0, 1), RUNNING(30, 1, 5),         /* with a port */
		DISPATCH(40, 0, 1), WOKEN(40, 1, 0),           /* not the pair's state */
		DELIVER(50, 8, 1), RUNNING(50, 1, 0),
		DELIVER(60, 9, 1), { 60, TR_THREAD_STATE, { 1, 0, 2, 0 }, NULL, 0 }, /* preempted */
		DISPATCH(70, 0, 1), { 70, TR_IDLE, { 1 }, NULL, 0 }, RUNNING(70, 1, 0), /* between */
		{ 80, TR_IDLE, { 0 }, NULL, 0 }, RUNNING(80, 1, 0),  /* nothing to fold into */
		DISPATCH(90, 0, 1), RUNNING(90, 1, 0), RUNNING(90, 1, 0), /* only the first folds */
	};
	enum { N = sizeof s / sizeof s[0] };
	char p[128];
	uint64_t records;

	path_in(*state, NAME, p, sizeof p);
	records = write_records(p, s, N);
	assert_int_equal(records, NWORLD + N - 1);
	read_back(p, s, N);
}

/* Pairs across every position of the writer's buffer: each still folds,
 * so the bytes do not depend on where the buffer was flushed. */
static void test_fold_across_flushes(void **state)
{
	enum { PAIRS = 200000 };
	struct sample *s = calloc(3 * PAIRS, sizeof *s);
	char p[128];
	size_t n = 0;
	uint64_t records, ns = 1;

	assert_non_null(s);
	for (size_t i = 0; i < PAIRS; i++, ns += 1 + i % 300) {
		/* A log of 0 to 6 bytes shifts the pairs that follow. */
		s[n++] = (struct sample){ ns, TR_LOG, { 1 }, "abcdef", i % 7 };
		s[n++] = (struct sample){ ns, TR_DISPATCH, { i % 2, 1 + i % 2 }, NULL, 0 };
		s[n++] = (struct sample){ ns, TR_THREAD_STATE, { 1 + i % 2, 1, 4, 0 }, NULL, 0 };
	}
	path_in(*state, NAME, p, sizeof p);
	records = write_records(p, s, n);
	assert_int_equal(records, NWORLD + 2 * PAIRS);
	read_back(p, s, n);
	free(s);
}

/* The end record counts the file's records: a folded one once. */
static void test_count_in_end_record(void **state)
{
	static const struct sample s[] = { DISPATCH(10, 0, 1), RUNNING(10, 1, 0) };
	char p[128];
	size_t len;
	uint8_t *b;

	path_in(*state, NAME, p, sizeof p);
	assert_int_equal(write_records(p, s, 2), NWORLD + 1);
	b = load(p, &len);
	/* The end record: kind 0, delta 0, count. */
	assert_true(len >= 3);
	assert_int_equal(b[len - 3], TR_END);
	assert_int_equal(b[len - 2], 0);
	assert_int_equal(b[len - 1], NWORLD + 1);
	free(b);
}

/* ---- version 3 files ---- */

struct bytes {
	uint8_t b[256];
	size_t n;
};

static void put_u8(struct bytes *x, unsigned v)
{
	x->b[x->n++] = (uint8_t)v;
}

/* A version v file: proc 1 with thread 1, then the record kind (args a, b),
 * then thread_state running of thread 1, then the end. */
static void v_file(struct bytes *x, unsigned v, unsigned kind, unsigned a, unsigned b)
{
	x->n = 0;
	memcpy(x->b, TRACE_MAGIC, TRACE_MAGIC_LEN);
	x->n = TRACE_MAGIC_LEN;
	put_u8(x, v);
	put_u8(x, 0);                                                  /* no header pairs */
	put_u8(x, TR_PROC_NEW), put_u8(x, 0), put_u8(x, 1), put_u8(x, 0), put_u8(x, 1),
		put_u8(x, 'p');
	put_u8(x, TR_THREAD_NEW), put_u8(x, 0), put_u8(x, 1), put_u8(x, 1), put_u8(x, 1),
		put_u8(x, 'p');
	put_u8(x, kind), put_u8(x, 5), put_u8(x, a), put_u8(x, b);
	put_u8(x, TR_THREAD_STATE), put_u8(x, 0), put_u8(x, 1), put_u8(x, 1), put_u8(x, 4),
		put_u8(x, 0);
	put_u8(x, TR_END), put_u8(x, 0), put_u8(x, 4);
}

static int read_all(const struct bytes *x, char *err, size_t errlen)
{
	struct trace_reader *r = trace_open_mem(x->b, x->n, "v.uktrace", err, errlen);
	struct trace_rec rec;
	int rc, n = 0;

	if (!r)
		return -1;
	while ((rc = trace_next(r, &rec)) == 1)
		n++;
	if (rc != 0)
		snprintf(err, errlen, "%s", trace_error(r));
	trace_close(r);
	return rc == 0 ? n : -1;
}

static void test_version_3_reads(void **state)
{
	struct bytes x;
	char err[600] = "";

	(void)state;
	v_file(&x, 3, TR_DISPATCH, 0, 1);
	assert_int_equal(read_all(&x, err, sizeof err), 4);
	/* A folded kind in a version 3 file is no kind that version knows. */
	v_file(&x, 3, TR_DISPATCH_RUNNING, 0, 1);
	assert_int_equal(read_all(&x, err, sizeof err), -1);
	assert_non_null(strstr(err, "v.uktrace: byte 22: unknown record kind 71"));
	/* In version 4 it is two records (and the thread_state after it a third). */
	v_file(&x, 4, TR_DISPATCH_RUNNING, 0, 1);
	assert_int_equal(read_all(&x, err, sizeof err), 5);
	v_file(&x, 2, TR_DISPATCH, 0, 1);
	assert_int_equal(read_all(&x, err, sizeof err), -1);
	assert_non_null(strstr(err, "unsupported trace version 2 (this ukern reads versions 3 to 4)"));
}

/* A folded record is checked as the two it stands for: a thread no record
 * created is named at the folded record's offset. */
static void test_folded_checked(void **state)
{
	struct bytes x;
	char err[600] = "";

	(void)state;
	v_file(&x, 4, TR_DISPATCH_RUNNING, 0, 9);
	assert_int_equal(read_all(&x, err, sizeof err), -1);
	if (!strstr(err, "v.uktrace: byte 22: dispatch record: tid 9 names no thread") ||
	    !strstr(err, "(one half of a dispatch_running record)"))
		fail_msg("%s", err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_pairs_fold, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_near_misses_stay_apart, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_fold_across_flushes, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_count_in_end_record, setup_dir, teardown_dir),
		cmocka_unit_test(test_version_3_reads),
		cmocka_unit_test(test_folded_checked),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
