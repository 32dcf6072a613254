/*
 * vmsys_fork.c - fork and wait, and what a process's end means for its
 * memory and its parent (see vmsys.h).
 *
 * fork makes a new process, named <parent>.fork<k>, whose address space is
 * a copy-on-write copy of its parent's and whose one thread runs the body
 * the caller gave (as POSIX fork, only the calling thread is carried
 * over). It inherits its parent's scheduling attributes, thread model and
 * byte order, and, like every process, starts with only the name server's
 * right. wait blocks a thread of the parent until that child has ended and
 * returns its exit code; each child can be waited for once.
 */
#include "vmsys.h"
#include "vmsys_impl.h"

#include <stdio.h>

#include "machine.h"
#include "migrate.h"
#include "net.h"
#include "proc.h"
#include "syscall.h"
#include "thread.h"
#include "uk_err.h"
#include "uk_limits.h"

/* What wait() returns for ended process c: its exit code, and whether a
 * fault ended it. */
static int64_t status(const struct proc *c)
{
	return (int64_t)((uint64_t)(uint32_t)c->exit_code | (uint64_t)(c->faulted != 0) << 32);
}

static void inherit(struct proc *c, const struct proc *p)
{
	c->parent = p->pid;
	c->daemon = p->daemon;
	c->priority = p->priority;
	c->tickets = p->tickets;
	c->nice = p->nice;
	c->affinity = p->affinity;
	c->node = p->node;
	c->big_endian = p->big_endian;
	c->model = p->model;
	c->nlwp = p->nlwp;
	c->activations = p->activations;
	c->uquantum_ns = p->uquantum_ns;
}

static void drop_body(struct machine *m, const struct body_ops *body, void *data)
{
	if (data)
		body->destroy(&(struct thread){ .body_data = data, .m = m });
}

void vmsys_fork(struct thread *t)
{
	struct machine *m = t->m;
	struct proc *p = t->p, *c;
	const struct body_ops *body = t->sc.body;
	void *data = t->sc.ptr;
	struct as *pas = vmsys_as(p), *cas = NULL;
	uint64_t shared = 0;
	char name[UK_NAME_MAX + 16];

	if (vmsys_pulled(t, 0, UINT64_MAX))
		return;         /* the child's copy waits for the pages still away */
	t->sc.ptr = NULL;
	t->sc.err = UK_ENOMEM;
	if (m->nprocs >= UK_MAX_PROCS) {
		/* A fork bomb: the run stops at its first fork past the cap,
		 * rather than every child it made failing one by one. */
		char limit[128];

		snprintf(limit, sizeof limit, "fork: the run has made %d processes, the most one "
			 "run may make (a loop that makes them without end?)", UK_MAX_PROCS);
		drop_body(m, body, data);
		vmsys_limit_stop(m, thread_actor(t), limit);
		return;
	}
	if (!pas || !(cas = as_fork(pas, NULL, &shared))) {
		drop_body(m, body, data);
		return;
	}
	snprintf(name, sizeof name, "%s.fork%u", p->name, p->nforks + 1);
	if (!(c = proc_new(m, name, m->now, body, data))) {
		as_free(cas);
		drop_body(m, body, data);
		return;
	}
	p->nforks++;
	cas->owner = c;
	c->as = cas;
	inherit(c, p);
	if (c->model != MODEL_ONE_TO_ONE && (!m->runtime_hook || m->runtime_hook(c) != 0)) {
		/* The hook released the body: the child cannot start. */
		m->oom = 1;
		c->main_body = NULL;
		c->main_data = NULL;
		return;
	}
	if (!c->daemon)
		m->live_nondaemon++;
	m->forks++;
	TRACE(m, TR_FORK, p->pid, c->pid, shared);
	vmsys_frames(m);
	t->work_ns += net_costs(m, p)->page_map_ns * shared;
	t->sc.err = UK_OK;
	t->sc.val = c->pid;
}

void vmsys_wait(struct thread *t)
{
	struct machine *m = t->m;
	uint64_t pid = t->sc.arg;
	struct proc *c = pid >= 1 && pid <= m->nprocs ? m->procs[pid - 1] : NULL;

	if (!c || c->parent != t->p->pid || c->waited) {
		t->sc.err = UK_ECHILD;
		return;
	}
	c->waited = 1;
	t->sc.err = UK_OK;
	if (c->state == P_EXITED) {
		t->sc.val = status(c);
		return;
	}
	c->waiter = t->tid;
	thread_block(t, R_CHILD, UINT64_MAX);
}

void vmsys_proc_exit(struct proc *p)
{
	struct machine *m = p->m;
	struct thread *w;

	if (p->as) {
		if (m->mig)
			migrate_exited(p);
		vmsys_shm_exit(p);
		for (uint32_t i = 0; i < p->as->nreg; i++)
			TRACE(m, TR_VM_UNMAP, p->pid, p->as->reg[i].start, p->as->reg[i].npages);
		as_clear(p->as);
		vmsys_frames(m);
	}
	if (!p->waiter)
		return;
	w = machine_thread(m, p->waiter);
	p->waiter = 0;
	if (w && w->state == T_BLOCKED && w->why == R_CHILD) {
		w->sc.val = status(p);
		thread_wake(w, UK_OK, 0);
	}
}
