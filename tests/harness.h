/*
 * harness.h - a small kit for kernel unit tests driven by C-bodied threads.
 *
 * The one idea: a test declares a machine (the "zero" cost profile, so only
 * uk_compute makes time pass) and processes whose bodies are C functions,
 * runs it to the end, and only then asserts. Bodies never assert: they
 * write what they saw, stamped with virtual time, into a struct the test
 * passes as their argument (h_note into a struct h_log), because a failed
 * assertion must not longjmp off a simulated thread's stack.
 *
 * Entry points:
 *   test side:  h_setup, h_teardown, H_TEST, h_machine, h_costs, h_proc,
 *               h_expect, H_EXPECT
 *   body side:  h_note, h_yield, h_spawn, h_msg, h_val, h_register, h_lookup
 */
#ifndef UKERN_TESTS_HARNESS_H
#define UKERN_TESTS_HARNESS_H

#include <stdint.h>

#include "body_c.h"
#include "machine.h"
#include "msg.h"

struct proc;
struct thread;

#define H_US 1000ull         /* ns */
#define H_MS 1000000ull      /* ns */
#define H_LOG_MAX 64         /* events one log holds; more are counted, not kept */

/* One thing a body saw: at virtual time ns, a tag and a value. */
struct h_event {
	uint64_t ns;
	const char *what;        /* a string literal; compared by contents */
	int64_t val;
};

struct h_log {
	struct h_event ev[H_LOG_MAX];
	unsigned n;              /* events noted, even past H_LOG_MAX */
};

/* --- the test side (the host's own stack) --- */

/* cmocka fixtures: *state becomes a zeroed struct machine, freed (with
 * machine_free if h_machine set it up) after the test, pass or fail. */
int h_setup(void **state);
int h_teardown(void **state);
#define H_TEST(f) cmocka_unit_test_setup_teardown(f, h_setup, h_teardown)

/* Set up m: cpus CPUs, the scheduler called sched, the "zero" cost profile,
 * seed 1, no time limit and an event budget large enough for any of these
 * tests (a kernel that loops ends with OUT_LIMIT instead of hanging).
 * Returns 0, or -1 (unknown policy, no memory). */
int h_machine(struct machine *m, unsigned cpus, const char *sched, uint64_t quantum_ns,
	      uint32_t qlimit);

/* Switch m to the cost profile called profile before the run. 0 or -1. */
int h_costs(struct machine *m, const char *profile);

/* Declare a process starting at start_ns whose main thread runs fn(self, arg).
 * Returns it, or NULL when memory runs out. */
struct proc *h_proc(struct machine *m, const char *name, uint64_t start_ns, body_c_fn fn,
		    void *arg);

/* Assert that lg holds exactly the n events of want, in order; on a
 * mismatch both sequences are printed before the test fails. */
void h_expect(const struct h_log *lg, const struct h_event *want, unsigned n);
#define H_EXPECT(lg, ...)                                                          \
	do {                                                                       \
		static const struct h_event want_[] = { __VA_ARGS__ };            \
		h_expect((lg), want_, sizeof want_ / sizeof want_[0]);            \
	} while (0)

/* --- the body side (inside a simulated thread) --- */

/* Record (now, what, val) in lg. */
void h_note(struct h_log *lg, struct thread *self, const char *what, int64_t val);

/* Give up the CPU: back to the tail of the ready queue (uk.h has no yield). */
void h_yield(struct thread *self);

/* Start a thread of self's process running fn(self', arg). Returns UK_OK
 * with *tid set, or an error. */
int h_spawn(struct thread *self, body_c_fn fn, void *arg, uint32_t *tid);

/* A message whose payload is the one value val (NULL when memory runs out),
 * and the value a message carries (-1 if it is not such a message). */
struct msg *h_msg(int64_t val);
int64_t h_val(const struct msg *m);

/* Name-server stubs: register the port of right port under service, look up
 * service (*port gets a send right). Return UK_OK or the error. */
int h_register(struct thread *self, const char *service, int32_t port);
int h_lookup(struct thread *self, const char *service, int32_t *port);

#endif
