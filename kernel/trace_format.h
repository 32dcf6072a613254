/*
 * trace_format.h - the binary trace format, defined once for the writer
 * (trace_file.c) and every reader (viz/). doc/trace-format.md is its
 * specification; change both together and bump TRACE_VERSION.
 *
 * A file is a header followed by records:
 *   header:  8 bytes "UKTRACE\n", varint version, varint n, then n pairs of
 *            strings (key, value): scenario, seed, every parameter ...
 *   record:  1 byte kind, varint time delta (ns since the previous record),
 *            then the kind's arguments as varints, then, for kinds with a
 *            string, varint length and the bytes.
 *   end:     a TR_END record whose one argument is the number of records
 *            before it; a file without it was cut short.
 * A varint is unsigned LEB128 (7 bits a byte, low bits first); a string is a
 * varint length and that many bytes, not NUL-terminated.
 */
#ifndef UKERN_TRACE_FORMAT_H
#define UKERN_TRACE_FORMAT_H

#include <stdint.h>

#define TRACE_MAGIC "UKTRACE\n"
#define TRACE_MAGIC_LEN 8
#define TRACE_VERSION 4
#define TRACE_VERSION_MIN 3   /* the oldest a reader takes: 4 added the folded kinds */
#define TRACE_MAX_ARGS 6
#define TRACE_MAX_STR (1u << 20)

enum trace_kind {
	TR_END = 0,         /* records */
	TR_PROC_NEW,        /* pid, daemon ; name */
	TR_PROC_EXIT,       /* pid, exit code + 2^31, faulted */
	TR_THREAD_NEW,      /* tid, pid ; name */
	TR_THREAD_STATE,    /* tid, state, reason, port (0 if none) */
	TR_DISPATCH,        /* cpu, tid */
	TR_IDLE,            /* cpu */
	TR_PORT_NEW,        /* port, pid, qlimit */
	TR_PORT_DEAD,       /* port */
	TR_MSG_SEND,        /* flow, tid, port, size, kind (0 send, 1 call, 2 reply), reply_to */
	TR_MSG_ENQUEUE,     /* flow, port, queue length after */
	TR_MSG_DELIVER,     /* flow, tid, port */
	TR_MSG_DROP,        /* flow, port, reason (1 dead port, 2 stale reply, 3 timeout, 4 lost) */
	TR_LOG,             /* tid ; text */
	TR_NAME,            /* pid, port, op (1 register, 2 lookup, 3 unregister), ok ; name */
	TR_DEADLOCK,        /* threads in the cycle ; report */
	TR_FAULT,           /* tid, pid ; message */
	TR_PORT_LABEL,      /* port ; label */
	TR_THREAD_KIND,     /* tid, kind (1 user thread on an LWP, 2 LWP); absent: one-to-one */
	TR_USWITCH,         /* lwp, from tid (0 none), to tid: a user-level switch */
	TR_UPCALL,          /* lwp (the activation), kind (1 added, 2 preempted, 3 blocked, 4 unblocked), tid */
	TR_WAIT,            /* tid, reason, port, pid, on_tid: one edge of a deadlock report */
	TR_MSG_DELAY,       /* flow, port, delay (ns): an injected fault holds the message in flight */
	TR_CRASH,           /* pid (0: nothing to crash), incarnation ; the target as declared */
	TR_RESPAWN,         /* tid (the supervisor), old pid, new pid, incarnation of the new one */
	TR_TIMER,           /* tid, port, at (ns), cookie: a timer notice was asked for */
	/* virtual memory (vmsys.c) */
	TR_VM_MAP,          /* pid, addr, pages, kind (1 text, 2 heap, 3 stack, 4 shared), perm (1 r | 2 w) */
	TR_VM_UNMAP,        /* pid, addr, pages */
	TR_VM_PROTECT,      /* pid, addr, pages, perm */
	TR_PAGE_FAULT,      /* tid, pid, addr, kind (enum vm_fault_kind), frame (0 none) */
	TR_PAGE_COPY,       /* pid, addr, from frame, to frame: a copy-on-write copy */
	TR_FRAMES,          /* used, shared: the machine's frame counts after a change */
	TR_FORK,            /* pid, child pid, frames shared */
	TR_OOL,             /* flow, pid, addr, len, op (1 taken from the sender, 2 mapped in the receiver) */
	TR_MEMORY,          /* frames, page_size: the machine's physical memory, before the first vm_map */
	/* lightweight RPC (lrpc.c) */
	TR_LRPC_EXPORT,     /* iface, pid (the server), port (its clerk), procedures ; the name */
	TR_LRPC_BIND,       /* binding, iface, pid (the client), addr, server_addr (the A-stacks in
			     * each), pages */
	TR_LRPC_CALL,       /* tid, pid (the domain it leaves), to_pid (the server), binding,
			     * procedure (from 1), how (0 switch, 1 exchange, 2 after waiting for an
			     * A-stack) ; "service.procedure" */
	TR_LRPC_RETURN,     /* tid, pid (the domain it leaves), to_pid (back to), binding, procedure,
			     * how (0 switch, 1 exchange, 2 revoked) */
	TR_LRPC_ESTACK,     /* binding, astack (from 1 in the binding), estack (from 1 in the
			     * interface), new (1: made now, 0: a free one reused) */
	/* several machines (net.c); only in runs that declare nodes */
	TR_NODE = 40,       /* node (from 0), cpus, cpu0 (its first CPU), big_endian ; name */
	TR_PROC_NODE,       /* pid, node: where a process runs (after its proc_new) */
	TR_LINK,            /* link (from 1), a, b (nodes), latency (ns), bandwidth (bit/s),
			     * mtu (bytes) ; the profile it started from ("" none) */
	TR_LINK_LOSS,       /* link, loss (packets lost per million) */
	TR_PKT_SEND,        /* link, from (node), flow, seq (from 0), bytes (header included),
			     * depart (ns, absolute: when its transmission starts) */
	TR_PKT_ARRIVE,      /* link, flow, seq, last (1: the message's last packet) */
	TR_PKT_LOST,        /* link, flow, seq: the packet and so its message are lost */
	TR_CONVERT,         /* flow, node, values, op (1 to the canonical form, 2 from it) */
	TR_NODE_MEMORY,     /* node, first (its first frame number), frames: its physical
			     * memory, right after the memory record */
	TR_PAGE_MOVE,       /* pid, addr (the page), from, to (frames): its bytes now live in a
			     * frame of another node's memory (a migration, or out-of-line data
			     * delivered on another node) */
	/* remote objects (rpc.lua) and Berkeley clock synchronisation (clock.lua) */
	TR_OBJ_EXPORT = 50, /* pid (the object's server), port, object id ; "Class#id" */
	TR_OBJ_CALL,        /* tid (executing it), pid, port, object id, method (from 1 in the
			     * class), ok (1, or 0: refused, the id is not the port's object) ;
			     * "Class#id.method" */
	TR_CLOCK_ROUND,     /* pid (the master), round (from 1), polled (clocks asked, its own
			     * included), answered, used (within the outlier bound), back (1 if
			     * the average lies behind the master's clock) ; no string: the average's
			     * size is in the clock_adjust records */
	TR_CLOCK_ADJUST,    /* pid (the clock set), round, adjust_ns (its size), back (1: set
			     * back), error_ns (size of the clock's true error after it), behind
			     * (1: the clock is behind true time) */
	/* process migration (migrate.c) */
	TR_MIGRATE = 55,    /* id (from 1), pid, from, to (nodes), strategy (1 stop-and-copy,
			     * 2 pre-copy, 3 on-demand), mobility (1 strong, 2 weak) */
	TR_MIGRATE_ROUND,   /* id, round (from 1 while it runs; 0: the copy while it is stopped),
			     * pages, bytes, arrive (ns, absolute: when its last packet arrives) */
	TR_MIGRATE_PULL,    /* id, tid, addr (the page), arrive: on-demand, a page pulled on a fault */
	TR_MIGRATE_END,     /* id, pid (weak: the new incarnation's), downtime, total (ns), pages,
			     * bytes: it runs on the target */
	TR_MIGRATE_FORWARD, /* id (0: none under way), flow, from, to (nodes): a message for a
			     * process that moved, forwarded */
	/* shared segments (vmsys_shm.c) */
	TR_SHM_NEW = 65,    /* seg (from 1), pid, addr, pages, perm, port: mem.share made a
			     * segment, mapped at addr (its vm_map just before) */
	TR_SHM_FRAME,       /* seg, page (from 0), frame: one per page, after its shm_new */
	TR_SHM_MAP,         /* seg, pid, addr, pages, perm: mem.map mapped it (vm_map before) */
	TR_SHM_UNMAP,       /* seg, pid, addr, maps: a mapping went (vm_unmap before); maps
			     * left, 0: the segment is dead, its frames freed */
	/* frames the kernel gives without a page fault (lrpc.c) */
	TR_PAGE_FRAME = 69, /* pid, addr, frame: page addr of pid maps frame (an LRPC binding's
			     * A-stacks: one per page, after each of their vm_map records) */
	TR_SHM_RESTRICT = 70, /* seg, pid, port, perm: mem.restrict made port, a read-only port
			       * for segment seg (its port_new before): its rights map it "r" */
	/* Two records in one (version 4): the kernel writes a dispatch or a
	 * msg_deliver and the change of state it makes at once as one record
	 * (trace.c gives the two to every sink but a trace file); a reader
	 * returns the two records, never these. */
	TR_DISPATCH_RUNNING = 71, /* cpu, tid: a dispatch, then the thread's thread_state
				   * running, reason dispatched, port 0 */
	TR_DELIVER_WOKEN,   /* flow, tid, port: a msg_deliver, then the receiver's
			     * thread_state ready, reason woken, port 0 */
	TR_KIND_COUNT
};

/* The values of thread_state's state and reason that folded records stand
 * for (doc/trace-format.md section 5; the kernel's enum tstate and enum
 * treason, thread.h, hold them to these). */
#define TRACE_STATE_READY 0
#define TRACE_STATE_RUNNING 1
#define TRACE_REASON_WOKEN 1
#define TRACE_REASON_DISPATCHED 4

struct trace_kind_info {
	const char *name;
	uint8_t nargs;
	uint8_t has_str;
	const char *args[TRACE_MAX_ARGS];
};

/* Name and layout of every record kind, indexed by enum trace_kind. */
extern const struct trace_kind_info trace_kinds[TR_KIND_COUNT];

/* The arguments of every kind, again (trace_kinds[].nargs: a test holds
 * the two to the same counts), where each TRACE site sees them: the check
 * of a site's argument count then costs nothing when the program runs. */
static const uint8_t trace_nargs[TR_KIND_COUNT] = {
	[TR_END] = 1, [TR_PROC_NEW] = 2, [TR_PROC_EXIT] = 3, [TR_THREAD_NEW] = 2,
	[TR_THREAD_STATE] = 4, [TR_DISPATCH] = 2, [TR_IDLE] = 1, [TR_PORT_NEW] = 3,
	[TR_PORT_DEAD] = 1, [TR_MSG_SEND] = 6, [TR_MSG_ENQUEUE] = 3, [TR_MSG_DELIVER] = 3,
	[TR_MSG_DROP] = 3, [TR_LOG] = 1, [TR_NAME] = 4, [TR_DEADLOCK] = 1, [TR_FAULT] = 2,
	[TR_PORT_LABEL] = 1, [TR_THREAD_KIND] = 2, [TR_USWITCH] = 3, [TR_UPCALL] = 3,
	[TR_WAIT] = 5, [TR_MSG_DELAY] = 3, [TR_CRASH] = 2, [TR_RESPAWN] = 4, [TR_TIMER] = 4,
	[TR_VM_MAP] = 5, [TR_VM_UNMAP] = 3, [TR_VM_PROTECT] = 4, [TR_PAGE_FAULT] = 5,
	[TR_PAGE_COPY] = 4, [TR_FRAMES] = 2, [TR_FORK] = 3, [TR_OOL] = 5, [TR_MEMORY] = 2,
	[TR_LRPC_EXPORT] = 4, [TR_LRPC_BIND] = 6, [TR_LRPC_CALL] = 6, [TR_LRPC_RETURN] = 6,
	[TR_LRPC_ESTACK] = 4, [TR_NODE] = 4, [TR_PROC_NODE] = 2, [TR_LINK] = 6, [TR_LINK_LOSS] = 2,
	[TR_PKT_SEND] = 6, [TR_PKT_ARRIVE] = 4, [TR_PKT_LOST] = 3, [TR_CONVERT] = 4,
	[TR_OBJ_EXPORT] = 3, [TR_OBJ_CALL] = 6, [TR_CLOCK_ROUND] = 6, [TR_CLOCK_ADJUST] = 6,
	[TR_MIGRATE] = 6, [TR_MIGRATE_ROUND] = 5, [TR_MIGRATE_PULL] = 4, [TR_MIGRATE_END] = 6,
	[TR_MIGRATE_FORWARD] = 4, [TR_NODE_MEMORY] = 3, [TR_PAGE_MOVE] = 4, [TR_SHM_NEW] = 6,
	[TR_SHM_FRAME] = 3, [TR_SHM_MAP] = 5, [TR_SHM_UNMAP] = 4, [TR_PAGE_FRAME] = 3,
	[TR_SHM_RESTRICT] = 4, [TR_DISPATCH_RUNNING] = 2, [TR_DELIVER_WOKEN] = 3,
};

#endif
