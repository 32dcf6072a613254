/*
 * netsrv.c - a node's network server. The kernel hands it each message
 * that leaves its node or arrives there (a notice naming the message, with
 * the protocol work it takes: per message and per packet); it does the
 * work on its node's CPU, then tells the kernel to send the message on:
 * onto the link, or to the port it was sent to. Being a process, it
 * competes for its node's CPU with the others, and a burst of messages
 * queues at its port.
 */
#include "net/netsrv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "body_c.h"
#include "machine.h"
#include "msg.h"
#include "net.h"
#include "port.h"
#include "proc.h"
#include "uk.h"

struct netsrv {
	int32_t port;       /* its receive right: where the kernel's notices come */
};

static void netsrv_main(struct thread *self, void *arg)
{
	struct netsrv *s = arg;

	for (;;) {
		int err;
		struct msg *msg = uk_recv(self, s->port, UK_FOREVER, &err);
		struct uk_net_notice n = { { 0, 0 }, 0 };
		if (!msg)
			continue;
		if (msg->sender_pid == 0 && msg->size == sizeof n)
			memcpy(&n, msg->data, sizeof n);
		/* Freed before the work: a run may end in the middle of it. */
		msg_free(msg);
		if (n.n.kind != UK_NOTICE_NET)
			continue;
		if (n.cost_ns)
			uk_compute(self, n.cost_ns);
		uk_net_forward(self, (uint32_t)n.n.name);
	}
}

struct proc *netsrv_install(struct machine *m, uint32_t node)
{
	struct netsrv *s = calloc(1, sizeof *s);
	void *body = s ? body_c_new(m, netsrv_main, s) : NULL;
	struct proc *p;
	struct port *pt;

	if (!body) {
		free(s);
		return NULL;
	}
	p = proc_new(m, "net", 0, &body_c_ops, body);
	if (!p) {
		free(s);
		return NULL;
	}
	snprintf(p->name, sizeof p->name, "net.%s", m->net->nodes[node].name);
	p->udata = s;
	p->udata_free = free;
	p->daemon = 1;
	p->node = node;
	/* The name server's right is name 1 in every process (proc_start
	 * finds it there); its own port comes next. */
	if (m->ns_port && proc_add_right(p, m->ns_port, RIGHT_SEND, 0) != UK_NAME_NAMESERVER)
		return NULL;
	pt = port_new(m, p, UINT32_MAX);
	if (!pt || (s->port = proc_add_right(p, pt, RIGHT_RECV, 0)) == 0)
		return NULL;
	snprintf(pt->label, sizeof pt->label, "%s", p->name);
	m->net->nodes[node].srv = pt;
	return p;
}
