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
 * stride's decisions cost O(log n) (the ready heap); lottery's O(n log n).
 */
#include "sched.h"

#include <stddef.h>
#include <stdlib.h>
#include <stdint.h>

#include "machine.h"
#include "rng.h"

#define STRIDE_L 10000

static int by_declaration(const void *a, const void *b)
{
	const struct thread *x = *(struct thread *const *)a, *y = *(struct thread *const *)b;

	return x == y ? 0 : sched_before(x, y) ? -1 : 1;
}

/* The ranges are laid out in declaration order: sort the candidates once
 * (O(n log n) a decision), then walk them. */
static struct thread *lottery_pick(struct sched *s, struct cpu *c)
{
	struct thread **v = malloc(s->nready * sizeof *v), *win = NULL;
	uint64_t total = 0, r, n = 0;

	if (!v) {
		s->m->oom = 1;
		return NULL;
	}
	for (struct thread *t = s->rq.head; t; t = t->qnext)
		if (sched_allowed(t, c)) {
			v[n++] = t;
			total += sched_tickets(t);
		}
	if (total) {
		qsort(v, n, sizeof *v, by_declaration);
		r = rng_below(&s->m->rng, total);
		for (uint64_t i = 0; i < n && !win; i++) {
			if (r < sched_tickets(v[i]))
				win = v[i];
			else
				r -= sched_tickets(v[i]);
		}
		sched_rq_take(s, win);
	}
	free(v);
	return win;
}

static int stride_less(const struct sched *s, const struct thread *a, const struct thread *b)
{
	(void)s;
	return a->pass < b->pass || (a->pass == b->pass && sched_before(a, b));
}

static struct thread *stride_pick(struct sched *s, struct cpu *c)
{
	struct thread *best = sched_rq_pick(s, c);

	if (best) {
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
	.less = stride_less,
};
