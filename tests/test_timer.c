/*
 * test_timer.c - unit tests for the kernel's own notices to a program:
 * timer notices (uk_timer, ktimer.c) and exit notices (uk_notify_exit).
 *
 * The one idea, as in test_ipc.c: C bodies note what they receive with
 * virtual timestamps ("zero" costs, one CPU under fifo), and the test
 * asserts the exact sequence after the run. A notice is noted as its kind
 * times 1000 plus its cookie (timers) or pid (exits), so one number tells
 * both. Runs under AddressSanitizer also check that a timer outliving its
 * port, or the run, leaves nothing dangling and nothing leaked.
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
#include "port.h"
#include "proc.h"
#include "thread.h"
#include "trace.h"
#include "uk.h"

/* What a kernel notice says, as one number: kind * 1000 + cookie or pid;
 * -1 for anything else (a message from a process). */
static int64_t notice_val(const struct msg *m, int32_t port)
{
	struct uk_timer_notice tn;
	struct uk_notice n;

	if (!m || m->sender_pid != 0 || m->size < sizeof n)
		return -1;
	memcpy(&n, m->data, sizeof n);
	if (n.kind == UK_NOTICE_TIMER && m->size == sizeof tn) {
		memcpy(&tn, m->data, sizeof tn);
		return tn.n.name == port ? 1000 * UK_NOTICE_TIMER + (int64_t)tn.cookie : -2;
	}
	if (n.kind == UK_NOTICE_EXIT && m->size == sizeof n)
		return 1000 * UK_NOTICE_EXIT + n.name;
	return -1;
}

/* Receive count messages on pn and note each (a notice as notice_val, a
 * message from a process as its value). */
static void note_messages(struct thread *self, struct world *w, int32_t pn, int count)
{
	for (int i = 0; i < count; i++) {
		int err;
		struct msg *m = uk_recv(self, pn, UK_FOREVER, &err);
		h_note(&w->lg, self, "got", !m ? -err : m->sender_pid ? h_val(m) : notice_val(m, pn));
		msg_free(m);
	}
}

/* --- timers --- */

static void waiter(struct thread *self, void *arg)
{
	struct world *w = arg;
	int32_t pn;

	if (uk_port(self, 16, &pn) != UK_OK)
		w->bad++;
	uk_sleep(self, 1 * MS);
	/* asked out of order: they come in time order, ties in the order asked */
	h_note(&w->lg, self, "set", uk_timer(self, 7 * MS, pn, 3));
	h_note(&w->lg, self, "set", uk_timer(self, 4 * MS, pn, 1));
	h_note(&w->lg, self, "set", uk_timer(self, 7 * MS, pn, 4));
	h_note(&w->lg, self, "set", uk_timer(self, 4 * MS, pn, 2));
	/* in the past: at once */
	h_note(&w->lg, self, "set", uk_timer(self, 0, pn, 5));
	note_messages(self, w, pn, 5);
}

/* A timer notice arrives at the time asked for, from the kernel (pid 0),
 * naming the port and carrying the cookie; the thread goes on meanwhile. */
static void test_timer_order(void **state)
{
	struct machine *m = world_machine(state, 1);
	struct world w = { .bad = 0 };

	add(m, "waiter", 0, waiter, &w, 0);
	FINISH(m, &w, OUT_COMPLETED);
	H_EXPECT(&w.lg, { 1 * MS, "set", UK_OK }, { 1 * MS, "set", UK_OK }, { 1 * MS, "set", UK_OK },
		 { 1 * MS, "set", UK_OK }, { 1 * MS, "set", UK_OK }, { 1 * MS, "got", 2005 },
		 { 4 * MS, "got", 2001 }, { 4 * MS, "got", 2002 }, { 7 * MS, "got", 2003 },
		 { 7 * MS, "got", 2004 });
	assert_int_equal(m->msgs, 5);
}

static void wrong_rights(struct thread *self, void *arg)
{
	struct world *w = arg;
	int32_t pn = find(self, w, "peer");

	/* a send right is not enough: the notice is for the caller's own port */
	h_note(&w->lg, self, "send right", uk_timer(self, 2 * MS, pn, 1));
	h_note(&w->lg, self, "no right", uk_timer(self, 2 * MS, 77, 1));
	h_note(&w->lg, self, "name 0", uk_timer(self, 2 * MS, 0, 1));
}

static void peer(struct thread *self, void *arg)
{
	struct world *w = arg;
	int32_t pn = serve_port(self, w, "peer", 16);

	recv_note(self, w, pn, 5 * MS, "peer");
}

/* Only a receive right of the caller's process will do. */
static void test_timer_rights(void **state)
{
	struct machine *m = world_machine(state, 1);
	struct world w = { .bad = 0 };

	add(m, "peer", 0, peer, &w, 0);
	add(m, "asker", 0, wrong_rights, &w, 0);
	FINISH(m, &w, OUT_COMPLETED);
	H_EXPECT(&w.lg, { 0, "send right", UK_ENORIGHT }, { 0, "no right", UK_ENORIGHT },
		 { 0, "name 0", UK_ENORIGHT }, { 5 * MS, "peer", -UK_ETIMEDOUT });
}

static void short_lived(struct thread *self, void *arg)
{
	struct world *w = arg;
	int32_t pn;

	if (uk_port(self, 16, &pn) != UK_OK)
		w->bad++;
	h_note(&w->lg, self, "set", uk_timer(self, 10 * MS, pn, 1));
	h_note(&w->lg, self, "set", uk_timer(self, 10 * MS, pn, 2));
	uk_sleep(self, 2 * MS);
	/* the body ends: the process and its port die with two timers pending */
}

static void bystander(struct thread *self, void *arg)
{
	struct world *w = arg;

	uk_sleep(self, 20 * MS);
	h_note(&w->lg, self, "still here", 0);
}

/* A timer whose port died before its time is discarded: no message, no
 * drop, and nothing left dangling (the port is kept until the run ends). */
static void test_timer_port_died(void **state)
{
	struct machine *m = world_machine(state, 1);
	struct world w = { .bad = 0 };

	add(m, "short", 0, short_lived, &w, 0);
	add(m, "bystander", 0, bystander, &w, 0);
	FINISH(m, &w, OUT_COMPLETED);
	H_EXPECT(&w.lg, { 0, "set", UK_OK }, { 0, "set", UK_OK }, { 20 * MS, "still here", 0 });
	assert_int_equal(m->msgs, 0);
	assert_int_equal(m->dropped, 0);
}

static void daemon_waiter(struct thread *self, void *arg)
{
	struct world *w = arg;
	int32_t pn;

	if (uk_port(self, 16, &pn) != UK_OK)
		w->bad++;
	h_note(&w->lg, self, "set", uk_timer(self, 100 * MS, pn, 1));
	note_messages(self, w, pn, 1);
}

static void brief(struct thread *self, void *arg)
{
	(void)arg;
	uk_sleep(self, 3 * MS);
}

/* A run that ends before a timer comes frees it with its port. */
static void test_timer_outlives_run(void **state)
{
	struct machine *m = world_machine(state, 1);
	struct world w = { .bad = 0 };

	add(m, "daemon", 0, daemon_waiter, &w, 1);
	add(m, "brief", 0, brief, &w, 0);
	FINISH(m, &w, OUT_COMPLETED);
	assert_int_equal(m->now, 3 * MS);
	H_EXPECT(&w.lg, { 0, "set", UK_OK });
}

static void timer_then_message(struct thread *self, void *arg)
{
	struct world *w = arg;
	int32_t pn = serve_port(self, w, "mixed", 16);

	h_note(&w->lg, self, "set", uk_timer(self, 5 * MS, pn, 9));
	note_messages(self, w, pn, 2);
}

static void sender(struct thread *self, void *arg)
{
	struct world *w = arg;
	int32_t pn = find(self, w, "mixed");

	uk_sleep(self, 2 * MS);
	h_note(&w->lg, self, "send", send_val(self, pn, 42, UK_FOREVER));
}

/* Notices and messages share the port's queue in arrival order. */
static void test_timer_among_messages(void **state)
{
	struct machine *m = world_machine(state, 1);
	struct world w = { .bad = 0 };

	add(m, "server", 0, timer_then_message, &w, 0);
	add(m, "sender", 0, sender, &w, 0);
	FINISH(m, &w, OUT_COMPLETED);
	H_EXPECT(&w.lg, { 0, "set", UK_OK }, { 2 * MS, "send", UK_OK }, { 2 * MS, "got", 42 },
		 { 5 * MS, "got", 2009 });
}

/* The trace records the request (tid, port, at, cookie); the notice itself
 * is a message sent by the kernel (tid 0). */
struct capture {
	unsigned timers, kernel_sends;
	uint64_t args[TRACE_MAX_ARGS];
};

static void capture(void *ctx, uint64_t ns, unsigned kind, const uint64_t *args, const char *s,
		    size_t len)
{
	struct capture *c = ctx;

	(void)ns, (void)s, (void)len;
	if (kind == TR_TIMER) {
		c->timers++;
		memcpy(c->args, args, 4 * sizeof *args);
	} else if (kind == TR_MSG_SEND && args[1] == 0) {
		c->kernel_sends++;
	}
}

static void one_timer(struct thread *self, void *arg)
{
	struct world *w = arg;
	int32_t pn;

	if (uk_port(self, 16, &pn) != UK_OK)
		w->bad++;
	w->name = (int32_t)proc_right(self->p, pn)->pt->id;   /* the port's id, for the trace */
	w->client = self;
	h_note(&w->lg, self, "set", uk_timer(self, 6 * MS, pn, 77));
	note_messages(self, w, pn, 1);
}

static void test_timer_traced(void **state)
{
	struct machine *m = world_machine(state, 1);
	struct world w = { .bad = 0 };
	struct capture c = { 0, 0, { 0 } };
	struct trace_sink sink = { capture, &c };

	assert_int_equal(machine_add_sink(m, &sink), 0);
	add(m, "one", 0, one_timer, &w, 0);
	FINISH(m, &w, OUT_COMPLETED);
	H_EXPECT(&w.lg, { 0, "set", UK_OK }, { 6 * MS, "got", 2077 });
	assert_int_equal(c.timers, 1);
	assert_int_equal(c.kernel_sends, 1);
	assert_int_equal(c.args[0], w.client->tid);
	assert_int_equal(c.args[1], w.name);
	assert_int_equal(c.args[2], 6 * MS);
	assert_int_equal(c.args[3], 77);
}

/* --- exit notices --- */

static void exiting(struct thread *self, void *arg)
{
	(void)arg;
	uk_sleep(self, 3 * MS);
}

static void watcher(struct thread *self, void *arg)
{
	struct world *w = arg;
	int32_t pn;

	if (uk_port(self, 16, &pn) != UK_OK)
		w->bad++;
	h_note(&w->lg, self, "watch", uk_notify_exit(self, 3, pn));
	h_note(&w->lg, self, "again", uk_notify_exit(self, 3, pn));   /* asked twice: one notice */
	h_note(&w->lg, self, "no such pid", uk_notify_exit(self, 99, pn));
	h_note(&w->lg, self, "pid 0", uk_notify_exit(self, 0, pn));
	h_note(&w->lg, self, "not a receive right", uk_notify_exit(self, 3, UK_NAME_NAMESERVER));
	note_messages(self, w, pn, 1);
	/* watching a process that has ended: the notice comes at once */
	h_note(&w->lg, self, "late", uk_notify_exit(self, 3, pn));
	note_messages(self, w, pn, 1);
	h_note(&w->lg, self, "queue", (int64_t)proc_right(self->p, pn)->pt->qlen);
}

/* When a watched process ends, the watcher gets an exit notice naming its pid. */
static void test_exit_notice(void **state)
{
	struct machine *m = world_machine(state, 1);
	struct world w = { .bad = 0 };

	add(m, "watcher", 0, watcher, &w, 0);      /* pid 2 */
	add(m, "exiting", 0, exiting, &w, 0);      /* pid 3 */
	FINISH(m, &w, OUT_COMPLETED);
	H_EXPECT(&w.lg, { 0, "watch", UK_OK }, { 0, "again", UK_OK }, { 0, "no such pid", UK_EINVAL },
		 { 0, "pid 0", UK_EINVAL }, { 0, "not a receive right", UK_ENORIGHT },
		 { 3 * MS, "got", 3003 }, { 3 * MS, "late", UK_OK }, { 3 * MS, "got", 3003 },
		 { 3 * MS, "queue", 0 });
}

static void short_watcher(struct thread *self, void *arg)
{
	struct world *w = arg;
	int32_t pn;

	if (uk_port(self, 16, &pn) != UK_OK)
		w->bad++;
	h_note(&w->lg, self, "watch", uk_notify_exit(self, 3, pn));
	uk_sleep(self, 1 * MS);
}

/* A watcher gone before the watched process ends is not told (its port is
 * dead): no message, no drop. */
static void test_exit_notice_watcher_gone(void **state)
{
	struct machine *m = world_machine(state, 1);
	struct world w = { .bad = 0 };

	add(m, "watcher", 0, short_watcher, &w, 0);   /* pid 2 */
	add(m, "exiting", 0, exiting, &w, 0);         /* pid 3 */
	FINISH(m, &w, OUT_COMPLETED);
	H_EXPECT(&w.lg, { 0, "watch", UK_OK });
	assert_int_equal(m->msgs, 0);
	assert_int_equal(m->dropped, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		H_TEST(test_timer_order),
		H_TEST(test_timer_rights),
		H_TEST(test_timer_port_died),
		H_TEST(test_timer_outlives_run),
		H_TEST(test_timer_among_messages),
		H_TEST(test_timer_traced),
		H_TEST(test_exit_notice),
		H_TEST(test_exit_notice_watcher_gone),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
