/*
 * loader_build.c - building the machine from a loaded scenario
 * (scenario_build, API: loader.h): the run's description, the built-in
 * servers and network servers, every declared process with its clock, its
 * thread model and what restarts it after a crash, jobs, faults and
 * migrations. The declarations themselves are recorded by loader.c and
 * its siblings; nothing here reads the script again except to take the
 * bodies' functions from the registry.
 */
#include "loader.h"
#include "loader_decl.h"

#include <lauxlib.h>
#include <stdio.h>
#include <string.h>

#include "uk_limits.h"
#include "job.h"
#include "lua_body.h"
#include "lua_sys.h"
#include "machine.h"
#include "name/name.h"
#include "proc.h"
#include "procrun.h"
#include "loader_net.h"
#include "net.h"
#include "net/netsrv.h"
#include "time/pclock.h"
#include "time/timesrv.h"
#include "thread.h"
#include "uthread.h"

static int record_info(struct scenario *s, struct machine *m)
{
	char seed[32];

	snprintf(seed, sizeof seed, "%llu", (unsigned long long)s->cfg.seed);
	char costs[UK_NAME_MAX];

	snprintf(costs, sizeof costs, "%s%s", s->cfg.costs.profile,
		 s->cost_overrides ? " (with overrides)" : "");
	if (machine_info(m, "scenario", s->path) || machine_info(m, "seed", seed) ||
	    machine_info(m, "costs", costs))
		return -1;
	for (size_t i = 0; i < s->nparams; i++) {
		char type = s->params[i].type == LUA_TNUMBER    ? 'n'
			    : s->params[i].type == LUA_TBOOLEAN ? 'b'
								: 's';
		if (machine_param(m, s->params[i].name, s->params[i].value, type))
			return -1;
	}
	return 0;
}

/* Give p the clock its declaration d (NULL: none) and the machine ask
 * for, field by field; none when neither declares one. 0 or -1. */
static int attach_clock(const struct scenario *s, struct proc *p, const struct pdecl *d)
{
	const struct clockdecl *own = d ? &d->clock : NULL;
	struct clockdecl node = s->clock;
	int64_t drift, offset;

	/* Its own fields, else its node's clock, else the machine's. */
	if (loader_node_clock(s, p->m, p->node, &node) == 0)
		node = s->clock;
	drift = own && (own->given & CLOCK_DRIFT) ? own->drift : node.drift;
	offset = own && (own->given & CLOCK_OFFSET) ? own->offset : node.offset;
	if (!node.given && !(own && own->given))
		return 0;
	return pclock_attach(p, offset, drift);
}

static struct proc *lua_respawn(struct proc *old);

/* A process running the main function of declaration d from start_ns,
 * with the declared attributes and thread model, restartable after a
 * crash. Returns NULL when memory runs out. */
static struct proc *lua_process(struct scenario *s, struct machine *m, const struct pdecl *d,
				uint64_t start_ns)
{
	struct proc *p;
	void *body;

	lua_rawgeti(s->L, LUA_REGISTRYINDEX, d->fnref);
	body = lua_body_new(s->L, 0);
	if (!body)
		return NULL;
	p = proc_new(m, d->name, start_ns, &lua_body_ops, body);
	if (!p) {
		lua_body_ops.destroy(&(struct thread){ .body_data = body, .m = m });
		return NULL;
	}
	p->daemon = d->daemon;
	p->priority = d->priority;
	p->tickets = d->tickets;
	p->nice = d->nice;
	p->affinity = d->affinity;
	p->big_endian = d->big_endian;
	p->model = (enum pmodel)d->tm.model;
	p->nlwp = (uint32_t)d->tm.nlwp;
	p->activations = d->tm.activations;
	p->uquantum_ns = d->tm.uquantum_ns;
	p->respawn = lua_respawn;
	p->respawn_arg = s;
	loader_place(s, m, p, d->node_ix, d->order_given);
	if (p->model != MODEL_ONE_TO_ONE) {
		/* The first LWP runs the runtime, which starts the Lua main. */
		void *rt = uthread_runtime_new(p, p->main_body, p->main_data);
		p->main_body = &uthread_lwp_ops;
		p->main_data = rt;
		if (!rt)
			return NULL;
	}
	return p;
}

/* The respawn hook of Lua processes (proc.h): a new process running the
 * same main function from its start, with the same attributes. What the
 * program keeps outside its main function (globals, upvalues: the one Lua
 * state all processes share) is not the process's memory and survives. */
static struct proc *lua_respawn(struct proc *old)
{
	struct scenario *s = old->respawn_arg;

	for (size_t i = 0; i < s->nprocs; i++) {
		struct proc *p;
		if (strcmp(s->procs[i].name, old->origin->name) != 0)
			continue;
		/* The clock belongs to the node, not to the program: it goes on. */
		p = lua_process(s, old->m, &s->procs[i], old->m->now);
		return p && pclock_copy(p, old) == 0 ? p : NULL;
	}
	return NULL;
}

/* A forked child of a many-to-* process gets the runtime its parent has. */
static int fork_runtime(struct proc *child)
{
	void *rt = uthread_runtime_new(child, child->main_body, child->main_data);

	child->main_body = rt ? &uthread_lwp_ops : NULL;
	child->main_data = rt;
	return rt ? 0 : -1;
}

int scenario_build(struct scenario *s, struct machine *m, char *err, size_t errlen)
{
	struct proc *ns;

	m->results = &s->results;
	if (s->procrun) {
		/* The chapter 4 machine: the jobs' programs and nothing else. */
		if (record_info(s, m) != 0 || procrun_init(m, &s->prcfg) != 0)
			goto oom;
		for (size_t i = 0; i < s->nprocs; i++)
			if (procrun_add(m, s->procs[i].name, s->procs[i].program) != 0)
				goto oom;
		return 0;
	}
	if (record_info(s, m) != 0 || loader_build_net(s, m) != 0 || !(ns = ns_install(m)))
		goto oom;
	loader_place(s, m, ns, 0, 0);
	if (attach_clock(s, ns, NULL) != 0 || loader_build_fsrvs(s, m) != 0)
		goto oom;
	if (m->net) {
		/* a network server on every node, after the name server */
		for (uint32_t i = 0; i < m->net->nnodes; i++) {
			struct proc *p = netsrv_install(m, i);
			if (!p)
				goto oom;
			loader_place(s, m, p, i, 0);
		}
	}
	if (s->time_server)
		pclock_watch(m);
	lu_migrate_install(m, s->clock.offset, s->clock.drift, s->clock.given);
	m->runtime_hook = fork_runtime;
	for (size_t i = 0; i < s->nprocs; i++) {
		struct pdecl *d = &s->procs[i];
		struct proc *p;

		if (d->is_job) {
			if (!(p = job_new(m, d->name, d->start_ns, &d->job)))
				goto oom;
			p->priority = d->priority;
			p->tickets = d->tickets;
			p->nice = d->nice;
			p->affinity = d->affinity;
			loader_place(s, m, p, d->node_ix, 0);
			if (attach_clock(s, p, d) != 0)
				goto oom;
			continue;
		}
		if (d->is_time) {
			if (!(p = ts_install(m, d->start_ns)))
				goto oom;
			loader_place(s, m, p, d->node_ix, 0);
			if (attach_clock(s, p, d) != 0)
				goto oom;
			continue;
		}
		if (!(p = lua_process(s, m, d, d->start_ns)) || attach_clock(s, p, d) != 0)
			goto oom;
	}
	if (faults_build(s, m) != 0 || lu_migrate_build(s, m) != 0)
		goto oom;
	return 0;
oom:
	snprintf(err, errlen, "%s: out of memory building the machine", s->path);
	return -1;
}
