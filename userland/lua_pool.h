/*
 * lua_pool.h - the allocator of the scenario's Lua state: small blocks are
 * kept on free lists by size class and reused, instead of going back to
 * malloc. Every message a Lua body sends or receives makes and drops a few
 * tables, a port handle and their strings; with malloc and free behind each
 * of them, the allocator took about an eighth of a Lua round trip.
 *
 * Lua tells the allocator the size of every block it frees or resizes, so
 * the class of a block is known without a header. Lua's own accounting (and
 * so its garbage collector and lua_memcap.c's count) sees the sizes it
 * asked for, exactly as with the standard allocator: only the host's
 * malloc calls change, never a run's outputs.
 *
 * Entry points: lu_pool_newstate, lu_pool_free.
 */
#ifndef UKERN_LUA_POOL_H
#define UKERN_LUA_POOL_H

#include <lua.h>
#include <stddef.h>

#define LU_POOL_CLASSES 16   /* classes of 16 bytes: blocks up to 256 bytes */

/* The free lists; owned by whoever owns the state, and it must outlive it
 * (lua_close frees through it). Zero it before use. */
struct lu_pool {
	void *list[LU_POOL_CLASSES];
	size_t kept;         /* bytes on the lists */
};

/* A new Lua state allocating through pool, set up as luaL_newstate sets up
 * its own (the panic message; warnings off until "@on"). NULL when memory
 * runs out. */
lua_State *lu_pool_newstate(struct lu_pool *pool);

/* Give the blocks on the lists back to malloc (after lua_close). */
void lu_pool_free(struct lu_pool *pool);

#endif
