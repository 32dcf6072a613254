/*
 * ipc_notice.c - the messages the kernel sends by itself (see ipc.h): a
 * dead name, a timer, a process's exit, a message for a network server to
 * send on, or any kind of struct uk_notice. Each is a message of sender
 * pid 0, queued even past the port's limit: a notice must not be lost.
 */
#include "ipc.h"
#include "ipc_impl.h"

#include <stdint.h>
#include <string.h>

#include "machine.h"
#include "msg.h"
#include "port.h"

/* The kernel sends msg on pt by itself (see ipc_dead_notice). */
static void ipc_notice(struct port *pt, struct msg *msg)
{
	struct machine *m = pt->m;

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
		ipc_dropped(m);
		msg_free(msg);
		return;
	}
	ipc_post_copy(pt, msg);
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
