/*
 * crash.c - injected crashes and the table of supervised programs (see
 * crash.h).
 */
#include "crash.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipc.h"
#include "machine.h"
#include "msg.h"
#include "port.h"
#include "proc.h"
#include "svcnames.h"
#include "thread.h"
#include "uk_err.h"

int crash_add(struct machine *m, const struct fault_crash *c)
{
	struct fault_crash *v = realloc(m->crashes, (m->ncrashes + 1) * sizeof *v);

	if (!v)
		return -1;
	m->crashes = v;
	v[m->ncrashes] = *c;
	v[m->ncrashes].fired = 0;
	return machine_crash_at(m, c->at_ns, m->ncrashes++);
}

/* The latest incarnation of program (its first incarnation). */
static struct proc *latest(struct machine *m, const struct proc *program)
{
	for (uint32_t i = m->nprocs; i-- > 0;)
		if (m->procs[i]->origin == program)
			return m->procs[i];
	return NULL;
}

/* The process c crashes now, or NULL (with why set) when there is none. */
static struct proc *victim(struct machine *m, const struct fault_crash *c, const char **why)
{
	struct port *pt = c->service ? svcnames_port(m, c->target) : NULL;
	struct proc *p;

	if (pt && !pt->dead && pt->owner && pt->owner->state == P_LIVE)
		return pt->owner;
	if (!c->proc) {
		*why = "no live process serves that name now";
		return NULL;
	}
	p = latest(m, c->proc);
	*why = !p || p->state == P_NEW ? "its process has not started"
	       : p->crashed           ? "its process has crashed and is not restarted yet"
				      : "its process has exited";
	return p && p->state == P_LIVE ? p : NULL;
}

static struct svc *slot_of(struct machine *m, const struct proc *p)
{
	for (uint32_t i = 0; i < m->nsvcs; i++)
		if (m->svcs[i].cur == p)
			return &m->svcs[i];
	if (m->nsvcs == m->svcs_cap) {
		uint32_t cap = m->svcs_cap ? m->svcs_cap * 2 : 4;
		struct svc *v = realloc(m->svcs, cap * sizeof *v);
		if (!v)
			return NULL;
		m->svcs = v;
		m->svcs_cap = cap;
	}
	memset(&m->svcs[m->nsvcs], 0, sizeof m->svcs[0]);
	m->svcs[m->nsvcs].cur = (struct proc *)p;
	return &m->svcs[m->nsvcs++];
}

/* p crashed under fault c, which asks for a restart: put its program in
 * the table and tell the supervisor. A restart still to come keeps the run
 * going, as a declared process does before it starts. */
static void supervise(struct machine *m, const struct fault_crash *c, struct proc *p)
{
	struct svc *s;

	if (!p->respawn) {
		machine_log(m, "%s (pid %u) cannot be restarted: its program has no way to start "
			       "again", p->name, p->pid);
		return;
	}
	if (!(s = slot_of(m, p))) {
		m->oom = 1;
		return;
	}
	s->dead = 1;
	s->died_ns = m->now;
	s->crashes++;
	s->restart_ns = c->restart_ns;
	s->backoff_max_ns = c->backoff_max_ns;
	if (!p->daemon)
		m->live_nondaemon++;
	if (m->rs_port && ipc_kernel_notice(m->rs_port, UK_NOTICE_CRASH,
					    (int32_t)(s - m->svcs)) != 0)
		m->oom = 1;
}

void crash_fire(struct machine *m, uint32_t i)
{
	struct fault_crash *c = &m->crashes[i];
	const char *why = NULL;
	struct proc *p;

	c->fired++;
	if (c->every_ns && (!c->count || c->fired < c->count) && c->every_ns < UINT64_MAX - m->now &&
	    machine_crash_at(m, m->now + c->every_ns, i) != 0)
		m->oom = 1;
	p = victim(m, c, &why);
	if (!p) {
		m->crash_misses++;
		TRACE_STR(m, TR_CRASH, c->target, strlen(c->target), 0, 0);
		machine_log(m, "crash of %s (fault at %s): %s; nothing crashes", c->target, c->where,
			    why);
		return;
	}
	m->crashed++;
	TRACE_STR(m, TR_CRASH, c->target, strlen(c->target), p->pid, p->incarnation);
	machine_log(m, "crash of %s (fault at %s): process %s (pid %u) crashes", c->target, c->where,
		    p->name, p->pid);
	proc_crash(p);
	if (c->restart_ns != UINT64_MAX)
		supervise(m, c, p);
}

/* --- SYS_SVC: the supervisor's calls --- */

static int svc_watch(struct thread *t)
{
	struct machine *m = t->m;
	struct right *r = proc_right(t->p, t->sc.name);

	if (m->rs && m->rs != t->p)
		return UK_ENOTOWNER;
	if (!r || !(r->kinds & RIGHT_RECV))
		return UK_ENORIGHT;
	m->rs = t->p;
	m->rs_port = r->pt;
	if (!r->pt->label[0]) {
		snprintf(r->pt->label, sizeof r->pt->label, "%s", t->p->name);
		TRACE_STR(m, TR_PORT_LABEL, r->pt->label, strlen(r->pt->label), r->pt->id);
	}
	return UK_OK;
}

static int svc_status(struct thread *t, const struct svc *s)
{
	struct uk_svc_status *st = calloc(1, sizeof *st);

	if (!st)
		return UK_ENOMEM;
	st->pid = s->cur->pid;
	st->incarnation = s->cur->incarnation;
	st->crashes = s->crashes;
	st->dead = s->dead;
	st->died_ns = s->died_ns;
	st->restart_ns = s->restart_ns;
	st->backoff_max_ns = s->backoff_max_ns;
	st->daemon = (uint8_t)s->cur->daemon;
	memcpy(st->name, s->cur->name, sizeof st->name);
	free(t->sc.ptr);
	t->sc.ptr = st;
	return UK_OK;
}

/* Name incarnation n of a program after its first: "<name>#<n>", the name
 * cut so that the number always fits. */
static void name_incarnation(struct proc *np, const struct proc *origin)
{
	char num[16];
	int len = snprintf(num, sizeof num, "#%u", np->incarnation);

	snprintf(np->name, sizeof np->name, "%.*s%s", (int)(sizeof np->name - 1) - len,
		 origin->name, num);
}

static int svc_respawn(struct thread *t, struct svc *s)
{
	struct machine *m = t->m;
	struct proc *old = s->cur, *np;

	if (!s->dead)
		return UK_EINVAL;
	if (!(np = old->respawn(old)))
		return UK_ENOMEM;
	np->origin = old->origin;
	np->incarnation = old->incarnation + 1;
	/* It restarts where it ran: its node, that node's CPUs, its byte order. */
	np->node = old->node;
	np->affinity = old->affinity;
	np->big_endian = old->big_endian;
	name_incarnation(np, old->origin);
	s->cur = np;
	s->dead = 0;
	m->restarts++;
	/* The restart counted as a process to come; the new one is it. */
	if (!old->daemon && np->daemon)
		m->live_nondaemon--;
	else if (old->daemon && !np->daemon)
		m->live_nondaemon++;
	TRACE(m, TR_RESPAWN, thread_actor(t)->tid, old->pid, np->pid, np->incarnation);
	if (proc_start(np) != 0)
		m->oom = 1;
	t->sc.val = np->pid;
	return UK_OK;
}

void crash_sys(struct thread *t)
{
	struct machine *m = t->m;
	unsigned op = (unsigned)(t->sc.arg & 0xff);
	uint64_t slot = t->sc.arg >> 8;

	t->sc.val = 0;
	if (op == SVC_WATCH) {
		t->sc.err = (int16_t)svc_watch(t);
		return;
	}
	if (m->rs != t->p) {
		t->sc.err = UK_ENOTOWNER;
		return;
	}
	if (slot >= m->nsvcs) {
		t->sc.err = UK_ENOENT;
		return;
	}
	switch (op) {
	case SVC_STATUS:
		t->sc.err = (int16_t)svc_status(t, &m->svcs[slot]);
		break;
	case SVC_RESPAWN:
		t->sc.err = (int16_t)svc_respawn(t, &m->svcs[slot]);
		break;
	default:
		t->sc.err = UK_EINVAL;
		break;
	}
}
