/*
 * body_c.c - C bodies: a function on a stack of its own, entered and left
 * through ctx_switch. The kernel loop runs on the host's stack (m->kctx);
 * resuming a body switches to its stack, a system call switches back.
 */
#include "body_c.h"

#include <stdlib.h>

#include "ctx.h"
#include "machine.h"
#include "stack.h"
#include "syscall.h"
#include "thread.h"

struct cbody {
	struct ctx ctx;
	struct stack st;
	body_c_fn fn;
	void *arg;
	struct thread *t;   /* set on every resume */
};

static void entry(void *arg)
{
	struct cbody *cb = arg;
	struct thread *t = cb->t;

	cb->fn(t, cb->arg);
	t->sc.op = SYS_EXIT;
	t->sc.arg = 0;
	ctx_switch(&cb->ctx, &t->m->kctx);
	abort();   /* an exited body is never resumed */
}

static void cbody_resume(struct thread *t)
{
	struct cbody *cb = t->body_data;

	cb->t = t;
	ctx_switch(&t->m->kctx, &cb->ctx);
}

static void cbody_destroy(struct thread *t)
{
	struct cbody *cb = t->body_data;

	if (!cb)
		return;
	stackpool_put(&t->m->stacks, &cb->st);
	free(cb);
}

const struct body_ops body_c_ops = {
	.kind = "c",
	.resume = cbody_resume,
	.destroy = cbody_destroy,
};

void *body_c_new(struct machine *m, body_c_fn fn, void *arg)
{
	struct cbody *cb = malloc(sizeof *cb);

	if (!cb)
		return NULL;
	if (stackpool_get(&m->stacks, &cb->st) != 0) {
		free(cb);
		return NULL;
	}
	cb->fn = fn;
	cb->arg = arg;
	cb->t = NULL;
	ctx_make(&cb->ctx, cb->st.base, cb->st.size, entry, cb);
	return cb;
}

void body_c_trap(struct thread *self)
{
	struct cbody *cb = self->body_data;

	ctx_switch(&cb->ctx, &self->m->kctx);
}
