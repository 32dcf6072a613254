/*
 * migrate.h - moving a live process from one node to another over their
 * link (several machines, net.h).
 *
 * A body asks for one (SYS_MIGRATE, migrate_sys) and waits for it, or the
 * scenario declares one for a time (migrate_at).
 *
 * A migration moves a process's code, and with strong mobility its address
 * space and execution state, from node from to node to:
 *
 *   stop-and-copy  stop the process, send every page, start it on to;
 *   pre-copy       send every page while it runs, then, in rounds, the pages
 *                  written since (its writes are watched), until few are left
 *                  or the round limit; then stop it and send the rest;
 *   on-demand      stop it, send only its code and execution state, start it
 *                  on to at once; each later access to a page still on from
 *                  waits for a request and the page over the link.
 *
 * Strong mobility keeps the threads where they were (a Lua body's
 * coroutine, a C body's stack): only the node changes. In a many-to-one or
 * many-to-many process the kernel stops and moves the LWPs (its kernel
 * threads) and leaves the user threads where the runtime keeps them (on
 * their LWP, in its ready queue, in a wait): the runtime is part of the
 * address space and goes on, on the target's CPUs. Its ports follow it:
 * port ids are global, so every right held anywhere now leads to to (a
 * sender on from goes through the network servers as for any remote port);
 * messages queued on its ports when it starts on to, and those arriving at
 * from afterwards, are forwarded over the link. Weak mobility sends only the
 * code: the process ends on from (its ports die with it, as a crash would
 * leave them) and a new incarnation starts its main body afresh on to.
 *
 * The transfers use the link's model (net.h: packets of mtu bytes,
 * transmission at the bandwidth one after the other on a direction shared
 * with the messages, then the latency) over a reliable transport: the link's
 * loss does not apply to them. The kernel's work for a migration costs no
 * CPU time here: the link is what takes time.
 *
 * Each node has its own physical memory. A page takes a frame of to's
 * memory (and frees its frame on from) when it arrives: with stop-and-copy
 * and pre-copy, every page when the process starts on to; on-demand, the
 * pages the last batch did not carry stay in frames of from (the residual
 * dependency) until each is asked for and has come over the link.
 *
 * The process is stopped by proc->mig_stopped, which sched_allowed honours:
 * its threads keep their state (ready, blocked, the rest of their work) and
 * are dispatched nowhere until they are let go on the target's CPUs.
 *
 * LRPC bindings (lrpc.h) follow the binding table of migration: a thread
 * inside a server's domain when the process stops is let run until its
 * call returns (sched_allowed lets a thread with t->dom run), and the copy
 * waits for the last one (MP_DRAINING); then every binding whose server is
 * not on the target becomes a global reference (GR: its A-stacks are
 * unmapped, its calls go to the server as messages over the link), and on
 * arrival - or when a failed move leaves it where it was - every global
 * reference whose server is on the process's node is rebound (RB) as an
 * LRPC. A process that exports an interface moves too: the stop also waits
 * for its clients' calls in progress in its domain (a call made meanwhile
 * goes to its clerk as a message); then every binding to its interfaces
 * becomes a global reference (the A-stacks are in its memory, they do not
 * go), and on arrival those of clients on its new node are rebound.
 */
#ifndef UKERN_MIGRATE_H
#define UKERN_MIGRATE_H

#include <stdint.h>
#include <stdio.h>

#include "uk_limits.h"

struct machine;
struct proc;
struct thread;

enum mig_strategy { MIG_STOP_AND_COPY = 1, MIG_PRE_COPY, MIG_ON_DEMAND };
enum mig_mobility { MIG_STRONG = 1, MIG_WEAK };
/* What becomes of the process's clock (its node's clock, a resource bound
 * by type): rebound to to's clock, or its reading copied along. */
enum mig_clock { MIG_CLOCK_REBIND = 1, MIG_CLOCK_COPY };

/* Bytes of execution state sent per thread (registers, kernel thread
 * state: its stack is in the address space). */
#define MIG_THREAD_STATE 1024
/* Bytes per user thread of a many-to-* runtime (its saved registers and
 * descriptor, which the runtime keeps; its stack is in the address space):
 * its LWPs count MIG_THREAD_STATE each, as kernel threads. */
#define MIG_UTHREAD_STATE 256
/* Bytes of a page request (on-demand): the page's address and the reply's. */
#define MIG_REQUEST 32
/* Pre-copy defaults: the most rounds while running, and the dirty pages
 * few enough to stop for. */
#define MIG_MAX_ROUNDS 5
#define MIG_STOP_PAGES 4
#define MIG_ROUNDS_LIMIT 64

/* A migration asked by a body (SYS_MIGRATE: in t->sc.ptr). */
struct migrate_req {
	uint32_t pid;
	uint32_t node;
	enum mig_strategy strategy;
	enum mig_mobility mobility;
	enum mig_clock clock;
	uint32_t max_rounds;          /* pre-copy */
	uint32_t stop_pages;          /* pre-copy */
};

/* MP_DRAINING: stopped but for threads inside an LRPC server's domain,
 * whose calls are let return first (migrate_lrpc_back). */
enum mig_phase { MP_ROUND, MP_STOPPED, MP_RUNNING_REMOTE, MP_DONE, MP_FAILED, MP_PENDING,
		 MP_DRAINING };

/* One page of the process as the migration sees it. */
struct mig_page {
	uint64_t vpn;                 /* virtual page number */
	uint8_t dirty;                /* written since it was last sent (pre-copy) */
	uint8_t remote;               /* on-demand: still on from, not asked for */
	uint32_t frame;               /* on-demand: its frame on from until it arrives, 0: here */
	uint64_t arrive;              /* on-demand: when it arrives, once asked for */
};

struct migration {
	uint32_t id;                  /* from 1 */
	struct proc *p;               /* the process (weak: the old incarnation) */
	uint32_t pid, new_pid;        /* new_pid: weak mobility's new incarnation */
	uint32_t from, to;            /* nodes */
	struct migrate_req req;
	uint32_t caller;              /* tid of the kernel thread waiting for it (an LWP for
				       * a user thread), 0: none */
	enum mig_phase phase;
	uint64_t begin, stop, resume, end;   /* ns */
	uint64_t pages, bytes, packets;      /* moved, over the link (payload bytes) */
	uint64_t code_pages, state_bytes;
	uint32_t rounds;              /* pre-copy: rounds while it ran */
	uint64_t round_pages[MIG_ROUNDS_LIMIT];
	uint64_t remote_faults;       /* on-demand: pages pulled */
	uint64_t msgs_forwarded, bytes_forwarded;
	int err;                      /* UK_OK, or why it failed */
	struct mig_page *pg;          /* sorted by vpn */
	uint32_t npg, pgcap;
	char where[128];              /* a declared one: "FILE:LINE: " of its declaration */
	/* LRPC (lrpc.h): its bindings made global references when it stopped,
	 * rebound as LRPCs when it ran again; ns it waited, stopped, for calls
	 * in progress in a server's domain to return */
	uint32_t lrpc_global, lrpc_rebound;
	uint64_t lrpc_wait_ns;
	/* LRPC, a server (lrpc.h): the bindings to the interfaces it exports
	 * made global references at the stop, and rebound as LRPCs on arrival
	 * (those of clients on its new node) */
	uint32_t lrpc_clients_global, lrpc_clients_rebound;
	uint8_t drain_posted;         /* an event of MP_DRAINING is in the queue */
	/* when it ran on to again (what the caller is told): */
	uint64_t at_resume_pages, at_resume_bytes, at_resume_packets, at_resume_left;
};

/* SYS_MIGRATE: the request in t->sc.ptr (freed); t waits until the process
 * runs on the target; t->sc.val then has the migration's id (migrate_get),
 * t->sc.err says how it went. */
void migrate_sys(struct thread *t);

/* A migration declared by the scenario (migrate { at = ... }): r (pid and
 * node checked by the caller) starts at absolute time at, if the process
 * can move then; else the kernel logs why, naming where (the declaration's
 * "FILE:LINE: "). 0, or -1 when memory runs out. */
int migrate_at(struct machine *m, const struct migrate_req *r, uint64_t at, const char *where);

/* The migration of this id (from 1; the machine's, valid until it is
 * freed), or NULL. */
const struct migration *migrate_get(const struct machine *m, int64_t id);
struct migration *migrate_of(const struct machine *m, const struct proc *p); /* under way, or NULL */

/* The event of a migration (machine.c): obj the migration. */
void migrate_event(struct machine *m, void *obj);

/* A thread of p is about to write [addr, addr + len): pre-copy marks the
 * pages dirty. */
void migrate_wrote(struct proc *p, uint64_t addr, uint64_t len);

/* A thread is about to access [addr, addr + len) of p: ns to wait for
 * pages that are still on the node p left (on-demand: requested now, each a
 * request and the page over the link; or asked for before and on their
 * way), 0 when they are all here. Each takes a frame of p's new node when
 * it arrives (migrate_arrived, from an event then, or from the next pull). */
uint64_t migrate_pull(struct thread *t, struct proc *p, uint64_t addr, uint64_t len);

/* On-demand: pages of p that have arrived by now take frames of its new
 * node (their page_move); then every page of it is here, the migration
 * ends. */
void migrate_arrived(struct machine *m, struct migration *g);

/* The region [addr, addr + npages pages) of p is unmapped (mem.free):
 * on-demand, its pages still on the node p left are no longer wanted
 * (their frames there are freed, nothing is pulled for them). */
void migrate_unmapped(struct proc *p, uint64_t addr, uint64_t npages);

/* p's address space is going (it ended): on-demand, the frames its pages
 * still hold on the node it left are freed; they stay counted as left. */
void migrate_exited(struct proc *p);

/* A message for a port of process owner reached node at, which owner has
 * left: count it as forwarded (net.c sends it on). */
void migrate_forwarded(struct machine *m, struct proc *owner, uint32_t at, uint64_t bytes,
		       uint64_t flow);

/* A thread of p, stopped for a migration, came back from an LRPC server's
 * domain (a return, or a revocation): once no call of p is in progress,
 * the migration goes on. */
void migrate_lrpc_back(struct proc *p);

/* A hook the userland sets: process p now runs on node to (strong
 * mobility), with clock how; for its clock (servers/time). */
void migrate_set_hook(struct machine *m, void (*hook)(struct proc *p, uint32_t to, int how));

/* The migrations in the statistics: 'j' the "migrations" member, 't'
 * lines. Nothing when there was none. */
void migrate_stats(FILE *out, const struct machine *m, char format);

/* The machine's migrations (m->mig), in the order they began. */
struct mig_state {
	struct migration **v;
	uint32_t n, cap;
	void (*hook)(struct proc *p, uint32_t to, int how);
};

/* Strategy and mobility names (NULL for an unknown value), and back (0: unknown). */
const char *migrate_strategy_name(int s);
const char *migrate_mobility_name(int s);
int migrate_strategy_parse(const char *s);
int migrate_mobility_parse(const char *s);

void migrate_free(struct machine *m);

#endif
