/*
 * test_failure.c - unit tests for what happens when processes die or get
 * stuck: dead ports (blocked and later senders, callers of a dead server),
 * and deadlock detection (cycles of calls, nested calls, crossed sends, a
 * lonely receiver, a self-call, a cycle found while a daemon ticks).
 *
 * The one idea: processes only hold the rights the kernel gave them, so the
 * tests pass rights the honest way, through the name server (ns_install)
 * and in messages. Bodies note what they see with virtual timestamps; the
 * test asserts the exact sequence after the run ("zero" costs: only
 * uk_compute and uk_sleep make time pass). Every run is on one CPU under
 * fifo unless a test says otherwise.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "harness.h"
#include "ipc_world.h"
#include "machine.h"
#include "msg.h"
#include "name/name.h"
#include "proc.h"
#include "thread.h"
#include "uk.h"

/* --- dead ports --- */

static void dying_server(struct thread *self, void *arg)
{
	struct world *w = arg;

	serve_port(self, w, "dying", 0);
	uk_sleep(self, 10 * MS);
	h_note(&w->lg, self, "client why", w->client->why);
}

static void dead_client(struct thread *self, void *arg)
{
	struct world *w = arg;
	int32_t pn = find(self, w, "dying");

	w->client = self;
	h_note(&w->lg, self, "send", send_val(self, pn, 1, UK_FOREVER));
	h_note(&w->lg, self, "send", send_val(self, pn, 2, UK_FOREVER));
	call_note(self, w, pn, 3, UK_FOREVER, "call");
	h_note(&w->lg, self, "send", send_val(self, pn, 4, UK_FOREVER));
	/* the kernel's dead-name notice has told the name server: the name is gone */
	h_note(&w->lg, self, "lookup", h_lookup(self, "dying", &pn));
}

/* When the server's body returns, its port dies: the sender blocked on it
 * is woken with UK_EDEADPORT, and every later send or call fails so. */
static void test_dead_port_senders(void **state)
{
	struct machine *m = world_machine(state, 1);
	struct world w = { .bad = 0 };
	struct proc *s = add(m, "server", 0, dying_server, &w, 0);

	add(m, "client", 0, dead_client, &w, 0);
	FINISH(m, &w, OUT_COMPLETED);
	assert_int_equal(s->state, P_EXITED);
	H_EXPECT(&w.lg, { 10 * MS, "client why", R_SEND }, { 10 * MS, "send", UK_EDEADPORT },
		 { 10 * MS, "send", UK_EDEADPORT }, { 10 * MS, "call", -UK_EDEADPORT },
		 { 10 * MS, "send", UK_EDEADPORT }, { 10 * MS, "lookup", UK_ENOENT });
}

/* Takes one request and ends without replying. */
static void no_reply_server(struct thread *self, void *arg)
{
	struct world *w = arg;
	int32_t pn = serve_port(self, w, "mute", 16);
	int err;
	struct msg *req;

	uk_sleep(self, 1 * MS);
	req = uk_recv(self, pn, UK_FOREVER, &err);
	h_note(&w->lg, self, "took", h_val(req));
	msg_free(req);
	uk_sleep(self, 4 * MS);
}

static void mute_client(struct thread *self, void *arg)
{
	struct world *w = arg;

	call_note(self, w, find(self, w, "mute"), self->p->pid, UK_FOREVER, "call");
}

/* Callers wait for replies from a server that dies: the one whose request
 * it took (its send-once right dies with it) and the one whose request was
 * still queued (destroyed with the port) both get UK_EDEADPORT at 5 ms. */
static void test_dead_server_fails_callers(void **state)
{
	struct machine *m = world_machine(state, 1);
	struct world w = { .bad = 0 };

	add(m, "server", 0, no_reply_server, &w, 0);
	add(m, "c3", 0, mute_client, &w, 0);
	add(m, "c4", 0, mute_client, &w, 0);
	FINISH(m, &w, OUT_COMPLETED);
	H_EXPECT(&w.lg, { 1 * MS, "took", 3 }, { 5 * MS, "call", -UK_EDEADPORT },
		 { 5 * MS, "call", -UK_EDEADPORT });
	assert_int_equal(m->procs[2]->main_thread->finish, 5 * MS);
	assert_int_equal(m->procs[3]->main_thread->finish, 5 * MS);
}

/* --- deadlock detection --- */

/* Register "<own name>", look up the peer's service, call it before ever
 * receiving. */
static void crossed_caller(struct thread *self, void *arg)
{
	struct world *w = arg;
	const char *peer = strcmp(self->p->name, "ping") == 0 ? "pong" : "ping";
	int32_t pn = 0;

	if (uk_port(self, 16, &pn) != UK_OK || h_register(self, self->p->name, pn) != UK_OK)
		w->bad++;
	uk_sleep(self, 1 * MS);
	call_note(self, w, find(self, w, peer), 1, UK_FOREVER, "call");
}

static int listed(const struct machine *m, uint32_t tid)
{
	for (uint32_t i = 0; i < m->ndeadlock; i++)
		if (m->deadlock_tids[i] == tid)
			return 1;
	return 0;
}

/* Two single-threaded servers that call each other before receiving wait
 * for each other forever: a cycle of two threads. */
static void test_deadlock_crossed_calls(void **state)
{
	struct machine *m = world_machine(state, 1);
	struct world w = { .bad = 0 };
	struct proc *a = add(m, "ping", 0, crossed_caller, &w, 0);
	struct proc *b = add(m, "pong", 0, crossed_caller, &w, 0);

	FINISH(m, &w, OUT_DEADLOCK);
	assert_int_equal(w.lg.n, 0);
	assert_int_equal(m->now, 1 * MS);
	assert_int_equal(m->ndeadlock, 2);
	assert_true(listed(m, a->main_thread->tid));
	assert_true(listed(m, b->main_thread->tid));
	assert_non_null(m->deadlock_report);
	assert_non_null(strstr(m->deadlock_report, "a cycle of 2 threads"));
	assert_non_null(strstr(m->deadlock_report, "thread ping"));
	assert_non_null(strstr(m->deadlock_report, "thread pong"));
	assert_non_null(strstr(m->deadlock_report, "from process pong"));
	assert_non_null(strstr(m->deadlock_report, "from process ping"));
	assert_int_equal(a->main_thread->why, R_REPLY);
	assert_int_equal(b->main_thread->why, R_REPLY);
}

/* "outer" calls "inner"; inner takes the request and, before replying,
 * calls outer, which is blocked in its own call: the cycle goes through
 * the send-once right inner holds. */
static void nested_outer(struct thread *self, void *arg)
{
	struct world *w = arg;
	int32_t pn = serve_port(self, w, "outer", 16);

	(void)pn;
	uk_sleep(self, 1 * MS);
	call_note(self, w, find(self, w, "inner"), 1, UK_FOREVER, "outer call");
}

static void nested_inner(struct thread *self, void *arg)
{
	struct world *w = arg;
	int32_t pn = serve_port(self, w, "inner", 16);
	int err;
	struct msg *req = uk_recv(self, pn, UK_FOREVER, &err);

	if (!req)
		w->bad++;
	msg_free(req);     /* keeps the send-once right, in the right table */
	call_note(self, w, find(self, w, "outer"), 2, UK_FOREVER, "inner call");
}

static void test_deadlock_nested_call(void **state)
{
	struct machine *m = world_machine(state, 1);
	struct world w = { .bad = 0 };
	struct proc *a = add(m, "outer", 0, nested_outer, &w, 0);
	struct proc *b = add(m, "inner", 0, nested_inner, &w, 0);

	FINISH(m, &w, OUT_DEADLOCK);
	assert_int_equal(w.lg.n, 0);
	assert_int_equal(m->ndeadlock, 2);
	assert_true(listed(m, a->main_thread->tid));
	assert_true(listed(m, b->main_thread->tid));
	assert_non_null(strstr(m->deadlock_report, "a cycle of 2 threads"));
	assert_non_null(strstr(m->deadlock_report, "from process inner"));
	assert_non_null(strstr(m->deadlock_report, "from process outer"));
}

/* Register a rendezvous port, then send on the peer's before receiving. */
static void crossed_sender(struct thread *self, void *arg)
{
	struct world *w = arg;
	const char *peer = strcmp(self->p->name, "left") == 0 ? "right" : "left";
	int32_t pn = 0;

	if (uk_port(self, 0, &pn) != UK_OK || h_register(self, self->p->name, pn) != UK_OK)
		w->bad++;
	uk_sleep(self, 1 * MS);
	h_note(&w->lg, self, "sent", send_val(self, find(self, w, peer), 1, UK_FOREVER));
}

/* A bystander blocked in recv for good is not part of the cycle. */
static void bystander(struct thread *self, void *arg)
{
	struct world *w = arg;
	int32_t pn = 0;

	w->client = self;
	if (uk_port(self, 16, &pn) != UK_OK)
		w->bad++;
	recv_note(self, w, pn, UK_FOREVER, "bystander");
}

/* Two processes that send on each other's rendezvous port wait for each
 * other: the report is that cycle, without the bystander. */
static void test_deadlock_crossed_sends(void **state)
{
	struct machine *m = world_machine(state, 1);
	struct world w = { .bad = 0 };
	struct proc *c = add(m, "bystander", 0, bystander, &w, 0);
	struct proc *a = add(m, "left", 0, crossed_sender, &w, 0);
	struct proc *b = add(m, "right", 0, crossed_sender, &w, 0);

	FINISH(m, &w, OUT_DEADLOCK);
	assert_int_equal(w.lg.n, 0);
	assert_int_equal(m->ndeadlock, 2);
	assert_true(listed(m, a->main_thread->tid));
	assert_true(listed(m, b->main_thread->tid));
	assert_false(listed(m, c->main_thread->tid));
	assert_non_null(strstr(m->deadlock_report, "a cycle of 2 threads"));
	assert_non_null(strstr(m->deadlock_report, "waits to send on"));
	assert_null(strstr(m->deadlock_report, "thread bystander"));
}

static void lonely_main(struct thread *self, void *arg)
{
	struct world *w = arg;
	int32_t pn = 0;

	w->client = self;
	if (uk_port(self, 16, &pn) != UK_OK)
		w->bad++;
	uk_compute(self, 3 * MS);
	recv_note(self, w, pn, UK_FOREVER, "recv");
}

/* A thread that waits for a message nobody will send, with nothing else
 * pending, is a deadlock too: it is listed (the idle name server, a
 * daemon, is not). */
static void test_deadlock_lonely_receiver(void **state)
{
	struct machine *m = world_machine(state, 1);
	struct world w = { .bad = 0 };

	add(m, "lonely", 0, lonely_main, &w, 0);
	FINISH(m, &w, OUT_DEADLOCK);
	assert_int_equal(w.lg.n, 0);
	assert_int_equal(m->now, 3 * MS);
	assert_int_equal(m->ndeadlock, 1);
	assert_int_equal(m->deadlock_tids[0], w.client->tid);
	assert_non_null(strstr(m->deadlock_report, "no thread can run"));
	assert_non_null(strstr(m->deadlock_report, "thread lonely"));
	assert_non_null(strstr(m->deadlock_report, "no one sends"));
	assert_null(strstr(m->deadlock_report, "thread name"));
}

static void self_caller(struct thread *self, void *arg)
{
	struct world *w = arg;
	int32_t pn = 0;

	w->client = self;
	if (uk_port(self, 16, &pn) != UK_OK)
		w->bad++;
	call_note(self, w, pn, 1, UK_FOREVER, "call");
}

/* A single thread that calls its own port waits for itself: a cycle of one. */
static void test_deadlock_self_call(void **state)
{
	struct machine *m = world_machine(state, 1);
	struct world w = { .bad = 0 };

	add(m, "narcissus", 0, self_caller, &w, 0);
	FINISH(m, &w, OUT_DEADLOCK);
	assert_int_equal(m->ndeadlock, 1);
	assert_int_equal(m->deadlock_tids[0], w.client->tid);
	assert_non_null(strstr(m->deadlock_report, "a cycle of 1 thread\n"));
	assert_non_null(strstr(m->deadlock_report, "from process narcissus"));
}

static void ticker(struct thread *self, void *arg)
{
	(void)arg;
	for (;;)
		uk_sleep(self, 1 * MS);
}

/* DESIGN section 3: a cycle in the wait-for graph is a deadlock and ends the
 * run, whatever else is pending. Here a daemon ticks forever beside the
 * ping/pong cycle, so the event queue never empties; the run must still end
 * as a deadlock (it must not run on to the event limit, or forever without
 * one). */
static void test_deadlock_cycle_beside_ticking_daemon(void **state)
{
	struct machine *m = world_machine(state, 1);
	struct world w = { .bad = 0 };
	struct proc *a = add(m, "ping", 0, crossed_caller, &w, 0);
	struct proc *b = add(m, "pong", 0, crossed_caller, &w, 0);

	add(m, "ticker", 0, ticker, &w, 1);
	m->cfg.max_events = 100000;
	FINISH(m, &w, OUT_DEADLOCK);
	assert_int_equal(m->ndeadlock, 2);
	assert_true(listed(m, a->main_thread->tid));
	assert_true(listed(m, b->main_thread->tid));
	assert_non_null(strstr(m->deadlock_report, "a cycle of 2 threads"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		H_TEST(test_dead_port_senders),
		H_TEST(test_dead_server_fails_callers),
		H_TEST(test_deadlock_crossed_calls),
		H_TEST(test_deadlock_nested_call),
		H_TEST(test_deadlock_crossed_sends),
		H_TEST(test_deadlock_lonely_receiver),
		H_TEST(test_deadlock_self_call),
		H_TEST(test_deadlock_cycle_beside_ticking_daemon),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
