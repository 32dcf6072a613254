/*
 * sched.c - the table of policies, chosen by name in one place.
 */
#include "sched.h"

#include <string.h>

#include "machine.h"
#include "proc.h"

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

void sched_remove(struct sched *s, struct thread *t)
{
	if (s->ops->remove) {
		s->ops->remove(s, t);
		return;
	}
	if (t->inq == &s->rq) {
		tq_remove(t);
		s->nready--;
	}
}

void sched_rq_enqueue(struct sched *s, struct thread *t)
{
	tq_push(&s->rq, t);
	s->nready++;
}

struct thread *sched_rq_pick(struct sched *s, struct cpu *c)
{
	struct thread *t = s->rq.head;

	while (t && !sched_allowed(t, c))
		t = t->qnext;
	if (t) {
		tq_remove(t);
		s->nready--;
	}
	return t;
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
	uint64_t a = t->p->affinity;

	return !a || !c || (c->id < 64 && ((a >> c->id) & 1));
}
