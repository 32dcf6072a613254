/*
 * timesrv.c - the time server of timesrv.h, in the pattern of the name
 * server: receive a request, decode it, dispatch on its method through a
 * table of do_<method> handlers that check then act, reply.
 *
 * The one idea: the server's time is its own clock's reading (uk_clock),
 * never true time; a sleep or an alarm is a wait for that clock, turned
 * into true time by the clock's inverse (uk_clock_until), in a thread of
 * its own that replies when it wakes. The request is answered later, as
 * MINIX servers answer the calls they do not reply to at once.
 */
#include "time/timesrv.h"

#include <stdlib.h>
#include <string.h>

#include "body_c.h"
#include "machine.h"
#include "msg.h"
#include "proc.h"
#include "rpc_proto.h"
#include "thread.h"
#include "time/pclock.h"
#include "uk.h"
#include "wire.h"

/* Where the answer to a request goes. */
struct ts_to {
	int64_t id;           /* the request id */
	int32_t reply;        /* the send-once right of a call, or 0 */
	int32_t port;         /* an asynchronous request's reply port, or 0 */
};

/* A request, decoded. */
struct ts_req {
	struct ts_to to;
	int32_t method;
	uint32_t nargs;
	int arg_ok;           /* the first argument is an integer, in arg */
	int64_t arg;
};

/* A sleep or alarm waiting in its thread; freed by it, or with the server. */
struct ts_wait {
	struct ts_wait *next, *prev;
	struct ts_state *s;
	struct ts_to to;
	uint64_t at;          /* the server's clock reading to wake at, ns */
};

struct ts_state {
	int32_t port;         /* the service port (receive right) */
	struct ts_wait *waits;
};

static const char *const method_names[TS_NMETHODS] = {
	[TS_ALARM] = "Alarm", [TS_SLEEP] = "Sleep", [TS_TIME] = "Time",
};

/* ---- replies ---- */

static enum wire_order order_of(struct thread *self)
{
	return self->p->big_endian ? WIRE_BIG : WIRE_LITTLE;
}

/* Start a reply to id with status: the header, then the results array of n. */
static void reply_begin(struct thread *self, struct wbuf *w, int64_t id, int32_t status,
			uint32_t n)
{
	wbuf_init(w, order_of(self));
	wire_put_i32(w, RPC_REPLY);
	wire_put_i64(w, id);
	wire_put_i32(w, status);
	wire_put_array(w, n);
}

/* Send the reply in w where to says (nowhere for the R protocol); w is
 * freed first: the send may block, and a run that ends meanwhile never
 * comes back to this stack to free it. */
static void reply_send(struct thread *self, const struct ts_to *to, struct wbuf *w)
{
	struct msg *m = w->err ? NULL : msg_new((uint32_t)w->len);

	if (m) {
		memcpy(m->data, w->p, w->len);
		m->nvalues = w->values;
		m->nnums = w->numbers;
	}
	wbuf_free(w);
	if (!m)
		return;
	if (to->reply)
		uk_reply(self, to->reply, m);
	else if (to->port)
		uk_send(self, to->port, m, UK_FOREVER);
	else
		msg_free(m);
}

/* Answer with the one integer v. */
static void reply_reading(struct thread *self, const struct ts_to *to, uint64_t v)
{
	struct wbuf w;

	reply_begin(self, &w, to->id, RPC_OK, 1);
	wire_put_i64(&w, v > INT64_MAX ? INT64_MAX : (int64_t)v);
	reply_send(self, to, &w);
}

/* Answer with status and the reason why. */
static void reply_error(struct thread *self, const struct ts_to *to, int32_t status,
			const char *why)
{
	struct wbuf w;

	reply_begin(self, &w, to->id, status, 1);
	wire_put_string(&w, why, strlen(why));
	reply_send(self, to, &w);
}

/* ---- sleeps and alarms ---- */

static void unlink_wait(struct ts_wait *w)
{
	if (w->prev)
		w->prev->next = w->next;
	else
		w->s->waits = w->next;
	if (w->next)
		w->next->prev = w->prev;
}

/* A waiting request's thread: sleep until the server's clock reads w->at
 * (again, should it wake early), then reply with the reading. */
static void waiter(struct thread *self, void *arg)
{
	struct ts_wait *w = arg;
	uint64_t ns;

	while ((ns = uk_clock_until(self, w->at)) > 0 && ns != UK_FOREVER)
		uk_sleep(self, ns);
	reply_reading(self, &w->to, uk_clock(self));
	unlink_wait(w);
	free(w);
}

/* Answer rq when the server's clock reads at: now if it already does, else
 * from a thread of its own. */
static void wait_until(struct thread *self, struct ts_state *s, const struct ts_req *rq,
		       uint64_t at)
{
	struct ts_wait *w;
	uint64_t ns = uk_clock_until(self, at);
	uint32_t tid;

	if (ns == 0) {
		reply_reading(self, &rq->to, uk_clock(self));
		return;
	}
	if (ns == UK_FOREVER) {
		reply_error(self, &rq->to, RPC_EARGS,
			    "the server's clock will not read that before virtual time ends");
		return;
	}
	w = calloc(1, sizeof *w);
	if (!w) {
		reply_error(self, &rq->to, RPC_EHANDLER, "time server: out of memory");
		return;
	}
	w->s = s;
	w->to = rq->to;
	w->at = at;
	w->next = s->waits;
	if (s->waits)
		s->waits->prev = w;
	s->waits = w;
	if (uk_spawn(self, waiter, w, &tid) != UK_OK) {
		unlink_wait(w);
		free(w);
		reply_error(self, &rq->to, RPC_EHANDLER, "time server: out of memory");
	}
}

/* ---- the methods ---- */

static void do_interface(struct thread *self, struct ts_state *s, const struct ts_req *rq)
{
	struct wbuf w;

	(void)s;
	reply_begin(self, &w, rq->to.id, RPC_OK, 3);
	wire_put_array(&w, TS_NMETHODS - 1);
	for (int i = 1; i < TS_NMETHODS; i++)
		wire_put_string(&w, method_names[i], strlen(method_names[i]));
	wire_put_string(&w, "maybe", 5);
	wire_put_string(&w, "RR", 2);
	reply_send(self, &rq->to, &w);
}

static void do_time(struct thread *self, struct ts_state *s, const struct ts_req *rq)
{
	(void)s;
	if (rq->nargs != 0)
		reply_error(self, &rq->to, RPC_EARGS, "Time takes no arguments");
	else
		reply_reading(self, &rq->to, uk_clock(self));
}

static void do_sleep(struct thread *self, struct ts_state *s, const struct ts_req *rq)
{
	uint64_t now = uk_clock(self);

	if (rq->nargs != 1 || !rq->arg_ok || rq->arg < 0)
		reply_error(self, &rq->to, RPC_EARGS,
			    "Sleep takes one integer: the ns to sleep on the server's clock, at least 0");
	else
		wait_until(self, s, rq,
			   now > UINT64_MAX - (uint64_t)rq->arg ? UINT64_MAX : now + (uint64_t)rq->arg);
}

static void do_alarm(struct thread *self, struct ts_state *s, const struct ts_req *rq)
{
	if (rq->nargs != 1 || !rq->arg_ok || rq->arg < 0)
		reply_error(self, &rq->to, RPC_EARGS,
			    "Alarm takes one integer: the server's clock reading to wake at, in ns, "
			    "at least 0");
	else
		wait_until(self, s, rq, (uint64_t)rq->arg);
}

typedef void (*ts_handler)(struct thread *self, struct ts_state *s, const struct ts_req *rq);

static const ts_handler handlers[TS_NMETHODS] = {
	[RPC_METHOD_INTERFACE] = do_interface,
	[TS_ALARM] = do_alarm,
	[TS_SLEEP] = do_sleep,
	[TS_TIME] = do_time,
};

/* ---- the loop ---- */

/* Decode the request in m into rq. Returns 0, or -1 with the reason. */
static int decode(struct thread *self, const struct msg *m, struct ts_req *rq, const char **why)
{
	struct wreader r;
	int64_t n;
	size_t len;

	wreader_init(&r, m->data, m->size, order_of(self));
	if (wire_get_i32(&r) != RPC_REQUEST && !r.err)
		r.err = "not a request of the RPC protocol";
	rq->to.id = wire_get_i64(&r);
	wire_get_string(&r, &len);
	rq->method = wire_get_i32(&r);
	wire_get_i32(&r);   /* the protocol: an R request comes with nowhere to reply to */
	n = wire_get_array(&r);
	rq->nargs = n > 0 ? (uint32_t)n : 0;
	for (int64_t i = 0; i < n && !r.err; i++) {
		int tag = wire_peek(&r);
		if (i == 0 && (tag == WT_I32 || tag == WT_I64)) {
			rq->arg = wire_get_i64(&r);
			rq->arg_ok = 1;
		} else {
			wire_skip(&r);
		}
	}
	*why = r.err;
	return r.err ? -1 : 0;
}

static void serve(struct thread *self, struct ts_state *s, const struct msg *m)
{
	struct ts_req rq;
	const char *why;

	memset(&rq, 0, sizeof rq);
	rq.to.reply = m->reply_name;
	rq.to.port = !m->reply_name && m->nrights == 1 ? m->names[0] : 0;
	if (decode(self, m, &rq, &why) != 0) {
		char text[96];
		strcpy(text, "malformed request: ");
		strncat(text, why, sizeof text - strlen(text) - 1);
		reply_error(self, &rq.to, RPC_EMALFORMED, text);
	} else if (rq.method < 0 || rq.method >= TS_NMETHODS) {
		reply_error(self, &rq.to, RPC_ENOMETHOD, "no such method of the time server");
	} else {
		if (rq.method != RPC_METHOD_INTERFACE)
			uk_rpc_executed(self, TS_SERVICE, method_names[rq.method]);
		handlers[rq.method](self, s, &rq);
	}
}

static void ts_main(struct thread *self, void *arg)
{
	struct ts_state *s = arg;
	int err = uk_port(self, UK_FOREVER, &s->port);

	if (err == UK_OK)
		err = uk_register(self, TS_SERVICE, s->port);
	if (err != UK_OK) {
		uk_log(self, "time server: cannot register '%s': %s", TS_SERVICE, uk_strerror(err));
		return;
	}
	for (;;) {
		struct msg *m = uk_recv(self, s->port, UK_FOREVER, &err);
		if (!m)
			continue;
		if (m->sender_pid != 0)
			serve(self, s, m);
		msg_free(m);
	}
}

static void ts_free(void *arg)
{
	struct ts_state *s = arg;

	while (s->waits) {
		struct ts_wait *w = s->waits;
		s->waits = w->next;
		free(w);
	}
	free(s);
}

static struct proc *ts_respawn(struct proc *old)
{
	struct proc *p = ts_install(old->m, old->m->now);

	if (p && pclock_copy(p, old) != 0)
		return NULL;    /* p stays declared and unstarted; the machine frees it */
	return p;
}

struct proc *ts_install(struct machine *m, uint64_t start_ns)
{
	struct ts_state *s = calloc(1, sizeof *s);
	void *body = s ? body_c_new(m, ts_main, s) : NULL;
	struct proc *p;

	if (!body) {
		free(s);
		return NULL;
	}
	p = proc_new(m, TS_SERVICE, start_ns, &body_c_ops, body);
	if (!p) {
		body_c_ops.destroy(&(struct thread){ .body_data = body, .m = m });
		free(s);
		return NULL;
	}
	p->udata = s;
	p->udata_free = ts_free;
	p->daemon = 1;
	p->respawn = ts_respawn;
	return p;
}
