/*
 * wire_lua.c - Lua values to the RPC wire encoding and back (the contract:
 * wire_put_lua and wire_push_lua in wire.h; the codec itself: wire.c).
 *
 * The one idea: a Lua value goes out as the wire's most specific type (an
 * integer as i32 when it fits, text as a string, a sequence as an array),
 * with table keys sorted as marshal.c sorts them so that equal tables give
 * equal bytes, and comes back as plain Lua values. Nothing here raises a
 * Lua error of its own: what cannot travel or be read is reported in err,
 * and only a lack of memory can still raise.
 *
 * Entry points: wire_put_lua, wire_push_lua.
 */
#include "wire.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wire_impl.h"

static const char E_STACK[] = "out of Lua stack space";

/* ---- Lua values to the wire ---- */

/* A table key, copied out of Lua so that keys can be sorted in C (as in
 * marshal.c). A string's bytes stay valid while its table is on the stack. */
struct wkey {
	int cls;             /* 0 integer, 1 float, 2 string, 3 boolean: the order on the wire */
	lua_Integer i;       /* an integer key, or a boolean's 0 or 1 */
	lua_Number d;
	const char *s;
	size_t len;          /* bytes */
};

#define SMALL_TABLE 32   /* keys sorted in a C array on the stack; more go in a userdata */

/* What a table is made of, from one pass over its keys. */
struct wscan {
	size_t n;            /* keys */
	int seq;             /* all keys integers >= 1 so far */
	lua_Integer max;     /* the largest of them */
};

static void put_lua(lua_State *L, int idx, struct wbuf *w, int depth);

/* Keys order: integers, other numbers, strings (bytewise), booleans. */
static int key_cmp(const void *pa, const void *pb)
{
	const struct wkey *a = pa, *b = pb;
	int c;

	if (a->cls != b->cls)
		return a->cls - b->cls;
	switch (a->cls) {
	case 1:
		return (a->d > b->d) - (a->d < b->d);
	case 2:
		c = memcmp(a->s, b->s, a->len < b->len ? a->len : b->len);
		return c ? c : (a->len > b->len) - (a->len < b->len);
	default:
		return (a->i > b->i) - (a->i < b->i);
	}
}

static const char *cannot_pass(int type)
{
	switch (type) {
	case LUA_TFUNCTION:
		return "cannot pass a value of type function";
	case LUA_TTHREAD:
		return "cannot pass a value of type thread";
	case LUA_TNONE:
		return "cannot pass a value of type no value";
	default:
		return "cannot pass a value of type userdata";
	}
}

static const char *cannot_key(int type)
{
	switch (type) {
	case LUA_TTABLE:
		return "cannot pass a table with a key of type table";
	case LUA_TFUNCTION:
		return "cannot pass a table with a key of type function";
	case LUA_TTHREAD:
		return "cannot pass a table with a key of type thread";
	default:
		return "cannot pass a table with a key of type userdata";
	}
}

static void put_integer(struct wbuf *w, lua_Integer i)
{
	if (i >= INT32_MIN && i <= INT32_MAX)
		wire_put_i32(w, (int32_t)i);
	else
		wire_put_i64(w, (int64_t)i);
}

/* Copy the key on top of the stack into k; -1 (w->err set) for a key of a
 * type that cannot travel. */
static int key_from_lua(lua_State *L, struct wkey *k, struct wbuf *w)
{
	switch (lua_type(L, -1)) {
	case LUA_TNUMBER:
		k->cls = lua_isinteger(L, -1) ? 0 : 1;
		k->i = lua_tointeger(L, -1);
		k->d = lua_tonumber(L, -1);
		return 0;
	case LUA_TSTRING:
		k->cls = 2;
		k->s = lua_tolstring(L, -1, &k->len);
		return 0;
	case LUA_TBOOLEAN:
		k->cls = 3;
		k->i = lua_toboolean(L, -1);
		return 0;
	default:
		wire_wfail(w, cannot_key(lua_type(L, -1)));
		return -1;
	}
}

/* Count the keys of the table at idx and see whether they are exactly
 * 1..n; -1 (w->err set) on a key that cannot travel. */
static int scan_keys(lua_State *L, int idx, struct wscan *sc, struct wbuf *w)
{
	struct wkey k;

	*sc = (struct wscan){ 0, 1, 0 };
	lua_pushnil(L);
	while (lua_next(L, idx)) {
		lua_pop(L, 1);
		if (key_from_lua(L, &k, w)) {
			lua_pop(L, 1);
			return -1;
		}
		sc->seq = sc->seq && k.cls == 0 && k.i >= 1;
		if (k.cls == 0 && k.i > sc->max)
			sc->max = k.i;
		sc->n++;
	}
	return 0;
}

/* Copy at most max keys of the table at idx into k; returns how many. Fewer
 * than scan_keys counted if the collector emptied weak entries since. */
static size_t collect_keys(lua_State *L, int idx, struct wkey *k, size_t max, struct wbuf *w)
{
	size_t n = 0;

	lua_pushnil(L);
	while (lua_next(L, idx)) {
		lua_pop(L, 1);
		if (n < max && key_from_lua(L, &k[n], w) == 0)
			n++;
	}
	return n;
}

/* Encode key k and push it (to look its value up). */
static void put_key(lua_State *L, const struct wkey *k, struct wbuf *w)
{
	switch (k->cls) {
	case 0:
		put_integer(w, k->i);
		lua_pushinteger(L, k->i);
		break;
	case 1:
		wire_put_f64(w, k->d);
		lua_pushnumber(L, k->d);
		break;
	case 2:
		wire_put_text(w, k->s, k->len);
		lua_pushlstring(L, k->s, k->len);
		break;
	default:
		wire_put_bool(w, (int)k->i);
		lua_pushboolean(L, (int)k->i);
		break;
	}
}

static void put_array_lua(lua_State *L, int idx, size_t n, struct wbuf *w, int depth)
{
	wire_put_array(w, (uint32_t)n);
	for (size_t i = 1; i <= n && !w->err; i++) {
		lua_rawgeti(L, idx, (lua_Integer)i);
		put_lua(L, lua_gettop(L), w, depth + 1);
		lua_pop(L, 1);
	}
}

/* A table that cannot fit is refused before its keys are copied out (into
 * a userdata, so that a memory error leaks nothing). */
static void put_pairs_lua(lua_State *L, int idx, size_t n, struct wbuf *w, int depth)
{
	struct wkey small[SMALL_TABLE], *k = small;

	if (!wire_room_for(w, n, 2)) {
		wire_wfail(w, wire_e_too_big);
		return;
	}
	if (n > SMALL_TABLE)
		k = lua_newuserdatauv(L, n * sizeof *k, 0);
	n = collect_keys(L, idx, k, n, w);
	qsort(k, n, sizeof *k, key_cmp);
	wire_put_table(w, (uint32_t)n);
	for (size_t i = 0; i < n && !w->err; i++) {
		put_key(L, &k[i], w);
		lua_rawget(L, idx);
		put_lua(L, lua_gettop(L), w, depth + 1);
		lua_pop(L, 1);
	}
	if (k != small)
		lua_pop(L, 1);
}

/* Only the table's own contents travel: raw access, no metamethods. */
static void put_table_lua(lua_State *L, int idx, struct wbuf *w, int depth)
{
	struct wscan sc;

	if (depth >= WIRE_MAX_DEPTH) {
		wire_wfail(w, wire_e_too_deep);
		return;
	}
	if (!lua_checkstack(L, 4)) {
		wire_wfail(w, E_STACK);
		return;
	}
	if (scan_keys(L, idx, &sc, w))
		return;
	if (sc.n >= 1 && sc.seq && (lua_Unsigned)sc.max == sc.n)
		put_array_lua(L, idx, sc.n, w, depth);
	else
		put_pairs_lua(L, idx, sc.n, w, depth);
}

/* Encode the value at absolute index idx; the stack is left as found. */
static void put_lua(lua_State *L, int idx, struct wbuf *w, int depth)
{
	const char *s;
	size_t len;

	switch (lua_type(L, idx)) {
	case LUA_TNIL:
		wire_put_nil(w);
		break;
	case LUA_TBOOLEAN:
		wire_put_bool(w, lua_toboolean(L, idx));
		break;
	case LUA_TNUMBER:
		if (lua_isinteger(L, idx))
			put_integer(w, lua_tointeger(L, idx));
		else
			wire_put_f64(w, (double)lua_tonumber(L, idx));
		break;
	case LUA_TSTRING:
		s = lua_tolstring(L, idx, &len);
		wire_put_text(w, s, len);
		break;
	case LUA_TTABLE:
		put_table_lua(L, idx, w, depth);
		break;
	default:
		wire_wfail(w, cannot_pass(lua_type(L, idx)));
		break;
	}
}

void wire_put_lua(lua_State *L, int idx, struct wbuf *w)
{
	if (!w->err)
		put_lua(L, lua_absindex(L, idx), w, 0);
}

/* ---- the wire to Lua values ---- */

static int push_value(lua_State *L, struct wreader *r);

static int push_array(lua_State *L, struct wreader *r)
{
	int64_t n = wire_get_array(r);
	int rc = 0;

	if (n < 0 || wire_enter(r))
		return -1;
	lua_createtable(L, (int)n, 0);
	for (int64_t i = 1; i <= n && rc == 0; i++) {
		rc = push_value(L, r);
		if (rc == 0)
			lua_rawseti(L, -2, (lua_Integer)i);
	}
	r->depth--;
	return rc;
}

/* Only scalars can be keys, and NaN not even then (lua_rawset would raise). */
static int push_key(lua_State *L, struct wreader *r)
{
	int tag = wire_next_tag(r);

	if (tag == WT_NIL || tag == WT_ARRAY || tag == WT_TABLE) {
		snprintf(r->errbuf, sizeof r->errbuf, "a table key of type %s", wire_tag_name[tag]);
		wire_rfail(r, r->errbuf);
		return -1;
	}
	if (tag < 0 || push_value(L, r))
		return -1;
	if (tag == WT_F64 && lua_tonumber(L, -1) != lua_tonumber(L, -1)) {
		wire_rfail(r, "a table key that is NaN");
		return -1;
	}
	return 0;
}

static int push_table(lua_State *L, struct wreader *r)
{
	int64_t n = wire_get_table(r);
	int rc = 0;

	if (n < 0 || wire_enter(r))
		return -1;
	lua_createtable(L, 0, (int)n);
	for (int64_t i = 0; i < n && rc == 0; i++) {
		rc = (push_key(L, r) || push_value(L, r)) ? -1 : 0;
		if (rc == 0)
			lua_rawset(L, -3);
	}
	r->depth--;
	return rc;
}

/* A string or bytes value: a Lua string either way. */
static int push_blob(lua_State *L, struct wreader *r, enum wire_tag tag)
{
	size_t len;
	const char *s = tag == WT_STRING ? wire_get_string(r, &len) : wire_get_bytes(r, &len);

	if (!s)
		return -1;
	lua_pushlstring(L, s, len);
	return 0;
}

/* Push one value; on failure the stack may hold partial work, which
 * wire_push_lua drops. */
static int push_value(lua_State *L, struct wreader *r)
{
	int tag;

	if (!lua_checkstack(L, 3)) {
		wire_rfail(r, E_STACK);
		return -1;
	}
	tag = wire_next_tag(r);
	switch (tag) {
	case WT_NIL:
		lua_pushnil(L);
		return wire_get_nil(r);
	case WT_FALSE:
	case WT_TRUE:
		lua_pushboolean(L, wire_get_bool(r) == 1);
		break;
	case WT_I32:
	case WT_I64:
		lua_pushinteger(L, (lua_Integer)wire_get_i64(r));
		break;
	case WT_F64:
		lua_pushnumber(L, (lua_Number)wire_get_f64(r));
		break;
	case WT_STRING:
	case WT_BYTES:
		return push_blob(L, r, (enum wire_tag)tag);
	case WT_ARRAY:
		return push_array(L, r);
	case WT_TABLE:
		return push_table(L, r);
	default:
		return -1;
	}
	return r->err ? -1 : 0;
}

int wire_push_lua(lua_State *L, struct wreader *r)
{
	int top = lua_gettop(L);

	if (push_value(L, r) == 0)
		return 0;
	lua_settop(L, top);
	return -1;
}
