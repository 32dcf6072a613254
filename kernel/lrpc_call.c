/*
 * lrpc_call.c - the LRPC call and return (see lrpc.h): the kernel's checks,
 * the A-stack pools, E-stacks tied lazily, and the transfer of the
 * caller's own thread between domains - an address-space switch on its
 * CPU, or an exchange with a processor idling in the domain it enters.
 *
 * What each step costs is in lrpc.h and doc/cost-model.md. The stubs
 * (userland/lua_lrpc.c) lay the arguments and results out; the kernel
 * writes them onto the A-stack through the client's and the server's
 * mappings, so the bytes are really there, in frames both sides map.
 */
#include "lrpc.h"
#include "lrpc_impl.h"

#include <stdlib.h>
#include <string.h>

#include "machine.h"
#include "migrate.h"
#include "msg.h"
#include "net.h"
#include "proc.h"
#include "sched.h"
#include "uk_err.h"
#include "vm.h"

uint64_t lrpc_call_cost(struct thread *t)
{
	const struct costs *c = net_costs(t->m, t->p);
	uint64_t bytes = t->sc.m ? t->sc.m->size : 0, nargs = (uint64_t)t->sc.val;

	return c->proc_call_ns + c->lrpc_stub_ns + c->marshal_arg_ns * nargs +
	       cost_copy(c->copy_stub_ps, bytes) + c->trap_ns + c->lrpc_transfer_ns;
}

/* An idle CPU whose address space is dom's and on which t may run; the
 * lowest such, or NULL. */
static struct cpu *idle_in(struct machine *m, const struct thread *t, const struct proc *dom)
{
	for (uint32_t i = 0; i < m->cfg.cpus; i++) {
		struct cpu *c = &m->cpus[i];
		if (!c->cur && c->dom == dom && sched_allowed(t, c))
			return c;
	}
	return NULL;
}

/* A call into dom found no processor idling there: move the lowest idle
 * one t may run on into dom, so that the next call can be exchanged (the
 * paper's "prodding"). An idle processor switching address spaces costs
 * no thread anything. */
static void prod(struct machine *m, const struct thread *t, struct proc *dom)
{
	for (uint32_t i = 0; i < m->cfg.cpus; i++) {
		struct cpu *c = &m->cpus[i];
		if (!c->cur && c->dom != dom && sched_allowed(t, c)) {
			c->dom = dom;
			m->lrpc->prods++;
			return;
		}
	}
}

/* Running thread t crosses into domain to, moving bytes bytes of A-stack
 * data along: by an exchange of processors when one idles in to (returns
 * 1), else by switching its CPU's address space (returns 0). */
static int cross(struct machine *m, struct thread *t, struct proc *to, uint64_t bytes, int call)
{
	const struct costs *k = net_costs(m, t->p);
	struct cpu *x = idle_in(m, t, to);

	if (x) {
		machine_exchange(m, t, x);
		t->work_ns += k->exchange_ns + cost_copy(k->copy_remote_ps, bytes);
		return 1;
	}
	if (t->cpu->dom != to)
		t->work_ns += k->as_switch_ns;
	t->cpu->dom = to;
	if (call)
		prod(m, t, to);
	return 0;
}

/* Tie an E-stack of the server to A-stack ai of b, if it has none. */
static void tie_estack(struct machine *m, struct lrpc_binding *b, uint32_t ai)
{
	struct lrpc_astack *a = &b->as[ai];
	struct lrpc_iface *f = b->iface;
	int made = 0;

	if (a->estack)
		return;
	if (f->nfree) {
		a->estack = f->free_es[--f->nfree];
	} else {
		a->estack = ++f->nestacks;
		m->lrpc->estacks++;
		made = 1;
	}
	m->lrpc->associations++;
	TRACE(m, TR_LRPC_ESTACK, b->id, ai + 1, a->estack, (uint64_t)made);
}

int lrpc_enter(struct thread *t, struct lrpc_binding *b, uint32_t ai, int waited)
{
	struct machine *m = t->m;
	struct lrpc_astack *a = &b->as[ai];
	struct msg *img = t->sc.m;
	struct proc *server = b->iface->server, *left = thread_domain(t);
	struct lrpc_frame *fr = calloc(1, sizeof *fr);
	char label[2 * UK_NAME_MAX + 2];
	int how = 2;

	if (!fr)
		return UK_ENOMEM;
	if (img && img->size) {
		/* The client stub's one copy (A), through the client's mapping. */
		struct vm_access r;
		if (as_access(b->client->as, b->caddr + a->off, img->data, img->size, 1, &r) != VM_OK) {
			free(fr);
			return UK_EFAULT;
		}
	}
	a->holder = t;
	tie_estack(m, b, ai);
	fr->prev = t->lrpc;
	fr->id = ++m->lrpc->next_call;
	fr->b = b;
	fr->astack = ai;
	fr->from = t->dom;
	fr->start = t->sc.issued;
	fr->arg_bytes = img ? img->size : 0;
	fr->nargs = (uint32_t)t->sc.val;
	t->lrpc = fr;
	msg_free(img);
	t->sc.m = NULL;
	m->lrpc->calls++;
	if (!waited) {
		how = cross(m, t, server, fr->arg_bytes, 1);
		fr->mp = (uint8_t)how;
		m->lrpc->mp_calls += (uint64_t)how;
	}
	t->dom = server;
	if (m->nsinks) {
		lrpc_label(b, a->proc, label, sizeof label);
		TRACE_STR(m, TR_LRPC_CALL, label, strlen(label), t->tid, left->pid, server->pid,
			  b->id, a->proc, (uint64_t)how);
	}
	return UK_OK;
}

void lrpc_astack_free(struct machine *m, struct lrpc_binding *b, uint32_t ai)
{
	struct tqueue *q = &b->waiters[b->as[ai].proc - 1];
	struct thread *w;

	b->as[ai].holder = NULL;
	while ((w = tq_pop(q)) != NULL) {
		int err = lrpc_enter(w, b, ai, 1);
		if (err) {
			msg_free(w->sc.m);
			w->sc.m = NULL;
		}
		thread_wake(w, err, 0);
		if (!err)
			return;
	}
	if (b->iface->server->mig_stopped)
		migrate_lrpc_back(b->iface->server);    /* its move waits for its calls */
	(void)m;
}

/* The free A-stack of procedure proc of b with the lowest index, or -1. */
static int64_t free_astack(const struct lrpc_binding *b, uint32_t proc)
{
	for (uint32_t k = b->first[proc - 1]; k < b->nas && b->as[k].proc == proc; k++)
		if (!b->as[k].holder)
			return k;
	return -1;
}

/* What is wrong with t's call of procedure proc on b, or UK_OK. The
 * binding is a capability of the domain that made it. */
static int check(const struct thread *t, const struct lrpc_binding *b, uint32_t proc)
{
	if (!b || b->client != thread_domain(t) || b->gone)
		return UK_ENORIGHT;
	if (b->revoked)
		return UK_EREVOKED;
	if (b->global || b->iface->server->mig_stopped)
		return UK_EREMOTE;      /* the stubs call the clerk by message */
	if (proc < 1 || proc > b->iface->ex->nprocs ||
	    (t->sc.m && t->sc.m->size > b->iface->ex->procs[proc - 1].args))
		return UK_EINVAL;
	return UK_OK;
}

void lrpc_call(struct thread *t)
{
	struct machine *m = t->m;
	struct lrpc_binding *b = lrpc_binding_get(m, (uint32_t)t->sc.arg);
	uint32_t proc = (uint32_t)t->sc.name;
	int err = check(t, b, proc);
	int64_t ai = -1;

	if (!err && (ai = free_astack(b, proc)) < 0) {
		/* Every A-stack of the procedure is in use: wait for one. */
		m->lrpc->waits++;
		tq_push(&b->waiters[proc - 1], t);
		thread_block(t, R_ASTACK, UINT64_MAX);
		return;
	}
	if (!err)
		err = lrpc_enter(t, b, (uint32_t)ai, 0);
	if (err) {
		if (err == UK_EREVOKED)
			m->lrpc->revoked++;
		msg_free(t->sc.m);
		t->sc.m = NULL;
	}
	t->sc.err = (int16_t)err;
}

void lrpc_return(struct thread *t)
{
	struct machine *m = t->m;
	const struct costs *k = net_costs(m, t->p);
	struct lrpc_frame *fr = t->lrpc;
	struct msg *img = t->sc.m;
	struct lrpc_binding *b;
	struct lrpc_astack *a;
	struct proc *to;
	uint64_t bytes = img ? img->size : 0, nres = (uint64_t)t->sc.val;
	int how;

	t->sc.m = NULL;
	if (!fr || fr->revoked || bytes > fr->b->iface->ex->procs[fr->b->as[fr->astack].proc - 1].results) {
		msg_free(img);
		t->sc.err = !fr || !fr->revoked ? UK_EINVAL : UK_EREVOKED;
		return;
	}
	b = fr->b;
	a = &b->as[fr->astack];
	if (bytes) {
		/* The server stub leaves the results on the A-stack, in place. */
		struct vm_access r;
		(void)as_access(b->iface->server->as, b->saddr + a->off, img->data, bytes, 1, &r);
	}
	msg_free(img);
	to = fr->from ? fr->from : t->p;
	how = cross(m, t, to, bytes, 0);
	m->lrpc->mp_returns += (uint64_t)how;
	/* The client stub's one copy back (F), and its work per result. */
	t->work_ns += cost_copy(k->copy_stub_ps, bytes) + k->marshal_arg_ns * nres;
	TRACE(m, TR_LRPC_RETURN, t->tid, b->iface->server->pid, to->pid, b->id, a->proc,
	      (uint64_t)how);
	t->sc.val = fr->mp;
	t->sc.arg = fr->start;
	t->sc.err = UK_OK;
	t->lrpc = fr->prev;
	t->dom = fr->from;
	free(fr);
	lrpc_astack_free(m, b, (uint32_t)(a - b->as));
	if (t->p->mig_stopped && !t->dom)
		migrate_lrpc_back(t->p);        /* a migration waited for this call */
}
