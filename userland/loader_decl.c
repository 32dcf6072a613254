/*
 * loader_decl.c - reading the declaration tables of machine, job and
 * process: typed fields with defaults, unknown keys refused, the thread
 * model fields.
 */
#include "loader_decl.h"

#include <lauxlib.h>
#include <string.h>

#include "lua_sys.h"
#include "time/clock.h"

/* The scenario being declared. Declarations belong to the top level: once
 * the simulation runs, the machine is built and they would change nothing. */
struct scenario *scenario_of(lua_State *L, const char *fn)
{
	struct scenario *s = lua_touserdata(L, lua_upvalueindex(1));

	if (s->built)
		luaL_error(L, "%s() declares the machine and can only be used at the top level of "
			      "the scenario, not inside a thread body", fn);
	return s;
}

/* Field key of the declaration table at 1 as a duration (absent: dflt). */
uint64_t field_duration(lua_State *L, const char *fn, const char *key, uint64_t dflt)
{
	uint64_t ns = dflt;

	if (lua_getfield(L, 1, key) != LUA_TNIL && lu_toduration(L, -1, &ns) != 0) {
		/* a number of ms past the range is no malformed duration */
		if (lua_type(L, -1) == LUA_TNUMBER && lua_tonumber(L, -1) * 1e6 >= 0x1p64)
			luaL_error(L, "%s: '%s' = %s ms is too large (a duration is under 2^64 ns, "
				      "about 584 years)", fn, key, lu_shown(L, -1));
		luaL_error(L, "%s: '%s' must be a duration (a number of ms, or \"250ns\", \"5us\", "
			      "\"10ms\", \"2s\"), not '%s'", fn, key, lu_shown(L, -1));
	}
	lua_pop(L, 1);
	return ns;
}

lua_Integer field_int(lua_State *L, const char *fn, const char *key, lua_Integer dflt,
		      lua_Integer lo, lua_Integer hi)
{
	lua_Integer v = dflt;

	if (lua_getfield(L, 1, key) != LUA_TNIL) {
		int ok;
		v = lua_tointegerx(L, -1, &ok);
		if (!ok || lua_type(L, -1) != LUA_TNUMBER || v < lo || v > hi)
			luaL_error(L, "%s: '%s' must be an integer from %I to %I, not '%s'", fn, key, lo,
				   hi, lu_shown(L, -1));
	}
	lua_pop(L, 1);
	return v;
}

const char *field_string(lua_State *L, const char *fn, const char *key, const char *dflt)
{
	const char *s = dflt;
	int t = lua_getfield(L, 1, key);

	if (t != LUA_TNIL) {
		if (t != LUA_TSTRING)
			luaL_error(L, "%s: '%s' must be a string, not a %s", fn, key, lua_typename(L, t));
		s = lua_tostring(L, -1);
	}
	lua_pop(L, 1);   /* the string stays alive in the declaration table */
	return s;
}

int field_bool(lua_State *L, const char *fn, const char *key, int dflt)
{
	int t = lua_getfield(L, 1, key), v = dflt;

	if (t != LUA_TNIL) {
		if (t != LUA_TBOOLEAN)
			luaL_error(L, "%s: '%s' must be true or false, not a %s", fn, key,
				   lua_typename(L, t));
		v = lua_toboolean(L, -1);
	}
	lua_pop(L, 1);
	return v;
}

/* Push the name the declaration table at 1 gives as its positional value
 * pos or, when by_key, as name = "x" (nil when it gives none). Refused: a
 * name given both ways, one of which would be dropped, and a number, which
 * Lua would quietly turn into a string (42 into "42"); what names the value
 * in that message ("'name'", "the second value"). */
void push_name(lua_State *L, const char *fn, const char *what, int pos, int by_key)
{
	int top = lua_gettop(L);

	lua_rawgeti(L, 1, pos);
	if (by_key) {
		lua_getfield(L, 1, "name");
		if (!lua_isnil(L, -1) && !lua_isnil(L, -2)) {
			const char *first = lu_shown(L, top + 1), *key = lu_shown(L, top + 2);
			luaL_error(L, "%s: the name is given twice, '%s' and name = '%s'; give one", fn,
				   first, key);
		}
		lua_remove(L, lua_isnil(L, -1) ? -1 : -2);   /* keep the one given */
	}
	if (lua_type(L, -1) == LUA_TNUMBER) {
		const char *number = lu_shown(L, -1);
		luaL_error(L, "%s: %s must be a string (\"%s\"), not the number %s", fn, what,
			   number, number);
	}
}

/* Reject keys of the table at 1 that are not in known (NULL-terminated). */
void check_keys(lua_State *L, const char *fn, const char *const *known, int positional)
{
	lua_pushnil(L);
	while (lua_next(L, 1)) {
		int ok = 0;
		lua_pop(L, 1);
		if (lua_type(L, -1) == LUA_TSTRING) {
			for (const char *const *k = known; *k && !ok; k++)
				ok = strcmp(*k, lua_tostring(L, -1)) == 0;
		} else if (positional && lua_isinteger(L, -1) && lua_tointeger(L, -1) == 1) {
			ok = 1;
		}
		if (!ok && !*known)
			luaL_error(L, "%s: unknown field '%s' (it takes none)", fn, lu_shown(L, -1));
		if (!ok) {
			const char *key = lu_shown(L, -1);
			luaL_Buffer b;
			luaL_buffinit(L, &b);
			for (const char *const *k = known; *k; k++) {
				luaL_addstring(&b, *k);
				if (k[1])
					luaL_addstring(&b, ", ");
			}
			luaL_pushresult(&b);
			luaL_error(L, "%s: unknown field '%s' (known fields: %s)", fn, key,
				   lua_tostring(L, -1));
		}
	}
}

static const char *const model_names[] = { "one-to-one", "many-to-one", "many-to-many", NULL };

/* The thread-model fields of the declaration table at 1 (threads, lwps,
 * activations, user_quantum); what is absent stays as in *tm. */
void thread_model(lua_State *L, const char *fn, struct tmodel *tm)
{
	const char *model = field_string(L, fn, "threads", NULL);

	if (model) {
		int i;
		for (i = 0; model_names[i] && strcmp(model_names[i], model); i++)
			;
		if (!model_names[i])
			luaL_error(L, "%s: threads = \"%s\": expected \"one-to-one\", \"many-to-one\" or "
				      "\"many-to-many\"", fn, model);
		tm->model = i;
	}
	tm->nlwp = field_int(L, fn, "lwps", tm->nlwp, -1, 1024);
	if (tm->nlwp == 0)
		luaL_error(L, "%s: 'lwps' must be at least 1", fn);
	tm->activations = field_bool(L, fn, "activations", tm->activations);
	tm->uquantum_ns = field_duration(L, fn, "user_quantum", tm->uquantum_ns);
}

/* Field key (drift or offset) as text for its parser: a string, or a number
 * written as Lua writes it (a bare offset is ms). NULL when absent. */
static const char *clock_text(lua_State *L, const char *fn, const char *key)
{
	int t = lua_getfield(L, 1, key);

	lua_pop(L, 1);   /* the value stays alive in the declaration table */
	if (t == LUA_TNIL)
		return NULL;
	if (t != LUA_TSTRING && t != LUA_TNUMBER)
		luaL_error(L, "%s: '%s' must be a string such as %s, not a %s", fn, key,
			   strcmp(key, "drift") == 0 ? "\"20us/s\" or \"-5ppm\"" : "\"+3ms\"",
			   lua_typename(L, t));
	lua_getfield(L, 1, key);
	return lua_pushstring(L, lua_tostring(L, -1));
}

void clock_fields(lua_State *L, const char *fn, struct clockdecl *c)
{
	char err[200];
	const char *text;

	if ((text = clock_text(L, fn, "drift"))) {
		if (dclock_parse_drift(text, &c->drift, err, sizeof err) != 0)
			luaL_error(L, "%s: %s", fn, err);
		c->given |= CLOCK_DRIFT;
		lua_pop(L, 2);
	}
	if ((text = clock_text(L, fn, "offset"))) {
		if (dclock_parse_offset(text, &c->offset, err, sizeof err) != 0)
			luaL_error(L, "%s: %s", fn, err);
		c->given |= CLOCK_OFFSET;
		lua_pop(L, 2);
	}
}
