/*
 * sched.h - the scheduler framework: one ops struct, one file per policy
 * (sched_fifo.c, sched_rr.c). The kernel calls enqueue when a thread becomes
 * ready and pick when a CPU is free; the policy decides the order and the
 * length of the time slice.
 */
#ifndef UKERN_SCHED_H
#define UKERN_SCHED_H

#include <stdint.h>

#include "thread.h"

struct cpu;
struct sched;

struct sched_ops {
	const char *name;
	/* Whole quanta (lottery): a job that finishes before its quantum ends
	 * keeps the CPU to the quantum's end, and finishes there, as the clock
	 * of a quantum-by-quantum draw advances a full quantum whatever the
	 * winner needed (SCHED-SEMANTICS, lottery.py). */
	int whole_quanta;
	/* t became ready (new, woken, preempted or yielded: see t->why). */
	void (*enqueue)(struct sched *s, struct thread *t);
	/* Remove and return the thread to run next on c, or NULL. */
	struct thread *(*pick)(struct sched *s, struct cpu *c);
	/* The time slice for t's dispatch in ns; UINT64_MAX runs it until it blocks. */
	uint64_t (*slice)(struct sched *s, struct thread *t);
	/* Preemptive policies: should ready thread t take the CPU of running
	 * thread r now? NULL: never. The kernel asks at the next safe point
	 * after a thread becomes ready, and preempts the running thread the
	 * policy ranks lowest. */
	int (*preempts)(struct sched *s, struct thread *t, struct thread *r);

	/* Policies that keep their own books (mlfq); all optional. */
	int (*init)(struct sched *s);        /* 0, or -1 when memory runs out */
	void (*fini)(struct sched *s);
	/* Running thread t leaves its CPU after ran_ns of it (any reason).
	 * With this hook a thread alone is not simply given a fresh slice: its
	 * slice end goes through the policy like any other. */
	void (*ran)(struct sched *s, struct thread *t, uint64_t ran_ns);
	/* t, just off the CPU, blocked for an I/O (reason io). */
	void (*io_start)(struct sched *s, struct thread *t);
	/* An instant begins: its slice ends are done, its other events not yet. */
	void (*instant)(struct sched *s, uint64_t now);
	/* Take a ready thread out (it was killed); NULL: it is on rq. */
	void (*remove)(struct sched *s, struct thread *t);
	/* Policies with their own queues: the running thread a ready one should
	 * preempt now, or NULL. NULL hook: the kernel looks at rq with preempts. */
	struct thread *(*victim)(struct sched *s);
	/* Ordered policies: should a run before b? With it, the shared ready
	 * queue keeps a binary heap, and picking costs O(log n). The order of
	 * two ready threads must not change while they wait. */
	int (*less)(const struct sched *s, const struct thread *a, const struct thread *b);
};

/* A binary heap of ready threads (each knows its index, t->hidx). */
struct theap {
	struct thread **v;
	uint32_t n, cap;
};

struct sched {
	const struct sched_ops *ops;
	struct tqueue rq;      /* the ready queue of the simple policies */
	uint64_t nready;       /* threads in the ready queue */
	uint64_t quantum;      /* ns, for policies with a quantum */
	struct machine *m;     /* for the clock */
	uint64_t pass_now;     /* stride: the pass of the latest pick (newcomers start there) */
	void *data;            /* the policy's own state (mlfq) */
	struct theap heap;     /* ordered policies: rq's threads by ops->less */
	uint64_t seq;          /* enqueue counter (t->rseq: order of becoming ready) */
	uint64_t weight;       /* the cfs weights of the threads in rq */
	uint64_t *fw;          /* lottery: a Fenwick tree of ready tickets by thread id */
	struct thread **fw_t;  /* lottery: the ready thread of each id, or NULL */
	uint32_t fw_n;         /* its size (thread ids 1 .. fw_n) */
	uint64_t restricted;   /* lottery: ready threads with an affinity */
	/* The CPUs it gives threads to, cpu0 .. cpu0 + ncpus - 1 (ncpus 0: all
	 * the machine's), and their node (net.h): set before init. */
	uint32_t cpu0, ncpus, node;
	/* per-cpu: the policy of each CPU's queue and how they share work
	 * (NULL, and balance_ns 0: machine_config's); set before init. */
	const struct sched_ops *inner;
	int balance;
	uint64_t balance_ns;
};

/* The policy whose rules s follows: per-cpu's policy for each CPU's
 * queue, else s's own. */
const struct sched_ops *sched_rules(const struct sched *s);

/* The policy called name ("fifo", "rr"), or NULL. */
const struct sched_ops *sched_find(const char *name);

/* The name of the policy s runs: the one around which per-cpu keeps its
 * queues, else its own. */
const char *sched_policy(const struct sched *s);

/* The i-th policy's name, or NULL past the end (for help texts). */
const char *sched_name(unsigned i);

/* The shared ready queue: a FIFO list, plus a heap when the policy orders
 * threads (ops->less). enqueue appends t; best returns the thread to run
 * next on c (NULL: none it may run) without taking it; take removes a
 * queued thread; pick is best then take. */
void sched_rq_enqueue(struct sched *s, struct thread *t);
struct thread *sched_rq_best(struct sched *s, const struct cpu *c);
void sched_rq_take(struct sched *s, struct thread *t);
struct thread *sched_rq_pick(struct sched *s, struct cpu *c);

/* Does the policy keep the shared ready queue as a plain list and pick
 * the first thread there that may run (fifo, rr)? */
static inline int sched_plain(const struct sched_ops *ops)
{
	return ops->pick == sched_rq_pick && ops->enqueue == sched_rq_enqueue && !ops->less &&
	       !ops->preempts && !ops->victim && !ops->ran;
}

/* Free what the ready queue allocated (the heap). */
void sched_rq_free(struct sched *s);

/* Remove a ready thread from the ready queue (it was killed). */
void sched_remove(struct sched *s, struct thread *t);

/* The CPU time t still needs now, for jobs of declared length (sjf, stcf);
 * UINT64_MAX when unknown. */
uint64_t sched_remaining(const struct thread *t);

extern const struct sched_ops sched_fifo_ops;
extern const struct sched_ops sched_rr_ops;
extern const struct sched_ops sched_sjf_ops;
extern const struct sched_ops sched_stcf_ops;
extern const struct sched_ops sched_priority_ops;
extern const struct sched_ops sched_lottery_ops;
extern const struct sched_ops sched_stride_ops;
extern const struct sched_ops sched_mlfq_ops;
extern const struct sched_ops sched_cfs_ops;
extern const struct sched_ops sched_percpu_ops;

enum balance { BALANCE_NONE, BALANCE_STEALING, BALANCE_PERIODIC };

/* cfs: a thread's weight from its process's nice value (Linux's table). */
uint32_t sched_weight(const struct thread *t);

/* May t run on CPU c (its process's affinity)? */
int sched_allowed(const struct thread *t, const struct cpu *c);

/* Declaration order, the textbook tie-break: is a declared before b (its
 * process first, then its thread)? */
int sched_before(const struct thread *a, const struct thread *b);

/* A thread's tickets (lottery, stride): its process's, 100 by default. */
uint32_t sched_tickets(const struct thread *t);

#endif
