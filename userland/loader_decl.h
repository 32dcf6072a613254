/*
 * loader_decl.h - what the loader's files share: the scenario being
 * declared, and the helpers that read a declaration table (the table at
 * stack index 1) field by field. Each helper raises a Lua error naming the
 * declaration and the field when the value is wrong.
 */
#ifndef UKERN_LOADER_DECL_H
#define UKERN_LOADER_DECL_H

#include <lua.h>
#include <stdint.h>

#include "uk_limits.h"
#include "crash.h"
#include "fault.h"
#include "job.h"
#include "lua_memcap.h"
#include "lua_pool.h"
#include "machine.h"
#include "procrun.h"
#include "results.h"
#include "sched_mlfq.h"

/* How a process's threads map onto kernel threads; -1/UINT64_MAX: not
 * given, the machine's default applies. */
struct tmodel {
	int model;          /* enum pmodel */
	int64_t nlwp;
	int activations;
	uint64_t uquantum_ns;
};

/* A clock's declared fields (drift, offset); what is not given comes from
 * the machine's, and a clock nobody declares is perfect. */
struct clockdecl {
	int given;          /* CLOCK_DRIFT | CLOCK_OFFSET: the fields given */
	int64_t drift;      /* ppb (ns gained per true s) */
	int64_t offset;     /* ns, its reading at true time 0 */
};

enum { CLOCK_DRIFT = 1, CLOCK_OFFSET = 2 };

struct pdecl {
	char name[UK_NAME_MAX];
	uint64_t start_ns;
	int daemon;
	int32_t priority;
	uint32_t tickets;
	int32_t nice;
	int big_endian;             /* byte_order = "big" */
	uint64_t affinity;  /* bit i: may run on CPU i; 0: any */
	struct tmodel tm;
	int is_job;         /* a job { }: a C body computing job.run_ns */
	struct job_spec job;
	char *program;      /* process-run: the job's program ("c3,i,c1") */
	char where[256];    /* "FILE:LINE: " of the declaration */
	int fnref;          /* the main function, in the registry */
	int is_time;        /* server { "time" }: the time server, a C program */
	struct clockdecl clock;   /* its own drift and offset, field by field */
	char node[UK_NAME_MAX];   /* node = : the node it runs on; "" the machine's, "A" */
	uint32_t node_ix;         /* its index, once checked (loader_net.c) */
	int order_given;          /* byte_order was declared (else: its node's) */
};

struct param {
	char *name, *value;
	int type;           /* LUA_TNUMBER, LUA_TSTRING or LUA_TBOOLEAN */
};

struct override {
	const char *text;   /* "NAME=VALUE" */
	size_t namelen;
	int used;
};

/* A fault { } declaration: a message fault (rule) or a crash (cr). A
 * process it names is resolved once the whole script has run (faults_check)
 * and when the machine is built (faults_build). */
struct fdecl {
	int crash;                  /* a crash fault, else a message fault */
	char proc[UK_NAME_MAX + 1]; /* process = / crash = a declared process: its name; "" */
	int by_handle;              /* crash = a process handle (not a name) */
	struct fault_rule rule;
	struct fault_crash cr;
	uint64_t check_ns;          /* check = : the supervisor's period; 0: not given */
	char where[256];            /* "FILE:LINE: " of the declaration */
};
struct fsdecl;
struct netdecl;

struct scenario {
	lua_State *L;
	char *path;
	struct machine_config cfg;
	struct tmodel tm;   /* the machine-wide default thread model */
	struct mlfq_config mlfq;
	int procrun;        /* sched = "process-run" */
	struct procrun_config prcfg;
	int machine_declared;
	int built;          /* the top level has run: no more declarations */
	int cost_overrides; /* machine { costs = { ... } } changed a constant */
	struct pdecl *procs;
	size_t nprocs, procs_cap;
	struct param params[UK_MAX_PARAMS];
	size_t nparams;
	struct override *sets;
	size_t nsets;
	struct fdecl *faults;        /* fault { } declarations */
	size_t nfaults;
	struct clockdecl clock;      /* machine { drift, offset }: every process's default */
	int time_server;             /* server { "time" } is declared */
	struct fsdecl *fsrvs;         /* server { "file" } declarations (loader_fsrv.c) */
	size_t nfsrvs;
	struct lu_memcap mem;        /* L's memory, when loader_opts.lua_mem_max caps it */
	struct lu_pool pool;         /* L's allocator's free lists (lua_pool.h) */
	struct netdecl *net;         /* node { } and link { } (loader_net.c); NULL: none */
	size_t lua_memory;           /* machine { lua_memory }, bytes; 0: not declared */
	int lua_memory_given;        /* loader_opts.have_lua_memory: the command line's wins */
	struct results results;      /* result(name, value), top level and bodies (results.h);
				      * the machine built from s points at it */
};

struct scenario *scenario_of(lua_State *L, const char *fn);

uint64_t field_duration(lua_State *L, const char *fn, const char *key, uint64_t dflt);
lua_Integer field_int(lua_State *L, const char *fn, const char *key, lua_Integer dflt,
		      lua_Integer lo, lua_Integer hi);
const char *field_string(lua_State *L, const char *fn, const char *key, const char *dflt);
int field_bool(lua_State *L, const char *fn, const char *key, int dflt);
void check_keys(lua_State *L, const char *fn, const char *const *known, int positional);
void push_name(lua_State *L, const char *fn, const char *what, int pos, int by_key);
void thread_model(lua_State *L, const char *fn, struct tmodel *tm);

/* The clock fields (drift, offset) of the declaration table at 1 into *c. */
void clock_fields(lua_State *L, const char *fn, struct clockdecl *c);

/* machine { ... } (loader_machine.c) */
int l_machine(lua_State *L);

/* process { }, job { }, server { } (loader_proc.c) */
int l_process(lua_State *L);
int l_job(lua_State *L);
int l_server(lua_State *L);

/* costs = "profile" | { profile = ..., trap = ..., ... } of the declaration
 * table at 1 into *c (loader_machine.c); fn names it in errors; *overrides
 * is set when a constant is changed. Absent: *c untouched. */
void decl_costs(lua_State *L, const char *fn, struct costs *c, int *overrides);

/* fault { ... } (loader_fault.c); faults_check once the script has run
 * (0, or -1 with "FILE:LINE: message" in err); faults_build once the
 * declared processes exist (0, or -1 when memory runs out). */
int l_fault(lua_State *L);
int faults_check(struct scenario *s, char *err, size_t errlen);
int faults_build(struct scenario *s, struct machine *m);
/* server { "file", ... } (loader_fsrv.c): record the declaration whose
 * table (or the string "file") is at 1. Raises the scenario's errors. */
int loader_file_server(lua_State *L, struct scenario *s);

/* After the top level: no process shares a file server's name, and no
 * file server on a process-run machine. 0, or -1 with "FILE:LINE: ..." in
 * err. */
int loader_check_fsrvs(struct scenario *s, char *err, size_t errlen);

/* Install the declared file servers on m (in declaration order). 0, or -1
 * when memory runs out. */
int loader_build_fsrvs(struct scenario *s, struct machine *m);

/* Free what the declarations hold. */
void loader_free_fsrvs(struct scenario *s);

#endif
