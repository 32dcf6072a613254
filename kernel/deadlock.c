/*
 * deadlock.c - the wait-for graph at the moment a run cannot go on.
 *
 * Edges go from a blocked thread to the threads of the process it waits for:
 * a caller waits for whoever holds the send-once right of its request (the
 * server that received it, or the owner of the port it is queued on); a
 * blocked sender waits for the port's owner; a joiner for the joined thread;
 * a parent in wait() for its child.
 * A depth-first search finds a cycle among them. Threads that wait for a
 * message that nobody is sending have no edge: they are listed instead.
 */
#include "deadlock.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ksync.h"
#include "lrpc.h"
#include "machine.h"
#include "port.h"
#include "proc.h"
#include "thread.h"
#include "units.h"

/* Whose IPC state tells what t waits for: a user thread blocked in a kernel
 * call waits through the LWP that made it. */
static struct thread *kside(struct thread *t)
{
	return t->kind == THREAD_USER && t->on ? t->on : t;
}

/* The process that holds the send-once right answering t's call. Such a
 * right is made on t's reply port; while none is in any rights table (the
 * request still queued or in flight), the port's owner must act. */
static struct proc *reply_holder_scan(struct machine *m, struct thread *t)
{
	for (uint32_t i = 0; i < m->nprocs; i++) {
		struct proc *p = m->procs[i];
		for (uint32_t n = 1; p->state == P_LIVE && n < p->nrights_cap; n++) {
			struct right *r = &p->rights[n];
			if (r->pt && (r->kinds & RIGHT_SONCE) && r->flow == t->call_flow)
				return p;
		}
	}
	return t->call_port ? t->call_port->owner : NULL;
}

/* The scan reads every rights table: with a few hundred callers waiting,
 * most of a run's time. The one send-once right to t's reply port, whose
 * holder the port knows, is the one the scan would find: the rights that
 * answer t's call are all to that port (a duplicated call's too). */
static struct proc *reply_holder(struct machine *m, struct thread *t)
{
	const struct port *rp = t->reply_port;

	if (rp && rp->sonce_held == 0)
		return t->call_port ? t->call_port->owner : NULL;
	if (rp && rp->sonce_held == 1 && rp->sonce_holder)
		return rp->sonce_flow == t->call_flow ? rp->sonce_holder
		       : t->call_port ? t->call_port->owner : NULL;
	return reply_holder_scan(m, t);
}

/* The process t waits for, or NULL (t waits for a message from anyone). */
static struct proc *waits_for(struct machine *m, struct thread *t, struct thread **joined)
{
	*joined = NULL;
	switch (t->why) {
	case R_REPLY:
		return reply_holder(m, kside(t));
	case R_SEND:
		return kside(t)->wport ? kside(t)->wport->owner : NULL;
	case R_LOCK:
		/* A mutex waits for its holder; otherwise only a thread of its own
		 * process can post or signal. */
		if (t->inq) {
			struct ksync *o = (struct ksync *)((char *)t->inq - offsetof(struct ksync, waiters));
			if (o->type == KS_MUTEX && o->owner) {
				*joined = o->owner;
				return o->owner->p;
			}
		}
		return t->p;
	case R_IDLE:
		return t->p;
	case R_JOIN: {
		/* A thread is joined once, so only the one t asked for can be it. */
		struct thread *u = t->joining ? machine_thread(m, t->joining) : NULL;
		if (u && u->joined_by == t->tid && u->state != T_EXITED)
			*joined = u;
		return *joined ? (*joined)->p : NULL;
	}
	case R_ASTACK:
		/* An LRPC waits for a caller on an A-stack of the same pool to return. */
		*joined = lrpc_astack_holder(t);
		return *joined ? (*joined)->p : NULL;
	case R_CHILD:
		/* wait(): the child it waits for must end. */
		for (uint32_t i = 0; i < m->nprocs; i++)
			if (m->procs[i]->waiter == kside(t)->tid && m->procs[i]->state != P_EXITED)
				return m->procs[i];
		return NULL;
	default:
		return NULL;
	}
}

static const char *port_desc(const struct port *pt, char *buf, size_t len)
{
	if (!pt)
		snprintf(buf, len, "?");
	else if (pt->label[0])
		snprintf(buf, len, "port %u \"%s\"", pt->id, pt->label);
	else
		snprintf(buf, len, "port %u", pt->id);
	return buf;
}

void deadlock_edge(struct machine *m, struct thread *t, struct dl_edge *e)
{
	struct thread *j;

	e->why = t->why;
	e->on = waits_for(m, t, &j);
	e->on_thread = j;
	e->port = t->why == R_REPLY ? kside(t)->call_port
		  : t->why == R_SEND || t->why == R_RECV ? kside(t)->wport
							  : NULL;
}

/* The edge of t as a trace record, for viewers. */
static void trace_edge(struct machine *m, struct thread *t)
{
	struct dl_edge e;

	deadlock_edge(m, t, &e);
	TRACE(m, TR_WAIT, t->tid, e.why, e.port ? e.port->id : 0, e.on ? e.on->pid : 0,
	      e.on_thread ? e.on_thread->tid : 0);
}

/* One line: what t waits for. */
static void describe(struct machine *m, struct thread *t, FILE *out)
{
	struct thread *j;
	struct proc *p = waits_for(m, t, &j);
	char pd[UK_NAME_MAX + 32];

	fprintf(out, "  thread %s (process %s) ", t->name, t->p->name);
	switch (t->why) {
	case R_REPLY:
		fprintf(out, "waits for a reply to its call on %s from process %s\n",
			port_desc(kside(t)->call_port, pd, sizeof pd), p ? p->name : "(none)");
		break;
	case R_SEND:
		fprintf(out, "waits to send on %s (full queue or rendezvous), owned by process %s\n",
			port_desc(kside(t)->wport, pd, sizeof pd), p ? p->name : "(none)");
		break;
	case R_RECV:
		fprintf(out, "waits for a message on %s that no one sends\n",
			port_desc(kside(t)->wport, pd, sizeof pd));
		break;
	case R_JOIN:
		fprintf(out, "waits to join thread %s\n", j ? j->name : "?");
		break;
	case R_LOCK:
		if (j)
			fprintf(out, "waits for a mutex held by thread %s\n", j->name);
		else
			fprintf(out, "waits for a semaphore or condition of its process\n");
		break;
	case R_IDLE:
		fprintf(out, "is an LWP with no user thread to run\n");
		break;
	case R_CHILD:
		fprintf(out, "waits for its child process %s to end\n", p ? p->name : "?");
		break;
	case R_ASTACK:
		fprintf(out, "waits for a free A-stack of an LRPC binding, held by thread %s\n",
			j ? j->name : "?");
		break;
	default:
		fprintf(out, "is %s (%s)\n", thread_state_name(t->state), thread_reason_name(t->why));
		break;
	}
}

struct search {
	struct machine *m;
	const uint8_t *act;     /* per pid: may still act (skipped), or NULL */
	uint8_t *mark;          /* per tid: 0 new, 1 on the path, 2 done */
	uint32_t *path, depth;
	uint32_t cycle_start;   /* index in path where the cycle begins */
	int found;
};

static void dfs(struct search *s, struct thread *t)
{
	struct thread *j;
	struct proc *p;

	s->mark[t->tid] = 1;
	s->path[s->depth++] = t->tid;
	p = waits_for(s->m, t, &j);
	for (struct thread *u = p ? p->threads : NULL; u && !s->found; u = u->pnext) {
		if (u->state != T_BLOCKED || (j && u != j) || (s->act && s->act[u->p->pid]) ||
		    (u == t && !j && t->why != R_REPLY) || u->kind == THREAD_LWP)
			continue;
		if (s->mark[u->tid] == 1) {
			for (uint32_t i = 0; i < s->depth; i++)
				if (s->path[i] == u->tid)
					s->cycle_start = i;
			s->found = 1;
		} else if (s->mark[u->tid] == 0) {
			dfs(s, u);
		}
	}
	if (!s->found) {
		s->mark[t->tid] = 2;
		s->depth--;
	}
}

static void record(struct machine *m, const uint32_t *tids, uint32_t n)
{
	m->deadlock_tids = malloc((n ? n : 1) * sizeof *tids);
	if (m->deadlock_tids) {
		memcpy(m->deadlock_tids, tids, n * sizeof *tids);
		m->ndeadlock = n;
	}
}

/* Find and describe the cycle (or, failing one, list the blocked threads)
 * among the threads of processes that cannot act (act[pid] == 0; act NULL:
 * every process). */
static void report(struct machine *m, const uint8_t *act)
{
	struct search s = { .m = m, .act = act };
	char *buf = NULL, when[32];
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	s.mark = calloc(m->nthreads + 1, 1);
	s.path = calloc(m->nthreads + 1, sizeof *s.path);
	if (!out || !s.mark || !s.path) {
		if (out)
			fclose(out);
		free(buf);
		free(s.mark);
		free(s.path);
		return;
	}
	units_format_ns(m->now, when, sizeof when);
	for (uint32_t i = 0; i < m->nthreads && !s.found; i++) {
		struct thread *t = m->threads[i];
		if (t->state == T_BLOCKED && !s.mark[i + 1] && !(act && act[t->p->pid]) &&
		    t->kind != THREAD_LWP)
			dfs(&s, t);
	}
	if (s.found) {
		uint32_t n = s.depth - s.cycle_start;
		fprintf(out, "deadlock at %s: a cycle of %u thread%s\n", when, n, n == 1 ? "" : "s");
		for (uint32_t i = s.cycle_start; i < s.depth; i++)
			describe(m, machine_thread(m, s.path[i]), out);
		record(m, s.path + s.cycle_start, n);
	} else {
		uint32_t n = 0;
		/* act: found while something still runs or is pending (a daemon
		 * ticking), which only cannot wake these */
		fprintf(out, act ? "deadlock at %s: no thread of a non-daemon process can run, and "
				   "these wait for good\n"
				 : "deadlock at %s: no thread can run and nothing is pending\n", when);
		for (uint32_t i = 0; i < m->nthreads; i++) {
			struct thread *t = m->threads[i];
			if (t->state == T_BLOCKED && !t->p->daemon && !(act && act[t->p->pid]) &&
			    t->kind != THREAD_LWP) {
				describe(m, t, out);
				s.path[n++] = t->tid;
			}
		}
		record(m, s.path, n);
	}
	fclose(out);
	m->deadlock_report = buf;
	for (uint32_t i = 0; i < m->ndeadlock; i++)
		trace_edge(m, machine_thread(m, m->deadlock_tids[i]));
	TRACE_STR(m, TR_DEADLOCK, buf, len, m->ndeadlock);
	free(s.mark);
	free(s.path);
}

void deadlock_find(struct machine *m)
{
	report(m, NULL);
}

/* Blocked for good unless someone else acts: a call, send or join without
 * a timeout. A caller whose request or reply an injected fault holds in
 * flight is not: the message arrives by itself. */
static int waits_for_good(const struct thread *t)
{
	const struct thread *k = t->kind == THREAD_USER && t->on ? t->on : t;

	return t->state == T_BLOCKED && !t->timed &&
	       (t->why == R_REPLY || t->why == R_SEND || t->why == R_JOIN || t->why == R_LOCK ||
		t->why == R_IDLE || t->why == R_CHILD || t->why == R_ASTACK) &&
	       !(t->why == R_REPLY && k->inflight);
}

/*
 * The check is incremental. Every process counts its threads that may act
 * by themselves (dl_act: ready, running, asleep, receiving, anything but
 * exited or blocked for good) and those blocked for good (dl_good). Only a
 * process whose threads all wait for good (a candidate, on m->dl_cands) can
 * be stuck, so a check recounts the threads that changed since the last one
 * (m->dl_changed) and then looks at the candidates' threads alone: a
 * thousand sleeping threads cost nothing, their process acts.
 */

/* The thread's class: 0 exited (or a user thread that is only ready: it
 * runs when an LWP of its process takes it, and an LWP that may act counts
 * for the process), 1 may act by itself, 2 blocked for good. */
static uint8_t dl_class(const struct thread *t)
{
	return t->state == T_EXITED || (t->kind == THREAD_USER && t->state == T_READY) ? 0
	       : waits_for_good(t) ? 2 : 1;
}

void deadlock_touch(struct thread *t)
{
	if (!t->dl_queued) {
		t->dl_queued = 1;
		t->dl_next = t->m->dl_changed;
		t->m->dl_changed = t;
	}
}

static void candidate(struct machine *m, struct proc *p, int on)
{
	if (on == p->dl_cand)
		return;
	if (on) {
		p->dl_cprev = NULL;
		p->dl_cnext = m->dl_cands;
		if (m->dl_cands)
			m->dl_cands->dl_cprev = p;
		m->dl_cands = p;
	} else {
		if (p->dl_cprev)
			p->dl_cprev->dl_cnext = p->dl_cnext;
		else
			m->dl_cands = p->dl_cnext;
		if (p->dl_cnext)
			p->dl_cnext->dl_cprev = p->dl_cprev;
		p->dl_cprev = p->dl_cnext = NULL;
	}
	p->dl_cand = (uint8_t)on;
	p->dl_acts = 0;
}

static void recount(struct machine *m, struct thread *t)
{
	struct proc *p = t->p;
	uint8_t c = dl_class(t);

	m->dl_visits++;
	if (c == t->dl_class)
		return;
	if (t->dl_class == 1)
		p->dl_act--;
	else if (t->dl_class == 2)
		p->dl_good--;
	if (c == 1)
		p->dl_act++;
	else if (c == 2)
		p->dl_good++;
	t->dl_class = c;
	candidate(m, p, p->dl_act == 0 && p->dl_good > 0);
}

/* The threads that changed and now wait for good, as recount_changed
 * finds them: at most DL_RECENT; many, when there were more, or when a
 * thread ended that was the last of its process that could act. */
enum { DL_RECENT = 16 };
struct recent {
	struct thread *t[DL_RECENT];
	uint32_t n;
	int many;
};

static void note_recent(struct recent *r, struct thread *t)
{
	if (t->dl_class == 0 && t->p->dl_act == 0)
		r->many = 1;
	if (t->dl_class != 2)
		return;
	if (r->n < DL_RECENT)
		r->t[r->n++] = t;
	else
		r->many = 1;
}

/* Bring the counts up to date. A user thread's class follows the LWP that
 * carries it (its messages in flight), so it is recounted with it. */
static void recount_changed(struct machine *m, struct recent *r)
{
	struct thread *t;

	while ((t = m->dl_changed) != NULL) {
		m->dl_changed = t->dl_next;
		t->dl_queued = 0;
		recount(m, t);
		note_recent(r, t);
		if (t->ucur) {
			recount(m, t->ucur);
			note_recent(r, t->ucur);
		}
	}
}

/* The common case, callers waiting for servers that are busy: the last
 * check found that every process may act, and since then the threads that
 * began to wait for good (r: those that blocked, and callers whose message
 * in flight landed) each wait for another process with a thread that may
 * act by itself, so their processes may act too; and no thread ended that
 * was the last of its process to act. Then no process can be stuck. */
static int still_acting(struct machine *m, const struct recent *r)
{
	if (r->many)
		return 0;
	for (uint32_t i = 0; i < r->n; i++) {
		struct thread *t = r->t[i], *joined;
		struct proc *target = waits_for(m, t, &joined);
		m->dl_visits++;
		if (!target || target == t->p || target->dl_act == 0)
			return 0;
	}
	for (uint32_t i = 0; i < r->n; i++)
		if (r->t[i]->p->dl_cand)
			r->t[i]->p->dl_acts = 1;     /* what a whole check would find */
	return 1;
}

/* May p act, as far as the last check knows? */
static int acts(const struct proc *p)
{
	return p->dl_act > 0 || (p->dl_cand && p->dl_acts);
}

#ifdef UKERN_DL_VERIFY
/* The check as it was before it was incremental: every thread, every time.
 * Built with -DUKERN_DL_VERIFY, each check compares its findings with it. */
static void verify(struct machine *m)
{
	uint8_t *act = calloc(m->nprocs + 1, 1);
	int changed = 1;

	if (!act)
		return;
	for (uint32_t i = 0; i < m->nthreads; i++) {
		struct thread *t = m->threads[i];
		if (dl_class(t) == 1)
			act[t->p->pid] = 1;
		if (t->state == T_BLOCKED && t->why == R_REPLY &&
		    reply_holder(m, kside(t)) != reply_holder_scan(m, kside(t))) {
			fprintf(stderr, "deadlock: thread %u: reply holder differs\n", t->tid);
			abort();
		}
		if (dl_class(t) != t->dl_class) {
			fprintf(stderr, "deadlock: thread %u counted as %u, is %u\n", t->tid,
				t->dl_class, dl_class(t));
			abort();
		}
	}
	while (changed) {
		changed = 0;
		for (uint32_t i = 0; i < m->nthreads; i++) {
			struct thread *t = m->threads[i], *j;
			struct proc *p;
			if (act[t->p->pid] || !waits_for_good(t))
				continue;
			p = waits_for(m, t, &j);
			if (p && act[p->pid]) {
				act[t->p->pid] = 1;
				changed = 1;
			}
		}
	}
	for (uint32_t i = 0; i < m->nprocs; i++)
		if (act[m->procs[i]->pid] != acts(m->procs[i])) {
			fprintf(stderr, "deadlock: process %u may act: %d, found %d\n",
				m->procs[i]->pid, act[m->procs[i]->pid], acts(m->procs[i]));
			abort();
		}
	free(act);
}
#endif

int deadlock_check(struct machine *m)
{
	uint8_t *act;
	int changed = 1, stuck = 0;
	struct recent r = { .n = 0 };

	recount_changed(m, &r);
	if (still_acting(m, &r)) {
		m->dl_dirty = 0;
#ifdef UKERN_DL_VERIFY
		verify(m);
#endif
		return 0;
	}
	m->dl_dirty = 0;
	/* A candidate may act if a thread of it waits for a process that may act. */
	for (struct proc *p = m->dl_cands; p; p = p->dl_cnext)
		p->dl_acts = 0;
	while (changed) {
		changed = 0;
		for (struct proc *p = m->dl_cands; p; p = p->dl_cnext) {
			for (struct thread *t = p->threads; t && !p->dl_acts; t = t->pnext) {
				struct thread *j;
				struct proc *q;
				m->dl_visits++;
				if (t->dl_class != 2)
					continue;
				q = waits_for(m, t, &j);
				if (q && acts(q)) {
					p->dl_acts = 1;
					changed = 1;
				}
			}
		}
	}
#ifdef UKERN_DL_VERIFY
	verify(m);
#endif
	for (struct proc *p = m->dl_cands; p && !stuck; p = p->dl_cnext)
		stuck = !p->dl_acts;
	if (!stuck)
		return 0;
	act = calloc(m->nprocs + 1, 1);
	if (!act)
		return 0;
	for (uint32_t i = 0; i < m->nprocs; i++)
		act[m->procs[i]->pid] = (uint8_t)acts(m->procs[i]);
	report(m, act);
	free(act);
	return 1;
}
