/*
 * migrate_move.c - the mechanics of moving a process to another node (see
 * migrate.h): its transfers on the link, the list of its pages (those with
 * a frame, those written since they were sent), stopping it, and starting
 * it on the target: with strong mobility its address space goes to the
 * target's memory, its ready kernel threads to its scheduler, its LRPC
 * bindings are rebound and the messages queued on its ports follow it;
 * with weak mobility a new incarnation starts there. When each of these
 * happens is decided by the state machine in migrate.c.
 */
#include "migrate.h"
#include "migrate_impl.h"

#include <stdlib.h>

#include "ipc.h"
#include "lrpc.h"
#include "machine.h"
#include "net.h"
#include "port.h"
#include "proc.h"
#include "thread.h"
#include "trace.h"
#include "uk_err.h"
#include "vmsys.h"
#include "vm.h"

/* Nanoseconds to send bytes at bps, rounded up (as net.c does). */
static uint64_t tx_time(uint64_t bytes, uint64_t bps)
{
	unsigned __int128 bits = (unsigned __int128)bytes * 8 * 1000000000u;

	return (uint64_t)((bits + bps - 1) / bps);
}

/* Put payload bytes on the link from -> to at time start (or after what
 * its direction is sending then): packets of mtu bytes, header included.
 * Returns when the last one arrives. count: the bytes are the migration's
 * (a page request is not). */
uint64_t migrate_ship(struct machine *m, struct migration *g, uint32_t from, uint32_t to,
		     uint64_t payload, int count, uint64_t start)
{
	struct link *l = net_link(m, from, to);
	struct link_dir *d = &l->dir[l->a == from ? 0 : 1];
	uint64_t room = l->mtu - NET_HEADER;
	uint64_t npk = payload ? (payload + room - 1) / room : 1;
	uint64_t wire = payload + NET_HEADER * npk, tx = tx_time(wire, l->bandwidth_bps);
	uint64_t at = d->busy_until > start ? d->busy_until : start;

	d->busy_until = at + tx;
	d->busy_ns += tx;
	d->packets += npk;
	d->bytes += wire;
	m->net->packets += npk;
	if (count) {
		g->bytes += payload;
		g->packets += npk;
	}
	return at + tx + l->latency_ns;
}

/* --- the pages --- */

struct mig_page *migrate_page_find(struct migration *g, uint64_t vpn)
{
	uint32_t lo = 0, hi = g->npg;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (g->pg[mid].vpn < vpn)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < g->npg && g->pg[lo].vpn == vpn ? &g->pg[lo] : NULL;
}

/* Add vpn (kept sorted); the entry, or NULL when memory runs out. */
struct mig_page *migrate_page_add(struct migration *g, uint64_t vpn)
{
	uint32_t i = g->npg;
	struct mig_page *e = migrate_page_find(g, vpn);

	if (e)
		return e;
	if (g->npg == g->pgcap) {
		uint32_t cap = g->pgcap ? g->pgcap * 2 : 64;
		struct mig_page *v = realloc(g->pg, cap * sizeof *v);
		if (!v)
			return NULL;
		g->pg = v;
		g->pgcap = cap;
	}
	while (i > 0 && g->pg[i - 1].vpn > vpn) {
		g->pg[i] = g->pg[i - 1];
		i--;
	}
	g->pg[i] = (struct mig_page){ .vpn = vpn };
	g->npg++;
	return &g->pg[i];
}

/* The pages of p's data to move: every page of its heap and stack that
 * has a frame (a page never touched is made zero-filled wherever it is
 * first touched). 0, or -1 when memory runs out. */
int migrate_collect(struct migration *g)
{
	const struct as *as = g->p->as;

	if (!as)
		return 0;
	for (uint32_t r = 0; r < as->nreg; r++) {
		const struct vm_region *reg = &as->reg[r];
		if (reg->kind == VM_TEXT || reg->kind == VM_SHARED)
			continue;       /* code goes apart; LRPC's A-stacks do not go */
		for (uint64_t i = 0; i < reg->npages; i++)
			if (reg->pte[i].frame && !migrate_page_add(g, (reg->start >> as->vm->shift) + i))
				return -1;
	}
	return 0;
}

uint64_t migrate_count_dirty(const struct migration *g)
{
	uint64_t n = 0;

	for (uint32_t i = 0; i < g->npg; i++)
		n += g->pg[i].dirty;
	return n;
}

void migrate_clear_dirty(struct migration *g)
{
	for (uint32_t i = 0; i < g->npg; i++)
		g->pg[i].dirty = 0;
}

/* Send npages pages of p from node from to node to, leaving at start:
 * their bytes cross the link (with extra bytes of code or state in the same
 * transfer). The frames change memories when the process starts on to
 * (migrate_restart_here), or, a page pulled on demand, when it arrives
 * (migrate_arrived). Returns when the last packet arrives. */
uint64_t migrate_move_pages(struct machine *m, struct migration *g, uint64_t npages,
			   uint64_t extra, uint64_t start)
{
	g->pages += npages;
	return migrate_ship(m, g, g->from, g->to, npages * m->vm.page_size + extra, 1, start);
}

/* --- stopping and starting the process --- */

void migrate_stop(struct migration *g)
{
	struct machine *m = g->p->m;

	g->p->mig_stopped = 1;
	g->stop = m->now;
	/* Its kernel threads leave their CPUs (one-to-one threads, LWPs); a
	 * user thread runs only on its LWP and stops with it. A thread inside
	 * an LRPC server's domain goes on until its call returns. */
	for (struct thread *t = g->p->threads; t; t = t->pnext)
		if (t->state == T_RUNNING && t->kind != THREAD_USER && !t->dom)
			machine_preempt(m, t);
}

/* Bytes of p's execution state: MIG_THREAD_STATE per kernel thread (a
 * one-to-one thread, an LWP not exited) and MIG_UTHREAD_STATE per user
 * thread of a many-to-* runtime not exited. */
uint64_t migrate_state_bytes(const struct proc *p)
{
	uint64_t n = 0;

	if (p->model == MODEL_ONE_TO_ONE)
		return (uint64_t)p->nthreads * MIG_THREAD_STATE;
	for (const struct thread *t = p->threads; t; t = t->pnext)
		if (t->state != T_EXITED)
			n += t->kind == THREAD_USER ? MIG_UTHREAD_STATE : MIG_THREAD_STATE;
	return n;
}

static uint64_t node_mask(const struct node *nd)
{
	return (nd->ncpus >= 64 ? UINT64_MAX : (1ull << nd->ncpus) - 1) << nd->cpu0;
}

/* p's address space goes to memory to: every page that has come, that
 * is all but those on-demand leaves on from (remote), whose frames there
 * the migration keeps until they are pulled. A VM_ error. */
static int move_as(struct machine *m, struct migration *g, struct vm *to)
{
	uint64_t *away = NULL, n = 0;
	uint32_t *frames = NULL;
	int err;

	for (uint32_t i = 0; i < g->npg; i++)
		n += g->pg[i].remote;
	if (!n)
		return as_move(g->p->as, to);
	away = malloc(n * sizeof *away);
	frames = malloc(n * sizeof *frames);
	if (!away || !frames) {
		free(away);
		free(frames);
		return VM_EHOST;
	}
	n = 0;
	for (uint32_t i = 0; i < g->npg; i++)
		if (g->pg[i].remote)
			away[n++] = g->pg[i].vpn << m->vm.shift;
	err = as_move_except(g->p->as, to, away, n, frames);
	if (err == VM_OK) {
		n = 0;
		for (uint32_t i = 0; i < g->npg; i++)
			if (g->pg[i].remote) {
				g->pg[i].frame = frames[n++];
				g->pg[i].remote = g->pg[i].frame != 0;
			}
	}
	free(away);
	free(frames);
	return err;
}

/* Strong mobility: p lives on to from now on and may run again: its pages
 * take frames of to's memory (those of from are freed), but those that
 * on-demand leaves on from, which take theirs as they arrive. UK_OK; or
 * UK_ENOMEM when to has too few free frames for all: p then runs on from
 * again. */
int migrate_restart_here(struct machine *m, struct migration *g)
{
	struct proc *p = g->p;
	const struct node *nd = &m->net->nodes[g->to];
	uint64_t bytes = 0;

	if (p->as) {
		char doing[2 * UK_NAME_MAX + 32], at[256] = "";
		struct thread *c = g->caller ? machine_thread(m, g->caller) : NULL;
		int err;

		snprintf(doing, sizeof doing, "migrate '%s' to '%s'", p->name, nd->name);
		/* where it was asked for: its declaration, or the migrate() call
		 * the caller waits in */
		if (!g->where[0] && c && c->body && c->body->where)
			c->body->where(c, at, sizeof at);
		m->vm_doing = doing;      /* for the cap on the frames' host memory */
		m->vm_doing_where = g->where[0] ? g->where : at;
		err = move_as(m, g, vmsys_vm(m, g->to));
		m->vm_doing = m->vm_doing_where = NULL;
		vmsys_frames(m);
		if (err != VM_OK) {
			if (err == VM_EHOST)
				m->oom = 1;
			p->mig_stopped = 0;
			m->resched = 1;
			/* where it was: its servers, and its clients, there are local again */
			g->lrpc_rebound += lrpc_rebind(p);
			g->lrpc_clients_rebound += lrpc_rebind_served(p);
			return UK_ENOMEM;
		}
	}

	/* Its ready kernel threads (LWPs included) leave the old node's
	 * scheduler for the new one's; user threads stay where their runtime
	 * keeps them (its ready queue, a lock's queue, their LWP). */
	for (struct thread *t = p->threads; t; t = t->pnext)
		if (t->state == T_READY && t->kind != THREAD_USER)
			sched_remove(machine_sched(m, t), t);
	p->node = g->to;
	p->affinity = node_mask(nd);
	p->mig_stopped = 0;
	for (struct thread *t = p->threads; t; t = t->pnext)
		if (t->state == T_READY && t->kind != THREAD_USER) {
			struct sched *s = machine_sched(m, t);
			t->home = UINT32_MAX;
			s->ops->enqueue(s, t);
			if (s->ops->preempts || s->ops->victim)
				m->resched = 1;
		}
	TRACE(m, TR_PROC_NODE, p->pid, p->node);
	g->lrpc_rebound += lrpc_rebind(p);
	g->lrpc_clients_rebound += lrpc_rebind_served(p);
	if (m->mig->hook)
		m->mig->hook(p, g->to, (int)g->req.clock);
	/* What waits on its ports goes after it. */
	for (uint32_t i = 0; i < m->nports; i++) {
		struct port *pt = m->ports[i];
		if (pt->owner == p && !pt->dead && pt->qhead)
			ipc_forward_queued(pt, g->from, g->to, &bytes);
	}
	return UK_OK;
}

/* Weak mobility: p ends on from; a new incarnation starts on to. */
int migrate_restart_fresh(struct machine *m, struct migration *g)
{
	struct proc *old = g->p, *np;
	const struct node *nd = &m->net->nodes[g->to];
	char num[16];
	int len;

	if (old->state == P_LIVE) {
		if (!old->daemon)      /* the new incarnation is the process to come */
			m->live_nondaemon++;
		proc_exit(old, 0, 0);
	}
	if (!(np = old->respawn(old)))
		return -1;
	np->origin = old->origin;
	np->incarnation = old->incarnation + 1;
	np->node = g->to;
	np->affinity = node_mask(nd);
	np->big_endian = nd->big_endian;
	len = snprintf(num, sizeof num, "#%u", np->incarnation);
	snprintf(np->name, sizeof np->name, "%.*s%s", (int)(sizeof np->name - 1) - len,
		 old->origin->name, num);
	if (m->mig->hook)
		m->mig->hook(np, g->to, MIG_CLOCK_REBIND);
	if (proc_start(np) != 0)
		return -1;
	g->new_pid = np->pid;
	return 0;
}
