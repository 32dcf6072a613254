/*
 * machine.h - the simulated machine and its kernel loop.
 *
 * The machine owns everything simulated: CPUs, processes, threads, ports,
 * the event queue and the virtual clock. machine_run() is the kernel loop,
 * the only code that changes simulated state: it dispatches ready threads on
 * free CPUs, runs their bodies until they post a system call, and handles
 * events in (time, sequence) order until the run ends.
 */
#ifndef UKERN_MACHINE_H
#define UKERN_MACHINE_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cost.h"
#include "ctx.h"
#include "evq.h"
#include "rng.h"
#include "sched.h"
#include "stack.h"
#include "trace.h"
#include "vm.h"

struct proc;
struct port;
struct rpcstat;
struct srvstat;
struct fault_rule;
struct fault_crash;
struct msg;
struct svc;
struct svcname;
struct ktimer;
struct thread;
struct lrpc_state;
struct net;
struct mig_state;
struct results;

struct cpu {
	uint32_t id;
	struct thread *cur;       /* running thread, or NULL when idle */
	struct thread *last;      /* last thread it ran (switch costs) */
	struct proc *dom;         /* the address space it has loaded: the domain of the thread
				   * it runs or ran last (an LRPC moves it); where it idles */
	uint64_t slice_end;       /* ns: end of the current quantum */
	uint64_t busy_ns, switches;
	uint32_t node;            /* the node it belongs to (net.h); 0: "A", the machine */
};

/* What the loader sets before machine_init. */
struct machine_config {
	uint32_t cpus;
	const struct sched_ops *sched;
	uint64_t quantum_ns;
	uint64_t aging_ns;        /* priority: one level gained per aging_ns waited; 0: none */
	uint64_t latency_ns;      /* cfs: the period shared by the ready threads */
	uint64_t min_granularity_ns; /* cfs: the shortest slice */
	struct mlfq_config *mlfq; /* mlfq's parameters (sched_mlfq.h); NULL for the others */
	void *sched_arg;          /* what a policy from outside the kernel needs (lua_sched) */
	int percpu;               /* one ready queue per CPU (sched_percpu.c) around sched */
	int balance;              /* enum balance: how per-cpu queues share work */
	uint64_t balance_ns;      /* periodic balancing: how often */
	uint32_t qlimit;          /* default port queue limit */
	uint64_t seed;
	struct costs costs;
	uint64_t until_ns;        /* UINT64_MAX: no limit */
	uint64_t max_events;      /* events + system calls; UINT64_MAX: no limit */
	uint32_t frames;          /* frames of physical memory; 0: UK_DEFAULT_FRAMES */
	uint32_t page_size;       /* bytes, a power of two; 0: UK_DEFAULT_PAGE_SIZE */
	uint32_t max_threads;     /* threads one run may make; 0: UK_MAX_THREADS */
	uint64_t frame_memory;    /* host bytes the frames' pages may hold, every node together;
				   * 0: UK_FRAME_MEMORY */
};

/* OUT_INTERRUPTED: stopped at machine.stop (Ctrl-C, SIGTERM). */
enum outcome { OUT_RUNNING, OUT_COMPLETED, OUT_DEADLOCK, OUT_LIMIT, OUT_INTERRUPTED };

/* A key/value pair echoed in the trace header and the stats (scenario, params). */
struct kv {
	char *key, *value;
	char type;                /* 's' string, 'n' number, 'b' boolean */
};

struct machine {
	struct machine_config cfg;
	uint64_t now;             /* ns of virtual time */
	struct evq evq;
	struct rng rng;
	struct sched sched;
	struct cpu *cpus;
	uint32_t idle_cpus;
	int resched;              /* a preemptive policy should look at the CPUs */

	struct proc **procs;      /* by pid - 1 */
	uint32_t nprocs, procs_cap;
	struct thread **threads;  /* by tid - 1; kept to the end for the stats */
	uint32_t nthreads, threads_cap;
	uint32_t threads_made;    /* by the scenario's thread() and fork(): machine { max_threads } */
	struct port **ports;      /* by id - 1; kept to the end */
	uint32_t nports, ports_cap;
	struct port *ns_port;     /* the name server's well-known port */

	uint32_t live_nondaemon;  /* processes that keep the run going */
	uint32_t nd_active;       /* kernel threads and LWPs of such processes ready or running */
	uint32_t dl_dirty;        /* changes that may stop a process since the last deadlock check */
	struct thread *dl_changed;  /* threads whose deadlock class may have changed (deadlock.c) */
	struct proc *dl_cands;    /* processes whose every live thread waits for good */
	uint64_t dl_visits;       /* threads looked at by deadlock checks (for tests) */
	uint64_t events;          /* handled, including system calls */
	void *procrun;            /* a process-run machine's state (procrun.c), or NULL */
	uint64_t io_busy_ns;      /* process-run: time with an I/O outstanding */
	int oom;                  /* host memory ran out: the run stops */
	uint64_t next_flow;
	enum outcome outcome;
	/* Set to 1 (by a signal handler too: a lock-free atomic) to end the
	 * run before the next event: outcome OUT_INTERRUPTED, the run settled
	 * as at a limit. */
	atomic_int stop;
	int script_errors;        /* bodies that raised errors */
	char *deadlock_report;    /* human-readable cycle, when deadlocked */
	uint32_t *deadlock_tids;  /* the threads in it */
	uint32_t ndeadlock;

	struct ctx kctx;          /* the kernel loop's own context (C bodies) */
	struct stackpool stacks;  /* stacks of C-bodied threads */
	struct thread *cur;       /* thread whose body is executing, if any */

	struct trace_sink *sinks; /* where trace records go (none: tracing off) */
	uint32_t nsinks;
	struct trace_wbuf *tw;    /* the buffer of the only sink when it is a trace file
				   * (TRACE encodes into it), else NULL */
	struct kv *info;          /* scenario, seed, params: echoed in outputs */
	uint32_t ninfo;

	/* IPC statistics */
	uint64_t msgs, msg_bytes, calls, dropped, duplicated;
	uint64_t delayed;         /* messages an injected fault held in flight */
	struct fault_rule *faults; /* injected message faults (fault.h) */
	uint32_t nfaults;
	struct rng fault_rng;     /* their own random stream */
	struct fault_crash *crashes; /* injected crashes (crash.h) */
	uint32_t ncrashes;
	uint64_t crashed, crash_misses, restarts;   /* crashes done, found nothing, restarts */
	struct svc *svcs;         /* supervised programs (crash.h) */
	uint32_t nsvcs, svcs_cap;
	struct proc *rs;          /* the supervisor (it watches), or NULL */
	struct port *rs_port;     /* where its crash notices go */
	struct svcname *svcnames; /* the kernel's copy of the name server's table (svcnames.h) */
	uint32_t nsvcnames, svcnames_cap;
	uint64_t *lat;            /* one latency per delivered message, ns */
	uint64_t nlat, lat_cap;
	struct rpcstat *rpc;      /* RPC per binding and method (rpcstat.h) */
	uint32_t nrpc, rpc_cap;
	struct srvstat **srv;     /* figures of the built-in servers (srvstat.h) */
	uint32_t nsrv, srv_cap;

	/* log lines from bodies (t NULL: from the kernel itself): where they are
	 * printed (NULL: not printed) */
	void (*log_hook)(struct machine *m, struct thread *t, const char *text);
	/* a body raised an error; the process is about to be killed */
	void (*fault_hook)(struct machine *m, struct thread *t, const char *text);
	/* statistics kept above the kernel (the processes' clocks:
	 * servers/time/pclock.c), written by stats.c when set: format 'j'
	 * adds members to the JSON object ("  \"key\": value,\n" each), 't'
	 * lines to the text summary. NULL: none. */
	void (*stats_hook)(FILE *out, const struct machine *m, char format);
	void *hook_data;
	/* the scenario's own figures, result(name, value) (results.h): owned
	 * by whoever built the machine (the loader), written by stats.c;
	 * NULL: none */
	const struct results *results;

	/* virtual memory (vmsys.c): kernel loop only */
	struct vm vm;             /* physical memory: the frames (node "A"'s with several nodes) */
	struct vm *vm_nodes;      /* the other nodes' memories, node id - 1 (net.h); NULL: none */
	uint32_t vm_nnodes;
	struct vm_group vm_all;   /* every node's memory counted together */
	int vm_used;              /* some process has had an address space */
	struct thread *vm_thread; /* the thread whose access is being served (trace) */
	const char *vm_doing;     /* the kernel's own work taking frames now, in words
				   * ("migrate 'w' to 'B'"), for frames_report; NULL: none */
	const char *vm_doing_where; /* ... and "FILE:LINE: " of what asked for it, or "" */
	char *frames_report;      /* why a limit stopped the run (the cap on the frames' host
				   * memory, cfg.frame_memory, or on the processes made:
				   * vmsys_limit_stop), or NULL: none did (m->oom is set then) */
	uint32_t vm_told_used, vm_told_shared;  /* frame counts in the last frames record */
	uint64_t forks, segfaults, oom_kills;   /* counts for the statistics */
	uint64_t ool_msgs, ool_pages;           /* out-of-line data mapped into receivers */
	/* shared segments (vmsys_shm.c): every one made, by id - 1, freed at the end */
	struct vm_seg **segs;
	uint32_t nsegs, segcap;
	uint64_t shm_maps, shm_pages, shm_dead;      /* mem.map calls, pages mapped, deaths */
	uint64_t shm_frames, shm_frames_peak;        /* frames of live segments: now, most */
	/* A forked child of a many-to-one or many-to-many process is about to
	 * start: put its process's user-level runtime around its main body
	 * (the userland installs it). Returns 0, or -1 when memory runs out.
	 * NULL: such a child cannot be made. */
	int (*runtime_hook)(struct proc *child);

	/* lightweight RPC (lrpc.c): kernel loop only; NULL until the first export */
	struct lrpc_state *lrpc;
	struct thread *in_effect; /* the thread whose system call's effect is being performed */
	int may_handoff;          /* the loop is dispatching threads and may hand off (machine.c) */
	struct thread *told;      /* the thread whose next change of state the last trace
				   * record already holds (a folded record: trace.h) */
	struct thread *handoff;   /* a woken thread held off the ready queue for the CPU of */
	struct cpu *handoff_cpu;  /* ... the thread that woke it, should that one block now */
	uint64_t handoffs;        /* dispatches made by a direct hand-off (tests) */
	int no_handoff;           /* never hand off (tests compare runs with and without) */
	int can_handoff;          /* the machine's policy and shape allow it (machine_begin) */

	/* several machines (net.h): NULL when the scenario declares no node */
	struct net *net;
	/* process migrations (migrate.h): NULL until the first */
	struct mig_state *mig;
};

/* Set up m from cfg (cfg->sched and cpus must be valid). Returns 0, or -1
 * when memory runs out (m is then freed). */
int machine_init(struct machine *m, const struct machine_config *cfg);

/* Free everything m owns. */
void machine_free(struct machine *m);

/* Add a key/value to the run's description (trace header, stats). 0 or -1. */
int machine_info(struct machine *m, const char *key, const char *value);

/* Add a scenario parameter as "param.NAME" with its Lua type ('s', 'n' or
 * 'b'), so the statistics can write it as a JSON string, number or boolean. */
int machine_param(struct machine *m, const char *name, const char *value, char type);

/* Attach a trace sink; records emitted from now on reach it. 0 or -1. */
int machine_add_sink(struct machine *m, const struct trace_sink *s);

/* Detach the sink whose context is ctx (the others keep their order). */
void machine_remove_sink(struct machine *m, const void *ctx);

/* Run the kernel loop until the run ends; returns the outcome. The same as
 * machine_begin, then machine_advance without limits. */
enum outcome machine_run(struct machine *m);

/* Run in steps (the live viewer): machine_begin once, then machine_advance
 * as often as wanted. Each call handles the instants (all the events of one
 * virtual time) up to virtual time until, at most max_instants of them
 * (UINT64_MAX: no limit), and returns OUT_RUNNING when it paused there, or
 * the outcome once the run has ended (then every later call returns it).
 * Pausing changes no state: any sequence of calls gives the run, trace and
 * statistics of machine_run, byte for byte. The process-run model
 * (procrun) runs whole on the first call. */
void machine_begin(struct machine *m);
enum outcome machine_advance(struct machine *m, uint64_t until, uint64_t max_instants);

/* Post a timer for t at absolute time when; an older timer of t is cancelled. */
void machine_timer(struct machine *m, struct thread *t, uint64_t when);

/* Post the event of timer notice kt at absolute time when (ktimer.h).
 * 0, or -1 when memory runs out. */
int machine_notice_at(struct machine *m, uint64_t when, struct ktimer *kt);

/* Make t ready and hand it to the scheduler. */
void machine_ready(struct machine *m, struct thread *t, enum treason why);

/* Put a thread held for a direct hand-off (machine.c) on the ready queue,
 * where it would have been; before anything looks at the queue. */
void machine_handoff_flush(struct machine *m);

/* t, running, leaves its CPU now (CPU-time accounting; the CPU becomes idle). */
void machine_release_cpu(struct machine *m, struct thread *t);

/* The user-level runtime puts user thread u (or nothing) on LWP lwp: CPU
 * time is attributed to u from now on, u takes lwp's state, and the trace
 * records the user-level switch. */
void machine_attach(struct machine *m, struct thread *lwp, struct thread *u);

/* Wake an LWP that parked for want of work (the runtime has some now). */
void machine_unpark(struct machine *m, struct thread *lwp);

/* Record one delivered message's latency (ns). */
void machine_latency(struct machine *m, uint64_t ns);

/* Hand msg, held in flight by an injected fault, to ipc_arrive at absolute
 * time when. The machine owns msg until then (and frees it if the run ends
 * first). 0, or -1 when memory runs out (msg is then freed). */
int machine_deliver_at(struct machine *m, uint64_t when, struct msg *msg);

/* Fire crash fault i (crash_fire) at absolute time when. 0 or -1. */
int machine_crash_at(struct machine *m, uint64_t when, uint32_t i);

/* A line the kernel itself logs (an injected fault's report): in the trace
 * as a log record of tid 0, and through log_hook with no thread. */
void machine_log(struct machine *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Registration helpers used by the object constructors. 0 or -1. */
int machine_add_proc(struct machine *m, struct proc *p);
int machine_add_thread(struct machine *m, struct thread *t);
int machine_add_port(struct machine *m, struct port *pt);

/* Running thread t moves, as it is, to idle CPU to (LRPC domain caching:
 * the two processors are exchanged). t keeps its quantum; the CPU it
 * leaves is idle from now on. Call only from t's system-call effect. */
void machine_exchange(struct machine *m, struct thread *t, struct cpu *to);

/* Drop t's remaining CPU work: a running thread in the middle of its slice
 * goes on at once (its body is resumed at this instant), a ready one when
 * dispatched. The caller disposes of t's pending call (t->effect_pending). */
void machine_cut(struct machine *m, struct thread *t);

/* Take the CPU from running thread t at once (it is in the middle of its
 * slice, not in its system call's effect): the work done so far is
 * deducted, the rest stays to do; t is ready again. */
void machine_preempt(struct machine *m, struct thread *t);

/* The thread with this id, or NULL. */
struct thread *machine_thread(struct machine *m, uint32_t tid);

/* The scheduler that runs t: its node's (net.h), m->sched on one machine. */
struct sched *machine_sched(struct machine *m, const struct thread *t);

/* The cost model p runs under: net_costs (net.h), with the one-node case
 * inline for the paths every message takes. */
const struct costs *net_costs(const struct machine *m, const struct proc *p);
static inline const struct costs *machine_costs_for(const struct machine *m, const struct proc *p)
{
	return m->net ? net_costs(m, p) : &m->cfg.costs;
}

/* The kinds of events the loop handles; net.c posts packets. */
enum { EV_SLICE, EV_TIMER, EV_START, EV_DELIVER, EV_CRASH, EV_NOTICE, EV_PACKET, EV_MIGRATE };

#endif
