/*
 * ctx_aarch64.S: the stack switch for aarch64 (AAPCS64).
 *
 * The one idea: store the callee-saved registers x19-x30 and d8-d15 in a
 * 160-byte frame, trade stack pointers, load the other side's frame and
 * branch to its x30.  Frame layout, lowest first:
 *   x19 x20 ... x28 | x29 x30 | d8 ... d15
 * which is also the frame ctx_make (ctx_asm.c) builds for a new context.
 */
#include "ctx.h"

#if defined(__aarch64__) && !defined(UKERN_CTX_UCONTEXT)

#ifdef UKERN_CTX_ASAN
#define CTX_SWITCH ctx_asm_switch	/* ctx_asm.c wraps it with ASan's fiber calls */
#else
#define CTX_SWITCH ctx_switch
#endif

#define FRAME 160

	.text

/*
 * void CTX_SWITCH(struct ctx *from, struct ctx *to): see ctx_switch in ctx.h.
 * Leaves by br, not ret: a ret onto another stack always misses the
 * return-address predictor.  (br x30 is fine as long as this object has no
 * BTI property note, which keeps the whole program out of BTI enforcement.)
 */
	.globl	CTX_SWITCH
	.type	CTX_SWITCH, %function
	.p2align 4
CTX_SWITCH:
	.cfi_startproc
	sub	sp, sp, #FRAME
	.cfi_def_cfa_offset FRAME
	stp	x19, x20, [sp, #0]
	stp	x21, x22, [sp, #16]
	stp	x23, x24, [sp, #32]
	stp	x25, x26, [sp, #48]
	stp	x27, x28, [sp, #64]
	stp	x29, x30, [sp, #80]
	.cfi_offset x29, 80 - FRAME
	.cfi_offset x30, 88 - FRAME
	stp	d8, d9, [sp, #96]
	stp	d10, d11, [sp, #112]
	stp	d12, d13, [sp, #128]
	stp	d14, d15, [sp, #144]
	mov	x9, sp
	str	x9, [x0]
	ldr	x9, [x1]
	mov	sp, x9
	ldp	x19, x20, [sp, #0]
	ldp	x21, x22, [sp, #16]
	ldp	x23, x24, [sp, #32]
	ldp	x25, x26, [sp, #48]
	ldp	x27, x28, [sp, #64]
	ldp	x29, x30, [sp, #80]
	ldp	d8, d9, [sp, #96]
	ldp	d10, d11, [sp, #112]
	ldp	d12, d13, [sp, #128]
	ldp	d14, d15, [sp, #144]
	add	sp, sp, #FRAME
	.cfi_def_cfa_offset 0
	.cfi_restore x29
	.cfi_restore x30
	br	x30
	.cfi_endproc
	.size	CTX_SWITCH, .-CTX_SWITCH

/*
 * ctx_asm_trampoline: where a new context's first switch lands, with
 * x19 = fn, x20 = arg and sp 16-byte aligned.  fn must not return; if it
 * does, trap.  x30 is undefined here, which tells debuggers the backtrace ends.
 */
	.globl	ctx_asm_trampoline
	.hidden	ctx_asm_trampoline
	.type	ctx_asm_trampoline, %function
	.p2align 4
ctx_asm_trampoline:
	.cfi_startproc
	.cfi_undefined x30
	mov	x0, x20
	blr	x19
	brk	#0
	.cfi_endproc
	.size	ctx_asm_trampoline, .-ctx_asm_trampoline

#endif /* __aarch64__ && !UKERN_CTX_UCONTEXT */

	.section .note.GNU-stack, "", %progbits
