/*
 * ctx_ucontext.c: the portable context backend, on makecontext/swapcontext.
 *
 * The one idea: let libc do the switching.  It is slow (swapcontext also
 * saves the signal mask, a system call) but works on any POSIX CPU, and is
 * a reference to check the assembly backends against.
 */
#include <stdint.h>
#include <stdlib.h>

#include "ctx.h"

#ifdef UKERN_CTX_UCONTEXT

/*
 * makecontext passes only int arguments, so the ctx pointer travels as two
 * 32-bit halves; this is the portable way for 64-bit pointers.
 */
static void ctx_uc_entry(int hi, int lo)
{
	uint64_t bits = (uint64_t)(unsigned)hi << 32 | (unsigned)lo;
	struct ctx *c = (struct ctx *)(uintptr_t)bits;

#ifdef UKERN_CTX_ASAN
	ctx_asan_arrive(c);
#endif
	c->fn(c->arg);
	abort();		/* fn must never return */
}

/* Point a fresh ucontext at the stack; ctx_uc_entry then calls fn(arg). */
void ctx_make(struct ctx *c, void *stack, size_t size, ctx_entry_fn fn, void *arg)
{
	uint64_t bits = (uintptr_t)c;

#ifdef UKERN_CTX_ASAN
	ctx_asan_made(c, stack, size, fn, arg);
#endif
	if (getcontext(&c->uc) != 0)
		abort();
	c->uc.uc_stack.ss_sp = stack;
	c->uc.uc_stack.ss_size = size;
	c->uc.uc_link = NULL;
	c->fn = fn;
	c->arg = arg;
	makecontext(&c->uc, (void (*)(void))ctx_uc_entry, 2,
		    (int)(unsigned)(bits >> 32), (int)(unsigned)bits);
}

/* swapcontext, bracketed by ASan's fiber calls when it is on. */
void ctx_switch(struct ctx *from, struct ctx *to)
{
#ifdef UKERN_CTX_ASAN
	ctx_asan_leave(from, to);
#endif
	if (swapcontext(&from->uc, &to->uc) != 0)
		abort();
#ifdef UKERN_CTX_ASAN
	ctx_asan_arrive(from);
#endif
}

/* Name the backend, for logs and tests. */
const char *ctx_backend(void)
{
	return "ucontext";
}

#else
typedef int ctx_ucontext_unused;	/* ISO C forbids an empty translation unit */
#endif /* UKERN_CTX_UCONTEXT */
