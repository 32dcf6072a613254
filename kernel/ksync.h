/*
 * ksync.h - mutexes, semaphores and condition variables.
 *
 * One implementation of the rules, two executors: in a one-to-one process
 * the kernel blocks and wakes the waiting kernel threads (system call
 * SYS_SYNC); in a many-to-* process the user-level runtime blocks and wakes
 * user threads without entering the kernel. The executor is a small ops
 * struct; the queueing and hand-off rules are the same.
 *
 * Rules: a mutex is handed to the first waiter on unlock (FIFO, no barging);
 * a semaphore's post wakes the first waiter or counts; a condition wait
 * releases its mutex and, when signalled, queues to reacquire it (Mesa
 * semantics: the woken thread runs only after it holds the mutex again).
 */
#ifndef UKERN_KSYNC_H
#define UKERN_KSYNC_H

#include <stdint.h>

#include "thread.h"

enum ksync_type { KS_MUTEX = 1, KS_SEMAPHORE, KS_COND };

enum ksync_opcode {
	KS_LOCK = 1,     /* mutex */
	KS_TRYLOCK,      /* mutex: val 1 if taken, 0 if busy; never blocks */
	KS_UNLOCK,       /* mutex */
	KS_WAIT,         /* semaphore: P; condition: wait, releasing sc.aux */
	KS_POST,         /* semaphore: V */
	KS_SIGNAL,       /* condition: wake one */
	KS_BROADCAST,    /* condition: wake all */
};

struct ksync {
	uint8_t type;              /* enum ksync_type; fixed */
	uint32_t pid;              /* the process it belongs to; fixed */
	int64_t count;             /* semaphore value */
	struct thread *owner;      /* mutex holder, or NULL */
	struct tqueue waiters;     /* blocked threads, FIFO */
};

/* How a waiter is blocked and woken. block: t (already queued) waits with
 * reason R_LOCK; wake: t goes on with result err. */
struct ksync_exec {
	void (*block)(void *ctx, struct thread *t);
	void (*wake)(void *ctx, struct thread *t, int err);
	void *ctx;
};

/* Initialise o as a new object of type for process pid (semaphores start at count). */
void ksync_init(struct ksync *o, enum ksync_type type, uint32_t pid, int64_t count);

/* Perform op on o for t (mu: the mutex of a condition wait). Returns
 * UK_OK when t may go on (t->sc.val set for trylock), 1 when t was queued
 * and blocked, or UK_EINVAL for misuse (wrong op for the type, unlocking a
 * mutex t does not hold, locking one it holds, a condition wait without
 * holding mu), with nothing changed. */
int ksync_do(struct ksync *o, struct ksync *mu, unsigned op, struct thread *t,
	     const struct ksync_exec *x);

/* SYS_SYNC in a one-to-one process: ksync_do with the kernel as executor. */
void ksync_op(struct thread *t);

#endif
