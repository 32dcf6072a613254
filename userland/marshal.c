/*
 * marshal.c - the canonical encoding of messages (format in marshal.h).
 *
 * Encoding writes into a buffer on the C stack, or for a large message into
 * one buffer per Lua state, kept in the registry and freed by __gc, so a Lua
 * error in the middle (a function in a field) leaks nothing and a message
 * costs no allocation but its own. Table keys are copied into a C array and
 * sorted there; a small table's values wait on the Lua stack meanwhile. Decoding checks every length against the payload: a C program
 * may send anything.
 */
#include "marshal.h"

#include <lauxlib.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "uk_limits.h"
#include "lua_sys.h"
#include "msg.h"
#include "uk_err.h"

/* A message is encoded into a buffer on the C stack; one that outgrows it
 * moves to a buffer that lives as long as the Lua state (a userdata in the
 * registry, freed by __gc). Either way a Lua error in the middle (a function
 * in a field) leaks nothing, and a message costs no allocation but its own. */
#define STACK_BUF 512

struct encbuf {
	char *buf;
	size_t cap;
};

struct enc {
	lua_State *L;
	char *buf;           /* small, or the state's encbuf */
	size_t len, cap;
	uint32_t pid;
	int err;
	uint32_t nvalues;
	uint8_t nrights;
	uint32_t npending;   /* local objects found still to export */
	int32_t names[UK_MSG_MAX_RIGHTS];
	char small[STACK_BUF];
};

/* A table key, copied out of Lua so keys can be sorted in C. A string's
 * bytes stay valid while the table holding it is on the stack. */
struct key {
	int cls;             /* 0 integer, 1 float, 2 string, 3 boolean */
	int val;             /* stack index of the value; 0: look it up */
	lua_Integer i;
	lua_Number d;
	const char *s;
	size_t len;
};

/* Up to this many keys, a table's keys and values wait on the Lua stack and
 * are sorted in a C array on the C stack; more go in a userdata and each
 * value is looked up again. */
#define SMALL_TABLE 32

static const char encbuf_key;   /* its address is the registry key */

/* Remote objects (objects.lua): the functions marshal_hooks registers and
 * the local objects an encoding found still to export. */
static const char hook_out_key, hook_in_key, hook_export_key, pending_key;

static struct encbuf *encbuf(lua_State *L);

/* Make room for n more bytes (slow path of put). */
static void grow(struct enc *e, size_t n)
{
	struct encbuf *eb;
	size_t cap;

	if (n > UK_MSG_MAX_BYTES || e->len + n > UK_MSG_MAX_BYTES)
		lu_script_errorf(e->L, "message larger than the limit of %d bytes", UK_MSG_MAX_BYTES);
	eb = encbuf(e->L);
	cap = eb->cap ? eb->cap : 2 * STACK_BUF;
	while (cap < e->len + n)
		cap *= 2;
	if (cap > eb->cap) {
		char *b = realloc(eb->buf, cap);
		if (!b)
			luaL_error(e->L, "out of memory marshalling a message");
		eb->buf = b;
		eb->cap = cap;
	}
	if (e->buf == e->small)
		memcpy(eb->buf, e->small, e->len);
	e->buf = eb->buf;
	e->cap = eb->cap;
}

static void put(struct enc *e, const void *p, size_t n)
{
	if (e->cap - e->len < n)
		grow(e, n);
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

static void put_string(struct enc *e, const char *s, size_t len)
{
	put_tag(e, MT_STRING);
	put_u32(e, (uint32_t)(len > UINT32_MAX ? UINT32_MAX : len));
	put(e, s, len);
}

static void put_float(struct enc *e, lua_Number d)
{
	double x = (double)d;
	uint64_t bits;

	memcpy(&bits, &x, sizeof bits);
	put_tag(e, MT_FLOAT);
	put_u64(e, bits);
}

static void encode(struct enc *e, int idx, int depth);

/* Keys order: integers, other numbers, strings (bytewise), booleans. */
static int key_cmp(const void *pa, const void *pb)
{
	const struct key *a = pa, *b = pb;

	if (a->cls != b->cls)
		return a->cls - b->cls;
	switch (a->cls) {
	case 0:
		return (a->i > b->i) - (a->i < b->i);
	case 1:
		return (a->d > b->d) - (a->d < b->d);
	case 2: {
		int c = memcmp(a->s, b->s, a->len < b->len ? a->len : b->len);
		return c ? c : (a->len > b->len) - (a->len < b->len);
	}
	default:
		return a->i - b->i;
	}
}

/* Describe the key at the top of the stack in k (val: 0). */
static void read_key(lua_State *L, struct key *k)
{
	k->val = 0;
	switch (lua_type(L, -1)) {
	case LUA_TNUMBER:
		if (lua_isinteger(L, -1)) {
			k->cls = 0;
			k->i = lua_tointeger(L, -1);
		} else {
			k->cls = 1;
			k->d = lua_tonumber(L, -1);
		}
		break;
	case LUA_TSTRING:
		k->cls = 2;
		k->s = lua_tolstring(L, -1, &k->len);
		break;
	case LUA_TBOOLEAN:
		k->cls = 3;
		k->i = lua_toboolean(L, -1);
		break;
	default:
		lu_script_errorf(L, "cannot send a table with a key of type %s", luaL_typename(L, -1));
	}
}

/* Push each key and value of the table at idx, in lua_next's order, above
 * top (the stack's height), and describe them in k (room for SMALL_TABLE
 * keys): the n-th pair (from 0) is at top + 2n + 1 and top + 2n + 2.
 * Returns the count; on a table with more keys, pushes nothing and returns
 * SMALL_TABLE + 1. */
static size_t collect_pairs(lua_State *L, int idx, int top, struct key *k)
{
	size_t n = 0;

	lua_pushnil(L);
	while (lua_next(L, idx)) {
		if (n == SMALL_TABLE) {
			lua_settop(L, top);
			return SMALL_TABLE + 1;
		}
		lua_pushvalue(L, -2);   /* the key again, for lua_next */
		read_key(L, &k[n]);
		k[n].val = top + 2 * (int)n + 2;
		n++;
	}
	return n;
}

/* Copy the keys (only) of the table at idx into k (room for max). */
static size_t collect_keys(lua_State *L, int idx, struct key *k, size_t max)
{
	size_t n = 0;

	lua_pushnil(L);
	while (n < max && lua_next(L, idx)) {
		lua_pop(L, 1);
		read_key(L, &k[n++]);
	}
	if (n == max)
		lua_pop(L, 1);
	return n;
}

/* Sort a few keys: insertion sort, which for these sizes beats qsort's
 * calls through a pointer. Keys are distinct, so the order is qsort's. */
static void sort_small(struct key *k, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		struct key x = k[i];
		size_t j = i;
		for (; j > 0 && key_cmp(&k[j - 1], &x) > 0; j--)
			k[j] = k[j - 1];
		k[j] = x;
	}
}

/* Encode key k; with no value on the stack (val 0), push it and look the
 * value up. */
static void put_key(struct enc *e, const struct key *k, int idx)
{
	lua_State *L = e->L;
	int look = !k->val;

	e->nvalues++;
	switch (k->cls) {
	case 0:
		put_tag(e, MT_INT);
		put_u64(e, (uint64_t)k->i);
		if (look)
			lua_pushinteger(L, k->i);
		break;
	case 1:
		put_float(e, k->d);
		if (look)
			lua_pushnumber(L, k->d);
		break;
	case 2:
		put_string(e, k->s, k->len);
		if (look)
			lua_pushlstring(L, k->s, k->len);
		break;
	default:
		put_tag(e, k->i ? MT_TRUE : MT_FALSE);
		if (look)
			lua_pushboolean(L, (int)k->i);
		break;
	}
	if (look)
		lua_rawget(L, idx);
}

/* Note the local object at idx as one to export before the message can
 * leave: in the registry's pending list, made afresh by each encoding that
 * finds one. */
static void note_pending(struct enc *e, int idx)
{
	lua_State *L = e->L;

	if (e->npending++ == 0) {
		lua_newtable(L);
		lua_rawsetp(L, LUA_REGISTRYINDEX, &pending_key);
	}
	lua_rawgetp(L, LUA_REGISTRYINDEX, &pending_key);
	lua_pushvalue(L, idx);
	lua_rawseti(L, -2, (lua_Integer)e->npending);
	lua_pop(L, 1);
}

static void encode_plain_table(struct enc *e, int idx, int depth);

/* A table whose metatable has a __wire field is a local object or a
 * reference (objects.lua): it travels as the record the out hook gives, or,
 * a local object not yet exported, as nil for now (noted pending: the
 * message is encoded again once it is exported). Returns 0 for any other
 * table, having done nothing. Only tables with a metatable cost a look. */
static int encode_object(struct enc *e, int idx, int depth)
{
	lua_State *L = e->L;
	int marked;

	if (!lua_getmetatable(L, idx))
		return 0;
	lua_pushliteral(L, "__wire");
	marked = lua_rawget(L, -2) != LUA_TNIL;
	lua_pop(L, 2);
	if (!marked)
		return 0;
	if (lua_rawgetp(L, LUA_REGISTRYINDEX, &hook_out_key) != LUA_TFUNCTION) {
		lua_pop(L, 1);
		return 0;
	}
	lua_pushvalue(L, idx);
	lua_call(L, 1, 1);
	if (lua_istable(L, -1)) {
		encode_plain_table(e, lua_gettop(L), depth);
	} else {
		note_pending(e, idx);
		put_tag(e, MT_NIL);
	}
	lua_pop(L, 1);
	return 1;
}

static void encode_table(struct enc *e, int idx, int depth)
{
	if (depth >= UK_MARSHAL_DEPTH)
		lu_script_errorf(e->L, "cannot send a table nested deeper than %d (is it cyclic?)",
			  UK_MARSHAL_DEPTH);
	luaL_checkstack(e->L, 2 * SMALL_TABLE + 8, "message too deep");
	if (!encode_object(e, idx, depth))
		encode_plain_table(e, idx, depth);
}

/* The table at idx, its own contents only (raw access, no metamethods). */
static void encode_plain_table(struct enc *e, int idx, int depth)
{
	lua_State *L = e->L;
	struct key small[SMALL_TABLE], *k = small;
	int top = lua_gettop(L);
	size_t n;

	n = collect_pairs(L, idx, top, small);
	if (n <= SMALL_TABLE) {
		sort_small(k, n);
	} else {
		size_t total = 0;
		lua_pushnil(L);
		while (lua_next(L, idx)) {
			lua_pop(L, 1);
			total++;
		}
		/* A userdata, so that an error below leaks nothing. */
		k = lua_newuserdatauv(L, total * sizeof *k, 0);
		n = collect_keys(L, idx, k, total);
		qsort(k, n, sizeof *k, key_cmp);
	}
	put_tag(e, MT_TABLE);
	put_u32(e, (uint32_t)n);
	for (size_t i = 0; i < n; i++) {
		put_key(e, &k[i], idx);
		encode(e, k[i].val ? k[i].val : lua_gettop(L), depth + 1);
		if (!k[i].val)
			lua_pop(L, 1);
	}
	lua_settop(L, top);
}

static void encode_port(struct enc *e, int idx)
{
	uint32_t pid;
	int32_t name;

	if (!lu_toport(e->L, idx, &pid, &name))
		lu_script_errorf(e->L, "cannot send a value of type %s in a message", luaL_typename(e->L, idx));
	if (pid != e->pid)
		e->err = UK_ENORIGHT;
	if (e->nrights == UK_MSG_MAX_RIGHTS)
		lu_script_errorf(e->L, "a message carries at most %d ports", UK_MSG_MAX_RIGHTS);
	e->names[e->nrights] = name;
	put_tag(e, MT_PORT);
	put_tag(e, e->nrights++);
}

/* Encode the value at absolute index idx; the Lua stack is left as found. */
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
			put_float(e, lua_tonumber(L, idx));
		}
		break;
	case LUA_TSTRING: {
		size_t len;
		const char *s = lua_tolstring(L, idx, &len);
		put_string(e, s, len);
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

static int encbuf_gc(lua_State *L)
{
	struct encbuf *eb = lua_touserdata(L, 1);

	free(eb->buf);
	eb->buf = NULL;
	eb->cap = 0;
	return 0;
}

/* The state's encoding buffer, made on first use. */
static struct encbuf *encbuf(lua_State *L)
{
	struct encbuf *eb;

	if (lua_rawgetp(L, LUA_REGISTRYINDEX, &encbuf_key) == LUA_TUSERDATA) {
		eb = lua_touserdata(L, -1);
		lua_pop(L, 1);
		return eb;
	}
	lua_pop(L, 1);
	eb = lua_newuserdatauv(L, sizeof *eb, 0);
	eb->buf = NULL;
	eb->cap = 0;
	lua_newtable(L);
	lua_pushcfunction(L, encbuf_gc);
	lua_setfield(L, -2, "__gc");
	lua_setmetatable(L, -2);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &encbuf_key);
	return eb;
}

struct msg *marshal_encode(lua_State *L, int idx, uint32_t pid, int *err)
{
	struct enc e;
	struct msg *m;

	idx = lua_absindex(L, idx);
	e.L = L;
	e.buf = e.small;
	e.len = 0;
	e.cap = sizeof e.small;
	e.pid = pid;
	e.err = 0;
	e.nvalues = 0;
	e.nrights = 0;
	e.npending = 0;
	memset(e.names, 0, sizeof e.names);
	encode(&e, idx, 0);
	*err = e.npending ? MARSHAL_EXPORT : e.err;
	if (*err)
		return NULL;
	m = msg_new((uint32_t)e.len);
	if (!m) {
		*err = UK_ENOMEM;
		return NULL;
	}
	memcpy(m->data, e.buf, e.len);
	m->nvalues = e.nvalues;
	m->nrights = e.nrights;
	memcpy(m->names, e.names, sizeof e.names);
	return m;
}

struct dec {
	lua_State *L;
	const uint8_t *p, *end;
	const struct msg *m;
	uint32_t pid;
	int extra;       /* hash slots to reserve in the outermost table */
	int top_ref;     /* the outermost table has the key MARSHAL_REF_KEY */
};

/* Whether the next value is the string MARSHAL_REF_KEY (a key). */
static int ref_key_next(const struct dec *d)
{
	static const uint8_t want[] = { MT_STRING, 0, 0, 0, sizeof MARSHAL_REF_KEY - 1 };

	return d->end - d->p >= (ptrdiff_t)(sizeof want + sizeof MARSHAL_REF_KEY - 1) &&
	       memcmp(d->p, want, sizeof want) == 0 &&
	       memcmp(d->p + sizeof want, MARSHAL_REF_KEY, sizeof MARSHAL_REF_KEY - 1) == 0;
}

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

/* Whether the next value may be a table key: only what the encoder writes
 * as one (a number, a string, a boolean). A table or a port handle as a key
 * would make a value that cannot be sent on. */
static int key_tag(const struct dec *d)
{
	if (d->p >= d->end)
		return 0;
	switch (*d->p) {
	case MT_FALSE: case MT_TRUE: case MT_INT: case MT_FLOAT: case MT_STRING:
		return 1;
	default:
		return 0;
	}
}

static int decode_table(struct dec *d, int depth)
{
	uint32_t n;
	int ref = 0;

	if (depth >= UK_MARSHAL_DEPTH || get_u32(d, &n) || n > (uint32_t)(d->end - d->p) / 2)
		return -1;
	if (!lua_checkstack(d->L, 4))
		return -1;
	lua_createtable(d->L, 0, (int)n + (depth == 0 ? d->extra : 0));
	for (uint32_t i = 0; i < n; i++) {
		int float_key = d->p < d->end && *d->p == MT_FLOAT;

		ref |= ref_key_next(d);
		if (!key_tag(d) || decode(d, depth + 1))
			goto bad;
		if (float_key && lua_tonumber(d->L, -1) != lua_tonumber(d->L, -1)) {
			lua_pop(d->L, 1);   /* NaN, which no table takes as a key */
			goto bad;
		}
		if (decode(d, depth + 1)) {
			lua_pop(d->L, 1);
			goto bad;
		}
		lua_rawset(d->L, -3);
	}
	if (ref && depth == 0)
		d->top_ref = 1;      /* the caller's to convert, with its fields */
	else if (ref)
		marshal_ref_in(d->L);
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

int marshal_decode_ref(lua_State *L, const struct msg *m, uint32_t pid, int extra, int *ref)
{
	struct dec d = { L, m->data, m->data + m->size, m, pid, extra, 0 };
	int top = lua_gettop(L);

	if (decode(&d, 0) || d.p != d.end) {
		lua_settop(L, top);
		return -1;
	}
	if (ref)
		*ref = d.top_ref;
	else if (d.top_ref)
		marshal_ref_in(L);
	return 0;
}

int marshal_decode(lua_State *L, const struct msg *m, uint32_t pid, int extra)
{
	return marshal_decode_ref(L, m, pid, extra, NULL);
}

/* ---- remote objects' hooks ---- */

void marshal_ref_in(lua_State *L)
{
	if (lua_rawgetp(L, LUA_REGISTRYINDEX, &hook_in_key) != LUA_TFUNCTION) {
		lua_pop(L, 1);
		return;
	}
	lua_insert(L, -2);
	lua_call(L, 1, 1);
}

int marshal_export(lua_State *L, lua_KContext ctx, lua_KFunction k)
{
	lua_rawgetp(L, LUA_REGISTRYINDEX, &hook_export_key);
	lua_rawgetp(L, LUA_REGISTRYINDEX, &pending_key);
	lua_pushnil(L);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &pending_key);
	lua_callk(L, 1, 0, ctx, k);
	return k(L, LUA_OK, ctx);
}

int marshal_hooks(lua_State *L)
{
	luaL_checktype(L, 1, LUA_TFUNCTION);
	luaL_checktype(L, 2, LUA_TFUNCTION);
	luaL_checktype(L, 3, LUA_TFUNCTION);
	lua_settop(L, 3);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &hook_export_key);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &hook_in_key);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &hook_out_key);
	return 0;
}
