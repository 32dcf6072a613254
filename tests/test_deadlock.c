/*
 * test_deadlock.c - unit tests for the cost of deadlock detection: a check
 * looks at the threads that changed since the last one and at the processes
 * whose every thread waits for good, never at sleeping threads, so the work
 * of a run grows with its events, not with their product by the number of
 * threads. The findings themselves are tested in test_ipc.c, test_fault.c,
 * test_failure.c and the scenarios' golden outputs.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "harness.h"
#include "ipc_world.h"
#include "machine.h"
#include "msg.h"
#include "port.h"
#include "proc.h"
#include "thread.h"
#include "uk.h"

#define US 1000u

/* Threads of the sleepers' process, the round trips of the client. */
static uint32_t nsleepers;

static void sleeper(struct thread *self, void *arg)
{
	uk_sleep(self, (uint64_t)(uintptr_t)arg * US + US / 2);
}

/* Start nsleepers threads, each asleep until its turn, and join them in
 * order: each join blocks for good in the process's own main thread, and
 * each thread's end makes the next check look at the whole picture. */
static void sleepers(struct thread *self, void *arg)
{
	struct world *w = arg;
	uint32_t *tids = test_calloc(nsleepers, sizeof *tids);

	for (uint32_t i = 0; i < nsleepers; i++)
		if (uk_spawn(self, sleeper, (void *)(uintptr_t)(i + 1), &tids[i]) != UK_OK)
			w->bad++;
	for (uint32_t i = 0; i < nsleepers; i++)
		if (uk_join(self, tids[i]) != UK_OK)
			w->bad++;
	test_free(tids);
}

/* An echo server that sleeps a microsecond before each answer, so that
 * time moves while its caller waits for good. */
static void sleepy_echo(struct thread *self, void *arg)
{
	struct world *w = arg;
	int32_t pn = serve_port(self, w, "echo", 16);

	for (;;) {
		int err;
		struct msg *req = uk_recv(self, pn, UK_FOREVER, &err);
		int32_t rn = req ? req->reply_name : 0;
		int64_t val = h_val(req);

		msg_free(req);
		uk_sleep(self, US);
		if (rn)
			uk_reply(self, rn, h_msg(val + 1));
	}
}

static void caller(struct thread *self, void *arg)
{
	struct world *w = arg;
	int32_t pn = find(self, w, "echo");

	for (uint32_t i = 0; i < nsleepers; i++) {
		int err;
		struct msg *r = uk_call(self, pn, h_msg(i), UK_FOREVER, &err);
		if (!r || h_val(r) != (int64_t)i + 1)
			w->bad++;
		msg_free(r);
	}
}

/* Run the sleepers beside the round trips; returns the threads the
 * deadlock checks looked at. */
static uint64_t visits(void **state, uint32_t n, uint64_t *events)
{
	struct machine *m = world_machine(state, 1);
	struct world w = { .bad = 0 };

	nsleepers = n;
	add(m, "server", 0, sleepy_echo, &w, 1);
	add(m, "sleepers", 0, sleepers, &w, 0);
	add(m, "client", 0, caller, &w, 0);
	FINISH(m, &w, OUT_COMPLETED);
	*events = m->events;
	return m->dl_visits;
}

/* With 1,000 and then 4,000 threads asleep, the work of the deadlock
 * checks stays within a small multiple of the events of the run and grows
 * with them. Looking at every thread at every check (as before) would make
 * it 4,000 times the checks: several million here, 16 times as many for 4
 * times the threads. */
static void test_sleepers_linear(void **state)
{
	uint64_t ev_small, ev_big, small = visits(state, 1000, &ev_small);

	assert_int_equal(h_teardown(state), 0);
	assert_int_equal(h_setup(state), 0);
	uint64_t big = visits(state, 4000, &ev_big);

	assert_true(small >= 1000);            /* the checks did run */
	assert_true(small <= 4 * ev_small);
	assert_true(big <= 4 * ev_big);
	assert_true(big <= 5 * small);         /* about 4 times: linear, not 16 */
}

/* Two processes that call each other while 500 threads of a third sleep for
 * a second: the cycle is found as soon as time would move, not when the
 * sleepers are done. */
static void cross_a(struct thread *self, void *arg)
{
	struct world *w = arg;
	int32_t mine = serve_port(self, w, "a", 4), other = find(self, w, "b");
	int err;

	(void)mine;
	msg_free(uk_call(self, other, h_msg(1), UK_FOREVER, &err));
}

static void cross_b(struct thread *self, void *arg)
{
	struct world *w = arg;
	int32_t mine = serve_port(self, w, "b", 4), other = find(self, w, "a");
	int err;

	(void)mine;
	msg_free(uk_call(self, other, h_msg(2), UK_FOREVER, &err));
}

static void long_sleeper(struct thread *self, void *arg)
{
	(void)arg;
	uk_sleep(self, 1000 * MS);
}

static void long_sleepers(struct thread *self, void *arg)
{
	struct world *w = arg;

	for (uint32_t i = 0; i < 500; i++) {
		uint32_t tid;
		if (uk_spawn(self, long_sleeper, NULL, &tid) != UK_OK)
			w->bad++;
	}
	uk_sleep(self, 1000 * MS);
}

static void test_cycle_among_sleepers(void **state)
{
	struct machine *m = world_machine(state, 1);
	struct world w = { .bad = 0 };

	add(m, "sleepers", 0, long_sleepers, &w, 0);
	add(m, "a", 0, cross_a, &w, 0);
	add(m, "b", 0, cross_b, &w, 0);
	FINISH(m, &w, OUT_DEADLOCK);
	assert_int_equal(m->now, 0);
	assert_int_equal(m->ndeadlock, 2);
	assert_non_null(m->deadlock_report);
	assert_true(m->dl_visits < 4 * m->events);
}

/* The count of send-once rights to a caller's reply port that are held in
 * rights tables, which lets a check skip searching them: 0 while the
 * request waits in the queue, 1 while the server holds the right, 0 again
 * once the reply is sent or the server ends without replying. */
static void holding_server(struct thread *self, void *arg)
{
	struct world *w = arg;
	int32_t pn = serve_port(self, w, "hold", 4);
	int err;

	for (int i = 0; i < 2; i++) {
		struct msg *req = uk_recv(self, pn, UK_FOREVER, &err);
		int32_t rn = req ? req->reply_name : 0;

		msg_free(req);
		h_note(&w->lg, self, "held", w->client->reply_port->sonce_held);
		/* The port knows who holds that one right, and for which call. */
		h_note(&w->lg, self, "holder is me",
		       w->client->reply_port->sonce_holder == self->p &&
			       w->client->reply_port->sonce_flow == w->client->call_flow);
		if (i == 0)
			uk_reply(self, rn, h_msg(1));
	}
	/* Ends holding the second request's right. */
}

static void holding_client(struct thread *self, void *arg)
{
	struct world *w = arg;
	int32_t pn = find(self, w, "hold");
	int err;

	w->client = self;
	msg_free(uk_call(self, pn, h_msg(1), UK_FOREVER, &err));
	h_note(&w->lg, self, "after reply", self->reply_port->sonce_held);
	h_note(&w->lg, self, "holder forgotten", self->reply_port->sonce_holder == NULL);
	msg_free(uk_call(self, pn, h_msg(2), UK_FOREVER, &err));
	h_note(&w->lg, self, "after end", self->reply_port->sonce_held);
	h_note(&w->lg, self, "holder gone", self->reply_port->sonce_holder == NULL);
	h_note(&w->lg, self, "err", err);
}

static void test_sonce_held(void **state)
{
	struct machine *m = world_machine(state, 1);
	struct world w = { .bad = 0 };

	add(m, "server", 0, holding_server, &w, 0);
	add(m, "client", 0, holding_client, &w, 0);
	FINISH(m, &w, OUT_COMPLETED);
	H_EXPECT(&w.lg, { 0, "held", 1 }, { 0, "holder is me", 1 }, { 0, "after reply", 0 },
		 { 0, "holder forgotten", 1 }, { 0, "held", 1 }, { 0, "holder is me", 1 },
		 { 0, "after end", 0 }, { 0, "holder gone", 1 }, { 0, "err", UK_EDEADPORT });
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		H_TEST(test_sleepers_linear),
		H_TEST(test_cycle_among_sleepers),
		H_TEST(test_sonce_held),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
