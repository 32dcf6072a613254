/*
 * lua_memcap.c - the capped Lua allocator (API: lua_memcap.h).
 *
 * Lua tells its allocator the old size of every block it frees or resizes,
 * so the count is exact without a header per block. The count starts from
 * what the state already holds (lua_gc's count is the same sum), which is
 * why a state can be capped after it has been set up: the blocks allocated
 * before are freed by the same allocator, which the cap only wraps.
 */
#include "lua_memcap.h"

#include <stdint.h>

static void *capped_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
	struct lu_memcap *cap = ud;
	size_t old = ptr ? osize : 0;   /* for a new block, osize is the object's type */
	void *p;

	if (nsize == 0) {
		cap->base(cap->base_ud, ptr, osize, 0);
		cap->used -= old;
		return NULL;
	}
	/* Shrinking always succeeds (Lua counts on it); growing must fit. */
	if (nsize > old && (cap->used > cap->max || nsize - old > cap->max - cap->used))
		return NULL;
	if (!(p = cap->base(cap->base_ud, ptr, osize, nsize)))
		return NULL;
	cap->used = cap->used - old + nsize;
	return p;
}

void lu_memcap_set(lua_State *L, struct lu_memcap *cap, size_t max)
{
	cap->used = (size_t)lua_gc(L, LUA_GCCOUNT) * 1024 + (size_t)lua_gc(L, LUA_GCCOUNTB);
	cap->max = max;
	cap->base = lua_getallocf(L, &cap->base_ud);
	lua_setallocf(L, capped_alloc, cap);
}

void lu_memcap_lift(struct lu_memcap *cap)
{
	cap->max = SIZE_MAX;
}
