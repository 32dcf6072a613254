/*
 * ipc.c - the message-passing rules (see ipc.h), in the style of MINIX's
 * mini_send/mini_receive: hand the message to a waiting receiver, else
 * queue it, else block the sender on the port.
 */
#include "ipc.h"

#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "deadlock.h"
#include "fault.h"
#include "machine.h"
#include "migrate.h"
#include "msg.h"
#include "net.h"
#include "port.h"
#include "proc.h"
#include "syscall.h"
#include "thread.h"
#include "uk_err.h"
#include "vm.h"
#include "vmsys.h"

/* A message that will never be delivered. */
static void m_dropped(struct machine *m)
{
	m->dropped++;
}

/* The work receiving thread rt does before its body sees the message: the
 * kernel copies it out and maps its out-of-line pages, the stubs unmarshal
 * it (converting the numbers of an RPC message to a little-endian
 * receiver's order). */
static inline uint64_t copy_out(const struct thread *rt, const struct msg *msg)
{
	const struct costs *c = machine_costs_for(rt->m, rt->p);
	uint64_t swaps = rt->p->big_endian ? 0 : msg->nnums;

	return cost_copy(c->copy_kernel_ps, msg->size) + cost_copy(c->copy_stub_ps, msg->size) +
	       c->marshal_arg_ns * msg->nvalues + c->byteswap_ns * swaps +
	       c->page_map_ns * msg->ool_pages;
}

/* Give msg to rt: its rights become names in rt's process. */
static void deliver(struct thread *rt, struct port *pt, struct msg *msg)
{
	struct machine *m = rt->m;
	struct proc *p = rt->p;

	for (unsigned i = 0; i < msg->nrights; i++)
		msg->names[i] = proc_add_right(p, msg->rights[i],
					       msg->rights[i]->seg ? RIGHT_MAP : RIGHT_SEND, 0);
	if (msg->reply) {
		msg->reply_name = proc_add_sonce(p, msg->reply,
						 msg->sonce_flow ? msg->sonce_flow : msg->flow);
		msg->reply = NULL;
	}
	if (msg->npackets && msg->nnums && !p->big_endian)
		net_convert(m, msg->flow, p->node, msg->nnums, 2);
	rt->sc.m = msg;
	rt->rx_sent_ns = msg->sent_ns;
	thread_actor(rt)->msgs_recv++;
	TRACE(m, TR_MSG_DELIVER, msg->flow, rt->tid, pt->id);
	if (msg->ool || msg->ool_len)
		vmsys_ool_give(rt, msg);
}

/* The sender s, SEND-blocked, had its message taken. A caller goes on
 * waiting, now for the reply. */
static void accepted(struct thread *s)
{
	s->sc.m = NULL;
	if (s->sc.op == SYS_CALL) {
		s->wport = s->reply_port;
		thread_set_state(s, T_BLOCKED, R_REPLY);
	} else {
		thread_wake(s, UK_OK, 0);
	}
}

static void enqueue(struct port *pt, struct msg *msg)
{
	msg->next = NULL;
	if (pt->qtail)
		pt->qtail->next = msg;
	else
		pt->qhead = msg;
	pt->qtail = msg;
	pt->qlen++;
	TRACE(pt->m, TR_MSG_ENQUEUE, msg->flow, pt->id, pt->qlen);
}

static struct msg *dequeue(struct port *pt)
{
	struct msg *msg = pt->qhead;

	pt->qhead = msg->next;
	if (!pt->qhead)
		pt->qtail = NULL;
	pt->qlen--;
	return msg;
}

/* Resolve the rights msg carries from the sender's names. */
static inline int take_rights(struct proc *p, struct msg *msg)
{
	for (unsigned i = 0; i < msg->nrights; i++) {
		struct right *r = proc_right(p, msg->names[i]);
		if (!r || !(r->kinds & (RIGHT_RECV | RIGHT_SEND | RIGHT_MAP)))
			return UK_ENORIGHT;
		msg->rights[i] = r->pt;
	}
	return UK_OK;
}

static inline void stamp(struct thread *t, struct port *pt, struct msg *msg, uint8_t kind)
{
	struct machine *m = t->m;

	msg->flow = ++m->next_flow;
	msg->sent_ns = t->sc.issued;
	msg->sender_pid = t->p->pid;
	msg->sender_tid = t->tid;
	msg->kind = kind;
	msg->npackets = 0;        /* a message received from another node, sent on */
	m->msgs++;
	m->msg_bytes += msg->size;
	thread_actor(t)->msgs_sent++;
	TRACE(m, TR_MSG_SEND, msg->flow, t->tid, pt->id, msg->size, kind, msg->reply_to);
}

/* Fail t's send of its message with err; the body continues. */
static void fail(struct thread *t, int err)
{
	msg_free(t->sc.m);
	t->sc.m = NULL;
	t->sc.err = (int16_t)err;
}

/* The network lost msg (an injected fault): nobody is told, a caller goes
 * on waiting for a reply that will not come. */
static void lose(struct machine *m, struct port *pt, struct msg *msg)
{
	TRACE(m, TR_MSG_DROP, msg->flow, pt->id, 4);
	m_dropped(m);
	msg->reply = NULL;
	msg_free(msg);
}

/* The network delivers msg twice (an injected fault): a copy with a flow
 * of its own, whose reply right answers the same call. NULL without memory. */
static struct msg *duplicate(struct thread *t, struct port *pt, const struct msg *msg)
{
	struct machine *m = t->m;
	struct msg *d = msg_new(msg->size);

	if (!d)
		return NULL;
	if (msg->ool && !(d->ool = vm_ool_dup(msg->ool))) {
		msg_free(d);
		return NULL;
	}
	d->ool_addr = msg->ool_addr;
	d->ool_len = msg->ool_len;
	d->ool_pages = msg->ool_pages;
	memcpy(d->data, msg->data, msg->size);
	d->nvalues = msg->nvalues;
	d->nnums = msg->nnums;
	d->nrights = msg->nrights;
	memcpy(d->rights, msg->rights, sizeof d->rights);
	d->reply = msg->reply;
	d->sonce_flow = msg->sonce_flow ? msg->sonce_flow : msg->flow;
	d->reply_to = msg->reply_to;
	d->flow = ++m->next_flow;
	d->sent_ns = msg->sent_ns;
	d->sender_pid = msg->sender_pid;
	d->sender_tid = msg->sender_tid;
	d->kind = msg->kind;
	m->msgs++;
	m->msg_bytes += d->size;
	m->duplicated++;
	TRACE(m, TR_MSG_SEND, d->flow, t->tid, pt->id, d->size, d->kind, d->reply_to);
	if (d->ool)                /* the copy holds the same pages: say so for its flow */
		vmsys_ool_sent(t, d);
	return d;
}

/* Hand the copy d to a waiting receiver, or queue it even past the limit:
 * a copy made by the network blocks nobody. */
static void post_copy(struct port *pt, struct msg *d)
{
	struct thread *rt = tq_pop(&pt->recvq);

	if (rt) {
		deliver(rt, pt, d);
		thread_wake(rt, UK_OK, copy_out(rt, d));
		return;
	}
	enqueue(pt, d);
}

/* The thread whose call msg, on its way to pt, concerns: the caller, for
 * a request carrying its reply right or for a reply; else NULL. */
static struct thread *awaiting(const struct msg *msg, const struct port *pt)
{
	const struct port *rp = msg->kind == MSG_REPLY ? pt : msg->reply;

	return rp ? rp->reply_of : NULL;
}

/* An injected fault holds msg in flight on its way to pt for delay ns; it
 * reaches ipc_arrive then. The caller waiting for it counts it, so that
 * deadlock detection knows something is on its way. */
static void hold(struct machine *m, struct port *pt, struct msg *msg, uint64_t delay)
{
	struct thread *w = awaiting(msg, pt);

	msg->dest = pt;
	if (w) {
		w->inflight++;
		deadlock_touch(w);
	}
	m->delayed++;
	TRACE(m, TR_MSG_DELAY, msg->flow, pt->id, delay);
	machine_deliver_at(m, delay > UINT64_MAX - m->now ? UINT64_MAX : m->now + delay, msg);
}

/* Several machines: msg from process from goes to pt, received on
 * another node, over their link, leaving after delay ns (an injected
 * fault's). Its caller counts it in flight as for hold. Returns UK_OK, or
 * UK_ENOROUTE when no link joins the two nodes (msg untouched). */
static int travel(struct machine *m, struct proc *from, struct port *pt, struct msg *msg,
		  uint64_t delay)
{
	struct thread *w = awaiting(msg, pt);

	if (!net_reachable(m, from->node, pt->owner->node))
		return UK_ENOROUTE;
	msg->dest = pt;
	if (w) {
		w->inflight++;
		deadlock_touch(w);
	}
	if (msg->nnums && !from->big_endian)
		net_convert(m, msg->flow, from->node, msg->nnums, 1);
	net_send(m, from->node, pt->owner->node, msg, delay);
	return UK_OK;
}

/* Is msg from process from to pt remote (pt received on another node)? */
static int remote(const struct machine *m, const struct proc *from, const struct port *pt)
{
	return m->net && !pt->dead && net_remote(m, from, pt->owner);
}

/* msg, in flight, has arrived or is lost: it names its port no more, and
 * the thread that waited for it to land may now be waiting for good (the
 * deadlock check looks again). Returns the port it was sent to. */
static struct port *landed(struct machine *m, struct msg *msg)
{
	struct port *pt = msg->dest;
	struct thread *w = awaiting(msg, pt);

	msg->dest = NULL;
	if (w && w->inflight && --w->inflight == 0) {
		deadlock_touch(w);
		m->dl_dirty += 2;
		m->dl_last = NULL;
	}
	return pt;
}

void ipc_lost(struct machine *m, struct msg *msg)
{
	struct port *pt = landed(m, msg);

	lose(m, pt, msg);
}

/* Post msg from t to pt through the faults declared, if any. */
static int post_faulty(struct thread *t, struct port *pt, struct msg *msg);

/*
 * Post msg from t to pt. Returns 1 when t must wait SEND-blocked (the
 * message stays in t->sc.m), 0 when the message left t's hands.
 */
static int post(struct thread *t, struct port *pt, struct msg *msg)
{
	struct thread *rt = tq_pop(&pt->recvq);

	if (rt) {
		deliver(rt, pt, msg);
		thread_wake(rt, UK_OK, copy_out(rt, msg));
		return 0;
	}
	if (pt->qlen < pt->qlimit) {
		enqueue(pt, msg);
		return 0;
	}
	t->sc.m = msg;
	t->wport = pt;
	tq_push(&pt->sendq, t);
	return 1;
}

/* Common front of send and call: check the right, stamp, and post. Returns
 * -1 when the send failed (t->sc.err set), else post()'s result. */
static int send_front(struct thread *t, uint8_t kind)
{
	struct msg *msg = t->sc.m;
	struct right *r = proc_right(t->p, t->sc.name);
	struct port *pt;
	int err;

	if (!r || !(r->kinds & (RIGHT_RECV | RIGHT_SEND))) {
		fail(t, UK_ENORIGHT);
		return -1;
	}
	pt = r->pt;
	err = take_rights(t->p, msg);
	if (!err && msg->ool_len)
		err = vmsys_ool_take(t, msg);
	if (err) {
		fail(t, err);
		return -1;
	}
	if (kind == MSG_CALL) {
		if (!t->reply_port) {
			t->reply_port = port_new(t->m, t->p, 0);
			if (!t->reply_port) {
				fail(t, UK_ENOMEM);
				return -1;
			}
			t->reply_port->reply_of = t;
		}
		msg->reply = t->reply_port;
	}
	if (remote(t->m, t->p, pt) && !net_reachable(t->m, t->p->node, pt->owner->node)) {
		msg->reply = NULL;
		fail(t, UK_ENOROUTE);
		return -1;
	}
	stamp(t, pt, msg, kind);
	if (msg->ool)
		vmsys_ool_sent(t, msg);
	if (pt->dead) {
		TRACE(t->m, TR_MSG_DROP, msg->flow, pt->id, 1);
		m_dropped(t->m);
		msg->reply = NULL;
		fail(t, UK_EDEADPORT);
		return -1;
	}
	t->sc.m = NULL;
	t->sc.err = UK_OK;
	if (kind == MSG_CALL) {
		t->call_flow = msg->flow;
		t->call_port = pt;
		t->m->calls++;
	}
	return post_faulty(t, pt, msg);
}

static int post_faulty(struct thread *t, struct port *pt, struct msg *msg)
{
	struct machine *m = t->m;
	struct msg *d = NULL;
	uint64_t delay = 0;
	int r;

	switch (m->nfaults ? fault_fate(m, t->p, pt, msg, &delay) : FATE_DELIVER) {
	case FATE_DROP:
		lose(m, pt, msg);
		return 0;
	case FATE_DUPLICATE:
		d = duplicate(t, pt, msg);
		break;
	default:
		break;
	}
	if (remote(m, t->p, pt)) {
		/* A copy gets through or is lost on its own. */
		travel(m, t->p, pt, msg, delay);
		if (d)
			travel(m, t->p, pt, d, delay);
		return 0;
	}
	if (delay) {
		hold(m, pt, msg, delay);
		if (d)
			hold(m, pt, d, delay);
		return 0;
	}
	r = post(t, pt, msg);
	if (d)
		post_copy(pt, d);
	return r;
}

/* Out-of-line data of pages that on-demand migration left behind: they
 * are pulled first (the call is done again when they are here). */
static int ool_pulled(struct thread *t)
{
	const struct msg *msg = t->sc.m;

	return msg && msg->ool_len && vmsys_pulled(t, msg->ool_addr, msg->ool_len);
}

void ipc_send(struct thread *t)
{
	if (ool_pulled(t))
		return;
	if (send_front(t, MSG_SEND) == 1)
		thread_block(t, R_SEND, t->sc.timeout);
}

void ipc_call(struct thread *t)
{
	int r;

	if (ool_pulled(t))
		return;
	r = send_front(t, MSG_CALL);

	if (r == 1) {
		thread_block(t, R_SEND, t->sc.timeout);
	} else if (r == 0) {
		t->wport = t->reply_port;
		thread_block(t, R_REPLY, t->sc.timeout);
	}
}

void ipc_recv(struct thread *t)
{
	struct right *r = proc_right(t->p, t->sc.name);
	struct port *pt;
	struct thread *s;
	struct msg *msg = NULL;

	t->sc.m = NULL;
	if (!r || !(r->kinds & RIGHT_RECV)) {
		t->sc.err = UK_ENORIGHT;
		return;
	}
	pt = r->pt;
	if (pt->qhead) {
		msg = dequeue(pt);
		if ((s = tq_pop(&pt->sendq)) != NULL) {
			enqueue(pt, s->sc.m);
			accepted(s);
		}
	} else if ((s = tq_pop(&pt->sendq)) != NULL) {
		msg = s->sc.m;
		accepted(s);
	}
	if (msg) {
		t->sc.err = UK_OK;
		deliver(t, pt, msg);
		t->work_ns += copy_out(t, msg);
		return;
	}
	t->wport = pt;
	tq_push(&pt->recvq, t);
	thread_block(t, R_RECV, t->sc.timeout);
}

/* Reply msg reaches reply port pt: its caller gets it if it still waits
 * for that very call, else it is dropped. Returns UK_EDEADPORT when pt is
 * dead (the caller has ended), else UK_OK. */
static int reply_reach(struct machine *m, struct port *pt, struct msg *msg)
{
	struct thread *rt = pt->reply_of;

	if (pt->dead || !rt || rt->state != T_BLOCKED || rt->why != R_REPLY ||
	    rt->call_flow != msg->reply_to) {
		/* The caller is gone or stopped waiting: nobody will read this. */
		TRACE(m, TR_MSG_DROP, msg->flow, pt->id, pt->dead ? 1 : 2);
		m_dropped(m);
		msg_free(msg);
		return pt->dead ? UK_EDEADPORT : UK_OK;
	}
	rt->call_flow = 0;
	deliver(rt, pt, msg);
	thread_wake(rt, UK_OK, copy_out(rt, msg));
	return UK_OK;
}

void ipc_reply(struct thread *t)
{
	struct msg *msg = t->sc.m;
	struct right *r = proc_right(t->p, t->sc.name);
	struct port *pt;
	uint64_t flow;

	if (!r || r->kinds != RIGHT_SONCE) {
		fail(t, UK_ENORIGHT);
		return;
	}
	if (take_rights(t->p, msg) != UK_OK) {
		fail(t, UK_ENORIGHT);
		return;
	}
	pt = r->pt;
	flow = r->flow;
	proc_drop_right(t->p, r);
	msg->reply_to = flow;
	stamp(t, pt, msg, MSG_REPLY);
	t->sc.m = NULL;
	t->sc.err = UK_OK;
	if (!pt->dead && (t->m->nfaults || remote(t->m, t->p, pt))) {
		uint64_t delay = 0;
		/* A reply is never duplicated: a copy would find nobody waiting. */
		if (t->m->nfaults &&
		    fault_fate(t->m, t->p, pt, msg, &delay) == FATE_DROP) {
			lose(t->m, pt, msg);
			return;
		}
		if (remote(t->m, t->p, pt)) {
			/* No route back: the caller waits in vain, as for a lost reply. */
			if (travel(t->m, t->p, pt, msg, delay) != UK_OK)
				lose(t->m, pt, msg);
			return;
		}
		if (delay) {
			hold(t->m, pt, msg, delay);
			return;
		}
	}
	t->sc.err = (int16_t)reply_reach(t->m, pt, msg);
}

void ipc_reply_recv(struct thread *t)
{
	struct right *r = proc_right(t->p, (int32_t)t->sc.arg);

	if (!r || !(r->kinds & RIGHT_RECV)) {
		fail(t, UK_ENORIGHT);     /* nothing to receive on: no reply either */
		return;
	}
	ipc_reply(t);
	if (t->sc.err == UK_ENORIGHT)
		return;
	t->sc.name = (int32_t)t->sc.arg;
	ipc_recv(t);
}

/* The kernel sends msg on pt by itself (see ipc_dead_notice). */
static void ipc_notice(struct port *pt, struct msg *msg)
{
	struct machine *m = pt->m;
	struct thread *rt;

	msg->flow = ++m->next_flow;
	msg->sent_ns = m->now;
	msg->sender_pid = 0;
	msg->sender_tid = 0;
	msg->kind = MSG_SEND;
	m->msgs++;
	m->msg_bytes += msg->size;
	TRACE(m, TR_MSG_SEND, msg->flow, 0, pt->id, msg->size, MSG_SEND, 0);
	if (pt->dead) {
		TRACE(m, TR_MSG_DROP, msg->flow, pt->id, 1);
		m_dropped(m);
		msg_free(msg);
		return;
	}
	if ((rt = tq_pop(&pt->recvq)) != NULL) {
		deliver(rt, pt, msg);
		thread_wake(rt, UK_OK, copy_out(rt, msg));
		return;
	}
	enqueue(pt, msg);
}

/* A notice of size bytes at payload, holding nvalues values (stub cost). */
static int notice(struct port *pt, const void *payload, uint32_t size, uint32_t nvalues)
{
	struct msg *msg = msg_new(size);

	if (!msg)
		return -1;
	memcpy(msg->data, payload, size);
	msg->nvalues = nvalues;
	ipc_notice(pt, msg);
	return 0;
}

int ipc_dead_notice(struct port *pt, int32_t name)
{
	struct uk_notice n = { UK_NOTICE_DEAD_NAME, name };

	return notice(pt, &n, sizeof n, 2);
}

int ipc_kernel_notice(struct port *pt, uint32_t kind, int32_t name)
{
	struct uk_notice n = { kind, name };

	return notice(pt, &n, sizeof n, 2);
}

int ipc_timer_notice(struct port *pt, int32_t name, uint64_t cookie)
{
	struct uk_timer_notice n = { { UK_NOTICE_TIMER, name }, cookie };

	return notice(pt, &n, sizeof n, 3);
}

int ipc_net_notice(struct port *pt, uint32_t id, uint64_t cost_ns)
{
	struct uk_net_notice n = { { UK_NOTICE_NET, (int32_t)id }, cost_ns };

	return notice(pt, &n, sizeof n, 3);
}

int ipc_exit_notice(struct port *pt, uint32_t pid)
{
	struct uk_notice n = { UK_NOTICE_EXIT, (int32_t)pid };

	return notice(pt, &n, sizeof n, 2);
}

uint32_t ipc_forward_queued(struct port *pt, uint32_t from, uint32_t to, uint64_t *bytes)
{
	uint32_t n = 0;

	while (pt->qhead) {
		struct msg *msg = dequeue(pt);
		struct thread *w = awaiting(msg, pt);

		msg->dest = pt;
		if (w)
			w->inflight++;
		*bytes += msg->size + msg->ool_len;
		n++;
		migrate_forwarded(pt->m, pt->owner, from, msg->size + msg->ool_len, msg->flow);
		net_send(pt->m, from, to, msg, 0);
	}
	return n;
}

void ipc_arrive(struct machine *m, struct msg *msg)
{
	struct port *pt = landed(m, msg);

	if (msg->kind == MSG_REPLY) {
		reply_reach(m, pt, msg);
		return;
	}
	if (pt->dead) {
		TRACE(m, TR_MSG_DROP, msg->flow, pt->id, 1);
		m_dropped(m);
		ipc_destroy(msg);
		return;
	}
	post_copy(pt, msg);
}

void ipc_sonce_dead(struct port *pt, uint64_t flow)
{
	struct thread *rt = pt->reply_of;

	if (!rt || rt->state != T_BLOCKED || rt->why != R_REPLY || rt->call_flow != flow)
		return;
	rt->call_flow = 0;
	rt->sc.m = NULL;
	thread_wake(rt, UK_EDEADPORT, 0);
}

void ipc_destroy(struct msg *msg)
{
	if (msg->reply)
		ipc_sonce_dead(msg->reply, msg->flow);
	msg_free(msg);
}

/* Take t off the queue it waits on; a SEND-blocked message is dropped. */
static void unwait(struct thread *t, int why_drop)
{
	if (t->inq)
		tq_remove(t);
	if (t->why == R_SEND && t->sc.m) {
		TRACE(t->m, TR_MSG_DROP, t->sc.m->flow, t->wport ? t->wport->id : 0, why_drop);
		m_dropped(t->m);
		t->sc.m->reply = NULL;
		msg_free(t->sc.m);
		t->sc.m = NULL;
	}
	t->call_flow = 0;
}

void ipc_timeout(struct thread *t)
{
	assert(t->state == T_BLOCKED && "ipc_timeout: not blocked");
	unwait(t, 3);
	thread_wake(t, UK_ETIMEDOUT, 0);
}

void ipc_cancel(struct thread *t)
{
	if (t->why == R_JOIN || t->why == R_SLEEP || t->why == R_IO)
		return;
	unwait(t, 1);
}
