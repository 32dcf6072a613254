/*
 * trace_index.h - a whole trace loaded into compact arrays for drawing.
 *
 * The one idea: the views never read the trace; they read this index, which
 * the loader builds once from the streaming reader (trace_read.h) and which
 * is read-only afterwards. Everything a view needs to draw a time window
 * quickly is here, sorted so that the part of it inside [from, to] is found
 * by binary search: per-thread state intervals, per-CPU dispatch intervals,
 * messages in send order (with the latest delivery so far, so that arrows
 * that start before the window are found too), queue depths per port, log
 * lines, name-server operations, the distinct record times (for finding
 * idle stretches), memory replayed page by page (trace_index_vm.h), and
 * with several machines their nodes, links and packets.
 *
 * Building is split in three (new, add one record, seal) so that a live
 * viewer can later feed records from a trace sink with the same code.
 *
 * Values of states, reasons and message kinds are those of the trace format
 * (doc/trace-format.md, section 5). Identifiers in the file (pid, tid, port,
 * flow) are untrusted: they are mapped to dense indices through hash tables,
 * and a record naming a thread, process or port the trace never created
 * makes an entry for it ("thread 7"), so a damaged trace still loads.
 *
 * Entry points: trace_index_load, trace_index_new, trace_index_add,
 * trace_index_seal, trace_index_free, trace_index_msgs_from,
 * trace_index_intervals_from, trace_index_runs_from, trace_index_depth_at,
 * trace_index_gaps, trace_index_waiting, trace_index_str, trace_index_header,
 * trace_index_header_add, trace_index_lrpcs_from, trace_index_lrpc_count,
 * trace_index_pkts_from, trace_index_node_at, trace_index_node_of_cpu.
 */
#ifndef UKERN_TRACE_INDEX_H
#define UKERN_TRACE_INDEX_H

#include <stddef.h>
#include <stdint.h>

#include "trace_index_vm.h"

#define TI_NONE UINT32_MAX     /* "no such entry" for an index field */
#define TI_NEVER UINT64_MAX    /* "never happened" for a time field */

/* Thread states and reasons, as the trace stores them. */
enum ti_state { TI_READY, TI_RUNNING, TI_BLOCKED, TI_EXITED, TI_STATE_COUNT };
enum ti_reason {
	TI_R_NEW, TI_R_WOKEN, TI_R_PREEMPTED, TI_R_YIELDED, TI_R_DISPATCHED,
	TI_R_SEND, TI_R_RECV, TI_R_REPLY, TI_R_SLEEP, TI_R_JOIN,
	TI_R_EXIT, TI_R_KILLED, TI_R_FAULT,
	TI_R_LOCK, TI_R_IDLE,   /* (version 2) a mutex/semaphore/condition; an LWP without work */
	TI_R_IO,                /* (version 2) an I/O (a job's io_time) */
	TI_R_CRASH,             /* (version 3) exited: its process crashed (an injected fault) */
	TI_R_CHILD,             /* (version 3) wait() for a child process */
	TI_REASON_COUNT         /* reasons from here on are kept as numbers, drawn as "other" */
};
enum ti_msg_kind { TI_SEND, TI_CALL, TI_REPLY };
enum ti_fate { TI_PENDING, TI_DELIVERED, TI_DROPPED };

struct ti_proc {
	uint32_t name;          /* string offset (trace_index_str) */
	uint64_t pid;           /* as in the trace */
	uint64_t born, died;    /* ns; died = TI_NEVER while it lives */
	int32_t exit_code;
	uint8_t daemon, faulted;   /* faulted: 1 a script error, 2 an injected crash */
	uint8_t nameserver;     /* the built-in name server ("name", a daemon) */
	uint8_t lrpc_server;    /* some LRPC entered its domain */
	uint32_t nthreads;      /* threads of this process */
	uint32_t rank;          /* rank among the processes but the name server (palettes) */
	uint32_t node;          /* the node it started on (nodes index), or TI_NONE */
	uint32_t lane;          /* its place in node_procs, or TI_NONE (no lane: see there) */
};

struct ti_thread {
	uint32_t name;          /* string offset */
	uint64_t tid;           /* as in the trace */
	uint32_t proc;          /* index in procs */
	uint32_t sub;           /* its rank among the threads of its process, from 0 */
	uint64_t born, died;    /* ns */
	size_t iv_first, iv_count;  /* its intervals: ivs[iv_first .. +iv_count) */
	uint32_t lane;          /* its place in node_threads, or TI_NONE */
};

/* A stretch of time a thread spent in one state (never empty). */
struct ti_interval {
	uint64_t t0, t1;        /* ns, t0 < t1 */
	uint32_t port;          /* port index it waits on, or TI_NONE */
	uint8_t state, reason;  /* enum ti_state, enum ti_reason */
};

/* A stretch of time a CPU ran one thread, from one dispatch to the next
 * (or to the thread's leaving the CPU). A scheduler that chooses the
 * running thread again (MLFQ at each tick) starts a new run at the instant
 * the last one ended: those runs continue one another. */
struct ti_run {
	uint64_t t0, t1;        /* ns, t0 < t1 */
	uint32_t thread;        /* index in threads */
	uint32_t more;          /* how many of the CPU's next runs continue this one */
};

struct ti_cpu {
	size_t run_first, run_count;  /* its runs: runs[run_first .. +run_count) */
	uint64_t busy_ns;       /* total time running something */
};

struct ti_port {
	uint64_t id;            /* as in the trace */
	uint32_t label;         /* string offset; 0 = "" when it has none */
	uint32_t owner;         /* proc index holding the receive right, or TI_NONE */
	uint64_t qlimit;
	uint64_t born, died;    /* ns */
	uint8_t reply_only;     /* every message it received was a reply */
	uint8_t registered;     /* registered with the name server at some time */
	uint32_t colour;        /* rank among its owner's ports that receive requests (palettes) */
	size_t depth_first, depth_count;  /* its queue depth steps */
	uint64_t msgs;          /* messages sent to it */
};

/* Queue depth of a port from time ns on. */
struct ti_depth {
	uint64_t ns;
	uint32_t depth;
};

struct ti_msg {
	uint64_t flow;          /* as in the trace */
	uint64_t send_ns;
	uint64_t enqueue_ns;    /* TI_NEVER when handed over directly */
	uint64_t end_ns;        /* delivery or drop, TI_NEVER while pending */
	uint32_t from, to;      /* sender and receiver thread indices (to: TI_NONE until delivered) */
	uint32_t port;          /* destination port index */
	uint32_t reply_to;      /* msg index of the call a reply answers, else TI_NONE */
	uint32_t reply;         /* msg index of the reply to this call, else TI_NONE */
	uint64_t size;          /* bytes */
	uint8_t kind, fate;     /* enum ti_msg_kind, enum ti_fate */
	uint8_t drop_reason;    /* trace drop reason (1 dead port, 2 stale reply, 3 timeout, 4 lost) */
};

struct ti_log {
	uint64_t ns;
	uint32_t thread;
	uint32_t text;          /* string offset */
};

struct ti_name {
	uint64_t ns;
	uint32_t proc, port;    /* port: TI_NONE if none */
	uint8_t op, ok;         /* 1 register, 2 lookup, 3 unregister */
	uint32_t name;          /* string offset */
};

/* One edge of a deadlock report: what a thread waited for when the run
 * stopped (trace record "wait"). */
struct ti_wait {
	uint64_t ns;
	uint32_t thread;        /* the waiting thread */
	uint32_t port;          /* the port of its call, send or receive, or TI_NONE */
	uint32_t proc;          /* the process that had to act, or TI_NONE */
	uint32_t on_thread;     /* the very thread (a join, a mutex), or TI_NONE */
	uint8_t reason;         /* enum ti_reason */
};

/* A page fault a thread took (trace record "page_fault"). */
struct ti_pfault {
	uint64_t ns;
	uint32_t thread;        /* the faulting thread */
	uint8_t kind;           /* 1 zero-fill, 2 copy-on-write copy, 3 copy-on-write without
				 * a copy, 4 and 5 segmentation fault, 6 no free frame */
};

/* An LRPC: a thread in another process's domain, from its call to its
 * return (trace records lrpc_call, lrpc_return). */
struct ti_lrpc {
	uint64_t t0, t1;        /* ns: it entered the server's domain; it was back (the run's
				 * end if never) */
	uint32_t thread;        /* the calling thread */
	uint32_t from, to;      /* process indices: the domain it came from, the server */
	uint32_t label;         /* string offset: "service.procedure" */
	uint32_t outer;         /* the call it was made from (nested), or TI_NONE */
	uint8_t how_in;         /* 0 an address-space switch, 1 an exchange of processors,
				 * 2 after waiting for an A-stack */
	uint8_t how_out;        /* 0 a switch, 1 an exchange, 2 revoked (its server ended) */
};

/* The LRPCs from one domain into another: their call times are
 * lrpc_pair_t0[first .. first + count), ascending. */
struct ti_lrpc_pair {
	uint32_t from, to;      /* process indices: the domain they came from, the server */
	size_t first, count;
};

/* Several machines (trace records node, proc_node, link, link_loss, pkt_send,
 * pkt_arrive, pkt_lost, convert: only in runs that declare nodes). */
enum { TI_MAX_NODES = 64, TI_MAX_LINKS = 1024 };

struct ti_node {
	uint64_t id;            /* as in the trace (0 is "A", the machine) */
	uint32_t name;          /* string offset */
	uint32_t cpus, cpu0;    /* its CPUs: cpu0 .. cpu0 + cpus - 1 */
	uint8_t big_endian;
	uint32_t net;           /* its network server's process ("net.NAME"), or TI_NONE */
	size_t proc_first, proc_count;   /* its processes: node_procs[proc_first ..] */
	size_t th_first, th_count;       /* their threads: node_threads[th_first ..] */
	/* counted from the records when sealing, as the statistics count them */
	uint64_t msgs_out, bytes_out;    /* messages put on a link from it, their payload */
	uint64_t msgs_in, bytes_in;      /* messages that arrived whole */
	uint64_t converted;              /* values converted on it (convert records) */
};

/* One direction of a link, counted when sealing. */
struct ti_link_dir {
	uint64_t msgs, msgs_lost;        /* messages put on it; lost (a packet or more) */
	uint64_t packets, bytes, lost;   /* packets, their bytes (headers included), lost */
	uint64_t busy_ns;                /* time spent transmitting */
};

struct ti_link {
	uint64_t id;            /* as in the trace (from 1) */
	uint32_t a, b;          /* node indices; dir[0] is a to b, dir[1] b to a */
	uint64_t latency_ns, bandwidth_bps;
	uint32_t mtu, loss_ppm; /* bytes per packet; packets lost per million */
	uint32_t profile;       /* string offset: the profile it started from ("" none) */
	struct ti_link_dir dir[2];
};

enum ti_pkt_fate { TI_PKT_PENDING, TI_PKT_ARRIVED, TI_PKT_LOST };

/* A packet on a link: queued behind earlier packets from sent_ns to depart,
 * transmitted until tx_end, propagating until arrive. */
struct ti_packet {
	uint64_t sent_ns;       /* the record's time: its node's network server sent it */
	uint64_t depart;        /* its transmission starts (ns) */
	uint64_t tx_end;        /* its transmission ends: depart + bytes * 8 / bandwidth */
	uint64_t arrive;        /* it arrives, or is lost: tx_end + latency */
	uint64_t flow;          /* the message it carries part of */
	uint32_t link;          /* links index */
	uint32_t msg;           /* msgs index, or TI_NONE */
	uint32_t seq, bytes;    /* its number in the message (from 0); bytes with the header */
	uint8_t dir;            /* 0: from the link's a to b, 1: back */
	uint8_t fate;           /* enum ti_pkt_fate: arrived or lost by the trace's records */
	uint8_t last;           /* the message's last packet */
	/* A migration's transfer (its id; 0: a message's packet): the pages
	 * of one round or one page pulled, sent as a reliable stream. It
	 * stands for seq packets of bytes bytes in all (headers included), one
	 * after the other; flow and msg are 0 and TI_NONE. */
	uint32_t mig;
};

/* A process that ran on another node from ns on (a later proc_node record
 * for it: a migration). */
struct ti_move {
	uint64_t ns;
	uint32_t proc, from, to;   /* process; nodes indices */
};

struct trace_index {
	/* everything below is read-only once trace_index_seal returned */
	struct ti_proc *procs;       size_t nprocs;
	struct ti_thread *threads;   size_t nthreads;
	struct ti_port *ports;       size_t nports;
	struct ti_cpu *cpus;         size_t ncpus;
	struct ti_interval *ivs;     size_t nivs;     /* grouped by thread, by time within */
	struct ti_run *runs;         size_t nruns;    /* grouped by CPU, by time within */
	struct ti_msg *msgs;         size_t nmsgs;    /* by send time */
	uint64_t *msg_reach;         /* [i]: latest end_ns of msgs[0..i] (pending counts as end) */
	struct ti_depth *depths;     size_t ndepths;  /* grouped by port, by time within */
	struct ti_log *logs;         size_t nlogs;
	struct ti_name *names;       size_t nnames;
	struct ti_wait *waitfor;     size_t nwaitfor; /* the deadlock's wait-for edges */
	struct ti_pfault *pfaults;   size_t npfaults; /* page faults, by time */
	struct ti_vm vm;             /* memory: regions, pages, frames (trace_index_vm.h) */
	struct ti_lrpc *lrpcs;       size_t nlrpcs;   /* LRPCs, by call time */
	uint64_t *lrpc_reach;        /* [i]: latest t1 of lrpcs[0..i] */
	struct ti_lrpc_pair *lrpc_pairs;  size_t nlrpc_pairs;   /* by their first call */
	uint64_t *lrpc_pair_t0;      /* the calls' times, pair after pair */
	struct ti_node *nodes;       size_t nnodes;   /* none without nodes */
	struct ti_link *links;       size_t nlinks;
	struct ti_packet *pkts;      size_t npkts;    /* by the time they were sent */
	uint64_t *pkt_reach;         /* [i]: latest arrive of pkts[0..i] */
	uint32_t *msg_pkt;           /* [msg]: its first packet, or TI_NONE (with packets) */
	struct ti_move *moves;       size_t nmoves;   /* by time */
	/* With nodes: the processes that have a lane, grouped by node (a node's
	 * in creation order, node after node, then those on no node from
	 * nonode_first on), and their threads in the same order. The kernel
	 * (pid 0) has none when all its notices go to processes on nodes: the
	 * views draw them from the node. */
	uint32_t *node_procs;        size_t nnode_procs;
	uint32_t *node_threads;      size_t nnode_threads;
	size_t nonode_first, nonode_th_first;
	uint64_t *times;             size_t ntimes;   /* distinct record times, ascending */
	uint64_t *waits;             size_t nwaits;   /* stretches some thread slept or waited
						       * for an I/O: (start, end) pairs, merged, by time */
	uint64_t *gapmax;            size_t ngapblocks; /* longest gap per block of times */
	char *strs;                  size_t strlen;   /* string pool; offset 0 is "" */
	uint64_t end_ns;             /* end of the run: the last record's time */
	uint32_t blocked_seen;       /* bit r: some thread was blocked for reason r (r < 32) */
	uint64_t nrecords;
	uint64_t ndeadlocks, nfaults, ndrops;
	uint64_t deadlock_ns;        /* when the run deadlocked, or TI_NEVER */
	char **hdr;                  size_t nhdr;     /* header key at 2i, value at 2i+1 */
	struct ti_build *b;          /* loading state; NULL once sealed */
};

/* Load the whole trace at path. Returns the sealed index, or NULL with the
 * reader's message ("PATH: byte N: ...") or "out of memory" in err. */
struct trace_index *trace_index_load(const char *path, char *err, size_t errlen);

/* Like trace_index_load, but a trace cut short (trace_cut: the file ends
 * before its end record) loads up to the cut: the index of the records
 * before it, sealed at the last one's time, with the reader's message in
 * note. note is "" for a whole trace; any other failure returns NULL with
 * the message in err, as trace_index_load does. */
struct trace_index *trace_index_load_cut(const char *path, char *err, size_t errlen, char *note,
					 size_t notelen);

/* An empty index to feed with trace_index_add, or NULL when memory runs out. */
struct trace_index *trace_index_new(void);

/* Add one record (the arguments of a trace_sink's record function: time in
 * ns, never decreasing; kind; trace_kinds[kind].nargs arguments; the string
 * argument). Returns 0, or -1 when memory ran out (the index then holds the
 * records before this one and can still be sealed and freed). */
int trace_index_add(struct trace_index *ix, uint64_t ns, unsigned kind, const uint64_t *args,
		    const char *s, size_t len);

/* Set header pair (key, value), as the trace header gives it. Returns 0 or -1
 * when memory ran out. */
int trace_index_header_add(struct trace_index *ix, const char *key, const char *value);

/* Finish loading: close what is still open at end_ns (the run's end, at least
 * the last record's time), group intervals by thread and runs by CPU, build
 * the lookup arrays. Returns 0, or -1 when memory ran out (free the index). */
int trace_index_seal(struct trace_index *ix, uint64_t end_ns);

/* Free ix and everything it holds. ix may be NULL. */
void trace_index_free(struct trace_index *ix);

/* The string at offset off of the pool. */
const char *trace_index_str(const struct trace_index *ix, uint32_t off);

/* The value of header key, or NULL. */
const char *trace_index_header(const struct trace_index *ix, const char *key);

/* The first message that may still be visible at time t: the least i such
 * that msgs[i] ends (is delivered or dropped) at t or later, or is pending.
 * nmsgs when there is none. */
size_t trace_index_msgs_from(const struct trace_index *ix, uint64_t t);

/* The first interval of thread th that ends after t (an offset into ivs
 * within the thread's group; iv_first + iv_count when none). */
size_t trace_index_intervals_from(const struct trace_index *ix, uint32_t th, uint64_t t);

/* The first run of CPU c that ends after t (runs index; run_first +
 * run_count when none). */
size_t trace_index_runs_from(const struct trace_index *ix, uint32_t c, uint64_t t);

/* The first run of CPU c of those that run i continues (i itself when it
 * continues none): runs first .. first + runs[first].more are one stretch
 * of the same thread. */
size_t trace_index_stretch_first(const struct trace_index *ix, uint32_t c, size_t i);

/* The first page fault at or after t (npfaults when none). */
size_t trace_index_pfaults_from(const struct trace_index *ix, uint64_t t);

/* The first LRPC that may still be visible at time t: the least i such
 * that lrpcs[i] or one before it ends at t or later. nlrpcs when none. */
size_t trace_index_lrpcs_from(const struct trace_index *ix, uint64_t t);

/* How many LRPCs of lrpc_pairs[k] entered the server's domain from t0 to t1
 * (both included). */
size_t trace_index_lrpc_count(const struct trace_index *ix, size_t k, uint64_t t0, uint64_t t1);

/* Queue depth of port pt at time t (0 before its first message). */
uint32_t trace_index_depth_at(const struct trace_index *ix, uint32_t pt, uint64_t t);

/* Whether port pt exists at time t: made by then and not yet dead. */
int trace_index_port_alive(const struct trace_index *ix, uint32_t pt, uint64_t t);

/* Whether names[i] is in the name server's table at time t: a successful
 * registration made by then, its port alive, and the name neither
 * unregistered nor registered again since. */
int trace_index_name_live(const struct trace_index *ix, size_t i, uint64_t t);

/* The first packet that may still be on its link at time t: the least i
 * such that pkts[i] or one before it arrives at t or later. npkts when none. */
size_t trace_index_pkts_from(const struct trace_index *ix, uint64_t t);

/* The node process pr runs on at time t (after the moves up to t), or
 * TI_NONE. */
uint32_t trace_index_node_at(const struct trace_index *ix, uint32_t pr, uint64_t t);

/* The node (nodes index) whose CPUs include CPU c, or TI_NONE. */
uint32_t trace_index_node_of_cpu(const struct trace_index *ix, uint32_t c);

/* Whether some thread slept or waited for an I/O during (a, b): time that
 * passes on purpose, even if nothing else happens. */
int trace_index_waiting(const struct trace_index *ix, uint64_t a, uint64_t b);

/* Stretches without any record inside [from, to]: gaps between consecutive
 * record times longer than min_ns. Writes at most max of them, the longest
 * first, as (start, end) pairs into gap[2i], gap[2i+1]; returns how many. */
size_t trace_index_gaps(const struct trace_index *ix, uint64_t from, uint64_t to,
			uint64_t min_ns, uint64_t *gap, size_t max);

#endif
