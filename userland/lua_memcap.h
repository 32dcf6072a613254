/*
 * lua_memcap.h - a cap on the memory of a Lua state: an allocator that counts
 * the bytes the state holds and refuses to hold more than a limit, so that
 * Lua raises its "not enough memory" error (catchable, as any allocation
 * failure) instead of the host running out of memory.
 *
 * Entry points: lu_memcap_set, lu_memcap_lift.
 */
#ifndef UKERN_LUA_MEMCAP_H
#define UKERN_LUA_MEMCAP_H

#include <lua.h>
#include <stddef.h>

/* The count and the limit; owned by whoever owns the state, and it must
 * outlive it (lua_close frees through it). */
struct lu_memcap {
	size_t used;        /* bytes the state holds now */
	size_t max;         /* bytes it may hold; SIZE_MAX: no limit */
	lua_Alloc base;     /* the state's allocator before the cap, which it wraps */
	void *base_ud;
};

/* From now on, refuse any allocation that would take L above max bytes
 * (L may hold more already: it can then only shrink). The allocator L used
 * until now still does the work; cap becomes the data of one that wraps it. */
void lu_memcap_set(lua_State *L, struct lu_memcap *cap, size_t max);

/* Lift the limit of a capped state (the count goes on). */
void lu_memcap_lift(struct lu_memcap *cap);

#endif
