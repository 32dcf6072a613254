/*
 * lua_body.h - thread bodies written in Lua: each runs as a Lua coroutine
 * of the scenario's state. A system-call binding fills the thread's request
 * and yields; the kernel resumes the coroutine with the answer. No C stack
 * per thread, so a Lua thread costs a few kilobytes.
 */
#ifndef UKERN_LUA_BODY_H
#define UKERN_LUA_BODY_H

#include <lua.h>

struct thread;

extern const struct body_ops lua_body_ops;

/* Body data for a call of the function below the top nargs values of L's
 * stack with those values as arguments; pops all nargs + 1. Returns NULL
 * when memory runs out (the values are popped all the same). */
void *lua_body_new(lua_State *L, int nargs);

/* Thread t's body now runs in coroutine co (an LRPC procedure's E-stack;
 * its own coroutine again when co is that): fault reports give co's line. */
void lua_body_set_inner(struct thread *t, lua_State *co);

/* Push the value thread tid returned (nil if none) and forget it. */
void lua_body_push_result(lua_State *L, uint32_t tid);

#endif
