/*
 * lua_lrpc.h - what lua_lrpc.c (the LRPC stubs) and lua_lrpc_gr.c (calls
 * of bindings that are global references) share. Not for other modules.
 */
#ifndef UKERN_LUA_LRPC_H
#define UKERN_LUA_LRPC_H

#include <lua.h>
#include <stdint.h>

struct msg;

#define BINDING_META "ukern.lrpc_binding"
#define REMOTE_KEY "ukern.lrpc_remote"

/* A binding as the scenario holds it (a userdata of BINDING_META). */
struct lbinding {
	uint32_t id;          /* the kernel's binding */
	uint32_t iface;
};

/* The n values from idx laid out as an A-stack image. Returns the image,
 * or NULL with *bad the position (from 1) of a value that cannot go on an
 * A-stack, or *bad 0 and *bytes past max (nothing allocated then). */
struct msg *lu_lrpc_image(lua_State *L, int idx, int n, uint64_t max, uint64_t *bytes, int *bad);

/* binding:call on a global reference (the binding at 1, the procedure's
 * name at 2, its arguments after): lrpc.lua's remote function makes the
 * call by message; returns its results, as binding:call does. */
int lu_lrpc_remote(lua_State *L);

/* Add the primitives of global references to the table on top of L. */
void lu_lrpc_gr_prims(lua_State *L);

#endif
