/*
 * marshal.c - the canonical encoding of messages (format in marshal.h).
 *
 * Encoding builds the bytes in a malloc'd buffer owned by a userdata with
 * a __gc metamethod, so that a Lua error in the middle (a function in a
 * field) leaks nothing, then copies them into the message. (A luaL_Buffer
 * would not do: it forbids using the stack in between, and sorting keys
 * needs it.) Decoding checks every length against the payload: a C program
 * may send anything.
 */
#include "marshal.h"

#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>

#include "uk_limits.h"
#include "lua_sys.h"
#include "msg.h"
#include "uk_err.h"

#define ENC_META "ukern.marshal"

struct enc {
	lua_State *L;
	char *buf;
	size_t len, cap;
	uint32_t pid;
	int err;
	uint32_t nvalues;
	uint8_t nrights;
	int32_t names[UK_MSG_MAX_RIGHTS];
};

static void put(struct enc *e, const void *p, size_t n)
{
	if (n > UK_MSG_MAX_BYTES || e->len + n > UK_MSG_MAX_BYTES)
		luaL_error(e->L, "message larger than the limit of %d bytes", UK_MSG_MAX_BYTES);
	if (e->len + n > e->cap) {
		size_t cap = e->cap ? e->cap : 128;
		char *b;
		while (cap < e->len + n)
			cap *= 2;
		b = realloc(e->buf, cap);
		if (!b)
			luaL_error(e->L, "out of memory marshalling a message");
		e->buf = b;
		e->cap = cap;
	}
	memcpy(e->buf + e->len, p, n);
	e->len += n;
}

static void put_tag(struct enc *e, uint8_t tag)
{
	put(e, &tag, 1);
}

static void put_u32(struct enc *e, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v };
	put(e, b, 4);
}

static void put_u64(struct enc *e, uint64_t v)
{
	put_u32(e, (uint32_t)(v >> 32));
	put_u32(e, (uint32_t)v);
}

static void encode(struct enc *e, int idx, int depth);

/* Order of keys: integers, other numbers, strings, booleans. */
static int key_class(lua_State *L, int idx)
{
	switch (lua_type(L, idx)) {
	case LUA_TNUMBER:
		return lua_isinteger(L, idx) ? 0 : 1;
	case LUA_TSTRING:
		return 2;
	case LUA_TBOOLEAN:
		return 3;
	default:
		return 4;
	}
}

/* Is key a before key b? (a, b: absolute stack indices) */
static int key_less(lua_State *L, int a, int b)
{
	int ca = key_class(L, a), cb = key_class(L, b);

	if (ca != cb)
		return ca < cb;
	if (ca == 2) {
		size_t la, lb;
		const char *sa = lua_tolstring(L, a, &la), *sb = lua_tolstring(L, b, &lb);
		int c = memcmp(sa, sb, la < lb ? la : lb);
		return c < 0 || (c == 0 && la < lb);
	}
	if (ca == 3)
		return !lua_toboolean(L, a) && lua_toboolean(L, b);
	return lua_compare(L, a, b, LUA_OPLT);
}

/* Push the keys of the table at t as a sorted sequence table; returns the count. */
static lua_Integer sorted_keys(lua_State *L, int t)
{
	lua_Integer n = 0;

	lua_newtable(L);
	lua_pushnil(L);
	while (lua_next(L, t)) {
		lua_pop(L, 1);
		if (key_class(L, -1) == 4)
			luaL_error(L, "cannot send a table with a key of type %s", luaL_typename(L, -1));
		lua_pushvalue(L, -1);
		lua_rawseti(L, -3, ++n);
	}
	/* Insertion sort: message tables are small. */
	for (lua_Integer i = 2; i <= n; i++) {
		lua_rawgeti(L, -1, i);
		lua_Integer j = i - 1;
		for (; j >= 1; j--) {
			lua_rawgeti(L, -2, j);
			if (!key_less(L, lua_absindex(L, -2), lua_absindex(L, -1))) {
				lua_pop(L, 1);
				break;
			}
			lua_rawseti(L, -3, j + 1);
		}
		lua_rawseti(L, -2, j + 1);
	}
	return n;
}

static void encode_table(struct enc *e, int idx, int depth)
{
	lua_State *L = e->L;
	lua_Integer n;
	int keys;

	if (depth >= UK_MARSHAL_DEPTH)
		luaL_error(L, "cannot send a table nested deeper than %d (is it cyclic?)",
			   UK_MARSHAL_DEPTH);
	luaL_checkstack(L, 8, "message too deep");
	n = sorted_keys(L, idx);
	keys = lua_gettop(L);
	put_tag(e, MT_TABLE);
	put_u32(e, (uint32_t)n);
	for (lua_Integer i = 1; i <= n; i++) {
		lua_rawgeti(L, keys, i);
		encode(e, lua_gettop(L), depth + 1);
		lua_rawget(L, idx);
		encode(e, lua_gettop(L), depth + 1);
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
}

static void encode_port(struct enc *e, int idx)
{
	uint32_t pid;
	int32_t name;

	if (!lu_toport(e->L, idx, &pid, &name))
		luaL_error(e->L, "cannot send a value of type %s in a message", luaL_typename(e->L, idx));
	if (pid != e->pid)
		e->err = UK_ENORIGHT;
	if (e->nrights == UK_MSG_MAX_RIGHTS)
		luaL_error(e->L, "a message carries at most %d ports", UK_MSG_MAX_RIGHTS);
	e->names[e->nrights] = name;
	put_tag(e, MT_PORT);
	put_tag(e, e->nrights++);
}

/* Encode the value at absolute index idx; the Lua stack is left as found,
 * apart from the buffer's own use of it (luaL_Buffer rules). */
static void encode(struct enc *e, int idx, int depth)
{
	lua_State *L = e->L;

	e->nvalues++;
	switch (lua_type(L, idx)) {
	case LUA_TNIL:
		put_tag(e, MT_NIL);
		break;
	case LUA_TBOOLEAN:
		put_tag(e, lua_toboolean(L, idx) ? MT_TRUE : MT_FALSE);
		break;
	case LUA_TNUMBER:
		if (lua_isinteger(L, idx)) {
			put_tag(e, MT_INT);
			put_u64(e, (uint64_t)lua_tointeger(L, idx));
		} else {
			double d = lua_tonumber(L, idx);
			uint64_t bits;
			memcpy(&bits, &d, sizeof bits);
			put_tag(e, MT_FLOAT);
			put_u64(e, bits);
		}
		break;
	case LUA_TSTRING: {
		size_t len;
		const char *s = lua_tolstring(L, idx, &len);
		put_tag(e, MT_STRING);
		put_u32(e, (uint32_t)(len > UINT32_MAX ? UINT32_MAX : len));
		put(e, s, len);
		break;
	}
	case LUA_TTABLE:
		encode_table(e, idx, depth);
		break;
	default:
		encode_port(e, idx);
		break;
	}
}

static int enc_gc(lua_State *L)
{
	struct enc *e = lua_touserdata(L, 1);

	free(e->buf);
	e->buf = NULL;
	return 0;
}

struct msg *marshal_encode(lua_State *L, int idx, uint32_t pid, int *err)
{
	struct enc *e;
	struct msg *m;

	idx = lua_absindex(L, idx);
	e = lua_newuserdatauv(L, sizeof *e, 0);
	memset(e, 0, sizeof *e);
	if (luaL_newmetatable(L, ENC_META)) {
		lua_pushcfunction(L, enc_gc);
		lua_setfield(L, -2, "__gc");
	}
	lua_setmetatable(L, -2);
	e->L = L;
	e->pid = pid;
	encode(e, idx, 0);
	*err = e->err;
	m = e->err ? NULL : msg_new((uint32_t)e->len);
	if (m) {
		memcpy(m->data, e->buf, e->len);
		m->nvalues = e->nvalues;
		m->nrights = e->nrights;
		memcpy(m->names, e->names, sizeof e->names);
	} else if (!e->err) {
		*err = UK_ENOMEM;
	}
	free(e->buf);
	e->buf = NULL;
	lua_pop(L, 1);
	return m;
}

struct dec {
	lua_State *L;
	const uint8_t *p, *end;
	const struct msg *m;
	uint32_t pid;
};

static int get_u32(struct dec *d, uint32_t *v)
{
	if (d->end - d->p < 4)
		return -1;
	*v = (uint32_t)d->p[0] << 24 | (uint32_t)d->p[1] << 16 | (uint32_t)d->p[2] << 8 | d->p[3];
	d->p += 4;
	return 0;
}

static int get_u64(struct dec *d, uint64_t *v)
{
	uint32_t hi, lo;

	if (get_u32(d, &hi) || get_u32(d, &lo))
		return -1;
	*v = (uint64_t)hi << 32 | lo;
	return 0;
}

static int decode(struct dec *d, int depth);

static int decode_table(struct dec *d, int depth)
{
	uint32_t n;

	if (depth >= UK_MARSHAL_DEPTH || get_u32(d, &n) || n > (uint32_t)(d->end - d->p) / 2)
		return -1;
	if (!lua_checkstack(d->L, 4))
		return -1;
	lua_createtable(d->L, 0, (int)n);
	for (uint32_t i = 0; i < n; i++) {
		if (decode(d, depth + 1))
			goto bad;
		if (lua_isnil(d->L, -1) || (lua_type(d->L, -1) == LUA_TNUMBER &&
					    lua_tonumber(d->L, -1) != lua_tonumber(d->L, -1))) {
			lua_pop(d->L, 1);
			goto bad;
		}
		if (decode(d, depth + 1)) {
			lua_pop(d->L, 1);
			goto bad;
		}
		lua_rawset(d->L, -3);
	}
	return 0;
bad:
	lua_pop(d->L, 1);
	return -1;
}

static int decode(struct dec *d, int depth)
{
	uint64_t v;
	uint32_t len;

	if (d->p >= d->end)
		return -1;
	switch (*d->p++) {
	case MT_NIL:
		lua_pushnil(d->L);
		return 0;
	case MT_FALSE:
	case MT_TRUE:
		lua_pushboolean(d->L, d->p[-1] == MT_TRUE);
		return 0;
	case MT_INT:
		if (get_u64(d, &v))
			return -1;
		lua_pushinteger(d->L, (lua_Integer)v);
		return 0;
	case MT_FLOAT: {
		double x;
		if (get_u64(d, &v))
			return -1;
		memcpy(&x, &v, sizeof x);
		lua_pushnumber(d->L, x);
		return 0;
	}
	case MT_STRING:
		if (get_u32(d, &len) || len > (uint32_t)(d->end - d->p))
			return -1;
		lua_pushlstring(d->L, (const char *)d->p, len);
		d->p += len;
		return 0;
	case MT_TABLE:
		return decode_table(d, depth);
	case MT_PORT:
		if (d->p >= d->end || *d->p >= d->m->nrights)
			return -1;
		lu_pushport(d->L, d->pid, d->m->names[*d->p++]);
		return 0;
	default:
		return -1;
	}
}

int marshal_decode(lua_State *L, const struct msg *m, uint32_t pid)
{
	struct dec d = { L, m->data, m->data + m->size, m, pid };
	int top = lua_gettop(L);

	if (decode(&d, 0) || d.p != d.end) {
		lua_settop(L, top);
		return -1;
	}
	return 0;
}
