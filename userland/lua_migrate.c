/*
 * lua_migrate.c - migrate(process, node, { strategy, mobility, clock,
 * rounds, stop_pages }) for thread bodies (kernel/migrate.h), and what a
 * move does to a process's clock.
 *
 * Mistakes in the arguments (an unknown process or node, a node without a
 * link, an unknown strategy) raise a Lua error at the calling line; what
 * the kernel finds when the call is made (the process has ended, it is
 * moving already) comes back as nil, reason.
 *
 * At the top level, migrate { at = ..., process = ..., to = ..., options }
 * declares one instead, as fault { } does: its fields are checked at once,
 * the names once the whole script has run (lu_migrate_check), and the
 * machine gets it when it is built (lu_migrate_build).
 */
#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>

#include "loader_decl.h"
#include "loader_net.h"
#include "lua_sys.h"
#include "machine.h"
#include "migrate.h"
#include "net.h"
#include "proc.h"
#include "syscall.h"
#include "thread.h"
#include "time/pclock.h"
#include "uk_err.h"

/* Strong mobility moved p to node to: its clock (a resource bound by
 * type) is rebound to to's clock, or (MIG_CLOCK_COPY) goes along as it
 * reads. A process that never had a clock on a node without one keeps
 * reading true time. */
static void moved(struct proc *p, uint32_t to, int how)
{
	const struct node *nd = &p->m->net->nodes[to];

	if (how == MIG_CLOCK_COPY || (!nd->clock_given && !p->clock))
		return;
	if (pclock_attach(p, nd->clock_offset, nd->drift) != 0)
		p->m->oom = 1;
}

void lu_migrate_install(struct machine *m, int64_t offset, int64_t drift, int given)
{
	if (!m->net)
		return;
	migrate_set_hook(m, moved);
	/* Node A's clock is the machine's. */
	if (given && !m->net->nodes[0].clock_given) {
		m->net->nodes[0].clock_offset = offset;
		m->net->nodes[0].drift = drift;
		m->net->nodes[0].clock_given = given;
	}
}

static void setint(lua_State *L, const char *k, uint64_t v)
{
	lua_pushinteger(L, (lua_Integer)v);
	lua_setfield(L, -2, k);
}

static void setstr(lua_State *L, const char *k, const char *v)
{
	lua_pushstring(L, v);
	lua_setfield(L, -2, k);
}

static const char *why(int err)
{
	switch (err) {
	case UK_ENOENT:
		return "process has ended";
	case UK_ENOROUTE:
		return "no link to that node";
	case UK_EINVAL:
		return "already moving";
	case UK_ENOMEM:
		return "too few free frames on that node for its pages";
	default:
		return uk_strerror(err);
	}
}

static int k_migrate(lua_State *L, int status, lua_KContext ctx)
{
	struct thread *t = lu_self(L, "migrate");
	const struct migration *g = t->sc.err ? NULL : migrate_get(t->m, t->sc.val);
	const struct net *n = t->m->net;

	(void)status, (void)ctx;
	if (!g) {
		lua_pushnil(L);
		lua_pushstring(L, why(t->sc.err));
		return 2;
	}
	lua_createtable(L, 0, 25);
	setint(L, "id", g->id);
	setstr(L, "process", g->p->name);
	setint(L, "pid", g->pid);
	setint(L, "new_pid", g->new_pid ? g->new_pid : g->pid);
	setstr(L, "from", n->nodes[g->from].name);
	setstr(L, "to", n->nodes[g->to].name);
	setstr(L, "strategy", migrate_strategy_name(g->req.strategy));
	setstr(L, "mobility", migrate_mobility_name(g->req.mobility));
	setint(L, "downtime_ns", g->resume - g->stop);
	setint(L, "total_ns", g->resume - g->begin);
	setint(L, "pages", g->at_resume_pages);
	setint(L, "code_pages", g->code_pages);
	setint(L, "bytes", g->at_resume_bytes);
	setint(L, "packets", g->at_resume_packets);
	setint(L, "state_bytes", g->state_bytes);
	setint(L, "rounds", g->rounds);
	lua_createtable(L, (int)g->rounds, 0);
	for (uint32_t i = 0; i < g->rounds && i < MIG_ROUNDS_LIMIT; i++) {
		lua_pushinteger(L, (lua_Integer)g->round_pages[i]);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	lua_setfield(L, -2, "round_pages");
	setint(L, "pages_left", g->at_resume_left);
	setint(L, "messages_forwarded", g->msgs_forwarded);
	setint(L, "lrpc_global", g->lrpc_global);
	setint(L, "lrpc_rebound", g->lrpc_rebound);
	setint(L, "lrpc_wait_ns", g->lrpc_wait_ns);
	setint(L, "lrpc_clients_global", g->lrpc_clients_global);
	setint(L, "lrpc_clients_rebound", g->lrpc_clients_rebound);
	return 1;
}

/* The option field f of the table at t as one of names (by index from 1);
 * dflt when absent. */
static int opt_choice(lua_State *L, int t, const char *f, int (*parse)(const char *), int dflt,
		      const char *choices)
{
	int v = dflt;

	if (lua_getfield(L, t, f) != LUA_TNIL) {
		const char *s = lua_tostring(L, -1);
		if (lua_type(L, -1) != LUA_TSTRING || !(v = parse(s)))
			luaL_error(L, "migrate: option '%s' must be %s, not %s", f, choices,
				   lu_shown(L, -1));
	}
	lua_pop(L, 1);
	return v;
}

static int clock_parse(const char *s)
{
	return strcmp(s, "rebind") == 0 ? MIG_CLOCK_REBIND : strcmp(s, "copy") == 0 ? MIG_CLOCK_COPY : 0;
}

static uint32_t opt_count(lua_State *L, int t, const char *f, uint32_t dflt, uint32_t lo,
			  uint32_t hi)
{
	lua_Integer v = dflt;

	if (lua_getfield(L, t, f) != LUA_TNIL) {
		if (!lua_isinteger(L, -1) || (v = lua_tointeger(L, -1)) < lo || v > hi)
			luaL_error(L, "migrate: option '%s' must be an integer from %d to %d, not '%s'", f,
				   (int)lo, (int)hi, lu_shown(L, -1));
	}
	lua_pop(L, 1);
	return (uint32_t)v;
}

/* strategy, mobility, clock, rounds and stop_pages of the table at t. */
static void options(lua_State *L, int t, struct migrate_req *r)
{
	r->strategy = opt_choice(L, t, "strategy", migrate_strategy_parse, MIG_STOP_AND_COPY,
				 "\"stop-and-copy\", \"pre-copy\" or \"on-demand\"");
	r->mobility = opt_choice(L, t, "mobility", migrate_mobility_parse, MIG_STRONG,
				 "\"strong\" or \"weak\"");
	r->clock = opt_choice(L, t, "clock", clock_parse, MIG_CLOCK_REBIND, "\"rebind\" or \"copy\"");
	r->max_rounds = opt_count(L, t, "rounds", MIG_MAX_ROUNDS, 1, MIG_ROUNDS_LIMIT);
	r->stop_pages = opt_count(L, t, "stop_pages", MIG_STOP_PAGES, 0, 1u << 30);
}

/* The process argument: a pid, or the name of a process (the live one of
 * that name, else the last declared). */
static struct proc *check_proc(lua_State *L, struct machine *m)
{
	struct proc *found = NULL;

	if (lua_isinteger(L, 1)) {
		lua_Integer pid = lua_tointeger(L, 1);
		if (pid < 1 || pid > m->nprocs)
			luaL_error(L, "migrate: no process of pid %d", (int)pid);
		return m->procs[pid - 1];
	}
	if (lua_type(L, 1) != LUA_TSTRING)
		luaL_error(L, "migrate: the process must be a name or a pid, not a %s",
			   luaL_typename(L, 1));
	for (uint32_t i = 0; i < m->nprocs; i++)
		if (strcmp(m->procs[i]->name, lua_tostring(L, 1)) == 0 &&
		    (!found || m->procs[i]->state == P_LIVE))
			found = m->procs[i];
	if (!found)
		luaL_error(L, "migrate: no process named '%s'", lua_tostring(L, 1));
	return found;
}

/* The registry's list of declared migrations. */
#define DECLS "ukern.migrate"

/* migrate { at, process, to, ... } at the top level. */
static int declare(lua_State *L)
{
	static const char *const known[] = { "at", "process", "to", "strategy", "mobility", "clock",
					     "rounds", "stop_pages", NULL };
	struct migrate_req r = { 0 };
	uint64_t at;

	luaL_checktype(L, 1, LUA_TTABLE);
	lua_pushnil(L);
	while (lua_next(L, 1)) {
		int ok = 0;
		lua_pop(L, 1);
		for (int i = 0; known[i] && lua_type(L, -1) == LUA_TSTRING; i++)
			ok |= strcmp(lua_tostring(L, -1), known[i]) == 0;
		if (!ok)
			return luaL_error(L, "migrate: unknown field '%s' (known fields: at, process, "
					     "to, strategy, mobility, clock, rounds, stop_pages)",
					  lu_shown(L, -1));
	}
	lua_settop(L, 1);
	if (lua_getfield(L, 1, "at") == LUA_TNIL)
		return luaL_error(L, "migrate: 'at' is required: when it moves (such as \"20ms\")");
	if (lu_toduration(L, 2, &at) != 0)
		return luaL_error(L, "migrate: 'at' must be a duration (a number of ms, or \"250ns\", "
				     "\"5us\", \"10ms\", \"2s\"), not '%s'", lu_shown(L, 2));
	if (lua_getfield(L, 1, "process") != LUA_TSTRING)
		return luaL_error(L, "migrate: 'process' must be the name of a process, not '%s'",
				  lu_shown(L, 3));
	if (lua_getfield(L, 1, "to") != LUA_TSTRING)
		return luaL_error(L, "migrate: 'to' must be the name of a node, not '%s'",
				  lu_shown(L, 4));
	options(L, 1, &r);
	if (r.mobility == MIG_WEAK && r.strategy == MIG_ON_DEMAND)
		return luaL_error(L, "migrate: weak mobility moves no address space to pull pages "
				     "of: on-demand needs mobility = \"strong\"");
	/* { at, process, to, strategy, mobility, clock, rounds, stop_pages, where } */
	if (lua_getfield(L, LUA_REGISTRYINDEX, DECLS) == LUA_TNIL) {
		lua_pop(L, 1);
		lua_newtable(L);
		lua_pushvalue(L, -1);
		lua_setfield(L, LUA_REGISTRYINDEX, DECLS);
	}
	lua_createtable(L, 9, 0);
	lua_pushinteger(L, (lua_Integer)at);
	lua_rawseti(L, -2, 1);
	lua_pushvalue(L, 3);       /* process */
	lua_rawseti(L, -2, 2);
	lua_pushvalue(L, 4);       /* to */
	lua_rawseti(L, -2, 3);
	lua_pushinteger(L, r.strategy);
	lua_rawseti(L, -2, 4);
	lua_pushinteger(L, r.mobility);
	lua_rawseti(L, -2, 5);
	lua_pushinteger(L, r.clock);
	lua_rawseti(L, -2, 6);
	lua_pushinteger(L, r.max_rounds);
	lua_rawseti(L, -2, 7);
	lua_pushinteger(L, r.stop_pages);
	lua_rawseti(L, -2, 8);
	luaL_where(L, 1);
	lua_rawseti(L, -2, 9);
	lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
	return 0;
}

/* Declaration i (from 1) of the list on top of L: its fields. */
struct mdecl {
	uint64_t at;
	const char *process, *to, *where;
	struct migrate_req r;
};

static void get_decl(lua_State *L, lua_Integer i, struct mdecl *d)
{
	lua_rawgeti(L, -1, i);
	lua_rawgeti(L, -1, 1);
	d->at = (uint64_t)lua_tointeger(L, -1);
	lua_rawgeti(L, -2, 2);
	d->process = lua_tostring(L, -1);
	lua_rawgeti(L, -3, 3);
	d->to = lua_tostring(L, -1);
	for (int k = 4; k <= 8; k++) {
		lua_rawgeti(L, -4 - (k - 4), k);
	}
	d->r.strategy = (enum mig_strategy)lua_tointeger(L, -5);
	d->r.mobility = (enum mig_mobility)lua_tointeger(L, -4);
	d->r.clock = (enum mig_clock)lua_tointeger(L, -3);
	d->r.max_rounds = (uint32_t)lua_tointeger(L, -2);
	d->r.stop_pages = (uint32_t)lua_tointeger(L, -1);
	lua_rawgeti(L, -9, 9);
	d->where = lua_tostring(L, -1);
	lua_pop(L, 10);            /* the strings stay alive in the declaration's table */
}

int lu_migrate_check(struct scenario *s, char *err, size_t errlen)
{
	lua_State *L = s->L;
	int bad = 0;

	if (lua_getfield(L, LUA_REGISTRYINDEX, DECLS) == LUA_TNIL) {
		lua_pop(L, 1);
		return 0;
	}
	for (lua_Integer i = 1; i <= (lua_Integer)lua_rawlen(L, -1) && !bad; i++) {
		struct mdecl d;
		const struct pdecl *pd = NULL;
		int to;

		get_decl(L, i, &d);
		for (size_t k = 0; k < s->nprocs && !pd; k++)
			if (strcmp(s->procs[k].name, d.process) == 0)
				pd = &s->procs[k];
		to = loader_node_ix(s, d.to);
		bad = 1;
		if (!pd)
			snprintf(err, errlen, "%smigrate: process = '%s', but no process of that name "
					      "is declared", d.where, d.process);
		else if (to < 0)
			snprintf(err, errlen, "%smigrate: unknown node '%s' (declare it with node "
					      "{ \"%s\" })", d.where, d.to, d.to);
		else if (pd->is_job || pd->is_time)
			snprintf(err, errlen, "%smigrate: '%s' is a built-in program; the scenario's "
					      "own processes move", d.where, d.process);
		else if ((int)pd->node_ix == to)
			snprintf(err, errlen, "%smigrate: '%s' is on node '%s' already", d.where,
				 d.process, d.to);
		else if (!loader_linked(s, pd->node_ix, (uint32_t)to))
			snprintf(err, errlen, "%smigrate: no link joins node '%s' to '%s', where "
					      "'%s' runs", d.where, d.to,
				 pd->node[0] ? pd->node : "A", d.process);
		else
			bad = 0;
	}
	lua_pop(L, 1);
	return bad ? -1 : 0;
}

int lu_migrate_build(struct scenario *s, struct machine *m)
{
	lua_State *L = s->L;
	int rc = 0;

	if (lua_getfield(L, LUA_REGISTRYINDEX, DECLS) == LUA_TNIL) {
		lua_pop(L, 1);
		return 0;
	}
	for (lua_Integer i = 1; i <= (lua_Integer)lua_rawlen(L, -1) && !rc; i++) {
		struct mdecl d;
		get_decl(L, i, &d);
		d.r.pid = 0;
		for (uint32_t k = 0; k < m->nprocs && !d.r.pid; k++)
			if (strcmp(m->procs[k]->name, d.process) == 0)
				d.r.pid = m->procs[k]->pid;
		for (uint32_t k = 0; k < m->net->nnodes; k++)
			if (strcmp(m->net->nodes[k].name, d.to) == 0)
				d.r.node = k;
		rc = d.r.pid ? migrate_at(m, &d.r, d.at, d.where) : -1;
	}
	lua_pop(L, 1);
	return rc;
}

/* migrate(process, node [, options]) in a body. */
static int call(lua_State *L, struct thread *t)
{
	struct machine *m = t->m;
	struct migrate_req q = { 0 }, *r;
	struct proc *p;
	const char *node = luaL_checkstring(L, 2);
	int ix = -1;

	if (!m->net)
		return luaL_error(L, "migrate: the scenario declares no node (node { name = ... })");
	p = check_proc(L, m);
	for (uint32_t i = 0; i < m->net->nnodes; i++)
		if (strcmp(m->net->nodes[i].name, node) == 0)
			ix = (int)i;
	if (ix < 0)
		return luaL_error(L, "migrate: no node named '%s'", node);
	if (!lua_isnoneornil(L, 3)) {
		luaL_checktype(L, 3, LUA_TTABLE);
		lua_pushnil(L);
		while (lua_next(L, 3)) {
			static const char *const known[] = { "strategy", "mobility", "clock", "rounds",
							     "stop_pages", NULL };
			int ok = 0;
			lua_pop(L, 1);
			for (int i = 0; known[i] && lua_type(L, -1) == LUA_TSTRING; i++)
				ok |= strcmp(lua_tostring(L, -1), known[i]) == 0;
			if (!ok)
				return luaL_error(L, "migrate: unknown option '%s' (strategy, mobility, "
						     "clock, rounds, stop_pages)", lu_shown(L, -1));
		}
	} else {
		lua_settop(L, 2);
		lua_newtable(L);
	}
	r = &q;
	r->pid = p->pid;
	r->node = (uint32_t)ix;
	options(L, 3, r);
	/* Mistakes of the scenario's, found before the kernel sees the call. */
	{
		const char *bad = NULL;
		int builtin = 0;
		for (const struct thread *u = p->threads; u; u = u->pnext)
			builtin |= strcmp(u->body->kind, "c") == 0;
		if (builtin)
			bad = "a built-in server stays on its node (the scenario's own processes "
			      "move)";
		else if (p == t->p)
			bad = "a process cannot migrate itself (call it from another process)";
		else if (p->node == (uint32_t)ix)
			bad = "the process is on that node already";
		else if (!net_link(m, p->node, (uint32_t)ix))
			bad = "no link joins the two nodes";
		else if (r->mobility == MIG_WEAK && r->strategy == MIG_ON_DEMAND)
			bad = "weak mobility moves no address space to pull pages of: on-demand needs "
			      "mobility = \"strong\"";
		else if (r->mobility == MIG_WEAK && !p->respawn)
			bad = "weak mobility restarts the program, and this process cannot be "
			      "restarted (a built-in server)";
		if (bad)
			return luaL_error(L, "migrate '%s' to '%s': %s", p->name, node, bad);
	}
	if (!(r = malloc(sizeof *r)))
		return luaL_error(L, "out of memory");
	*r = q;
	t->sc.ptr = r;
	t->sc.op = SYS_MIGRATE;
	return lua_yieldk(L, 0, 0, k_migrate);
}

static int l_migrate(lua_State *L)
{
	if (!*(struct thread **)lua_getextraspace(L) && lua_type(L, 1) == LUA_TTABLE &&
	    lu_top_level(L))
		return declare(L);     /* at the top level of the scenario */
	return call(L, lu_self(L, "migrate"));
}

void lu_open_migrate(lua_State *L)
{
	lua_register(L, "migrate", l_migrate);
}
