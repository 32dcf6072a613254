/*
 * trace_index_msg.c - the message records of the trace index: a flow's
 * send, enqueue, delivery and drop become one struct ti_msg (queue depths
 * are derived from them when the index is sealed).
 *
 * The one idea: the flow number pairs the records of one message (and a
 * reply's reply_to names its call's flow), so a hash map from flow to the
 * message's index is all the matching needs. A record for a flow never sent
 * (a damaged trace) is ignored; a flow sent twice starts a new message.
 */
#include "trace_index_impl.h"

#include <string.h>

/* The message index of a flow, or TI_NONE. */
static uint32_t flow_msg(const struct trace_index *ix, uint64_t flow)
{
	return ti_map_get(&ix->b->flows, flow);
}

/* Link reply m to the call it answers (flow call_flow), when known. */
static void link_reply(struct trace_index *ix, uint32_t m, uint64_t call_flow)
{
	uint32_t c = call_flow ? flow_msg(ix, call_flow) : TI_NONE;

	if (c == TI_NONE || c == m || ix->msgs[c].kind != TI_CALL)
		return;
	ix->msgs[m].reply_to = c;
	ix->msgs[c].reply = m;
}

int ti_rec_msg_send(struct trace_index *ix, uint64_t ns, const uint64_t *a, const char *s,
		    size_t len)
{
	uint32_t from = ti_thread_get(ix, a[1], 0, ns), pt = ti_port_get(ix, a[2], ns);
	uint32_t m = (uint32_t)ix->nmsgs;
	struct ti_msg *msg;

	(void)s, (void)len;
	if (from == TI_NONE || pt == TI_NONE || ix->nmsgs >= TI_NONE - 1 ||
	    ti_grow((void **)&ix->msgs, &ix->b->msgcap, ix->nmsgs + 1, sizeof *ix->msgs) != 0 ||
	    ti_map_put(&ix->b->flows, a[0], m) != 0)
		return -1;
	msg = &ix->msgs[ix->nmsgs++];
	memset(msg, 0, sizeof *msg);
	msg->flow = a[0];
	msg->send_ns = ns;
	msg->enqueue_ns = TI_NEVER;
	msg->end_ns = TI_NEVER;
	msg->from = from;
	msg->to = TI_NONE;
	msg->port = pt;
	msg->reply_to = TI_NONE;
	msg->reply = TI_NONE;
	msg->size = a[3];
	msg->kind = a[4] <= TI_REPLY ? (uint8_t)a[4] : TI_SEND;
	msg->fate = TI_PENDING;
	ix->ports[pt].msgs++;
	if (msg->kind == TI_REPLY)
		link_reply(ix, m, a[5]);
	else
		ix->ports[pt].reply_only = 0;
	return 0;
}

int ti_rec_msg_enqueue(struct trace_index *ix, uint64_t ns, const uint64_t *a, const char *s,
		       size_t len)
{
	uint32_t m = flow_msg(ix, a[0]);

	(void)s, (void)len;
	if (m != TI_NONE && ix->msgs[m].fate == TI_PENDING && ix->msgs[m].enqueue_ns == TI_NEVER)
		ix->msgs[m].enqueue_ns = ns;
	return 0;
}

int ti_rec_msg_deliver(struct trace_index *ix, uint64_t ns, const uint64_t *a, const char *s,
		       size_t len)
{
	uint32_t m = flow_msg(ix, a[0]), to = ti_thread_get(ix, a[1], 0, ns);
	struct ti_port *pt;

	(void)s, (void)len;
	if (to == TI_NONE)
		return -1;
	if (m == TI_NONE || ix->msgs[m].fate != TI_PENDING)
		return 0;
	ix->msgs[m].fate = TI_DELIVERED;
	ix->msgs[m].to = to;
	pt = &ix->ports[ix->msgs[m].port];
	if (pt->owner == TI_NONE)             /* a port the trace never created */
		pt->owner = ix->threads[to].proc;
	ix->msgs[m].end_ns = ns;
	return 0;
}

int ti_rec_msg_drop(struct trace_index *ix, uint64_t ns, const uint64_t *a, const char *s,
		    size_t len)
{
	uint32_t m = flow_msg(ix, a[0]);

	(void)s, (void)len;
	if (m == TI_NONE || ix->msgs[m].fate != TI_PENDING)
		return 0;
	ix->msgs[m].fate = TI_DROPPED;
	ix->msgs[m].drop_reason = (uint8_t)(a[2] < 5 ? a[2] : 0);
	ix->ndrops++;
	ix->msgs[m].end_ns = ns;
	return 0;
}
