/*
 * lua_lrpc.c - the LRPC stubs: the kernel calls behind lrpc.export and
 * lrpc.bind, binding objects, and binding:call, which runs the server's
 * procedure in the caller's own thread.
 *
 * The one idea: a procedure runs on an E-stack, and in Lua an E-stack is a
 * coroutine of the server's, made the first time the kernel ties an
 * E-stack to an A-stack and reused by every call after it. binding:call
 * posts SYS_LRPC_CALL; once the kernel has moved the thread into the
 * server's domain, the caller's coroutine resumes the E-stack's with the
 * procedure and the arguments, and passes every system call the procedure
 * makes on to the kernel as its own (the thread is the same thread). When
 * the procedure returns, SYS_LRPC_RETURN brings the thread back with the
 * results. At every step the stub asks the kernel whether its call was
 * revoked meanwhile (the server ended): then the E-stack is abandoned and
 * the call returns nil, "revoked".
 *
 * Arguments and results are laid on the A-stack as a procedure's stack
 * frame would hold them, without tags: an integer that fits in 32 bits
 * takes 4 bytes, another integer or a float 8, a boolean 4, nil 4, a
 * string its bytes. Tables, functions and other values cannot travel (use
 * rpc.*).
 *
 * A binding whose client or server has migrated, so that they are on two
 * nodes, is a global reference (kernel/lrpc.h, lrpc_globalize,
 * lrpc_globalize_served), and a call into a server stopped for a move is
 * answered the same way: the kernel answers
 * its SYS_LRPC_CALL with UK_EREMOTE, and the call goes instead to lrpc.lua's
 * remote function, a message RPC to the interface's clerk, which runs the
 * procedure in the server and answers.
 *
 * Primitives for lrpc.lua (not globals): limits, check_model, misuse,
 * export(port, name, list), bind(port, name); those of global references
 * are in lua_lrpc_gr.c.
 */
#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lrpc.h"
#include "lua_body.h"
#include "lua_lrpc.h"
#include "lua_sys.h"
#include "machine.h"
#include "msg.h"
#include "proc.h"
#include "rpcstat.h"
#include "syscall.h"
#include "thread.h"
#include "uk_err.h"
#include "uk_limits.h"

#define REG_KEY "ukern.lrpc"

/* Slots of the caller's stack while a call is in progress. */
enum { S_BINDING = 1, S_PROC, S_ESTACK, S_CALL, S_ARGBYTES, S_MP, S_RESULT };

/* ---- the A-stack layout ---- */

/* Bytes value idx takes on an A-stack, or -1 if it cannot go there. */
static long slot_bytes(lua_State *L, int idx)
{
	switch (lua_type(L, idx)) {
	case LUA_TNIL:
	case LUA_TBOOLEAN:
		return 4;
	case LUA_TNUMBER:
		if (lua_isinteger(L, idx)) {
			lua_Integer v = lua_tointeger(L, idx);
			return v >= INT32_MIN && v <= INT32_MAX ? 4 : 8;
		}
		return 8;
	case LUA_TSTRING:
		return (long)lua_rawlen(L, idx);
	default:
		return -1;
	}
}

static void put_be(uint8_t *p, uint64_t v, int n)
{
	for (int i = n - 1; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

/* Write value idx at p (slot_bytes(idx) bytes). */
static void put_slot(lua_State *L, int idx, uint8_t *p)
{
	size_t len;
	const char *s;
	double d;
	uint64_t u;

	switch (lua_type(L, idx)) {
	case LUA_TBOOLEAN:
		put_be(p, (uint64_t)lua_toboolean(L, idx), 4);
		break;
	case LUA_TNUMBER:
		if (lua_isinteger(L, idx)) {
			lua_Integer v = lua_tointeger(L, idx);
			put_be(p, (uint64_t)v, v >= INT32_MIN && v <= INT32_MAX ? 4 : 8);
			break;
		}
		d = lua_tonumber(L, idx);
		memcpy(&u, &d, sizeof u);
		put_be(p, u, 8);
		break;
	case LUA_TSTRING:
		s = lua_tolstring(L, idx, &len);
		memcpy(p, s, len);
		break;
	default:
		put_be(p, 0, 4);
		break;
	}
}

struct msg *lu_lrpc_image(lua_State *L, int idx, int n, uint64_t max, uint64_t *bytes, int *bad)
{
	struct msg *m;
	uint64_t size = 0, off = 0;

	*bad = 0;
	for (int i = 0; i < n; i++) {
		long b = slot_bytes(L, idx + i);
		if (b < 0) {
			*bad = i + 1;
			return NULL;
		}
		size += (uint64_t)b;
	}
	*bytes = size;
	if (size > max || !(m = msg_new((uint32_t)size)))
		return NULL;
	for (int i = 0; i < n; i++) {
		put_slot(L, idx + i, m->data + off);
		off += (uint64_t)slot_bytes(L, idx + i);
	}
	m->nvalues = (uint32_t)n;
	return m;
}

/* ---- the registry: procedures and E-stacks per interface ---- */

/* Push the table of interface iface ({ fns = {...}, es = {...} }), made if need be. */
static void push_iface(lua_State *L, uint32_t iface)
{
	if (lua_getfield(L, LUA_REGISTRYINDEX, REG_KEY) != LUA_TTABLE) {
		lua_pop(L, 1);
		lua_newtable(L);
		lua_pushvalue(L, -1);
		lua_setfield(L, LUA_REGISTRYINDEX, REG_KEY);
	}
	if (lua_rawgeti(L, -1, iface) != LUA_TTABLE) {
		lua_pop(L, 1);
		lua_createtable(L, 0, 2);
		lua_newtable(L);
		lua_setfield(L, -2, "fns");
		lua_newtable(L);
		lua_setfield(L, -2, "es");
		lua_pushvalue(L, -1);
		lua_rawseti(L, -3, iface);
	}
	lua_remove(L, -2);
}

/* The E-stack estack of iface as a coroutine ready to start a procedure
 * (made at its first use; reset if a revoked call or an ended caller left
 * it suspended). Pushes it on L and returns it. */
static lua_State *estack(lua_State *L, uint32_t iface, uint32_t es)
{
	lua_State *E;

	push_iface(L, iface);
	lua_getfield(L, -1, "es");
	if (lua_rawgeti(L, -1, es) != LUA_TTHREAD) {
		lua_pop(L, 1);
		E = lua_newthread(L);
		lua_pushvalue(L, -1);
		lua_rawseti(L, -3, es);
	} else {
		E = lua_tothread(L, -1);
	}
	lua_replace(L, -3);
	lua_pop(L, 1);
	if (lua_status(E) != LUA_OK)
		lua_resetthread(E);
	lua_settop(E, 0);
	return E;
}

/* ---- the call ---- */

static int k_running(lua_State *L, int status, lua_KContext ctx);
static int k_returned(lua_State *L, int status, lua_KContext ctx);

/* The kernel's name of the call's kind: how it entered the server. */
static const char *kind_of(int mp)
{
	return mp ? "lrpc-mp" : "lrpc";
}

static void note(struct thread *t, lua_State *L, const char *kind, enum rpcstat_event ev,
		 uint64_t lat, const char *copies)
{
	struct lbinding *b = lua_touserdata(L, S_BINDING);
	const struct lrpc_iface *f = lrpc_iface_get(t->m, b->iface);

	/* statistics only: an entry lost to a lack of memory changes no run */
	(void)rpcstat_note_kind(t->m, f->name, lua_tostring(L, S_PROC), kind, ev, lat, 0, copies);
}

/* The call failed with err (refused, or revoked: the server ended); its
 * E-stack E, if it had one, is abandoned. kind: how it entered, if it did. */
static int failed(lua_State *L, struct thread *t, int err, lua_State *E, const char *kind)
{
	lua_body_set_inner(t, L);
	if (E) {
		*(struct thread **)lua_getextraspace(E) = NULL;
		lua_resetthread(E);
	}
	note(t, L, kind, RS_CALL_FAILED, 0, "");
	return lu_fail(L, err);
}

/* Post the return with the results on E (nres of them, or the error at
 * the top of L when ok is 0) and yield until the thread is back. */
static int post_return(lua_State *L, struct thread *t, lua_State *E, int nres, int ok)
{
	struct lbinding *b = lua_touserdata(L, S_BINDING);
	const struct lrpc_iface *f = lrpc_iface_get(t->m, b->iface);
	const char *pname = lua_tostring(L, S_PROC);
	struct msg *m = NULL;
	uint64_t bytes = 0, max = 0;
	int bad = 0;

	for (uint32_t i = 0; i < f->ex->nprocs; i++)
		if (strcmp(f->ex->procs[i].name, pname) == 0)
			max = f->ex->procs[i].results;
	if (ok && nres > 0 && !(m = lu_lrpc_image(E, lua_gettop(E) - nres + 1, nres, max, &bytes, &bad))) {
		if (bad)
			lua_pushfstring(L, "lrpc: result %d of %s.%s is a %s: an A-stack holds numbers, "
				       "booleans, nil and strings", bad, f->name, pname,
				luaL_typename(E, lua_gettop(E) - nres + bad));
		else if (bytes > max)
			lua_pushfstring(L, "lrpc: the results of %s.%s take %d bytes; its A-stacks "
				       "hold %d", f->name, pname, (int)bytes, (int)max);
		else
			lua_pushliteral(L, "out of memory");
		ok = 0;
	}
	if (ok) {
		lua_pushinteger(L, (lua_Integer)bytes);
		lua_xmove(E, L, nres);
	} else {
		nres = -1;
		lua_settop(E, 0);
	}
	t->sc.op = SYS_LRPC_RETURN;
	t->sc.m = m;
	t->sc.val = nres > 0 ? nres : 0;
	t->sc.arg = !ok;
	return lua_yieldk(L, 0, (lua_KContext)nres, k_returned);
}

/* Run the procedure on E until it makes a system call (the caller yields
 * with it) or ends (the return is posted). narg: values to resume E with. */
static int step(lua_State *L, struct thread *t, lua_State *E, int narg)
{
	int nres = 0, st;

	*(struct thread **)lua_getextraspace(E) = t;
	lu_watch(E);
	lua_body_set_inner(t, E);
	st = lua_resume(E, L, narg, &nres);
	if (st == LUA_YIELD) {
		/* A bare coroutine.yield() in a procedure is taken as yield(). */
		if (t->sc.op == SYS_NONE)
			t->sc.op = SYS_YIELD;
		lua_pop(E, nres);
		return lua_yieldk(L, 0, 0, k_running);
	}
	*(struct thread **)lua_getextraspace(E) = NULL;
	lua_body_set_inner(t, L);
	if (st == LUA_OK)
		return post_return(L, t, E, nres, 1);
	/* The procedure raised an error: the call returns it, as rpc does. */
	lua_pushstring(L, lu_error_message(E, -1));
	lua_resetthread(E);
	return post_return(L, t, E, 0, 0);
}

/* The thread is in the server's domain: start the procedure on its E-stack. */
static int k_entered(lua_State *L, int status, lua_KContext ctx)
{
	struct thread *t = lu_self(L, "lrpc");
	const struct lrpc_frame *fr;
	int nargs = lua_gettop(L) - 2;
	lua_State *E;

	(void)status;
	if (t->sc.err == UK_EREMOTE)
		return lu_lrpc_remote(L);       /* its process moved: a global reference now */
	if (t->sc.err)
		return failed(L, t, t->sc.err, NULL, "lrpc");
	fr = lrpc_current(t);
	E = estack(L, fr->b->iface->id, fr->b->as[fr->astack].estack);
	lua_insert(L, S_ESTACK);
	push_iface(L, fr->b->iface->id);
	lua_getfield(L, -1, "fns");
	lua_rawgeti(L, -1, (lua_Integer)ctx);
	lua_xmove(L, E, 1);
	lua_pop(L, 2);
	lua_xmove(L, E, nargs);
	lua_pushinteger(L, (lua_Integer)fr->id);
	lua_pushinteger(L, (lua_Integer)fr->arg_bytes);
	lua_pushinteger(L, fr->mp);
	note(t, L, kind_of(fr->mp), RS_EXECUTION, 0, "");
	return step(L, t, E, nargs);
}

/* Was the call revoked while the procedure ran? Then abandon it. */
static int k_running(lua_State *L, int status, lua_KContext ctx)
{
	struct thread *t = lu_self(L, "lrpc");

	(void)status, (void)ctx;
	if (lrpc_call_state(t, (uint64_t)lua_tointeger(L, S_CALL)) != 1)
		return failed(L, t, UK_EREVOKED, lua_tothread(L, S_ESTACK),
			      kind_of((int)lua_tointeger(L, S_MP)));
	return step(L, t, lua_tothread(L, S_ESTACK), 0);
}

/* The thread is back with the results (ctx of them after S_RESULT, which
 * holds their bytes), or with the procedure's error (ctx -1, at S_RESULT). */
static int k_returned(lua_State *L, int status, lua_KContext ctx)
{
	struct thread *t = lu_self(L, "lrpc");
	int nres = (int)ctx, state = lrpc_call_state(t, (uint64_t)lua_tointeger(L, S_CALL));
	const char *kind = kind_of((int)lua_tointeger(L, S_MP));
	uint64_t lat = t->m->now - t->sc.arg;
	char copies[3] = "";

	(void)status;
	if (state != -1 || t->sc.err) {
		lua_settop(L, S_MP);
		return failed(L, t, state == 0 ? UK_EREVOKED : t->sc.err ? t->sc.err : UK_EINVAL,
			      lua_tothread(L, S_ESTACK), kind);
	}
	if (nres < 0) {
		note(t, L, kind, RS_CALL_FAILED, 0, lua_tointeger(L, S_ARGBYTES) ? "A" : "");
		lua_pushnil(L);
		lua_insert(L, S_RESULT);
		return 2;
	}
	if (lua_tointeger(L, S_ARGBYTES))
		strcat(copies, "A");
	if (lua_tointeger(L, S_RESULT))
		strcat(copies, "F");
	note(t, L, kind, RS_CALL_OK, lat, copies);
	return nres;
}

/* binding:call(procedure, ...) -> results... | nil, reason */
static int b_call(lua_State *L)
{
	struct thread *t = lu_self(L, "lrpc");
	struct lbinding *b = luaL_checkudata(L, 1, BINDING_META);
	const char *pname = luaL_checkstring(L, 2);
	const struct lrpc_iface *f = lrpc_iface_get(t->m, b->iface);
	int nargs = lua_gettop(L) - 2, bad;
	uint32_t proc = 0;
	uint64_t bytes = 0, max;
	struct msg *m;

	for (uint32_t i = 0; i < f->ex->nprocs && !proc; i++)
		if (strcmp(f->ex->procs[i].name, pname) == 0)
			proc = i + 1;
	if (!proc)
		return luaL_error(L, "lrpc: interface '%s' has no procedure '%s'", f->name, pname);
	if (t->kind != THREAD_KERNEL)
		return luaL_error(L, "lrpc: calls from a many-to-one or many-to-many process are not "
				     "available");
	max = f->ex->procs[proc - 1].args;
	if (!(m = lu_lrpc_image(L, 3, nargs, max, &bytes, &bad))) {
		if (bad)
			return luaL_error(L, "lrpc: argument %d of %s.%s is a %s: an A-stack holds "
					     "numbers, booleans, nil and strings (use rpc for tables)",
					  bad, f->name, pname, luaL_typename(L, 2 + bad));
		if (bytes > max)
			return luaL_error(L, "lrpc: the arguments of %s.%s take %d bytes; its A-stacks "
					     "hold %d (declare args = %d in lrpc.export)", f->name, pname,
					  (int)bytes, (int)max, (int)bytes);
		return luaL_error(L, "out of memory");
	}
	if (lrpc_binding_get(t->m, b->id)->global) {
		msg_free(m);
		return lu_lrpc_remote(L);
	}
	t->sc.op = SYS_LRPC_CALL;
	t->sc.arg = b->id;
	t->sc.name = (int32_t)proc;
	t->sc.m = m;
	t->sc.val = nargs;
	return lua_yieldk(L, 0, (lua_KContext)proc, k_entered);
}

static int b_tostring(lua_State *L)
{
	struct lbinding *b = luaL_checkudata(L, 1, BINDING_META);
	struct thread *t = *(struct thread **)lua_getextraspace(L);
	const struct lrpc_iface *f = t ? lrpc_iface_get(t->m, b->iface) : NULL;

	lua_pushfstring(L, "lrpc binding %d (%s)", (int)b->id, f ? f->name : "?");
	return 1;
}

/* binding:info() -> { name, global, moving, addr, len, astacks,
 *                     procedures = { name, ... } } */
static int b_info(lua_State *L)
{
	struct thread *t = lu_self(L, "lrpc");
	struct lbinding *b = luaL_checkudata(L, 1, BINDING_META);
	const struct lrpc_binding *kb = lrpc_binding_get(t->m, b->id);

	lua_createtable(L, 0, 7);
	lua_pushstring(L, kb->iface->name);
	lua_setfield(L, -2, "name");
	lua_pushboolean(L, kb->global);
	lua_setfield(L, -2, "global");
	/* Stopped for a move, the server takes its calls by message too; a
	 * server that ended meanwhile (its binding revoked) is not moving. */
	lua_pushboolean(L, kb->iface->server->mig_stopped && !kb->revoked);
	lua_setfield(L, -2, "moving");
	lua_pushinteger(L, (lua_Integer)kb->caddr);
	lua_setfield(L, -2, "addr");
	lua_pushinteger(L, (lua_Integer)(kb->pages << t->m->vm.shift));
	lua_setfield(L, -2, "len");
	lua_pushinteger(L, kb->nas);
	lua_setfield(L, -2, "astacks");
	lua_createtable(L, (int)kb->iface->ex->nprocs, 0);
	for (uint32_t i = 0; i < kb->iface->ex->nprocs; i++) {
		lua_pushstring(L, kb->iface->ex->procs[i].name);
		lua_rawseti(L, -2, i + 1);
	}
	lua_setfield(L, -2, "procedures");
	return 1;
}

/* ---- the primitives of lrpc.lua ---- */

static int x_misuse(lua_State *L)
{
	return lu_script_error(L, luaL_checkstring(L, 1));
}

static int x_limits(lua_State *L)
{
	lua_createtable(L, 0, 5);
	lua_pushinteger(L, UK_LRPC_MAX_PROCS);
	lua_setfield(L, -2, "max_procs");
	lua_pushinteger(L, UK_LRPC_MAX_ASTACKS);
	lua_setfield(L, -2, "max_astacks");
	lua_pushinteger(L, UK_LRPC_DEF_ASTACKS);
	lua_setfield(L, -2, "def_astacks");
	lua_pushinteger(L, UK_LRPC_MAX_BYTES);
	lua_setfield(L, -2, "max_bytes");
	lua_pushinteger(L, UK_LRPC_DEF_BYTES);
	lua_setfield(L, -2, "def_bytes");
	return 1;
}

/* check_model(fn): LRPC moves a kernel thread between domains. */
static int x_check_model(lua_State *L)
{
	const char *fn = luaL_checkstring(L, 1);
	struct thread *t = lu_self(L, fn);

	if (t->kind != THREAD_KERNEL)
		return lu_script_error(L, lua_pushfstring(L, "%s: not available in a many-to-one or "
							 "many-to-many process", fn));
	return 0;
}

static int k_export(lua_State *L, int status, lua_KContext ctx)
{
	struct thread *t = lu_self(L, "lrpc.export");

	(void)status, (void)ctx;
	if (t->sc.err)
		return lu_fail(L, t->sc.err);
	/* The procedures, by number, for the stubs of every caller. */
	push_iface(L, (uint32_t)t->sc.val);
	lua_getfield(L, -1, "fns");
	for (lua_Integer i = 1; lua_geti(L, 3, i) == LUA_TTABLE; i++) {
		lua_getfield(L, -1, "fn");
		lua_rawseti(L, -3, i);
		lua_pop(L, 1);
	}
	lua_pushinteger(L, t->sc.val);
	return 1;
}

static uint32_t int_field(lua_State *L, const char *key)
{
	uint32_t v;

	lua_getfield(L, -1, key);
	v = (uint32_t)lua_tointeger(L, -1);
	lua_pop(L, 1);
	return v;
}

/* export(port, name, list) -> interface id | nil, reason (list checked by lrpc.lua) */
static int x_export(lua_State *L)
{
	struct thread *t = lu_self(L, "lrpc.export");
	size_t len, n = luaL_len(L, 3);
	const char *name = luaL_checklstring(L, 2, &len);
	struct lrpc_export *ex;
	uint32_t pid;
	int32_t pn;

	if (!lu_toport(L, 1, &pid, &pn) || pid != t->p->pid)
		return lu_fail(L, UK_ENORIGHT);
	ex = calloc(1, sizeof *ex + n * sizeof ex->procs[0]);
	if (!ex)
		return luaL_error(L, "out of memory");
	snprintf(ex->name, sizeof ex->name, "%s", name);
	ex->nprocs = (uint32_t)n;
	for (size_t i = 0; i < n; i++) {
		struct lrpc_proc *p = &ex->procs[i];
		lua_geti(L, 3, (lua_Integer)i + 1);
		lua_getfield(L, -1, "name");
		snprintf(p->name, sizeof p->name, "%s", lua_tostring(L, -1));
		lua_pop(L, 1);
		p->args = int_field(L, "args");
		p->results = int_field(L, "results");
		p->astacks = int_field(L, "astacks");
		lua_pop(L, 1);
	}
	t->sc.op = SYS_LRPC_EXPORT;
	t->sc.name = pn;
	t->sc.ptr = ex;
	return lua_yieldk(L, 0, 0, k_export);
}

static int k_bind(lua_State *L, int status, lua_KContext ctx)
{
	struct thread *t = lu_self(L, "lrpc.bind");
	const struct lrpc_binding *kb;
	struct lbinding *b;

	(void)status, (void)ctx;
	if (t->sc.err)
		return lu_fail(L, t->sc.err);
	kb = lrpc_binding_get(t->m, (uint32_t)t->sc.val);
	b = lua_newuserdatauv(L, sizeof *b, 0);
	b->id = kb->id;
	b->iface = kb->iface->id;
	luaL_setmetatable(L, BINDING_META);
	return 1;
}

/* bind(port, name) -> binding | nil, reason */
static int x_bind(lua_State *L)
{
	struct thread *t = lu_self(L, "lrpc.bind");
	uint32_t pid;
	int32_t pn;

	if (!lu_toport(L, 1, &pid, &pn) || pid != t->p->pid)
		return lu_fail(L, UK_ENORIGHT);
	t->sc.op = SYS_LRPC_BIND;
	t->sc.name = pn;
	return lua_yieldk(L, 0, 0, k_bind);
}

void lu_open_lrpc(lua_State *L)
{
	static const luaL_Reg funcs[] = {
		{ "misuse", x_misuse },
		{ "limits", x_limits },
		{ "check_model", x_check_model },
		{ "export", x_export },
		{ "bind", x_bind },
		{ NULL, NULL },
	};
	static const luaL_Reg methods[] = {
		{ "call", b_call }, { "info", b_info }, { NULL, NULL },
	};
	static const char chunk[] = {
#include "lrpc_lua.h"
	};

	luaL_newmetatable(L, BINDING_META);
	luaL_newlib(L, methods);
	lua_setfield(L, -2, "__index");
	lua_pushcfunction(L, b_tostring);
	lua_setfield(L, -2, "__tostring");
	lua_pushliteral(L, "lrpc binding");
	lua_setfield(L, -2, "__name");
	lua_pop(L, 1);
	if (luaL_loadbufferx(L, chunk, sizeof chunk, "=lrpc.lua", "t") != LUA_OK)
		lua_error(L);
	luaL_newlib(L, funcs);
	lu_lrpc_gr_prims(L);
	lu_push_rpc_prims(L);
	lua_call(L, 2, 1);
	lua_setglobal(L, "lrpc");
}
