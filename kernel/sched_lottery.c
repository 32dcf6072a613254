/*
 * sched_lottery.c - lottery and stride scheduling: CPU shares in
 * proportion to tickets.
 *
 * lottery: at each dispatch a number r is drawn from the machine's seeded
 * generator; the ready threads' tickets are laid out in declaration order
 * and the one whose range holds r mod the total wins, for one
 * quantum. Shares are right only in the long run.
 *
 * stride: each thread's stride is STRIDE_L / tickets; the ready thread with
 * the smallest pass runs (ties to the earlier declared) and its pass grows
 * by its stride. Shares are exact over each cycle: 100, 50 and 250 tickets
 * give strides 100, 200 and 40, and in every 8 quanta 2, 1 and 5.
 */
#include "sched.h"

#include <stddef.h>
#include <stdint.h>

#include "machine.h"
#include "rng.h"

#define STRIDE_L 10000

static void take(struct sched *s, struct thread *t)
{
	tq_remove(t);
	s->nready--;
}

static struct thread *lottery_pick(struct sched *s, struct cpu *c)
{
	uint64_t total = 0, r;
	struct thread *win = NULL;

	for (struct thread *t = s->rq.head; t; t = t->qnext)
		if (sched_allowed(t, c))
			total += sched_tickets(t);
	if (!total)
		return NULL;
	r = rng_below(&s->m->rng, total);
	/* Ranges in declaration order. */
	for (;;) {
		struct thread *next = NULL;
		for (struct thread *t = s->rq.head; t; t = t->qnext)
			if (sched_allowed(t, c) && (!win || sched_before(win, t)) &&
			    (!next || sched_before(t, next)))
				next = t;
		win = next;
		if (r < sched_tickets(win))
			break;
		r -= sched_tickets(win);
	}
	take(s, win);
	return win;
}

static struct thread *stride_pick(struct sched *s, struct cpu *c)
{
	struct thread *best = NULL;

	for (struct thread *t = s->rq.head; t; t = t->qnext)
		if (sched_allowed(t, c) &&
		    (!best || t->pass < best->pass || (t->pass == best->pass && sched_before(t, best))))
			best = t;
	if (best) {
		take(s, best);
		s->pass_now = best->pass;
		best->pass += STRIDE_L / sched_tickets(best);
	}
	return best;
}

/* A newcomer starts at the current pass, not at 0 (it would monopolise
 * the CPU until it caught up). */
static void stride_enqueue(struct sched *s, struct thread *t)
{
	if (t->why == R_NEW)
		t->pass = s->pass_now;
	sched_rq_enqueue(s, t);
}

static uint64_t quantum(struct sched *s, struct thread *t)
{
	(void)t;
	return s->quantum;
}

const struct sched_ops sched_lottery_ops = {
	.name = "lottery",
	.enqueue = sched_rq_enqueue,
	.pick = lottery_pick,
	.slice = quantum,
};

const struct sched_ops sched_stride_ops = {
	.name = "stride",
	.enqueue = stride_enqueue,
	.pick = stride_pick,
	.slice = quantum,
};
