/*
 * sched_rr.c - round robin: fifo order, but each dispatch gets a fresh,
 * full quantum (nothing carries over), and a thread whose quantum runs out
 * goes to the tail. A thread that finishes its work exactly at the end of
 * the quantum is not preempted (see doc/scheduling.md, rr).
 */
#include "sched.h"

static uint64_t rr_slice(struct sched *s, struct thread *t)
{
	(void)t;
	return s->quantum;
}

const struct sched_ops sched_rr_ops = {
	.name = "rr",
	.enqueue = sched_rq_enqueue,
	.pick = sched_rq_pick,
	.slice = rr_slice,
};
