/*
 * ctx_asm.c: the C half of the assembly context backends.
 *
 * The one idea: a new context is a stack that looks as if it had just
 * called ctx_switch, with the trampoline as its return address and fn/arg
 * in two callee-saved register slots.  The first switch to it "returns"
 * into the trampoline, which calls fn(arg).  The switch itself lives in
 * ctx_x86_64.S / ctx_aarch64.S.
 */
#include <stdint.h>
#include <string.h>

#include "ctx.h"

#ifndef UKERN_CTX_UCONTEXT

/* What the switch pops for a new context, lowest address first. */
#if defined(__x86_64__)
struct ctx_frame {
	uintptr_t r15, r14, r13;
	uintptr_t arg;		/* r12 */
	uintptr_t fn;		/* rbx */
	uintptr_t fp;		/* rbp */
	uintptr_t pc;		/* return address */
};
_Static_assert(sizeof(struct ctx_frame) == 7 * 8, "must match ctx_x86_64.S");
#elif defined(__aarch64__)
struct ctx_frame {
	uintptr_t fn;		/* x19 */
	uintptr_t arg;		/* x20 */
	uintptr_t x21_x28[8];
	uintptr_t fp;		/* x29 */
	uintptr_t pc;		/* x30 */
	uint64_t d8_d15[8];
};
_Static_assert(sizeof(struct ctx_frame) == 160, "must match FRAME in ctx_aarch64.S");
#endif

/* In the .S file: the first code a new context runs. */
void ctx_asm_trampoline(void);

#ifdef UKERN_CTX_ASAN
void ctx_asm_switch(struct ctx *from, struct ctx *to);

/* Tell ASan we arrived on a fresh stack before running any user code. */
static void ctx_asan_entry(void *p)
{
	struct ctx *c = p;

	ctx_asan_arrive(c);
	c->fn(c->arg);
}

/* The public switch: ASan must hear about every change of stack. */
void ctx_switch(struct ctx *from, struct ctx *to)
{
	ctx_asan_leave(from, to);
	ctx_asm_switch(from, to);
	ctx_asan_arrive(from);
}
#endif

/* Build the frame at the 16-byte aligned top of the stack; see the file comment. */
void ctx_make(struct ctx *c, void *stack, size_t size, ctx_entry_fn fn, void *arg)
{
	uintptr_t top = ((uintptr_t)stack + size) & ~(uintptr_t)15;
	struct ctx_frame *f = (struct ctx_frame *)(top - sizeof *f);

#ifdef UKERN_CTX_ASAN
	ctx_asan_made(c, stack, size, fn, arg);
	fn = ctx_asan_entry;
	arg = c;
#endif
	memset(f, 0, sizeof *f);	/* fp = 0 also ends frame-pointer backtraces */
	f->fn = (uintptr_t)fn;
	f->arg = (uintptr_t)arg;
	f->pc = (uintptr_t)ctx_asm_trampoline;
	c->sp = f;
}

/* Name the backend, for logs and tests. */
const char *ctx_backend(void)
{
#if defined(__x86_64__)
	return "x86_64";
#else
	return "aarch64";
#endif
}

#else
typedef int ctx_asm_unused;	/* ISO C forbids an empty translation unit */
#endif /* !UKERN_CTX_UCONTEXT */
