/*
 * sched_priority.c - static priorities, preemptive, with optional aging.
 *
 * A higher number is a higher priority. The ready thread with the highest
 * effective priority runs; among equals, the one that became ready first
 * (round robin with the machine's quantum). A ready thread of strictly
 * higher priority takes the CPU at once. With machine { aging = d }, a
 * waiting thread gains one level for every d it has been ready, so that a
 * low-priority thread cannot starve forever. Without aging a decision costs
 * O(log n) (the ready heap); with aging, O(n).
 */
#include "sched.h"

#include <stddef.h>
#include <stdint.h>

#include "machine.h"

static int64_t effective(const struct sched *s, const struct thread *t)
{
	uint64_t aging = s->m->cfg.aging_ns;
	int64_t p = t->priority;

	if (aging && t->state == T_READY)
		p += (int64_t)((s->m->now - t->ready_since) / aging);
	return p;
}

/* Without aging: higher priority first, then the one ready longest. */
static int prio_less(const struct sched *s, const struct thread *a, const struct thread *b)
{
	(void)s;
	return a->priority > b->priority || (a->priority == b->priority && a->rseq < b->rseq);
}

/* With aging priorities change as threads wait, so the heap cannot rank
 * them: the ready queue is searched (O(n)). Without, the heap answers. */
static struct thread *prio_pick(struct sched *s, struct cpu *c)
{
	struct thread *best = NULL;
	int64_t bp = 0;

	if (!s->m->cfg.aging_ns)
		return sched_rq_pick(s, c);
	for (struct thread *t = s->rq.head; t; t = t->qnext) {
		int64_t p = effective(s, t);
		if (!sched_allowed(t, c))
			continue;
		if (!best || p > bp) {
			best = t;
			bp = p;
		}
	}
	if (best)
		sched_rq_take(s, best);
	return best;
}

static uint64_t prio_slice(struct sched *s, struct thread *t)
{
	(void)t;
	return s->quantum;
}

static int prio_preempts(struct sched *s, struct thread *t, struct thread *r)
{
	return effective(s, t) > r->priority;
}

const struct sched_ops sched_priority_ops = {
	.name = "priority",
	.enqueue = sched_rq_enqueue,
	.pick = prio_pick,
	.slice = prio_slice,
	.preempts = prio_preempts,
	.less = prio_less,
};
