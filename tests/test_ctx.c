/*
 * test_ctx.c: unit tests for context switching (ctx) and the stack pool (stack).
 *
 * The one idea: coroutines report what they saw into shared structs and the
 * main context asserts on it, so a failure never has to longjmp out of a
 * coroutine stack.  Each test is built so that a broken switch or pool makes
 * it fail rather than pass by luck.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE		/* mincore */
#endif
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "ctx.h"
#include "stack.h"

enum { STACK_SIZE = 256 * 1024, GUARDS = 64 };

static size_t page_size(void)
{
	return (size_t)sysconf(_SC_PAGESIZE);
}

/* A coroutine and the stack it runs on. */
struct co {
	struct ctx ctx;
	struct stack st;
};

static void co_make(struct stackpool *sp, struct co *co, ctx_entry_fn fn, void *arg)
{
	assert_int_equal(stackpool_get(sp, &co->st), 0);
	ctx_make(&co->ctx, co->st.base, co->st.size, fn, arg);
}

static int on_stack(const struct co *co, uintptr_t addr)
{
	uintptr_t lo = (uintptr_t)co->st.base;

	return addr >= lo && addr < lo + co->st.size;
}

static void test_backend(void **state)
{
	(void)state;
#if defined(UKERN_CTX_UCONTEXT)
	assert_string_equal(ctx_backend(), "ucontext");
#elif defined(__x86_64__)
	assert_string_equal(ctx_backend(), "x86_64");
#else
	assert_string_equal(ctx_backend(), "aarch64");
#endif
}

/* --- ping-pong: main and one coroutine take turns bumping a counter --- */

enum { PINGS = 100000 };

struct pingpong {
	struct ctx main;
	struct co co;
	long counter, rounds, bad;
};

static void pingpong_body(void *p)
{
	struct pingpong *pp = p;

	for (;;) {
		if (pp->counter != 2 * pp->rounds + 1)
			pp->bad++;
		pp->counter++;
		pp->rounds++;
		ctx_switch(&pp->co.ctx, &pp->main);
	}
}

static void test_pingpong(void **state)
{
	static struct pingpong pp;
	struct stackpool sp;

	(void)state;
	stackpool_init(&sp, STACK_SIZE, GUARDS);
	co_make(&sp, &pp.co, pingpong_body, &pp);
	for (long i = 0; i < PINGS; i++) {
		pp.counter++;
		ctx_switch(&pp.main, &pp.co.ctx);
		assert_int_equal(pp.counter, 2 * i + 2);
	}
	assert_int_equal(pp.rounds, PINGS);
	assert_int_equal(pp.bad, 0);
	stackpool_free(&sp);
}

/* --- ring: coroutines hand control to each other in a fixed order --- */

enum { RING = 3, ROUNDS = 5 };
static const int ring_order[RING] = { 0, 2, 1 };	/* A, C, B, then back to main */

struct ring;

struct ring_member {
	struct co co;
	struct ring *ring;
	struct ctx *next;
	char name;
};

struct ring {
	struct ctx main;
	struct ring_member m[RING];
	char log[64];
	size_t n;
};

static void ring_log(struct ring *r, char c)
{
	if (r->n < sizeof r->log - 1)
		r->log[r->n++] = c;
}

static void ring_body(void *p)
{
	struct ring_member *m = p;

	for (;;) {
		ring_log(m->ring, m->name);
		ctx_switch(&m->co.ctx, m->next);
	}
}

static void test_ring(void **state)
{
	static struct ring r;
	struct stackpool sp;

	(void)state;
	stackpool_init(&sp, STACK_SIZE, GUARDS);
	for (int k = 0; k < RING; k++) {
		r.m[k].ring = &r;
		r.m[k].name = (char)('A' + k);
		co_make(&sp, &r.m[k].co, ring_body, &r.m[k]);
	}
	for (int pos = 0; pos < RING; pos++)
		r.m[ring_order[pos]].next = pos + 1 < RING ?
			&r.m[ring_order[pos + 1]].co.ctx : &r.main;
	for (int round = 0; round < ROUNDS; round++) {
		ring_log(&r, 'M');
		ctx_switch(&r.main, &r.m[ring_order[0]].co.ctx);
	}
	assert_string_equal(r.log, "MACBMACBMACBMACBMACB");
	stackpool_free(&sp);
}

/* --- registers: callee-saved values survive the other side trashing them --- */

#if defined(__x86_64__)
#define TRASH_CALLEE_SAVED() __asm__ volatile( \
	"movq $-1, %%rbx\n\tmovq $-1, %%r12\n\tmovq $-1, %%r13\n\t" \
	"movq $-1, %%r14\n\tmovq $-1, %%r15" \
	::: "rbx", "r12", "r13", "r14", "r15")
#elif defined(__aarch64__)
#define TRASH_CALLEE_SAVED() __asm__ volatile( \
	"mov x19, #-1\n\tmov x20, #-1\n\tmov x21, #-1\n\tmov x22, #-1\n\t" \
	"mov x23, #-1\n\tmov x24, #-1\n\tmov x25, #-1\n\tmov x26, #-1\n\t" \
	"mov x27, #-1\n\tmov x28, #-1\n\t" \
	"fmov d8, #-1.0\n\tfmov d9, #-1.0\n\tfmov d10, #-1.0\n\tfmov d11, #-1.0\n\t" \
	"fmov d12, #-1.0\n\tfmov d13, #-1.0\n\tfmov d14, #-1.0\n\tfmov d15, #-1.0" \
	::: "x19", "x20", "x21", "x22", "x23", "x24", "x25", "x26", "x27", "x28", \
	    "v8", "v9", "v10", "v11", "v12", "v13", "v14", "v15")
#else
#define TRASH_CALLEE_SAVED() ((void)0)	/* the ordinary code between switches must do */
#endif

enum { REG_ROUNDS = 1000 };

/* Volatile, so the values cannot be rematerialized after the switch. */
static volatile long reg_src[6] = { 11, 22, 33, 44, 55, 66 };
static volatile double dbl_src[8] = { 1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5 };

/* Hold 6 longs and 8 doubles across one switch (in callee-saved registers,
 * as far as the compiler can); 1 if any came back changed. */
__attribute__((noinline))
static int regs_hold(struct ctx *self, struct ctx *other)
{
	long a = reg_src[0], b = reg_src[1], c = reg_src[2];
	long d = reg_src[3], e = reg_src[4], f = reg_src[5];
	double u = dbl_src[0], v = dbl_src[1], w = dbl_src[2], x = dbl_src[3];
	double y = dbl_src[4], z = dbl_src[5], s = dbl_src[6], t = dbl_src[7];

	ctx_switch(self, other);
	return a != 11 || b != 22 || c != 33 || d != 44 || e != 55 || f != 66 ||
	       u != 1.5 || v != 2.5 || w != 3.5 || x != 4.5 ||
	       y != 5.5 || z != 6.5 || s != 7.5 || t != 8.5;
}

/* Switch with every callee-saved register overwritten; a switch that
 * forgets one hands the garbage to the other side. */
__attribute__((noinline))
static void trash_switch(struct ctx *from, struct ctx *to)
{
	TRASH_CALLEE_SAVED();
	ctx_switch(from, to);
	__asm__ volatile("");	/* no tail call: its epilogue would undo the trashing */
}

struct regs {
	struct ctx main;
	struct co co;
	int co_bad, done;
};

static void regs_body(void *p)
{
	struct regs *r = p;

	for (int i = 0; i < REG_ROUNDS; i++)	/* main holds, we trash */
		trash_switch(&r->co.ctx, &r->main);
	for (int i = 0; i < REG_ROUNDS; i++)	/* we hold, main trashes */
		r->co_bad += regs_hold(&r->co.ctx, &r->main);
	r->done = 1;
	for (;;)
		ctx_switch(&r->co.ctx, &r->main);
}

static void test_registers(void **state)
{
	static struct regs r;
	struct stackpool sp;
	int bad = 0;

	(void)state;
	stackpool_init(&sp, STACK_SIZE, GUARDS);
	co_make(&sp, &r.co, regs_body, &r);
	for (int i = 0; i < REG_ROUNDS; i++)
		bad += regs_hold(&r.main, &r.co.ctx);
	while (!r.done)
		trash_switch(&r.main, &r.co.ctx);
	assert_int_equal(bad, 0);
	assert_int_equal(r.co_bad, 0);
	stackpool_free(&sp);
}

/* --- alignment: fn starts with the ABI's stack alignment --- */

struct align {
	struct ctx main;
	struct co co;
	uintptr_t frame, local;
	char text[16];
};

static void align_body(void *p)
{
	struct align *al = p;
	_Alignas(16) char buf[16];
	volatile uintptr_t where = (uintptr_t)buf;	/* hide it from the optimizer */

	al->frame = (uintptr_t)__builtin_frame_address(0);
	al->local = where;
	/* glibc's printf saves vector registers with aligned stores */
	snprintf(al->text, sizeof al->text, "%.1f", dbl_src[1]);
	for (;;)
		ctx_switch(&al->co.ctx, &al->main);
}

static void test_alignment(void **state)
{
	static struct align al;
	struct stackpool sp;

	(void)state;
	stackpool_init(&sp, STACK_SIZE, GUARDS);
	co_make(&sp, &al.co, align_body, &al);
	ctx_switch(&al.main, &al.co.ctx);
	assert_true(on_stack(&al.co, al.frame));
	assert_int_equal(al.frame % 16, 0);
	assert_int_equal(al.local % 16, 0);
	assert_string_equal(al.text, "2.5");
	stackpool_free(&sp);
}

/* --- deep recursion: a coroutine's deep stack survives a trip to main --- */

enum { DEPTH = 200, PAD = 256 };

struct deep {
	struct ctx main;
	struct co co;
	uintptr_t deepest;
	long sum;
};

__attribute__((noinline))
static long deep_recurse(struct deep *d, int depth)
{
	volatile char pad[PAD];

	pad[0] = (char)(depth % 100);
	pad[PAD - 1] = (char)(depth % 100 + 1);
	if (depth == 0) {
		/* not pad's address: ASan may keep locals on a fake stack */
		d->deepest = (uintptr_t)__builtin_frame_address(0);
		ctx_switch(&d->co.ctx, &d->main);
		return 0;
	}
	return deep_recurse(d, depth - 1) + depth + pad[0] + pad[PAD - 1];
}

static void deep_body(void *p)
{
	struct deep *d = p;

	d->sum = deep_recurse(d, DEPTH);
	for (;;)
		ctx_switch(&d->co.ctx, &d->main);
}

/* Scribble over the main stack while the coroutine sits at its deepest. */
__attribute__((noinline))
static long main_recurse(int depth)
{
	volatile char pad[PAD];

	memset((char *)pad, depth % 100 + 1, sizeof pad);
	return depth == 0 ? 0 : main_recurse(depth - 1) + pad[1];
}

/* Start d on a stack from sp and let it run down to its deepest frame. */
static void deep_start(struct stackpool *sp, struct deep *d)
{
	uintptr_t top;

	co_make(sp, &d->co, deep_body, d);
	ctx_switch(&d->main, &d->co.ctx);
	top = (uintptr_t)d->co.st.base + d->co.st.size;
	assert_true(on_stack(&d->co, d->deepest));
	assert_true(top - d->deepest >= (uintptr_t)DEPTH * 16);	/* pc + fp per frame at least */
}

static void test_deep(void **state)
{
	static struct deep first, second;
	struct stackpool sp;
	long expect = 0;

	(void)state;
	stackpool_init(&sp, STACK_SIZE, GUARDS);
	/* Abandon the first coroutine at its deepest, and reuse its stack. */
	deep_start(&sp, &first);
	stackpool_put(&sp, &first.co.st);
	deep_start(&sp, &second);
	assert_ptr_equal(second.co.st.base, first.co.st.base);
	assert_true(main_recurse(DEPTH) > 0);
	ctx_switch(&second.main, &second.co.ctx);
	for (int i = 1; i <= DEPTH; i++)
		expect += i + 2 * (i % 100) + 1;	/* depth + pad[0] + pad[PAD - 1] */
	assert_int_equal(second.sum, expect);
	stackpool_free(&sp);
}

/* --- stack pool --- */

/* Permissions ("rw-p", "---p", ...) of the mapping holding addr, "" if none. */
static const char *maps_perms(const void *addr)
{
	static char perms[8];
	unsigned long a = (unsigned long)addr, lo, hi;
	char line[512];
	FILE *f = fopen("/proc/self/maps", "r");

	assert_non_null(f);
	perms[0] = '\0';
	while (fgets(line, sizeof line, f) != NULL) {
		if (sscanf(line, "%lx-%lx %7s", &lo, &hi, perms) == 3 && a >= lo && a < hi)
			break;
		perms[0] = '\0';
	}
	fclose(f);
	return perms;
}

/* Whether the page at addr (page aligned) is mapped at all. */
static int mapped(const void *addr)
{
	unsigned char vec;

	return mincore((void *)addr, page_size(), &vec) == 0 || errno != ENOMEM;
}

static void test_pool_reuse(void **state)
{
	struct stackpool sp;
	struct stack a, b, c, d;

	(void)state;
	stackpool_init(&sp, 10000, GUARDS);
	assert_int_equal(stackpool_get(&sp, &a), 0);
	assert_int_equal(stackpool_get(&sp, &b), 0);
	assert_int_equal(a.size, (10000 + page_size() - 1) / page_size() * page_size());
	assert_int_equal((uintptr_t)a.base % page_size(), 0);
	assert_ptr_not_equal(a.base, b.base);
	memset(a.base, 0xa5, a.size);	/* all of it is usable */
	assert_int_equal(stackpool_live(&sp), 2);
	stackpool_put(&sp, &a);
	stackpool_put(&sp, &b);
	assert_int_equal(stackpool_live(&sp), 0);
	assert_int_equal(stackpool_get(&sp, &c), 0);	/* last put, first out */
	assert_int_equal(stackpool_get(&sp, &d), 0);
	assert_ptr_equal(c.base, b.base);
	assert_ptr_equal(d.base, a.base);
	assert_int_equal(stackpool_live(&sp), 2);
	assert_int_equal(((unsigned char *)d.base)[0], 0xa5);	/* same memory, not remapped */
	stackpool_free(&sp);
	assert_int_equal(stackpool_live(&sp), 0);
}

enum { LIMIT = 3, NSTACKS = 6 };

static void test_pool_guard(void **state)
{
	struct stackpool sp;
	struct stack s[NSTACKS], again;
	size_t guarded = 0;

	(void)state;
	stackpool_init(&sp, 3 * page_size(), LIMIT);
	for (int i = 0; i < NSTACKS; i++)
		assert_int_equal(stackpool_get(&sp, &s[i]), 0);
	for (int i = 0; i < LIMIT; i++) {
		assert_string_equal(maps_perms((char *)s[i].base - 1), "---p");
		assert_string_equal(maps_perms(s[i].base), "rw-p");
	}
	/* Past the limit no guard may be made; the kernel cannot tell our
	 * plain mappings from a neighbour's, so ask the pool's records. */
	for (size_t i = 0; i < sp.nmaps; i++)
		guarded += sp.maps[i].len > sp.size;
	assert_int_equal(guarded, LIMIT);
	assert_int_equal(sp.nmaps, NSTACKS);
	for (int i = LIMIT; i < NSTACKS; i++)
		assert_ptr_equal(sp.maps[i].start, s[i].base);
	stackpool_put(&sp, &s[0]);	/* reuse makes no new guard */
	assert_int_equal(stackpool_get(&sp, &again), 0);
	assert_ptr_equal(again.base, s[0].base);
	assert_int_equal(sp.nguarded, LIMIT);
	stackpool_free(&sp);
}

static void test_pool_oom(void **state)
{
	struct stackpool sp;
	struct stack s = { (void *)&sp, 42 };

	(void)state;
	stackpool_init(&sp, (size_t)1 << 62, GUARDS);	/* more than any address space */
	assert_int_equal(stackpool_get(&sp, &s), -1);
	assert_ptr_equal(s.base, (void *)&sp);
	assert_int_equal(s.size, 42);
	assert_int_equal(stackpool_live(&sp), 0);
	stackpool_free(&sp);
}

static void test_pool_free(void **state)
{
	struct stackpool sp;
	struct stack held, back;

	(void)state;
	stackpool_init(&sp, STACK_SIZE, 1);
	assert_int_equal(stackpool_get(&sp, &held), 0);	/* guarded */
	assert_int_equal(stackpool_get(&sp, &back), 0);	/* plain */
	stackpool_put(&sp, &back);
	assert_true(mapped(held.base));
	assert_true(mapped(back.base));
	stackpool_free(&sp);
	assert_false(mapped(held.base));
	assert_false(mapped((char *)held.base - page_size()));	/* its guard */
	assert_false(mapped(back.base));
	assert_int_equal(stackpool_live(&sp), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_backend),
		cmocka_unit_test(test_pingpong),
		cmocka_unit_test(test_ring),
		cmocka_unit_test(test_registers),
		cmocka_unit_test(test_alignment),
		cmocka_unit_test(test_deep),
		cmocka_unit_test(test_pool_reuse),
		cmocka_unit_test(test_pool_guard),
		cmocka_unit_test(test_pool_oom),
		cmocka_unit_test(test_pool_free),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
