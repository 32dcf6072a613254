/*
 * lrpc.c - LRPC interfaces and bindings: export, bind, and what the end of
 * a server or a client does to them (see lrpc.h). The call and the return
 * are in lrpc_call.c.
 *
 * A binding's A-stacks are one VM_SHARED region, made in the client's
 * address space with a frame for every page (the kernel allocates them,
 * no fault is taken: the trace names each page's frame in a page_frame
 * record) and mapped into the server's with the same frames: what one
 * side writes there, the other reads. A-stacks are laid out one
 * after the other, procedure by procedure, each as large as the larger of
 * its procedure's arguments and results, rounded up to 8 bytes.
 *
 * Revocation throws a thread back at once, wherever it is in the server's
 * domain: blocked (a sleep, a wait for an A-stack), it is woken; ready or
 * running, its remaining work there and its pending call are dropped. Its
 * stubs learn of it when they next look (lrpc_call_state).
 */
#include "lrpc.h"
#include "lrpc_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipc.h"
#include "machine.h"
#include "migrate.h"
#include "msg.h"
#include "net.h"
#include "port.h"
#include "proc.h"
#include "syscall.h"
#include "uk_err.h"
#include "vm.h"
#include "vmsys.h"
#include "vmsys_impl.h"

struct lrpc_state *lrpc_state(struct machine *m)
{
	if (!m->lrpc)
		m->lrpc = calloc(1, sizeof *m->lrpc);
	return m->lrpc;
}

/* Room for one more element in a growable pointer array of n. 0 or -1
 * (the array unchanged). */
static int reserve(void ***arr, uint32_t n, uint32_t *cap)
{
	if (n == *cap) {
		uint32_t c = *cap ? *cap * 2 : 8;
		void **a = realloc(*arr, c * sizeof *a);
		if (!a)
			return -1;
		*arr = a;
		*cap = c;
	}
	return 0;
}

/* Append obj to a growable pointer array. 0 or -1. */
static int push(void ***arr, uint32_t *n, uint32_t *cap, void *obj)
{
	if (reserve(arr, *n, cap) != 0)
		return -1;
	(*arr)[(*n)++] = obj;
	return 0;
}

struct lrpc_iface *lrpc_iface_get(const struct machine *m, uint32_t id)
{
	return m->lrpc && id >= 1 && id <= m->lrpc->nifaces ? m->lrpc->ifaces[id - 1] : NULL;
}

struct lrpc_binding *lrpc_binding_get(const struct machine *m, uint32_t id)
{
	return m->lrpc && id >= 1 && id <= m->lrpc->nbindings ? m->lrpc->bindings[id - 1] : NULL;
}

/* The interface exported on clerk port pt, or NULL. */
static struct lrpc_iface *iface_of_port(const struct machine *m, const struct port *pt)
{
	for (uint32_t i = 0; m->lrpc && i < m->lrpc->nifaces; i++)
		if (m->lrpc->ifaces[i]->clerk == pt)
			return m->lrpc->ifaces[i];
	return NULL;
}

const char *lrpc_label(const struct lrpc_binding *b, uint32_t proc, char *buf, unsigned len)
{
	snprintf(buf, len, "%s.%s", b->iface->name, b->iface->ex->procs[proc - 1].name);
	return buf;
}

void lrpc_export(struct thread *t)
{
	struct machine *m = t->m;
	struct lrpc_export *ex = t->sc.ptr;
	struct right *r = proc_right(t->p, t->sc.name);
	struct lrpc_state *s = lrpc_state(m);
	struct lrpc_iface *f = NULL;

	t->sc.ptr = NULL;
	t->sc.err = UK_OK;
	if (!r || !(r->kinds & RIGHT_RECV) || t->dom)
		t->sc.err = UK_ENORIGHT;
	else if (!s || !(f = calloc(1, sizeof *f)) ||
		 push((void ***)&s->ifaces, &s->nifaces, &s->ifaces_cap, f) != 0)
		t->sc.err = UK_ENOMEM;
	if (t->sc.err) {
		free(f);
		free(ex);
		return;
	}
	f->id = s->nifaces;
	snprintf(f->name, sizeof f->name, "%s", ex->name);
	f->server = t->p;
	f->clerk = r->pt;
	f->ex = ex;
	TRACE_STR(m, TR_LRPC_EXPORT, f->name, strlen(f->name), f->id, t->p->pid, r->pt->id,
		  ex->nprocs);
	t->sc.val = f->id;
}

/* The sizes and places of b's A-stacks; the region's size in bytes. */
static uint64_t layout(struct lrpc_binding *b)
{
	const struct lrpc_export *ex = b->iface->ex;
	uint64_t off = 0;
	uint32_t k = 0;

	for (uint32_t i = 0; i < ex->nprocs; i++) {
		const struct lrpc_proc *pr = &ex->procs[i];
		uint32_t size = pr->args > pr->results ? pr->args : pr->results;
		size = size ? (size + 7) & ~7u : 8;
		b->first[i] = k;
		for (uint32_t j = 0; j < pr->astacks; j++, k++) {
			b->as[k].off = off;
			b->as[k].size = size;
			b->as[k].proc = i + 1;
			off += size;
		}
	}
	return off;
}

static void binding_free(struct lrpc_binding *b)
{
	if (!b)
		return;
	free(b->as);
	free(b->first);
	free(b->waiters);
	free(b);
}

/* A binding of client to f with its A-stacks laid out, not yet mapped;
 * NULL when memory runs out. *bytes gets the region's size. */
static struct lrpc_binding *binding_new(struct proc *client, struct lrpc_iface *f,
					uint64_t *bytes)
{
	struct lrpc_binding *b = calloc(1, sizeof *b);
	uint32_t n = 0;

	if (!b)
		return NULL;
	for (uint32_t i = 0; i < f->ex->nprocs; i++)
		n += f->ex->procs[i].astacks;
	b->iface = f;
	b->client = client;
	b->nas = n;
	b->as = calloc(n ? n : 1, sizeof *b->as);
	b->first = calloc(f->ex->nprocs ? f->ex->nprocs : 1, sizeof *b->first);
	b->waiters = calloc(f->ex->nprocs ? f->ex->nprocs : 1, sizeof *b->waiters);
	if (!b->as || !b->first || !b->waiters) {
		binding_free(b);
		return NULL;
	}
	*bytes = layout(b);
	return b;
}

/* Map b's region into both domains: made and given frames in the
 * client's, shared into the server's, then traced (vm_map and page_frame
 * records, then frames). UK_OK, or UK_ENOMEM with nothing of the region
 * left mapped and nothing of it traced (an address space made for a domain
 * on the way stays, traced as usual); nothing fails after the records. */
static int map_region(struct machine *m, struct lrpc_binding *b, uint64_t bytes)
{
	struct as *cas = vmsys_as(b->client), *sas = vmsys_as(b->iface->server);
	uint64_t pages = vm_span(&m->vm, 0, bytes ? bytes : 1);
	int err;

	if (!cas || !sas)
		return UK_ENOMEM;
	if (pages > UK_AS_MAX_PAGES || as_map(cas, VM_SHARED, pages, VM_R | VM_W, &b->caddr))
		return UK_ENOMEM;
	err = as_populate(cas, b->caddr);
	if (!err)
		err = as_share(cas, b->caddr, sas, &b->saddr);
	if (err) {
		as_unmap(cas, b->caddr, VM_SHARED);
		vmsys_frames(m);
		if (err == VM_EHOST)
			m->oom = 1;
		return UK_ENOMEM;
	}
	b->pages = pages;
	vmsys_traced_given(b->client, as_region(cas, b->caddr));
	vmsys_traced_given(b->iface->server, as_region(sas, b->saddr));
	vmsys_frames(m);
	return UK_OK;
}

void lrpc_bind(struct thread *t)
{
	struct machine *m = t->m;
	struct right *r = proc_right(t->p, t->sc.name);
	struct lrpc_iface *f = r ? iface_of_port(m, r->pt) : NULL;
	struct lrpc_state *s = m->lrpc;
	struct lrpc_binding *b;
	uint64_t bytes = 0;

	if (!r || !(r->kinds & (RIGHT_SEND | RIGHT_RECV)) || t->dom) {
		t->sc.err = UK_ENORIGHT;
		return;
	}
	if (!f || f->dead) {
		t->sc.err = r->pt->dead ? UK_EDEADPORT : UK_ENOTLRPC;
		return;
	}
	if (f->server->node != t->p->node) {
		/* LRPC shares memory between client and server: one machine only. */
		t->sc.err = UK_EREMOTE;
		return;
	}
	/* Every allocation before the mapping: once the A-stacks are mapped
	 * (and traced), nothing of the bind can fail. */
	if (reserve((void ***)&s->bindings, s->nbindings, &s->bindings_cap) != 0 ||
	    !(b = binding_new(t->p, f, &bytes))) {
		t->sc.err = UK_ENOMEM;
		return;
	}
	/* A server stopped for a move: a global reference at once (nothing is
	 * mapped into it now), rebound where it arrives if this client is there. */
	b->global = f->server->mig_stopped;
	if (!b->global && map_region(m, b, bytes) != UK_OK) {
		binding_free(b);
		t->sc.err = UK_ENOMEM;
		return;
	}
	s->bindings[s->nbindings++] = b;
	b->id = s->nbindings;
	s->globals += b->global;
	TRACE(m, TR_LRPC_BIND, b->id, f->id, t->p->pid, b->caddr, b->saddr, b->pages);
	/* Mapping the A-stacks into two address spaces, page by page. */
	t->work_ns += net_costs(m, t->p)->page_map_ns * b->pages * 2;
	t->sc.err = UK_OK;
	t->sc.val = b->id;
}

/* --- the end of a call, a thread, a process --- */

/* t's pending call, if any, is dropped: it will not take effect. */
static void drop_pending(struct thread *t)
{
	if (!t->effect_pending)
		return;
	t->effect_pending = 0;
	if (t->sc.m) {
		msg_free(t->sc.m);
		t->sc.m = NULL;
	}
	if (t->sc.op == SYS_LOG) {
		free(t->sc.ptr);
		t->sc.ptr = NULL;
	}
	t->sc.op = SYS_NONE;
}

/* Throw t out of call fr and every call made from within it: they are
 * revoked (their A-stacks free again), t is back in the domain fr came
 * from, and whatever it was doing there stops now. */
static void throw_back(struct thread *t, struct lrpc_frame *fr)
{
	struct machine *m = t->m;
	struct proc *left = thread_domain(t);
	struct lrpc_frame *f = t->lrpc;

	for (;; f = f->prev) {
		if (!f->revoked) {
			f->revoked = 1;
			lrpc_astack_free(m, f->b, f->astack);
		}
		if (f == fr)
			break;
	}
	t->dom = fr->from;
	m->lrpc->revoked++;
	if (t->p->mig_stopped && !t->dom)
		migrate_lrpc_back(t->p);
	TRACE(m, TR_LRPC_RETURN, t->tid, left->pid, thread_domain(t)->pid, fr->b->id,
	      fr->b->as[fr->astack].proc, 2);
	if (t->state == T_BLOCKED) {
		ipc_cancel(t);
		if (t->sc.m) {
			msg_free(t->sc.m);
			t->sc.m = NULL;
		}
		thread_wake(t, UK_EREVOKED, 0);
		return;
	}
	drop_pending(t);
	if (t->state == T_RUNNING)
		t->cpu->dom = thread_domain(t);
	machine_cut(m, t);
}

/* The server of b has ended: b is revoked. */
static void revoke(struct machine *m, struct lrpc_binding *b)
{
	b->revoked = 1;
	for (uint32_t i = 0; i < b->iface->ex->nprocs; i++) {
		struct thread *w;
		while ((w = tq_pop(&b->waiters[i])) != NULL) {
			msg_free(w->sc.m);
			w->sc.m = NULL;
			m->lrpc->revoked++;
			thread_wake(w, UK_EREVOKED, 0);
		}
	}
	for (uint32_t k = 0; k < b->nas; k++) {
		struct thread *h = b->as[k].holder;
		struct lrpc_frame *fr;
		if (!h)
			continue;
		/* The outermost call of h on b: everything from there is thrown back. */
		for (fr = h->lrpc; fr && !(fr->b == b && fr->astack == k); fr = fr->prev)
			;
		if (fr && !fr->revoked)
			throw_back(h, fr);
	}
}

/* b's E-stacks go back to its server's pool. */
static void estacks_back(struct lrpc_binding *b)
{
	struct lrpc_iface *f = b->iface;

	for (uint32_t k = 0; k < b->nas; k++) {
		uint32_t e = b->as[k].estack;
		if (!e || f->dead)
			continue;
		if (f->nfree == f->free_cap) {
			uint32_t cap = f->free_cap ? f->free_cap * 2 : 8;
			uint32_t *v = realloc(f->free_es, cap * sizeof *v);
			if (!v)
				continue;   /* that E-stack is not reused: no harm but memory */
			f->free_es = v;
			f->free_cap = cap;
		}
		f->free_es[f->nfree++] = e;
		b->as[k].estack = 0;
	}
}

/* The client of b has ended: its A-stacks leave the server's address
 * space (a global reference has none), their E-stacks go back to the
 * server's pool. */
static void release(struct machine *m, struct lrpc_binding *b)
{
	struct lrpc_iface *f = b->iface;

	b->gone = 1;
	if (b->global)
		return;
	if (!f->dead && f->server->as && as_unmap(f->server->as, b->saddr, VM_SHARED) == VM_OK) {
		TRACE(m, TR_VM_UNMAP, f->server->pid, b->saddr, b->pages);
		vmsys_frames(m);
	}
	estacks_back(b);
}

void lrpc_proc_exit(struct proc *p)
{
	struct lrpc_state *s = p->m->lrpc;

	for (uint32_t i = 0; i < s->nifaces; i++)
		if (s->ifaces[i]->server == p)
			s->ifaces[i]->dead = 1;
	for (uint32_t i = 0; i < s->nbindings; i++) {
		struct lrpc_binding *b = s->bindings[i];
		if (b->iface->server == p && !b->revoked)
			revoke(p->m, b);
		if (b->client == p && !b->gone)
			release(p->m, b);
	}
}

void lrpc_thread_exit(struct thread *t)
{
	while (t->lrpc) {
		struct lrpc_frame *f = t->lrpc;
		t->lrpc = f->prev;
		if (!f->revoked)
			lrpc_astack_free(t->m, f->b, f->astack);
		free(f);
	}
	if (t->dom && t->p->mig_stopped) {
		t->dom = NULL;
		migrate_lrpc_back(t->p);
	}
	t->dom = NULL;
}

int lrpc_call_state(struct thread *t, uint64_t id)
{
	struct lrpc_frame *f;

	for (f = t->lrpc; f && f->id != id; f = f->prev)
		;
	if (!f)
		return -1;
	if (!f->revoked)
		return 1;
	while (t->lrpc != f) {
		struct lrpc_frame *g = t->lrpc;
		t->lrpc = g->prev;
		free(g);
	}
	t->lrpc = f->prev;
	free(f);
	return 0;
}

const struct lrpc_frame *lrpc_current(const struct thread *t)
{
	return t->lrpc;
}

struct thread *lrpc_astack_holder(struct thread *t)
{
	struct lrpc_state *s = t->m->lrpc;

	for (uint32_t i = 0; s && t->inq && i < s->nbindings; i++) {
		struct lrpc_binding *b = s->bindings[i];
		uint32_t n = b->iface->ex->nprocs;
		if (t->inq < b->waiters || t->inq >= b->waiters + n)
			continue;
		n = (uint32_t)(t->inq - b->waiters);
		for (uint32_t k = b->first[n]; k < b->nas && b->as[k].proc == n + 1; k++)
			if (b->as[k].holder)
				return b->as[k].holder;
	}
	return NULL;
}

/* --- migration: global references and rebinding --- */

int lrpc_in_call(const struct proc *p)
{
	for (const struct thread *t = p->threads; t; t = t->pnext)
		if (t->dom && t->state != T_EXITED)
			return 1;
	return 0;
}

int lrpc_exports(const struct proc *p)
{
	const struct lrpc_state *s = p->m->lrpc;

	for (uint32_t i = 0; s && i < s->nifaces; i++)
		if (s->ifaces[i]->server == p && !s->ifaces[i]->dead)
			return 1;
	return 0;
}

/* Is b a live binding of p's that is (global 1) or is not (0) a global reference? */
static int of_client(const struct lrpc_binding *b, const struct proc *p, int global)
{
	return b->client == p && !b->gone && !b->revoked && !b->iface->dead &&
	       b->global == global;
}

/* Is a call in progress on b: one of its A-stacks held? */
static int busy(const struct lrpc_binding *b)
{
	for (uint32_t k = 0; k < b->nas; k++)
		if (b->as[k].holder)
			return 1;
	return 0;
}

/* b (no call in progress on it) becomes a global reference: threads
 * waiting for its A-stacks are woken with UK_EREMOTE (their stubs call the
 * clerk by message), its A-stacks leave both domains, their E-stacks go
 * back to the server's pool. */
static void make_global(struct machine *m, struct lrpc_binding *b)
{
	struct proc *client = b->client, *server = b->iface->server;

	for (uint32_t j = 0; j < b->iface->ex->nprocs; j++) {
		struct thread *w;
		while ((w = tq_pop(&b->waiters[j])) != NULL) {
			msg_free(w->sc.m);
			w->sc.m = NULL;
			thread_wake(w, UK_EREMOTE, 0);
		}
	}
	if (client->as && as_unmap(client->as, b->caddr, VM_SHARED) == VM_OK)
		TRACE(m, TR_VM_UNMAP, client->pid, b->caddr, b->pages);
	if (server->as && as_unmap(server->as, b->saddr, VM_SHARED) == VM_OK)
		TRACE(m, TR_VM_UNMAP, server->pid, b->saddr, b->pages);
	vmsys_frames(m);
	estacks_back(b);
	b->global = 1;
	b->caddr = b->saddr = 0;
	b->pages = 0;
	m->lrpc->globals++;
}

/* Global reference b is mapped again as an LRPC: 1, or 0 when there is no
 * memory for it (it stays a global reference). */
static int map_again(struct machine *m, struct lrpc_binding *b)
{
	if (map_region(m, b, layout(b)) != UK_OK)
		return 0;
	b->global = 0;
	m->lrpc->rebinds++;
	TRACE(m, TR_LRPC_BIND, b->id, b->iface->id, b->client->pid, b->caddr, b->saddr, b->pages);
	return 1;
}

uint32_t lrpc_globalize(struct proc *p, uint32_t to)
{
	struct machine *m = p->m;
	struct lrpc_state *s = m->lrpc;
	uint32_t n = 0;

	for (uint32_t i = 0; s && i < s->nbindings; i++) {
		struct lrpc_binding *b = s->bindings[i];
		if (!of_client(b, p, 0) || b->iface->server->node == to)
			continue;
		if (busy(b))
			continue;       /* not stopped yet: its calls come back first */
		make_global(m, b);
		n++;
	}
	return n;
}

uint32_t lrpc_rebind(struct proc *p)
{
	struct machine *m = p->m;
	struct lrpc_state *s = m->lrpc;
	uint32_t n = 0;

	for (uint32_t i = 0; s && i < s->nbindings; i++) {
		struct lrpc_binding *b = s->bindings[i];
		const struct proc *server = b->iface->server;
		/* a server stopped for a move is rebound where it arrives */
		if (of_client(b, p, 1) && server->node == p->node && server->state == P_LIVE &&
		    !server->mig_stopped)
			n += (uint32_t)map_again(m, b);
	}
	return n;
}

/* Is b a live binding to an interface p exports (and still serves)? */
static int of_server(const struct lrpc_binding *b, const struct proc *p)
{
	return b->iface->server == p && !b->iface->dead && !b->gone && !b->revoked;
}

int lrpc_serving(const struct proc *p)
{
	const struct lrpc_state *s = p->m->lrpc;

	for (uint32_t i = 0; s && i < s->nbindings; i++)
		if (of_server(s->bindings[i], p) && busy(s->bindings[i]))
			return 1;
	return 0;
}

uint32_t lrpc_globalize_served(struct proc *p)
{
	struct machine *m = p->m;
	struct lrpc_state *s = m->lrpc;
	uint32_t n = 0;

	for (uint32_t i = 0; s && i < s->nbindings; i++) {
		struct lrpc_binding *b = s->bindings[i];
		if (!of_server(b, p) || b->global || busy(b))
			continue;
		make_global(m, b);
		n++;
	}
	return n;
}

uint32_t lrpc_rebind_served(struct proc *p)
{
	struct machine *m = p->m;
	struct lrpc_state *s = m->lrpc;
	uint32_t n = 0;

	for (uint32_t i = 0; s && i < s->nbindings; i++) {
		struct lrpc_binding *b = s->bindings[i];
		const struct proc *c = b->client;
		/* a client stopped for a move of its own is rebound where it arrives */
		if (of_server(b, p) && b->global && c->node == p->node && c->state == P_LIVE &&
		    !c->mig_stopped)
			n += (uint32_t)map_again(m, b);
	}
	return n;
}

void lrpc_free(struct machine *m)
{
	struct lrpc_state *s = m->lrpc;

	if (!s)
		return;
	/* Calls still in progress when the run ended. */
	for (uint32_t i = 0; i < m->nthreads; i++)
		while (m->threads[i]->lrpc) {
			struct lrpc_frame *f = m->threads[i]->lrpc;
			m->threads[i]->lrpc = f->prev;
			free(f);
		}
	for (uint32_t i = 0; i < s->nbindings; i++)
		binding_free(s->bindings[i]);
	for (uint32_t i = 0; i < s->nifaces; i++) {
		free(s->ifaces[i]->ex);
		free(s->ifaces[i]->free_es);
		free(s->ifaces[i]);
	}
	free(s->bindings);
	free(s->ifaces);
	free(s);
	m->lrpc = NULL;
}
