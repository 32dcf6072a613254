/*
 * test_ipc.c - unit tests for message passing: rights, rendezvous and
 * buffered ports, timeouts (call and reply, send-once rights and the IPC
 * counters: test_ipc_call.c; dead ports and deadlocks: test_failure.c).
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

/* --- rights --- */

static void rights_a(struct thread *self, void *arg)
{
	struct world *w = arg;
	struct msg *msg;
	int err;

	h_note(&w->lg, self, "send 42", uk_send(self, 42, h_msg(1), UK_FOREVER));
	h_note(&w->lg, self, "send 0", uk_send(self, 0, h_msg(1), UK_FOREVER));
	h_note(&w->lg, self, "send -1", uk_send(self, -1, h_msg(1), UK_FOREVER));
	msg = uk_recv(self, UK_NAME_NAMESERVER, UK_FOREVER, &err);
	h_note(&w->lg, self, "recv ns", msg ? 0 : err);
	h_note(&w->lg, self, "port", uk_port(self, 16, &w->name));
	h_note(&w->lg, self, "reply port", uk_reply(self, w->name, h_msg(1)));
	msg = h_msg(1);
	msg->nrights = 1;
	msg->names[0] = 77;
	h_note(&w->lg, self, "carry 77", uk_send(self, w->name, msg, UK_FOREVER));
	msg = h_msg(1);
	msg->nrights = 1;
	msg->names[0] = w->name;
	h_note(&w->lg, self, "carry own", uk_send(self, w->name, msg, UK_FOREVER));
	uk_sleep(self, 10 * MS);
	recv_note(self, w, w->name, 0, "recv own");
	recv_note(self, w, w->name, 1 * MS, "recv own");
}

/* B holds only the name-server right: A's name means nothing here. */
static void rights_b(struct thread *self, void *arg)
{
	struct world *w = arg;
	struct msg *msg;
	int err;

	h_note(&w->lg, self, "B send", send_val(self, w->name, 2, UK_FOREVER));
	msg = uk_recv(self, w->name, UK_FOREVER, &err);
	h_note(&w->lg, self, "B recv", msg ? 0 : err);
	msg_free(msg);
}

static void test_rights_are_names_in_a_process(void **state)
{
	struct machine *m = world_machine(state, 1);
	struct world w = { .bad = 0 };

	add(m, "A", 0, rights_a, &w, 0);
	add(m, "B", 1 * MS, rights_b, &w, 0);
	FINISH(m, &w, OUT_COMPLETED);
	assert_int_equal(w.name, UK_NAME_NAMESERVER + 1);
	H_EXPECT(&w.lg, { 0, "send 42", UK_ENORIGHT }, { 0, "send 0", UK_ENORIGHT },
		 { 0, "send -1", UK_ENORIGHT }, { 0, "recv ns", UK_ENORIGHT }, { 0, "port", UK_OK },
		 { 0, "reply port", UK_ENORIGHT }, { 0, "carry 77", UK_ENORIGHT },
		 { 0, "carry own", UK_OK }, { 1 * MS, "B send", UK_ENORIGHT },
		 { 1 * MS, "B recv", UK_ENORIGHT }, { 10 * MS, "recv own", 1 },
		 { 11 * MS, "recv own", -UK_ETIMEDOUT });
}

/* Server S registers a port; client C looks it up (a send right under its
 * own name), cannot receive on it, passes a right to a port of its own in a
 * message, and S answers on that right. */
static void pass_server(struct thread *self, void *arg)
{
	struct world *w = arg;
	int32_t pn = serve_port(self, w, "s", 16);
	int err;
	struct msg *msg = uk_recv(self, pn, UK_FOREVER, &err);
	int32_t back = msg && msg->nrights == 1 ? msg->names[0] : 0;

	h_note(&w->lg, self, "S got", msg ? h_val(msg) : -err);
	h_note(&w->lg, self, "S got right", back != 0);
	msg_free(msg);
	msg = uk_recv(self, back, 0, &err);
	h_note(&w->lg, self, "S recv right", msg ? 0 : err);
	msg_free(msg);
	uk_compute(self, 1 * MS);
	h_note(&w->lg, self, "S send right", send_val(self, back, 99, UK_FOREVER));
}

static void pass_client(struct thread *self, void *arg)
{
	struct world *w = arg;
	int32_t s = find(self, w, "s"), mine = 0;
	struct msg *msg;
	int err;

	msg = uk_recv(self, s, 0, &err);
	h_note(&w->lg, self, "C recv s", msg ? 0 : err);
	msg_free(msg);
	if (uk_port(self, 16, &mine) != UK_OK)
		w->bad++;
	msg = h_msg(7);
	msg->nrights = 1;
	msg->names[0] = mine;
	h_note(&w->lg, self, "C send", uk_send(self, s, msg, UK_FOREVER));
	recv_note(self, w, mine, UK_FOREVER, "C got");
}

static void test_rights_travel_in_messages(void **state)
{
	struct machine *m = world_machine(state, 1);
	struct world w = { .bad = 0 };

	add(m, "S", 0, pass_server, &w, 0);
	add(m, "C", 0, pass_client, &w, 0);
	FINISH(m, &w, OUT_COMPLETED);
	H_EXPECT(&w.lg, { 0, "C recv s", UK_ENORIGHT }, { 0, "C send", UK_OK }, { 0, "S got", 7 },
		 { 0, "S got right", 1 }, { 0, "S recv right", UK_ENORIGHT },
		 { 1 * MS, "S send right", UK_OK }, { 1 * MS, "C got", 99 });
}

/* --- rendezvous and buffered ports --- */

static void rv_server(struct thread *self, void *arg)
{
	struct world *w = arg;
	int32_t pn = serve_port(self, w, "rv", 0);
	int err;
	struct msg *msg;

	uk_sleep(self, 10 * MS);
	h_note(&w->lg, self, "client state", w->client->state);
	h_note(&w->lg, self, "client why", w->client->why);
	msg = uk_recv(self, pn, UK_FOREVER, &err);
	h_note(&w->lg, self, "recv", msg ? h_val(msg) : -err);
	h_note(&w->lg, self, "sent_ns", msg ? (int64_t)msg->sent_ns : -1);
	msg_free(msg);
}

static void rv_client(struct thread *self, void *arg)
{
	struct world *w = arg;
	int32_t pn = find(self, w, "rv");

	w->client = self;
	uk_compute(self, 2 * MS);
	h_note(&w->lg, self, "send", 5);
	h_note(&w->lg, self, "sent", send_val(self, pn, 5, UK_FOREVER));
}

/* qlimit 0: the sender waits SEND-blocked until the receiver arrives at
 * 10 ms; its send completes then. */
static void test_rendezvous(void **state)
{
	struct machine *m = world_machine(state, 1);
	struct world w = { .bad = 0 };

	add(m, "server", 0, rv_server, &w, 0);
	add(m, "client", 0, rv_client, &w, 0);
	FINISH(m, &w, OUT_COMPLETED);
	H_EXPECT(&w.lg, { 2 * MS, "send", 5 }, { 10 * MS, "client state", T_BLOCKED },
		 { 10 * MS, "client why", R_SEND }, { 10 * MS, "recv", 5 },
		 { 10 * MS, "sent_ns", 2 * MS }, { 10 * MS, "sent", UK_OK });
	/* one latency per delivered message: four name-server messages at no
	 * cost, the rendezvous message, issued at 2 ms, taken at 10 ms, and
	 * the kernel's dead-name notice to the name server when the server ends */
	assert_int_equal(m->nlat, 6);
	assert_int_equal(m->lat[0] + m->lat[1] + m->lat[2] + m->lat[3], 0);
	assert_int_equal(m->lat[4], 8 * MS);
	assert_int_equal(m->lat[5], 0);
}

static void rv_caller(struct thread *self, void *arg)
{
	struct world *w = arg;
	int32_t pn = find(self, w, "rv");

	call_note(self, w, pn, 1, 15 * MS, "call");
	call_note(self, w, pn, 2, UK_FOREVER, "call");
}

static void rv_slow_echo(struct thread *self, void *arg)
{
	struct world *w = arg;
	int32_t pn = serve_port(self, w, "rv", 0);

	uk_sleep(self, 10 * MS);
	echo_loop(self, pn, 10 * MS);
}

/* A call on a rendezvous port waits SEND-blocked, then REPLY-blocked; its
 * timeout covers both: the first call (taken at 10 ms, answered at 20 ms)
 * times out at 15 ms; the second waits SEND-blocked until the server is
 * back at 20 ms (the stale reply to the first is dropped) and is answered
 * at 30 ms. Two CPUs, so the timeout is seen while the server computes. */
static void test_call_rendezvous_timeout(void **state)
{
	struct machine *m = world_machine(state, 2);
	struct world w = { .bad = 0 };

	add(m, "server", 0, rv_slow_echo, &w, 1);
	add(m, "client", 0, rv_caller, &w, 0);
	FINISH(m, &w, OUT_COMPLETED);
	H_EXPECT(&w.lg, { 15 * MS, "call", -UK_ETIMEDOUT }, { 30 * MS, "call", 1002 });
	assert_int_equal(m->dropped, 1);
}

static void buf_server(struct thread *self, void *arg)
{
	struct world *w = arg;
	int32_t pn = serve_port(self, w, "buf", 2);

	uk_sleep(self, 10 * MS);
	h_note(&w->lg, self, "client why", w->client->why);
	for (int i = 0; i < 3; i++)
		recv_note(self, w, pn, UK_FOREVER, "recv");
}

static void buf_client(struct thread *self, void *arg)
{
	struct world *w = arg;
	int32_t pn = find(self, w, "buf");

	w->client = self;
	for (int i = 1; i <= 3; i++)
		h_note(&w->lg, self, "sent", i * 10 + send_val(self, pn, i, UK_FOREVER));
}

/* qlimit 2: two sends return at once, the third blocks until a recv makes
 * room; the messages come out in the order they were sent. */
static void test_buffered_qlimit(void **state)
{
	struct machine *m = world_machine(state, 1);
	struct world w = { .bad = 0 };

	add(m, "server", 0, buf_server, &w, 0);
	add(m, "client", 0, buf_client, &w, 0);
	FINISH(m, &w, OUT_COMPLETED);
	H_EXPECT(&w.lg, { 0, "sent", 10 }, { 0, "sent", 20 }, { 10 * MS, "client why", R_SEND },
		 { 10 * MS, "recv", 1 }, { 10 * MS, "recv", 2 }, { 10 * MS, "recv", 3 },
		 { 10 * MS, "sent", 30 });
}

static void fifo_server(struct thread *self, void *arg)
{
	struct world *w = arg;
	int32_t q = serve_port(self, w, "queued", 16), r = serve_port(self, w, "rv", 0);

	uk_sleep(self, 10 * MS);
	for (int i = 0; i < 5; i++)
		recv_note(self, w, q, UK_FOREVER, "queued");
	for (int i = 0; i < 3; i++)
		recv_note(self, w, r, UK_FOREVER, "rv");
}

/* Three senders (pids 3, 4, 5): the first queues five messages; then they
 * block on the rendezvous port at 3, 1 and 2 ms, and are served in the
 * order they blocked, not by pid. */
static void fifo_sender(struct thread *self, void *arg)
{
	struct world *w = arg;
	int32_t q = find(self, w, "queued"), r = find(self, w, "rv");
	int64_t id = self->p->pid;

	if (id == 3)
		for (int i = 1; i <= 5; i++)
			send_val(self, q, i, UK_FOREVER);
	uk_sleep(self, (uint64_t)(id == 3 ? 3 : id - 3) * MS);
	send_val(self, r, id, UK_FOREVER);
}

static void test_fifo_order_of_messages(void **state)
{
	struct machine *m = world_machine(state, 1);
	struct world w = { .bad = 0 };

	add(m, "server", 0, fifo_server, &w, 0);
	add(m, "s3", 0, fifo_sender, &w, 0);
	add(m, "s4", 0, fifo_sender, &w, 0);
	add(m, "s5", 0, fifo_sender, &w, 0);
	FINISH(m, &w, OUT_COMPLETED);
	H_EXPECT(&w.lg, { 10 * MS, "queued", 1 }, { 10 * MS, "queued", 2 },
		 { 10 * MS, "queued", 3 }, { 10 * MS, "queued", 4 }, { 10 * MS, "queued", 5 },
		 { 10 * MS, "rv", 4 }, { 10 * MS, "rv", 5 }, { 10 * MS, "rv", 3 });
}

static void default_qlimit_main(struct thread *self, void *arg)
{
	struct world *w = arg;
	int32_t pn = 0;

	if (uk_port(self, UINT64_MAX, &pn) != UK_OK)
		w->bad++;
	h_note(&w->lg, self, "send", send_val(self, pn, 1, UK_FOREVER));
	h_note(&w->lg, self, "send", send_val(self, pn, 2, 1 * MS));
}

/* A port made with qlimit UINT64_MAX takes the machine's queue limit (1). */
static void test_machine_default_qlimit(void **state)
{
	struct machine *m = *state;
	struct world w = { .bad = 0 };

	assert_int_equal(h_machine(m, 1, "fifo", 10 * MS, 1), 0);
	add(m, "P", 0, default_qlimit_main, &w, 0);
	FINISH(m, &w, OUT_COMPLETED);
	H_EXPECT(&w.lg, { 0, "send", UK_OK }, { 1 * MS, "send", UK_ETIMEDOUT });
}

/* A receiver thread of the pool: note which thread got which value. */
static void pool_worker(struct thread *self, void *arg)
{
	struct world *w = arg;
	int err;
	struct msg *msg = uk_recv(self, w->name, UK_FOREVER, &err);

	h_note(&w->lg, self, self->name, msg ? h_val(msg) : -err);
	msg_free(msg);
}

static void pool_main(struct thread *self, void *arg)
{
	struct world *w = arg;
	uint32_t tid;

	w->name = serve_port(self, w, "pool", 0);
	if (h_spawn(self, pool_worker, w, &tid) != UK_OK)
		w->bad++;
	pool_worker(self, w);
}

static void pool_client(struct thread *self, void *arg)
{
	struct world *w = arg;
	int32_t pn = find(self, w, "pool");

	uk_compute(self, 1 * MS);
	send_val(self, pn, 1, UK_FOREVER);
	send_val(self, pn, 2, UK_FOREVER);
}

/* Threads blocked in recv on one port are served in the order they came:
 * the main thread (blocked first) gets message 1, the worker it spawned
 * message 2. The worker notes first: it has been ready since it was made,
 * the main thread only since message 1 woke it. */
static void test_receivers_served_in_order(void **state)
{
	struct machine *m = world_machine(state, 1);
	struct world w = { .bad = 0 };

	add(m, "pool", 0, pool_main, &w, 0);
	add(m, "client", 0, pool_client, &w, 0);
	FINISH(m, &w, OUT_COMPLETED);
	H_EXPECT(&w.lg, { 1 * MS, "pool.1", 2 }, { 1 * MS, "pool", 1 });
}

/* --- timeouts --- */

static void recv_timeout_main(struct thread *self, void *arg)
{
	struct world *w = arg;
	int32_t pn = 0;

	if (uk_port(self, 16, &pn) != UK_OK)
		w->bad++;
	uk_compute(self, 3 * MS);
	recv_note(self, w, pn, 5 * MS, "recv");
	recv_note(self, w, pn, 0, "recv");
}

/* A recv with a timeout fails with UK_ETIMEDOUT at exactly now + timeout. */
static void test_recv_timeout(void **state)
{
	struct machine *m = world_machine(state, 1);
	struct world w = { .bad = 0 };

	add(m, "P", 0, recv_timeout_main, &w, 0);
	FINISH(m, &w, OUT_COMPLETED);
	H_EXPECT(&w.lg, { 8 * MS, "recv", -UK_ETIMEDOUT }, { 8 * MS, "recv", -UK_ETIMEDOUT });
}

static void early_receiver(struct thread *self, void *arg)
{
	struct world *w = arg;
	int32_t pn = serve_port(self, w, "early", 16);

	recv_note(self, w, pn, 5 * MS, "recv");
	recv_note(self, w, pn, UK_FOREVER, "recv");
}

static void early_sender(struct thread *self, void *arg)
{
	struct world *w = arg;
	int32_t pn = find(self, w, "early");

	uk_sleep(self, 2 * MS);
	send_val(self, pn, 1, UK_FOREVER);
	uk_sleep(self, 18 * MS);
	send_val(self, pn, 2, UK_FOREVER);
}

/* A message that arrives before the timeout cancels it: the next recv
 * (no timeout) is not woken by the stale timer at 5 ms. */
static void test_recv_timeout_cancelled(void **state)
{
	struct machine *m = world_machine(state, 1);
	struct world w = { .bad = 0 };

	add(m, "receiver", 0, early_receiver, &w, 0);
	add(m, "sender", 0, early_sender, &w, 0);
	FINISH(m, &w, OUT_COMPLETED);
	H_EXPECT(&w.lg, { 2 * MS, "recv", 1 }, { 20 * MS, "recv", 2 });
}

static void send_timeout_main(struct thread *self, void *arg)
{
	struct world *w = arg;
	int32_t pn = 0;

	if (uk_port(self, 1, &pn) != UK_OK)
		w->bad++;
	h_note(&w->lg, self, "send", send_val(self, pn, 1, UK_FOREVER));
	uk_compute(self, 2 * MS);
	h_note(&w->lg, self, "send", send_val(self, pn, 2, 4 * MS));
	recv_note(self, w, pn, 0, "recv");
	recv_note(self, w, pn, 0, "recv");
}

/* A send on a full port with a timeout fails at now + timeout, and its
 * message is dropped, never delivered. */
static void test_send_timeout_full_port(void **state)
{
	struct machine *m = world_machine(state, 1);
	struct world w = { .bad = 0 };

	add(m, "P", 0, send_timeout_main, &w, 0);
	FINISH(m, &w, OUT_COMPLETED);
	H_EXPECT(&w.lg, { 0, "send", UK_OK }, { 6 * MS, "send", UK_ETIMEDOUT },
		 { 6 * MS, "recv", 1 }, { 6 * MS, "recv", -UK_ETIMEDOUT });
	assert_int_equal(m->dropped, 1);
	assert_int_equal(m->msgs, 2);
}

/* --- the message pool --- */

/* A freed message comes back from msg_new as new: every field reset, its
 * payload buffer kept (and grown when too small); one a body still holds
 * is what msg_reclaim frees. */
static void test_msg_pool(void **state)
{
	struct msg *a, *b;

	(void)state;
	msg_pool_drain();
	a = msg_new(8);
	assert_non_null(a);
	assert_int_equal(a->cap, 256);
	a->flow = a->sent_ns = a->reply_to = a->sonce_flow = 5;
	a->sender_pid = a->sender_tid = a->nvalues = a->nnums = 5;
	a->kind = MSG_REPLY;
	a->nrights = 2;
	a->reply = a->dest = (void *)a;          /* never followed */
	a->reply_name = 7;
	a->ool_addr = a->ool_len = a->ool_pages = 4096;
	a->ool_failed = 1;
	a->npackets = a->from_node = a->to_node = 3;
	msg_hold(a);
	msg_free(a);
	b = msg_new(16);
	assert_ptr_equal(b, a);
	assert_int_equal(b->size, 16);
	assert_int_equal(b->flow + b->sent_ns + b->reply_to + b->sonce_flow, 0);
	assert_int_equal(b->sender_pid + b->sender_tid + b->nvalues + b->nnums, 0);
	assert_int_equal(b->kind, MSG_SEND);
	assert_int_equal(b->nrights, 0);
	assert_null(b->reply);
	assert_null(b->dest);
	assert_null(b->ool);
	assert_null(b->next);
	assert_int_equal(b->reply_name, 0);
	assert_int_equal(b->ool_addr + b->ool_len + b->ool_pages + b->ool_failed, 0);
	assert_int_equal(b->npackets + b->from_node + b->to_node, 0);
	assert_int_equal(b->held, 0);
	/* Too small for the next message: taken from the pool all the same, grown. */
	memset(b->data, 0xab, 16);
	msg_free(b);
	b = msg_new(600);
	assert_ptr_equal(b, a);
	assert_int_equal(b->cap, 600);
	assert_int_equal(b->size, 600);
	assert_int_equal(b->data[15], 0xab);
	/* Still small enough for the pool. */
	msg_free(b);
	assert_ptr_equal(msg_new(1), a);
	/* Held by a body when the run stops: reclaimed, once. */
	msg_hold(a);
	msg_hold(a);
	b = msg_new(5000);
	assert_non_null(b);
	msg_hold(b);
	msg_unhold(b);
	assert_int_equal(msg_reclaim(), 1);
	assert_int_equal(msg_reclaim(), 0);
	msg_free(b);          /* too large for the pool: back to malloc */
	msg_free(NULL);
	msg_pool_drain();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		H_TEST(test_rights_are_names_in_a_process),
		H_TEST(test_rights_travel_in_messages),
		H_TEST(test_rendezvous),
		H_TEST(test_buffered_qlimit),
		H_TEST(test_fifo_order_of_messages),
		H_TEST(test_machine_default_qlimit),
		H_TEST(test_receivers_served_in_order),
		H_TEST(test_recv_timeout),
		H_TEST(test_recv_timeout_cancelled),
		H_TEST(test_send_timeout_full_port),
		H_TEST(test_call_rendezvous_timeout),
		H_TEST(test_msg_pool),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
