/*
 * ipc_flight.c - the messages that are not handed over at once (see
 * ipc.h): how a message is lost, duplicated or held in flight by an
 * injected fault (fault.h), how it crosses the link to a port received on
 * another node (net.c), and how it lands there later (ipc_arrive) or is
 * lost on the way (ipc_lost); and the messages queued on a migrating
 * process's ports, sent on after it (ipc_forward_queued). Which of these a
 * message goes through is ipc.c's decision.
 *
 * The one idea: a message in flight names its port (msg->dest), and the
 * caller whose call it concerns counts it (inflight) until it lands or is
 * lost, so that deadlock detection knows something is on its way.
 */
#include "ipc.h"
#include "ipc_impl.h"

#include <stdint.h>
#include <string.h>

#include "deadlock.h"
#include "machine.h"
#include "migrate.h"
#include "msg.h"
#include "net.h"
#include "port.h"
#include "proc.h"
#include "thread.h"
#include "uk_err.h"
#include "vm.h"
#include "vmsys.h"

/* The network lost msg (an injected fault): nobody is told, a caller goes
 * on waiting for a reply that will not come. */
void ipc_lose(struct machine *m, struct port *pt, struct msg *msg)
{
	TRACE(m, TR_MSG_DROP, msg->flow, pt->id, 4);
	ipc_dropped(m);
	msg->reply = NULL;
	msg_free(msg);
}

/* The network delivers msg twice (an injected fault): a copy with a flow
 * of its own, whose reply right answers the same call. NULL without memory. */
struct msg *ipc_duplicate(struct thread *t, struct port *pt, const struct msg *msg)
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
void ipc_hold(struct machine *m, struct port *pt, struct msg *msg, uint64_t delay)
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
 * fault's). Its caller counts it in flight as for ipc_hold. Returns
 * UK_OK, or UK_ENOROUTE when no link joins the two nodes (msg untouched). */
int ipc_travel(struct machine *m, struct proc *from, struct port *pt, struct msg *msg,
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
		m->dl_dirty++;
	}
	return pt;
}

void ipc_lost(struct machine *m, struct msg *msg)
{
	struct port *pt = landed(m, msg);

	ipc_lose(m, pt, msg);
}

uint32_t ipc_forward_queued(struct port *pt, uint32_t from, uint32_t to, uint64_t *bytes)
{
	uint32_t n = 0;

	while (pt->qhead) {
		struct msg *msg = ipc_dequeue(pt);
		struct thread *w = awaiting(msg, pt);

		msg->dest = pt;
		if (w) {
			w->inflight++;
			deadlock_touch(w);     /* it may act now: its message travels */
		}
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
		ipc_reply_reach(m, pt, msg);
		return;
	}
	if (pt->dead) {
		TRACE(m, TR_MSG_DROP, msg->flow, pt->id, 1);
		ipc_dropped(m);
		ipc_destroy(msg);
		return;
	}
	ipc_post_copy(pt, msg);
}
