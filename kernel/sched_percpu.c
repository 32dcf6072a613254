/*
 * sched_percpu.c - one ready queue per CPU, around any policy that keeps
 * its threads in the plain ready queue (fifo, rr, sjf, stcf, priority,
 * lottery, stride, cfs).
 *
 * A new thread goes to the least loaded CPU it may run on (ready threads
 * plus the one running; ties to the lower CPU) and stays there: a CPU picks
 * only from its own queue, with the inner policy. Load balancing moves work:
 *   stealing  a CPU with an empty queue takes a thread from the most loaded
 *             queue holding one it may run;
 *   periodic  at the first event after every balance_every, threads move
 *             from the longest queues to the shortest until no two differ
 *             by more than one;
 *   none      threads never change queue (the imbalance is the lesson).
 * With several nodes each node has its own instance over its own CPUs
 * (struct sched's cpu0, ncpus): work never moves between nodes here.
 * A thread that changes CPU pays the migration cost when it next runs.
 */
#include "sched.h"

#include <stdint.h>
#include <stdlib.h>

#include "machine.h"

struct percpu {
	const struct sched_ops *inner;
	uint32_t cpu0, n;        /* its CPUs (a node's): cpu0 .. cpu0 + n - 1 */
	int balance;             /* enum balance */
	uint64_t balance_ns;     /* periodic: how often */
	uint64_t next_balance;   /* periodic: the next balancing time */
	struct sched sub[];      /* one per CPU, each run by inner */
};

/* t->home is a CPU of the machine: the queue of thread t, or NULL when it
 * has none here (none yet, or one on another node: it came by migration). */
static struct sched *home(struct percpu *pc, const struct thread *t)
{
	return t->home >= pc->cpu0 && t->home - pc->cpu0 < pc->n ? &pc->sub[t->home - pc->cpu0] : NULL;
}

static struct percpu *P(struct sched *s)
{
	return s->data;
}

/* The k-th of its CPUs. */
static struct cpu *cpu_at(struct sched *s, uint32_t k)
{
	return &s->m->cpus[P(s)->cpu0 + k];
}

/* A CPU's load: its ready threads and the one it runs. */
static uint64_t load(struct sched *s, uint32_t k)
{
	return P(s)->sub[k].nready + (cpu_at(s, k)->cur != NULL);
}

static void pc_enqueue(struct sched *s, struct thread *t)
{
	struct percpu *pc = P(s);

	if (!home(pc, t)) {
		uint32_t best = UINT32_MAX;
		for (uint32_t k = 0; k < pc->n; k++)
			if (sched_allowed(t, cpu_at(s, k)) && (best == UINT32_MAX || load(s, k) < load(s, best)))
				best = k;
		t->home = pc->cpu0 + (best == UINT32_MAX ? 0 : best);
	}
	pc->inner->enqueue(home(pc, t), t);
	s->nready++;
}

/* Take ready thread t out of its home queue, as the inner policy does. */
static void take(struct percpu *pc, struct thread *t)
{
	if (pc->inner->remove)
		pc->inner->remove(home(pc, t), t);
	else
		sched_rq_take(home(pc, t), t);
}

/* Move thread t, ready on its home queue, to CPU k's queue. */
static void move(struct sched *s, struct thread *t, uint32_t k)
{
	struct percpu *pc = P(s);

	take(pc, t);
	s->nready--;
	t->home = pc->cpu0 + k;
	pc_enqueue(s, t);
}

/* Work stealing: the most loaded queue holding a thread CPU c may run. */
static struct thread *steal(struct sched *s, struct cpu *c)
{
	struct percpu *pc = P(s);
	struct thread *t = NULL;
	uint32_t from = UINT32_MAX, self = c->id - pc->cpu0;

	for (uint32_t k = 0; k < pc->n; k++) {
		if (k == self || !pc->sub[k].nready || (from != UINT32_MAX && load(s, k) <= load(s, from)))
			continue;
		for (struct thread *r = pc->sub[k].rq.head; r; r = r->qnext)
			if (sched_allowed(r, c)) {
				from = k;
				break;
			}
	}
	if (from == UINT32_MAX)
		return NULL;
	t = pc->inner->pick(&pc->sub[from], c);
	if (t)
		t->home = c->id;
	return t;
}

static struct thread *pc_pick(struct sched *s, struct cpu *c)
{
	struct percpu *pc = P(s);
	struct thread *t = pc->inner->pick(&pc->sub[c->id - pc->cpu0], c);

	if (!t && pc->balance == BALANCE_STEALING)
		t = steal(s, c);
	if (t)
		s->nready--;
	return t;
}

static uint64_t pc_slice(struct sched *s, struct thread *t)
{
	struct percpu *pc = P(s);

	struct sched *h = home(pc, t);

	return pc->inner->slice(h ? h : &pc->sub[0], t);
}

/* Periodic balancing: from the longest queue to the shortest, one thread
 * at a time (the last queued that may move), until they differ by one. */
static void balance(struct sched *s)
{
	struct percpu *pc = P(s);

	for (;;) {
		uint32_t hi = 0, lo = 0;
		struct thread *t;
		for (uint32_t k = 1; k < pc->n; k++) {
			if (load(s, k) > load(s, hi))
				hi = k;
			if (load(s, k) < load(s, lo))
				lo = k;
		}
		if (load(s, hi) < load(s, lo) + 2)
			return;
		for (t = pc->sub[hi].rq.tail; t && !sched_allowed(t, cpu_at(s, lo)); t = t->qprev)
			;
		if (!t)
			return;
		move(s, t, lo);
	}
}

static void pc_instant(struct sched *s, uint64_t now)
{
	struct percpu *pc = P(s);
	uint64_t every = pc->balance_ns;

	if (pc->balance != BALANCE_PERIODIC || now < pc->next_balance)
		return;
	balance(s);
	pc->next_balance = now - now % every + every;
}

static void pc_remove(struct sched *s, struct thread *t)
{
	struct percpu *pc = P(s);

	if (t->inq && t->state == T_READY && home(pc, t)) {
		take(pc, t);
		s->nready--;
	}
}

/* Preemptive inner policies: a ready thread may take its own CPU only, and
 * only when it may run there now (a thread of a process stopped for its
 * migration waits in its queue: preempting for it would pick the same
 * thread again, for ever). */
static struct thread *pc_victim(struct sched *s)
{
	struct percpu *pc = P(s);

	if (!pc->inner->preempts)
		return NULL;
	for (uint32_t k = 0; k < pc->n; k++) {
		struct cpu *c = cpu_at(s, k);
		struct thread *r = c->cur;
		for (struct thread *t = pc->sub[k].rq.head; r && t; t = t->qnext)
			if (sched_allowed(t, c) && pc->inner->preempts(&pc->sub[k], t, r))
				return r;
	}
	return NULL;
}

static int pc_init(struct sched *s)
{
	struct machine *m = s->m;
	uint32_t n = s->ncpus ? s->ncpus : m->cfg.cpus;
	struct percpu *pc = calloc(1, sizeof *pc + n * sizeof pc->sub[0]);

	if (!pc)
		return -1;
	pc->inner = s->inner ? s->inner : m->cfg.sched;
	pc->cpu0 = s->ncpus ? s->cpu0 : 0;
	pc->n = n;
	pc->balance = s->balance_ns ? s->balance : m->cfg.balance;
	pc->balance_ns = s->balance_ns ? s->balance_ns : m->cfg.balance_ns;
	pc->next_balance = pc->balance_ns;
	for (uint32_t k = 0; k < pc->n; k++) {
		pc->sub[k].ops = pc->inner;
		pc->sub[k].quantum = s->quantum;
		pc->sub[k].m = m;
		pc->sub[k].node = s->node;
		pc->sub[k].cpu0 = pc->cpu0 + k;
		pc->sub[k].ncpus = 1;
	}
	s->data = pc;
	return 0;
}

static void pc_fini(struct sched *s)
{
	struct percpu *pc = P(s);

	for (uint32_t k = 0; pc && k < pc->n; k++)
		sched_rq_free(&pc->sub[k]);
	free(s->data);
	s->data = NULL;
}

const struct sched_ops sched_percpu_ops = {
	.name = "per-cpu",
	.enqueue = pc_enqueue,
	.pick = pc_pick,
	.slice = pc_slice,
	.init = pc_init,
	.fini = pc_fini,
	.instant = pc_instant,
	.remove = pc_remove,
	.victim = pc_victim,
};
