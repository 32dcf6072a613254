/*
 * sched_lottery.c - lottery and stride scheduling: CPU shares in
 * proportion to tickets.
 *
 * lottery: at each dispatch a number r is drawn from the machine's seeded
 * generator; the ready threads' tickets are laid out by thread id (the
 * order threads were made) and the one whose range holds r mod the total
 * wins, for one quantum. A job that finishes sooner keeps the CPU to the
 * quantum's end (whole_quanta): the next draw is a quantum later, and the
 * job's finish is the quantum's end, as in lottery.py. Shares are right
 * only in the long run; which thread wins a given draw depends on the
 * generator and the layout, as in lottery.py.
 *
 * stride: each thread's stride is STRIDE_L / tickets; the ready thread with
 * the smallest pass runs (ties to the earlier declared) and its pass grows
 * by its stride. Shares are exact over each cycle: 100, 50 and 250 tickets
 * give strides 100, 200 and 40, and in every 8 quanta 2, 1 and 5.
 * Both decide in O(log n): stride by the ready heap, lottery by a Fenwick
 * tree of the ready tickets (a walk over the ready queue when some thread
 * is restricted to some CPUs).
 */
#include "sched.h"

#include <assert.h>
#include <stddef.h>
#include <stdlib.h>
#include <stdint.h>

#include "machine.h"
#include "proc.h"
#include "rng.h"

#define STRIDE_L 10000

/* --- the Fenwick tree: ready tickets by thread id, O(log n) a draw --- */

static int fw_grow(struct sched *s, uint32_t tid)
{
	uint32_t n = s->fw_n ? s->fw_n : 1024;
	uint64_t *t;
	struct thread **who;

	while (n < tid)
		n *= 2;
	t = calloc((size_t)n + 1, sizeof *t);
	who = calloc((size_t)n + 1, sizeof *who);
	if (!t || !who) {
		free(t);
		free(who);
		return -1;
	}
	/* Rebuild from the ready threads (growth is rare: sizes double). */
	free(s->fw);
	free(s->fw_t);
	s->fw = t;
	s->fw_t = who;
	s->fw_n = n;
	for (struct thread *r = s->rq.head; r; r = r->qnext) {
		who[r->tid] = r;
		for (uint32_t i = r->tid; i <= n; i += i & -i)
			t[i] += sched_tickets(r);
	}
	return 0;
}

static void fw_add(struct sched *s, uint32_t tid, int64_t v)
{
	for (uint32_t i = tid; i <= s->fw_n; i += i & -i)
		s->fw[i] += (uint64_t)v;
}

/* The thread id whose range holds r (0 <= r < total). */
static uint32_t fw_find(const struct sched *s, uint64_t r)
{
	uint32_t pos = 0, step = 1;

	while (step * 2 <= s->fw_n)
		step *= 2;
	for (; step; step /= 2) {
		if (pos + step <= s->fw_n && s->fw[pos + step] <= r) {
			pos += step;
			r -= s->fw[pos];
		}
	}
	return pos + 1;
}

static void lottery_enqueue(struct sched *s, struct thread *t)
{
	/* Grow (rebuilding from the threads already queued) before queueing t. */
	if (t->tid > s->fw_n && fw_grow(s, t->tid) != 0)
		s->m->oom = 1;
	sched_rq_enqueue(s, t);
	if (t->p->affinity)
		s->restricted++;
	if (t->tid <= s->fw_n) {
		fw_add(s, t->tid, sched_tickets(t));
		s->fw_t[t->tid] = t;
	}
}

static void lottery_take(struct sched *s, struct thread *t)
{
	sched_rq_take(s, t);
	if (t->p->affinity)
		s->restricted--;
	if (t->tid <= s->fw_n) {
		fw_add(s, t->tid, -(int64_t)sched_tickets(t));
		s->fw_t[t->tid] = NULL;
	}
}

static void lottery_remove(struct sched *s, struct thread *t)
{
	if (t->inq == &s->rq)
		lottery_take(s, t);
}

/* With threads restricted to some CPUs the draw is over those c may run,
 * found by a walk (O(n)); otherwise the tree answers in O(log n). */
static struct thread *lottery_pick(struct sched *s, struct cpu *c)
{
	uint64_t total = 0, r;
	struct thread *win = NULL;

	if (!s->restricted && s->fw_n) {
		/* The total is the prefix sum up to the last id. */
		for (uint32_t i = s->fw_n; i; i -= i & -i)
			total += s->fw[i];
		if (!total)
			return NULL;
		r = rng_below(&s->m->rng, total);
		win = s->fw_t[fw_find(s, r)];
		assert(win && "lottery_pick: the tree and the queue disagree");
		lottery_take(s, win);
		return win;
	}
	for (struct thread *t = s->rq.head; t; t = t->qnext)
		if (sched_allowed(t, c))
			total += sched_tickets(t);
	if (!total)
		return NULL;
	r = rng_below(&s->m->rng, total);
	for (struct thread *t = s->rq.head; t && !win; t = t->qnext) {
		if (!sched_allowed(t, c))
			continue;
		if (r < sched_tickets(t))
			win = t;
		else
			r -= sched_tickets(t);
	}
	lottery_take(s, win);
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
	.whole_quanta = 1,
	.enqueue = lottery_enqueue,
	.pick = lottery_pick,
	.slice = quantum,
	.remove = lottery_remove,
};

const struct sched_ops sched_stride_ops = {
	.name = "stride",
	.enqueue = stride_enqueue,
	.pick = stride_pick,
	.slice = quantum,
	.less = stride_less,
};
