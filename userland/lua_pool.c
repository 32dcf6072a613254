/*
 * lua_pool.c - a Lua allocator with free lists of small blocks (API:
 * lua_pool.h).
 *
 * A block of n <= 256 bytes belongs to class (n - 1) / 16 and is allocated
 * with the class's full size, so any block of a class can serve any request
 * of that class. Freed, it goes on its class's list; the lists hold at most
 * POOL_KEEP bytes, beyond which blocks go back to malloc. Larger blocks are
 * plain realloc and free.
 */
#include "lua_pool.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GRAIN 16
#define SMALL_MAX (GRAIN * LU_POOL_CLASSES)
#define POOL_KEEP ((size_t)64 << 20)

static size_t class_of(size_t n)
{
	return (n - 1) / GRAIN;
}

/* A block for n (1..SMALL_MAX) bytes: from its list, or new. */
static void *take(struct lu_pool *pl, size_t n)
{
	size_t c = class_of(n);
	void *p = pl->list[c];

	if (p) {
		memcpy(&pl->list[c], p, sizeof p);
		pl->kept -= (c + 1) * GRAIN;
		return p;
	}
	return malloc((c + 1) * GRAIN);
}

/* Free a block that holds n bytes (its size as Lua knows it). */
static void release(struct lu_pool *pl, void *p, size_t n)
{
	size_t c;

	if (n > SMALL_MAX || pl->kept >= POOL_KEEP) {
		free(p);
		return;
	}
	c = class_of(n);
	memcpy(p, &pl->list[c], sizeof p);
	pl->list[c] = p;
	pl->kept += (c + 1) * GRAIN;
}

/* What pool_alloc does not do itself: new blocks from malloc, blocks that
 * grow or shrink, large blocks (old: the block's size, 0 for a new one).
 * Kept out of line: inlined, it made pool_alloc save five registers on
 * every call, a third of the allocator's instructions. */
__attribute__((noinline)) static void *pool_realloc(struct lu_pool *pl, void *ptr, size_t old,
						   size_t nsize)
{
	void *p;

	if (nsize <= SMALL_MAX) {
		if (ptr && old <= SMALL_MAX && class_of(old) == class_of(nsize))
			return ptr;
		p = take(pl, nsize);
	} else if (ptr && old > SMALL_MAX) {
		p = realloc(ptr, nsize);
		if (!p && nsize <= old)
			return ptr;   /* Lua counts on shrinking to succeed: keep the block */
		return p;
	} else {
		p = malloc(nsize);
	}
	if (!p)
		return ptr && nsize <= old ? ptr : NULL;
	if (ptr) {
		memcpy(p, ptr, old < nsize ? old : nsize);
		release(pl, ptr, old);
	}
	return p;
}

/* The allocator. Its two common cases, a small block freed (free only past
 * POOL_KEEP) and a small block taken from its list, are done here and call
 * nothing, so that they save no registers (a sixth of the instructions of
 * a Lua round trip went into this function before); the rest is
 * pool_realloc's. */
static void *pool_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
	struct lu_pool *pl = ud;

	if (nsize == 0) {
		if (ptr)
			release(pl, ptr, osize);
		return NULL;
	}
	if (!ptr && nsize <= SMALL_MAX && pl->list[class_of(nsize)])
		return take(pl, nsize);
	/* For a new block, osize is the object's type. */
	return pool_realloc(pl, ptr, ptr ? osize : 0, nsize);
}

/* As lauxlib's: say what went wrong before Lua aborts. */
static int panic(lua_State *L)
{
	const char *msg = lua_tostring(L, -1);

	fprintf(stderr, "PANIC: unprotected error in call to Lua API (%s)\n",
		msg ? msg : "error object is not a string");
	fflush(stderr);
	return 0;
}

/* Warnings as lauxlib handles them: off until "@on", a message in pieces
 * joined until its last one. The state is the warning function's data. */
static void warn_off(void *ud, const char *msg, int tocont);
static void warn_on(void *ud, const char *msg, int tocont);

/* "@on" and "@off": 1 when msg was such a control message. */
static int warn_control(lua_State *L, const char *msg, int tocont)
{
	if (tocont || *msg++ != '@')
		return 0;
	if (strcmp(msg, "off") == 0)
		lua_setwarnf(L, warn_off, L);
	else if (strcmp(msg, "on") == 0)
		lua_setwarnf(L, warn_on, L);
	return 1;
}

static void warn_off(void *ud, const char *msg, int tocont)
{
	warn_control(ud, msg, tocont);
}

static void warn_cont(void *ud, const char *msg, int tocont)
{
	fputs(msg, stderr);
	if (tocont) {
		lua_setwarnf(ud, warn_cont, ud);
	} else {
		fputs("\n", stderr);
		lua_setwarnf(ud, warn_on, ud);
	}
}

static void warn_on(void *ud, const char *msg, int tocont)
{
	if (warn_control(ud, msg, tocont))
		return;
	fputs("Lua warning: ", stderr);
	warn_cont(ud, msg, tocont);
}

lua_State *lu_pool_newstate(struct lu_pool *pool)
{
	lua_State *L = lua_newstate(pool_alloc, pool);

	if (L) {
		lua_atpanic(L, panic);
		lua_setwarnf(L, warn_off, L);
		/* Messages make garbage young: the tables a send encodes and a
		 * receive decodes die within a round trip. The generational
		 * collector frees them without walking the long-lived state (the
		 * libraries, the bodies' closures) each cycle: a Lua round trip
		 * costs about 500 instructions less (doc/performance.md). */
		lua_gc(L, LUA_GCGEN, 0, 0);
	}
	return L;
}

void lu_pool_free(struct lu_pool *pool)
{
	for (size_t c = 0; c < LU_POOL_CLASSES; c++)
		while (pool->list[c]) {
			void *p = pool->list[c];
			memcpy(&pool->list[c], p, sizeof p);
			free(p);
		}
	pool->kept = 0;
}
