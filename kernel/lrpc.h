/*
 * lrpc.h - lightweight RPC (Bershad, Anderson, Lazowska and Levy,
 * "Lightweight Remote Procedure Call", ACM TOCS 8(1), 1990): a call from
 * one domain into another on the same machine, made by the caller's own
 * thread.
 *
 * A server exports an interface: its procedures, with the most bytes their
 * arguments and their results take, on a clerk port that the name server
 * knows under the interface's name. A client binds: the kernel makes one
 * region of argument stacks (A-stacks) per binding, sized per procedure,
 * and maps it read-write into both domains - shared, never copy-on-write -
 * and hands back the binding, which it checks on every call. A call:
 *
 *   1. the client stub copies the arguments once onto a free A-stack of the
 *      procedure and traps (cost: proc_call, lrpc_stub, marshal_arg per
 *      argument, copy_stub per byte, trap, lrpc_transfer);
 *   2. the kernel checks the binding and the A-stack, ties an execution
 *      stack (E-stack) of the server to the A-stack if it has none yet (then
 *      keeps it there), and moves the caller's thread into the server's
 *      domain: an address-space switch on its CPU (as_switch); or, when a
 *      processor idles in the server's domain, the two processors are
 *      exchanged (exchange_ns, and copy_remote per argument byte read there):
 *      no scheduler decision, no server thread, no message;
 *   3. the procedure runs; its memory calls act on the server's memory;
 *   4. the return traps (trap) and comes back the same way, the results on
 *      the A-stack; the client stub copies them off (copy_stub per byte,
 *      marshal_arg per result).
 *
 * A binding has a pool of A-stacks per procedure; a caller that finds none
 * free waits (reason astack) for one to come back. When the server ends,
 * its bindings are revoked: calls in progress are thrown back to their
 * callers at once ("revoked"), and so are later ones. When the client
 * ends, its bindings go: their A-stacks are unmapped and their E-stacks
 * return to the server's pool.
 *
 * Domain caching: a CPU idles in the domain whose address space it has
 * loaded (cpu->dom: the domain of the thread it ran last). A call into a
 * domain in which no processor idles "prods" the lowest idle processor
 * into that domain, so the calls after it can be exchanged.
 *
 * Entry points: the system-call effects lrpc_export, lrpc_bind, lrpc_call,
 * lrpc_return and lrpc_call_cost; lrpc_proc_exit and lrpc_thread_exit (a
 * process or thread ends); lrpc_unwind and lrpc_call_state (the stubs
 * learn of a revocation); lrpc_astack_holder (deadlock reports); lookups
 * for the stubs and the statistics; lrpc_free.
 */
#ifndef UKERN_LRPC_H
#define UKERN_LRPC_H

#include <stdint.h>

#include "thread.h"
#include "uk_limits.h"

struct machine;
struct port;
struct proc;

/* One procedure of an interface, as exported. */
struct lrpc_proc {
	char name[UK_NAME_MAX + 1];
	uint32_t args;                /* bytes: the most its arguments take on the A-stack */
	uint32_t results;             /* bytes: the most its results take */
	uint32_t astacks;             /* A-stacks of it in each binding */
};

/* What SYS_LRPC_EXPORT hands the kernel (malloc'd; the kernel frees it). */
struct lrpc_export {
	char name[UK_NAME_MAX + 1];
	uint32_t nprocs;
	struct lrpc_proc procs[];
};

struct lrpc_iface {
	uint32_t id;                  /* from 1, in order of export */
	char name[UK_NAME_MAX + 1];
	struct proc *server;
	struct port *clerk;           /* the port registered under name */
	struct lrpc_export *ex;       /* the procedures */
	uint32_t nestacks;            /* E-stacks made in the server so far */
	uint32_t *free_es;            /* E-stacks no A-stack holds (their binding went) */
	uint32_t nfree, free_cap;
	uint8_t dead;                 /* the server ended: every binding is revoked */
};

struct lrpc_astack {
	uint64_t off;                 /* bytes from the start of the binding's region */
	uint32_t size;                /* bytes */
	uint32_t proc;                /* the procedure it serves, from 1 */
	uint32_t estack;              /* the E-stack tied to it, from 1; 0: none yet */
	struct thread *holder;        /* the thread calling on it; NULL: free */
};

struct lrpc_binding {
	uint32_t id;                  /* from 1, in order of binding */
	struct lrpc_iface *iface;
	struct proc *client;          /* the domain that bound */
	uint64_t caddr, saddr;        /* the A-stack region in the client's and the server's
				       * address space */
	uint64_t pages;
	struct lrpc_astack *as;       /* every A-stack: procedure i's from first[i - 1] */
	uint32_t nas;
	uint32_t *first;              /* per procedure */
	struct tqueue *waiters;       /* per procedure: threads waiting for a free A-stack */
	uint8_t revoked;              /* its server ended */
	uint8_t gone;                 /* its client ended: the region is unmapped */
	uint8_t global;               /* a global reference: the client or the server moved
				       * (or the server is stopped for a move); the region is
				       * unmapped and calls go as messages to the clerk
				       * (lrpc_globalize, lrpc_globalize_served, lrpc_rebind,
				       * lrpc_rebind_served) */
};

/* A call in progress: the linkage record the kernel keeps for the return. */
struct lrpc_frame {
	struct lrpc_frame *prev;      /* the call it was made from, if nested */
	uint64_t id;                  /* unique in the run */
	struct lrpc_binding *b;
	uint32_t astack;              /* index in b->as */
	struct proc *from;            /* the domain it came from (NULL: its own process) */
	uint64_t start;               /* ns: when the call was issued */
	uint32_t arg_bytes, nargs;
	uint8_t mp;                   /* it came in by an exchange of processors */
	uint8_t revoked;              /* thrown back: the server (or one it came through) ended */
};

/* The machine's LRPC state and totals (the statistics). */
struct lrpc_state {
	struct lrpc_iface **ifaces;
	uint32_t nifaces, ifaces_cap;
	struct lrpc_binding **bindings;
	uint32_t nbindings, bindings_cap;
	uint64_t next_call;
	uint64_t calls, mp_calls;     /* calls that entered a server; of those, by exchange */
	uint64_t mp_returns;          /* returns made by exchange */
	uint64_t revoked;             /* calls thrown back or refused by a revocation */
	uint64_t waits;               /* calls that waited for an A-stack */
	uint64_t estacks;             /* E-stacks made, all servers */
	uint64_t associations;        /* E-stacks tied to an A-stack (made or reused) */
	uint64_t prods;               /* idle processors moved into a server's domain */
	uint64_t globals;             /* bindings made global references (a client or a
				       * server moved; lrpc_globalize, lrpc_globalize_served) */
	uint64_t rebinds;             /* global references mapped again as LRPCs */
};

/* System-call effects (syscall.h). */
void lrpc_export(struct thread *t);
void lrpc_bind(struct thread *t);
void lrpc_call(struct thread *t);
void lrpc_return(struct thread *t);

/* The cost of t's pending SYS_LRPC_CALL (step 1 above). */
uint64_t lrpc_call_cost(struct thread *t);

/* p has ended: revoke the bindings of the interfaces it exported (their
 * callers are thrown back) and release the bindings it made. */
void lrpc_proc_exit(struct proc *p);

/* t, in an LRPC, is ending: its A-stacks are given back. */
void lrpc_thread_exit(struct thread *t);

/* What became of call id of t: 1 in progress, 0 revoked (and every call
 * made from within it: they are unwound now, t is back in the domain the
 * call came from), -1 unknown (already returned). */
int lrpc_call_state(struct thread *t, uint64_t id);

/* The innermost call of t in progress: its id, binding, procedure and
 * E-stack (for the stubs), or NULL. */
const struct lrpc_frame *lrpc_current(const struct thread *t);

/* A thread holding an A-stack of the pool t (blocked, reason astack) waits
 * on, or NULL. */
struct thread *lrpc_astack_holder(struct thread *t);

/* Migration of a client (migrate.c). Is a thread of p inside a server's
 * domain (an LRPC call in progress)? Does p export an interface whose
 * server it still is? */
int lrpc_in_call(const struct proc *p);
int lrpc_exports(const struct proc *p);

/* p, stopped with no call in progress, leaves for node to: each binding of
 * p whose server is not on to becomes a global reference (its A-stacks are
 * unmapped from both domains, their E-stacks go back to the server's pool,
 * threads of p waiting for an A-stack are woken with UK_EREMOTE, as a
 * later SYS_LRPC_CALL on it is answered: the stubs then call the clerk by
 * message). Returns how many. */
uint32_t lrpc_globalize(struct proc *p, uint32_t to);

/* p runs on its node (p->node) again: each global reference of p whose
 * server is there (and alive) is rebound: its A-stacks are mapped anew into
 * both domains and calls are LRPCs again. Returns how many (one that finds
 * no memory stays a global reference). */
uint32_t lrpc_rebind(struct proc *p);

/* Migration of a server (migrate.c). Is a call in progress in p's domain
 * (an A-stack of a binding to an interface p exports held)? */
int lrpc_serving(const struct proc *p);

/* p, a server stopped with no call in progress in its domain, leaves its
 * node: every binding to the interfaces it exports becomes a global
 * reference, as in lrpc_globalize (the clients' calls go as messages to the
 * clerk, a thread of p, over the link). Returns how many. While p is
 * stopped, SYS_LRPC_CALL into it is answered UK_EREMOTE (the call goes to
 * the clerk by message, and waits there for p) and a new binding to it is
 * a global reference at once. */
uint32_t lrpc_globalize_served(struct proc *p);

/* p, a server, runs on its node (p->node) again: each global reference to
 * its interfaces whose client is on that node (live, not stopped for a
 * move of its own) is rebound as an LRPC. Returns how many. */
uint32_t lrpc_rebind_served(struct proc *p);

/* The interface and the binding with these ids, or NULL. */
struct lrpc_iface *lrpc_iface_get(const struct machine *m, uint32_t id);
struct lrpc_binding *lrpc_binding_get(const struct machine *m, uint32_t id);

/* Free the machine's LRPC state at the end of a run. */
void lrpc_free(struct machine *m);

#endif
