/*
 * sched_mlfq.c - the multi-level feedback queue of OSTEP's mlfq.py, rule
 * for rule (doc/scheduling.md, "mlfq"). Decisions are made every tick:
 * each dispatch runs one tick, and at its end the job is requeued.
 *
 * The kernel handles an instant in the order the rules need: slice ends
 * first (the job that ran in tick t-1 is requeued: ran, then enqueue or
 * io_start), then instant (the boost at t), then arrivals and I/O
 * completions (enqueue as R_NEW or R_WOKEN), then the pick.
 */
#include "sched.h"

#include <stdlib.h>

#include "machine.h"
#include "sched_mlfq.h"

struct mlfq {
	const struct mlfq_config *cfg;
	struct tqueue q[MLFQ_MAX_QUEUES];
	uint64_t last_boost;     /* the latest boost time applied */
};

static struct mlfq *M(struct sched *s)
{
	return s->data;
}

static void refill(const struct mlfq_config *c, struct thread *t)
{
	t->ticks_left = c->quantum[t->level];
	t->allot_left = c->allotment[t->level];
}

/* Step 7: judged on the count of step 4. Returns 1 when the quantum ran
 * out (the job goes to the tail of its, possibly new, level), else 0. */
static int expiry(const struct mlfq_config *c, struct thread *t, uint64_t ticks_after)
{
	if (ticks_after > 0)
		return 0;
	if (t->allot_left > 0)
		t->allot_left--;
	if (t->allot_left == 0) {
		if ((uint32_t)t->level + 1 < c->queues)
			t->level++;
		refill(c, t);
	} else {
		t->ticks_left = c->quantum[t->level];
	}
	return 1;
}

/* Step 4: the job ran; its quantum shrinks by the ticks it ran. */
static void mlfq_ran(struct sched *s, struct thread *t, uint64_t ran_ns)
{
	uint64_t ticks = ran_ns / MLFQ_TICK_NS;

	(void)s;
	t->ticks_left = ticks >= t->ticks_left ? 0 : t->ticks_left - ticks;
}

/* Steps 6 and 7 for a job that starts an I/O: it is not queued now. */
static void mlfq_io_start(struct sched *s, struct thread *t)
{
	const struct mlfq_config *c = M(s)->cfg;
	uint64_t ticks = t->ticks_left;

	if (c->io_stay)
		refill(c, t);
	expiry(c, t, ticks);
}

static void push(struct sched *s, struct thread *t, int front)
{
	struct tqueue *q = &M(s)->q[t->level];

	if (front && q->head) {
		struct thread *h = q->head;
		t->qprev = NULL;
		t->qnext = h;
		h->qprev = t;
		q->head = t;
		t->inq = q;
	} else {
		tq_push(q, t);
	}
	s->nready++;
}

static void mlfq_enqueue(struct sched *s, struct thread *t)
{
	const struct mlfq_config *c = M(s)->cfg;

	switch (t->why) {
	case R_NEW:
		t->level = 0;
		refill(c, t);
		push(s, t, 0);
		break;
	case R_PREEMPTED:
		/* A job whose quantum is not used up keeps its place at the head. */
		push(s, t, !expiry(c, t, t->ticks_left));
		break;
	case R_WOKEN:
		push(s, t, c->io_front);
		break;
	default:
		push(s, t, 0);
		break;
	}
}

static struct thread *mlfq_pick(struct sched *s, struct cpu *cpu)
{
	struct mlfq *ml = M(s);

	for (uint32_t i = 0; i < ml->cfg->queues; i++) {
		struct thread *t = ml->q[i].head;
		while (t && !sched_allowed(t, cpu))
			t = t->qnext;
		if (t) {
			tq_remove(t);
			s->nready--;
			return t;
		}
	}
	return NULL;
}

static uint64_t mlfq_slice(struct sched *s, struct thread *t)
{
	(void)s;
	(void)t;
	return MLFQ_TICK_NS;
}

/* Step 1: at every multiple of boost (idle ticks too, so one missed while
 * nothing happened is applied now), lower queues move to the top, lowest
 * first, and every unfinished job gets top priority afresh. */
static void mlfq_instant(struct sched *s, uint64_t now)
{
	struct mlfq *ml = M(s);
	const struct mlfq_config *c = ml->cfg;
	uint64_t due;
	struct machine *m = s->m;

	if (!c->boost_ns || now < c->boost_ns)
		return;
	due = now - now % c->boost_ns;
	if (due <= ml->last_boost)
		return;
	ml->last_boost = due;
	for (uint32_t lv = c->queues - 1; lv > 0; lv--) {
		struct thread *t;
		while ((t = tq_pop(&ml->q[lv])) != NULL)
			tq_push(&ml->q[0], t);
	}
	for (uint32_t i = 0; i < m->nthreads; i++) {
		struct thread *t = m->threads[i];
		if (m->net && machine_sched(m, t) != s)
			continue;       /* another node's job: its own scheduler boosts it */
		if (t->state != T_EXITED && t->kind != THREAD_USER) {
			t->level = 0;
			refill(c, t);
		}
	}
}

static void mlfq_remove(struct sched *s, struct thread *t)
{
	if (t->inq && t->state == T_READY) {
		tq_remove(t);
		s->nready--;
	}
}

static int mlfq_init(struct sched *s)
{
	struct mlfq *ml = calloc(1, sizeof *ml);

	if (!ml || !s->m->cfg.mlfq) {
		free(ml);
		return -1;
	}
	ml->cfg = s->m->cfg.mlfq;
	s->data = ml;
	return 0;
}

static void mlfq_fini(struct sched *s)
{
	free(s->data);
	s->data = NULL;
}

const struct sched_ops sched_mlfq_ops = {
	.name = "mlfq",
	.enqueue = mlfq_enqueue,
	.pick = mlfq_pick,
	.slice = mlfq_slice,
	.init = mlfq_init,
	.fini = mlfq_fini,
	.ran = mlfq_ran,
	.io_start = mlfq_io_start,
	.instant = mlfq_instant,
	.remove = mlfq_remove,
};
