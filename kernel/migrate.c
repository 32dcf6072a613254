/*
 * migrate.c - process migration between nodes (see migrate.h): when each
 * step of a migration happens.
 *
 * A migration is a little state machine driven by its own events: each
 * batch of pages is put on the link when a phase begins and the phase ends
 * when its last packet arrives (an EV_MIGRATE event). The process is
 * stopped by a flag the scheduler honours (sched_allowed: its threads may
 * run on no CPU), so a thread stopped in the middle of its work keeps the
 * rest of it and its pending system call, and goes on where it was once it
 * is allowed on the target's CPUs.
 *
 * Entry points: migrate_sys (the system call), migrate_at (a declared
 * one), migrate_event (its events), migrate_lrpc_back (lrpc.c: a call in
 * progress came back), migrate_set_hook, migrate_free. The mechanics the
 * state machine drives (the transfers on the link, the list of pages,
 * stopping the process and starting it on the target) are in
 * migrate_move.c; migrate_wrote, migrate_pull and migrate_forwarded (while
 * the process runs) in migrate_run.c; the names of the options,
 * migrate_get and migrate_stats in migrate_stats.c.
 */
#include "migrate.h"
#include "migrate_impl.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "lrpc.h"
#include "machine.h"
#include "net.h"
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
	if (g->req.mobility == MIG_STRONG && migrate_collect(g) != 0)
		m->oom = 1;
	g->lrpc_global += lrpc_globalize(g->p, g->to);
	g->lrpc_clients_global += lrpc_globalize_served(g->p);
	g->state_bytes = migrate_state_bytes(g->p);
	if (g->req.strategy == MIG_PRE_COPY) {
		n = migrate_count_dirty(g);
		migrate_clear_dirty(g);
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
	migrate_stop(g);
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
		uint64_t dirty = g->req.mobility == MIG_WEAK ? 0 : migrate_count_dirty(g);
		int last = dirty <= g->req.stop_pages || g->rounds >= g->req.max_rounds;
		if (!last) {
			g->round_pages[g->rounds++] = dirty;
			migrate_clear_dirty(g);
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
		migrate_stop(g);
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
		if (migrate_restart_fresh(m, g) != 0) {
			m->oom = 1;
			finish(m, g, UK_ENOMEM);
			return;
		}
	} else {
		int err = migrate_restart_here(m, g);
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
	if (g->req.mobility == MIG_STRONG && migrate_collect(g) != 0)
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
