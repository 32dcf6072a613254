/*
 * test_trace_fold.c: unit tests for the folded records of trace format 4
 * (trace_format.h): a dispatch and the thread's running, a delivery and
 * the receiver's waking, written by the kernel as one record; given as two
 * to every sink but a trace file (kernel/trace.c); returned as two by the
 * reader (viz/trace_read.c).
 *
 * The one idea: folding changes the file's bytes, never what anyone reads.
 * A run's records, as a live sink gets them, are exactly those the reader
 * returns from its trace file, in order; the file holds fewer records; its
 * bytes are the same whether the file is the run's only sink or not; and a
 * version 3 file, which has no folded records, still reads.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "loader.h"
#include "machine.h"
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
	static const struct sample folded[] = {
		{ 10, TR_DISPATCH_RUNNING, { 0, 1 }, NULL, 0 },
		{ 20, TR_DELIVER_WOKEN, { 7, 2, 5 }, NULL, 0 },
		{ 30, TR_DISPATCH_RUNNING, { 1, 2 }, NULL, 0 },
	};
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
	records = write_records(p, folded, 3);
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

/* The end record counts the file's records: a folded one once. */
static void test_count_in_end_record(void **state)
{
	static const struct sample s[] = { { 10, TR_DISPATCH_RUNNING, { 0, 1 }, NULL, 0 } };
	char p[128];
	size_t len;
	uint8_t *b;

	path_in(*state, NAME, p, sizeof p);
	assert_int_equal(write_records(p, s, 1), NWORLD + 1);
	b = load(p, &len);
	/* The end record: kind 0, delta 0, count. */
	assert_true(len >= 3);
	assert_int_equal(b[len - 3], TR_END);
	assert_int_equal(b[len - 2], 0);
	assert_int_equal(b[len - 1], NWORLD + 1);
	free(b);
}

/* ---- the kernel's sinks ---- */

/* What a sink other than a trace file got. */
struct got {
	struct trace_rec *r;
	size_t n, cap;
};

static void got_record(void *ctx, uint64_t ns, unsigned kind, const uint64_t *args, const char *s,
		       size_t len)
{
	struct got *g = ctx;
	struct trace_rec *r;

	if (g->n == g->cap) {
		g->cap = g->cap ? 2 * g->cap : 1024;
		g->r = realloc(g->r, g->cap * sizeof *g->r);
		assert_non_null(g->r);
	}
	r = &g->r[g->n++];
	memset(r, 0, sizeof *r);
	r->kind = kind;
	r->ns = ns;
	memcpy(r->args, args, trace_kinds[kind].nargs * sizeof *args);
	r->len = trace_kinds[kind].has_str ? len : 0;
	r->str = r->len ? memcpy(malloc(r->len), s, r->len) : NULL;
}

static void got_free(struct got *g)
{
	for (size_t i = 0; i < g->n; i++)
		free((void *)g->r[i].str);
	free(g->r);
}

/* A folded record goes as it is to a trace file, as two to any other sink,
 * whether it is the only sink or one of several. */
static void test_sinks(void **state)
{
	static const uint64_t dr[] = { 1, 4 }, dw[] = { 9, 4, 3 };
	struct machine *m = calloc(1, sizeof *m);
	struct got g = { 0 };
	struct trace_sink gs = { got_record, &g };
	struct trace_file *f;
	char p[128];

	assert_non_null(m);
	assert_int_equal(machine_add_sink(m, &gs), 0);
	m->now = 5;
	trace_record(m, TR_DISPATCH_RUNNING, dr, NULL, 0);
	assert_int_equal(g.n, 2);
	assert_int_equal(g.r[0].kind, TR_DISPATCH);
	assert_int_equal(g.r[0].args[0], 1);
	assert_int_equal(g.r[0].args[1], 4);
	assert_int_equal(g.r[1].kind, TR_THREAD_STATE);
	assert_int_equal(g.r[1].args[0], 4);
	assert_int_equal(g.r[1].args[1], TRACE_STATE_RUNNING);
	assert_int_equal(g.r[1].args[2], TRACE_REASON_DISPATCHED);
	assert_int_equal(g.r[1].args[3], 0);
	assert_int_equal(g.r[1].ns, 5);

	/* With a trace file as well: the file takes one record, the other sink two. */
	path_in(*state, NAME, p, sizeof p);
	f = trace_file_open(p, keys, values, 4);
	assert_non_null(f);
	{
		struct trace_sink fs = trace_file_sink(f);
		assert_int_equal(machine_add_sink(m, &fs), 0);
	}
	trace_record(m, TR_DELIVER_WOKEN, dw, NULL, 0);
	assert_int_equal(trace_file_records(f), 1);
	assert_int_equal(g.n, 4);
	assert_int_equal(g.r[2].kind, TR_MSG_DELIVER);
	assert_int_equal(g.r[2].args[2], 3);
	assert_int_equal(g.r[3].kind, TR_THREAD_STATE);
	assert_int_equal(g.r[3].args[0], 4);
	assert_int_equal(g.r[3].args[1], TRACE_STATE_READY);
	assert_int_equal(g.r[3].args[2], TRACE_REASON_WOKEN);
	trace_file_abort(f);
	free(m->sinks);
	free(m);
	got_free(&g);
}

/* Run the scenario at path (from the source tree) with a trace file at
 * file, and, when g, a sink of its own; the records the file holds. */
static uint64_t run_scenario(const char *path, const char *set, const char *file, struct got *g)
{
	const char *top = getenv("top_srcdir");
	const char *sets[1] = { set };
	char full[512], err[1024];
	struct loader_opts lo = { 0 };
	struct scenario *sc;
	struct machine m;
	struct trace_file *f;
	struct trace_sink fs, gs = { got_record, g };
	uint64_t records;

	snprintf(full, sizeof full, "%s/%s", top ? top : ".", path);
	lo.path = full;
	lo.sets = sets;
	lo.nsets = set ? 1 : 0;
	if (!(sc = scenario_load(&lo, err, sizeof err)))
		fail_msg("%s", err);
	assert_int_equal(machine_init(&m, scenario_config(sc)), 0);
	if (scenario_build(sc, &m, err, sizeof err) != 0)
		fail_msg("%s", err);
	f = trace_file_open(file, keys, values, 4);
	assert_non_null(f);
	fs = trace_file_sink(f);
	assert_int_equal(machine_add_sink(&m, &fs), 0);
	if (g)
		assert_int_equal(machine_add_sink(&m, &gs), 0);
	machine_run(&m);
	records = trace_file_records(f);
	assert_int_equal(trace_file_close(f), 0);
	machine_free(&m);
	scenario_free(sc);
	return records;
}

/* The changes of state that folded records stand for are all there, in
 * the records a live sink got: after a dispatch of a thread that was not
 * running, the thread's next change of state is to running; after a
 * delivery to a blocked thread, to ready (out-of-line data's records may
 * come between). */
static void check_pairs(const char *what, const struct got *g)
{
	uint8_t state[4096];

	memset(state, 0xff, sizeof state);
	for (size_t i = 0; i < g->n; i++) {
		const struct trace_rec *r = &g->r[i], *next = NULL;
		uint64_t tid = r->args[r->kind == TR_THREAD_STATE ? 0 : 1];
		unsigned want;

		if (tid >= sizeof state)
			continue;
		if (r->kind == TR_THREAD_STATE) {
			state[tid] = (uint8_t)r->args[1];
			continue;
		}
		if (r->kind == TR_DISPATCH && state[tid] != TRACE_STATE_RUNNING)
			want = TRACE_STATE_RUNNING;
		else if (r->kind == TR_MSG_DELIVER && state[tid] == 2)    /* blocked */
			want = TRACE_STATE_READY;
		else
			continue;
		for (size_t j = i + 1; j < g->n && !next; j++)
			if (g->r[j].kind == TR_THREAD_STATE && g->r[j].args[0] == tid)
				next = &g->r[j];
		if (!next || next->args[1] != want)
			fail_msg("%s: record %zu (%s of thread %llu) is not followed by its %s", what, i,
				 trace_kinds[r->kind].name, (unsigned long long)tid,
				 want == TRACE_STATE_RUNNING ? "running" : "waking");
	}
}

/* Runs that take every path to a folded record and around it: hand-offs,
 * queued messages, out-of-line data, LWPs and activations, LRPC, nodes. */
static void test_runs_read_back(void **state)
{
	static const char *const runs[][2] = {
		{ "scenarios/hello.lua", NULL },
		{ "scenarios/pingpong.lua", NULL },
		{ "scenarios/buffering.lua", "qlimit=2" },
		{ "scenarios/ool-messages.lua", NULL },
		{ "scenarios/thread-models.lua", "model=many-to-one" },
		{ "scenarios/thread-models.lua", "model=activations" },
		{ "scenarios/lrpc-paper.lua", "calls=3" },
		{ "scenarios/two-nodes-rpc.lua", "max=0" },
		{ "scenarios/reincarnation.lua", NULL },
		{ "tests/sched/procrun.lua", NULL },
	};
	char one[128], both[128], err[600];

	path_in(*state, "one.uktrace", one, sizeof one);
	path_in(*state, "both.uktrace", both, sizeof both);
	for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++) {
		struct got g = { 0 };
		uint64_t records = run_scenario(runs[i][0], runs[i][1], both, &g);
		struct trace_reader *r = trace_open(both, err, sizeof err);
		struct trace_rec rec;
		size_t n = 0, la, lb;
		uint8_t *a, *b;
		int rc;

		if (!r)
			fail_msg("%s", err);
		while ((rc = trace_next(r, &rec)) == 1) {
			const struct trace_rec *w = n < g.n ? &g.r[n] : NULL;
			if (!w || rec.kind != w->kind || rec.ns != w->ns ||
			    memcmp(rec.args, w->args, sizeof rec.args) || rec.len != w->len ||
			    (w->len && memcmp(rec.str, w->str, w->len)))
				fail_msg("%s: record %zu read back as %s, the sink got %s", runs[i][0], n,
					 trace_kinds[rec.kind].name, w ? trace_kinds[w->kind].name : "none");
			n++;
		}
		if (rc != 0)
			fail_msg("%s", trace_error(r));
		trace_close(r);
		assert_int_equal(n, g.n);
		check_pairs(runs[i][0], &g);
		/* Every run dispatches: some records were folded. */
		if (records >= g.n)
			fail_msg("%s: %llu records in the file for %zu", runs[i][0],
				 (unsigned long long)records, g.n);
		got_free(&g);

		/* The file alone gets the very same bytes. */
		assert_int_equal(run_scenario(runs[i][0], runs[i][1], one, NULL), records);
		a = load(one, &la);
		b = load(both, &lb);
		if (la != lb || memcmp(a, b, la))
			fail_msg("%s: the trace differs with another sink", runs[i][0]);
		free(a);
		free(b);
	}
}

/* The argument counts TRACE sites are held to are the kinds table's. */
static void test_nargs(void **state)
{
	(void)state;
	for (unsigned k = 0; k < TR_KIND_COUNT; k++)
		if (trace_nargs[k] != trace_kinds[k].nargs)
			fail_msg("kind %u (%s): trace_nargs %u, trace_kinds %u", k,
				 trace_kinds[k].name ? trace_kinds[k].name : "-", trace_nargs[k],
				 trace_kinds[k].nargs);
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

/* A refused record is not one trace_next returned: the count stays at the
 * records before it, whether or not the refused one is folded. */
static void test_refused_not_counted(void **state)
{
	static const unsigned kinds[] = { TR_DISPATCH, TR_DISPATCH_RUNNING };
	struct trace_reader *r;
	struct trace_rec rec;
	struct bytes x;
	char err[600];

	(void)state;
	for (size_t i = 0; i < 2; i++) {
		v_file(&x, 4, kinds[i], 0, 9);
		r = trace_open_mem(x.b, x.n, "v.uktrace", err, sizeof err);
		assert_non_null(r);
		assert_int_equal(trace_next(r, &rec), 1);
		assert_int_equal(trace_next(r, &rec), 1);
		assert_int_equal(trace_next(r, &rec), -1);
		assert_int_equal(trace_records(r), 2);
		trace_close(r);
	}
}

/* An end record whose count is wrong: its message gives the file's count,
 * which the end record's is, and, when the file has folded records, the
 * count as read, which the other messages and the exports give. */
static void test_end_count_message(void **state)
{
	struct bytes x;
	char err[600] = "";

	(void)state;
	v_file(&x, 4, TR_DISPATCH_RUNNING, 0, 1);
	x.b[x.n - 1] = 5;    /* the records as read, not as in the file */
	assert_int_equal(read_all(&x, err, sizeof err), -1);
	if (!strstr(err, "v.uktrace: byte 32: the end record counts 5 records but the trace has 4 "
			 "(5 as read: a folded record, dispatch_running or deliver_woken, "
			 "counts once)"))
		fail_msg("%s", err);
	v_file(&x, 4, TR_DISPATCH, 0, 1);
	x.b[x.n - 1] = 5;
	assert_int_equal(read_all(&x, err, sizeof err), -1);
	if (!strstr(err, "v.uktrace: byte 32: the end record counts 5 records but the trace has 4") ||
	    strstr(err, "as read"))
		fail_msg("%s", err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_pairs_fold, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_count_in_end_record, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_sinks, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_runs_read_back, setup_dir, teardown_dir),
		cmocka_unit_test(test_nargs),
		cmocka_unit_test(test_version_3_reads),
		cmocka_unit_test(test_folded_checked),
		cmocka_unit_test(test_refused_not_counted),
		cmocka_unit_test(test_end_count_message),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
