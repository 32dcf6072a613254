/*
 * test_lua_mem.c: unit tests for the capped Lua allocator (lua_mem): the
 * count, the cap, lifting it; and for the pooled allocator under it
 * (lua_pool): blocks reused by size class, resized and freed correctly.
 *
 * The one idea: the count is exact - it equals Lua's own count at every
 * moment and comes back to zero when the state is closed - so a cap of N
 * bytes means N bytes, and going past it is Lua's ordinary, catchable
 * "not enough memory", after which the state goes on working.
 */
#include <stdint.h>
#include <string.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <lauxlib.h>
#include <lualib.h>

#include "lua_memcap.h"
#include "lua_pool.h"

/* What Lua itself counts, in bytes. */
static size_t lua_count(lua_State *L)
{
	return (size_t)lua_gc(L, LUA_GCCOUNT) * 1024 + (size_t)lua_gc(L, LUA_GCCOUNTB);
}

static lua_State *capped_state(struct lu_memcap *cap, size_t room)
{
	lua_State *L = luaL_newstate();

	assert_non_null(L);
	luaL_openlibs(L);
	lu_memcap_set(L, cap, lua_count(L) + room);
	return L;
}

/* Run chunk; returns its status, the message left in msg. */
static int run(lua_State *L, const char *chunk, char *msg, size_t len)
{
	int st = luaL_loadstring(L, chunk);

	if (st == LUA_OK)
		st = lua_pcall(L, 0, 0, 0);
	snprintf(msg, len, "%s", st == LUA_OK ? "" : lua_tostring(L, -1));
	lua_settop(L, 0);
	return st;
}

static void test_count_is_exact(void **state)
{
	struct lu_memcap cap;
	lua_State *L = capped_state(&cap, SIZE_MAX / 2);
	char msg[128];

	(void)state;
	assert_int_equal(cap.used, lua_count(L));
	assert_int_equal(run(L, "t = {} for i = 1, 1000 do t[i] = ('x'):rep(i) end", msg,
			     sizeof msg), LUA_OK);
	assert_int_equal(cap.used, lua_count(L));
	assert_int_equal(run(L, "t = nil collectgarbage()", msg, sizeof msg), LUA_OK);
	assert_int_equal(cap.used, lua_count(L));
	lua_close(L);
	assert_int_equal(cap.used, 0);       /* every block came back through it */
}

static void test_cap_refuses_and_state_goes_on(void **state)
{
	struct lu_memcap cap;
	lua_State *L = capped_state(&cap, 256 * 1024);
	char msg[128];

	(void)state;
	assert_int_equal(run(L, "big = ('x'):rep(1 << 20)", msg, sizeof msg), LUA_ERRMEM);
	assert_string_equal(msg, "not enough memory");
	assert_true(cap.used <= cap.max);
	assert_int_equal(run(L, "t = {} for i = 1, 1e6 do t[i] = i end", msg, sizeof msg),
			 LUA_ERRMEM);
	assert_true(cap.used <= cap.max);
	/* Caught like any error, and the state still works. */
	assert_int_equal(run(L, "t = nil collectgarbage() "
				"assert(not pcall(string.rep, 'x', 1 << 20)) small = ('y'):rep(1000)",
			     msg, sizeof msg), LUA_OK);
	lua_close(L);
	assert_int_equal(cap.used, 0);
}

static void test_lift(void **state)
{
	struct lu_memcap cap;
	lua_State *L = capped_state(&cap, 64 * 1024);
	char msg[128];

	(void)state;
	assert_int_equal(run(L, "big = ('x'):rep(1 << 20)", msg, sizeof msg), LUA_ERRMEM);
	lu_memcap_lift(&cap);
	assert_int_equal(run(L, "big = ('x'):rep(1 << 20)", msg, sizeof msg), LUA_OK);
	assert_true(cap.used > 1 << 20);
	assert_int_equal(cap.used, lua_count(L));
	lua_close(L);
	assert_int_equal(cap.used, 0);
}

/* A cap below what the state holds already: it can only shrink. */
static void test_cap_below_use(void **state)
{
	struct lu_memcap cap;
	lua_State *L = luaL_newstate();
	char msg[128];

	(void)state;
	luaL_openlibs(L);
	assert_int_equal(run(L, "keep = ('k'):rep(100000)", msg, sizeof msg), LUA_OK);
	lu_memcap_set(L, &cap, 1024);
	assert_true(cap.used > cap.max);
	assert_int_equal(run(L, "more = ('m'):rep(100000)", msg, sizeof msg), LUA_ERRMEM);
	lu_memcap_lift(&cap);
	assert_int_equal(run(L, "keep = nil collectgarbage()", msg, sizeof msg), LUA_OK);
	assert_int_equal(cap.used, lua_count(L));
	lua_close(L);
	assert_int_equal(cap.used, 0);
}

/* Disarmed, the cap refuses nothing (the count goes on); arming nests; the
 * state's cap is found from any of its threads. */
static void test_arm(void **state)
{
	struct lu_memcap cap;
	lua_State *L = capped_state(&cap, 64 * 1024), *co;
	char msg[128];

	(void)state;
	co = lua_newthread(L);
	assert_ptr_equal(lu_memcap_of(L), &cap);
	assert_ptr_equal(lu_memcap_of(co), &cap);
	lua_pop(L, 1);
	assert_int_equal(cap.refused, 0);
	lu_memcap_arm(&cap, 0);
	lu_memcap_arm(&cap, 0);
	assert_int_equal(run(L, "big = ('b'):rep(200000)", msg, sizeof msg), LUA_OK);
	assert_true(cap.used > cap.max);
	assert_int_equal(cap.used, lua_count(L));
	lu_memcap_arm(&cap, 1);
	assert_int_equal(run(L, "more = ('m'):rep(100)", msg, sizeof msg), LUA_OK);
	assert_int_equal(cap.refused, 0);
	lu_memcap_arm(&cap, 1);
	assert_int_equal(run(L, "more = ('m'):rep(200000)", msg, sizeof msg), LUA_ERRMEM);
	assert_int_equal(cap.refused, 1);
	lua_close(L);
	assert_int_equal(cap.used, 0);
	/* An uncapped state has none; a NULL cap is ignored. */
	L = luaL_newstate();
	assert_null(lu_memcap_of(L));
	lu_memcap_arm(NULL, 0);
	lua_close(L);
}

/* The pool's allocator: a freed small block goes on its class's list and
 * serves the next request of that class; a resize within the class keeps
 * the block, one across classes or sizes moves the contents. */
static void test_pool_blocks(void **state)
{
	struct lu_pool pool;
	lua_State *L;
	lua_Alloc f;
	void *ud, *p, *q, *r, *big;
	unsigned char *b;

	(void)state;
	memset(&pool, 0, sizeof pool);
	L = lu_pool_newstate(&pool);
	assert_non_null(L);
	f = lua_getallocf(L, &ud);
	assert_ptr_equal(ud, &pool);

	p = f(ud, NULL, LUA_TTABLE, 40);          /* class 2: 33 to 48 bytes */
	assert_non_null(p);
	assert_null(f(ud, p, 40, 0));
	assert_ptr_equal(pool.list[2], p);
	assert_int_equal(pool.kept, 48);
	q = f(ud, NULL, LUA_TSTRING, 33);         /* the same class: the same block */
	assert_ptr_equal(q, p);
	assert_null(pool.list[2]);
	assert_int_equal(pool.kept, 0);
	assert_ptr_equal(f(ud, q, 33, 48), q);    /* grown within its class: kept */

	memset(q, 'a', 48);
	r = f(ud, q, 48, 100);                    /* to class 6: moved, q freed */
	assert_non_null(r);
	assert_ptr_not_equal(r, q);
	assert_memory_equal(r, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 48);
	assert_ptr_equal(pool.list[2], q);
	assert_int_equal(pool.kept, 48);

	big = f(ud, NULL, 0, 1000);               /* large: malloc, realloc, free */
	assert_non_null(big);
	memset(big, 'b', 1000);
	big = f(ud, big, 1000, 5000);
	assert_non_null(big);
	b = big;
	assert_int_equal(b[0], 'b');
	assert_int_equal(b[999], 'b');
	big = f(ud, big, 5000, 10);               /* shrunk to a small block: moved */
	assert_non_null(big);
	assert_memory_equal(big, "bbbbbbbbbb", 10);
	assert_null(f(ud, NULL, 0, 0));           /* freeing NULL: nothing */

	assert_null(f(ud, big, 10, 0));
	assert_null(f(ud, r, 100, 0));
	assert_int_equal(pool.kept, 48 + 16 + 112);
	/* A state on the pool works; closed, its small blocks are on the lists. */
	luaL_openlibs(L);
	assert_int_equal(luaL_dostring(L, "local t = {} for i = 1, 1000 do t[i] = { i, tostring(i) } end "
				       "t = nil collectgarbage()"), LUA_OK);
	lua_close(L);
	assert_true(pool.kept > 48 + 16 + 112);
	lu_pool_free(&pool);
	assert_int_equal(pool.kept, 0);
	for (int c = 0; c < LU_POOL_CLASSES; c++)
		assert_null(pool.list[c]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_count_is_exact),
		cmocka_unit_test(test_cap_refuses_and_state_goes_on),
		cmocka_unit_test(test_lift),
		cmocka_unit_test(test_cap_below_use),
		cmocka_unit_test(test_arm),
		cmocka_unit_test(test_pool_blocks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
