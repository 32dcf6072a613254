/*
 * thread.h - kernel threads: the unit the kernel schedules on CPUs.
 *
 * A thread has a body (C function on its own stack, or a Lua coroutine)
 * behind the body ops, one pending system call (sc), and an amount of CPU
 * work (work_ns) it must get through before its body runs again: the rest of
 * a compute(), and the kernel costs charged on its behalf.
 */
#ifndef UKERN_THREAD_H
#define UKERN_THREAD_H

#include <assert.h>
#include <stddef.h>
#include <stdint.h>

#include "uk_limits.h"

struct thread;
struct proc;
struct port;
struct msg;
struct cpu;
struct machine;
struct lrpc_frame;

enum tstate { T_READY, T_RUNNING, T_BLOCKED, T_EXITED, T_STATE_COUNT };

/* Why a thread changed state: recorded in the trace and in the stats. */
enum treason {
	R_NEW, R_WOKEN, R_PREEMPTED, R_YIELDED, R_DISPATCHED,    /* ready / running */
	R_SEND, R_RECV, R_REPLY, R_SLEEP, R_JOIN,                /* blocked */
	R_EXIT, R_KILLED, R_FAULT,                               /* exited */
	R_LOCK, R_IDLE,            /* blocked on a mutex, semaphore or condition; an LWP without work */
	R_IO,                      /* waiting for an I/O to complete */
	R_CRASH,                   /* exited: its process crashed (an injected fault) */
	R_CHILD,                   /* waiting for a child process to exit (wait) */
	R_ASTACK,                  /* an LRPC waiting for a free A-stack of its binding (lrpc.h) */
	R_REASON_COUNT
};

/* A body hides how a thread's own code runs (C stack or Lua coroutine). */
struct body_ops {
	const char *kind;                    /* "c" or "lua" */
	/* Run the body until it posts a system call in t->sc (SYS_EXIT or
	 * SYS_FAULT when it ends). Called only by the kernel loop. */
	void (*resume)(struct thread *t);
	/* Release the body; called exactly once, when the thread ends. */
	void (*destroy)(struct thread *t);
	/* Where the suspended body is in its source, as "FILE:LINE: " in buf
	 * (len bytes; "" if unknown), for fault reports. NULL: not known. */
	const char *(*where)(struct thread *t, char *buf, unsigned len);
};

/* A pending system call: written by the body, read and answered by the kernel. */
struct sc {
	uint16_t op;         /* SYS_* (syscall.h) */
	int16_t err;         /* result: UK_OK or UK_E* */
	int32_t name;        /* port name argument */
	uint64_t arg;        /* ns (compute, sleep), tid (join), code (exit) ... */
	uint64_t timeout;    /* ns; UINT64_MAX = none */
	struct msg *m;       /* message to send; received message */
	int64_t val;         /* result value (a new name, a tid ...); SYS_TIMER: the cookie, in */
	void *ptr;           /* op-specific (spawn: the new body's data; log: the text) */
	const struct body_ops *body;  /* spawn: the new thread's body */
	void *aux;           /* op-specific (sync: the mutex a condition wait releases) */
	uint64_t issued;     /* ns when the body posted the call */
	uint64_t len;        /* bytes (mem.*: the length of the access or range) */
};

/* What a thread is, for the two levels of scheduling. */
enum tkind {
	THREAD_KERNEL,   /* one-to-one: a user thread that is its own kernel thread */
	THREAD_USER,     /* a user thread carried by an LWP of its process's runtime */
	THREAD_LWP,      /* a kernel thread (LWP, activation) carrying user threads */
};

/* Doubly linked thread queue (run queues, port wait queues). */
struct tqueue {
	struct thread *head, *tail;
};

struct thread {
	/* identity: fixed at creation */
	uint32_t tid;                 /* machine-wide, from 1 */
	struct proc *p;
	char name[UK_NAME_MAX];
	const struct body_ops *body;
	void *body_data;              /* owned by the body */
	struct machine *m;
	enum tkind kind;
	uint8_t service;              /* a service thread: does not keep its process alive
				       * (thread_make_service); set once, by the kernel loop */

	/* two levels: the LWP and the user thread it carries. Set by the
	 * process's user-level runtime (machine_attach); read by the kernel for
	 * accounting and the trace. */
	struct thread *ucur;          /* LWP: the user thread it carries now, or NULL */
	struct thread *uprev;         /* LWP: the one it carried before (trace) */
	struct thread *on;            /* user thread: the LWP carrying it, or NULL */
	uint64_t attach_since;        /* LWP: when ucur was attached */
	uint64_t uwork_ns;            /* user thread: compute still to do */

	/* scheduling state: kernel loop only */
	enum tstate state;
	enum treason why;             /* reason of the last state change */
	struct cpu *cpu;              /* while running */
	struct thread *qprev, *qnext; /* run queue or a wait queue */
	struct thread *pnext;         /* next thread of the same process */
	struct tqueue *inq;           /* the queue it is on, or NULL */
	uint64_t work_ns;             /* CPU work before the body may run again */
	uint64_t work_start;          /* when the current stretch of work began */
	uint8_t effect_pending;       /* sc's effect happens when work_ns reaches 0 */
	uint32_t gen;                 /* bumped to cancel slice events */
	uint32_t tgen;                /* bumped to cancel timers */
	uint8_t timed;                /* blocked with a timer pending (sleep, timeout) */
	int32_t priority;
	uint64_t pass;                /* stride: the thread's pass value */
	uint64_t vruntime;            /* cfs: virtual runtime, ns scaled by its weight */
	int32_t level;                /* mlfq: its queue, 0 the highest */
	uint64_t ticks_left;          /* mlfq: ticks left of its quantum at that level */
	uint64_t allot_left;          /* mlfq: quanta left of its allotment there */

	/* IPC: kernel loop only */
	struct sc sc;
	struct port *reply_port;      /* private reply port, made on first call */
	uint64_t call_flow;           /* flow of the call awaiting its reply, 0 if none */
	struct port *call_port;       /* where that call was sent */
	uint32_t inflight;            /* delayed messages in flight that its call waits for
				       * (the request carrying its reply right, or a reply) */
	uint64_t rx_sent_ns;          /* issue time of a message being delivered, or UINT64_MAX */
	struct port *wport;           /* port it is blocked on */
	uint32_t joined_by;           /* tid of a thread waiting in join, 0 if none */
	uint32_t joining;             /* tid of the thread it last asked to join, 0 if none */

	/* deadlock detection (deadlock.c): kernel loop only */
	uint8_t dl_class;             /* how p's counts hold it: 0 not, 1 may act, 2 waits for good */
	uint8_t dl_queued;            /* on m->dl_changed */
	struct thread *dl_next;       /* next on m->dl_changed */
	int64_t result;               /* value returned by the body, for join */

	/* statistics: kernel loop only; ns unless stated */
	uint64_t arrival, first_run, finish;
	uint64_t cpu_ns, wait_ns;
	uint64_t ready_since, run_since;
	uint64_t switches;            /* times dispatched after another thread (kernel switches) */
	uint64_t user_switches;       /* times switched in by the user-level runtime */
	uint64_t migrations;          /* dispatches on another CPU than the last one */
	uint32_t last_cpu;            /* the CPU it last ran on; UINT32_MAX: none yet */
	uint32_t home;                /* per-cpu queues: the CPU whose queue it is on; UINT32_MAX: none */
	uint32_t hidx;                /* its place in the ready heap */
	uint64_t rseq;                /* when it last became ready, as a count */
	uint64_t lost_ns;             /* ready, while every LWP of its process was blocked in the kernel */
	uint64_t msgs_sent, msgs_recv;
	uint64_t run_carry;           /* ns of its current run spent on CPUs it was exchanged
				       * from (LRPC domain caching), for the policy's accounting */

	/* lightweight RPC (lrpc.h): kernel loop only */
	struct proc *dom;             /* the domain it runs in: a server's during an LRPC, else NULL */
	struct lrpc_frame *lrpc;      /* its LRPC calls in progress, innermost first; NULL: none */
};

/* Create a thread of p of the given kind at the current time, named name,
 * or when name is NULL "<process>" for the first user-visible thread,
 * "<process>.<k>" for the next ones and "<process>/lwp<k>" for LWPs. Kernel
 * threads and LWPs are handed to the scheduler; a user thread is left READY
 * for its runtime to queue. Takes ownership of body_data. Returns NULL when
 * memory runs out (the body is then destroyed). */
struct thread *thread_new(struct proc *p, const char *name, const struct body_ops *body,
			  void *body_data, enum tkind kind);

/* Make t a service thread: it no longer counts among the threads that keep
 * its process alive, so the process ends when its other threads have, and t
 * with it (a clock daemon, an object's server loop). Expects t not exited
 * and not an LWP; doing it twice changes nothing. */
void thread_make_service(struct thread *t);

/* The thread a system call of t acts for: the user thread an LWP carries, or t. */
static inline struct thread *thread_actor(struct thread *t)
{
	return t->ucur ? t->ucur : t;
}

/* The process whose address space and domain t runs in now: a server's
 * while t makes an LRPC into it, else its own. */
static inline struct proc *thread_domain(const struct thread *t)
{
	return t->dom ? t->dom : t->p;
}

/* Change t's state, recording the reason in the trace. */
void thread_set_state(struct thread *t, enum tstate s, enum treason why);

/* End t: release its body and reply port, wake a joiner; the process ends
 * with its last thread. */
void thread_exit(struct thread *t, enum treason why);

/* Make a blocked thread ready with result err; extra_ns of kernel work
 * (copying out a message) is done before its body runs. */
void thread_wake(struct thread *t, int err, uint64_t extra_ns);

/* Block the running thread t for reason, with an optional timeout (ns from
 * now, UINT64_MAX = none). Frees its CPU. */
void thread_block(struct thread *t, enum treason why, uint64_t timeout);

/* Thread queues: inline, as every message and every dispatch goes
 * through a few of them. */
static inline void tq_push(struct tqueue *q, struct thread *t)
{
	assert(!t->inq && "tq_push: thread already queued");
	t->qnext = NULL;
	t->qprev = q->tail;
	if (q->tail)
		q->tail->qnext = t;
	else
		q->head = t;
	q->tail = t;
	t->inq = q;
}

static inline void tq_remove(struct thread *t)
{
	struct tqueue *q = t->inq;

	assert(q && "tq_remove: thread not queued");
	if (t->qprev)
		t->qprev->qnext = t->qnext;
	else
		q->head = t->qnext;
	if (t->qnext)
		t->qnext->qprev = t->qprev;
	else
		q->tail = t->qprev;
	t->qprev = t->qnext = NULL;
	t->inq = NULL;
}

static inline struct thread *tq_pop(struct tqueue *q)
{
	struct thread *t = q->head;

	if (t)
		tq_remove(t);
	return t;
}

const char *thread_state_name(enum tstate s);
const char *thread_reason_name(enum treason r);

#endif
