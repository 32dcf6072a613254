/*
 * lua_memcap.h - a cap on the memory of a Lua state: an allocator that counts
 * the bytes the state holds and refuses to hold more than a limit, so that
 * Lua raises its "not enough memory" error (catchable, as any allocation
 * failure) instead of the host running out of memory.
 *
 * Entry points: lu_memcap_set, lu_memcap_lift, lu_memcap_of, lu_memcap_arm.
 *
 * A state whose scripts run inside protected calls only some of the time
 * (the thread bodies: C code handles their results between two resumes)
 * is armed around the protected parts: outside them the count goes on but
 * nothing is refused, so that C code never meets an allocation failure Lua
 * would turn into a panic.
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
	int disarmed;       /* > 0: refuse nothing for now (lu_memcap_arm) */
	int refused;        /* an allocation was refused since the last lu_memcap_set */
};

/* From now on, refuse any allocation that would take L above max bytes
 * (L may hold more already: it can then only shrink). The allocator L used
 * until now still does the work; cap becomes the data of one that wraps it. */
void lu_memcap_set(lua_State *L, struct lu_memcap *cap, size_t max);

/* Lift the limit of a capped state (the count goes on). */
void lu_memcap_lift(struct lu_memcap *cap);

/* The cap of L (any thread of a capped state), or NULL when L is not capped. */
struct lu_memcap *lu_memcap_of(lua_State *L);

/* The message of an error with status st whose message is msg: when the
 * cap of L refused memory (st is LUA_ERRMEM), msg with the limit, pushed on
 * L (the refusal is then forgotten); else msg. Call with the cap disarmed. */
const char *lu_memcap_explain(lua_State *L, int st, const char *msg);

/* on = 0: stop refusing (the count goes on); on = 1: refuse again past the
 * limit. Calls nest: the cap is armed when every 0 has had its 1. A state
 * is armed when lu_memcap_set caps it. NULL cap: nothing. */
void lu_memcap_arm(struct lu_memcap *cap, int on);

#endif
