/*
 * lua_sys.c - the thread-body functions of the scenario API that are not
 * about messages: compute, sleep, yield, now, log, exit, thread, join.
 *
 * Each binding checks its arguments (luaL_check*: a mistake is a Lua error
 * with the script's file and line), fills the thread's system call and
 * yields to the kernel; a continuation turns the answer into results.
 */
#include "lua_sys.h"

#include <lauxlib.h>
#include <limits.h>
#include <stdlib.h>
#include <ctype.h>
#include <string.h>

#include "lua_body.h"
#include "machine.h"
#include "proc.h"
#include "syscall.h"
#include "thread.h"
#include "uk_err.h"
#include "uk_limits.h"
#include "units.h"

#define THREAD_META "ukern.thread"

/* May binding fn be used inside an LRPC procedure? */
static int in_procedure(const char *fn)
{
	static const char *const ok[] = { "compute", "sleep", "yield", "log", "lrpc" };

	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
		if (strcmp(fn, ok[i]) == 0)
			return 1;
	return strncmp(fn, "mem.", 4) == 0;
}

const char lu_pick_marker;
const char lu_top_marker;

int lu_top_level(lua_State *L)
{
	int top;

	if (lua_pushthread(L)) {
		lua_pop(L, 1);
		return 1;
	}
	top = lua_rawgetp(L, LUA_REGISTRYINDEX, &lu_top_marker) == LUA_TTHREAD &&
	      lua_rawequal(L, -1, -2);
	lua_pop(L, 2);
	return top;
}

struct thread *lu_self(lua_State *L, const char *fn)
{
	struct thread *t = *(struct thread **)lua_getextraspace(L);

	if (!t) {
		if (lua_rawgetp(L, LUA_REGISTRYINDEX, &lu_pick_marker) != LUA_TNIL)
			luaL_error(L, "%s() cannot be called in the scheduler's pick: it chooses a "
				      "thread and returns, outside any thread body", fn);
		if (lu_top_level(L))
			luaL_error(L, "%s() can only be called inside a thread body, not at the top level "
				      "of the scenario", fn);
		luaL_error(L, "%s() cannot be called inside a coroutine of the scenario's own", fn);
	}
	if (!lua_isyieldable(L))
		luaL_error(L, "%s() cannot be called here: the thread cannot be suspended inside "
			      "a callback from C (such as a table.sort comparator)", fn);
	if (t->dom && !in_procedure(fn))
		luaL_error(L, "%s: not available inside an LRPC procedure (the thread runs in the "
			      "server's domain: compute, sleep, yield, log, mem.* and LRPC calls are)",
			   fn);
	return t;
}

int lu_toduration(lua_State *L, int idx, uint64_t *ns)
{
	if (lua_type(L, idx) == LUA_TNUMBER)
		return units_ms_to_ns(lua_tonumber(L, idx), ns);
	if (lua_type(L, idx) == LUA_TSTRING)
		return units_parse_duration(lua_tostring(L, idx), ns);
	return -1;
}

int lu_builtin_source(const char *source)
{
	size_t n = strlen(source);

	/* Scenarios are loaded as "@path"; the built-in libraries (rpc.lua,
	 * fs.lua, clock.lua ...) as "=name.lua". */
	return source[0] == '=' && n > 5 && strcmp(source + n - 4, ".lua") == 0;
}

/* "F:N: F:M: text" -> "F:M: text": coroutine.wrap passes an error on with
 * the place of its call before the place the error was raised; keep the
 * latter only. Else msg. */
static const char *inner_place(const char *msg)
{
	const char *colon = strchr(msg, ':'), *p;
	size_t n;

	if (!colon || colon == msg || !isdigit((unsigned char)colon[1]))
		return msg;
	n = (size_t)(colon - msg);
	for (p = colon + 1; isdigit((unsigned char)*p); p++)
		;
	if (p[0] != ':' || p[1] != ' ')
		return msg;
	p += 2;
	return strncmp(p, msg, n) == 0 && p[n] == ':' && isdigit((unsigned char)p[n + 1]) ? p : msg;
}

const char *lu_error_text(lua_State *L, int idx)
{
	const char *msg;

	idx = lua_absindex(L, idx);
	if ((msg = lua_tostring(L, idx)))
		return msg;
	if (luaL_callmeta(L, idx, "__tostring") && lua_type(L, -1) == LUA_TSTRING)
		return lua_tostring(L, -1);
	return lua_pushfstring(L, "error object is a %s value", luaL_typename(L, idx));
}

const char *lu_error_message(lua_State *L, int idx)
{
	lua_Debug ar;
	const char *msg;
	size_t n;

	msg = inner_place(lu_error_text(L, idx));
	/* A message that already names a place of the stack keeps it (misuse
	 * raised at the scenario's line from inside a built-in library). */
	for (int level = 0; lua_getstack(L, level, &ar); level++) {
		if (!lua_getinfo(L, "Sl", &ar) || ar.currentline <= 0 || lu_builtin_source(ar.source))
			continue;
		n = strlen(ar.short_src);
		if (strncmp(msg, ar.short_src, n) == 0 && msg[n] == ':')
			return lua_pushstring(L, msg);
	}
	/* Else the innermost line of the scenario's own code. */
	for (int level = 0; lua_getstack(L, level, &ar); level++) {
		if (!lua_getinfo(L, "Sl", &ar) || ar.currentline <= 0 || lu_builtin_source(ar.source))
			continue;
		return lua_pushfstring(L, "%s:%d: %s", ar.short_src, ar.currentline, msg);
	}
	return lua_pushstring(L, msg);
}

/* Simulated time only passes at a system call: Lua that loops without one
 * (a busy wait on a shared variable, a loop whose condition never changes)
 * would hang the whole simulation. */
static void endless(lua_State *L, lua_Debug *ar)
{
	int steps = lua_gethookcount(L);

	(void)ar;
	luaL_where(L, 0);
	if (steps % 1000000 == 0)
		lua_pushfstring(L, "%d million", steps / 1000000);
	else
		lua_pushfstring(L, "%d", steps);
	lua_pushliteral(L, " Lua instructions without a system call: an endless loop? "
			   "(simulated time passes only at a system call; a busy wait needs "
			   "compute() or yield() in its loop)");
	lua_concat(L, 3);
	lua_error(L);
}

void lu_watch(lua_State *L)
{
	lu_watch_steps(L, UK_LUA_STEPS);
}

void lu_watch_steps(lua_State *L, int steps)
{
	lua_sethook(L, endless, LUA_MASKCOUNT, steps);
}

const char *lu_shown(lua_State *L, int idx)
{
	int t = lua_type(L, idx);

	if (t == LUA_TSTRING || t == LUA_TNUMBER || t == LUA_TBOOLEAN || t == LUA_TNIL)
		return luaL_tolstring(L, idx, NULL);
	return lua_pushfstring(L, "a %s", luaL_typename(L, idx));
}

const char *lu_duration_error(lua_State *L, int arg)
{
	const char *what = lua_type(L, arg) == LUA_TSTRING || lua_type(L, arg) == LUA_TNUMBER
				   ? luaL_tolstring(L, arg, NULL)
				   : luaL_typename(L, arg);

	/* a number of ms past the range is no malformed duration */
	if (lua_type(L, arg) == LUA_TNUMBER && lua_tonumber(L, arg) * 1e6 >= 0x1p64)
		return lua_pushfstring(L, "duration '%s' ms is too large (a duration is under 2^64 "
					  "ns, about 584 years)", what);
	return lua_pushfstring(L, "invalid duration '%s' (write a number of ms, or \"250ns\", "
				  "\"5us\", \"10ms\", \"2s\")", what);
}

uint64_t lu_checkduration(lua_State *L, int arg)
{
	uint64_t ns;

	if (lu_toduration(L, arg, &ns) != 0)
		luaL_argerror(L, arg, lu_duration_error(L, arg));
	return ns;
}

uint64_t lu_optfield_duration(lua_State *L, int arg, const char *field, uint64_t dflt)
{
	uint64_t ns = dflt;

	if (lua_isnoneornil(L, arg))
		return dflt;
	luaL_checktype(L, arg, LUA_TTABLE);
	if (lua_getfield(L, arg, field) != LUA_TNIL && lu_toduration(L, -1, &ns) != 0)
		luaL_error(L, "option '%s': invalid duration '%s'", field, lu_shown(L, -1));
	lua_pop(L, 1);
	return ns;
}

int lu_fail(lua_State *L, int err)
{
	lua_pushnil(L);
	lua_pushstring(L, uk_strerror(err));
	return 2;
}

/* Post op and yield; k (or nothing) produces the results. */
static int post(lua_State *L, struct thread *t, unsigned op, lua_KFunction k)
{
	t->sc.op = (uint16_t)op;
	return lua_yieldk(L, 0, 0, k);
}

static int l_compute(lua_State *L)
{
	struct thread *t = lu_self(L, "compute");

	t->sc.arg = lu_checkduration(L, 1);
	return post(L, t, SYS_COMPUTE, NULL);
}

static int l_sleep(lua_State *L)
{
	struct thread *t = lu_self(L, "sleep");

	t->sc.arg = lu_checkduration(L, 1);
	return post(L, t, SYS_SLEEP, NULL);
}

static int l_yield(lua_State *L)
{
	return post(L, lu_self(L, "yield"), SYS_YIELD, NULL);
}

static int l_now(lua_State *L)
{
	struct thread *t = *(struct thread **)lua_getextraspace(L);

	if (!t)
		return luaL_error(L, "now() can only be called inside a thread body");
	/* Lua's integers stop at 2^63 - 1 ns (292 years); the clock's
	 * readings do the same (lua_clock.c), rather than turn negative. */
	lua_pushinteger(L, t->m->now > (uint64_t)LUA_MAXINTEGER ? LUA_MAXINTEGER
								 : (lua_Integer)t->m->now);
	return 1;
}

/* log(fmt, ...): string.format(fmt, ...); log(x): tostring(x). */
static int l_log(lua_State *L)
{
	struct thread *t = lu_self(L, "log");
	int n = lua_gettop(L);
	const char *s;

	luaL_checkany(L, 1);
	if (n > 1) {
		luaL_checkstring(L, 1);
		lua_getglobal(L, "string");
		lua_getfield(L, -1, "format");
		lua_insert(L, 1);
		lua_pop(L, 1);
		/* Re-raise a format error from here, so it names the script's line. */
		if (lua_pcall(L, n, 1, 0) != LUA_OK)
			return luaL_error(L, "log: %s", lua_tostring(L, -1));
		s = lua_tostring(L, -1);
	} else {
		s = luaL_tolstring(L, 1, NULL);
	}
	t->sc.ptr = strdup(s ? s : "");
	if (!t->sc.ptr)
		return luaL_error(L, "out of memory");
	return post(L, t, SYS_LOG, NULL);
}

static int k_getpid(lua_State *L, int status, lua_KContext ctx)
{
	struct thread *t = lu_self(L, "getpid");

	(void)status, (void)ctx;
	lua_pushinteger(L, t->sc.val);
	return 1;
}

/* getpid() -> the caller's process id: a system call (a trap, no more). */
static int l_getpid(lua_State *L)
{
	return post(L, lu_self(L, "getpid"), SYS_GETPID, k_getpid);
}

static int l_exit(lua_State *L)
{
	struct thread *t = lu_self(L, "exit");
	lua_Integer code = luaL_optinteger(L, 1, 0);

	/* The kernel keeps an exit code as an int, as wait returns it. */
	if (code < INT_MIN || code > INT_MAX)
		luaL_argerror(L, 1, lua_pushfstring(L, "exit code %I out of range: an integer from "
			"%d to %d", (LUAI_UACINT)code, INT_MIN, INT_MAX));
	t->sc.arg = (uint64_t)code;
	return post(L, t, SYS_PEXIT, NULL);
}

int lu_has_process(lua_State *L)
{
	const char *name = luaL_checkstring(L, 1);
	const struct machine *m = lu_self(L, "has_process")->m;
	int found = 0;

	for (uint32_t i = 0; i < m->nprocs && !found; i++)
		found = strcmp(m->procs[i]->name, name) == 0;
	lua_pushboolean(L, found);
	return 1;
}

void lu_check_limit(lua_State *L, const struct thread *t, const char *fn, const char *what)
{
	uint32_t made = t->m->nports, max = UK_MAX_PORTS;
	int threads = strcmp(what, "threads") == 0;

	/* Threads count as the scenario makes them: the system's own (servers,
	 * LWPs, an activation per blocking call) do not. */
	if (threads)
		made = t->m->threads_made,
		max = t->m->cfg.max_threads ? t->m->cfg.max_threads : UK_MAX_THREADS;
	if (made >= max) {
		const char *noun = made != 1 ? what
				   : threads ? "thread"
				   : "port";
		luaL_error(L, "%s: the run has made %d %s, the most one run may make "
			      "(a loop that makes them without end?%s)", fn, (int)made, noun,
			   threads && max < UK_MAX_THREADS_CEIL ? " machine { max_threads = N } allows more"
								: "");
	}
	if (threads)
		t->m->threads_made++;
}

static int k_thread(lua_State *L, int status, lua_KContext ctx)
{
	struct thread *t = lu_self(L, "thread");
	uint32_t *h;

	(void)status;
	(void)ctx;
	if (t->sc.err)
		return lu_fail(L, t->sc.err);
	h = lua_newuserdatauv(L, sizeof *h, 0);
	*h = (uint32_t)t->sc.val;
	luaL_setmetatable(L, THREAD_META);
	return 1;
}

/* Start fn(...) at 1.. in a new thread of t's process; how: 0 or SPAWN_SERVICE. */
static int spawn(lua_State *L, struct thread *t, uint64_t how)
{
	void *body;

	luaL_checktype(L, 1, LUA_TFUNCTION);
	lu_check_limit(L, t, "thread", "threads");
	body = lua_body_new(L, lua_gettop(L) - 1);
	if (!body)
		return luaL_error(L, "out of memory");
	t->sc.body = &lua_body_ops;
	t->sc.ptr = body;
	t->sc.arg = how;
	return post(L, t, SYS_SPAWN, k_thread);
}

static int l_thread(lua_State *L)
{
	return spawn(L, lu_self(L, "thread"), 0);
}

int lu_service_thread(lua_State *L)
{
	return spawn(L, lu_self(L, "thread"), SPAWN_SERVICE);
}

static int k_join(lua_State *L, int status, lua_KContext ctx)
{
	struct thread *t = lu_self(L, "join");

	(void)status;
	(void)ctx;
	if (t->sc.err)
		return lu_fail(L, t->sc.err);
	lua_body_push_result(L, (uint32_t)t->sc.arg);
	return 1;
}

static int l_join(lua_State *L)
{
	struct thread *t = lu_self(L, "join");
	uint32_t *h = luaL_checkudata(L, 1, THREAD_META);

	t->sc.arg = *h;
	return post(L, t, SYS_JOIN, k_join);
}

static int thread_tostring(lua_State *L)
{
	uint32_t *h = luaL_checkudata(L, 1, THREAD_META);
	struct thread *self = *(struct thread **)lua_getextraspace(L);
	struct thread *t = self ? machine_thread(self->m, *h) : NULL;

	if (t)
		lua_pushfstring(L, "thread %s", t->name);
	else
		lua_pushfstring(L, "thread #%d", (int)*h);
	return 1;
}

void lu_open_sys(lua_State *L)
{
	static const luaL_Reg funcs[] = {
		{ "compute", l_compute }, { "sleep", l_sleep }, { "yield", l_yield },
		{ "now", l_now },         { "log", l_log },     { "exit", l_exit },
		{ "thread", l_thread },   { "join", l_join },   { "getpid", l_getpid },
		{ NULL, NULL },
	};

	lua_pushglobaltable(L);
	luaL_setfuncs(L, funcs, 0);
	lua_pop(L, 1);
	luaL_newmetatable(L, THREAD_META);
	lua_pushcfunction(L, thread_tostring);
	lua_setfield(L, -2, "__tostring");
	lua_pop(L, 1);
}
