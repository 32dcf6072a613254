/*
 * sched_fifo.c - first in, first out: each thread runs until it blocks,
 * yields or ends; ready threads wait in arrival order.
 */
#include "sched.h"

#include <stdint.h>

static uint64_t fifo_slice(struct sched *s, struct thread *t)
{
	(void)s;
	(void)t;
	return UINT64_MAX;
}

const struct sched_ops sched_fifo_ops = {
	.name = "fifo",
	.enqueue = sched_rq_enqueue,
	.pick = sched_rq_pick,
	.slice = fifo_slice,
};
