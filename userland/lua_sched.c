/*
 * lua_sched.c - the scenario's own scheduling policy (see lua_sched.h).
 *
 * The ready queue is the plain FIFO one; pick hands its contents to the Lua
 * function as tables with what a policy may look at:
 *   name, process, tid, pid, priority, tickets, arrival, ready_since
 *   (ns), cpu_ns (CPU used so far), remaining (a job's CPU still needed, or
 *   nil), job (its declared length, or nil)
 * A mistake inside pick (a Lua error, or a return value that is not one of
 * the ready threads) is reported once with the script's file and line, and
 * the run goes on under fifo so that it can finish and write its outputs
 * (exit status 4).
 */
#include "lua_sched.h"

#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lua_memcap.h"
#include "lua_sys.h"
#include "machine.h"
#include "net.h"
#include "proc.h"
#include "sched.h"
#include "thread.h"
#include "units.h"

#define PICK_KEY "ukern.sched.pick"

struct lsched {
	lua_State *L;     /* the scenario's main state */
	int broken;       /* pick failed once: fifo from then on */
	char key[32];     /* its pick in the registry: PICK_KEY, or a node's own */
};

/* The registry key of node's own pick (node { sched = { pick = f } }). */
static void node_key(char *buf, size_t len, uint32_t node)
{
	snprintf(buf, len, PICK_KEY ".%u", node);
}

static void field_u64(lua_State *L, const char *k, uint64_t v)
{
	lua_pushinteger(L, (lua_Integer)v);
	lua_setfield(L, -2, k);
}

/* Push the description of ready thread t. */
static void push_thread(lua_State *L, const struct thread *t)
{
	uint64_t rem = sched_remaining(t);

	lua_createtable(L, 0, 12);
	lua_pushstring(L, t->name);
	lua_setfield(L, -2, "name");
	lua_pushstring(L, t->p->name);
	lua_setfield(L, -2, "process");
	field_u64(L, "tid", t->tid);
	field_u64(L, "pid", t->p->pid);
	lua_pushinteger(L, t->priority);
	lua_setfield(L, -2, "priority");
	field_u64(L, "tickets", sched_tickets(t));
	field_u64(L, "arrival", t->arrival);
	field_u64(L, "ready_since", t->ready_since);
	field_u64(L, "cpu_ns", t->cpu_ns);
	if (rem != UINT64_MAX) {
		field_u64(L, "remaining", rem);
		field_u64(L, "job", t->p->job_ns);
	}
}

/* Report a broken pick once; the machine goes on in first-come order
 * (with the policy's quantum, if it has one). */
static void broken(struct sched *s, const char *what)
{
	struct machine *m = s->m;
	char when[32];

	units_format_ns(m->now, when, sizeof when);
	if (m->net)
		fprintf(stderr, "%s (in the scenario's scheduler, picking for node '%s', at %s; the "
				"run goes on in first-come order)\n", what,
			m->net->nodes[s->node].name, when);
	else
		fprintf(stderr, "%s (in the scenario's scheduler, at %s; the run goes on in "
				"first-come order)\n", what, when);
	m->script_errors++;
	((struct lsched *)s->data)->broken = 1;
	/* The same pick is broken on every node that runs it. */
	for (uint32_t i = 0; m->net && i < m->net->nnodes; i++) {
		struct sched *o = i ? net_sched(m, i) : &m->sched;
		if (o->ops == s->ops && o->data &&
		    strcmp(((struct lsched *)o->data)->key, ((struct lsched *)s->data)->key) == 0)
			((struct lsched *)o->data)->broken = 1;
	}
}

/* pick's message handler: the error at the line of the scenario's code it
 * reached (an error raised by a C function, as coroutine.yield's, has none). */
static int pick_msgh(lua_State *L)
{
	lu_error_message(L, 1);
	return 1;
}

/* Call pick; returns the chosen thread, or NULL after reporting why. */
static struct thread *call_pick(struct sched *s, struct cpu *c)
{
	const struct lsched *ls = s->data;
	lua_State *L = ls->L;
	int n = 0, top = lua_gettop(L), st;
	struct thread *chosen = NULL, *other = NULL;
	const char *node = s->m->net ? s->m->net->nodes[c->node].name : "A";

	lua_pushcfunction(L, pick_msgh);
	lua_getfield(L, LUA_REGISTRYINDEX, ls->key);
	lua_createtable(L, (int)s->nready, 0);
	for (struct thread *t = s->rq.head; t; t = t->qnext) {
		if (!sched_allowed(t, c))
			continue;
		push_thread(L, t);
		if (s->m->net) {     /* the thread's own node: a check on the list */
			lua_pushstring(L, s->m->net->nodes[t->p->node].name);
			lua_setfield(L, -2, "node");
		}
		lua_rawseti(L, -2, ++n);
	}
	lua_pushinteger(L, c->id);
	lua_pushstring(L, node);
	lu_watch(L);
	lua_pushboolean(L, 1);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &lu_pick_marker);
	lu_memcap_arm(lu_memcap_of(L), 1);
	st = lua_pcall(L, 3, 1, top + 1);
	lu_memcap_arm(lu_memcap_of(L), 0);
	lua_pushnil(L);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &lu_pick_marker);
	if (st != LUA_OK) {
		broken(s, lu_memcap_explain(L, st, lua_tostring(L, -1)));
		lua_settop(L, top);
		return NULL;
	}
	if (lua_type(L, -1) == LUA_TTABLE) {
		lua_getfield(L, -1, "tid");
		lua_Integer tid = lua_tointeger(L, -1);
		for (struct thread *t = s->rq.head; t && !chosen; t = t->qnext)
			if ((lua_Integer)t->tid == tid && sched_allowed(t, c))
				chosen = t;
		/* A thread of another node (a table kept from another call)? */
		if (!chosen && s->m->net && tid >= 1 && (uint64_t)tid <= s->m->nthreads &&
		    s->m->threads[tid - 1] && s->m->threads[tid - 1]->p->node != c->node)
			other = s->m->threads[tid - 1];
	} else if (lua_isinteger(L, -1)) {
		lua_Integer i = lua_tointeger(L, -1);
		lua_Integer k = 0;
		for (struct thread *t = s->rq.head; t && !chosen; t = t->qnext)
			if (sched_allowed(t, c) && ++k == i)
				chosen = t;
	}
	lua_settop(L, top);
	if (!chosen) {
		/* Name the place where pick is defined: the mistake is in it. */
		lua_Debug ar;
		char msg[512];
		lua_getfield(L, LUA_REGISTRYINDEX, ls->key);
		lua_getinfo(L, ">S", &ar);
		if (other)
			snprintf(msg, sizeof msg, "%s:%d: scheduler: pick returned thread %u ('%s' of "
						  "process '%s'), which is on node '%s', to CPU %u of node "
						  "'%s': a node's pick chooses among its own ready threads",
				 ar.short_src, ar.linedefined, other->tid, other->name, other->p->name,
				 s->m->net->nodes[other->p->node].name, c->id, node);
		else
			snprintf(msg, sizeof msg, "%s:%d: scheduler: pick(ready, cpu) must return one of "
						  "the ready threads or its index", ar.short_src,
				 ar.linedefined);
		broken(s, msg);
	}
	return chosen;
}

static struct thread *lua_pick(struct sched *s, struct cpu *c)
{
	struct thread *t = NULL;

	for (t = s->rq.head; t && !sched_allowed(t, c); t = t->qnext)
		;
	if (!t)
		return NULL;   /* nothing this CPU may run */
	t = NULL;
	if (!((struct lsched *)s->data)->broken)
		t = call_pick(s, c);
	if (!t)
		for (t = s->rq.head; !sched_allowed(t, c); t = t->qnext)
			;
	tq_remove(t);
	s->nready--;
	return t;
}

static uint64_t lua_slice(struct sched *s, struct thread *t)
{
	(void)t;
	return s->quantum ? s->quantum : UINT64_MAX;
}

static int lua_init(struct sched *s)
{
	struct lsched *ls = calloc(1, sizeof *ls);

	if (!ls || !s->m->cfg.sched_arg) {
		free(ls);
		return -1;
	}
	ls->L = s->m->cfg.sched_arg;
	/* A node with a pick of its own (node { sched = { pick = f } }) runs
	 * it; the others run machine { }'s. */
	node_key(ls->key, sizeof ls->key, s->node);
	if (lua_getfield(ls->L, LUA_REGISTRYINDEX, ls->key) != LUA_TFUNCTION)
		snprintf(ls->key, sizeof ls->key, "%s", PICK_KEY);
	lua_pop(ls->L, 1);
	s->data = ls;
	return 0;
}

static void lua_fini(struct sched *s)
{
	free(s->data);
	s->data = NULL;
}

static const struct sched_ops lua_ops = {
	.name = "lua",
	.enqueue = sched_rq_enqueue,
	.pick = lua_pick,
	.slice = lua_slice,
	.init = lua_init,
	.fini = lua_fini,
};

/* The policy of the table at idx for fn ("machine", "node 'B'"), its pick
 * kept in the registry under key. */
static const struct sched_ops *sched_new(lua_State *L, int idx, const char *fn, const char *key,
					 uint64_t *quantum_ns)
{
	static const char *const known[] = { "pick", "quantum", NULL };

	idx = lua_absindex(L, idx);
	lua_pushnil(L);
	while (lua_next(L, idx)) {
		const char *const *k = known;
		lua_pop(L, 1);
		if (lua_type(L, -1) == LUA_TSTRING)
			for (; *k && strcmp(*k, lua_tostring(L, -1)) != 0; k++)
				;
		if (lua_type(L, -1) != LUA_TSTRING || !*k)
			luaL_error(L, "%s: sched = { ... }: unknown field '%s' (known fields: pick, "
				      "quantum)", fn, luaL_tolstring(L, -1, NULL));
	}
	if (lua_getfield(L, idx, "pick") != LUA_TFUNCTION)
		luaL_error(L, "%s: sched = { pick = function(ready, cpu) ... end }: 'pick' must be "
			      "a function", fn);
	/* A pick written at the script's line numbers reports errors with them. */
	lua_setfield(L, LUA_REGISTRYINDEX, key);
	if (lua_getfield(L, idx, "quantum") != LUA_TNIL && lu_toduration(L, -1, quantum_ns) != 0)
		luaL_error(L, "%s: sched = { quantum = ... } must be a duration", fn);
	lua_pop(L, 1);
	return &lua_ops;
}

const struct sched_ops *lua_sched_new(lua_State *L, int idx, uint64_t *quantum_ns)
{
	return sched_new(L, idx, "machine", PICK_KEY, quantum_ns);
}

const struct sched_ops *lua_sched_node(lua_State *L, int idx, const char *fn, uint32_t node,
				       uint64_t *quantum_ns)
{
	char key[32];

	node_key(key, sizeof key, node);
	return sched_new(L, idx, fn, key, quantum_ns);
}

int lua_sched_is(const struct sched_ops *ops)
{
	return ops == &lua_ops;
}
