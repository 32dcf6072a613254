/*
 * migrate.c - process migration between nodes (see migrate.h).
 *
 * A migration is a little state machine driven by its own events: each
 * batch of pages is put on the link when a phase begins and the phase ends
 * when its last packet arrives (an EV_MIGRATE event). The process is
 * stopped by a flag the scheduler honours (sched_allowed: its threads may
 * run on no CPU), so a thread stopped in the middle of its work keeps the
 * rest of it and its pending system call, and goes on where it was once it
 * is allowed on the target's CPUs.
 *
 * Entry points: migrate_sys (the system call), migrate_event (its events),
 * migrate_lrpc_back (lrpc.c: a call in progress came back), migrate_set_hook,
 * migrate_free; migrate_wrote, migrate_pull and migrate_forwarded (while
 * the process runs) are in migrate_run.c; the names of the options,
 * migrate_get and migrate_stats in migrate_stats.c.
 */
#include "migrate.h"
#include "migrate_impl.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

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

static struct mig_state *state(struct machine *m)
{
	if (!m->mig)
		m->mig = calloc(1, sizeof *m->mig);
	return m->mig;
}

void migrate_set_hook(struct machine *m, void (*hook)(struct proc *p, uint32_t to, int how))
{
	if (state(m))
		m->mig->hook = hook;
	else
		m->oom = 1;
}

/* The migration under way for p, or NULL. */
struct migration *migrate_of(const struct machine *m, const struct proc *p)
{
	if (!m->mig)
		return NULL;
	for (uint32_t i = m->mig->n; i-- > 0;) {
		struct migration *g = m->mig->v[i];
		if (g->p == p && g->phase != MP_DONE && g->phase != MP_FAILED &&
		    g->phase != MP_PENDING)
			return g;
	}
	return NULL;
}

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
static int collect(struct migration *g)
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

static uint64_t count_dirty(const struct migration *g)
{
	uint64_t n = 0;

	for (uint32_t i = 0; i < g->npg; i++)
		n += g->pg[i].dirty;
	return n;
}

static void clear_dirty(struct migration *g)
{
	for (uint32_t i = 0; i < g->npg; i++)
		g->pg[i].dirty = 0;
}

/* Send npages pages of p from node from to node to, leaving at start:
 * their bytes cross the link (with extra bytes of code or state in the same
 * transfer). The frames change memories when the process starts on to
 * (restart_here), or, a page pulled on demand, when it arrives
 * (migrate_arrived). Returns when the last packet arrives. */
uint64_t migrate_move_pages(struct machine *m, struct migration *g, uint64_t npages,
			   uint64_t extra, uint64_t start)
{
	g->pages += npages;
	return migrate_ship(m, g, g->from, g->to, npages * m->vm.page_size + extra, 1, start);
}

/* --- stopping and starting the process --- */

static void stop(struct migration *g)
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
static uint64_t state_bytes(const struct proc *p)
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
static int restart_here(struct machine *m, struct migration *g)
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
static int restart_fresh(struct machine *m, struct migration *g)
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

static void post(struct machine *m, struct migration *g, uint64_t when)
{
	if (evq_push(&m->evq, when, EV_MIGRATE, 0, g) != 0)
		m->oom = 1;
}

static void finish(struct machine *m, struct migration *g, int err)
{
	struct thread *c = g->caller ? machine_thread(m, g->caller) : NULL;
	int stopped = g->phase == MP_STOPPED || g->phase == MP_DRAINING;

	g->err = err;
	g->at_resume_pages = g->pages;
	g->at_resume_bytes = g->bytes;
	g->at_resume_packets = g->packets;
	for (uint32_t i = 0; i < g->npg; i++)
		g->at_resume_left += g->pg[i].remote;
	if (g->phase != MP_RUNNING_REMOTE) {
		g->phase = err ? MP_FAILED : MP_DONE;
		g->end = m->now;
	}
	if (err) {
		/* not moved: stopped (if it was) until now, where it was */
		if (!stopped)
			g->stop = m->now;
		g->resume = m->now;
	} else
		TRACE(m, TR_MIGRATE_END, g->id, g->new_pid ? g->new_pid : g->pid, g->resume - g->stop,
		      g->resume - g->begin, g->pages, g->bytes);
	g->caller = 0;
	if (c && c->state == T_BLOCKED && c->why == R_IO) {
		c->sc.val = g->id;
		thread_wake(c, err, 0);
	}
}

static void declared(struct machine *m, struct migration *g);

/* Is a call of p in progress in an LRPC server's domain, or one of its
 * clients' in p's? The copy waits for them to return. */
static int in_calls(const struct proc *p)
{
	return lrpc_in_call(p) || lrpc_serving(p);
}

/* The process is stopped and no call of it is in progress in an LRPC
 * server's domain, nor in its own: its bindings to servers not on the
 * target, and every binding to the interfaces it exports, become global
 * references; what is left to send goes on the link (stop-and-copy: the
 * code and every page; on-demand: the code; pre-copy: the pages written
 * since the last round), with the execution state. */
static void ship_stopped(struct machine *m, struct migration *g)
{
	uint64_t code = 0, n, when;

	if (g->phase == MP_DRAINING)
		g->lrpc_wait_ns = m->now - g->stop;
	/* Pages that got a frame since begin (in the rounds, or from calls
	 * that ran in its domain while the stop waited) go too. */
	if (g->req.mobility == MIG_STRONG && collect(g) != 0)
		m->oom = 1;
	g->lrpc_global += lrpc_globalize(g->p, g->to);
	g->lrpc_clients_global += lrpc_globalize_served(g->p);
	g->state_bytes = state_bytes(g->p);
	if (g->req.strategy == MIG_PRE_COPY) {
		n = count_dirty(g);
		clear_dirty(g);
	} else {
		code = g->code_pages;
		n = g->req.strategy == MIG_ON_DEMAND ? 0 : g->npg;
		if (g->req.strategy == MIG_ON_DEMAND)
			for (uint32_t i = 0; i < g->npg; i++)
				g->pg[i].remote = 1;
	}
	g->phase = MP_STOPPED;
	when = migrate_move_pages(m, g, code + n, g->state_bytes, m->now);
	TRACE(m, TR_MIGRATE_ROUND, g->id, 0, code + n,
	      (code + n) * m->vm.page_size + g->state_bytes, when);
	post(m, g, when);
}

/* Stop the process; the copy follows at once, or once the LRPC calls in
 * progress in servers' domains (its own calls) and in its domain (its
 * clients') have returned. */
static void stop_then_ship(struct machine *m, struct migration *g)
{
	stop(g);
	if (in_calls(g->p)) {
		g->phase = MP_DRAINING;
		return;
	}
	ship_stopped(m, g);
}

void migrate_lrpc_back(struct proc *p)
{
	struct migration *g = migrate_of(p->m, p);

	if (g && g->phase == MP_DRAINING && !g->drain_posted) {
		g->drain_posted = 1;
		post(p->m, g, p->m->now);
	}
}

/* The last packet of the batch on the link arrived; or a declared
 * migration's time came. */
void migrate_event(struct machine *m, void *obj)
{
	struct migration *g = obj;
	uint64_t when;

	if (g->phase == MP_PENDING) {
		declared(m, g);
		return;
	}
	if ((g->phase == MP_ROUND || g->phase == MP_STOPPED || g->phase == MP_DRAINING) &&
	    g->p->state != P_LIVE &&
	    !(g->req.mobility == MIG_WEAK && g->phase == MP_STOPPED)) {
		/* It ended (its work done, or a crash) before it got there. */
		g->p->mig_stopped = 0;
		finish(m, g, UK_ENOENT);
		return;
	}
	if (g->phase == MP_ROUND) {
		uint64_t dirty = g->req.mobility == MIG_WEAK ? 0 : count_dirty(g);
		int last = dirty <= g->req.stop_pages || g->rounds >= g->req.max_rounds;
		if (!last) {
			g->round_pages[g->rounds++] = dirty;
			clear_dirty(g);
			when = migrate_move_pages(m, g, dirty, 0, m->now);
			TRACE(m, TR_MIGRATE_ROUND, g->id, g->rounds, dirty, dirty * m->vm.page_size,
			      when);
			post(m, g, when);
			return;
		}
		if (g->req.mobility == MIG_WEAK) {
			g->stop = m->now;
			goto arrived;
		}
		stop_then_ship(m, g);
		return;
	}
	if (g->phase == MP_DRAINING) {
		/* A call came back: the threads that are out of servers' domains
		 * leave their CPUs; the copy begins when none is left inside. */
		uint64_t stopped_at = g->stop;
		g->drain_posted = 0;
		stop(g);
		g->stop = stopped_at;
		if (!in_calls(g->p))
			ship_stopped(m, g);
		return;
	}
	if (g->phase == MP_RUNNING_REMOTE) {
		migrate_arrived(m, g);          /* pages pulled have come */
		return;
	}
	if (g->phase != MP_STOPPED)
		return;
arrived:
	g->resume = m->now;
	if (g->req.mobility == MIG_WEAK) {
		if (restart_fresh(m, g) != 0) {
			m->oom = 1;
			finish(m, g, UK_ENOMEM);
			return;
		}
	} else {
		int err = restart_here(m, g);
		if (g->lrpc_global || g->lrpc_rebound)
			machine_log(m, "%smigrate '%s' to '%s': LRPC bindings: %u made global "
				    "references (calls go as messages), %u rebound as LRPC%s",
				    g->where, g->p->name, m->net->nodes[g->to].name, g->lrpc_global,
				    g->lrpc_rebound, g->lrpc_wait_ns ? "; it waited for calls in "
				    "progress" : "");
		if (g->lrpc_clients_global || g->lrpc_clients_rebound)
			machine_log(m, "%smigrate '%s' to '%s': its LRPC clients' bindings: %u made "
				    "global references (calls go as messages to its clerk), %u "
				    "rebound as LRPC%s", g->where, g->p->name,
				    m->net->nodes[g->to].name, g->lrpc_clients_global,
				    g->lrpc_clients_rebound, g->lrpc_wait_ns ? "; it waited for calls "
				    "in progress" : "");
		if (err) {
			/* When memory ran out (the host's, or the cap on the frames'),
			 * the run stops here and its report says why: nothing runs on. */
			if (!m->oom)
				machine_log(m, "%smigrate '%s' to '%s': not moved: %s; it runs on "
					    "at '%s'", g->where, g->p->name,
					    m->net->nodes[g->to].name,
					    "too few free frames there for its pages",
					    m->net->nodes[g->from].name);
			finish(m, g, err);
			return;
		}
		for (uint32_t i = 0; i < g->npg; i++)
			if (g->pg[i].remote) {
				g->phase = MP_RUNNING_REMOTE;
				break;
			}
	}
	finish(m, g, UK_OK);
}

/* --- the system call --- */

static int check(struct machine *m, const struct migrate_req *r, struct proc **pp)
{
	struct proc *p = r->pid && r->pid <= m->nprocs ? m->procs[r->pid - 1] : NULL;

	if (!m->net || r->node >= m->net->nnodes || !p)
		return UK_EINVAL;
	if (p->state != P_LIVE)
		return UK_ENOENT;
	if (p->node == r->node || !net_link(m, p->node, r->node))
		return UK_ENOROUTE;
	if (migrate_of(m, p))
		return UK_EINVAL;
	if (r->mobility == MIG_WEAK && (!p->respawn || r->strategy == MIG_ON_DEMAND))
		return UK_EINVAL;
	if (vmsys_shm_mapped(p))
		return UK_ESHARED;      /* shared memory is of one machine */
	if (r->mobility == MIG_STRONG && p->as) {
		const struct vm *to = vmsys_vm(m, r->node);
		if (as_frames_held(p->as) > to->nframes - to->used)
			return UK_ENOMEM;       /* it would not fit there */
	}
	*pp = p;
	return UK_OK;
}

static struct migration *record(struct machine *m)
{
	struct mig_state *s = state(m);
	struct migration *g;

	if (!s)
		return NULL;
	if (s->n == s->cap) {
		uint32_t cap = s->cap ? s->cap * 2 : 8;
		struct migration **v = realloc(s->v, cap * sizeof *v);
		if (!v)
			return NULL;
		s->v = v;
		s->cap = cap;
	}
	if (!(g = calloc(1, sizeof *g)))
		return NULL;
	s->v[s->n++] = g;
	g->id = s->n;
	return g;
}

/* Start migration g of process p (checked) now: its first batch on the
 * link. 0, or -1 when memory runs out. */
static int begin(struct machine *m, struct migration *g, struct proc *p)
{
	uint64_t when;

	g->p = p;
	if (g->req.mobility == MIG_STRONG && collect(g) != 0)
		return -1;
	g->pid = p->pid;
	g->from = p->node;
	g->to = g->req.node;
	g->begin = m->now;
	g->code_pages = VM_TEXT_PAGES;
	TRACE(m, TR_MIGRATE, g->id, g->pid, g->from, g->to, (uint64_t)g->req.strategy,
	      (uint64_t)g->req.mobility);
	if (g->req.strategy == MIG_PRE_COPY) {
		/* Everything while it runs; its writes are watched from now on. */
		uint64_t n = g->req.mobility == MIG_WEAK ? 0 : g->npg;
		g->phase = MP_ROUND;
		g->round_pages[g->rounds++] = n;
		when = migrate_move_pages(m, g, g->code_pages + n, 0, m->now);
		TRACE(m, TR_MIGRATE_ROUND, g->id, g->rounds, g->code_pages + n,
		      (g->code_pages + n) * m->vm.page_size, when);
	} else if (g->req.mobility == MIG_WEAK) {
		/* Stop-and-copy of the code alone: the process ends now. */
		g->stop = m->now;
		if (!p->daemon)
			m->live_nondaemon++;
		proc_exit(p, 0, 0);
		g->phase = MP_STOPPED;
		when = migrate_move_pages(m, g, g->code_pages, 0, m->now);
		TRACE(m, TR_MIGRATE_ROUND, g->id, 0, g->code_pages, g->code_pages * m->vm.page_size,
		      when);
	} else {
		stop_then_ship(m, g);
		return 0;
	}
	post(m, g, when);
	return 0;
}

void migrate_sys(struct thread *t)
{
	struct machine *m = t->m;
	struct migrate_req *r = t->sc.ptr;
	struct migration *g;
	struct proc *p = NULL;
	int err;

	t->sc.ptr = NULL;
	if (!r) {
		t->sc.err = UK_ENOMEM;
		return;
	}
	err = check(m, r, &p);
	if (!err && p == t->p)
		err = UK_EINVAL;
	if (err) {
		free(r);
		t->sc.err = (int16_t)err;
		return;
	}
	if (!(g = record(m))) {
		free(r);
		m->oom = 1;
		t->sc.err = UK_ENOMEM;
		return;
	}
	g->req = *r;
	free(r);
	/* The kernel thread that blocks (an LWP, for a user thread's call): it
	 * is the one to wake, and its runtime hands the result on. */
	g->caller = t->tid;
	if (begin(m, g, p) != 0) {
		g->phase = MP_FAILED;
		m->oom = 1;
		t->sc.err = UK_ENOMEM;
		return;
	}
	thread_block(t, R_IO, UINT64_MAX);
}

int migrate_at(struct machine *m, const struct migrate_req *r, uint64_t at, const char *where)
{
	struct migration *g = record(m);

	if (!g)
		return -1;
	g->req = *r;
	g->p = m->procs[r->pid - 1];
	g->pid = r->pid;
	g->from = g->p->node;
	g->to = r->node;
	g->phase = MP_PENDING;
	snprintf(g->where, sizeof g->where, "%s", where);
	return evq_push(&m->evq, at, EV_MIGRATE, 0, g);
}

/* A declared migration's time came: it starts, or, when the process cannot
 * move now (it has ended, or is moving), the kernel says so in the log. */
static void declared(struct machine *m, struct migration *g)
{
	struct proc *p = NULL;
	int err = check(m, &g->req, &p);

	if (!err && begin(m, g, p) == 0)
		return;
	g->phase = MP_FAILED;
	g->err = err ? err : UK_ENOMEM;
	g->begin = g->stop = g->resume = g->end = m->now;
	if (!err)
		m->oom = 1;
	else
		machine_log(m, "%smigrate '%s' to '%s': not moved: %s", g->where, g->p->name,
			    m->net->nodes[g->to].name,
			    err == UK_ENOENT ? "the process is not running" :
			    err == UK_ENOROUTE ? "it is on that node already" :
			    err == UK_ESHARED ? "it maps a shared memory region (shared memory "
						"is of one machine)" :
			    err == UK_ENOMEM ? "too few free frames there for its pages" :
			    "it is moving already");
}

void migrate_free(struct machine *m)
{
	if (!m->mig)
		return;
	for (uint32_t i = 0; i < m->mig->n; i++) {
		free(m->mig->v[i]->pg);
		free(m->mig->v[i]);
	}
	free(m->mig->v);
	free(m->mig);
	m->mig = NULL;
}
