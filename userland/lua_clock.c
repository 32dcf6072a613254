/*
 * lua_clock.c - the primitives of the clock.* client: the calling
 * process's clock (read, step, slew) and Cristian's arithmetic. The client
 * itself - probes sent with rpc.bind("time"), options, errors - is
 * clock.lua's, which gets these functions as the table its chunk is called
 * with (with the rpc table); they are not globals.
 *
 *   pid(fn)                 -> the calling process's pid (raises, naming fn,
 *                              outside a thread body)
 *   read([who])             -> this process's clock reading, ns; or, given a
 *                              process name, that process's (the observer's view)
 *   estimate(probes, min)   -> best, estimate, error, rtt, offset   (probes:
 *                              { { t0, T, t1 }, ... }) | nil, reason
 *   step(offset, error)     -> true | nil, reason
 *   slew(offset, error)     -> true | nil, reason
 *   duration(v)             -> ns | nil   (a user's duration, not raising)
 *   adjust(delta, round)    -> true | nil, reason: a Berkeley master's
 *                              adjustment, applied as a step, traced and noted
 *   round(n, polled, answered, used, back)   a clock_round trace record
 *   misuse(msg)             raise msg at the scenario's line
 *   MAX_PROBES              the most probes one sync makes (uk_limits.h)
 *
 * Reading and setting a clock cost no simulated time, as now() does not.
 */
#include <lauxlib.h>
#include <string.h>

#include "lua_sys.h"
#include "machine.h"
#include "proc.h"
#include "thread.h"
#include "trace.h"
#include "time/cristian.h"
#include "time/pclock.h"
#include "uk_limits.h"

static int k_misuse(lua_State *L)
{
	return lu_script_error(L, luaL_checkstring(L, 1));
}

/* The simulated thread calling, as lu_self finds it, but with the error
 * raised at the scenario's line and naming the API function fn. */
static struct thread *self_of(lua_State *L, const char *fn)
{
	struct thread *t = *(struct thread **)lua_getextraspace(L);

	if (!t) {
		int main = lu_top_level(L);
		lu_script_error(L, lua_pushfstring(L, main ? "%s() can only be called inside a thread "
							  "body, not at the top level of the scenario"
							: "%s() cannot be called inside a coroutine of "
							  "the scenario's own", fn));
	}
	if (!lua_isyieldable(L))
		lu_script_error(L, lua_pushfstring(L, "%s() cannot be called here: the thread cannot be "
						   "suspended inside a callback from C (such as a "
						   "table.sort comparator)", fn));
	return t;
}

static void push_ns(lua_State *L, uint64_t ns)
{
	lua_pushinteger(L, ns > (uint64_t)LUA_MAXINTEGER ? LUA_MAXINTEGER : (lua_Integer)ns);
}

static int k_pid(lua_State *L)
{
	struct thread *t = self_of(L, luaL_checkstring(L, 1));

	lua_pushinteger(L, t->p->pid);
	return 1;
}

/* The live process called name, else the last one so called; NULL if none. */
static const struct proc *find_proc(const struct machine *m, const char *name)
{
	const struct proc *found = NULL;

	for (uint32_t i = 0; i < m->nprocs; i++) {
		const struct proc *p = m->procs[i];
		if (strcmp(p->name, name) != 0)
			continue;
		if (p->state == P_LIVE)
			return p;
		found = p;
	}
	return found;
}

/* read([who]): who is a process name or the table process{} returned. */
static int k_read(lua_State *L)
{
	struct thread *t = self_of(L, "clock.now");
	const struct proc *p = t->p;

	if (lua_istable(L, 1))
		lua_getfield(L, 1, "name");
	else
		lua_pushvalue(L, 1);
	if (!lua_isnil(L, -1)) {
		const char *name;
		if (lua_type(L, -1) != LUA_TSTRING)
			return lu_script_error(L, "clock.now: expected a process's name or the table "
					       "process { } returned");
		name = lua_tostring(L, -1);
		p = find_proc(t->m, name);
		if (!p)
			return lu_script_error(L, lua_pushfstring(L, "clock.now: no process named '%s'",
							       name));
	}
	push_ns(L, pclock_read(p, t->m->now));
	return 1;
}

/* An integer >= 0 from the probe table on top, field i. */
static uint64_t probe_field(lua_State *L, lua_Integer i)
{
	lua_Integer v;
	int ok;

	lua_geti(L, -1, i);
	v = lua_tointegerx(L, -1, &ok);
	lua_pop(L, 1);
	return ok && v >= 0 ? (uint64_t)v : 0;
}

/* estimate(probes, min): Cristian's estimate from the probe with the
 * smallest round trip. */
static int k_estimate(lua_State *L)
{
	lua_Integer n, min = luaL_checkinteger(L, 2);
	struct cristian_probe *p;
	struct cristian_result res;
	size_t best;

	luaL_checktype(L, 1, LUA_TTABLE);
	n = luaL_len(L, 1);
	luaL_argcheck(L, n >= 1 && n <= UK_MAX_PROBES, 1, "too many probes");
	p = lua_newuserdatauv(L, (size_t)n * sizeof *p, 0);
	for (lua_Integer i = 1; i <= n; i++) {
		lua_geti(L, 1, i);
		luaL_checktype(L, -1, LUA_TTABLE);
		p[i - 1].t0 = probe_field(L, 1);
		p[i - 1].server = probe_field(L, 2);
		p[i - 1].t1 = probe_field(L, 3);
		lua_pop(L, 1);
	}
	best = cristian_best(p, (size_t)n);
	if (best == (size_t)n ||
	    cristian_estimate(&p[best], min < 0 ? 0 : (uint64_t)min, &res) != 0) {
		lua_pushnil(L);
		lua_pushliteral(L, "the clock was set back during every probe");
		return 2;
	}
	lua_pushinteger(L, (lua_Integer)best + 1);
	push_ns(L, res.estimate);
	push_ns(L, res.error);
	push_ns(L, res.rtt);
	lua_pushinteger(L, res.offset);
	return 5;
}

static int adjust(lua_State *L, int slew)
{
	struct thread *t = self_of(L, "clock.sync");
	lua_Integer offset = luaL_checkinteger(L, 1), error = luaL_checkinteger(L, 2);
	uint64_t err = error < 0 ? 0 : (uint64_t)error;

	if (!pclock_of(t->p)) {
		lua_pushnil(L);
		lua_pushliteral(L, "out of memory");
		return 2;
	}
	if ((slew ? pclock_slew : pclock_step)(t->p, t->m->now, offset, err) != 0) {
		lua_pushnil(L);
		lua_pushliteral(L, "the slew would not end before virtual time does");
		return 2;
	}
	lua_pushboolean(L, 1);
	return 1;
}

static int k_step(lua_State *L)
{
	return adjust(L, 0);
}

static int k_slew(lua_State *L)
{
	return adjust(L, 1);
}

static int k_adjust(lua_State *L)
{
	struct thread *t = self_of(L, "clock.join");
	lua_Integer delta = luaL_checkinteger(L, 1), round = luaL_checkinteger(L, 2);
	int64_t err;

	if (pclock_step(t->p, t->m->now, delta, 0) != 0) {
		lua_pushnil(L);
		lua_pushliteral(L, "out of memory");
		return 2;
	}
	pclock_note_round(t->p, t->m->now, (uint32_t)round);
	err = pclock_error(t->p, t->m->now);
	TRACE(t->m, TR_CLOCK_ADJUST, t->p->pid, (uint64_t)round,
	      delta < 0 ? (uint64_t)-(delta + 1) + 1 : (uint64_t)delta, (uint64_t)(delta < 0),
	      err < 0 ? (uint64_t)-(err + 1) + 1 : (uint64_t)err, (uint64_t)(err < 0));
	lua_pushboolean(L, 1);
	return 1;
}

static int k_round(lua_State *L)
{
	struct thread *t = self_of(L, "clock.berkeley");
	uint64_t a[5];

	for (int i = 0; i < 5; i++)
		a[i] = (uint64_t)luaL_checkinteger(L, i + 1);
	TRACE(t->m, TR_CLOCK_ROUND, t->p->pid, a[0], a[1], a[2], a[3], a[4]);
	return 0;
}

static int k_duration(lua_State *L)
{
	uint64_t ns;

	if (lu_toduration(L, 1, &ns) != 0)
		return 0;
	push_ns(L, ns);
	return 1;
}

void lu_open_clock(lua_State *L)
{
	static const luaL_Reg funcs[] = {
		{ "pid", k_pid },   { "read", k_read },         { "estimate", k_estimate },
		{ "step", k_step }, { "slew", k_slew },         { "duration", k_duration },
		{ "misuse", k_misuse }, { "adjust", k_adjust }, { "round", k_round },
		{ "has_process", lu_has_process }, { NULL, NULL },
	};
	static const char chunk[] = {
#include "clock_lua.h"
	};

	if (luaL_loadbufferx(L, chunk, sizeof chunk, "=clock.lua", "t") != LUA_OK)
		lua_error(L);
	luaL_newlib(L, funcs);
	lua_pushinteger(L, UK_MAX_PROBES);
	lua_setfield(L, -2, "MAX_PROBES");
	lua_getglobal(L, "rpc");
	lua_call(L, 2, 1);
	lua_setglobal(L, "clock");
}
