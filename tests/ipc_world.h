/*
 * ipc_world.h - what the message-passing tests share: a machine with the
 * name server, processes with C bodies that publish and find ports through
 * it, and bodies that note what they receive.
 */
#ifndef UKERN_TEST_IPC_WORLD_H
#define UKERN_TEST_IPC_WORLD_H

#include <stdint.h>

#include "body_c.h"
#include "harness.h"

#define MS H_MS

struct machine;
struct proc;
struct thread;

/* What the bodies of one test share with it. */
struct world {
	struct h_log lg;
	int bad;                 /* set-up steps that failed (must stay 0) */
	int32_t name;            /* a name some body publishes (host memory, not a right) */
	struct thread *client;   /* a thread others look at */
};

/* A machine with the name server, pid 1; the processes a test adds follow. */
struct machine *world_machine(void **state, unsigned cpus);

/* Add a process running fn(w), a daemon or not. */
struct proc *add(struct machine *m, const char *name, uint64_t start, body_c_fn fn,
		 struct world *w, int daemon);

/* A new port with qlimit, registered as service. Returns its name. */
int32_t serve_port(struct thread *self, struct world *w, const char *service,
		   uint64_t qlimit);

/* A send right to service. */
int32_t find(struct thread *self, struct world *w, const char *service);

/* Send the value val on name; returns the error. */
int send_val(struct thread *self, int32_t name, int64_t val, uint64_t timeout);

/* Receive on name and note the value (or -error) under what. */
void recv_note(struct thread *self, struct world *w, int32_t name, uint64_t timeout,
	       const char *what);

/* Call name with val; note the reply's value (or -error) under what. */
void call_note(struct thread *self, struct world *w, int32_t name, int64_t val,
	       uint64_t timeout, const char *what);

/* An echo server's loop: answer every call with its value + 1000, after
 * computing delay_ns. */
void echo_loop(struct thread *self, int32_t pn, uint64_t delay_ns);

/* Run m to its end: the outcome must be want, and no set-up step failed.
 * A macro so that a failure names the test's own line. */
#define FINISH(m, w, want)                                                         \
	do {                                                                       \
		assert_int_equal(machine_run(m), (want));                          \
		assert_int_equal((w)->bad, 0);                                     \
	} while (0)

#endif
