/*
 * ksync.c - the synchronisation rules (see ksync.h) and the kernel executor.
 */
#include "ksync.h"

#include <stddef.h>

#include "proc.h"
#include "uk_err.h"

#define BLOCKED 1

void ksync_init(struct ksync *o, enum ksync_type type, uint32_t pid, int64_t count)
{
	o->type = (uint8_t)type;
	o->pid = pid;
	o->count = count;
	o->owner = NULL;
	o->waiters.head = o->waiters.tail = NULL;
}

static int wait_on(struct ksync *o, struct thread *t, const struct ksync_exec *x)
{
	tq_push(&o->waiters, t);
	x->block(x->ctx, t);
	return BLOCKED;
}

/* Give mutex mu to t, or queue t for it; t is already blocked. */
static void reacquire(struct ksync *mu, struct thread *t, const struct ksync_exec *x)
{
	if (!mu->owner) {
		mu->owner = t;
		x->wake(x->ctx, t, UK_OK);
	} else {
		tq_push(&mu->waiters, t);
	}
}

static void release(struct ksync *mu, const struct ksync_exec *x)
{
	struct thread *w = tq_pop(&mu->waiters);

	mu->owner = w;
	if (w)
		x->wake(x->ctx, w, UK_OK);
}

static int mutex_op(struct ksync *o, unsigned op, struct thread *t, const struct ksync_exec *x)
{
	switch (op) {
	case KS_LOCK:
		if (o->owner == t)
			return UK_EINVAL;
		if (o->owner)
			return wait_on(o, t, x);
		o->owner = t;
		return UK_OK;
	case KS_TRYLOCK:
		t->sc.val = !o->owner;
		if (!o->owner)
			o->owner = t;
		return UK_OK;
	case KS_UNLOCK:
		if (o->owner != t)
			return UK_EINVAL;
		release(o, x);
		return UK_OK;
	default:
		return UK_EINVAL;
	}
}

static int sem_op(struct ksync *o, unsigned op, struct thread *t, const struct ksync_exec *x)
{
	struct thread *w;

	switch (op) {
	case KS_WAIT:
		if (o->count > 0) {
			o->count--;
			return UK_OK;
		}
		return wait_on(o, t, x);
	case KS_POST:
		if ((w = tq_pop(&o->waiters)) != NULL)
			x->wake(x->ctx, w, UK_OK);
		else
			o->count++;
		return UK_OK;
	default:
		return UK_EINVAL;
	}
}

static int cond_op(struct ksync *o, struct ksync *mu, unsigned op, struct thread *t,
		   const struct ksync_exec *x)
{
	struct thread *w;

	switch (op) {
	case KS_WAIT:
		if (!mu || mu->type != KS_MUTEX || mu->owner != t)
			return UK_EINVAL;
		t->sc.aux = mu;
		release(mu, x);
		return wait_on(o, t, x);
	case KS_SIGNAL:
		if ((w = tq_pop(&o->waiters)) != NULL)
			reacquire(w->sc.aux, w, x);
		return UK_OK;
	case KS_BROADCAST:
		while ((w = tq_pop(&o->waiters)) != NULL)
			reacquire(w->sc.aux, w, x);
		return UK_OK;
	default:
		return UK_EINVAL;
	}
}

int ksync_do(struct ksync *o, struct ksync *mu, unsigned op, struct thread *t,
	     const struct ksync_exec *x)
{
	switch (o->type) {
	case KS_MUTEX:
		return mutex_op(o, op, t, x);
	case KS_SEMAPHORE:
		return sem_op(o, op, t, x);
	case KS_COND:
		return cond_op(o, mu, op, t, x);
	default:
		return UK_EINVAL;
	}
}

static void kernel_block(void *ctx, struct thread *t)
{
	(void)ctx;
	thread_block(t, R_LOCK, UINT64_MAX);
}

static void kernel_wake(void *ctx, struct thread *t, int err)
{
	(void)ctx;
	thread_wake(t, err, 0);
}

static const struct ksync_exec kernel_exec = { kernel_block, kernel_wake, NULL };

void ksync_op(struct thread *t)
{
	struct ksync *o = t->sc.ptr, *mu = t->sc.aux;
	int r;

	t->sc.ptr = NULL;
	if (o->pid != t->p->pid || (mu && mu->pid != t->p->pid)) {
		t->sc.err = UK_ENORIGHT;
		return;
	}
	t->sc.err = UK_OK;
	r = ksync_do(o, mu, (unsigned)t->sc.arg, t, &kernel_exec);
	if (r != 1)
		t->sc.err = (int16_t)r;
}
