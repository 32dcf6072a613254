/*
 * test_handoff.c - unit tests for the direct hand-off (kernel/machine.c):
 * a thread woken by a system call that then blocks its caller goes to the
 * caller's CPU without a trip through the ready queue, where the policy
 * would have chosen it anyway.
 *
 * The one idea: the hand-off changes nothing but the host's work. Every
 * workload here runs twice, with the hand-off and without (m->no_handoff),
 * and must give the same trace records, record for record, and the same
 * books for every thread; and the hand-off must have happened where it
 * applies (fifo and rr with nobody else ready) and nowhere else.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "machine.h"
#include "name/name.h"
#include "proc.h"
#include "thread.h"
#include "trace.h"
#include "uk.h"

#define CALLS 30

/* --- a sink that keeps every record --- */

struct rec {
	uint64_t ns;
	unsigned kind;
	uint64_t a[TRACE_MAX_ARGS];
	size_t len;               /* of the string, if any */
};

struct recs {
	struct rec *v;
	size_t n, cap;
};

static void keep(void *ctx, uint64_t ns, unsigned kind, const uint64_t *args, const char *s,
		 size_t len)
{
	struct recs *r = ctx;
	struct rec *e;

	(void)s;
	if (r->n == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 1024;
		r->v = realloc(r->v, r->cap * sizeof *r->v);
		assert_non_null(r->v);
	}
	e = &r->v[r->n++];
	memset(e, 0, sizeof *e);
	e->ns = ns;
	e->kind = kind;
	memcpy(e->a, args, trace_kinds[kind].nargs * sizeof *args);
	e->len = trace_kinds[kind].has_str ? len : 0;
}

/* --- the bodies --- */

/* An echo server that replies and receives in one call. */
static void server_rr(struct thread *self, void *arg)
{
	int32_t p;
	int err;
	struct msg *req;

	(void)arg;
	if (uk_port(self, UINT64_MAX, &p) != UK_OK || h_register(self, "rr", p) != UK_OK)
		return;
	req = uk_recv(self, p, UK_FOREVER, &err);
	while (req) {
		int32_t rn = req->reply_name;
		int64_t v = h_val(req);

		msg_free(req);
		req = uk_reply_recv(self, rn, h_msg(v + 1), p, UK_FOREVER, &err);
	}
}

/* An echo server that computes a little, replies, then receives. */
static void server_plain(struct thread *self, void *arg)
{
	int32_t p;

	(void)arg;
	if (uk_port(self, UINT64_MAX, &p) != UK_OK || h_register(self, "plain", p) != UK_OK)
		return;
	for (;;) {
		int err;
		struct msg *req = uk_recv(self, p, UK_FOREVER, &err);
		if (!req)
			return;
		uk_compute(self, 3 * H_US);
		uk_reply(self, req->reply_name, h_msg(h_val(req) + 1));
		msg_free(req);
	}
}

static void nothing(struct thread *self, void *arg)
{
	(void)self;
	(void)arg;
}

/* CALLS calls to the service named arg, a short sleep now and then, and a
 * thread started in the middle (a thread made ready by a call that does
 * not block its caller). */
static void client(struct thread *self, void *arg)
{
	const char *service = arg;
	int32_t s;
	uint32_t tid;

	while (h_lookup(self, service, &s) != UK_OK)
		uk_sleep(self, 10 * H_US);
	for (int i = 0; i < CALLS; i++) {
		int err;
		struct msg *r = uk_call(self, s, h_msg(i), UK_FOREVER, &err);

		msg_free(r);
		if (i % 7 == 3)
			uk_sleep(self, 5 * H_US);
		if (i == CALLS / 2 && h_spawn(self, nothing, NULL, &tid) == UK_OK)
			uk_join(self, tid);
	}
}

/* Competes for the CPU in slices. */
static void hog(struct thread *self, void *arg)
{
	(void)arg;
	for (int i = 0; i < 8; i++)
		uk_compute(self, 40 * H_US);
}

/* --- the runs --- */

struct setup {
	const char *sched;
	unsigned cpus;
	const char *costs;
	int pairs;                /* 1: the reply_recv server and its client; 2: and the plain pair */
	int hogs;                 /* 0, 1 or 2 hog processes */
	int pinned;               /* 2 CPUs: the servers on CPU 0, the clients on CPU 1 */
};

/* What a run left: its records and each thread's books. */
struct result {
	struct recs r;
	enum outcome out;
	uint64_t handoffs, now;
	uint32_t nthreads;
	uint64_t cpu_ns[32], wait_ns[32], switches[32], finish[32];
};

static void run(const struct setup *su, int no_handoff, struct result *res)
{
	struct machine *m = calloc(1, sizeof *m);
	struct trace_sink sink = { keep, &res->r };
	struct proc *ps[6];
	int np = 0;

	assert_non_null(m);
	memset(res, 0, sizeof *res);
	assert_int_equal(h_machine(m, su->cpus, su->sched, 20 * H_US, 4), 0);
	assert_int_equal(h_costs(m, su->costs), 0);
	m->cfg.latency_ns = 200 * H_US;          /* cfs */
	m->cfg.min_granularity_ns = 20 * H_US;
	m->no_handoff = no_handoff;
	assert_int_equal(machine_add_sink(m, &sink), 0);
	assert_non_null(ns_install(m));
	ps[np++] = h_proc(m, "server_rr", 0, server_rr, NULL);
	ps[np++] = h_proc(m, "client_rr", 2 * H_US, client, "rr");
	if (su->pairs == 2) {
		ps[np++] = h_proc(m, "server_plain", 0, server_plain, NULL);
		ps[np++] = h_proc(m, "client_plain", 3 * H_US, client, "plain");
	}
	for (int i = 0; i < su->hogs; i++)
		ps[np++] = h_proc(m, i ? "hog2" : "hog", (uint64_t)i * 7 * H_US, hog, NULL);
	for (int i = 0; i < np; i++) {
		assert_non_null(ps[i]);
		if (i < 2 * su->pairs && i % 2 == 0)
			ps[i]->daemon = 1;                /* the servers */
		if (su->pinned)
			ps[i]->affinity = i < 2 * su->pairs && i % 2 == 0 ? 1 : 2;
	}
	res->out = machine_run(m);
	res->handoffs = m->handoffs;
	res->now = m->now;
	res->nthreads = m->nthreads;
	assert_true(m->nthreads <= 32);
	for (uint32_t i = 0; i < m->nthreads; i++) {
		res->cpu_ns[i] = m->threads[i]->cpu_ns;
		res->wait_ns[i] = m->threads[i]->wait_ns;
		res->switches[i] = m->threads[i]->switches;
		res->finish[i] = m->threads[i]->finish;
	}
	machine_free(m);
	free(m);
}

/* The two runs of su, with and without the hand-off, are the same run.
 * Returns the hand-offs made. */
static uint64_t same_run(const struct setup *su)
{
	struct result a, b;

	run(su, 0, &a);
	run(su, 1, &b);
	assert_int_equal(a.out, OUT_COMPLETED);
	assert_int_equal(b.out, OUT_COMPLETED);
	assert_int_equal(b.handoffs, 0);
	assert_int_equal(a.now, b.now);
	assert_int_equal(a.r.n, b.r.n);
	for (size_t i = 0; i < a.r.n; i++) {
		const struct rec *x = &a.r.v[i], *y = &b.r.v[i];
		assert_int_equal(x->ns, y->ns);
		assert_int_equal(x->kind, y->kind);
		for (int k = 0; k < TRACE_MAX_ARGS; k++)
			assert_int_equal(x->a[k], y->a[k]);
		assert_int_equal(x->len, y->len);
	}
	assert_int_equal(a.nthreads, b.nthreads);
	for (uint32_t i = 0; i < a.nthreads; i++) {
		assert_int_equal(a.cpu_ns[i], b.cpu_ns[i]);
		assert_int_equal(a.wait_ns[i], b.wait_ns[i]);
		assert_int_equal(a.switches[i], b.switches[i]);
		assert_int_equal(a.finish[i], b.finish[i]);
	}
	free(a.r.v);
	free(b.r.v);
	return a.handoffs;
}

/* One client and its reply_recv server, fifo, one CPU, zero costs: every
 * call finds the server waiting and every reply-and-receive finds the
 * client waiting for its reply, so both hand off: two per round trip, but
 * for the calls after a sleep (the server then waits alone: nothing to
 * hand to). With costs, a call's effect comes at the end of its slice,
 * among the other events of that instant, where the loop does not hand
 * off (handoff_ok): the run is the same all the same. */
static void test_fifo_one_pair(void **state)
{
	const struct setup zero = { "fifo", 1, "zero", 1, 0, 0 },
			   modern = { "fifo", 1, "modern", 1, 0, 0 };

	(void)state;
	assert_true(same_run(&zero) >= 2 * CALLS - CALLS / 7 - 2);
	same_run(&modern);
}

/* Two pairs, and hogs competing: the ready queue is often not empty, and
 * then the woken thread waits its turn behind the others, as without the
 * hand-off. */
static void test_fifo_and_rr_busy(void **state)
{
	const struct setup su[] = {
		{ "fifo", 1, "zero", 2, 0, 0 }, { "fifo", 1, "modern", 2, 0, 0 },
		{ "fifo", 1, "zero", 2, 2, 0 }, { "fifo", 1, "modern", 2, 2, 0 },
		{ "rr", 1, "zero", 2, 2, 0 },   { "rr", 1, "modern", 2, 2, 0 },
		{ "rr", 1, "modern", 1, 1, 0 },
	};
	uint64_t n = 0;

	(void)state;
	for (size_t i = 0; i < sizeof su / sizeof su[0]; i++)
		n += same_run(&su[i]);
	assert_true(n > 0);
}

/* Two CPUs: a hand-off only while both are busy (the caller's is then the
 * one to become idle), and only where the woken thread may run. */
static void test_two_cpus(void **state)
{
	const struct setup su[] = {
		{ "fifo", 2, "zero", 2, 2, 0 },   { "rr", 2, "modern", 2, 2, 0 },
		{ "fifo", 2, "modern", 2, 2, 1 }, { "rr", 2, "modern", 2, 1, 1 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof su / sizeof su[0]; i++)
		same_run(&su[i]);
	/* Pinned apart, a server's CPU is never its client's: no hand-off. */
	assert_int_equal(same_run(&su[2]), 0);
	assert_int_equal(same_run(&su[3]), 0);
}

/* Policies that rank their threads never hand off. */
static void test_other_policies(void **state)
{
	static const char *const pol[] = { "sjf", "stcf", "priority", "stride", "cfs", "lottery" };

	(void)state;
	for (size_t i = 0; i < sizeof pol / sizeof pol[0]; i++) {
		const struct setup su = { pol[i], 1, "modern", 2, 1, 0 };
		assert_int_equal(same_run(&su), 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fifo_one_pair),
		cmocka_unit_test(test_fifo_and_rr_busy),
		cmocka_unit_test(test_two_cpus),
		cmocka_unit_test(test_other_policies),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
