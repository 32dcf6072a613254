/*
 * test_timesrv.c - unit tests for the time server (servers/time/timesrv.c)
 * driven through the real process: C clients find it through the name
 * server and call it with requests of the RPC protocol in the wire
 * encoding, as any stub would.
 *
 * The one idea: the server answers from its own clock, not from true
 * time. Its clock here reads 3 ms ahead and gains 50 us/s, so at true time
 * t it reads t + 3 ms + floor(t / 20000); every expected value below was
 * worked out from that formula by hand, not by calling the clock code.
 * "zero" costs and one CPU under fifo: only waiting makes time pass.
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
#include "proc.h"
#include "rpc_proto.h"
#include "thread.h"
#include "time/pclock.h"
#include "time/timesrv.h"
#include "uk.h"
#include "wire.h"

#define DRIFT 50000           /* ppb: 50 us/s */
#define OFFSET (3 * MS)

/* A machine with the name server and the time server on its clock. */
static struct machine *time_machine(void **state, struct proc **ts)
{
	struct machine *m = world_machine(state, 1);

	*ts = ts_install(m, 0);
	assert_non_null(*ts);
	assert_int_equal(pclock_attach(*ts, OFFSET, DRIFT), 0);
	return m;
}

/* ---- the client's side of the protocol ---- */

static struct msg *to_msg(struct wbuf *w)
{
	struct msg *m = msg_new((uint32_t)w->len);

	if (m) {
		memcpy(m->data, w->p, w->len);
		m->nvalues = w->values;
		m->nnums = w->numbers;
	}
	wbuf_free(w);
	return m;
}

/* The header of a request for method, then an array of nargs arguments. */
static void header(struct wbuf *w, int64_t id, int32_t method, int32_t proto, uint32_t nargs)
{
	wbuf_init(w, WIRE_LITTLE);
	wire_put_i32(w, RPC_REQUEST);
	wire_put_i64(w, id);
	wire_put_string(w, "time", 4);
	wire_put_i32(w, method);
	wire_put_i32(w, proto);
	wire_put_array(w, nargs);
}

/* A request with nargs integer arguments. */
static struct msg *request(int64_t id, int32_t method, int32_t proto, uint32_t nargs,
			   int64_t arg)
{
	struct wbuf w;

	header(&w, id, method, proto, nargs);
	for (uint32_t i = 0; i < nargs; i++)
		wire_put_i64(&w, arg);
	return to_msg(&w);
}

/* The reply m to request id: its status, and its first result in *val
 * when that is an integer. -1 when m is not that reply. */
static int32_t answer(const struct msg *m, int64_t id, int64_t *val)
{
	struct wreader r;
	int32_t status;

	*val = -1;
	if (!m)
		return -1;
	wreader_init(&r, m->data, m->size, WIRE_LITTLE);
	if (wire_get_i32(&r) != RPC_REPLY || wire_get_i64(&r) != id)
		return -1;
	status = wire_get_i32(&r);
	if (wire_get_array(&r) >= 1 && (wire_peek(&r) == WT_I32 || wire_peek(&r) == WT_I64))
		*val = wire_get_i64(&r);
	return r.err ? -1 : status;
}

/* Call the server with req; note the integer result under what, or the
 * status (negated, below -100) when it is not RPC_OK. */
static void call_ts(struct thread *self, struct world *w, int32_t pn, struct msg *req, int64_t id,
		    const char *what)
{
	int err;
	struct msg *reply = uk_call(self, pn, req, UK_FOREVER, &err);
	int64_t val;
	int32_t status = answer(reply, id, &val);

	h_note(&w->lg, self, what, reply ? (status == RPC_OK ? val : -100 - status) : -err);
	msg_free(reply);
}

/* ---- the methods ---- */

static void time_at_1ms(struct thread *self, void *arg)
{
	struct world *w = arg;

	call_ts(self, w, find(self, w, TS_SERVICE), request(1, TS_TIME, RPC_RR, 0, 0), 1, "Time");
}

static void sleeper(struct thread *self, void *arg)
{
	struct world *w = arg;

	call_ts(self, w, find(self, w, TS_SERVICE), request(1, TS_SLEEP, RPC_RR, 1, 5 * MS), 1,
		"Sleep");
}

/* Time reads the server's clock when the request is handled; a sleep of
 * 5 ms of the server's clock, asked at 1 ms (reading 4000050), ends when
 * it reads 9000050, at true time 5999751, and meanwhile another client's
 * Time is answered at once: the sleeping request has a thread of its own. */
static void test_time_and_sleep(void **state)
{
	struct proc *ts;
	struct machine *m = time_machine(state, &ts);
	struct world w = { .bad = 0 };

	add(m, "sleeper", 1 * MS, sleeper, &w, 0);
	add(m, "asker", 2 * MS, time_at_1ms, &w, 0);
	FINISH(m, &w, OUT_COMPLETED);
	H_EXPECT(&w.lg, { 2 * MS, "Time", 5000100 }, { 5999751, "Sleep", 9000050 });
	assert_int_equal(ts->nthreads, 2);   /* the main thread and one waiter */
}

static void alarms(struct thread *self, void *arg)
{
	struct world *w = arg;
	int32_t pn = find(self, w, TS_SERVICE);

	call_ts(self, w, pn, request(1, TS_ALARM, RPC_RR, 1, 10 * MS), 1, "Alarm");
	call_ts(self, w, pn, request(2, TS_ALARM, RPC_RR, 1, 1000), 2, "past");
	call_ts(self, w, pn, request(3, TS_SLEEP, RPC_RR, 1, 0), 3, "Sleep 0");
}

/* An alarm for the server's reading 10 ms fires at the first true ns its
 * clock reads that (6999651: 3 ms ahead, 349 ns gained); an alarm in the
 * past and a sleep of 0 are answered at once. */
static void test_alarm(void **state)
{
	struct proc *ts;
	struct machine *m = time_machine(state, &ts);
	struct world w = { .bad = 0 };

	add(m, "client", 1 * MS, alarms, &w, 0);
	FINISH(m, &w, OUT_COMPLETED);
	H_EXPECT(&w.lg, { 6999651, "Alarm", 10000000 }, { 6999651, "past", 10000000 },
		 { 6999651, "Sleep 0", 10000000 });
}

/* Without a clock of its own the server reads true time. */
static void test_perfect_clock(void **state)
{
	struct machine *m = world_machine(state, 1);
	struct world w = { .bad = 0 };

	assert_non_null(ts_install(m, 0));
	add(m, "client", 1 * MS, alarms, &w, 0);
	FINISH(m, &w, OUT_COMPLETED);
	H_EXPECT(&w.lg, { 10 * MS, "Alarm", 10 * MS }, { 10 * MS, "past", 10 * MS },
		 { 10 * MS, "Sleep 0", 10 * MS });
}

/* ---- the interface and bad requests ---- */

static void interface(struct thread *self, void *arg)
{
	static const char *const want[] = { "Alarm", "Sleep", "Time", "maybe", "RR" };
	struct world *w = arg;
	int err;
	struct msg *reply = uk_call(self, find(self, w, TS_SERVICE),
				    request(7, RPC_METHOD_INTERFACE, RPC_RR, 0, 0), UK_FOREVER, &err);
	struct wreader r;
	int same = 0;

	wreader_init(&r, reply ? reply->data : NULL, reply ? reply->size : 0, WIRE_LITTLE);
	wire_get_i32(&r);
	wire_get_i64(&r);
	h_note(&w->lg, self, "status", wire_get_i32(&r));
	h_note(&w->lg, self, "results", wire_get_array(&r));
	h_note(&w->lg, self, "methods", wire_get_array(&r));
	for (int i = 0; i < 5; i++) {
		size_t len;
		const char *s = wire_get_string(&r, &len);
		same += s && len == strlen(want[i]) && memcmp(s, want[i], len) == 0;
	}
	h_note(&w->lg, self, "names as expected", same);
	h_note(&w->lg, self, "nothing after", r.pos == r.len && !r.err);
	msg_free(reply);
}

/* Method 0 gives the interface an rpc.bind expects: the method names in
 * id order, the semantics and the protocol clients should use. */
static void test_interface(void **state)
{
	struct proc *ts;
	struct machine *m = time_machine(state, &ts);
	struct world w = { .bad = 0 };

	add(m, "client", 1 * MS, interface, &w, 0);
	FINISH(m, &w, OUT_COMPLETED);
	H_EXPECT(&w.lg, { MS, "status", RPC_OK }, { MS, "results", 3 }, { MS, "methods", 3 },
		 { MS, "names as expected", 5 }, { MS, "nothing after", 1 });
}

static void bad_requests(struct thread *self, void *arg)
{
	struct world *w = arg;
	int32_t pn = find(self, w, TS_SERVICE);
	struct msg *garbage = msg_new(3);
	struct wbuf b;

	call_ts(self, w, pn, request(1, 9, RPC_RR, 0, 0), 1, "method 9");
	call_ts(self, w, pn, request(2, TS_SLEEP, RPC_RR, 1, -1), 2, "Sleep -1");
	call_ts(self, w, pn, request(3, TS_SLEEP, RPC_RR, 0, 0), 3, "Sleep()");
	call_ts(self, w, pn, request(4, TS_ALARM, RPC_RR, 2, 5), 4, "Alarm(5, 5)");
	call_ts(self, w, pn, request(5, TS_TIME, RPC_RR, 1, 5), 5, "Time(5)");
	header(&b, 6, TS_SLEEP, RPC_RR, 1);
	wire_put_string(&b, "5ms", 3);
	call_ts(self, w, pn, to_msg(&b), 6, "Sleep('5ms')");
	memcpy(garbage->data, "\x03\x00\x00", 3);
	call_ts(self, w, pn, garbage, 0, "garbage");
	call_ts(self, w, pn, request(8, TS_TIME, RPC_RR, 0, 0), 8, "Time");
}

/* Each mistake gets its status (shown as -100 - status), and the server
 * goes on serving. */
static void test_bad_requests(void **state)
{
	struct proc *ts;
	struct machine *m = time_machine(state, &ts);
	struct world w = { .bad = 0 };

	add(m, "client", 1 * MS, bad_requests, &w, 0);
	FINISH(m, &w, OUT_COMPLETED);
	H_EXPECT(&w.lg, { MS, "method 9", -100 - RPC_ENOMETHOD },
		 { MS, "Sleep -1", -100 - RPC_EARGS }, { MS, "Sleep()", -100 - RPC_EARGS },
		 { MS, "Alarm(5, 5)", -100 - RPC_EARGS }, { MS, "Time(5)", -100 - RPC_EARGS },
		 { MS, "Sleep('5ms')", -100 - RPC_EARGS }, { MS, "garbage", -100 - RPC_EMALFORMED },
		 { MS, "Time", 4000050 });
}

/* ---- asynchronous and R requests ---- */

static void async_client(struct thread *self, void *arg)
{
	struct world *w = arg;
	int32_t pn = find(self, w, TS_SERVICE), back = 0;
	struct msg *req, *rep;
	int64_t val;
	int err;

	uk_port(self, UK_FOREVER, &back);
	/* R: no reply right, no reply port: nothing comes back */
	h_note(&w->lg, self, "R sent", uk_send(self, pn, request(1, TS_TIME, RPC_R, 0, 0),
						 UK_FOREVER));
	/* asynchronous: the reply is sent to the port the request carries */
	req = request(2, TS_SLEEP, RPC_RR, 1, 1 * MS);
	req->nrights = 1;
	req->names[0] = back;
	h_note(&w->lg, self, "async sent", uk_send(self, pn, req, UK_FOREVER));
	rep = uk_recv(self, back, UK_FOREVER, &err);
	h_note(&w->lg, self, "async status", answer(rep, 2, &val));
	h_note(&w->lg, self, "async value", val);
	msg_free(rep);
	rep = uk_recv(self, back, 0, &err);
	h_note(&w->lg, self, "nothing else", rep ? 0 : err);
	msg_free(rep);
}

/* An R request is served without an answer; an asynchronous one is
 * answered on the port it carried, once the sleep is over: the server's
 * clock reads 4000050 + 1 ms = 5000050 first at true time 1999951. */
static void test_async_and_r(void **state)
{
	struct proc *ts;
	struct machine *m = time_machine(state, &ts);
	struct world w = { .bad = 0 };

	add(m, "client", 1 * MS, async_client, &w, 0);
	FINISH(m, &w, OUT_COMPLETED);
	H_EXPECT(&w.lg, { MS, "R sent", UK_OK }, { MS, "async sent", UK_OK },
		 { 1999951, "async status", RPC_OK }, { 1999951, "async value", 5000050 },
		 { 1999951, "nothing else", UK_ETIMEDOUT });
}

/* ---- crash and respawn ---- */

static struct proc *victim;

static void crasher(struct thread *self, void *arg)
{
	(void)self, (void)arg;
	/* Stands in for fault { crash = "time" }: the kernel ends the process. */
	proc_exit(victim, 1, 0);
}

/* A crash ends the waiting threads with the process: the sleeper's call
 * fails with a dead port, and no wait is leaked (the sanitizer build
 * checks). */
static void test_crash_ends_waits(void **state)
{
	struct machine *m = time_machine(state, &victim);
	struct world w = { .bad = 0 };

	add(m, "sleeper", 1 * MS, sleeper, &w, 0);
	add(m, "crasher", 2 * MS, crasher, &w, 0);
	FINISH(m, &w, OUT_COMPLETED);
	H_EXPECT(&w.lg, { 2 * MS, "Sleep", -UK_EDEADPORT });
	assert_int_equal(victim->state, P_EXITED);
}

/* A respawn declares the same program, a daemon, restartable again, on a
 * copy of the clock: the node's clock ran on through the crash. */
static void test_respawn(void **state)
{
	struct proc *ts;
	struct machine *m = time_machine(state, &ts);
	struct proc *p;

	assert_non_null(ts->respawn);
	assert_int_equal(pclock_step(ts, 0, 1000, 7), 0);
	p = ts->respawn(ts);
	assert_non_null(p);
	assert_string_equal(p->name, TS_SERVICE);
	assert_int_equal(p->state, P_NEW);
	assert_true(p->daemon);
	assert_ptr_equal(p->respawn, ts->respawn);
	assert_non_null(p->clock);
	assert_ptr_not_equal(p->clock, ts->clock);
	assert_int_equal(pclock_read(p, 20000), 20000 + OFFSET + 1000 + 1);
	assert_int_equal(p->clock->syncs, 1);
	(void)m;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		H_TEST(test_time_and_sleep), H_TEST(test_alarm),       H_TEST(test_perfect_clock),
		H_TEST(test_interface),      H_TEST(test_bad_requests), H_TEST(test_async_and_r),
		H_TEST(test_crash_ends_waits), H_TEST(test_respawn),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
