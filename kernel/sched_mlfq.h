/*
 * sched_mlfq.h - the parameters of the multi-level feedback queue.
 */
#ifndef UKERN_SCHED_MLFQ_H
#define UKERN_SCHED_MLFQ_H

#include <stdint.h>

#define MLFQ_MAX_QUEUES 16
#define MLFQ_TICK_NS 1000000ull   /* decisions are made every tick of 1 ms */

struct mlfq_config {
	uint32_t queues;                        /* levels, 0 the highest */
	uint64_t quantum[MLFQ_MAX_QUEUES];      /* ticks per quantum, per level */
	uint64_t allotment[MLFQ_MAX_QUEUES];    /* quanta per level before moving down */
	uint64_t boost_ns;                      /* every boost_ns all jobs go to the top; 0: never */
	int io_stay;                            /* starting an I/O refills quantum and allotment */
	int io_front;                           /* an I/O completion joins the head of its queue */
};

#endif
