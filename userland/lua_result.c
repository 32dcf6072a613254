/*
 * lua_result.c - result(name, value): a figure of the scenario's own,
 * recorded for the statistics (doc/scenario-api.md section 10a) and for
 * ukern sweep's columns. The loader gives it the scenario's results
 * (results.h), which the machine it builds points at; so result() works
 * the same at the top level, before any machine exists, and in a body.
 *
 * It is not a system call: it costs no simulated time, never blocks and
 * can be called wherever scenario code runs.
 */
#include "lua_sys.h"

#include <lauxlib.h>
#include <limits.h>
#include <math.h>
#include <string.h>

#include "results.h"

/* Bytes of an invalid name a message shows: a name just too long whole. */
#define SHOWN_MAX 80

#define NAME_RULE "1 to 63 letters, digits, '_', '.' or '-', starting with a letter"

/* What the value at idx is, for a message: "nil", "a string (\"3\")",
 * "a boolean (true)", "a table". */
static const char *what(lua_State *L, int idx)
{
	switch (lua_type(L, idx)) {
	case LUA_TNONE:
	case LUA_TNIL:
		return "nil";
	case LUA_TSTRING:
		if (lua_rawlen(L, idx) > 40)
			return lua_pushfstring(L, "a string of %d bytes", (int)lua_rawlen(L, idx));
		lua_getglobal(L, "string");
		lua_getfield(L, -1, "format");
		lua_pushliteral(L, "%q");
		lua_pushvalue(L, idx);
		lua_call(L, 2, 1);
		return lua_pushfstring(L, "a string (%s)", lua_tostring(L, -1));
	case LUA_TNUMBER:
	case LUA_TBOOLEAN:
		return lua_pushfstring(L, "a %s (%s)", luaL_typename(L, idx), luaL_tolstring(L, idx, NULL));
	default:
		return lua_pushfstring(L, "a %s", luaL_typename(L, idx));
	}
}

/* An invalid name as a message shows it: on one line (a byte that is not
 * printable ASCII as '?') and at most SHOWN_MAX bytes, then "... (N bytes)". */
static const char *shown_name(lua_State *L, const char *name, size_t len)
{
	luaL_Buffer b;
	size_t n = len < SHOWN_MAX ? len : SHOWN_MAX;

	luaL_buffinit(L, &b);
	for (size_t i = 0; i < n; i++)
		luaL_addchar(&b, name[i] >= ' ' && name[i] <= '~' ? name[i] : '?');
	if (n < len) {
		luaL_addstring(&b, "...");
		lua_pushfstring(L, " (%d bytes)", (int)(len > INT_MAX ? INT_MAX : len));
		luaL_addvalue(&b);
	}
	luaL_pushresult(&b);
	return lua_tostring(L, -1);
}

/* The name at 1, checked; raises an error at the caller's line when it is
 * not a valid name. */
static const char *check_name(lua_State *L)
{
	size_t len;
	const char *name, *why;

	if (lua_type(L, 1) != LUA_TSTRING)
		luaL_error(L, "result: the name must be a string of " NAME_RULE ", not %s",
			   what(L, 1));
	name = lua_tolstring(L, 1, &len);
	if ((why = results_check_name(name, len)))
		luaL_error(L, "result: invalid name '%s': %s (a name is " NAME_RULE ")",
			   shown_name(L, name, len), why);
	return name;
}

/* result(name, value): record value (a finite number) under name; the
 * last value recorded under a name wins. */
static int l_result(lua_State *L)
{
	struct results *r = lua_touserdata(L, lua_upvalueindex(1));
	const char *name = check_name(L);
	int rc;

	if (lua_type(L, 2) != LUA_TNUMBER)
		return luaL_error(L, "result '%s': the value must be a number, not %s", name,
				  what(L, 2));
	if (lua_isinteger(L, 2)) {
		rc = results_set_int(r, name, (int64_t)lua_tointeger(L, 2));
	} else {
		double v = (double)lua_tonumber(L, 2);
		if (!isfinite(v))
			return luaL_error(L, "result '%s': the value must be a finite number, not %s",
					  name, isnan(v) ? "nan" : v > 0 ? "inf" : "-inf");
		rc = results_set_float(r, name, v);
	}
	if (rc == -2)
		return luaL_error(L, "result '%s': the run has recorded %d results, the most one run "
				     "may record (names made in a loop?)", name, UK_MAX_RESULTS);
	if (rc != 0)
		return luaL_error(L, "out of memory");
	return 0;
}

void lu_open_result(lua_State *L, struct results *r)
{
	lua_pushlightuserdata(L, r);
	lua_pushcclosure(L, l_result, 1);
	lua_setglobal(L, "result");
}
