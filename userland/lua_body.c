/*
 * lua_body.c - Lua coroutines as thread bodies.
 *
 * The coroutine's extra space (lua_getextraspace) holds the simulated
 * thread it belongs to; the bindings read it to post their request. A
 * coroutine that a script makes itself inherits the main state's empty
 * extra space, so a system call from inside one is caught with a clear
 * error instead of yielding to the wrong resumer.
 */
#include "lua_body.h"

#include <lauxlib.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lua_memcap.h"
#include "lua_sys.h"
#include "proc.h"
#include "syscall.h"
#include "thread.h"

#define RESULTS_KEY "ukern.results"

struct lbody {
	lua_State *L;     /* the main state, where the references live */
	lua_State *co;
	lua_State *inner; /* the coroutine the body runs in now, if not co: an LRPC
			   * procedure's E-stack (lua_lrpc.c) */
	int ref;          /* keeps co alive */
	int fn;           /* the body's function, for the line a bad exit code names */
	int nargs;        /* arguments waiting for the first resume; -1 once started */
};

/* The results table (tid -> value) in the registry, pushed. */
static void push_results(lua_State *L)
{
	if (lua_getfield(L, LUA_REGISTRYINDEX, RESULTS_KEY) != LUA_TTABLE) {
		lua_pop(L, 1);
		lua_newtable(L);
		lua_pushvalue(L, -1);
		lua_setfield(L, LUA_REGISTRYINDEX, RESULTS_KEY);
	}
}

/* Whether the value at idx is a whole number that no exit code (an int)
 * can hold: a process whose main returns it has no exit code to give. */
static int out_of_range(lua_State *co, int idx)
{
	int isint;
	lua_Integer v = lua_tointegerx(co, idx, &isint);
	lua_Number f;

	if (isint)
		return v < INT_MIN || v > INT_MAX;
	f = lua_tonumber(co, idx);
	return lua_type(co, idx) == LUA_TNUMBER && f == floor(f);   /* past 2^63, or infinite */
}

/* The process of t dies with a script error at the line its body's
 * function was defined: that function returned the value at idx. */
static void bad_exit_code(struct thread *t, struct lbody *lb, int idx)
{
	lua_State *co = lb->co;
	const char *v = luaL_tolstring(co, idx, NULL);
	lua_Debug ar;

	lua_rawgeti(co, LUA_REGISTRYINDEX, lb->fn);
	lua_getinfo(co, ">S", &ar);
	t->sc.op = SYS_FAULT;
	t->sc.ptr = strdup(lua_pushfstring(co, "%s:%d: exit code %s out of range (an integer from "
		"%d to %d), returned by the function defined here", ar.short_src, ar.linedefined, v,
		INT_MIN, INT_MAX));
	lua_pop(co, 2);
}

static void finished(struct thread *t, struct lbody *lb, int nres)
{
	lua_State *co = lb->co;
	int isint = 0;

	t->sc.op = SYS_EXIT;
	t->sc.arg = 0;
	if (nres > 0) {
		lua_Integer v = lua_tointegerx(co, -nres, &isint);
		if (t == t->p->main_thread && out_of_range(co, -nres))
			bad_exit_code(t, lb, -nres);
		else if (isint)
			t->sc.arg = (uint64_t)v;
		push_results(co);
		lua_pushvalue(co, -nres - 1);
		lua_rawseti(co, -2, t->tid);
		lua_pop(co, 1);
	}
	lua_pop(co, nres);
}

static void failed(struct thread *t, struct lbody *lb, int st)
{
	const char *msg = lu_error_message(lb->co, -1);

	/* Past the scenario's Lua memory (ukern run --lua-memory): say which. */
	msg = lu_memcap_explain(lb->co, st, msg);
	t->sc.op = SYS_FAULT;
	t->sc.ptr = strdup(msg);
	lua_settop(lb->co, 0);
}

static void lbody_resume(struct thread *t)
{
	struct lbody *lb = t->body_data;
	struct lu_memcap *cap = lu_memcap_of(lb->co);
	int nres = 0, st;

	*(struct thread **)lua_getextraspace(lb->co) = t;
	lu_watch(lb->co);
	/* The scenario's Lua memory is limited while its code runs (protected
	 * by the resume), not in the C code around it. */
	lu_memcap_arm(cap, 1);
	st = lua_resume(lb->co, NULL, lb->nargs < 0 ? 0 : lb->nargs, &nres);
	lu_memcap_arm(cap, 0);
	lb->nargs = -1;
	if (st == LUA_YIELD) {
		/* A bare coroutine.yield() in a body is taken as yield(). */
		if (t->sc.op == SYS_NONE)
			t->sc.op = SYS_YIELD;
		if (nres)   /* the system calls yield none */
			lua_pop(lb->co, nres);
	} else if (st == LUA_OK) {
		finished(t, lb, nres);
	} else {
		failed(t, lb, st);
	}
}

/* The position of the suspended coroutine: its innermost Lua function
 * of the scenario with a line (a C binding it yielded from has none; a
 * built-in library's, such as lrpc.lua, is not the scenario's). */
static const char *lbody_where(struct thread *t, char *buf, unsigned len)
{
	struct lbody *lb = t->body_data;
	lua_Debug ar;

	lua_State *co = lb && lb->inner ? lb->inner : lb ? lb->co : NULL;

	buf[0] = '\0';
	for (int level = 0; co && lua_getstack(co, level, &ar); level++) {
		if (lua_getinfo(co, "Sl", &ar) && ar.currentline > 0 &&
		    !lu_builtin_source(ar.source)) {
			snprintf(buf, len, "%s:%d: ", ar.short_src, ar.currentline);
			break;
		}
	}
	return buf;
}

static void lbody_destroy(struct thread *t)
{
	struct lbody *lb = t->body_data;

	if (!lb)
		return;
	luaL_unref(lb->L, LUA_REGISTRYINDEX, lb->ref);
	luaL_unref(lb->L, LUA_REGISTRYINDEX, lb->fn);
	free(lb);
}

const struct body_ops lua_body_ops = {
	.kind = "lua",
	.resume = lbody_resume,
	.destroy = lbody_destroy,
	.where = lbody_where,
};

void *lua_body_new(lua_State *L, int nargs)
{
	struct lbody *lb = malloc(sizeof *lb);
	lua_State *co;

	if (!lb) {
		lua_pop(L, nargs + 1);
		return NULL;
	}
	lua_pushvalue(L, -(nargs + 1));
	lb->fn = luaL_ref(L, LUA_REGISTRYINDEX);
	co = lua_newthread(L);
	lua_insert(L, -(nargs + 2));
	lua_xmove(L, co, nargs + 1);
	*(struct thread **)lua_getextraspace(co) = NULL;
	/* References outlive the coroutine that made them: keep the main state. */
	lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_MAINTHREAD);
	lb->L = lua_tothread(L, -1);
	lua_pop(L, 1);
	lb->co = co;
	lb->inner = NULL;
	lb->ref = luaL_ref(L, LUA_REGISTRYINDEX);
	lb->nargs = nargs;
	return lb;
}

void lua_body_set_inner(struct thread *t, lua_State *co)
{
	struct lbody *lb = t->body == &lua_body_ops ? t->body_data : NULL;

	if (lb)
		lb->inner = co == lb->co ? NULL : co;
}

void lua_body_push_result(lua_State *L, uint32_t tid)
{
	push_results(L);
	lua_rawgeti(L, -1, tid);
	lua_pushnil(L);
	lua_rawseti(L, -3, tid);
	lua_remove(L, -2);
}
