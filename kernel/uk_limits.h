/*
 * uk_limits.h - every fixed limit of the simulator in one place.
 *
 * The values are part of the documented behaviour (doc/scenario-api.md,
 * "Limits"): a scenario that goes past one gets a clear error, never a crash.
 */
#ifndef UKERN_UK_LIMITS_H
#define UKERN_UK_LIMITS_H

#define UK_MAX_CPUS          256          /* machine { cpus = N } */
#define UK_NAME_MAX          64           /* bytes in a process, thread or service name */
#define UK_MSG_MAX_BYTES     (1u << 20)   /* marshalled size of one message */
#define UK_MSG_MAX_RIGHTS    16           /* port rights carried by one message */
#define UK_MARSHAL_DEPTH     32           /* nesting of tables inside one message */
#define UK_DEFAULT_QLIMIT    16           /* messages queued on a port (0 = rendezvous) */
#define UK_MAX_QLIMIT        1000000
#define UK_DEFAULT_QUANTUM   10000000ull  /* ns: rr quantum, 10 ms */
#define UK_STACK_BYTES       (64u * 1024) /* usable stack of a C-bodied thread */
#define UK_GUARD_LIMIT       4096         /* C stacks with a guard page; plain memory after that */
#define UK_MAX_PARAMS        128          /* param() declarations in one scenario */
#define UK_MAX_RESULTS       1000         /* distinct names result() records in one run */
#define UK_RESULT_NAME_MAX   64           /* bytes in a result's name, with its NUL */
#define UK_LUA_STEPS         100000000    /* Lua VM instructions between two system calls */
#define UK_MAX_PROBES        1000         /* clock.sync { probes = N } */
#define UK_MAX_CRASHES       1000000      /* fault { every = ..., count = N } */
#define UK_RS_CHECK_NS       5000000ull   /* ns: the reincarnation server's default period, 5 ms */
#define UK_BACKOFF_FACTOR    32           /* default backoff_max: this many restart_after */
#define UK_MAX_THREADS       250000       /* threads made in one run (exited ones count) */
#define UK_MAX_THREADS_CEIL  4000000      /* machine { max_threads } at most */
#define UK_MAX_PORTS         1000000      /* ports made in one run (dead ones count) */
#define UK_MAX_PROCS         50000        /* processes made in one run, for fork() */
#define UK_LUA_MEMORY        (1ull << 30) /* bytes of the scenario's Lua state (--lua-memory) */

/* Virtual memory (kernel/vm.h, machine { frames, page_size }, mem.*) */
#define UK_DEFAULT_FRAMES    4096         /* frames of physical memory */
#define UK_MAX_FRAMES        (1u << 24)
#define UK_DEFAULT_PAGE_SIZE 4096         /* bytes */
#define UK_MIN_PAGE_SIZE     64           /* a power of two from this ... */
#define UK_MAX_PAGE_SIZE     (1u << 20)   /* ... to this */
#define UK_AS_MAX_PAGES      (1u << 20)   /* pages mapped in one address space */
#define UK_MEM_MAX_IO        (16u << 20)  /* bytes of one mem.read or mem.write */
#define UK_FRAME_MEMORY      (1ull << 30) /* host bytes the frames' pages may hold (--frame-memory) */

/* Lightweight RPC (kernel/lrpc.h, lrpc.export, lrpc.bind) */
#define UK_LRPC_MAX_PROCS    256          /* procedures of one interface */
#define UK_LRPC_MAX_ASTACKS  64           /* A-stacks of one procedure in one binding */
#define UK_LRPC_DEF_ASTACKS  5            /* ... when the export does not say */
#define UK_LRPC_MAX_BYTES    65536        /* arguments, or results, of one procedure */
#define UK_LRPC_DEF_BYTES    64           /* ... when the export gives only a function */

#endif
