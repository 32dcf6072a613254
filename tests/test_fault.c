/*
 * test_fault.c - unit tests for injected message faults: delays (a message
 * held in flight and delivered later, overtaken by later ones, dropped when
 * its port dies meanwhile, a delayed reply found stale, jitter within its
 * bounds and reproducible), process-scoped rules (every message to and from
 * one program's ports), and what a delay means to deadlock detection.
 *
 * The one idea: C-bodied processes exchange one-value messages through the
 * name server ("zero" costs: only uk_compute, uk_sleep and the faults make
 * time pass); rules are added with fault_add before the run, as the loader
 * does; the test asserts what the bodies noted, and the machine's counts.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "fault.h"
#include "harness.h"
#include "ipc_world.h"
#include "machine.h"
#include "msg.h"
#include "proc.h"
#include "thread.h"
#include "uk.h"

static void rule(struct machine *m, const char *service, struct proc *p, uint64_t delay_ns,
		 uint64_t jitter_ns)
{
	struct fault_rule r;

	memset(&r, 0, sizeof r);
	strcpy(r.name, service);
	r.proc = p;
	r.delay_ns = delay_ns;
	r.jitter_ns = jitter_ns;
	assert_int_equal(fault_add(m, &r), 0);
}

/* Receive n one-value messages on service "svc", noting each value. */
static void sink(struct thread *self, void *arg)
{
	struct world *w = arg;
	int32_t pn = serve_port(self, w, "svc", 16);

	for (;;)
		recv_note(self, w, pn, UK_FOREVER, "got");
}

/* Send val to "svc" at time at, then stay alive for linger. */
static void sender_at(struct thread *self, struct world *w, uint64_t at, int64_t val,
		      uint64_t linger)
{
	int32_t pn = find(self, w, "svc");

	if (uk_now(self) < at)
		uk_sleep(self, at - uk_now(self));
	h_note(&w->lg, self, "sent", send_val(self, pn, val, UK_FOREVER));
	uk_sleep(self, linger);
}

static void send_one(struct thread *self, void *arg)
{
	sender_at(self, arg, 1 * MS, 1, 5 * MS);
}

static void send_and_linger(struct thread *self, void *arg)
{
	sender_at(self, arg, 1 * MS, 1, 20 * MS);
}

/* A delayed send returns at once; the message arrives delay later and is
 * counted as delayed (and still as one message). */
static void test_delay_delivers_later(void **state)
{
	struct machine *m = world_machine(state, 1);
	struct world w = { .bad = 0 };

	rule(m, "svc", NULL, 2 * MS, 0);
	add(m, "sink", 0, sink, &w, 1);
	add(m, "sender", 0, send_one, &w, 0);
	FINISH(m, &w, OUT_COMPLETED);
	H_EXPECT(&w.lg, { 1 * MS, "sent", UK_OK }, { 3 * MS, "got", 1 });
	assert_int_equal(m->delayed, 1);
	assert_int_equal(m->dropped, 0);
}

static void slow_sender(struct thread *self, void *arg)
{
	sender_at(self, arg, 12 * MS, 1, 10 * MS);
}

static void fast_sender(struct thread *self, void *arg)
{
	sender_at(self, arg, 13 * MS, 2, 0);
}

/* A rule on one process delays what it sends: its message, sent first, is
 * overtaken by another process's, sent later. */
static void test_delay_overtaken(void **state)
{
	struct machine *m = world_machine(state, 1);
	struct world w = { .bad = 0 };
	struct proc *slow;

	add(m, "sink", 0, sink, &w, 1);
	slow = add(m, "slow", 0, slow_sender, &w, 0);
	add(m, "fast", 0, fast_sender, &w, 0);
	rule(m, "", slow, 5 * MS, 0);
	FINISH(m, &w, OUT_COMPLETED);
	/* slow's lookup (request and reply) is delayed too: it has the port at 10 ms */
	H_EXPECT(&w.lg, { 12 * MS, "sent", UK_OK }, { 13 * MS, "sent", UK_OK },
		 { 13 * MS, "got", 2 }, { 17 * MS, "got", 1 });
}

/* Serves "svc" until 2 ms, then ends: its port dies. */
static void short_lived(struct thread *self, void *arg)
{
	serve_port(self, arg, "svc", 16);
	uk_sleep(self, 2 * MS);
}

static void late_caller(struct thread *self, void *arg)
{
	struct world *w = arg;
	int32_t pn = find(self, w, "svc");

	h_note(&w->lg, self, "sent", send_val(self, pn, 1, UK_FOREVER));
	call_note(self, w, pn, 2, UK_FOREVER, "call");
}

/* A delayed message whose port dies before it arrives is dropped then as
 * sent to a dead port: a send is lost silently, a call's caller gets
 * "dead port" when its request arrives. */
static void test_delay_port_dies_meanwhile(void **state)
{
	struct machine *m = world_machine(state, 1);
	struct world w = { .bad = 0 };

	add(m, "server", 0, short_lived, &w, 0);
	add(m, "client", 0, late_caller, &w, 0);
	rule(m, "svc", NULL, 5 * MS, 0);
	FINISH(m, &w, OUT_COMPLETED);
	H_EXPECT(&w.lg, { 0, "sent", UK_OK }, { 5 * MS, "call", -UK_EDEADPORT });
	assert_int_equal(m->delayed, 2);
	assert_int_equal(m->dropped, 2);
}

static void echo_server(struct thread *self, void *arg)
{
	echo_loop(self, serve_port(self, arg, "svc", 16), 0);
}

static void impatient(struct thread *self, void *arg)
{
	struct world *w = arg;
	int32_t pn = find(self, w, "svc");

	call_note(self, w, pn, 1, 2 * MS, "call");
	uk_sleep(self, 10 * MS);
}

/* The rule on "svc" delays the replies its server sends too: a caller
 * that stopped waiting does not get the late reply, which is dropped as
 * stale when it arrives. */
static void test_delayed_reply_stale(void **state)
{
	struct machine *m = world_machine(state, 1);
	struct world w = { .bad = 0 };

	add(m, "server", 0, echo_server, &w, 1);
	add(m, "client", 0, impatient, &w, 0);
	rule(m, "svc", NULL, 3 * MS, 0);
	FINISH(m, &w, OUT_COMPLETED);
	H_EXPECT(&w.lg, { 2 * MS, "call", -UK_ETIMEDOUT });
	assert_int_equal(m->delayed, 2);
	assert_int_equal(m->dropped, 1);
}

/* Note each value with its delay: the receive time minus the send time
 * the value carries. */
static void timing_sink(struct thread *self, void *arg)
{
	struct world *w = arg;
	int32_t pn = serve_port(self, w, "svc", 1000);

	for (;;) {
		int err;
		struct msg *msg = uk_recv(self, pn, UK_FOREVER, &err);
		int64_t v = h_val(msg);
		msg_free(msg);
		h_note(&w->lg, self, "order", v % 1000);
		h_note(&w->lg, self, "delay", (int64_t)uk_now(self) - v / 1000);
	}
}

static void spray(struct thread *self, void *arg)
{
	struct world *w = arg;
	int32_t pn = find(self, w, "svc");

	for (int64_t i = 0; i < 20; i++) {
		send_val(self, pn, (int64_t)uk_now(self) * 1000 + i, UK_FOREVER);
		uk_sleep(self, 100 * H_US);
	}
	uk_sleep(self, 5 * MS);
}

/* Run the spray with delay 1 ms and jitter 1 ms; fill lg. */
static void run_jitter(struct machine *m, struct world *w)
{
	add(m, "sink", 0, timing_sink, w, 1);
	add(m, "spray", 0, spray, w, 0);
	rule(m, "svc", NULL, 1 * MS, 1 * MS);
	FINISH(m, w, OUT_COMPLETED);
}

/* Each delay lies in [delay, delay + jitter]; the draws reorder messages;
 * the same seed gives the same run. */
static void test_jitter_bounds_and_reproducible(void **state)
{
	struct machine *m = world_machine(state, 1), again;
	struct world w = { .bad = 0 }, w2 = { .bad = 0 };
	int reordered = 0;

	run_jitter(m, &w);
	assert_int_equal(w.lg.n, 40);
	for (unsigned i = 0; i < w.lg.n; i += 2) {
		assert_true(w.lg.ev[i + 1].val >= (int64_t)(1 * MS));
		assert_true(w.lg.ev[i + 1].val <= (int64_t)(2 * MS));
		reordered += i && w.lg.ev[i].val < w.lg.ev[i - 2].val;
	}
	assert_true(reordered > 0);
	assert_int_equal(m->delayed, 20);

	memset(&again, 0, sizeof again);
	{
		void *st = &again;
		world_machine(&st, 1);
	}
	run_jitter(&again, &w2);
	h_expect(&w2.lg, w.lg.ev, w.lg.n);
	machine_free(&again);
}

/* Messages still in flight when the run stops are freed with the machine
 * (the sanitizers check it). */
static void test_in_flight_at_the_end(void **state)
{
	struct machine *m = world_machine(state, 1);
	struct world w = { .bad = 0 };

	add(m, "sink", 0, sink, &w, 1);
	add(m, "sender", 0, send_and_linger, &w, 0);
	rule(m, "svc", NULL, 50 * MS, 0);
	m->cfg.until_ns = 10 * MS;
	FINISH(m, &w, OUT_LIMIT);
	H_EXPECT(&w.lg, { 1 * MS, "sent", UK_OK });
	assert_int_equal(m->delayed, 1);
}

static void burst(struct thread *self, void *arg)
{
	struct world *w = arg;
	int32_t pn = find(self, w, "svc");

	for (int64_t i = 0; i < 8; i++)
		send_val(self, pn, i, UK_FOREVER);
	uk_sleep(self, 10 * MS);
}

/* A machine where "burst" sends eight messages to "sink", all delayed to
 * arrive together at 2 ms; the run stops after limit events (or at until). */
static enum outcome run_burst(uint64_t limit, uint64_t until, uint64_t *events)
{
	struct machine m;
	struct world w = { .bad = 0 };
	void *st = &m;
	enum outcome out;

	memset(&m, 0, sizeof m);
	world_machine(&st, 1);
	add(&m, "sink", 0, sink, &w, 1);
	add(&m, "burst", 0, burst, &w, 0);
	rule(&m, "svc", NULL, 2 * MS, 0);
	m.cfg.max_events = limit;
	m.cfg.until_ns = until;
	out = machine_run(&m);
	*events = m.events;
	assert_true(out == OUT_LIMIT || w.lg.n == 8);
	machine_free(&m);
	return out;
}

/* Stop the run at every event count from the instant the eight delayed
 * messages arrive together: those not handled yet are freed all the same
 * (the sanitizers check it). (Earlier limits would stop the C bodies in the
 * middle of their name-server calls, which this test is not about.) */
static void test_stop_amid_arrivals(void **state)
{
	uint64_t before, events, limit;

	(void)state;
	assert_int_equal(run_burst(UINT64_MAX, 2 * MS - 1, &before), OUT_LIMIT);
	for (limit = before; run_burst(limit, UINT64_MAX, &events) == OUT_LIMIT; limit++)
		assert_true(limit < before + 1000);
	/* the arrivals and their receipts came in between */
	assert_true(limit > before + 8);
}

/* --- process scope --- */

static void scoped(struct thread *self, void *arg)
{
	struct world *w = arg;
	int32_t own = serve_port(self, w, "a", 16), other;

	h_note(&w->lg, self, "a registered", 0);
	recv_note(self, w, own, UK_FOREVER, "a got");
	other = find(self, w, "b");
	h_note(&w->lg, self, "a sent", send_val(self, other, 2, UK_FOREVER));
}

static void unscoped(struct thread *self, void *arg)
{
	struct world *w = arg;
	int32_t own = serve_port(self, w, "b", 16);

	h_note(&w->lg, self, "b registered", 0);
	uk_sleep(self, 10 * MS - uk_now(self));
	h_note(&w->lg, self, "b sent", send_val(self, find(self, w, "a"), 1, UK_FOREVER));
	recv_note(self, w, own, UK_FOREVER, "b got");
}

/* A rule scoped to process a delays every message a sends (its register
 * call, its send to b) and every message to its ports (the name server's
 * reply to its register call, b's send to it), and nothing of b's own. */
static void test_process_scope(void **state)
{
	struct machine *m = world_machine(state, 1);
	struct world w = { .bad = 0 };
	struct proc *a = add(m, "a", 0, scoped, &w, 0);

	add(m, "b", 0, unscoped, &w, 0);
	rule(m, "", a, 3 * MS, 0);
	FINISH(m, &w, OUT_COMPLETED);
	H_EXPECT(&w.lg, { 0, "b registered", 0 }, { 6 * MS, "a registered", 0 },
		 { 10 * MS, "b sent", UK_OK }, { 13 * MS, "a got", 1 },
		 { 19 * MS, "a sent", UK_OK }, { 22 * MS, "b got", 2 });
	assert_int_equal(m->delayed, 6);
}

/* --- deadlock detection --- */

/* Calls "left" (its reply is delayed), then answers one call on its own
 * port. */
static void right_side(struct thread *self, void *arg)
{
	struct world *w = arg;
	int32_t own = serve_port(self, w, "right", 16);
	int err;
	struct msg *req;

	uk_sleep(self, 1 * MS);
	call_note(self, w, find(self, w, "left"), 1, UK_FOREVER, "right call");
	req = uk_recv(self, own, UK_FOREVER, &err);
	if (req && req->reply_name)
		uk_reply(self, req->reply_name, h_msg(7));
	msg_free(req);
}

/* Answers one call (the reply is delayed), then calls "right" at once. */
static void left_side(struct thread *self, void *arg)
{
	struct world *w = arg;
	int32_t own = serve_port(self, w, "left", 16), peer;
	int err;
	struct msg *req = uk_recv(self, own, UK_FOREVER, &err);

	peer = find(self, w, "right");
	if (req && req->reply_name)
		uk_reply(self, req->reply_name, h_msg(5));
	msg_free(req);
	call_note(self, w, peer, 2, UK_FOREVER, "left call");
}

/* While right's reply is in flight, right is REPLY-blocked on left and
 * left on right: a cycle on paper, but the reply arrives by itself. It is
 * not a deadlock, and the run completes. */
static void test_no_deadlock_while_in_flight(void **state)
{
	struct machine *m = world_machine(state, 1);
	struct world w = { .bad = 0 };

	add(m, "left", 0, left_side, &w, 0);
	add(m, "right", 0, right_side, &w, 0);
	rule(m, "left", NULL, 4 * MS, 0);
	FINISH(m, &w, OUT_COMPLETED);
	H_EXPECT(&w.lg, { 9 * MS, "right call", 5 }, { 9 * MS, "left call", 7 });
}

static void caller_a(struct thread *self, void *arg)
{
	struct world *w = arg;

	serve_port(self, w, "a", 16);
	uk_sleep(self, 500 * H_US);
	call_note(self, w, find(self, w, "svc"), 1, UK_FOREVER, "a call");
}

static void caller_s(struct thread *self, void *arg)
{
	struct world *w = arg;

	serve_port(self, w, "svc", 16);
	uk_sleep(self, 1 * MS);
	call_note(self, w, find(self, w, "a"), 2, UK_FOREVER, "s call");
}

static void ticker(struct thread *self, void *arg)
{
	(void)arg;
	for (;;)
		uk_sleep(self, 1 * MS);
}

/* a's request to s is in flight until 2.5 ms while s calls a, which never
 * receives: once the request has arrived (and sits in s's queue) the two
 * wait for each other for good. That is found then, although a daemon
 * ticks on and the request's arrival changed no thread's state. */
static void test_deadlock_found_after_arrival(void **state)
{
	struct machine *m = world_machine(state, 1);
	struct world w = { .bad = 0 };
	struct proc *a = add(m, "a", 0, caller_a, &w, 0);
	struct proc *s = add(m, "s", 0, caller_s, &w, 0);

	add(m, "ticker", 0, ticker, &w, 1);
	rule(m, "svc", NULL, 2 * MS, 0);
	m->cfg.max_events = 100000;
	FINISH(m, &w, OUT_DEADLOCK);
	assert_int_equal(m->now, 2500 * H_US);
	assert_int_equal(m->ndeadlock, 2);
	assert_true(m->deadlock_tids[0] == a->main_thread->tid ||
		    m->deadlock_tids[1] == a->main_thread->tid);
	assert_true(m->deadlock_tids[0] == s->main_thread->tid ||
		    m->deadlock_tids[1] == s->main_thread->tid);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		H_TEST(test_delay_delivers_later),
		H_TEST(test_delay_overtaken),
		H_TEST(test_delay_port_dies_meanwhile),
		H_TEST(test_delayed_reply_stale),
		H_TEST(test_jitter_bounds_and_reproducible),
		H_TEST(test_in_flight_at_the_end),
		H_TEST(test_stop_amid_arrivals),
		H_TEST(test_process_scope),
		H_TEST(test_no_deadlock_while_in_flight),
		H_TEST(test_deadlock_found_after_arrival),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
