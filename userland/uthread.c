/*
 * uthread.c - the user-level runtime (see uthread.h).
 *
 * lwp_resume is called by the kernel each time an LWP may go on. It first
 * takes the answer to the LWP's last kernel call, then loops: deliver a
 * pending upcall, pick a user thread if the LWP carries none, run the
 * carried thread until it asks for something; it returns as soon as it has
 * posted a kernel call for the LWP (in lwp->k->sc).
 *
 * User threads live in the runtime's ready queue and in sync objects'
 * queues. Their states and CPU time are reported to the kernel's accounting
 * and trace (thread_set_state, machine_attach) as a thread library would
 * report them to a tracer; nothing else of the kernel is touched except
 * through system calls, and the two downcalls a runtime needs: wake a
 * parked LWP (machine_unpark) and, with activations, ask for a processor
 * (a new activation, thread_new).
 *
 * Scheduler activations: when an activation blocks in the kernel, the
 * kernel's state change reaches lwp_state, which starts a new activation
 * whose first act is the "blocked" upcall, so the process keeps its
 * processors busy; when the blocked one is woken it delivers "unblocked":
 * its user thread goes back on the ready queue and the activation, now one
 * too many, gives its processor back. A preempted activation's user thread
 * is returned to the ready queue at once ("preempted"), with the rest of
 * its compute. "Added" starts every activation the process is given.
 */
#include "uthread.h"

#include <stdint.h>
#include <stdlib.h>

#include "ksync.h"
#include "machine.h"
#include "net.h"
#include "proc.h"
#include "syscall.h"
#include "thread.h"
#include "uk_err.h"

enum phase { PH_NONE, PH_KCALL, PH_COMPUTE, PH_COST, PH_PARK };
enum upcall { UP_NONE, UP_ADDED, UP_PREEMPTED, UP_BLOCKED, UP_UNBLOCKED };

struct urt;

struct lwp {
	struct urt *rt;
	struct thread *k;          /* this LWP's kernel thread */
	struct lwp *next;          /* all LWPs of the runtime */
	struct thread *cur;        /* the user thread it carries */
	struct thread *last;       /* the one it carried before (switch costs) */
	enum phase phase;          /* what its last kernel call was */
	uint64_t posted;           /* PH_COMPUTE: ns of the carried thread's compute posted */
	uint64_t q_left;           /* user-level quantum left for cur, ns */
	enum upcall upcall;        /* to deliver on the next resume */
	struct thread *upcall_u;
	int kblocked;              /* blocked in the kernel (not parked) */
	int exiting;
};

struct urt {
	struct proc *p;
	struct tqueue ready;       /* ready user threads, FIFO */
	struct lwp *lwps;
	uint32_t nkblocked, nlive; /* LWPs blocked in the kernel; LWPs not exited */
	uint64_t blocked_since;    /* every LWP blocked in the kernel since; UINT64_MAX: no */
	const struct body_ops *main_body;
	void *main_data;           /* until the main user thread starts */
	int started;
};

static struct lwp *lwp_new(struct urt *rt, enum upcall first)
{
	struct lwp *l = calloc(1, sizeof *l);

	if (!l)
		return NULL;
	l->rt = rt;
	l->upcall = first;
	l->next = rt->lwps;
	rt->lwps = l;
	rt->nlive++;
	return l;
}

/* --- accounting: time lost while every LWP is blocked in the kernel --- */

static void lost_update(struct urt *rt)
{
	uint64_t now = rt->p->m->now;
	int all = rt->nlive > 0 && rt->nkblocked == rt->nlive;

	if (all && rt->blocked_since == UINT64_MAX) {
		rt->blocked_since = now;
	} else if (!all && rt->blocked_since != UINT64_MAX) {
		for (struct thread *u = rt->ready.head; u; u = u->qnext) {
			uint64_t from = u->ready_since > rt->blocked_since ? u->ready_since : rt->blocked_since;
			u->lost_ns += now - from;
		}
		rt->blocked_since = UINT64_MAX;
	}
}

/* --- the ready queue, and waking LWPs for the work in it --- */

static uint32_t active_activations(const struct urt *rt)
{
	uint32_t n = 0;

	for (const struct lwp *l = rt->lwps; l; l = l->next)
		if (l->k && l->k->state != T_EXITED && !l->kblocked && !l->exiting)
			n++;
	return n;
}

static void more_processors(struct urt *rt)
{
	struct proc *p = rt->p;

	if (p->activations) {
		if (rt->ready.head && active_activations(rt) < p->nlwp) {
			struct lwp *l = lwp_new(rt, UP_ADDED);
			if (l)
				l->k = thread_new(p, NULL, &uthread_lwp_ops, l, THREAD_LWP);
		}
		return;
	}
	for (struct lwp *l = rt->lwps; l; l = l->next) {
		if (l->k && l->k->state == T_BLOCKED && l->k->why == R_IDLE) {
			machine_unpark(p->m, l->k);
			return;
		}
	}
}

/* Queue u, already READY, and find an LWP for it. */
static void enqueue(struct urt *rt, struct thread *u)
{
	tq_push(&rt->ready, u);
	more_processors(rt);
}

static void make_ready(struct urt *rt, struct thread *u, enum treason why)
{
	thread_set_state(u, T_READY, why);
	enqueue(rt, u);
}

/* Take the carried thread off l (it stays in whatever state it is in). */
static void unload(struct lwp *l)
{
	l->last = l->cur;
	l->cur = NULL;
	machine_attach(l->k->m, l->k, NULL);
}

/* --- posting kernel calls for the LWP --- */

static int post(struct lwp *l, unsigned op, uint64_t arg, enum phase ph)
{
	struct sc *sc = &l->k->sc;

	sc->op = (uint16_t)op;
	sc->arg = arg;
	sc->m = NULL;
	sc->ptr = NULL;
	l->phase = ph;
	return 1;
}

/* Pass the carried thread's own call to the kernel, as the LWP's. */
static int pass_through(struct lwp *l)
{
	struct sc *us = &l->cur->sc, *ks = &l->k->sc;

	*ks = *us;
	us->m = NULL;
	us->ptr = NULL;
	l->phase = PH_KCALL;
	return 1;
}

/* --- user-level synchronisation: the runtime as ksync executor --- */

static void user_block(void *ctx, struct thread *u)
{
	struct lwp *l = ctx;

	if (l->cur == u)
		unload(l);
	thread_set_state(u, T_BLOCKED, R_LOCK);
}

static void user_wake(void *ctx, struct thread *u, int err)
{
	struct lwp *l = ctx;

	u->sc.err = (int16_t)err;
	make_ready(l->rt, u, R_WOKEN);
}

static int do_sync(struct lwp *l, struct thread *u)
{
	struct ksync_exec x = { user_block, user_wake, l };
	struct ksync *o = u->sc.ptr, *mu = u->sc.aux;
	int r;

	u->sc.ptr = NULL;
	if (o->pid != u->p->pid || (mu && mu->pid != u->p->pid)) {
		u->sc.err = UK_ENORIGHT;
		return 0;
	}
	u->sc.err = UK_OK;
	r = ksync_do(o, mu, (unsigned)u->sc.arg, u, &x);
	if (r != 1)
		u->sc.err = (int16_t)r;
	return 0;
}

/* --- the calls a user thread makes that the runtime answers itself --- */

static int do_spawn(struct lwp *l, struct thread *u)
{
	struct thread *nt = thread_new(u->p, NULL, u->sc.body, u->sc.ptr, THREAD_USER);

	u->sc.ptr = NULL;
	if (nt && u->sc.arg == SPAWN_SERVICE)
		thread_make_service(nt);
	u->sc.err = nt ? UK_OK : UK_ENOMEM;
	u->sc.val = nt ? nt->tid : 0;
	if (nt)
		enqueue(l->rt, nt);   /* thread_new left it READY */
	return 0;
}

static int do_join(struct lwp *l, struct thread *u)
{
	struct thread *target = machine_thread(u->m, (uint32_t)u->sc.arg);

	if (!target || target->p != u->p || target == u || target->joined_by ||
	    target->kind != THREAD_USER) {
		u->sc.err = UK_ENOTHREAD;
		return 0;
	}
	target->joined_by = u->tid;
	u->joining = target->tid;
	u->sc.err = UK_OK;
	if (target->state == T_EXITED) {
		u->sc.val = target->result;
		return 0;
	}
	unload(l);
	thread_set_state(u, T_BLOCKED, R_JOIN);
	return 0;
}

static int do_exit(struct lwp *l, struct thread *u)
{
	struct proc *p = u->p;
	struct thread *j = u->joined_by ? machine_thread(u->m, u->joined_by) : NULL;

	u->result = (int64_t)u->sc.arg;
	if (p->live == 1) {
		/* The last user thread: the process ends, through the kernel. */
		int code = u == p->main_thread ? (int)u->result : p->exit_code;
		return post(l, SYS_PEXIT, (uint64_t)(int64_t)code, PH_KCALL);
	}
	/* The joiner is woken here, at user level; thread_exit then finds it
	 * ready and leaves it alone. */
	if (j && j->state == T_BLOCKED && j->why == R_JOIN) {
		j->sc.val = u->result;
		j->sc.err = UK_OK;
		make_ready(l->rt, j, R_WOKEN);
	}
	unload(l);
	thread_exit(u, R_EXIT);
	return 0;
}

static int do_yield(struct lwp *l, struct thread *u)
{
	if (!l->rt->ready.head)
		return 0;   /* alone: it keeps running */
	unload(l);
	make_ready(l->rt, u, R_YIELDED);
	return 0;
}

/* Run the carried thread u until it needs the kernel (1) or leaves the LWP (0). */
static int step(struct lwp *l, struct thread *u)
{
	uint64_t q = l->rt->p->uquantum_ns;

	if (u->uwork_ns > 0) {
		uint64_t amt = u->uwork_ns;
		if (q && amt > l->q_left)
			amt = l->q_left;
		u->uwork_ns -= amt;
		l->posted = amt;
		return post(l, SYS_COMPUTE, amt, PH_COMPUTE);
	}
	u->sc.op = SYS_NONE;
	u->body->resume(u);
	switch (u->sc.op) {
	case SYS_COMPUTE:
		u->uwork_ns = u->sc.arg;
		return 0;
	case SYS_YIELD:
		return do_yield(l, u);
	case SYS_SPAWN:
		return do_spawn(l, u);
	case SYS_JOIN:
		return do_join(l, u);
	case SYS_EXIT:
		return do_exit(l, u);
	case SYS_SYNC:
		return do_sync(l, u);
	default:
		return pass_through(l);
	}
}

/* Put the next ready user thread on l; 1 if that posted a kernel call. */
static int pick(struct lwp *l)
{
	struct urt *rt = l->rt;
	struct proc *p = rt->p;
	struct thread *u = tq_pop(&rt->ready);
	uint64_t cost = net_costs(p->m, p)->user_switch_ns;

	if (!u) {
		if (!p->activations)
			return post(l, SYS_PARK, 0, PH_PARK);
		l->exiting = 1;   /* nothing to run: give the processor back */
		return post(l, SYS_EXIT, 0, PH_NONE);
	}
	l->cur = u;
	l->q_left = p->uquantum_ns;
	machine_attach(p->m, l->k, u);
	if (l->last != u && cost)
		return post(l, SYS_COMPUTE, cost, PH_COST);
	return 0;
}

/* The answer to the LWP's last kernel call. */
static void finish_phase(struct lwp *l)
{
	struct thread *u = l->cur;
	struct sc *ks = &l->k->sc;
	enum phase ph = l->phase;

	l->phase = PH_NONE;
	if (ph == PH_KCALL && u) {
		u->sc.err = ks->err;
		u->sc.val = ks->val;
		u->sc.name = ks->name;   /* a right some calls answer with (mem.share) */
		u->sc.m = ks->m;
		ks->m = NULL;
	} else if (ph == PH_COMPUTE && u) {
		l->q_left -= l->q_left >= l->posted ? l->posted : l->q_left;
		/* A user-level quantum ran out: the next ready thread goes first;
		 * with nobody waiting, the thread just gets a fresh quantum. */
		if (l->rt->p->uquantum_ns && l->q_left == 0 && u->uwork_ns) {
			if (l->rt->ready.head) {
				unload(l);
				make_ready(l->rt, u, R_PREEMPTED);
			} else {
				l->q_left = l->rt->p->uquantum_ns;
			}
		}
	}
}

static int deliver_upcall(struct lwp *l)
{
	struct machine *m = l->k->m;
	struct thread *u = l->upcall_u;
	enum upcall kind = l->upcall;

	l->upcall = UP_NONE;
	l->upcall_u = NULL;
	TRACE(m, TR_UPCALL, l->k->tid, kind, u ? u->tid : 0);
	if (kind == UP_UNBLOCKED && u) {
		if (l->cur == u)
			unload(l);
		make_ready(l->rt, u, R_WOKEN);
		/* One activation too many now: this one gives its processor back. */
		if (active_activations(l->rt) > l->rt->p->nlwp) {
			l->exiting = 1;
			return post(l, SYS_EXIT, 0, PH_NONE);
		}
	}
	if (net_costs(m, l->rt->p)->upcall_ns)
		return post(l, SYS_COMPUTE, net_costs(m, l->rt->p)->upcall_ns, PH_COST);
	return 0;
}

/* First run of the first LWP: the main user thread and the other LWPs. */
static int start(struct lwp *l)
{
	struct urt *rt = l->rt;
	struct proc *p = rt->p;
	struct thread *main = thread_new(p, NULL, rt->main_body, rt->main_data, THREAD_USER);

	rt->started = 1;
	rt->main_data = NULL;
	if (!main)
		return post(l, SYS_PEXIT, 1, PH_NONE);
	p->main_thread = main;
	tq_push(&rt->ready, main);
	for (uint32_t i = 1; i < p->nlwp && !p->activations; i++) {
		struct lwp *o = lwp_new(rt, UP_NONE);
		if (o)
			o->k = thread_new(p, NULL, &uthread_lwp_ops, o, THREAD_LWP);
	}
	return 0;
}

static void lwp_resume(struct thread *k)
{
	struct lwp *l = k->body_data;

	l->k = k;
	if (!l->rt->started && start(l))
		return;
	finish_phase(l);
	for (;;) {
		if (l->upcall && deliver_upcall(l))
			return;
		if (!l->cur && pick(l))
			return;
		if (l->cur && step(l, l->cur))
			return;
	}
}

static void lwp_destroy(struct thread *k)
{
	struct lwp *l = k->body_data, **pp;

	if (!l)
		return;
	for (pp = &l->rt->lwps; *pp; pp = &(*pp)->next) {
		if (*pp == l) {
			*pp = l->next;
			break;
		}
	}
	free(l);
}

const struct body_ops uthread_lwp_ops = {
	.kind = "lwp",
	.resume = lwp_resume,
	.destroy = lwp_destroy,
};

/* The kernel changed an LWP's state: upcalls, and lost-time accounting. */
static void lwp_state(struct thread *k, int old)
{
	struct lwp *l = k->body_data;
	struct urt *rt;
	int kb;

	if (!l)
		return;
	rt = l->rt;
	kb = k->state == T_BLOCKED && k->why != R_IDLE;
	if (k->state == T_EXITED) {
		rt->nkblocked -= (uint32_t)l->kblocked;
		rt->nlive--;
		l->kblocked = 0;
		lost_update(rt);
		return;
	}
	if (kb != l->kblocked) {
		rt->nkblocked += kb ? 1 : (uint32_t)-1;
		l->kblocked = kb;
	}
	if (rt->p->activations && k->ucur) {
		if (kb) {
			struct lwp *n = lwp_new(rt, UP_BLOCKED);
			if (n) {
				n->upcall_u = k->ucur;
				n->k = thread_new(rt->p, NULL, &uthread_lwp_ops, n, THREAD_LWP);
			}
		} else if (old == T_BLOCKED && k->state == T_READY && k->why == R_WOKEN) {
			l->upcall = UP_UNBLOCKED;
			l->upcall_u = k->ucur;
		} else if (k->state == T_READY && k->why == R_PREEMPTED && l->phase == PH_COMPUTE) {
			struct thread *u = k->ucur;
			u->uwork_ns += k->work_ns;
			k->work_ns = 0;
			k->effect_pending = 0;
			l->phase = PH_NONE;
			unload(l);
			tq_push(&rt->ready, u);
			l->upcall = UP_PREEMPTED;
			l->upcall_u = u;
		}
	}
	lost_update(rt);
}

static const struct runtime_ops rt_ops = { lwp_state };

static void urt_free(void *arg)
{
	struct urt *rt = arg;

	if (rt->main_data)
		rt->main_body->destroy(&(struct thread){ .body_data = rt->main_data, .m = rt->p->m });
	free(rt);
}

void *uthread_runtime_new(struct proc *p, const struct body_ops *main_body, void *main_data)
{
	struct urt *rt = calloc(1, sizeof *rt);
	struct lwp *l;

	if (!rt) {
		main_body->destroy(&(struct thread){ .body_data = main_data, .m = p->m });
		return NULL;
	}
	rt->p = p;
	rt->main_body = main_body;
	rt->main_data = main_data;
	rt->blocked_since = UINT64_MAX;
	l = lwp_new(rt, p->activations ? UP_ADDED : UP_NONE);
	if (!l) {
		urt_free(rt);
		return NULL;
	}
	p->rt = rt;
	p->rt_ops = &rt_ops;
	p->udata = rt;
	p->udata_free = urt_free;
	return l;
}
