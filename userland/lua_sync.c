/*
 * lua_sync.c - mutex(), semaphore(n) and cond() for scenarios.
 *
 * An object is a Lua userdata holding a struct ksync: the memory it lives
 * in belongs to the process that made it, like a futex word. Its methods
 * post SYS_SYNC; in a one-to-one process the kernel performs them, in a
 * many-to-* process the user-level runtime does, without a trap.
 *
 *   mu:lock() mu:unlock() mu:trylock() -> bool
 *   sem:wait() sem:post()
 *   cv:wait(mu) cv:signal() cv:broadcast()
 */
#include <lauxlib.h>

#include "ksync.h"
#include "lua_sys.h"
#include "proc.h"
#include "syscall.h"
#include "thread.h"
#include "uk_err.h"

#define SYNC_META "ukern.sync"

static const char *const type_names[] = { "?", "mutex", "semaphore", "cond" };

static struct ksync *check(lua_State *L, int arg, enum ksync_type type)
{
	struct ksync *o = luaL_checkudata(L, arg, SYNC_META);

	if (type && o->type != type)
		luaL_argerror(L, arg, lua_pushfstring(L, "a %s expected, got a %s", type_names[type],
						      type_names[o->type]));
	return o;
}

static int k_sync(lua_State *L, int status, lua_KContext ctx)
{
	struct thread *t = lu_self(L, "sync");
	unsigned op = (unsigned)ctx;

	(void)status;
	if (t->sc.err == UK_ENORIGHT)
		return luaL_error(L, "this %s belongs to another process", "object");
	if (t->sc.err == UK_EINVAL)
		return luaL_error(L, op == KS_UNLOCK ? "unlock of a mutex this thread does not hold"
				     : op == KS_LOCK ? "lock of a mutex this thread already holds"
						     : "cond:wait(mu) needs the mutex mu held by this thread");
	if (op == KS_TRYLOCK) {
		lua_pushboolean(L, (int)t->sc.val);
		return 1;
	}
	return 0;
}

static int post(lua_State *L, const char *fn, struct ksync *o, struct ksync *mu, unsigned op)
{
	struct thread *t = lu_self(L, fn);

	t->sc.op = SYS_SYNC;
	t->sc.ptr = o;
	t->sc.aux = mu;
	t->sc.arg = op;
	return lua_yieldk(L, 0, (lua_KContext)op, k_sync);
}

static int l_lock(lua_State *L)
{
	return post(L, "lock", check(L, 1, KS_MUTEX), NULL, KS_LOCK);
}

static int l_trylock(lua_State *L)
{
	return post(L, "trylock", check(L, 1, KS_MUTEX), NULL, KS_TRYLOCK);
}

static int l_unlock(lua_State *L)
{
	return post(L, "unlock", check(L, 1, KS_MUTEX), NULL, KS_UNLOCK);
}

static int l_wait(lua_State *L)
{
	struct ksync *o = check(L, 1, 0);

	if (o->type == KS_COND)
		return post(L, "wait", o, check(L, 2, KS_MUTEX), KS_WAIT);
	return post(L, "wait", check(L, 1, KS_SEMAPHORE), NULL, KS_WAIT);
}

static int l_post(lua_State *L)
{
	return post(L, "post", check(L, 1, KS_SEMAPHORE), NULL, KS_POST);
}

static int l_signal(lua_State *L)
{
	return post(L, "signal", check(L, 1, KS_COND), NULL, KS_SIGNAL);
}

static int l_broadcast(lua_State *L)
{
	return post(L, "broadcast", check(L, 1, KS_COND), NULL, KS_BROADCAST);
}

static int l_tostring(lua_State *L)
{
	struct ksync *o = check(L, 1, 0);

	if (o->type == KS_SEMAPHORE)
		lua_pushfstring(L, "semaphore(%d)", (int)o->count);
	else
		lua_pushstring(L, type_names[o->type]);
	return 1;
}

/* A new object of type in the calling thread's process. */
static int make(lua_State *L, const char *fn, enum ksync_type type, int64_t count)
{
	struct thread *t = lu_self(L, fn);
	struct ksync *o = lua_newuserdatauv(L, sizeof *o, 0);

	ksync_init(o, type, t->p->pid, count);
	luaL_setmetatable(L, SYNC_META);
	return 1;
}

static int l_mutex(lua_State *L)
{
	return make(L, "mutex", KS_MUTEX, 0);
}

static int l_semaphore(lua_State *L)
{
	lua_Integer n = luaL_optinteger(L, 1, 0);

	luaL_argcheck(L, n >= 0, 1, "a semaphore starts at 0 or more");
	return make(L, "semaphore", KS_SEMAPHORE, n);
}

static int l_cond(lua_State *L)
{
	return make(L, "cond", KS_COND, 0);
}

void lu_open_sync(lua_State *L)
{
	static const luaL_Reg methods[] = {
		{ "lock", l_lock },     { "trylock", l_trylock }, { "unlock", l_unlock },
		{ "wait", l_wait },     { "post", l_post },       { "signal", l_signal },
		{ "broadcast", l_broadcast }, { NULL, NULL },
	};
	static const luaL_Reg funcs[] = {
		{ "mutex", l_mutex }, { "semaphore", l_semaphore }, { "cond", l_cond }, { NULL, NULL },
	};

	luaL_newmetatable(L, SYNC_META);
	luaL_newlib(L, methods);
	lua_setfield(L, -2, "__index");
	lua_pushcfunction(L, l_tostring);
	lua_setfield(L, -2, "__tostring");
	lua_pop(L, 1);
	lua_pushglobaltable(L);
	luaL_setfuncs(L, funcs, 0);
	lua_pop(L, 1);
}
