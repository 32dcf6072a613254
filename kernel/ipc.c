/*
 * ipc.c - the message-passing rules (see ipc.h), in the style of MINIX's
 * mini_send/mini_receive: hand the message to a waiting receiver, else
 * queue it, else block the sender on the port; and what becomes of a
 * message an injected fault or another node concerns.
 *
 * How such a message is lost, duplicated, held or sent over a link, and
 * how it lands, is ipc_flight.c; the notices the kernel sends by itself
 * are ipc_notice.c.
 */
#include "ipc.h"
#include "ipc_impl.h"

#include <assert.h>
#include <stdint.h>

#include "fault.h"
#include "machine.h"
#include "msg.h"
#include "net.h"
#include "port.h"
#include "proc.h"
#include "syscall.h"
#include "thread.h"
#include "uk_err.h"
#include "vmsys.h"

/* A message that will never be delivered. */
void ipc_dropped(struct machine *m)
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

/* Give msg to rt: its rights become names in rt's process. Inline in its
 * callers: every message is delivered once, and the call's register saves
 * cost more than the body's common path. With wake, rt is woken right after
 * (deliver_wake), and the delivery's trace record holds that change of state
 * too when nothing is recorded between them. */
static inline __attribute__((always_inline)) void deliver(struct thread *rt, struct port *pt,
							  struct msg *msg, int wake)
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
	if (m->nsinks && wake && !msg->ool && !msg->ool_len) {
		/* Nothing is recorded before the waking: one record for both. */
		TRACE(m, TR_DELIVER_WOKEN, msg->flow, rt->tid, pt->id);
		m->told = rt;
	} else {
		TRACE(m, TR_MSG_DELIVER, msg->flow, rt->tid, pt->id);
	}
	if (msg->ool || msg->ool_len)
		vmsys_ool_give(rt, msg);
}

/* Give msg to rt, waiting for it, and wake rt. */
static inline __attribute__((always_inline)) void deliver_wake(struct thread *rt, struct port *pt,
							       struct msg *msg)
{
	deliver(rt, pt, msg, 1);
	thread_wake(rt, UK_OK, copy_out(rt, msg));
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

struct msg *ipc_dequeue(struct port *pt)
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

/* Hand d to a waiting receiver, or queue it even past the limit: a copy
 * made by the network, or a notice of the kernel's, blocks nobody. */
void ipc_post_copy(struct port *pt, struct msg *d)
{
	struct thread *rt = tq_pop(&pt->recvq);

	if (rt) {
		deliver_wake(rt, pt, d);
		return;
	}
	enqueue(pt, d);
}

/* Is msg from process from to pt remote (pt received on another node)? */
static int remote(const struct machine *m, const struct proc *from, const struct port *pt)
{
	return m->net && !pt->dead && net_remote(m, from, pt->owner);
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
		deliver_wake(rt, pt, msg);
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
		ipc_dropped(t->m);
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
		ipc_lose(m, pt, msg);
		return 0;
	case FATE_DUPLICATE:
		d = ipc_duplicate(t, pt, msg);
		break;
	default:
		break;
	}
	if (remote(m, t->p, pt)) {
		/* A copy gets through or is lost on its own. */
		ipc_travel(m, t->p, pt, msg, delay);
		if (d)
			ipc_travel(m, t->p, pt, d, delay);
		return 0;
	}
	if (delay) {
		ipc_hold(m, pt, msg, delay);
		if (d)
			ipc_hold(m, pt, d, delay);
		return 0;
	}
	r = post(t, pt, msg);
	if (d)
		ipc_post_copy(pt, d);
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
		msg = ipc_dequeue(pt);
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
		deliver(t, pt, msg, 0);
		t->work_ns += copy_out(t, msg);
		return;
	}
	t->wport = pt;
	tq_push(&pt->recvq, t);
	thread_block(t, R_RECV, t->sc.timeout);
}

/* Reply msg reaches reply port pt: its caller gets it if it still waits
 * for that very call, else it is dropped. Returns UK_EDEADPORT when pt is
 * dead (the caller has ended), else UK_OK. ipc_reply_reach, inline in
 * ipc_reply: a call fewer on every reply. */
static inline __attribute__((always_inline)) int reach(struct machine *m, struct port *pt,
						       struct msg *msg)
{
	struct thread *rt = pt->reply_of;

	if (pt->dead || !rt || rt->state != T_BLOCKED || rt->why != R_REPLY ||
	    rt->call_flow != msg->reply_to) {
		/* The caller is gone or stopped waiting: nobody will read this. */
		TRACE(m, TR_MSG_DROP, msg->flow, pt->id, pt->dead ? 1 : 2);
		ipc_dropped(m);
		msg_free(msg);
		return pt->dead ? UK_EDEADPORT : UK_OK;
	}
	rt->call_flow = 0;
	deliver_wake(rt, pt, msg);
	return UK_OK;
}

int ipc_reply_reach(struct machine *m, struct port *pt, struct msg *msg)
{
	return reach(m, pt, msg);
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
			ipc_lose(t->m, pt, msg);
			return;
		}
		if (remote(t->m, t->p, pt)) {
			/* No route back: the caller waits in vain, as for a lost reply. */
			if (ipc_travel(t->m, t->p, pt, msg, delay) != UK_OK)
				ipc_lose(t->m, pt, msg);
			return;
		}
		if (delay) {
			ipc_hold(t->m, pt, msg, delay);
			return;
		}
	}
	t->sc.err = (int16_t)reach(t->m, pt, msg);
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
		ipc_dropped(t->m);
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
