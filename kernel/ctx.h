/*
 * ctx.h: execution contexts for simulated threads.
 *
 * The one idea: a context is a suspended C stack.  Switching saves what
 * the caller is entitled to find unchanged (the callee-saved registers)
 * on the current stack, then adopts another stack.  Everything else is
 * already saved by the C calling convention of ctx_switch itself.
 *
 * Backends: hand-written assembly for x86-64 and aarch64 (the default),
 * or makecontext/swapcontext when UKERN_CTX_UCONTEXT is defined (chosen
 * at configure time, and automatically on any other CPU).  This header is
 * also read by the .S files, so it keeps C out of their sight.
 */
#ifndef UKERN_CTX_H
#define UKERN_CTX_H

#ifdef HAVE_CONFIG_H
#include "config.h"	/* configure may define UKERN_CTX_UCONTEXT there */
#endif

#if !defined(UKERN_CTX_UCONTEXT) && !defined(__x86_64__) && !defined(__aarch64__)
#define UKERN_CTX_UCONTEXT 1	/* no hand-written switch for this CPU */
#endif

/* AddressSanitizer must be told about stack switches; gcc and clang spell it differently. */
#if defined(__SANITIZE_ADDRESS__)
#define UKERN_CTX_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UKERN_CTX_ASAN 1
#endif
#endif

#ifndef __ASSEMBLER__
#include <stddef.h>
#ifdef UKERN_CTX_UCONTEXT
#include <ucontext.h>
#endif
#ifdef UKERN_CTX_ASAN
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#endif

typedef void (*ctx_entry_fn)(void *arg);

struct ctx {
#ifdef UKERN_CTX_UCONTEXT
	ucontext_t uc;
#else
	void *sp;		/* saved stack pointer; the asm relies on it being first */
#endif
#if defined(UKERN_CTX_UCONTEXT) || defined(UKERN_CTX_ASAN)
	ctx_entry_fn fn;	/* entry point, when a C wrapper runs first */
	void *arg;
#endif
#ifdef UKERN_CTX_ASAN
	const void *stack_lo;	/* this context's stack, as ASan must be told */
	size_t stack_size;
	void *fake_stack;	/* ASan's fake frames while suspended */
	struct ctx *prev;	/* who switched to us, to learn its stack */
#endif
};

/*
 * Prepare c so that the first ctx_switch(x, c) calls fn(arg) on the given
 * stack (stack = lowest address, size bytes).  fn must never return: it
 * ends by switching away for good.  The stack may be reused afterwards.
 */
void ctx_make(struct ctx *c, void *stack, size_t size, ctx_entry_fn fn, void *arg);

/*
 * Save the current execution into from and continue the one saved in to.
 * Returns when someone switches back to from.  from need not have been
 * made by ctx_make: switching out of main() (or any thread) fills it in.
 */
void ctx_switch(struct ctx *from, struct ctx *to);

/* The backend in use: "x86_64", "aarch64" or "ucontext". */
const char *ctx_backend(void);

#ifdef UKERN_CTX_ASAN
/*
 * The fiber protocol of ASan, shared by both backends: announce the target
 * stack before leaving, and on arrival record the stack we came from, so
 * that switching back to a context ctx_make never saw (main) works too.
 */
static inline void ctx_asan_made(struct ctx *c, void *stack, size_t size,
				 ctx_entry_fn fn, void *arg)
{
	/* A reused stack still carries the poisoned redzones of dead frames. */
	__asan_unpoison_memory_region(stack, size);
	c->fn = fn;
	c->arg = arg;
	c->stack_lo = stack;
	c->stack_size = size;
	c->fake_stack = NULL;
}

static inline void ctx_asan_leave(struct ctx *from, struct ctx *to)
{
	to->prev = from;
	__sanitizer_start_switch_fiber(&from->fake_stack, to->stack_lo, to->stack_size);
}

static inline void ctx_asan_arrive(struct ctx *self)
{
	struct ctx *prev = self->prev;

	__sanitizer_finish_switch_fiber(self->fake_stack, &prev->stack_lo, &prev->stack_size);
}
#endif /* UKERN_CTX_ASAN */

#endif /* !__ASSEMBLER__ */
#endif /* UKERN_CTX_H */
