/*
 * sched_cfs.c - the Completely Fair Scheduler's core idea: run the ready
 * thread with the least virtual runtime.
 *
 * A thread's virtual runtime grows by the CPU time it runs, scaled by
 * 1024 / weight, where the weight comes from its nice value (-20 .. 19)
 * through Linux's table (each step of nice is about 10% of CPU). The slice
 * is the target latency (machine { latency }, 48 ms by default) shared in
 * proportion to the weights of the threads that can run, but never below
 * the minimum granularity (machine { min_granularity }, 6 ms). A thread
 * that arrives or wakes starts no lower than the smallest virtual runtime
 * of those ready, so that sleeping earns no credit to monopolise the CPU.
 * Ties go to the earlier declared. A decision costs O(log n) (the ready heap).
 */
#include "sched.h"

#include <stddef.h>
#include <stdint.h>

#include "machine.h"
#include "proc.h"

#define NICE_0_WEIGHT 1024

static int cfs_less(const struct sched *s, const struct thread *a, const struct thread *b)
{
	(void)s;
	return a->vruntime < b->vruntime || (a->vruntime == b->vruntime && sched_before(a, b));
}

/* The least virtual runtime ready: the top of the heap. */
static uint64_t min_vruntime(const struct sched *s)
{
	return s->heap.n ? s->heap.v[0]->vruntime : s->pass_now;
}

static void cfs_enqueue(struct sched *s, struct thread *t)
{
	if (t->why != R_PREEMPTED && t->why != R_YIELDED) {
		uint64_t floor = min_vruntime(s);
		if (t->vruntime < floor)
			t->vruntime = floor;
	}
	sched_rq_enqueue(s, t);
}

static struct thread *cfs_pick(struct sched *s, struct cpu *c)
{
	struct thread *best = sched_rq_pick(s, c);

	if (best)
		s->pass_now = best->vruntime;
	return best;
}

static uint64_t cfs_slice(struct sched *s, struct thread *t)
{
	const struct machine_config *cfg = &s->m->cfg;
	uint64_t total = sched_weight(t) + s->weight, slice;

	slice = cfg->latency_ns / total * sched_weight(t);
	return slice < cfg->min_granularity_ns ? cfg->min_granularity_ns : slice;
}

static void cfs_ran(struct sched *s, struct thread *t, uint64_t ran_ns)
{
	(void)s;
	t->vruntime += ran_ns * NICE_0_WEIGHT / sched_weight(t);
}

const struct sched_ops sched_cfs_ops = {
	.name = "cfs",
	.enqueue = cfs_enqueue,
	.pick = cfs_pick,
	.slice = cfs_slice,
	.ran = cfs_ran,
	.less = cfs_less,
};
