/*
 * syscall.h - the system-call gate between simulated programs and the kernel.
 *
 * A body fills t->sc (op and arguments) and hands control back to the kernel
 * loop. The kernel first charges the call's cost as CPU work on the caller's
 * CPU, then performs its effect (syscall_effect), which either answers
 * (t->sc.err, val, m) and lets the body continue, or blocks the thread until
 * someone answers later. One table row per call: sys_<name>.
 */
#ifndef UKERN_SYSCALL_H
#define UKERN_SYSCALL_H

#include <stdint.h>

#include "thread.h"

enum sysno {
	SYS_NONE = 0,
	SYS_COMPUTE,   /* arg: ns of CPU */
	SYS_SLEEP,     /* arg: ns */
	SYS_YIELD,
	SYS_EXIT,      /* the thread's body ended; arg: result */
	SYS_PEXIT,     /* end the whole process; arg: exit code */
	SYS_FAULT,     /* the body raised an error; ptr: message (malloc'd, kernel frees) */
	SYS_PORT,      /* arg: qlimit (UINT64_MAX: the machine's); val: the new name */
	SYS_SEND,      /* name, m, timeout */
	SYS_RECV,      /* name, timeout; m: the message */
	SYS_CALL,      /* name, m, timeout; m: the reply */
	SYS_REPLY,     /* name (a send-once right), m */
	SYS_SPAWN,     /* body, ptr: the new thread's body and its data; arg: 0, or
			* SPAWN_SERVICE for a service thread; val: tid */
	SYS_JOIN,      /* arg: tid; val: its result */
	SYS_LOG,       /* ptr: text (malloc'd, kernel frees) */
	SYS_NAMEOP,    /* a name-server operation, for the trace: name (the port's right, 0 if
	                  none), arg: op | ok << 8 | client pid << 32, ptr: the service name
	                  (malloc'd, kernel frees); a successful register labels the port */
	SYS_PARK,      /* an LWP with no user thread to run waits until its runtime has one */
	SYS_SYNC,      /* arg: op (ksync.h), ptr: the object, aux: the mutex of a condition wait */
	SYS_IO,        /* arg: ns: start an I/O and wait for it (reason io) */
	SYS_NOTIFY,    /* name: a right; arg: a receive right, where its dead-name notice goes */
	SYS_SVC,       /* the supervisor's calls (crash.h): arg: op | slot << 8; name: a
	                  receive right (watch); val: a pid (respawn); ptr: a status (kernel
	                  malloc'd, the caller frees) */
	SYS_TIMER,     /* name: a receive right; arg: virtual ns; val (in): the cookie (ktimer.h) */
	SYS_WATCH,     /* arg: a pid; name: a receive right, where its exit notice goes */
	/* virtual memory (vmsys.c); an access that faults for good kills the
	 * process (a segmentation fault, or no frame left) */
	SYS_MEM_ALLOC, /* arg: bytes, name: permission (VM_R | VM_W); val: the address */
	SYS_MEM_FREE,  /* arg: the address a region starts at */
	SYS_MEM_PROTECT, /* arg: a page-aligned address, len: bytes, name: permission */
	SYS_MEM_READ,  /* arg: address, len: bytes; m: the bytes read (a message as a buffer) */
	SYS_MEM_WRITE, /* arg: address, m: the bytes (len of them) */
	SYS_FORK,      /* body, ptr: the child's main body and its data; val: the child's pid */
	SYS_WAIT,      /* arg: a child's pid; val: its exit code (low 32 bits) | faulted << 32 */
	/* lightweight RPC (lrpc.h) */
	SYS_LRPC_EXPORT, /* name: the clerk port (a receive right), ptr: struct lrpc_export
	                  (malloc'd, kernel frees); val: the interface's id */
	SYS_LRPC_BIND,   /* name: a right to a clerk port; val: the binding's id */
	SYS_LRPC_CALL,   /* arg: binding id, name: procedure (from 1), m: the arguments as laid
	                  on the A-stack, val: how many; then the thread runs in the server */
	SYS_LRPC_RETURN, /* m: the results as laid on the A-stack (NULL: none), val: how many,
	                  arg: 1 if the procedure failed; out: val 1 if it came in by an exchange */
	SYS_GETPID,      /* val: the caller's pid: a system call that only traps */
	SYS_NET_FORWARD, /* arg: a message's id (struct uk_net_notice): the network server of a
	                  node sends it on, over the link or to its port (net.h) */
	SYS_MIGRATE,     /* ptr: struct migrate_req (malloc'd, kernel frees); the caller waits
	                  until the process runs on the target; out: val the migration's id */
	SYS_REPLY_RECV,  /* a server's reply and its next receive in one trap (L4's ReplyWait):
	                  name (a send-once right), m: the reply; arg: the receive right,
	                  timeout; m: the message received (ipc.h) */
	SYS_MEM_SHARE,   /* arg: bytes, name: permission; val: the address, name (out): the
	                  segment's right (RIGHT_MAP) */
	SYS_MEM_MAP,     /* name: a RIGHT_MAP right, arg: permission (0: the segment's);
	                  val: the address */
	SYS_MEM_RESTRICT, /* name: a RIGHT_MAP right, arg: the permission to restrict it to (VM_R);
	                  name (out): a right to the segment's read-only port (the same name if
	                  the right was read-only already) */
	SYS_COUNT
};

/* SYS_SPAWN's arg: a service thread, which does not keep its process alive. */
#define SPAWN_SERVICE 1

/* Each call's name, cost and effect, by SYS_*: the kernel loop calls the
 * last two through the inline functions below. */
struct syscall_entry {
	const char *name;
	uint64_t (*cost)(struct thread *t);
	void (*effect)(struct thread *t);
};
extern const struct syscall_entry syscall_table[SYS_COUNT];

/* The CPU work (ns) t's pending call costs before its effect. */
static inline uint64_t syscall_cost(struct thread *t)
{
	return syscall_table[t->sc.op].cost(t);
}

/* Perform t's pending call at the current time. */
static inline void syscall_effect(struct thread *t)
{
	syscall_table[t->sc.op].effect(t);
}

/* The name of a call, for reports. */
const char *syscall_name(unsigned op);

#endif
