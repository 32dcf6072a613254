/*
 * test_migrate.c - unit tests for process migration (kernel/migrate.c)
 * with C bodies: a thread moved by strong mobility keeps its C stack and
 * goes on counting where it was, only later and on the other node; the
 * downtime of each strategy is the link's time for what it sends; a server
 * keeps its callers, who call it on its new node; a message that reaches
 * the old node after the move is forwarded, and a sender there reaches the
 * new one over the link; and the kernel refuses what cannot move.
 *
 * The one idea: the ipc_world machine ("zero" costs: only the link and
 * compute make time pass) gets a node B of two CPUs and a link of 8 Mbit/s (a byte a
 * microsecond) and 1 ms; a controller on B posts SYS_MIGRATE itself, as
 * the Lua binding does.
 *
 * A many-to-many process of C bodies moves too: its user threads keep
 * their C stacks, its LWPs run on B's two CPUs afterwards, and its
 * execution state counts each LWP and each user thread.
 *
 * A process that exports an LRPC interface moves: its stop waits for the
 * call in progress in its domain, and its client's binding becomes a
 * global reference.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "body_c.h"
#include "harness.h"
#include "ipc_world.h"
#include "lrpc.h"
#include "machine.h"
#include "migrate.h"
#include "msg.h"
#include "net.h"
#include "proc.h"
#include "syscall.h"
#include "thread.h"
#include "uk.h"
#include "uk_err.h"
#include "uthread.h"

#define US H_US

static struct machine *two_nodes(void **state)
{
	struct machine *m = world_machine(state, 3);

	assert_int_equal(net_init(m), 0);
	m->net->nodes[0].ncpus = 1;
	assert_int_equal(net_add_node(m, "B", 2, 0), 1);
	assert_int_equal(net_add_link(m, 0, 1, 1 * MS, 8000000, 1500, 0.0, NULL), 1);
	m->procs[0]->affinity = 1;
	return m;
}

static struct proc *on(struct proc *p, uint32_t node)
{
	p->node = node;
	p->affinity = 1ull << node;
	return p;
}

/* What the controller is told to do. */
static struct {
	uint32_t pid, node;
	enum mig_strategy strategy;
	enum mig_mobility mobility;
} order;

static int migrate_now(struct thread *self, const struct migration **g)
{
	struct migrate_req *r = calloc(1, sizeof *r);

	if (!r)
		return UK_ENOMEM;
	*r = (struct migrate_req){ order.pid, order.node, order.strategy, order.mobility,
				   MIG_CLOCK_COPY, MIG_MAX_ROUNDS, MIG_STOP_PAGES };
	self->sc.op = SYS_MIGRATE;
	self->sc.ptr = r;
	body_c_trap(self);
	*g = migrate_get(self->m, self->sc.val);
	return self->sc.err;
}

/* Counts 50 steps of 1 ms in a local variable of its C stack. */
static void counter(struct thread *self, void *arg)
{
	struct world *w = arg;
	int n = 0;

	while (n < 50) {
		uk_compute(self, 1 * MS);
		n++;
	}
	h_note(&w->lg, self, "count", n);
	h_note(&w->lg, self, "node", self->p->node);
}

static void controller(struct thread *self, void *arg)
{
	struct world *w = arg;
	const struct migration *g = NULL;
	int err = migrate_now(self, &g);

	h_note(&w->lg, self, "migrated", err);
	if (!err) {
		h_note(&w->lg, self, "downtime", (int64_t)(g->resume - g->stop));
		h_note(&w->lg, self, "total", (int64_t)(g->resume - g->begin));
		h_note(&w->lg, self, "bytes", (int64_t)g->bytes);
	}
}

/* The code (4 pages of 4096 bytes) and one thread's state (1024 bytes):
 * 17408 bytes, 12 packets of up to 1472, 17408 + 12 * 28 = 17744 bytes on
 * the wire, a microsecond each, then 1 ms. */
#define STATE_ONLY (17744 * US + 1 * MS)

static void run_counter(void **state, enum mig_strategy s, uint64_t down, uint64_t total)
{
	struct machine *m = two_nodes(state);
	struct world w = { .bad = 0 };
	struct proc *p = add(m, "counter", 0, counter, &w, 0);

	p->affinity = 1;
	on(add(m, "ctl", 10 * MS, controller, &w, 0), 1)->affinity = 4;   /* B's second CPU */
	order.pid = p->pid;
	order.node = 1;
	order.strategy = s;
	order.mobility = MIG_STRONG;
	FINISH(m, &w, OUT_COMPLETED);
	/* It went on from step 10 where it was: 50 steps, 50 ms of CPU, on B. */
	{
		const struct h_event want[] = {
			{ 10 * MS + total, "migrated", UK_OK }, { 10 * MS + total, "downtime", 0 },
			{ 10 * MS + total, "total", 0 },       { 10 * MS + total, "bytes", 17408 },
			{ 50 * MS + down, "count", 50 },        { 50 * MS + down, "node", 1 },
		};
		struct h_event w2[6];
		memcpy(w2, want, sizeof w2);
		w2[1].val = (int64_t)down;
		w2[2].val = (int64_t)total;
		h_expect(&w.lg, w2, 6);
	}
	assert_int_equal(p->node, 1);
	assert_int_equal(p->main_thread->cpu_ns, 50 * MS);
}

static void test_stop_and_copy(void **state)
{
	run_counter(state, MIG_STOP_AND_COPY, STATE_ONLY, STATE_ONLY);
}

/* No data pages: one round of the code while it runs (16384 bytes, 12
 * packets: 16720 us + 1 ms), nothing written, then the state alone
 * (1024 bytes, one packet: 1052 us + 1 ms) while it is stopped. */
static void test_pre_copy(void **state)
{
	run_counter(state, MIG_PRE_COPY, 1052 * US + 1 * MS, 16720 * US + 1 * MS + 1052 * US + 1 * MS);
}

static void test_on_demand(void **state)
{
	run_counter(state, MIG_ON_DEMAND, STATE_ONLY, STATE_ONLY);
}

/* A server on A counts its requests; a client on B calls it every ms. */
static void counting_server(struct thread *self, void *arg)
{
	struct world *w = arg;
	int32_t pn = serve_port(self, w, "count", 16);
	int64_t served = 0;

	for (;;) {
		int err;
		struct msg *req = uk_recv(self, pn, UK_FOREVER, &err);
		if (!req)
			continue;
		served++;
		if (req->reply_name)
			uk_reply(self, req->reply_name, h_msg(served));
		msg_free(req);
	}
}

static void steady_client(struct thread *self, void *arg)
{
	struct world *w = arg;
	int32_t pn = find(self, w, "count");
	int64_t ok = 0;

	for (int i = 0; i < 40; i++) {
		int err;
		struct msg *r = uk_call(self, pn, h_msg(i), UK_FOREVER, &err);
		ok += r && h_val(r) == i + 1;
		msg_free(r);
		uk_sleep(self, 1 * MS);
	}
	h_note(&w->lg, self, "answered in order", ok);
}

static void test_server_keeps_its_callers(void **state)
{
	struct machine *m = two_nodes(state);
	struct world w = { .bad = 0 };
	struct proc *srv = add(m, "srv", 0, counting_server, &w, 1);

	srv->affinity = 1;
	on(add(m, "client", 1 * MS, steady_client, &w, 0), 1);
	on(add(m, "ctl", 20 * MS, controller, &w, 0), 1);
	order.pid = srv->pid;
	order.node = 1;
	order.strategy = MIG_STOP_AND_COPY;
	order.mobility = MIG_STRONG;
	FINISH(m, &w, OUT_COMPLETED);
	assert_int_equal(srv->node, 1);
	assert_int_equal(w.lg.n, 5);
	assert_string_equal(w.lg.ev[4].what, "answered in order");
	assert_int_equal(w.lg.ev[4].val, 40);
}

/* Receives on "svc" forever, noting each value. */
static void sink(struct thread *self, void *arg)
{
	struct world *w = arg;
	int32_t pn = serve_port(self, w, "svc", 16);

	for (;;)
		recv_note(self, w, pn, UK_FOREVER, "got");
}

/* Sends 1 at 28 ms; (send_at_40) 2 at 40 ms. */
static void send_at_28(struct thread *self, void *arg)
{
	struct world *w = arg;
	int32_t pn = find(self, w, "svc");

	uk_sleep(self, 28 * MS - uk_now(self));
	h_note(&w->lg, self, "sent", send_val(self, pn, 1, UK_FOREVER));
}

static void send_at_40(struct thread *self, void *arg)
{
	struct world *w = arg;
	int32_t pn = find(self, w, "svc");

	uk_sleep(self, 40 * MS - uk_now(self));
	h_note(&w->lg, self, "sent", send_val(self, pn, 2, UK_FOREVER));
	uk_sleep(self, 5 * MS);     /* while it travels */
}

/* The sink moves from A to B from 10 ms to 28.744 ms. A message sent from B
 * at 28 ms goes to A, where the sink still was (8 bytes + 28: 36 us, then
 * 1 ms): it reaches A at 29.036 ms, after the move, and is forwarded to B
 * (36 us + 1 ms again). A sender on A after the move reaches B over the
 * link: the right it holds now leads there. */
static void test_in_flight_forwarded(void **state)
{
	struct machine *m = two_nodes(state);
	struct world w = { .bad = 0 };
	struct proc *s = add(m, "sink", 0, sink, &w, 1);
	const struct migration *g;

	s->affinity = 1;
	on(add(m, "from-b", 1 * MS, send_at_28, &w, 0), 1)->affinity = 2;
	add(m, "from-a", 1 * MS, send_at_40, &w, 0)->affinity = 1;
	on(add(m, "ctl", 10 * MS, controller, &w, 0), 1)->affinity = 4;
	order.pid = s->pid;
	order.node = 1;
	order.strategy = MIG_STOP_AND_COPY;
	order.mobility = MIG_STRONG;
	FINISH(m, &w, OUT_COMPLETED);
	H_EXPECT(&w.lg, { 28 * MS, "sent", UK_OK }, { 28744 * US, "migrated", UK_OK },
		 { 28744 * US, "downtime", 18744 * US }, { 28744 * US, "total", 18744 * US },
		 { 28744 * US, "bytes", 17408 }, { 28 * MS + 2 * (36 * US + 1 * MS), "got", 1 },
		 { 40 * MS, "sent", UK_OK }, { 40 * MS + 36 * US + 1 * MS, "got", 2 });
	assert_non_null(g = migrate_get(m, 1));
	assert_int_equal(g->msgs_forwarded, 1);
	assert_int_equal(g->bytes_forwarded, 8);
}

/* What the kernel itself refuses. */
static void refused(struct thread *self, void *arg)
{
	struct world *w = arg;
	const struct migration *g;

	order.node = 1;
	order.strategy = MIG_STOP_AND_COPY;
	order.mobility = MIG_WEAK;          /* a C body cannot be restarted */
	h_note(&w->lg, self, "weak", migrate_now(self, &g));
	order.mobility = MIG_STRONG;
	order.pid = self->p->pid;           /* itself, from B to A */
	order.node = 0;
	h_note(&w->lg, self, "self", migrate_now(self, &g));
	order.pid = 1;                      /* the name server, on A */
	order.node = 7;                     /* no such node */
	h_note(&w->lg, self, "node", migrate_now(self, &g));
	order.node = 0;                     /* where it is */
	h_note(&w->lg, self, "same", migrate_now(self, &g));
	order.pid = 99;
	order.node = 1;
	h_note(&w->lg, self, "pid", migrate_now(self, &g));
}

static void test_refused(void **state)
{
	struct machine *m = two_nodes(state);
	struct world w = { .bad = 0 };
	struct proc *p = add(m, "idle", 0, counter, &w, 0);

	p->affinity = 1;
	on(add(m, "ctl", 1 * MS, refused, &w, 0), 1);
	order.pid = p->pid;
	FINISH(m, &w, OUT_COMPLETED);
	H_EXPECT(&w.lg, { 1 * MS, "weak", UK_EINVAL }, { 1 * MS, "self", UK_EINVAL },
		 { 1 * MS, "node", UK_EINVAL }, { 1 * MS, "same", UK_ENOROUTE },
		 { 1 * MS, "pid", UK_EINVAL }, { 50 * MS, "count", 50 }, { 50 * MS, "node", 0 });
	assert_null(m->mig);
}

/* --- a many-to-many process: user threads on two LWPs --- */

/* A user thread: counts 30 steps of 1 ms in a local variable of its C stack. */
static void ucounter(struct thread *self, void *arg)
{
	struct world *w = arg;
	int n = 0;

	while (n < 30) {
		uk_compute(self, 1 * MS);
		n++;
	}
	h_note(&w->lg, self, "count", n);
	h_note(&w->lg, self, "node", self->p->node);
}

/* The main user thread: two counters, then it joins them. */
static void ult_main(struct thread *self, void *arg)
{
	struct world *w = arg;
	uint32_t a = 0, b = 0;

	if (uk_spawn(self, ucounter, w, &a) != UK_OK || uk_spawn(self, ucounter, w, &b) != UK_OK) {
		w->bad++;
		return;
	}
	h_note(&w->lg, self, "joined", uk_join(self, a) + uk_join(self, b));
}

static void test_many_to_many(void **state)
{
	struct machine *m = two_nodes(state);
	struct world w = { .bad = 0 };
	struct proc *p = add(m, "ult", 0, ult_main, &w, 0);
	const struct migration *g;
	void *rt;

	p->affinity = 1;
	p->model = MODEL_MANY_TO_MANY;
	p->nlwp = 2;
	rt = uthread_runtime_new(p, p->main_body, p->main_data);
	assert_non_null(rt);
	p->main_body = &uthread_lwp_ops;
	p->main_data = rt;
	on(add(m, "ctl", 10 * MS, controller, &w, 0), 1)->affinity = 4;   /* B's second CPU */
	order.pid = p->pid;
	order.node = 1;
	order.strategy = MIG_STOP_AND_COPY;
	order.mobility = MIG_STRONG;
	FINISH(m, &w, OUT_COMPLETED);
	/* The code and the state of 2 LWPs and 3 user threads: 16384 + 2816 =
	 * 19200 bytes, 14 packets, 19592 us on the wire, then 1 ms. On A's one
	 * CPU the first counter ran alone for the quantum (10 ms, 10 steps);
	 * on B both go on at once, 20 and 30 steps more, on its two CPUs: the
	 * controller, woken at t, gets a CPU of B when the first one ends. */
	{
		const uint64_t d = 19592 * US + 1 * MS, t = 10 * MS + d;
		const struct h_event want[] = {
			{ t + 20 * MS, "count", 30 },   { t + 20 * MS, "node", 1 },
			{ t + 20 * MS, "migrated", UK_OK }, { t + 20 * MS, "downtime", (int64_t)d },
			{ t + 20 * MS, "total", (int64_t)d }, { t + 20 * MS, "bytes", 19200 },
			{ t + 30 * MS, "count", 30 },   { t + 30 * MS, "node", 1 },
			{ t + 30 * MS, "joined", 0 },
		};
		h_expect(&w.lg, want, 9);
	}
	g = migrate_get(m, 1);
	assert_non_null(g);
	assert_int_equal(g->state_bytes, 2 * MIG_THREAD_STATE + 3 * MIG_UTHREAD_STATE);
	assert_int_equal(p->node, 1);
	for (const struct thread *t = p->threads; t; t = t->pnext)
		if (t->kind == THREAD_USER && t != p->main_thread)
			assert_int_equal(t->cpu_ns, 30 * MS);
}

/* --- a server that exports an LRPC interface (kernel/lrpc.h) --- */

static struct lrpc_binding *lrpc_b;

/* The server: one procedure, Slow, on a clerk port registered as "calc". */
static void lrpc_server(struct thread *self, void *arg)
{
	struct world *w = arg;
	struct lrpc_export *ex = calloc(1, sizeof *ex + sizeof ex->procs[0]);
	int32_t pn = 0;
	int err;

	if (!ex || uk_port(self, 16, &pn) != UK_OK) {
		free(ex);
		w->bad++;
		return;
	}
	strcpy(ex->name, "calc");
	ex->nprocs = 1;
	strcpy(ex->procs[0].name, "Slow");
	ex->procs[0].astacks = 1;
	self->sc.op = SYS_LRPC_EXPORT;
	self->sc.name = pn;
	self->sc.ptr = ex;
	body_c_trap(self);
	if (self->sc.err || h_register(self, "calc", pn) != UK_OK)
		w->bad++;
	msg_free(uk_recv(self, pn, UK_FOREVER, &err));
}

static int lrpc_op(struct thread *self, int op, uint64_t binding)
{
	self->sc.op = op;
	self->sc.arg = binding;
	self->sc.name = 1;
	self->sc.m = NULL;
	self->sc.val = 0;
	body_c_trap(self);
	return self->sc.err;
}

/* The client binds, and calls Slow at 1 ms: its thread sleeps 5 ms in the
 * server's domain; at 20 ms (the copy is on the link) it calls again. */
static void lrpc_client(struct thread *self, void *arg)
{
	struct world *w = arg;
	int32_t pn = find(self, w, "calc");

	self->sc.op = SYS_LRPC_BIND;
	self->sc.name = pn;
	body_c_trap(self);
	lrpc_b = lrpc_binding_get(self->m, (uint32_t)self->sc.val);
	h_note(&w->lg, self, "bind", self->sc.err);
	if (!lrpc_b) {
		w->bad++;
		return;
	}
	h_note(&w->lg, self, "call", lrpc_op(self, SYS_LRPC_CALL, lrpc_b->id));
	uk_sleep(self, 5 * MS);
	h_note(&w->lg, self, "return", lrpc_op(self, SYS_LRPC_RETURN, 0));
	uk_sleep(self, 20 * MS - uk_now(self));
	h_note(&w->lg, self, "call, global", lrpc_op(self, SYS_LRPC_CALL, lrpc_b->id));
}

static void lrpc_controller(struct thread *self, void *arg)
{
	struct world *w = arg;
	const struct migration *g = NULL;

	h_note(&w->lg, self, "migrated", migrate_now(self, &g));
	h_note(&w->lg, self, "waited", (int64_t)g->lrpc_wait_ns);
	h_note(&w->lg, self, "downtime", (int64_t)(g->resume - g->stop));
	h_note(&w->lg, self, "clients global", g->lrpc_clients_global);
}

static void test_lrpc_server(void **state)
{
	struct machine *m = two_nodes(state);
	struct world w = { .bad = 0 };
	struct proc *srv = add(m, "calc", 0, lrpc_server, &w, 1);

	srv->affinity = 1;
	add(m, "client", 1 * MS, lrpc_client, &w, 0)->affinity = 1;
	on(add(m, "ctl", 2 * MS, lrpc_controller, &w, 0), 1)->affinity = 4;
	order.pid = srv->pid;
	order.node = 1;
	order.strategy = MIG_STOP_AND_COPY;
	order.mobility = MIG_STRONG;
	FINISH(m, &w, OUT_COMPLETED);
	/* stopped at 2 ms, the copy began when the call returned at 6 ms; the
	 * client's next call, during the copy, is refused: its stubs would
	 * call the clerk by message */
	H_EXPECT(&w.lg, { 1 * MS, "bind", UK_OK }, { 1 * MS, "call", UK_OK },
		 { 6 * MS, "return", UK_OK }, { 20 * MS, "call, global", UK_EREMOTE },
		 { 6 * MS + STATE_ONLY, "migrated", UK_OK },
		 { 6 * MS + STATE_ONLY, "waited", 4 * MS },
		 { 6 * MS + STATE_ONLY, "downtime", 4 * MS + STATE_ONLY },
		 { 6 * MS + STATE_ONLY, "clients global", 1 });
	assert_int_equal(srv->node, 1);
	assert_true(lrpc_b->global && !lrpc_b->pages);
	assert_int_equal(m->vm.shared, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		H_TEST(test_stop_and_copy),
		H_TEST(test_pre_copy),
		H_TEST(test_on_demand),
		H_TEST(test_server_keeps_its_callers),
		H_TEST(test_in_flight_forwarded),
		H_TEST(test_refused),
		H_TEST(test_many_to_many),
		H_TEST(test_lrpc_server),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
