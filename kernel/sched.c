/*
 * sched.c - the table of policies, chosen by name in one place.
 */
#include "sched.h"

#include <stdlib.h>
#include <string.h>

#include "machine.h"
#include "proc.h"
#include "thread_state.h"

static const struct sched_ops *const policies[] = {
	&sched_fifo_ops,
	&sched_rr_ops,
	&sched_sjf_ops,
	&sched_stcf_ops,
	&sched_priority_ops,
	&sched_lottery_ops,
	&sched_stride_ops,
	&sched_mlfq_ops,
	&sched_cfs_ops,
};

#define NPOLICIES (sizeof policies / sizeof policies[0])

const struct sched_ops *sched_find(const char *name)
{
	for (unsigned i = 0; i < NPOLICIES; i++)
		if (strcmp(policies[i]->name, name) == 0)
			return policies[i];
	return NULL;
}

const char *sched_name(unsigned i)
{
	return i < NPOLICIES ? policies[i]->name : NULL;
}

const struct sched_ops *sched_rules(const struct sched *s)
{
	if (s->ops != &sched_percpu_ops)
		return s->ops;
	return s->inner ? s->inner : s->m->cfg.sched;
}

const char *sched_policy(const struct sched *s)
{
	return sched_rules(s)->name;
}

void sched_remove(struct sched *s, struct thread *t)
{
	if (s->ops->remove) {
		s->ops->remove(s, t);
		return;
	}
	if (t->inq == &s->rq)
		sched_rq_take(s, t);
}

/* --- the heap: a binary min-heap by ops->less --- */

static int heap_less(const struct sched *s, uint32_t i, uint32_t j)
{
	return s->ops->less(s, s->heap.v[i], s->heap.v[j]);
}

static void heap_swap(struct theap *h, uint32_t i, uint32_t j)
{
	struct thread *t = h->v[i];

	h->v[i] = h->v[j];
	h->v[j] = t;
	h->v[i]->hidx = i;
	h->v[j]->hidx = j;
}

static void heap_up(struct sched *s, uint32_t i)
{
	while (i > 0 && heap_less(s, i, (i - 1) / 2)) {
		heap_swap(&s->heap, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
}

static void heap_down(struct sched *s, uint32_t i)
{
	for (;;) {
		uint32_t l = 2 * i + 1, m = i;
		if (l < s->heap.n && heap_less(s, l, m))
			m = l;
		if (l + 1 < s->heap.n && heap_less(s, l + 1, m))
			m = l + 1;
		if (m == i)
			return;
		heap_swap(&s->heap, i, m);
		i = m;
	}
}

static void heap_push(struct sched *s, struct thread *t)
{
	struct theap *h = &s->heap;

	if (h->n == h->cap) {
		uint32_t cap = h->cap ? h->cap * 2 : 64;
		struct thread **v = realloc(h->v, cap * sizeof *v);
		if (!v) {
			s->m->oom = 1;   /* the run stops; the thread stays in rq only */
			return;
		}
		h->v = v;
		h->cap = cap;
	}
	h->v[h->n] = t;
	t->hidx = h->n++;
	heap_up(s, t->hidx);
}

static void heap_remove(struct sched *s, struct thread *t)
{
	struct theap *h = &s->heap;
	uint32_t i = t->hidx;

	if (i >= h->n || h->v[i] != t)
		return;
	heap_swap(h, i, --h->n);
	if (i < h->n) {
		heap_up(s, i);
		heap_down(s, i);
	}
}

/* Linux's sched_prio_to_weight, nice -20 .. 19 (cfs; here, where the ready
 * queue keeps their sum at every enqueue and removal, so that it inlines). */
static const uint32_t weights[40] = {
	88761, 71755, 56483, 46273, 36291, 29154, 23254, 18705, 14949, 11916,
	9548,  7620,  6100,  4904,  3906,  3121,  2501,  1991,  1586,  1277,
	1024,  820,   655,   526,   423,   335,   272,   215,   172,   137,
	110,   87,    70,    56,    45,    36,    29,    23,    18,    15,
};

uint32_t sched_weight(const struct thread *t)
{
	int nice = t->p->nice;

	if (nice < -20)
		nice = -20;
	if (nice > 19)
		nice = 19;
	return weights[nice + 20];
}

/* The ordered policies' books beside the list: the ready order
 * (priority's tie-break), the weights (cfs's slice), the heap. Out of line,
 * so that fifo and rr, which keep none, save no registers for them. */
static __attribute__((noinline)) void ordered_put(struct sched *s, struct thread *t)
{
	s->weight += sched_weight(t);
	t->rseq = ++s->seq;
	heap_push(s, t);
}

static __attribute__((noinline)) void ordered_take(struct sched *s, struct thread *t)
{
	s->weight -= sched_weight(t);
	heap_remove(s, t);
}

void sched_rq_enqueue(struct sched *s, struct thread *t)
{
	tq_push(&s->rq, t);
	s->nready++;
	if (s->ops->less)
		ordered_put(s, t);
}

/* The first thread in the list that may run on c. */
static struct thread *first_allowed(const struct sched *s, const struct cpu *c)
{
	struct thread *t = s->rq.head;

	while (t && !sched_allowed(t, c))
		t = t->qnext;
	return t;
}

struct thread *sched_rq_best(struct sched *s, const struct cpu *c)
{
	struct thread *best = NULL;

	if (!s->ops->less)
		return first_allowed(s, c);
	if (s->heap.n && sched_allowed(s->heap.v[0], c))
		return s->heap.v[0];
	/* The best may not run on c: look through them all. */
	for (struct thread *t = s->rq.head; t; t = t->qnext)
		if (sched_allowed(t, c) && (!best || s->ops->less(s, t, best)))
			best = t;
	return best;
}

void sched_rq_take(struct sched *s, struct thread *t)
{
	tq_remove(t);
	s->nready--;
	if (s->ops->less)
		ordered_take(s, t);
}

struct thread *sched_rq_pick(struct sched *s, struct cpu *c)
{
	struct thread *t = s->ops->less ? sched_rq_best(s, c) : first_allowed(s, c);

	if (t)
		sched_rq_take(s, t);
	return t;
}

void sched_rq_free(struct sched *s)
{
	free(s->fw);
	free(s->fw_t);
	s->fw = NULL;
	s->fw_t = NULL;
	s->fw_n = 0;
	free(s->heap.v);
	s->heap.v = NULL;
	s->heap.n = s->heap.cap = 0;
}

uint64_t sched_remaining(const struct thread *t)
{
	uint64_t used = t->cpu_ns;

	if (!t->p->job_ns)
		return UINT64_MAX;
	if (t->state == T_RUNNING)
		used += t->m->now - t->run_since;
	return used >= t->p->job_ns ? 0 : t->p->job_ns - used;
}

uint32_t sched_tickets(const struct thread *t)
{
	return t->p->tickets ? t->p->tickets : 100;
}

int sched_before(const struct thread *a, const struct thread *b)
{
	if (a->p != b->p)
		return a->p->pid < b->p->pid;
	return a->tid < b->tid;
}

int sched_allowed(const struct thread *t, const struct cpu *c)
{
	return thread_may_run(t, c);
}
