/*
 * test_trace_index.c: unit tests for the trace index the viewer draws from
 * (viz/trace_index*.c): a small run fed record by record - a client calls
 * the name server, a producer fills a buffered port, a long idle stretch -
 * and the arrays it builds: per-thread state intervals, CPU runs, messages
 * with their replies, queue depths, record-free gaps, sleeping and I/O
 * waits; records naming things
 * the trace never created; and whole files, good, cut short and not traces.
 *
 * The one idea: every figure the views show comes from these arrays, so
 * each is checked against what the records say, to the nanosecond.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "trace.h"
#include "trace_index.h"

#define TWO31 2147483648ull
#define END_NS 2000000ull

struct rec {
	uint64_t ns;
	unsigned kind;
	uint64_t a[6];
	const char *s;
};

/* tid 1 "name" (pid 1, daemon) serves port 1; tid 2 "client" (pid 2) calls
 * it, then sends two messages to port 7 (qlimit 2, owned by pid 1): one is
 * delivered, one dropped when the port dies; then nothing until it exits. */
static const struct rec run[] = {
	{ 0, TR_PROC_NEW, { 1, 1 }, "name" },
	{ 0, TR_THREAD_NEW, { 1, 1 }, "name" },
	{ 0, TR_THREAD_STATE, { 1, 0, 0, 0 }, NULL },
	{ 0, TR_DISPATCH, { 0, 1 }, NULL },
	{ 0, TR_THREAD_STATE, { 1, 1, 4, 0 }, NULL },
	{ 100, TR_THREAD_STATE, { 1, 2, 6, 1 }, NULL },
	{ 100, TR_PROC_NEW, { 2, 0 }, "client" },
	{ 100, TR_THREAD_NEW, { 2, 2 }, "client" },
	{ 100, TR_THREAD_STATE, { 2, 0, 0, 0 }, NULL },
	{ 100, TR_DISPATCH, { 0, 2 }, NULL },
	{ 100, TR_THREAD_STATE, { 2, 1, 4, 0 }, NULL },
	{ 1000, TR_PORT_NEW, { 5, 2, 0 }, NULL },
	{ 1000, TR_MSG_SEND, { 1, 2, 1, 72, 1, 0 }, NULL },
	{ 1000, TR_MSG_DELIVER, { 1, 1, 1 }, NULL },
	{ 1000, TR_THREAD_STATE, { 1, 0, 1, 0 }, NULL },
	{ 1000, TR_THREAD_STATE, { 2, 2, 7, 5 }, NULL },
	{ 1000, TR_DISPATCH, { 0, 1 }, NULL },
	{ 1000, TR_THREAD_STATE, { 1, 1, 4, 0 }, NULL },
	{ 1500, TR_PORT_NEW, { 7, 1, 2 }, NULL },
	{ 1500, TR_PORT_LABEL, { 7 }, "sink" },
	{ 1500, TR_NAME, { 1, 7, 1, 1 }, "sink" },
	{ 3000, TR_MSG_SEND, { 2, 1, 5, 8, 2, 1 }, NULL },
	{ 3000, TR_MSG_DELIVER, { 2, 2, 5 }, NULL },
	{ 3000, TR_THREAD_STATE, { 2, 0, 1, 0 }, NULL },
	{ 3000, TR_THREAD_STATE, { 1, 2, 6, 1 }, NULL },
	{ 3000, TR_DISPATCH, { 0, 2 }, NULL },
	{ 3000, TR_THREAD_STATE, { 2, 1, 4, 0 }, NULL },
	{ 4000, TR_MSG_SEND, { 3, 2, 7, 36, 0, 0 }, NULL },
	{ 4000, TR_MSG_ENQUEUE, { 3, 7, 1 }, NULL },
	{ 4000, TR_MSG_SEND, { 4, 2, 7, 36, 0, 0 }, NULL },
	{ 4000, TR_MSG_ENQUEUE, { 4, 7, 2 }, NULL },
	{ 5000, TR_MSG_DELIVER, { 3, 1, 7 }, NULL },
	{ 5000, TR_LOG, { 2, 0 }, "took\none" },
	{ 6000, TR_PORT_DEAD, { 7 }, NULL },
	{ 6000, TR_MSG_DROP, { 4, 7, 1 }, NULL },
	{ END_NS, TR_THREAD_STATE, { 2, 3, 10, 0 }, NULL },
	{ END_NS, TR_PROC_EXIT, { 2, TWO31 + 0, 0 }, NULL },
};

enum { NRUN = sizeof run / sizeof run[0] };

static void feed(struct trace_index *ix, const struct rec *r, size_t n)
{
	for (size_t i = 0; i < n; i++)
		assert_int_equal(trace_index_add(ix, r[i].ns, r[i].kind, r[i].a, r[i].s ? r[i].s : "",
						 r[i].s ? strlen(r[i].s) : 0), 0);
}

static struct trace_index *built(void)
{
	struct trace_index *ix = trace_index_new();

	assert_non_null(ix);
	feed(ix, run, NRUN);
	assert_int_equal(trace_index_seal(ix, END_NS), 0);
	return ix;
}

static void test_entities(void **state)
{
	struct trace_index *ix = built();

	(void)state;
	assert_int_equal(ix->nprocs, 2);
	assert_int_equal(ix->nthreads, 2);
	assert_int_equal(ix->ncpus, 1);
	assert_int_equal(ix->nmsgs, 4);
	assert_int_equal(ix->nrecords, NRUN);
	assert_int_equal(ix->end_ns, END_NS);
	assert_string_equal(trace_index_str(ix, ix->procs[0].name), "name");
	assert_true(ix->procs[0].nameserver);
	assert_false(ix->procs[1].nameserver);
	assert_int_equal(ix->procs[1].died, END_NS);
	assert_int_equal(ix->procs[1].exit_code, 0);
	assert_string_equal(trace_index_str(ix, ix->threads[1].name), "client");
	assert_int_equal(ix->threads[1].proc, 1);
	assert_int_equal(ix->nlogs, 1);
	assert_string_equal(trace_index_str(ix, ix->logs[0].text), "took?one");  /* made printable */
	assert_int_equal(ix->nnames, 1);
	trace_index_free(ix);
}

/* Thread 1 (name): running 0-100, blocked recv on port 1 100-1000, running
 * 1000-3000, blocked recv from 3000 to the end (zero-length states dropped). */
static void test_intervals(void **state)
{
	struct trace_index *ix = built();
	const struct ti_thread *t = &ix->threads[0];
	const struct ti_interval *iv = &ix->ivs[t->iv_first];

	(void)state;
	assert_int_equal(t->iv_count, 4);
	assert_int_equal(iv[0].t0, 0);
	assert_int_equal(iv[0].t1, 100);
	assert_int_equal(iv[0].state, TI_RUNNING);
	assert_int_equal(iv[1].state, TI_BLOCKED);
	assert_int_equal(iv[1].reason, TI_R_RECV);
	assert_int_equal(ix->ports[iv[1].port].id, 1);
	assert_int_equal(iv[2].t0, 1000);
	assert_int_equal(iv[2].t1, 3000);
	assert_int_equal(iv[3].t1, END_NS);
	assert_int_equal(trace_index_intervals_from(ix, 0, 1000), t->iv_first + 2);
	assert_int_equal(trace_index_intervals_from(ix, 0, 999), t->iv_first + 1);
	/* client: the reply wait on its reply port 5, then running until it exits */
	t = &ix->threads[1];
	iv = &ix->ivs[t->iv_first];
	assert_int_equal(iv[1].reason, TI_R_REPLY);
	assert_int_equal(ix->ports[iv[1].port].id, 5);
	assert_int_equal(iv[t->iv_count - 1].t1, END_NS);
	assert_true(ix->blocked_seen & (1u << TI_R_REPLY));
	assert_false(ix->blocked_seen & (1u << TI_R_SLEEP));
	trace_index_free(ix);
}

static void test_runs(void **state)
{
	struct trace_index *ix = built();
	const struct ti_cpu *c = &ix->cpus[0];

	(void)state;
	assert_int_equal(c->run_count, 4);
	assert_int_equal(ix->runs[c->run_first].t1, 100);
	assert_int_equal(ix->runs[c->run_first + 1].thread, 1);
	assert_int_equal(ix->runs[c->run_first + 3].t1, END_NS);   /* closed at the end */
	assert_int_equal(c->busy_ns, END_NS);
	assert_int_equal(trace_index_runs_from(ix, 0, 1000), c->run_first + 2);
	for (size_t r = c->run_first; r < c->run_first + c->run_count; r++) {
		assert_int_equal(ix->runs[r].more, 0);      /* each a switch */
		assert_int_equal(trace_index_stretch_first(ix, 0, r), r);
	}
	trace_index_free(ix);
}

/* A scheduler that chooses the running thread again (at 100 and 200) starts
 * runs that continue the last: runs 0-100, 100-200 and 200-300 of "a" are
 * one stretch; a switch to "b", and an idle CPU (450-500), end one. */
static void test_run_stretches(void **state)
{
	static const struct rec recs[] = {
		{ 0, TR_PROC_NEW, { 1, 0 }, "p" },
		{ 0, TR_THREAD_NEW, { 1, 1 }, "a" },
		{ 0, TR_THREAD_NEW, { 2, 1 }, "b" },
		{ 0, TR_DISPATCH, { 0, 1 }, NULL },
		{ 100, TR_DISPATCH, { 0, 1 }, NULL },
		{ 200, TR_DISPATCH, { 0, 1 }, NULL },
		{ 300, TR_DISPATCH, { 0, 2 }, NULL },
		{ 400, TR_DISPATCH, { 0, 1 }, NULL },
		{ 450, TR_IDLE, { 0 }, NULL },
		{ 500, TR_DISPATCH, { 0, 1 }, NULL },
		{ 600, TR_DISPATCH, { 0, 1 }, NULL },
	};
	static const uint32_t more[] = { 2, 1, 0, 0, 0, 1, 0 };
	static const size_t first[] = { 0, 0, 0, 3, 4, 5, 5 };
	struct trace_index *ix = trace_index_new();
	const struct ti_cpu *c;

	(void)state;
	assert_non_null(ix);
	feed(ix, recs, sizeof recs / sizeof recs[0]);
	assert_int_equal(trace_index_seal(ix, 700), 0);
	c = &ix->cpus[0];
	assert_int_equal(c->run_count, 7);
	assert_int_equal(c->busy_ns, 650);
	for (size_t k = 0; k < 7; k++) {
		assert_int_equal(ix->runs[c->run_first + k].more, more[k]);
		assert_int_equal(trace_index_stretch_first(ix, 0, c->run_first + k),
				 c->run_first + first[k]);
	}
	assert_int_equal(ix->runs[c->run_first + 2].t1, 300);
	trace_index_free(ix);
}

static void test_messages(void **state)
{
	struct trace_index *ix = built();
	const struct ti_msg *m = ix->msgs;

	(void)state;
	assert_int_equal(m[0].kind, TI_CALL);
	assert_int_equal(m[0].reply, 1);
	assert_int_equal(m[1].reply_to, 0);
	assert_int_equal(m[1].to, 1);
	assert_int_equal(m[0].fate, TI_DELIVERED);
	assert_int_equal(m[2].enqueue_ns, 4000);
	assert_int_equal(m[2].end_ns, 5000);
	assert_int_equal(m[3].fate, TI_DROPPED);
	assert_int_equal(m[3].drop_reason, 1);
	assert_int_equal(ix->ndrops, 1);
	assert_true(ix->ports[1].reply_only);            /* port 5 */
	assert_false(ix->ports[0].reply_only);           /* port 1 */
	assert_int_equal(ix->ports[0].owner, 0);         /* learnt from the delivery */
	assert_true(ix->ports[2].registered);
	assert_string_equal(trace_index_str(ix, ix->ports[2].label), "sink");
	/* messages that may show from 3500 on: the ones ending at 5000 and 6000 */
	assert_int_equal(trace_index_msgs_from(ix, 3500), 2);
	assert_int_equal(trace_index_msgs_from(ix, 0), 0);
	assert_int_equal(trace_index_msgs_from(ix, 7000), 4);
	trace_index_free(ix);
}

static void test_depths(void **state)
{
	struct trace_index *ix = built();

	(void)state;
	assert_int_equal(trace_index_depth_at(ix, 2, 3999), 0);
	assert_int_equal(trace_index_depth_at(ix, 2, 4000), 2);
	assert_int_equal(trace_index_depth_at(ix, 2, 4999), 2);
	assert_int_equal(trace_index_depth_at(ix, 2, 5000), 1);
	assert_int_equal(trace_index_depth_at(ix, 2, 6000), 0);
	assert_int_equal(trace_index_depth_at(ix, 0, 4000), 0);  /* never queued */
	trace_index_free(ix);
}

/* Depth counts the messages that waited, whatever order the records of one
 * instant come in (here the new message is queued before the old one
 * leaves, and the enqueue reports the length before the delivery). */
static void test_depth_same_instant(void **state)
{
	static const struct rec q[] = {
		{ 0, TR_PORT_NEW, { 1, 1, 2 }, NULL },
		{ 0, TR_MSG_SEND, { 1, 1, 1, 8, 0, 0 }, NULL },
		{ 0, TR_MSG_ENQUEUE, { 1, 1, 1 }, NULL },
		{ 0, TR_MSG_SEND, { 2, 1, 1, 8, 0, 0 }, NULL },
		{ 0, TR_MSG_ENQUEUE, { 2, 1, 2 }, NULL },
		{ 10, TR_MSG_SEND, { 3, 1, 1, 8, 0, 0 }, NULL },
		{ 10, TR_MSG_ENQUEUE, { 3, 1, 2 }, NULL },
		{ 10, TR_MSG_DELIVER, { 1, 2, 1 }, NULL },
	};
	struct trace_index *ix = trace_index_new();

	(void)state;
	feed(ix, q, sizeof q / sizeof q[0]);
	assert_int_equal(trace_index_seal(ix, 10), 0);
	assert_int_equal(trace_index_depth_at(ix, 0, 5), 2);
	assert_int_equal(trace_index_depth_at(ix, 0, 10), 2);
	trace_index_free(ix);
}

static void test_gaps(void **state)
{
	struct trace_index *ix = built();
	uint64_t g[8];

	(void)state;
	assert_int_equal(trace_index_gaps(ix, 0, END_NS, END_NS / 64, g, 4), 1);
	assert_int_equal(g[0], 6000);
	assert_int_equal(g[1], END_NS);
	/* a window with no record inside is one gap; the longest come first */
	assert_int_equal(trace_index_gaps(ix, 7000, 9000, 10, g, 4), 1);
	assert_int_equal(trace_index_gaps(ix, 0, 7000, 500, g, 2), 2);
	assert_int_equal(g[0], 1500);                    /* 1500 .. 3000, the longest */
	assert_int_equal(g[1], 3000);
	assert_int_equal(g[3] - g[2], 1000);             /* then one of the 1000s */
	trace_index_free(ix);
}

/* Sleeping and I/O waits are merged into stretches of time passing on
 * purpose (the viewer never collapses them). */
static void test_waiting(void **state)
{
	static const struct rec w[] = {
		{ 0, TR_THREAD_STATE, { 1, 1, 4, 0 }, NULL },
		{ 10, TR_THREAD_STATE, { 1, 2, 8, 0 }, NULL },        /* sleep 10 .. 50 */
		{ 40, TR_THREAD_STATE, { 2, 2, 15, 0 }, NULL },       /* I/O 40 .. 70 */
		{ 50, TR_THREAD_STATE, { 1, 1, 4, 0 }, NULL },
		{ 70, TR_THREAD_STATE, { 2, 0, 1, 0 }, NULL },
		{ 90, TR_THREAD_STATE, { 1, 2, 6, 0 }, NULL },        /* recv: not a wait */
	};
	struct trace_index *ix = trace_index_new();

	(void)state;
	feed(ix, w, sizeof w / sizeof w[0]);
	assert_int_equal(trace_index_seal(ix, 100), 0);
	assert_int_equal(ix->nwaits, 1);                  /* 10 .. 70, merged */
	assert_int_equal(ix->waits[0], 10);
	assert_int_equal(ix->waits[1], 70);
	assert_false(trace_index_waiting(ix, 0, 10));
	assert_true(trace_index_waiting(ix, 5, 12));
	assert_true(trace_index_waiting(ix, 60, 65));
	assert_false(trace_index_waiting(ix, 70, 100));
	trace_index_free(ix);
}

/* Records about things never created, values this reader does not know,
 * and absurd numbers are absorbed, never a crash. */
static void test_damaged_records(void **state)
{
	static const struct rec odd[] = {
		{ 0, TR_THREAD_STATE, { 99, 1, 4, 0 }, NULL },          /* unknown thread */
		{ 0, TR_DISPATCH, { 1ull << 40, 99 }, NULL },            /* absurd CPU */
		{ 5, TR_THREAD_STATE, { 99, 7, 4, 0 }, NULL },          /* unknown state */
		{ 5, TR_THREAD_STATE, { 99, 2, 200, 1ull << 50 }, NULL },  /* unknown reason, port */
		{ 6, TR_MSG_DELIVER, { 12345, 99, 3 }, NULL },          /* flow never sent */
		{ 6, TR_MSG_DROP, { 54321, 3, 9 }, NULL },
		{ 7, TR_MSG_SEND, { 1, 99, 3, 1, 7, 777 }, NULL },       /* unknown kind, reply_to */
		{ 8, TR_WAIT, { 1, 2, 3 }, NULL },                       /* a wait edge: */
											 /* thread 1, port 3 */
		{ 8, TR_KIND_COUNT - 1, { 1, 2, 3 }, NULL },             /* the newest kind */
	};
	struct trace_index *ix = trace_index_new();

	(void)state;
	feed(ix, odd, sizeof odd / sizeof odd[0]);
	assert_int_equal(trace_index_add(ix, 9, TR_KIND_COUNT + 3, odd[0].a, "", 0), 0);
	assert_int_equal(trace_index_seal(ix, 10), 0);
	assert_int_equal(ix->nthreads, 2);
	assert_string_equal(trace_index_str(ix, ix->threads[0].name), "thread 99");
	assert_string_equal(trace_index_str(ix, ix->threads[1].name), "thread 1");
	assert_int_equal(ix->ncpus, 0);
	assert_int_equal(ix->nmsgs, 1);
	assert_int_equal(ix->msgs[0].kind, TI_SEND);
	assert_int_equal(ix->msgs[0].reply_to, TI_NONE);
	assert_int_equal(ix->ivs[ix->threads[0].iv_first + 1].reason, 200);
	trace_index_free(ix);
}

/* ---- files ---- */

static void write_file(const char *path)
{
	static const char *const keys[] = { "scenario", "seed" };
	static const char *const vals[] = { "scenarios/x.lua", "7" };
	struct trace_file *f = trace_file_open(path, keys, vals, 2);
	struct trace_sink sink;

	assert_non_null(f);
	sink = trace_file_sink(f);
	for (size_t i = 0; i < NRUN; i++)
		sink.record(sink.ctx, run[i].ns, run[i].kind, run[i].a, run[i].s,
			    run[i].s ? strlen(run[i].s) : 0);
	assert_int_equal(trace_file_close(f), 0);
}

/* A deadlock: the wait-for edges come before the report; the index keeps
 * them in order, with the port, the process waited for and (for a join)
 * the very thread, and remembers when the first report came. */
static void test_deadlock_edges(void **state)
{
	static const struct rec dl[] = {
		{ 0, TR_PROC_NEW, { 1, 0 }, "s1" },
		{ 0, TR_THREAD_NEW, { 1, 1 }, "s1" },
		{ 0, TR_PORT_NEW, { 3, 1, 0 }, NULL },
		{ 0, TR_PROC_NEW, { 2, 0 }, "s2" },
		{ 0, TR_THREAD_NEW, { 2, 2 }, "s2" },
		{ 0, TR_THREAD_NEW, { 4, 2 }, "s2.1" },
		{ 0, TR_PORT_NEW, { 5, 2, 0 }, NULL },
		{ 700, TR_WAIT, { 1, 7, 5, 2, 0 }, NULL },
		{ 700, TR_WAIT, { 2, 9, 0, 2, 4 }, NULL },
		{ 700, TR_WAIT, { 4, 7, 3, 1, 0 }, NULL },
		{ 700, TR_DEADLOCK, { 3 }, "deadlock at 700ns" },
		{ 900, TR_DEADLOCK, { 3 }, "a second report" },
	};
	struct trace_index *ix = trace_index_new();

	(void)state;
	assert_non_null(ix);
	assert_int_equal(ix->deadlock_ns, TI_NEVER);
	feed(ix, dl, sizeof dl / sizeof dl[0]);
	assert_int_equal(trace_index_seal(ix, 900), 0);
	assert_int_equal(ix->ndeadlocks, 2);
	assert_int_equal(ix->deadlock_ns, 700);
	assert_int_equal(ix->nwaitfor, 3);
	assert_string_equal(trace_index_str(ix, ix->threads[ix->waitfor[0].thread].name), "s1");
	assert_int_equal(ix->waitfor[0].reason, TI_R_REPLY);
	assert_int_equal(ix->ports[ix->waitfor[0].port].id, 5);
	assert_string_equal(trace_index_str(ix, ix->procs[ix->waitfor[0].proc].name), "s2");
	assert_int_equal(ix->waitfor[0].on_thread, TI_NONE);
	assert_int_equal(ix->waitfor[1].reason, TI_R_JOIN);
	assert_int_equal(ix->waitfor[1].port, TI_NONE);
	assert_string_equal(trace_index_str(ix, ix->threads[ix->waitfor[1].on_thread].name), "s2.1");
	assert_string_equal(trace_index_str(ix, ix->procs[ix->waitfor[2].proc].name), "s1");
	assert_int_equal(ix->waitfor[2].ns, 700);
	trace_index_free(ix);
}

/* Page faults: one entry per fault a thread took, by time, with its kind;
 * a fault without a thread (tid 0) is not kept. */
static void test_page_faults(void **state)
{
	static const struct rec pf[] = {
		{ 0, TR_PROC_NEW, { 2, 0 }, "p" },
		{ 0, TR_THREAD_NEW, { 3, 2 }, "p" },
		{ 100, TR_PAGE_FAULT, { 3, 2, 0x10000000, 1, 1 }, NULL },
		{ 100, TR_FRAMES, { 1, 0 }, NULL },
		{ 200, TR_FORK, { 2, 4, 1 }, NULL },
		{ 300, TR_PAGE_FAULT, { 7, 4, 0x10000000, 2, 2 }, NULL },   /* a thread never made */
		{ 300, TR_PAGE_COPY, { 4, 0x10000000, 1, 2 }, NULL },
		{ 400, TR_PAGE_FAULT, { 0, 2, 0x10000000, 3, 1 }, NULL },
		{ 500, TR_PAGE_FAULT, { 3, 2, 0x1000, 4, 0 }, NULL },
	};
	struct trace_index *ix = trace_index_new();

	(void)state;
	assert_non_null(ix);
	feed(ix, pf, sizeof pf / sizeof pf[0]);
	assert_int_equal(trace_index_seal(ix, 600), 0);
	assert_int_equal(ix->npfaults, 3);
	assert_int_equal(ix->pfaults[0].ns, 100);
	assert_int_equal(ix->pfaults[0].kind, 1);
	assert_string_equal(trace_index_str(ix, ix->threads[ix->pfaults[0].thread].name), "p");
	assert_int_equal(ix->pfaults[1].kind, 2);
	assert_int_equal(ix->threads[ix->pfaults[1].thread].tid, 7);
	assert_int_equal(ix->pfaults[2].ns, 500);
	assert_int_equal(ix->pfaults[2].kind, 4);
	assert_int_equal(trace_index_pfaults_from(ix, 0), 0);
	assert_int_equal(trace_index_pfaults_from(ix, 101), 1);
	assert_int_equal(trace_index_pfaults_from(ix, 300), 1);
	assert_int_equal(trace_index_pfaults_from(ix, 501), 3);
	trace_index_free(ix);
}

/* LRPCs: a call and its return; a call nested in it (the thread goes on
 * from the first server into a second); a revocation that throws the thread
 * out of both at once; one still open when the run ends. Labels are pooled
 * once per binding and procedure. */
static void test_lrpcs(void **state)
{
	static const struct rec lr[] = {
		{ 0, TR_PROC_NEW, { 2, 0 }, "client" },
		{ 0, TR_THREAD_NEW, { 5, 2 }, "client" },
		{ 0, TR_PROC_NEW, { 3, 1 }, "s1" },
		{ 0, TR_PROC_NEW, { 4, 1 }, "s2" },
		{ 100, TR_LRPC_CALL, { 5, 2, 3, 1, 2, 0 }, "s1.Get" },
		{ 200, TR_LRPC_RETURN, { 5, 3, 2, 1, 2, 0 }, NULL },
		{ 300, TR_LRPC_CALL, { 5, 2, 3, 1, 2, 1 }, "s1.Get" },
		{ 350, TR_LRPC_CALL, { 5, 3, 4, 2, 1, 0 }, "s2.Put" },
		{ 500, TR_LRPC_RETURN, { 5, 4, 2, 1, 2, 2 }, NULL },     /* s1 ended: revoked */
		{ 600, TR_LRPC_CALL, { 5, 2, 4, 3, 1, 2 }, "s2.Put" },
	};
	struct trace_index *ix = trace_index_new();
	const struct ti_lrpc *l;

	(void)state;
	assert_non_null(ix);
	feed(ix, lr, sizeof lr / sizeof lr[0]);
	assert_int_equal(trace_index_seal(ix, 900), 0);
	assert_int_equal(ix->nlrpcs, 4);
	l = ix->lrpcs;
	assert_int_equal(l[0].t0, 100);
	assert_int_equal(l[0].t1, 200);
	assert_string_equal(trace_index_str(ix, l[0].label), "s1.Get");
	assert_int_equal(l[0].label, l[1].label);
	assert_string_equal(trace_index_str(ix, ix->procs[l[0].from].name), "client");
	assert_string_equal(trace_index_str(ix, ix->procs[l[0].to].name), "s1");
	assert_int_equal(l[1].how_in, 1);
	assert_int_equal(l[1].t1, 500);
	assert_int_equal(l[1].how_out, 2);
	assert_int_equal(l[2].outer, 1);
	assert_int_equal(l[2].t1, 500);
	assert_int_equal(l[2].how_out, 2);
	assert_string_equal(trace_index_str(ix, l[2].label), "s2.Put");
	assert_int_equal(l[3].outer, TI_NONE);
	assert_int_equal(l[3].how_in, 2);
	assert_int_equal(l[3].t1, 900);
	assert_int_equal(trace_index_lrpcs_from(ix, 0), 0);
	assert_int_equal(trace_index_lrpcs_from(ix, 201), 1);
	assert_int_equal(trace_index_lrpcs_from(ix, 501), 3);
	assert_int_equal(trace_index_lrpcs_from(ix, 901), 4);
	trace_index_free(ix);
}

/* The LRPCs of test_lrpcs by the two domains, in the order of their first
 * call: how many went from one into the other in a window (its ends
 * included); the servers are marked as such, the client is not. */
static void test_lrpc_pairs(void **state)
{
	static const struct rec lr[] = {
		{ 0, TR_PROC_NEW, { 2, 0 }, "client" },
		{ 0, TR_THREAD_NEW, { 5, 2 }, "client" },
		{ 0, TR_PROC_NEW, { 3, 1 }, "s1" },
		{ 0, TR_PROC_NEW, { 4, 1 }, "s2" },
		{ 100, TR_LRPC_CALL, { 5, 2, 3, 1, 2, 0 }, "s1.Get" },
		{ 200, TR_LRPC_RETURN, { 5, 3, 2, 1, 2, 0 }, NULL },
		{ 300, TR_LRPC_CALL, { 5, 2, 3, 1, 2, 1 }, "s1.Get" },
		{ 350, TR_LRPC_CALL, { 5, 3, 4, 2, 1, 0 }, "s2.Put" },
		{ 500, TR_LRPC_RETURN, { 5, 4, 2, 1, 2, 2 }, NULL },
		{ 600, TR_LRPC_CALL, { 5, 2, 4, 3, 1, 2 }, "s2.Put" },
	};
	struct trace_index *ix = trace_index_new();
	const struct ti_lrpc_pair *p;

	(void)state;
	assert_non_null(ix);
	feed(ix, lr, sizeof lr / sizeof lr[0]);
	assert_int_equal(trace_index_seal(ix, 900), 0);
	assert_int_equal(ix->nlrpc_pairs, 3);
	p = ix->lrpc_pairs;
	assert_string_equal(trace_index_str(ix, ix->procs[p[0].from].name), "client");
	assert_string_equal(trace_index_str(ix, ix->procs[p[0].to].name), "s1");
	assert_int_equal(p[0].count, 2);
	assert_string_equal(trace_index_str(ix, ix->procs[p[1].from].name), "s1");
	assert_string_equal(trace_index_str(ix, ix->procs[p[1].to].name), "s2");
	assert_int_equal(p[2].from, p[0].from);
	assert_int_equal(p[2].to, p[1].to);
	assert_false(ix->procs[p[0].from].lrpc_server);
	assert_true(ix->procs[p[0].to].lrpc_server && ix->procs[p[1].to].lrpc_server);
	assert_int_equal(trace_index_lrpc_count(ix, 0, 0, 900), 2);
	assert_int_equal(trace_index_lrpc_count(ix, 0, 100, 299), 1);
	assert_int_equal(trace_index_lrpc_count(ix, 0, 101, 300), 1);
	assert_int_equal(trace_index_lrpc_count(ix, 0, 300, 300), 1);
	assert_int_equal(trace_index_lrpc_count(ix, 0, 301, 900), 0);
	assert_int_equal(trace_index_lrpc_count(ix, 0, 300, 100), 0);
	assert_int_equal(trace_index_lrpc_count(ix, 1, 350, 350), 1);
	assert_int_equal(trace_index_lrpc_count(ix, 2, 0, 599), 0);
	assert_int_equal(trace_index_lrpc_count(ix, 2, 0, UINT64_MAX), 1);
	trace_index_free(ix);
}

/* The name server's table at a time: "sink" lives while its port does; a
 * name registered again names the newer port only, and is gone once
 * unregistered; a port exists from its birth to its death. */
static void test_names_at(void **state)
{
	static const struct rec again[] = {
		{ 0, TR_PROC_NEW, { 1, 1 }, "name" },
		{ 0, TR_PROC_NEW, { 2, 0 }, "srv" },
		{ 5, TR_PORT_NEW, { 9, 2, 4 }, NULL },
		{ 10, TR_NAME, { 2, 9, 1, 1 }, "x" },
		{ 15, TR_PORT_NEW, { 10, 2, 4 }, NULL },
		{ 20, TR_NAME, { 2, 10, 1, 1 }, "x" },
		{ 25, TR_NAME, { 2, 10, 1, 0 }, "x" },
		{ 30, TR_NAME, { 2, 10, 3, 1 }, "x" },
	};
	struct trace_index *ix = built();
	uint32_t p7 = ix->names[0].port;

	(void)state;
	assert_int_equal(ix->nnames, 1);
	assert_false(trace_index_name_live(ix, 0, 1499));
	assert_true(trace_index_name_live(ix, 0, 1500));
	assert_true(trace_index_name_live(ix, 0, 5999));
	assert_false(trace_index_name_live(ix, 0, 6000));
	assert_false(trace_index_port_alive(ix, p7, 1499));
	assert_true(trace_index_port_alive(ix, p7, 1500));
	assert_false(trace_index_port_alive(ix, p7, 6000));
	trace_index_free(ix);

	ix = trace_index_new();
	assert_non_null(ix);
	feed(ix, again, sizeof again / sizeof again[0]);
	assert_int_equal(trace_index_seal(ix, 40), 0);
	assert_int_equal(ix->nnames, 4);
	assert_true(trace_index_name_live(ix, 0, 19));
	assert_false(trace_index_name_live(ix, 1, 19));
	assert_false(trace_index_name_live(ix, 0, 20));
	assert_true(trace_index_name_live(ix, 1, 27));   /* a refused registration changes nothing */
	assert_false(trace_index_name_live(ix, 2, 27));
	assert_false(trace_index_name_live(ix, 1, 30));
	assert_false(trace_index_name_live(ix, 3, 35));  /* an unregistration is no entry */
	trace_index_free(ix);
}

static void test_load(void **state)
{
	char dir[] = "/tmp/ukern-ix.XXXXXX", path[64], cut[64], cmd[200], err[600], note[600];
	struct trace_index *ix;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/t.uktrace", dir);
	snprintf(cut, sizeof cut, "%s/cut.uktrace", dir);
	write_file(path);
	ix = trace_index_load(path, err, sizeof err);
	assert_non_null(ix);
	assert_string_equal(trace_index_header(ix, "seed"), "7");
	assert_int_equal(ix->nmsgs, 4);
	assert_int_equal(ix->end_ns, END_NS);
	trace_index_free(ix);
	snprintf(cmd, sizeof cmd, "head -c 100 %s > %s", path, cut);
	assert_int_equal(system(cmd), 0);
	assert_null(trace_index_load(cut, err, sizeof err));
	assert_non_null(strstr(err, "truncated"));
	assert_non_null(strstr(err, "cut.uktrace: byte "));
	ix = trace_index_load_cut(cut, err, sizeof err, note, sizeof note);   /* up to the cut */
	assert_non_null(ix);
	assert_non_null(strstr(note, "cut.uktrace: byte "));
	assert_true(ix->nrecords > 0);
	assert_true(ix->end_ns < END_NS);
	trace_index_free(ix);
	ix = trace_index_load_cut(path, err, sizeof err, note, sizeof note);  /* whole: no note */
	assert_non_null(ix);
	assert_string_equal(note, "");
	assert_int_equal(ix->end_ns, END_NS);
	trace_index_free(ix);
	assert_null(trace_index_load_cut(dir, err, sizeof err, note, sizeof note));
	assert_non_null(strstr(err, "is a directory"));
	assert_null(trace_index_load(dir, err, sizeof err));
	assert_non_null(strstr(err, "is a directory"));
	assert_null(trace_index_load("/nonexistent/x.uktrace", err, sizeof err));
	assert_non_null(strstr(err, "No such file"));
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

/* Version 3's fault records: a message delayed then lost by an injected
 * fault keeps its reason, a crashed process is told from a script error,
 * its thread ends with it, and the crash and respawn records are taken
 * without harm. */
static void test_fault_records(void **state)
{
	static const struct rec v3[] = {
		{ 0, TR_PROC_NEW, { 1, 1 }, "calc" },
		{ 0, TR_THREAD_NEW, { 1, 1 }, "calc" },
		{ 0, TR_THREAD_STATE, { 1, 0, 0, 0 }, NULL },
		{ 0, TR_PORT_NEW, { 2, 1, 16 }, NULL },
		{ 10, TR_MSG_SEND, { 1, 1, 2, 8, 0, 0 }, NULL },
		{ 10, TR_MSG_DELAY, { 1, 2, 500 }, NULL },
		{ 510, TR_MSG_DROP, { 1, 2, 4 }, NULL },
		{ 600, TR_CRASH, { 1, 1 }, "calc" },
		{ 600, TR_THREAD_STATE, { 1, 3, 16, 0 }, NULL },
		{ 600, TR_PROC_EXIT, { 1, TWO31 - 1, 2 }, NULL },
		{ 700, TR_RESPAWN, { 0, 1, 2, 2 }, NULL },
		{ 700, TR_PROC_NEW, { 2, 1 }, "calc#2" },
	};
	struct trace_index *ix = trace_index_new();

	(void)state;
	feed(ix, v3, sizeof v3 / sizeof v3[0]);
	assert_int_equal(trace_index_seal(ix, 1000), 0);
	assert_int_equal(ix->msgs[0].fate, TI_DROPPED);
	assert_int_equal(ix->msgs[0].drop_reason, 4);
	assert_int_equal(ix->msgs[0].end_ns, 510);
	assert_int_equal(ix->procs[0].faulted, 2);
	assert_int_equal(ix->procs[0].exit_code, -1);
	assert_int_equal(ix->procs[0].died, 600);
	assert_int_equal(ix->threads[0].died, 600);
	assert_string_equal(trace_index_str(ix, ix->procs[1].name), "calc#2");
	trace_index_free(ix);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_entities),
		cmocka_unit_test(test_intervals),
		cmocka_unit_test(test_runs),
		cmocka_unit_test(test_run_stretches),
		cmocka_unit_test(test_messages),
		cmocka_unit_test(test_depths),
		cmocka_unit_test(test_depth_same_instant),
		cmocka_unit_test(test_gaps),
		cmocka_unit_test(test_waiting),
		cmocka_unit_test(test_damaged_records),
		cmocka_unit_test(test_deadlock_edges),
		cmocka_unit_test(test_fault_records),
		cmocka_unit_test(test_page_faults),
		cmocka_unit_test(test_lrpcs),
		cmocka_unit_test(test_lrpc_pairs),
		cmocka_unit_test(test_names_at),
		cmocka_unit_test(test_load),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
