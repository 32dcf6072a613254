/*
 * sched_sjf.c - shortest job first and shortest time to completion first.
 *
 * Both pick the ready thread needing the least CPU (a job's declared
 * length; threads of unknown length come last), ties to the earlier
 * declared. sjf runs its pick to completion or until it blocks; stcf
 * preempts the running thread as soon as a ready one needs strictly less
 * time than it has left. With every job arriving at once both are a stable
 * sort by length followed by fifo. Both order the shared ready heap, so a
 * decision costs O(log n).
 */
#include "sched.h"

#include <stddef.h>
#include <stdint.h>

#include "proc.h"

static uint64_t sjf_need(const struct thread *t)
{
	return t->p->job_ns ? t->p->job_ns : UINT64_MAX;
}

static int sjf_less(const struct sched *s, const struct thread *a, const struct thread *b)
{
	uint64_t na = sjf_need(a), nb = sjf_need(b);

	(void)s;
	return na < nb || (na == nb && sched_before(a, b));
}

/* A ready thread's remaining time does not change while it waits. */
static int stcf_less(const struct sched *s, const struct thread *a, const struct thread *b)
{
	uint64_t na = sched_remaining(a), nb = sched_remaining(b);

	(void)s;
	return na < nb || (na == nb && sched_before(a, b));
}

static uint64_t no_slice(struct sched *s, struct thread *t)
{
	(void)s;
	(void)t;
	return UINT64_MAX;
}

static int stcf_preempts(struct sched *s, struct thread *t, struct thread *r)
{
	(void)s;
	return sched_remaining(t) < sched_remaining(r);
}

const struct sched_ops sched_sjf_ops = {
	.name = "sjf",
	.enqueue = sched_rq_enqueue,
	.pick = sched_rq_pick,
	.slice = no_slice,
	.less = sjf_less,
};

const struct sched_ops sched_stcf_ops = {
	.name = "stcf",
	.enqueue = sched_rq_enqueue,
	.pick = sched_rq_pick,
	.slice = no_slice,
	.preempts = stcf_preempts,
	.less = stcf_less,
};
