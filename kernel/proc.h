/*
 * proc.h - simulated processes: a name, threads, and a table of port rights.
 *
 * The right table is the capability list: a process can use a port only
 * through a name in its own table, put there by the kernel (creating the
 * port, receiving a right in a message, or the well-known name-server right
 * every process gets at creation).
 */
#ifndef UKERN_PROC_H
#define UKERN_PROC_H

#include <stdint.h>

#include "port.h"
#include "uk_limits.h"

struct dn_request;
struct as;
struct machine;
struct pclock;
struct port;
struct thread;

enum pstate { P_NEW, P_LIVE, P_EXITED };

enum pmodel { MODEL_ONE_TO_ONE, MODEL_MANY_TO_ONE, MODEL_MANY_TO_MANY };

/* The user-level runtime of a many-to-* process, as the kernel sees it: the
 * kernel tells it when one of its LWPs changes state (the source of
 * scheduler-activation upcalls and of the time its user threads lose). */
struct runtime_ops {
	void (*lwp_state)(struct thread *lwp, int old_state);
};

enum right_kind {
	RIGHT_RECV = 1,       /* the one receive right of a port */
	RIGHT_SEND = 2,       /* a send right (any number of holders) */
	RIGHT_SONCE = 4,      /* a send-once right: one reply */
	RIGHT_MAP = 8,        /* a right to map a shared segment (mem.map); travels as a send
			       * right does, sends nothing */
};

struct right {
	struct port *pt;      /* NULL: free slot */
	uint8_t kinds;        /* enum right_kind bits */
	uint32_t next_free;   /* free-list link when pt == NULL */
	uint64_t flow;        /* RIGHT_SONCE: the call this right answers */
};

/* The name of the name server's port in every process. */
#define UK_NAME_NAMESERVER 1

struct proc {
	/* identity: fixed at creation */
	uint32_t pid;                 /* from 1, in creation order */
	char name[UK_NAME_MAX];
	int daemon;                   /* serves forever; does not keep the run alive */
	struct machine *m;

	/* what starts when: set by the loader before the run */
	uint64_t start_ns;
	const struct body_ops *main_body;
	void *main_data;
	int32_t priority;
	enum pmodel model;            /* how its user threads map onto kernel threads */
	uint32_t nlwp;                /* many-to-*: LWPs (or processors, with activations) */
	int activations;              /* many-to-many with scheduler activations */
	uint64_t uquantum_ns;         /* user-level rr quantum; 0: fifo at user level */
	uint64_t job_ns;              /* a job's declared CPU need (sjf, stcf); 0: unknown */
	uint32_t tickets;             /* lottery and stride: its share; 0 is taken as 100 */
	int32_t nice;                 /* cfs: -20 (most CPU) .. 19 (least) */
	uint64_t affinity;            /* CPUs its threads may run on (bit i: CPU i); 0: any */
	int big_endian;               /* its own byte order is big-endian (RPC conversions) */
	uint64_t rpc_next_id;         /* the last RPC request id it issued */
	void *udata;                  /* the program's own data, freed with the process */
	void (*udata_free)(void *udata);
	/* How a new incarnation of this program is made after a crash (fault
	 * { crash = ..., restart_after = ... }): a fresh process running the
	 * same program from its start, declared (proc_new) but not started;
	 * the caller names it and starts it. State meant to survive a crash
	 * (a file system's contents: "the disk") is the program's to share
	 * between incarnations; what lives in a process (open-file tables,
	 * thread stacks) is lost. NULL: the process cannot be restarted.
	 * Returns NULL when memory runs out. The hook gives the new process
	 * the old one's attributes (daemon, priority, thread model ...) and
	 * its own respawn and respawn_arg, so that it can be restarted in its
	 * turn; the caller (kernel/crash.c, for the reincarnation server) sets
	 * origin, incarnation and the name "<name>#<n>", and starts it at once
	 * (proc_start; its start event, posted for the current time whatever
	 * start_ns the hook gave, then finds it started). */
	struct proc *(*respawn)(struct proc *old);
	void *respawn_arg;            /* what respawn needs; the program's, not freed with p */
	uint32_t incarnation;         /* 1 for the first; each restart adds 1 */
	/* Its local clock, a drifting clock that its syncs correct
	 * (servers/time/pclock.h): a plain allocation the kernel only frees
	 * with the process. NULL: a perfect clock, reading true time. The
	 * clock belongs to the process's node, not to the program: a respawn
	 * hands a copy of it to the new incarnation. */
	struct pclock *clock;
	struct proc *origin;          /* the first incarnation of its program (p itself for it) */
	uint32_t node;                /* the node it runs on (net.h); 0: "A", the machine */

	/* state: kernel loop only */
	enum pstate state;
	int exit_code;
	int faulted;                  /* ended by a script error */
	int crashed;                  /* ended by an injected crash (fault { crash = ... }) */
	uint32_t nthreads;            /* user-visible threads created so far */
	uint32_t nlwps_made;          /* LWPs created so far */
	uint32_t live;                /* user-visible threads not exited */
	const struct runtime_ops *rt_ops;   /* many-to-*: set by the runtime */
	void *rt;                     /* the runtime's own state */
	struct thread *main_thread;
	struct thread *threads;       /* every thread of p, newest first (pnext) */

	/* deadlock detection (deadlock.c): kernel loop only */
	uint32_t dl_act;              /* threads that may act by themselves (dl_class 1) */
	uint32_t dl_good;             /* threads blocked for good (dl_class 2) */
	struct proc *dl_cprev, *dl_cnext;  /* on m->dl_cands: dl_act 0, dl_good > 0 */
	uint8_t dl_cand;              /* on that list */
	uint8_t dl_acts;              /* the last check found it may act through another */
	struct dn_request *exit_watch; /* ports to tell when p ends (proc_watch_exit) */

	/* rights: kernel loop only; names index rights[] from 1 */
	struct right *rights;
	uint32_t nrights_cap;
	uint32_t free_name;           /* head of the free list, 0 if none */

	/* memory and fork (vmsys.c): kernel loop only */
	struct as *as;                /* its address space, made at its first use; NULL: none yet */
	uint32_t parent;              /* pid of the process that forked it, 0 if none */
	uint32_t nforks;              /* children forked so far (their names: <name>.fork<k>) */
	uint32_t waiter;              /* tid of the thread of its parent waiting for it, 0 if none */
	uint8_t waited;               /* its parent has called wait() on it */

	/* migration (migrate.c): kernel loop only */
	uint8_t mig_stopped;          /* stopped while it moves: its threads run on no CPU */
};

/* Declare a process that starts at start_ns with the given main body.
 * Returns NULL when memory runs out. */
struct proc *proc_new(struct machine *m, const char *name, uint64_t start_ns,
		      const struct body_ops *body, void *data);

/* Start p now: give it the name-server right and its main thread. Returns
 * 0 or -1. A process already started is left alone (0). */
int proc_start(struct proc *p);

/* End p with code: every thread ends, every right is released (its ports die). */
void proc_exit(struct proc *p, int code, int faulted);

/* End live p as if it failed (an injected crash): every thread ends with
 * reason crash, every right is released, its exit code is -1. */
void proc_crash(struct proc *p);
/* When p ends, the kernel sends port to an exit notice naming p's pid; a
 * second identical request is ignored. 0, or -1 without memory. */
int proc_watch_exit(struct proc *p, struct port *to);

/* Free p's memory at the end of a run. */
void proc_free(struct proc *p);

/* Insert a right to pt; send and receive rights to one port share a name,
 * each send-once right gets its own. Returns the name, or 0 when memory runs out. */
int32_t proc_add_right(struct proc *p, struct port *pt, uint8_t kind, uint64_t flow);

/* proc_add_right for a port just made, to which p holds no right yet: the
 * same name, without looking through p's rights for one to merge with. */
int32_t proc_add_new_port(struct proc *p, struct port *pt, uint8_t kind);

/* Grow p's table, whose free list is empty: the new slots become its free
 * names, the lowest first. Returns 0, or -1 when memory runs out (p unchanged). */
int proc_grow_rights(struct proc *p);

/* Remove name from p's table (the slot is reused). */
void proc_drop_name(struct proc *p, int32_t name);

/*
 * The rights a call and its reply touch. Every C round trip looks up three
 * names, makes one send-once right and drops it: inline, they cost a few
 * loads and stores instead of five calls into this module.
 */

/* The entry for name, or NULL if the name is not a right of p. */
static inline struct right *proc_right(struct proc *p, int32_t name)
{
	if (name <= 0 || (uint32_t)name >= p->nrights_cap || !p->rights[name].pt)
		return NULL;
	return &p->rights[name];
}

/* proc_add_right(p, pt, RIGHT_SONCE, flow): a send-once right to pt answering
 * the call flow, under the free name released last (the name any other new
 * right would get). Returns the name, or 0 when memory runs out. */
static inline int32_t proc_add_sonce(struct proc *p, struct port *pt, uint64_t flow)
{
	struct right *r;
	int32_t n;

	if (!p->free_name && proc_grow_rights(p) != 0)
		return 0;
	n = (int32_t)p->free_name;
	r = &p->rights[n];
	p->free_name = r->next_free;
	r->pt = pt;
	r->kinds = RIGHT_SONCE;
	r->flow = flow;
	pt->sonce_held++;
	pt->sonce_holder = p;
	pt->sonce_flow = flow;
	return n;
}

/* proc_drop_name for the entry r of p that proc_right gave. */
static inline void proc_drop_right(struct proc *p, struct right *r)
{
	if (r->kinds & RIGHT_SONCE) {
		r->pt->sonce_held--;
		r->pt->sonce_holder = NULL;
	}
	r->pt = NULL;
	r->kinds = 0;
	r->next_free = p->free_name;
	p->free_name = (uint32_t)(r - p->rights);
}

#endif
