/* floor.c - the floor of a simcall design, measured on this machine: a minimal kernel loop.
 *
 * A client and a server run on stacks of their own; the kernel is the loop in main(). One round
 * trip: the client traps with a 32-byte request (switch 1), the kernel copies it into the
 * server's buffer and runs the server (switch 2), the server traps with its reply (switch 3),
 * the kernel copies the reply back and runs the client (switch 4). No scheduler, no costs, no
 * clock, no trace: nothing ukern's round trip does beyond the switches and the copies. What
 * ukern spends above this figure is what its kernel does.
 *
 * The stack switch is the usual hand-written one (callee-saved registers, then the stack
 * pointer; it leaves with an indirect jump, which the branch predictor follows, not with ret).
 * x86-64 System V only; elsewhere it says so and exits 1 (bench/compare.sh then skips it).
 *
 * usage: floor [N round trips, default 1e7]
 * prints: RESULT floor-kernel-loop n=N ns_per_op=X ns_per_roundtrip=X
 */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#if defined(__x86_64__) && !defined(_WIN32)

/* floor_switch(save, to): push the callee-saved registers, store the stack pointer in *save,
 * load `to`, pop the registers saved there and jump to the address below them. */
void floor_switch(void **save, void *to);
__asm__(".text\n"
	".globl floor_switch\n"
	".type floor_switch, @function\n"
	"floor_switch:\n"
	"  pushq %rbp\n  pushq %rbx\n  pushq %r12\n  pushq %r13\n  pushq %r14\n  pushq %r15\n"
	"  movq %rsp, (%rdi)\n"
	"  movq %rsi, %rsp\n"
	"  popq %r15\n  popq %r14\n  popq %r13\n  popq %r12\n  popq %rbx\n  popq %rbp\n"
	"  popq %rcx\n"
	"  jmp *%rcx\n"
	".size floor_switch, .-floor_switch\n");

enum { MSG = 32, STACK = 64 * 1024 };

struct task {
	void *sp;                  /* saved stack pointer while the task does not run */
	unsigned char buf[MSG];    /* what the kernel copied in: a request, or a reply */
	unsigned char out[MSG];    /* what the task traps with */
};

static void *kernel_sp;
static struct task client, server;
static long n;

/* trap: leave the task for the kernel loop; come back when the kernel runs it again. */
static void trap(struct task *t)
{
	floor_switch(&t->sp, kernel_sp);
}

static void client_body(void)
{
	uint64_t i = 0;
	for (;;) {
		memcpy(client.out, &i, sizeof i);
		trap(&client);                             /* call: request in out */
		memcpy(&i, client.buf, sizeof i);          /* the reply: i + 1 */
	}
}

static void server_body(void)
{
	for (;;) {
		uint64_t v;
		memcpy(&v, server.buf, sizeof v);
		v++;
		memcpy(server.out, &v, sizeof v);
		trap(&server);                             /* reply, and wait for the next request */
	}
}

/* A fresh stack that "returns" into body: six zero registers, then body's address. */
static void *stack_for(void (*body)(void))
{
	char *s = malloc(STACK);
	if (!s) {
		perror("floor: malloc");
		exit(1);
	}
	uintptr_t top = ((uintptr_t)(s + STACK) & ~(uintptr_t)15) - 8;   /* as after a call */
	void **sp = (void **)top;
	*--sp = (void *)(uintptr_t)body;
	for (int r = 0; r < 6; r++)
		*--sp = NULL;
	return sp;
}

static void run(struct task *t)
{
	floor_switch(&kernel_sp, t->sp);
}

/* One round trip, as the kernel loop sees it. */
static void round_trip(void)
{
	memcpy(server.buf, client.out, MSG);            /* the request, out of the trap */
	run(&server);                                   /* switches 2 and 3 */
	memcpy(client.buf, server.out, MSG);            /* the reply */
	run(&client);                                   /* switches 4 and 1: the next request */
}

static long long now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	n = argc > 1 ? strtol(argv[1], NULL, 0) : 10000000;
	if (n < 1) {
		fprintf(stderr, "floor: N must be a positive number\n");
		return 2;
	}
	client.sp = stack_for(client_body);
	server.sp = stack_for(server_body);
	run(&client);                                   /* to its first request */

	long warm = n / 10 < 100000 ? n / 10 : 100000;
	for (long i = 0; i < warm; i++)
		round_trip();
	long long t0 = now_ns();
	for (long i = 0; i < n; i++)
		round_trip();
	long long t1 = now_ns();

	uint64_t last;
	memcpy(&last, client.buf, sizeof last);
	if (last != (uint64_t)(warm + n)) {             /* every reply is the request plus one */
		fprintf(stderr, "floor: wrong reply %llu after %ld round trips\n",
			(unsigned long long)last, warm + n);
		return 1;
	}
	double rt = (double)(t1 - t0) / (double)n;
	printf("RESULT floor-kernel-loop n=%ld ns_per_op=%.2f ns_per_roundtrip=%.2f\n", n, rt, rt);
	return 0;
}

#else

int main(void)
{
	fprintf(stderr, "floor: needs x86-64 (its stack switch is written for it)\n");
	return 1;
}

#endif
