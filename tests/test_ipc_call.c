/*
 * test_ipc_call.c - unit tests for call and reply: the round trip, stale
 * replies, send-once rights, and the IPC counters (the rest of message
 * passing: test_ipc.c, whose conventions these tests share: rights passed
 * through the name server, notes with virtual timestamps, "zero" costs, one
 * CPU under fifo).
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
#include "port.h"
#include "proc.h"
#include "thread.h"
#include "uk.h"

/* --- call and reply --- */

static void rpc_server(struct thread *self, void *arg)
{
	struct world *w = arg;
	int32_t pn = serve_port(self, w, "echo", 16);
	int err;
	struct msg *req = uk_recv(self, pn, UK_FOREVER, &err);
	int32_t rn = req ? req->reply_name : 0;

	h_note(&w->lg, self, "req", h_val(req));
	h_note(&w->lg, self, "req pid", req ? req->sender_pid : 0);
	h_note(&w->lg, self, "req tid", req ? req->sender_tid : 0);
	h_note(&w->lg, self, "req kind", req ? req->kind : -1);
	h_note(&w->lg, self, "req rights", req ? req->nrights : -1);
	h_note(&w->lg, self, "has reply right", rn > 0);
	msg_free(req);
	uk_compute(self, 2 * MS);
	h_note(&w->lg, self, "reply", uk_reply(self, rn, h_msg(1007)));
	echo_loop(self, pn, 0);
}

static void rpc_client(struct thread *self, void *arg)
{
	struct world *w = arg;
	int32_t pn = find(self, w, "echo");
	struct msg *req = h_msg(7), *reply;
	int err;

	w->client = self;
	req->sender_pid = 999;           /* a forgery the kernel must overwrite */
	req->sender_tid = 999;
	reply = uk_call(self, pn, req, UK_FOREVER, &err);
	h_note(&w->lg, self, "got", reply ? h_val(reply) : -err);
	h_note(&w->lg, self, "got pid", reply ? reply->sender_pid : 0);
	h_note(&w->lg, self, "got kind", reply ? reply->kind : -1);
	h_note(&w->lg, self, "got reply right", reply ? reply->reply_name : -1);
	msg_free(reply);
	call_note(self, w, pn, 8, UK_FOREVER, "got");
}

/* A call's request reaches the server with a send-once reply right and the
 * caller's pid stamped by the kernel; the reply comes back intact. */
static void test_call_reply_round_trip(void **state)
{
	struct machine *m = world_machine(state, 1);
	struct world w = { .bad = 0 };
	struct proc *s = add(m, "server", 0, rpc_server, &w, 1);
	struct proc *c = add(m, "client", 0, rpc_client, &w, 0);

	FINISH(m, &w, OUT_COMPLETED);
	assert_int_equal(s->pid, 2);
	assert_int_equal(c->pid, 3);
	H_EXPECT(&w.lg, { 0, "req", 7 }, { 0, "req pid", 3 }, { 0, "req tid", 3 },
		 { 0, "req kind", MSG_CALL }, { 0, "req rights", 0 }, { 0, "has reply right", 1 },
		 { 2 * MS, "reply", UK_OK }, { 2 * MS, "got", 1007 }, { 2 * MS, "got pid", 2 },
		 { 2 * MS, "got kind", MSG_REPLY }, { 2 * MS, "got reply right", 0 },
		 { 2 * MS, "got", 1008 });
	assert_int_equal(w.client->msgs_sent, 1 + 2);     /* the lookup, two calls */
	assert_int_equal(w.client->msgs_recv, 1 + 2);
}

static void slow_echo(struct thread *self, void *arg)
{
	struct world *w = arg;

	echo_loop(self, serve_port(self, w, "slow", 16), 10 * MS);
}

static void stale_client(struct thread *self, void *arg)
{
	struct world *w = arg;
	int32_t pn = find(self, w, "slow");

	call_note(self, w, pn, 7, 5 * MS, "call 7");
	call_note(self, w, pn, 8, UK_FOREVER, "call 8");
}

/* A call times out at 5 ms; the reply to it (10 ms) is dropped, and the
 * next call gets its own reply, not the stale one. Two CPUs, so the
 * caller's timeout is seen while the server computes. */
static void test_stale_reply_dropped(void **state)
{
	struct machine *m = world_machine(state, 2);
	struct world w = { .bad = 0 };

	add(m, "server", 0, slow_echo, &w, 1);
	add(m, "client", 0, stale_client, &w, 0);
	FINISH(m, &w, OUT_COMPLETED);
	H_EXPECT(&w.lg, { 5 * MS, "call 7", -UK_ETIMEDOUT }, { 20 * MS, "call 8", 1008 });
	assert_int_equal(m->dropped, 1);
}

static void once_server(struct thread *self, void *arg)
{
	struct world *w = arg;
	int32_t pn = serve_port(self, w, "once", 16);
	int err;
	struct msg *msg = uk_recv(self, pn, UK_FOREVER, &err);
	int32_t rn = msg ? msg->reply_name : 0;

	msg_free(msg);
	msg = h_msg(0);
	msg->nrights = 1;
	msg->names[0] = rn;
	h_note(&w->lg, self, "pass it", uk_send(self, pn, msg, 0));
	h_note(&w->lg, self, "reply 1", uk_reply(self, rn, h_msg(1)));
	h_note(&w->lg, self, "reply 2", uk_reply(self, rn, h_msg(2)));
	h_note(&w->lg, self, "send on it", send_val(self, rn, 3, 0));
}

static void once_client(struct thread *self, void *arg)
{
	struct world *w = arg;

	call_note(self, w, find(self, w, "once"), 0, UK_FOREVER, "got");
}

/* A send-once right cannot travel in a message; it answers once: a second
 * reply, or a plain send on it, finds no right. */
static void test_send_once_right(void **state)
{
	struct machine *m = world_machine(state, 1);
	struct world w = { .bad = 0 };

	add(m, "server", 0, once_server, &w, 0);
	add(m, "client", 0, once_client, &w, 0);
	FINISH(m, &w, OUT_COMPLETED);
	H_EXPECT(&w.lg, { 0, "pass it", UK_ENORIGHT }, { 0, "reply 1", UK_OK },
		 { 0, "reply 2", UK_ENORIGHT },
		 { 0, "send on it", UK_ENORIGHT }, { 0, "got", 1 });
}

/* --- counters --- */

static void count_server(struct thread *self, void *arg)
{
	struct world *w = arg;
	int32_t pn = serve_port(self, w, "count", 0);

	for (int i = 0; i < 2; i++) {
		int err;
		struct msg *req = uk_recv(self, pn, UK_FOREVER, &err);
		int32_t rn = req ? req->reply_name : 0;
		int64_t val = h_val(req);

		msg_free(req);
		uk_reply(self, rn, h_msg(val + 1));
	}
	uk_sleep(self, 5 * MS);
}

static void count_client(struct thread *self, void *arg)
{
	struct world *w = arg;
	int32_t pn = find(self, w, "count");

	call_note(self, w, pn, 1, UK_FOREVER, "call");
	call_note(self, w, pn, 2, UK_FOREVER, "call");
	h_note(&w->lg, self, "send", send_val(self, pn, 3, 1 * MS));
	uk_sleep(self, 9 * MS);
	h_note(&w->lg, self, "send", send_val(self, pn, 4, UK_FOREVER));
}

/* msgs counts every message sent (requests, replies, plain sends, failed
 * ones included), calls every call posted, dropped every message that will
 * never be delivered. */
static void test_counters(void **state)
{
	struct machine *m = world_machine(state, 1);
	struct world w = { .bad = 0 };
	uint64_t ns_bytes = sizeof(struct ns_request) + sizeof(struct ns_reply);

	add(m, "server", 0, count_server, &w, 0);
	add(m, "client", 0, count_client, &w, 0);
	FINISH(m, &w, OUT_COMPLETED);
	H_EXPECT(&w.lg, { 0, "call", 2 }, { 0, "call", 3 }, { 1 * MS, "send", UK_ETIMEDOUT },
		 { 10 * MS, "send", UK_EDEADPORT });
	/* register + lookup: 2 calls, 4 messages; 2 calls, 2 replies, 2 sends;
	 * the dead-name notice when the server's port dies */
	assert_int_equal(m->calls, 2 + 2);
	assert_int_equal(m->msgs, 4 + 4 + 2 + 1);
	assert_int_equal(m->msg_bytes,
			 2 * ns_bytes + 6 * sizeof(int64_t) + sizeof(struct uk_notice));
	assert_int_equal(m->dropped, 2);
}

static void hoarder(struct thread *self, void *arg)
{
	struct world *w = arg;

	serve_port(self, w, "hoard", 1);
	uk_sleep(self, 5 * MS);
}

static void filler(struct thread *self, void *arg)
{
	struct world *w = arg;
	int32_t pn = find(self, w, "hoard");

	h_note(&w->lg, self, "send", send_val(self, pn, 1, UK_FOREVER));
	h_note(&w->lg, self, "send", send_val(self, pn, 2, UK_FOREVER));
}

/* Messages destroyed with a dead port (one queued, one held by a blocked
 * sender) are never delivered: they count as dropped, like the other
 * undeliverable messages (ipc.c, ipc_dropped; the trace marks them dropped). */
static void test_dead_port_counts_dropped(void **state)
{
	struct machine *m = world_machine(state, 1);
	struct world w = { .bad = 0 };

	add(m, "server", 0, hoarder, &w, 0);
	add(m, "client", 0, filler, &w, 0);
	FINISH(m, &w, OUT_COMPLETED);
	H_EXPECT(&w.lg, { 0, "send", UK_OK }, { 5 * MS, "send", UK_EDEADPORT });
	assert_int_equal(m->dropped, 2);
}

/* --- reply and receive in one call (uk_reply_recv) --- */

/* An echo server whose loop replies and receives in one call (with
 * combined set) or in two. */
static void rr_loop(struct thread *self, struct world *w, int32_t pn, int combined)
{
	int err;
	struct msg *req = uk_recv(self, pn, UK_FOREVER, &err);

	while (req) {
		int64_t val = h_val(req);
		int32_t rn = req->reply_name;

		h_note(&w->lg, self, "req", val);
		msg_free(req);
		if (combined) {
			req = uk_reply_recv(self, rn, h_msg(val + 1000), pn, UK_FOREVER, &err);
		} else {
			uk_reply(self, rn, h_msg(val + 1000));
			req = uk_recv(self, pn, UK_FOREVER, &err);
		}
	}
}

static void rr_server(struct thread *self, void *arg)
{
	struct world *w = arg;

	rr_loop(self, w, serve_port(self, w, "rr", 16), 1);
}

static void rr_server_two(struct thread *self, void *arg)
{
	struct world *w = arg;

	rr_loop(self, w, serve_port(self, w, "rr", 16), 0);
}

static void rr_client(struct thread *self, void *arg)
{
	struct world *w = arg;
	int32_t pn = find(self, w, "rr");

	for (int i = 1; i <= 3; i++)
		call_note(self, w, pn, i, UK_FOREVER, "got");
	w->client = self;
}

/* Run the rr client against a server replying and receiving in one call
 * (combined) or in two, under the "modern" costs; the client's end. */
static uint64_t rr_run(void **state, int combined, struct world *w)
{
	struct machine *m = world_machine(state, 1);

	assert_int_equal(h_costs(m, "modern"), 0);
	add(m, "server", 0, combined ? rr_server : rr_server_two, w, 1);
	add(m, "client", 0, rr_client, w, 0);
	FINISH(m, w, OUT_COMPLETED);
	assert_int_equal(m->calls, 2 + 3);     /* register, lookup, three calls */
	assert_int_equal(m->dropped, 0);
	return w->client->finish;
}

/* Each call is answered and the next request received by the same system
 * call: the same messages as with uk_reply and uk_recv, one trap fewer per
 * round trip in simulated time. */
static void test_reply_recv_loop(void **state)
{
	struct world w1 = { .bad = 0 }, w2 = { .bad = 0 };
	uint64_t one = rr_run(state, 1, &w1), trap;
	struct h_event want[] = { { 0, "req", 1 }, { 0, "got", 1001 }, { 0, "req", 2 },
				  { 0, "got", 1002 }, { 0, "req", 3 }, { 0, "got", 1003 } };

	trap = ((struct machine *)*state)->cfg.costs.trap_ns;
	h_teardown(state);
	h_setup(state);
	uint64_t two = rr_run(state, 0, &w2);

	assert_true(trap > 0);
	/* The values, in order (the times differ between the two runs). */
	for (unsigned i = 0; i < 6; i++) {
		assert_string_equal(w1.lg.ev[i].what, want[i].what);
		assert_int_equal(w1.lg.ev[i].val, want[i].val);
		assert_string_equal(w2.lg.ev[i].what, want[i].what);
		assert_int_equal(w2.lg.ev[i].val, want[i].val);
	}
	/* On the one CPU, the server's receive after each of the three replies
	 * runs before the client does (fifo): a trap each, saved. */
	assert_int_equal(two - one, 3 * trap);
}

static void rr_bad_server(struct thread *self, void *arg)
{
	struct world *w = arg;
	int32_t pn = serve_port(self, w, "rr", 16);
	int err;
	struct msg *req = uk_recv(self, pn, UK_FOREVER, &err), *got;
	int32_t rn = req ? req->reply_name : 0;

	msg_free(req);
	/* A receive right is no send-once right: nothing is received. */
	got = uk_reply_recv(self, pn, h_msg(1), pn, UK_FOREVER, &err);
	h_note(&w->lg, self, "bad right", got ? h_val(got) : -err);
	msg_free(got);
	/* Nothing to receive on: the call does nothing, not even the reply
	 * (the one below goes through the same right). */
	got = uk_reply_recv(self, rn, h_msg(5), 999, 0, &err);
	h_note(&w->lg, self, "no receive right", got ? h_val(got) : -err);
	/* The reply goes; the receive gets the message the client sent since. */
	got = uk_reply_recv(self, rn, h_msg(1007), pn, UK_FOREVER, &err);
	h_note(&w->lg, self, "then", got ? h_val(got) : -err);
	msg_free(got);
	/* A right already used: no reply, nothing received. */
	got = uk_reply_recv(self, rn, h_msg(2), pn, 0, &err);
	h_note(&w->lg, self, "used right", got ? h_val(got) : -err);
	/* A receive on a name it has no receive right for. */
	got = uk_reply_recv(self, rn, h_msg(3), 999, 0, &err);
	h_note(&w->lg, self, "bad port", got ? h_val(got) : -err);
}

static void rr_bad_client(struct thread *self, void *arg)
{
	struct world *w = arg;
	int32_t pn = find(self, w, "rr");
	struct msg *req = h_msg(7), *reply;
	int err;

	reply = uk_call(self, pn, req, UK_FOREVER, &err);
	h_note(&w->lg, self, "got", reply ? h_val(reply) : -err);
	msg_free(reply);
}

static void rr_sender(struct thread *self, void *arg)
{
	struct world *w = arg;

	h_note(&w->lg, self, "sent", send_val(self, find(self, w, "rr"), 8, UK_FOREVER));
}

/* A reply right that is not one (or one already used) fails the call with
 * UK_ENORIGHT before anything is received; a good reply followed by a
 * receive gets what was queued meanwhile. */
static void test_reply_recv_errors(void **state)
{
	struct machine *m = world_machine(state, 1);
	struct world w = { .bad = 0 };

	add(m, "server", 0, rr_bad_server, &w, 0);
	add(m, "client", 0, rr_bad_client, &w, 0);
	add(m, "sender", 0, rr_sender, &w, 0);
	FINISH(m, &w, OUT_COMPLETED);
	/* The client, woken by the reply, runs when the server has ended:
	 * its receive found a message waiting, so it did not block. */
	H_EXPECT(&w.lg, { 0, "sent", UK_OK }, { 0, "bad right", -UK_ENORIGHT },
		 { 0, "no receive right", -UK_ENORIGHT }, { 0, "then", 8 },
		 { 0, "used right", -UK_ENORIGHT }, { 0, "bad port", -UK_ENORIGHT },
		 { 0, "got", 1007 });
}

/* --- the right table under send-once rights --- */

/* Names in a process's table, made and dropped as calls and replies make
 * and drop reply rights: a new right takes the name released last, a
 * grown table hands out its new names lowest first, send-once rights to a
 * port are counted on it, and a send or receive right to a port keeps one
 * name while each send-once right gets its own. */
static void test_sonce_names(void **state)
{
	struct machine *m = *state;
	struct proc *p;
	struct port *pt;
	int32_t n;

	assert_int_equal(h_machine(m, 1, "fifo", 0, 16), 0);
	p = proc_new(m, "p", 0, NULL, NULL);
	assert_non_null(p);
	pt = port_new(m, p, 0);
	assert_non_null(pt);
	for (n = 1; n <= 10; n++)     /* past the first table of 8 */
		assert_int_equal(proc_add_sonce(p, pt, 100 + (uint64_t)n), n);
	assert_int_equal(pt->sonce_held, 10);
	assert_null(proc_right(p, 0));
	assert_null(proc_right(p, -1));
	assert_null(proc_right(p, 11));
	assert_null(proc_right(p, (int32_t)p->nrights_cap));
	assert_int_equal(proc_right(p, 4)->flow, 104);
	assert_int_equal(proc_right(p, 4)->kinds, RIGHT_SONCE);
	proc_drop_right(p, proc_right(p, 3));
	proc_drop_name(p, 7);
	assert_null(proc_right(p, 3));
	assert_null(proc_right(p, 7));
	assert_int_equal(pt->sonce_held, 8);
	assert_int_equal(proc_add_right(p, pt, RIGHT_SONCE, 200), 7);
	assert_int_equal(proc_add_sonce(p, pt, 201), 3);
	assert_int_equal(proc_add_sonce(p, pt, 202), 11);
	assert_int_equal(proc_right(p, 3)->flow, 201);
	assert_int_equal(pt->sonce_held, 11);
	/* A send right to the same port gets a name of its own, once. */
	n = proc_add_right(p, pt, RIGHT_SEND, 0);
	assert_int_equal(n, 12);
	assert_int_equal(proc_add_right(p, pt, RIGHT_RECV, 0), n);
	assert_int_equal(proc_right(p, n)->kinds, RIGHT_SEND | RIGHT_RECV);
	assert_int_equal(pt->sonce_held, 11);
	proc_drop_name(p, n);
	assert_int_equal(proc_add_sonce(p, pt, 203), n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		H_TEST(test_call_reply_round_trip),
		H_TEST(test_stale_reply_dropped),
		H_TEST(test_send_once_right),
		H_TEST(test_counters),
		H_TEST(test_dead_port_counts_dropped),
		H_TEST(test_reply_recv_loop),
		H_TEST(test_reply_recv_errors),
		H_TEST(test_sonce_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
