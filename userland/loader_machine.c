/*
 * loader_machine.c - machine { }: CPUs, the scheduling policy and its
 * parameters, the queue layout, the cost model, the machine-wide thread
 * model and the clock every process starts with. A parameter that belongs to another policy than the one chosen is
 * refused rather than ignored.
 */
#include "loader_decl.h"

#include <lauxlib.h>
#include <lualib.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "lua_memcap.h"
#include "lua_sched.h"
#include "lua_sys.h"
#include "units.h"

/* costs = "profile" | { profile = "...", trap = d, ... } of the declaration
 * at 1 into *c (fn names the declaration in errors); *overrides is set
 * when a constant is changed. Absent: *c untouched. */
void decl_costs(lua_State *L, const char *fn, struct costs *c, int *overrides)
{
	int t = lua_getfield(L, 1, "costs");

	if (t == LUA_TSTRING) {
		if (cost_profile(lua_tostring(L, -1), c) != 0)
			luaL_error(L, "%s: unknown cost profile '%s' (profiles: zero, modern, "
				      "firefly-1990)", fn, lua_tostring(L, -1));
	} else if (t == LUA_TTABLE) {
		const char *prof = "modern";
		if (lua_getfield(L, -1, "profile") == LUA_TSTRING)
			prof = lua_tostring(L, -1);
		lua_pop(L, 1);
		if (cost_profile(prof, c) != 0)
			luaL_error(L, "%s: unknown cost profile '%s'", fn, prof);
		lua_pushnil(L);
		while (lua_next(L, -2)) {
			const char *unit;
			uint64_t v;
			const char *key = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : "?";
			if (strcmp(key, "profile") == 0) {
				lua_pop(L, 1);
				continue;
			}
			size_t i;
			for (i = 0; cost_field_name(i, &unit) && strcmp(cost_field_name(i, NULL), key); i++)
				;
			if (!cost_field_name(i, &unit))
				luaL_error(L, "%s: costs: unknown cost '%s' (see doc/cost-model.md)", fn, key);
			if (strcmp(unit, "ns") == 0 ? lu_toduration(L, -1, &v) != 0
						    : !lua_isinteger(L, -1) || lua_tointeger(L, -1) < 0)
				luaL_error(L, "%s: costs: '%s' must be %s", fn, key,
					   strcmp(unit, "ns") == 0 ? "a duration" : "an integer of ps per byte");
			if (strcmp(unit, "ns") != 0)
				v = (uint64_t)lua_tointeger(L, -1);
			cost_set(c, key, v);
			*overrides = 1;
			lua_pop(L, 1);
		}
	} else if (t != LUA_TNIL) {
		luaL_error(L, "%s: 'costs' must be a profile name or a table", fn);
	}
	lua_pop(L, 1);
}

static void machine_costs(lua_State *L, struct scenario *s)
{
	decl_costs(L, "machine", &s->cfg.costs, &s->cost_overrides);
}

/* Field key of the machine table, a size of at least 1 MiB (and at most
 * max): "256MiB" or a whole number of bytes. 0 when it is not given. */
static uint64_t machine_size(lua_State *L, const char *key, uint64_t max)
{
	int t = lua_getfield(L, 1, key);
	uint64_t v = 0;

	if (t == LUA_TNIL) {
		lua_pop(L, 1);
		return 0;
	}
	if (t == LUA_TSTRING) {
		int r = units_parse_bytes(lua_tostring(L, -1), &v);

		if (r == -2)
			luaL_error(L, "machine: '%s' = \"%s\" is too large for a number of bytes", key,
				   lua_tostring(L, -1));
		if (r != 0)
			luaL_error(L, "machine: '%s' = \"%s\": expected a size (bytes, or with "
				      "KiB, MiB, GiB or TiB: \"256MiB\")", key, lua_tostring(L, -1));
	} else if (t == LUA_TNUMBER) {
		/* 2^30 is a float with a whole value: as good as 1073741824 */
		int isint;
		lua_Integer i = lua_tointegerx(L, -1, &isint);
		lua_Number n = lua_tonumber(L, -1);

		if (!isint && isfinite(n) && floor(n) >= n)
			luaL_error(L, "machine: '%s' = %s is too large for a number of bytes", key,
				   lua_tostring(L, -1));
		if (!isint)
			luaL_error(L, "machine: '%s' must be a whole number of bytes or a size "
				      "such as \"256MiB\", not %s", key, lua_tostring(L, -1));
		if (i < 0)
			luaL_error(L, "machine: '%s' must be at least 1MiB, not %I bytes", key, i);
		v = (uint64_t)i;
	} else {
		luaL_error(L, "machine: '%s' must be a size such as \"256MiB\", not a %s", key,
			   lua_typename(L, t));
	}
	lua_pop(L, 1);
	if (v < (1u << 20) || v > max)
		luaL_error(L, "machine: '%s' must be at least 1MiB, not %I bytes", key,
			   (lua_Integer)(v > LUA_MAXINTEGER ? LUA_MAXINTEGER : v));
	return v;
}

/* frames and page_size: the machine's physical memory (kernel/vm.h). */
/* lua_memory = "256MiB" (or a number of bytes): the scenario's Lua memory,
 * unless ukern run --lua-memory says otherwise. It caps the rest of the top
 * level at once, when the top level is capped. */
static void machine_lua_memory(lua_State *L, struct scenario *s)
{
	uint64_t v = machine_size(L, "lua_memory", SIZE_MAX);
	struct lu_memcap *cap;

	if (!v)
		return;
	s->lua_memory = (size_t)v;
	if (!s->lua_memory_given && (cap = lu_memcap_of(L)) != NULL && cap == &s->mem)
		cap->max = s->lua_memory;
}

static void machine_memory(lua_State *L, struct scenario *s)
{
	lua_Integer ps;

	s->cfg.frames = (uint32_t)field_int(L, "machine", "frames", UK_DEFAULT_FRAMES, 1,
					    UK_MAX_FRAMES);
	ps = field_int(L, "machine", "page_size", UK_DEFAULT_PAGE_SIZE, UK_MIN_PAGE_SIZE,
		       UK_MAX_PAGE_SIZE);
	if (ps & (ps - 1))
		luaL_error(L, "machine: 'page_size' must be a power of two from %d to %d, not %d",
			   UK_MIN_PAGE_SIZE, UK_MAX_PAGE_SIZE, (int)ps);
	s->cfg.page_size = (uint32_t)ps;
	machine_lua_memory(L, s);
	/* frame_memory: the host memory the frames may hold (ukern run
	 * --frame-memory overrides it); 0 leaves the kernel's default. */
	s->cfg.frame_memory = machine_size(L, "frame_memory", UINT64_MAX);
	s->cfg.max_threads = (uint32_t)field_int(L, "machine", "max_threads", UK_MAX_THREADS, 1,
						 UK_MAX_THREADS_CEIL);
}

/* Parameters that belong to one policy (or layout) are refused elsewhere. */
static void only_for(lua_State *L, const char *sched)
{
	static const struct { const char *field, *owner; } own[] = {
		{ "allotment", "mlfq" },     { "boost", "mlfq" },         { "io_stay", "mlfq" },
		{ "io_front", "mlfq" },      { "switch", "process-run" }, { "io_done", "process-run" },
		{ "io_length", "process-run" }, { "aging", "priority" },  { "latency", "cfs" },
		{ "min_granularity", "cfs" },
	};

	for (size_t i = 0; i < sizeof own / sizeof own[0]; i++) {
		if (strcmp(sched, own[i].owner) == 0)
			continue;
		if (lua_getfield(L, 1, own[i].field) != LUA_TNIL)
			luaL_error(L, "machine: '%s' is a parameter of sched = \"%s\"", own[i].field,
				   own[i].owner);
		lua_pop(L, 1);
	}
	if (strcmp(sched, "process-run") == 0 || strcmp(sched, "mlfq") == 0) {
		if (lua_getfield(L, 1, "balance") != LUA_TNIL ||
		    (lua_pop(L, 1), lua_getfield(L, 1, "balance_every") != LUA_TNIL))
			luaL_error(L, "machine: balancing applies to per-cpu queues, not to sched = \"%s\"",
				   sched);
		lua_pop(L, 1);
	}
}

/* A number of whole ticks (1 ms) at the top of the stack, for mlfq. */
static uint64_t mlfq_ticks(lua_State *L, const char *key)
{
	uint64_t ns;

	if (lu_toduration(L, -1, &ns) != 0 && lua_type(L, -1) == LUA_TNUMBER &&
	    lua_tonumber(L, -1) * 1e6 >= 0x1p64)
		luaL_error(L, "machine: '%s' = %s ms is too large (a duration is under 2^64 ns, "
			      "about 584 years)", key, lu_shown(L, -1));
	if (lu_toduration(L, -1, &ns) != 0 || ns == 0 || ns % MLFQ_TICK_NS)
		luaL_error(L, "machine: '%s' of mlfq must be a whole number of ticks (1 ms) above 0, "
			      "not '%s'", key, lu_shown(L, -1));
	return ns / MLFQ_TICK_NS;
}

/* A count of quanta (allotment) at the top of the stack. */
static uint64_t mlfq_count(lua_State *L, const char *key)
{
	int ok;
	lua_Integer v = lua_tointegerx(L, -1, &ok);

	if (!ok || lua_type(L, -1) != LUA_TNUMBER || v < 1 || v > 1000000)
		luaL_error(L, "machine: '%s' of mlfq counts quanta: an integer of at least 1", key);
	return (uint64_t)v;
}

/* quantum (ticks) or allotment (quanta): one value for every level, or a
 * list, highest level first. */
static void mlfq_levels(lua_State *L, const char *key, uint64_t *out, uint32_t n, uint64_t dflt)
{
	uint64_t (*value)(lua_State *, const char *) = strcmp(key, "allotment") ? mlfq_ticks
										 : mlfq_count;
	int t = lua_getfield(L, 1, key);

	if (t == LUA_TTABLE) {
		if (lua_rawlen(L, -1) != n)
			luaL_error(L, "machine: '%s' lists %d values for %d queues", key,
				   (int)lua_rawlen(L, -1), (int)n);
		for (uint32_t i = 0; i < n; i++) {
			lua_rawgeti(L, -1, (lua_Integer)i + 1);
			out[i] = value(L, key);
			lua_pop(L, 1);
		}
	} else {
		uint64_t v = t == LUA_TNIL ? dflt : value(L, key);
		for (uint32_t i = 0; i < n; i++)
			out[i] = v;
	}
	lua_pop(L, 1);
}

/* mlfq's parameters: queues, quantum, allotment, boost, io_stay, io_front. */
static void mlfq_params(lua_State *L, struct scenario *s)
{
	struct mlfq_config *c = &s->mlfq;

	c->queues = (uint32_t)field_int(L, "machine", "queues", 3, 1, MLFQ_MAX_QUEUES);
	mlfq_levels(L, "quantum", c->quantum, c->queues, 10);
	mlfq_levels(L, "allotment", c->allotment, c->queues, 1);
	c->boost_ns = field_duration(L, "machine", "boost", 0);
	if (c->boost_ns % MLFQ_TICK_NS)
		luaL_error(L, "machine: 'boost' must be a whole number of ticks (1 ms)");
	c->io_stay = field_bool(L, "machine", "io_stay", 0);
	c->io_front = field_bool(L, "machine", "io_front", 0);
	s->cfg.mlfq = c;
	s->cfg.quantum_ns = MLFQ_TICK_NS;
}

/* queues = "global" | "per-cpu", balance, balance_every (not for mlfq,
 * whose 'queues' is its number of levels). */
static void queue_layout(lua_State *L, struct scenario *s)
{
	static const char *const modes[] = { "none", "stealing", "periodic", NULL };
	const char *q, *b;
	int i;

	if (lua_getfield(L, 1, "queues") == LUA_TNUMBER)
		luaL_error(L, "machine: queues = %d: a number of queues is a parameter of sched = "
			      "\"mlfq\"; here it is \"global\" or \"per-cpu\"", (int)lua_tointeger(L, -1));
	lua_pop(L, 1);
	q = field_string(L, "machine", "queues", "global");
	if (strcmp(q, "global") && strcmp(q, "per-cpu"))
		luaL_error(L, "machine: queues = \"%s\": expected \"global\" or \"per-cpu\"", q);
	s->cfg.percpu = strcmp(q, "per-cpu") == 0;
	if (!s->cfg.percpu) {
		if (lua_getfield(L, 1, "balance") != LUA_TNIL ||
		    (lua_pop(L, 1), lua_getfield(L, 1, "balance_every") != LUA_TNIL))
			luaL_error(L, "machine: balancing applies to queues = \"per-cpu\"");
		lua_pop(L, 1);
	}
	b = field_string(L, "machine", "balance", "stealing");
	for (i = 0; modes[i] && strcmp(modes[i], b); i++)
		;
	if (!modes[i])
		luaL_error(L, "machine: balance = \"%s\": expected \"stealing\", \"periodic\" or "
			      "\"none\"", b);
	s->cfg.balance = i;
	s->cfg.balance_ns = field_duration(L, "machine", "balance_every", 4000000);
	if (s->cfg.balance_ns == 0)
		luaL_error(L, "machine: 'balance_every' must be above 0");
}

/* process-run's parameters: switch, io_done, io_length. */
static void procrun_params(lua_State *L, struct scenario *s)
{
	const char *sw = field_string(L, "machine", "switch", "on-io");
	const char *done = field_string(L, "machine", "io_done", "later");
	uint64_t len = field_duration(L, "machine", "io_length", 5000000);

	if (strcmp(sw, "on-io") && strcmp(sw, "on-end"))
		luaL_error(L, "machine: switch = \"%s\": expected \"on-io\" or \"on-end\"", sw);
	if (strcmp(done, "later") && strcmp(done, "immediate"))
		luaL_error(L, "machine: io_done = \"%s\": expected \"later\" or \"immediate\"", done);
	if (len % 1000000)
		luaL_error(L, "machine: 'io_length' must be a whole number of ticks (1 ms)");
	s->procrun = 1;
	s->prcfg.switch_on_end = strcmp(sw, "on-end") == 0;
	s->prcfg.io_immediate = strcmp(done, "immediate") == 0;
	s->prcfg.io_length = len / 1000000;
	s->cfg.quantum_ns = UK_DEFAULT_QUANTUM;
}

/* machine { cpus, sched, quantum, costs, qlimit, seed, threads, drift, offset, frames,
 * page_size, lua_memory, max_threads, frame_memory ... } */
int l_machine(lua_State *L)
{
	static const char *const known[] = { "cpus", "sched", "quantum", "costs", "qlimit",
					     "seed", "threads", "lwps", "activations",
					     "user_quantum", "aging", "queues", "allotment", "boost",
					     "io_stay", "io_front", "latency", "min_granularity",
					     "switch", "io_done", "io_length", "balance",
					     "balance_every", "drift", "offset", "frames", "page_size",
					     "lua_memory", "max_threads", "frame_memory", NULL };
	struct scenario *s = scenario_of(L, "machine");
	const char *sched;

	luaL_checktype(L, 1, LUA_TTABLE);
	if (s->machine_declared)
		return luaL_error(L, "machine: declared twice");
	s->machine_declared = 1;
	check_keys(L, "machine", known, 0);
	clock_fields(L, "machine", &s->clock);
	s->cfg.cpus = (uint32_t)field_int(L, "machine", "cpus", 1, 1, UK_MAX_CPUS);
	if (lua_getfield(L, 1, "sched") == LUA_TTABLE) {
		/* A policy written in the scenario. */
		static const char *const none[] = { "queues", "balance", "balance_every", NULL };
		for (const char *const *k = none; *k; k++) {
			if (lua_getfield(L, 1, *k) != LUA_TNIL)
				return luaL_error(L, "machine: a scheduler written in the scenario has "
						     "one global queue ('%s' does not apply)", *k);
			lua_pop(L, 1);
		}
		only_for(L, "lua");
		/* machine { quantum } applies unless sched = { quantum } says otherwise. */
		s->cfg.quantum_ns = field_duration(L, "machine", "quantum", 0);
		s->cfg.sched = lua_sched_new(L, -1, &s->cfg.quantum_ns);
		lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_MAINTHREAD);
		s->cfg.sched_arg = lua_tothread(L, -1);
		lua_pop(L, 2);
		s->cfg.qlimit = (uint32_t)field_int(L, "machine", "qlimit", UK_DEFAULT_QLIMIT, 0,
						    UK_MAX_QLIMIT);
		s->cfg.seed = (uint64_t)field_int(L, "machine", "seed", 1, 0, LUA_MAXINTEGER);
		machine_costs(L, s);
		machine_memory(L, s);
		thread_model(L, "machine", &s->tm);
		return 0;
	}
	lua_pop(L, 1);
	sched = field_string(L, "machine", "sched", "rr");
	s->cfg.sched = strcmp(sched, "process-run") == 0 ? &sched_procrun_ops : sched_find(sched);
	if (!s->cfg.sched)
		return luaL_error(L, "machine: unknown scheduler '%s' (available: fifo, rr, sjf, stcf, "
				     "priority, mlfq, lottery, stride, cfs, process-run)", sched);
	only_for(L, sched);
	if (strcmp(sched, "process-run") == 0) {
		if (s->clock.given)
			return luaL_error(L, "machine: drift and offset do not apply to sched = "
					     "\"process-run\" (its jobs read no clocks)");
		procrun_params(L, s);
	} else if (s->cfg.sched == &sched_mlfq_ops) {
		mlfq_params(L, s);
	} else {
		s->cfg.quantum_ns = field_duration(L, "machine", "quantum", UK_DEFAULT_QUANTUM);
		queue_layout(L, s);
	}
	if (s->cfg.quantum_ns == 0)
		return luaL_error(L, "machine: 'quantum' must be greater than 0");
	s->cfg.qlimit = (uint32_t)field_int(L, "machine", "qlimit", UK_DEFAULT_QLIMIT, 0,
					    UK_MAX_QLIMIT);
	s->cfg.aging_ns = field_duration(L, "machine", "aging", 0);
	s->cfg.latency_ns = field_duration(L, "machine", "latency", 48000000);
	s->cfg.min_granularity_ns = field_duration(L, "machine", "min_granularity", 6000000);
	if (s->cfg.latency_ns == 0 || s->cfg.min_granularity_ns == 0)
		return luaL_error(L, "machine: 'latency' and 'min_granularity' must be above 0");
	s->cfg.seed = (uint64_t)field_int(L, "machine", "seed", 1, 0, LUA_MAXINTEGER);
	machine_costs(L, s);
	machine_memory(L, s);
	thread_model(L, "machine", &s->tm);
	return 0;
}
