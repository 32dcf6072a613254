/*
 * port.c - port creation and death.
 */
#include "port.h"

#include <stdlib.h>

#include "ipc.h"
#include "ktimer.h"
#include "machine.h"
#include "msg.h"
#include "proc.h"
#include "uk_err.h"

struct port *port_new(struct machine *m, struct proc *owner, uint32_t qlimit)
{
	struct port *pt = calloc(1, sizeof *pt);

	if (!pt)
		return NULL;
	pt->m = m;
	pt->owner = owner;
	pt->qlimit = qlimit;
	if (machine_add_port(m, pt) != 0) {
		free(pt);
		return NULL;
	}
	TRACE(m, TR_PORT_NEW, pt->id, owner ? owner->pid : 0, qlimit);
	return pt;
}

/* Tell whoever asked that pt has died. A notice that cannot be allocated
 * is lost, as the machine is out of memory anyway. */
static void send_dead_notices(struct port *pt)
{
	while (pt->dn) {
		struct dn_request *d = pt->dn;
		pt->dn = d->next;
		ipc_dead_notice(d->to, d->name);
		free(d);
	}
}

int port_notify_dead(struct port *pt, struct port *to, int32_t name)
{
	struct dn_request *d;

	for (d = pt->dn; d; d = d->next)
		if (d->to == to && d->name == name)
			return 0;
	d = malloc(sizeof *d);
	if (!d)
		return -1;
	*d = (struct dn_request){ pt->dn, to, name };
	pt->dn = d;
	return 0;
}

void port_kill(struct port *pt)
{
	struct machine *m = pt->m;
	struct thread *t;

	if (pt->dead)
		return;
	pt->dead = 1;
	pt->owner = NULL;
	TRACE(m, TR_PORT_DEAD, pt->id);
	while (pt->qhead) {
		struct msg *msg = pt->qhead;
		pt->qhead = msg->next;
		TRACE(m, TR_MSG_DROP, msg->flow, pt->id, 1);
		m->dropped++;
		ipc_destroy(msg);
	}
	pt->qtail = NULL;
	pt->qlen = 0;
	while ((t = tq_pop(&pt->sendq)) != NULL) {
		TRACE(m, TR_MSG_DROP, t->sc.m->flow, pt->id, 1);
		m->dropped++;
		ipc_destroy(t->sc.m);
		t->sc.m = NULL;
		t->call_flow = 0;
		thread_wake(t, UK_EDEADPORT, 0);
	}
	while ((t = tq_pop(&pt->recvq)) != NULL)
		thread_wake(t, UK_EDEADPORT, 0);
	send_dead_notices(pt);
}

void port_free(struct port *pt)
{
	ktimer_free_port(pt);
	while (pt->dn) {
		struct dn_request *d = pt->dn;
		pt->dn = d->next;
		free(d);
	}
	while (pt->qhead) {
		struct msg *msg = pt->qhead;
		pt->qhead = msg->next;
		msg_free(msg);
	}
	free(pt);
}
