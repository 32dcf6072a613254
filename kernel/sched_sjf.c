/*
 * sched_sjf.c - shortest job first and shortest time to completion first.
 *
 * Both pick the ready thread needing the least CPU (a job's declared
 * length; threads of unknown length come last), ties to the earlier
 * declared. sjf runs its pick to completion or until it
 * blocks; stcf preempts the running thread as soon as a ready one needs
 * strictly less time than it has left. With every job arriving at once both
 * are a stable sort by length followed by fifo.
 */
#include "sched.h"

#include <stddef.h>
#include <stdint.h>

#include "proc.h"

static uint64_t sjf_need(const struct thread *t)
{
	return t->p->job_ns ? t->p->job_ns : UINT64_MAX;
}

/* Is a a better pick than b under need()? */
static int better(uint64_t na, const struct thread *a, uint64_t nb, const struct thread *b)
{
	return na < nb || (na == nb && sched_before(a, b));
}

/* Remove and return the ready thread with the least need (linear: the
 * ready queues of these homework policies are short). */
static struct thread *pick_least(struct sched *s, const struct cpu *c,
				 uint64_t (*need)(const struct thread *))
{
	struct thread *best = NULL;
	uint64_t bn = UINT64_MAX;

	for (struct thread *t = s->rq.head; t; t = t->qnext) {
		uint64_t n = need(t);
		if (!sched_allowed(t, c))
			continue;
		if (!best || better(n, t, bn, best)) {
			best = t;
			bn = n;
		}
	}
	if (best) {
		tq_remove(best);
		s->nready--;
	}
	return best;
}

static struct thread *sjf_pick(struct sched *s, struct cpu *c)
{
	return pick_least(s, c, sjf_need);
}

static struct thread *stcf_pick(struct sched *s, struct cpu *c)
{
	return pick_least(s, c, sched_remaining);
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
	.pick = sjf_pick,
	.slice = no_slice,
};

const struct sched_ops sched_stcf_ops = {
	.name = "stcf",
	.enqueue = sched_rq_enqueue,
	.pick = stcf_pick,
	.slice = no_slice,
	.preempts = stcf_preempts,
};
