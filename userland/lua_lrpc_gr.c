/*
 * lua_lrpc_gr.c - LRPC bindings that are global references: their client
 * or their server migrated and they are on two nodes (kernel/lrpc.h,
 * lrpc_globalize, lrpc_globalize_served); or their server is stopped for a
 * move. The kernel answers their SYS_LRPC_CALL with UK_EREMOTE,
 * and binding:call hands the call to lrpc.lua's remote function, a message
 * RPC to the interface's clerk, which checks the binding, runs the
 * procedure in the server and answers.
 *
 * Primitives for lrpc.lua (not globals): set_remote(fn), gr_info(binding,
 * procedure), gr_moving(binding), gr_check(binding id, pid, interface id),
 * check_results(interface id, procedure, ...), note(service, procedure,
 * event, latency).
 */
#include <lauxlib.h>
#include <string.h>

#include "lrpc.h"
#include "lua_lrpc.h"
#include "lua_sys.h"
#include "machine.h"
#include "migrate.h"
#include "msg.h"
#include "proc.h"
#include "rpcstat.h"
#include "thread.h"

static int k_remote(lua_State *L, int status, lua_KContext ctx)
{
	(void)status, (void)ctx;
	return lua_gettop(L);
}

int lu_lrpc_remote(lua_State *L)
{
	lua_getfield(L, LUA_REGISTRYINDEX, REMOTE_KEY);
	lua_insert(L, 1);
	lua_callk(L, lua_gettop(L) - 1, LUA_MULTRET, 0, k_remote);
	return lua_gettop(L);
}

/* set_remote(fn): the function binding:call hands a global reference's calls to. */
static int x_set_remote(lua_State *L)
{
	luaL_checktype(L, 1, LUA_TFUNCTION);
	lua_settop(L, 1);
	lua_setfield(L, LUA_REGISTRYINDEX, REMOTE_KEY);
	return 0;
}

/* gr_info(binding, procedure) -> binding id, procedure number, interface
 * name, whether the caller is inside an LRPC procedure (where no message
 * call can be made) */
static int x_gr_info(lua_State *L)
{
	struct thread *t = lu_self(L, "lrpc");
	struct lbinding *b = luaL_checkudata(L, 1, BINDING_META);
	const char *pname = luaL_checkstring(L, 2);
	const struct lrpc_iface *f = lrpc_iface_get(t->m, b->iface);
	uint32_t proc = 0;

	for (uint32_t i = 0; i < f->ex->nprocs && !proc; i++)
		if (strcmp(f->ex->procs[i].name, pname) == 0)
			proc = i + 1;
	lua_pushinteger(L, b->id);
	lua_pushinteger(L, proc);
	lua_pushstring(L, f->name);
	lua_pushboolean(L, t->dom != NULL);
	return 4;
}

/* gr_moving(binding) -> is the interface's server migrating? Its clerk
 * answers once it runs on the target, however long the copy takes. */
static int x_gr_moving(lua_State *L)
{
	struct thread *t = lu_self(L, "lrpc");
	struct lbinding *b = luaL_checkudata(L, 1, BINDING_META);
	const struct lrpc_iface *f = lrpc_iface_get(t->m, b->iface);

	lua_pushboolean(L, f && f->server && migrate_of(t->m, f->server) != NULL);
	return 1;
}

/* gr_check(binding id, pid, interface id) -> is it a binding of process
 * pid to that interface, not revoked (the clerk's check of a request: the
 * binding is the capability, as on an LRPC)? Global or not: a call sent as
 * a global reference may arrive after its client came back and rebound it. */
static int x_gr_check(lua_State *L)
{
	struct thread *t = lu_self(L, "lrpc");
	const struct lrpc_binding *b = lua_isinteger(L, 1) ?
		lrpc_binding_get(t->m, (uint32_t)lua_tointeger(L, 1)) : NULL;

	lua_pushboolean(L, b && !b->gone && !b->revoked &&
			   (lua_Integer)b->client->pid == luaL_checkinteger(L, 2) &&
			   (lua_Integer)b->iface->id == luaL_checkinteger(L, 3));
	return 1;
}

/* check_results(interface id, procedure number, ...) -> true | nil, reason:
 * the results would fit its A-stacks (as post_return checks them). */
static int x_check_results(lua_State *L)
{
	struct thread *t = lu_self(L, "lrpc");
	const struct lrpc_iface *f = lrpc_iface_get(t->m, (uint32_t)luaL_checkinteger(L, 1));
	lua_Integer proc = luaL_checkinteger(L, 2);
	int n = lua_gettop(L) - 2, bad = 0;
	uint64_t bytes = 0, max;
	struct msg *m;

	if (!f || proc < 1 || proc > f->ex->nprocs)
		return luaL_error(L, "lrpc: no such procedure");
	max = f->ex->procs[proc - 1].results;
	if (n > 0 && !(m = lu_lrpc_image(L, 3, n, max, &bytes, &bad))) {
		lua_pushnil(L);
		if (bad)
			lua_pushfstring(L, "lrpc: result %d of %s.%s is a %s: an A-stack holds numbers, "
					   "booleans, nil and strings", bad, f->name,
					f->ex->procs[proc - 1].name, luaL_typename(L, 2 + bad));
		else if (bytes > max)
			lua_pushfstring(L, "lrpc: the results of %s.%s take %d bytes; its A-stacks "
					   "hold %d", f->name, f->ex->procs[proc - 1].name, (int)bytes,
					(int)max);
		else
			lua_pushliteral(L, "out of memory");
		return 2;
	}
	if (n > 0)
		msg_free(m);
	lua_pushboolean(L, 1);
	return 1;
}

/* note(service, procedure, event, latency): the statistics of a global
 * reference's call, kind "lrpc-gr" (rpcstat.h), whose copies are a
 * message RPC's. */
static int x_note(lua_State *L)
{
	static const char *const events[] = { "ok", "failed", "execution", NULL };
	static const enum rpcstat_event ev[] = { RS_CALL_OK, RS_CALL_FAILED, RS_EXECUTION };
	struct thread *t = lu_self(L, "lrpc");
	int e = luaL_checkoption(L, 3, NULL, events);
	lua_Integer lat = luaL_optinteger(L, 4, 0);

	if (rpcstat_note_kind(t->m, luaL_checkstring(L, 1), luaL_checkstring(L, 2), "lrpc-gr", ev[e],
			      lat < 0 ? 0 : (uint64_t)lat, 0, NULL) != 0)
		return luaL_error(L, "out of memory");
	return 0;
}

void lu_lrpc_gr_prims(lua_State *L)
{
	static const luaL_Reg funcs[] = {
		{ "set_remote", x_set_remote },
		{ "gr_info", x_gr_info },
		{ "gr_moving", x_gr_moving },
		{ "gr_check", x_gr_check },
		{ "check_results", x_check_results },
		{ "note", x_note },
		{ NULL, NULL },
	};

	luaL_setfuncs(L, funcs, 0);
}
