/*
 * proc.c - process life and the right table (the process's capabilities).
 */
#include "proc.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipc.h"
#include "lrpc.h"
#include "machine.h"
#include "net.h"
#include "port.h"
#include "thread.h"
#include "vm.h"
#include "vmsys.h"

struct proc *proc_new(struct machine *m, const char *name, uint64_t start_ns,
		      const struct body_ops *body, void *data)
{
	struct proc *p = calloc(1, sizeof *p);

	if (!p)
		return NULL;
	p->m = m;
	snprintf(p->name, sizeof p->name, "%s", name);
	p->start_ns = start_ns;
	p->main_body = body;
	p->main_data = data;
	p->state = P_NEW;
	p->incarnation = 1;
	p->origin = p;
	if (machine_add_proc(m, p) != 0) {
		free(p);
		return NULL;
	}
	return p;
}

int proc_start(struct proc *p)
{
	struct machine *m = p->m;
	const struct body_ops *body = p->main_body;

	if (p->state != P_NEW)
		return 0;
	p->state = P_LIVE;
	TRACE_STR(m, TR_PROC_NEW, p->name, strlen(p->name), p->pid, (uint64_t)p->daemon);
	net_proc_started(p);
	if (m->ns_port && m->ns_port->owner != p &&
	    proc_add_right(p, m->ns_port, RIGHT_SEND, 0) != UK_NAME_NAMESERVER)
		return -1;
	p->main_body = NULL;
	/* A many-to-* process starts with an LWP running its user-level runtime,
	 * which makes the main user thread. */
	p->main_thread = thread_new(p, NULL, body, p->main_data,
				    p->model == MODEL_ONE_TO_ONE ? THREAD_KERNEL : THREAD_LWP);
	p->main_data = NULL;
	if (!p->main_thread) {
		proc_exit(p, 1, 0);
		return -1;
	}
	return 0;
}

/* Give up every right p holds: its ports die, its pending replies fail. */
static void release_rights(struct proc *p)
{
	for (uint32_t n = 1; n < p->nrights_cap; n++) {
		struct right *r = &p->rights[n];
		if (!r->pt)
			continue;
		if (r->kinds & RIGHT_RECV)
			port_kill(r->pt);
		if (r->kinds & RIGHT_SONCE) {
			r->pt->sonce_held--;
			r->pt->sonce_holder = NULL;
			ipc_sonce_dead(r->pt, r->flow);
		}
		r->pt = NULL;
	}
}

/* Tell whoever asked that p has ended. A watcher whose port has died
 * (its server was restarted since) has nobody left to tell. */
static void send_exit_notices(struct proc *p)
{
	while (p->exit_watch) {
		struct dn_request *d = p->exit_watch;
		p->exit_watch = d->next;
		if (!d->to->dead)
			ipc_exit_notice(d->to, p->pid);
		free(d);
	}
}

int proc_watch_exit(struct proc *p, struct port *to)
{
	struct dn_request *d;

	for (d = p->exit_watch; d; d = d->next)
		if (d->to == to)
			return 0;
	d = malloc(sizeof *d);
	if (!d)
		return -1;
	*d = (struct dn_request){ p->exit_watch, to, (int32_t)p->pid };
	p->exit_watch = d;
	return 0;
}

void proc_exit(struct proc *p, int code, int faulted)
{
	struct machine *m = p->m;

	if (p->state != P_LIVE)
		return;
	p->state = P_EXITED;
	p->exit_code = code;
	p->faulted = faulted;
	for (struct thread *t = p->threads; t; t = t->pnext)
		thread_exit(t, p->crashed ? R_CRASH : faulted ? R_FAULT : R_KILLED);
	release_rights(p);
	send_exit_notices(p);
	if (!p->daemon)
		m->live_nondaemon--;
	TRACE(m, TR_PROC_EXIT, p->pid, (uint64_t)((int64_t)code + 2147483648LL),
	      (uint64_t)(p->crashed ? 2 : faulted));
	if (m->lrpc)
		lrpc_proc_exit(p);
	vmsys_proc_exit(p);
}

void proc_crash(struct proc *p)
{
	if (p->state != P_LIVE)
		return;
	p->crashed = 1;
	proc_exit(p, -1, 0);
}

void proc_free(struct proc *p)
{
	if (p->main_body)
		p->main_body->destroy(&(struct thread){ .body_data = p->main_data, .m = p->m });
	if (p->udata_free)
		p->udata_free(p->udata);
	free(p->clock);
	while (p->exit_watch) {
		struct dn_request *d = p->exit_watch;
		p->exit_watch = d->next;
		free(d);
	}
	as_free(p->as);
	free(p->rights);
	free(p);
}

int proc_grow_rights(struct proc *p)
{
	uint32_t old = p->nrights_cap, first = old ? old : 1, cap = old ? old * 2 : 8;
	struct right *r;

	assert(!p->free_name && "proc_grow_rights: free names left");
	r = realloc(p->rights, cap * sizeof *r);
	if (!r)
		return -1;
	memset(r + old, 0, (cap - old) * sizeof *r);
	p->rights = r;
	p->nrights_cap = cap;
	for (uint32_t i = cap - 1; i >= first; i--) {
		r[i].next_free = p->free_name;
		p->free_name = i;
	}
	return 0;
}

/* A free name: reuse the one released last, else grow the table (name 0 is
 * never used). Returns 0 when memory runs out. */
static int32_t new_name(struct proc *p)
{
	int32_t n;

	if (!p->free_name && proc_grow_rights(p) != 0)
		return 0;
	n = (int32_t)p->free_name;
	p->free_name = p->rights[n].next_free;
	return n;
}

int32_t proc_add_right(struct proc *p, struct port *pt, uint8_t kind, uint64_t flow)
{
	if (kind == RIGHT_SONCE)
		return proc_add_sonce(p, pt, flow);
	for (uint32_t i = 1; i < p->nrights_cap; i++) {
		struct right *r = &p->rights[i];
		if (r->pt == pt && !(r->kinds & RIGHT_SONCE)) {
			r->kinds |= kind;
			return (int32_t)i;
		}
	}
	return proc_add_new_port(p, pt, kind);
}

int32_t proc_add_new_port(struct proc *p, struct port *pt, uint8_t kind)
{
	int32_t n = new_name(p);

	if (n) {
		p->rights[n].pt = pt;
		p->rights[n].kinds = kind;
		p->rights[n].flow = 0;
	}
	return n;
}

void proc_drop_name(struct proc *p, int32_t name)
{
	struct right *r = proc_right(p, name);

	assert(r && "proc_drop_name: no such name");
	proc_drop_right(p, r);
}
