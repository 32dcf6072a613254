/*
 * test_marshal.c: unit tests for the canonical message encoding (marshal)
 * and the port handles it carries as rights (lua_sys).
 *
 * The one idea: the bytes are a contract. Values must come back equal
 * (type, subtype and sign of zero included), the bytes of a small table are
 * pinned as written by hand from marshal.h, equal tables give equal bytes,
 * and the decoder, which may be fed anything by a C program, refuses every
 * malformed payload cleanly: -1 and the Lua stack as it was.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <lauxlib.h>
#include <lualib.h>

#include "lua_sys.h"
#include "marshal.h"
#include "msg.h"
#include "uk_err.h"
#include "uk_limits.h"

enum { PID = 7, OTHER_PID = 8 };

/* Deep equality that tells 1 from 1.0, 0.0 from -0.0, and NaN from
 * anything but NaN. */
static const char deq_src[] =
	"function deq(a, b)\n"
	"  if type(a) ~= type(b) then return false end\n"
	"  if type(a) == 'number' then\n"
	"    if math.type(a) ~= math.type(b) then return false end\n"
	"    if a ~= a then return b ~= b end\n"
	"    if a == 0 and b == 0 then return 1/a == 1/b end\n"
	"    return a == b\n"
	"  end\n"
	"  if type(a) ~= 'table' then return a == b end\n"
	"  for k, v in pairs(a) do if not deq(v, rawget(b, k)) then return false end end\n"
	"  for k in pairs(b) do if rawget(a, k) == nil then return false end end\n"
	"  return true\n"
	"end\n";

static lua_State *new_state(void)
{
	lua_State *L = luaL_newstate();

	assert_non_null(L);
	luaL_openlibs(L);
	lu_open_ipc(L);
	assert_int_equal(luaL_dostring(L, deq_src), LUA_OK);
	assert_int_equal(lua_gettop(L), 0);
	return L;
}

static void close_state(lua_State *L)
{
	lua_close(L);
	msg_pool_drain();
}

/* Push the value of a Lua expression. */
static void push_expr(lua_State *L, const char *expr)
{
	char chunk[512];

	snprintf(chunk, sizeof chunk, "return %s", expr);
	if (luaL_loadstring(L, chunk) != LUA_OK || lua_pcall(L, 0, 1, 0) != LUA_OK)
		fail_msg("cannot evaluate %s: %s", expr, lua_tostring(L, -1));
}

/* ---- encoding under lua_pcall ---- */

struct enc_result {
	struct msg *m;
	int err;
	int raised;        /* 1: marshal_encode raised a Lua error, text in why */
	char why[256];
};

/* lua: encode(value, pid) -> msg (light userdata), err, stack balanced? */
static int l_encode(lua_State *L)
{
	int err = -12345, top = lua_gettop(L);
	struct msg *m = marshal_encode(L, 1, (uint32_t)luaL_checkinteger(L, 2), &err);

	lua_pushboolean(L, lua_gettop(L) == top);
	lua_pushlightuserdata(L, m);
	lua_pushinteger(L, err);
	return 3;
}

/* Encode the value on top of the stack (and pop it) for process pid. */
static struct enc_result encode_top(lua_State *L, uint32_t pid)
{
	struct enc_result r = { NULL, 0, 0, "" };
	int top = lua_gettop(L) - 1;

	lua_pushcfunction(L, l_encode);
	lua_insert(L, -2);
	lua_pushinteger(L, pid);
	if (lua_pcall(L, 2, 3, 0) != LUA_OK) {
		r.raised = 1;
		snprintf(r.why, sizeof r.why, "%s", lua_tostring(L, -1));
	} else {
		assert_true(lua_toboolean(L, -3));   /* marshal_encode left the stack as found */
		r.m = lua_touserdata(L, -2);
		r.err = (int)lua_tointeger(L, -1);
	}
	lua_settop(L, top);
	return r;
}

/* Encode a Lua expression that must encode. */
static struct msg *encode_expr(lua_State *L, const char *expr, uint32_t pid)
{
	struct enc_result r;

	push_expr(L, expr);
	r = encode_top(L, pid);
	if (r.raised || !r.m || r.err != 0)
		fail_msg("encoding %s: raised %d (%s), err %d", expr, r.raised, r.why, r.err);
	return r.m;
}

/* Encoding the expression must raise an error whose text contains want. */
static void encode_raises(lua_State *L, const char *expr, const char *want)
{
	struct enc_result r;
	int top = lua_gettop(L);

	push_expr(L, expr);
	r = encode_top(L, PID);
	if (!r.raised)
		fail_msg("encoding %s did not raise (msg %p, err %d)", expr, (void *)r.m, r.err);
	if (!strstr(r.why, want))
		fail_msg("encoding %s raised \"%s\", expected \"%s\"", expr, r.why, want);
	assert_int_equal(lua_gettop(L), top);
}

/* ---- decoding raw bytes ---- */

enum { PAD = 16 };

/* Decode m for pid, checking the stack contract: one value pushed on 0,
 * nothing on -1. */
static int decode_msg(lua_State *L, const struct msg *m, uint32_t pid)
{
	int top = lua_gettop(L), rc = marshal_decode(L, m, pid, 0);

	assert_true(rc == 0 || rc == -1);
	assert_int_equal(lua_gettop(L), top + (rc == 0));
	return rc;
}

/* Decode n bytes carrying nrights rights (named 100, 101, ...) for pid,
 * twice: first followed by zero bytes (plausible tags, lengths and port
 * indices, so a read past the end gives a different answer), then from a
 * buffer of exactly n bytes (so valgrind sees such a read). The message
 * comes from msg_new, whose payload is never exactly n bytes; for the
 * second decoding its data pointer is lent a buffer of our own. */
static int decode_bytes(lua_State *L, const uint8_t *b, size_t n, uint8_t nrights, uint32_t pid)
{
	struct msg *m = msg_new((uint32_t)n + PAD);
	uint8_t *exact = malloc(n ? n : 1), *own;
	int rc;

	assert_non_null(m);
	assert_non_null(exact);
	memset(m->data, 0, n + PAD);
	if (n) {
		memcpy(m->data, b, n);
		memcpy(exact, b, n);
	}
	m->size = (uint32_t)n;
	m->nrights = nrights;
	for (int i = 0; i < UK_MSG_MAX_RIGHTS; i++)
		m->names[i] = 100 + i;
	rc = decode_msg(L, m, pid);
	if (rc == 0)
		lua_pop(L, 1);
	own = m->data;
	m->data = exact;
	if (decode_msg(L, m, pid) != rc)
		fail_msg("decoding %zu bytes depends on the bytes after them", n);
	m->data = own;
	free(exact);
	msg_free(m);
	return rc;
}

/* The bytes must be refused, with the stack (and a marker under it) intact. */
static void decode_refuses(lua_State *L, const uint8_t *b, size_t n, uint8_t nrights,
			   const char *what)
{
	lua_pushliteral(L, "marker");
	if (decode_bytes(L, b, n, nrights, PID) != -1)
		fail_msg("decoder accepted %s (%zu bytes)", what, n);
	assert_string_equal(lua_tostring(L, -1), "marker");
	lua_pop(L, 1);
}

/* A little byte writer for expected encodings. */
struct bytes {
	uint8_t b[1024];
	size_t n;
};

static void b_u8(struct bytes *x, uint8_t v)
{
	assert_true(x->n < sizeof x->b);
	x->b[x->n++] = v;
}

static void b_u32(struct bytes *x, uint32_t v)
{
	for (int s = 24; s >= 0; s -= 8)
		b_u8(x, (uint8_t)(v >> s));
}

static void b_u64(struct bytes *x, uint64_t v)
{
	b_u32(x, (uint32_t)(v >> 32));
	b_u32(x, (uint32_t)v);
}

static void b_str(struct bytes *x, const char *s, size_t len)
{
	b_u8(x, MT_STRING);
	b_u32(x, (uint32_t)len);
	for (size_t i = 0; i < len; i++)
		b_u8(x, (uint8_t)s[i]);
}

static void b_int(struct bytes *x, int64_t v)
{
	b_u8(x, MT_INT);
	b_u64(x, (uint64_t)v);
}

static void assert_msg_bytes(const struct msg *m, const uint8_t *want, size_t n)
{
	assert_int_equal(m->size, n);
	assert_memory_equal(m->data, want, n);
}

/* ---- round trips ---- */

/* Encode expr, decode it, and check deq(original, decoded); the decoded
 * value must also re-encode to the same bytes. */
static void round_trip(lua_State *L, const char *expr)
{
	struct msg *m = encode_expr(L, expr, PID), *m2;

	assert_int_equal(m->nrights, 0);
	lua_getglobal(L, "deq");
	push_expr(L, expr);
	if (decode_bytes(L, m->data, m->size, 0, PID) != 0)
		fail_msg("cannot decode the encoding of %s", expr);
	lua_pushvalue(L, -1);
	m2 = encode_top(L, PID).m;
	assert_non_null(m2);
	assert_int_equal(m2->size, m->size);
	assert_memory_equal(m2->data, m->data, m->size);
	assert_int_equal(lua_pcall(L, 2, 1, 0), LUA_OK);
	if (!lua_toboolean(L, -1))
		fail_msg("%s did not survive a round trip", expr);
	lua_pop(L, 1);
	msg_free(m);
	msg_free(m2);
}

static void test_round_trip_scalars(void **state)
{
	static const char *const vals[] = {
		"nil", "true", "false",
		"0", "1", "-1", "math.mininteger", "math.maxinteger", "(1 << 53) + 1", "-(1 << 53) - 1",
		"0.0", "-0.0", "1/0", "-1/0", "0.1", "-2.5", "2.0^53", "1e308", "5e-324", "0/0",
		"''", "'a'", "'a\\0b\\0'", "'\\0'", "'\\255\\0\\1'", "string.rep('xy\\0', 5000)",
	};
	lua_State *L = new_state();

	(void)state;
	for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++)
		round_trip(L, vals[i]);
	assert_int_equal(lua_gettop(L), 0);
	close_state(L);
}

static void test_round_trip_tables(void **state)
{
	static const char *const vals[] = {
		"{}", "{1, 2, 3}", "{1, nil, 3}", "{'a', {'b', {'c', {}}}}",
		"{a = {b = {c = {d = 'e'}}}}",
		"{[1] = 'x', [2.5] = true, [true] = false, [false] = 1, s = 't', [-1] = -0.0}",
		"{[math.mininteger] = 1, [math.maxinteger] = 2, [0] = 3, [-1/0] = 4, [1/0] = 5}",
		"{['a\\0b'] = 1, ['a'] = 2, ['a\\0'] = 3, [''] = 4}",
		"{op = 'call', args = {1, 2.0, 'three', {four = 4}}, id = 12}",
		"(function() local t = {} for i = 1, 500 do t[i] = i * 1.5 end return t end)()",
		"(function() local t = {} for i = 1, 300 do t['k' .. i] = {i} end return t end)()",
	};
	lua_State *L = new_state();

	(void)state;
	for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++)
		round_trip(L, vals[i]);
	assert_int_equal(lua_gettop(L), 0);
	close_state(L);
}

/* A chain of depth tables, as Lua source. */
static void nest_expr(char *buf, size_t len, int depth)
{
	size_t n = 0;

	for (int i = 0; i < depth && n + 8 < len; i++)
		n += (size_t)snprintf(buf + n, len - n, "{x=");
	n += (size_t)snprintf(buf + n, len - n, "1");
	for (int i = 0; i < depth && n + 2 < len; i++)
		buf[n++] = '}';
	buf[n] = '\0';
}

/* The limit is UK_MARSHAL_DEPTH tables, the same on both sides. */
static void test_depth_limit(void **state)
{
	char expr[400];
	lua_State *L = new_state();

	(void)state;
	nest_expr(expr, sizeof expr, UK_MARSHAL_DEPTH);
	round_trip(L, expr);
	nest_expr(expr, sizeof expr, UK_MARSHAL_DEPTH + 1);
	encode_raises(L, expr, "nested deeper than");
	close_state(L);
}

/* ---- the wire format ---- */

static void test_bytes_pinned(void **state)
{
	/* {op = "ping", n = 1}: keys sorted bytewise, "n" before "op". */
	static const uint8_t want[] = {
		0x06, 0x00, 0x00, 0x00, 0x02,                          /* table, 2 pairs */
		0x05, 0x00, 0x00, 0x00, 0x01, 'n',                     /* "n" */
		0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,  /* 1 */
		0x05, 0x00, 0x00, 0x00, 0x02, 'o', 'p',                /* "op" */
		0x05, 0x00, 0x00, 0x00, 0x04, 'p', 'i', 'n', 'g',      /* "ping" */
	};
	lua_State *L = new_state();
	struct msg *m = encode_expr(L, "{op = 'ping', n = 1}", PID);

	(void)state;
	assert_msg_bytes(m, want, sizeof want);
	assert_int_equal(m->nrights, 0);
	msg_free(m);
	close_state(L);
}

static void test_bytes_scalars(void **state)
{
	static const struct { const char *expr; uint8_t b[9]; size_t n; } cases[] = {
		{ "nil", { 0x00 }, 1 },
		{ "false", { 0x01 }, 1 },
		{ "true", { 0x02 }, 1 },
		{ "-1", { 0x03, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }, 9 },
		{ "math.mininteger", { 0x03, 0x80, 0, 0, 0, 0, 0, 0, 0 }, 9 },
		{ "0x0102030405060708", { 0x03, 1, 2, 3, 4, 5, 6, 7, 8 }, 9 },
		{ "1.0", { 0x04, 0x3f, 0xf0, 0, 0, 0, 0, 0, 0 }, 9 },
		{ "-0.0", { 0x04, 0x80, 0, 0, 0, 0, 0, 0, 0 }, 9 },
		{ "1/0", { 0x04, 0x7f, 0xf0, 0, 0, 0, 0, 0, 0 }, 9 },
		{ "0.1", { 0x04, 0x3f, 0xb9, 0x99, 0x99, 0x99, 0x99, 0x99, 0x9a }, 9 },
		{ "''", { 0x05, 0, 0, 0, 0 }, 5 },
		{ "'a\\0'", { 0x05, 0, 0, 0, 2, 'a', 0 }, 7 },
	};
	lua_State *L = new_state();

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct msg *m = encode_expr(L, cases[i].expr, PID);
		assert_msg_bytes(m, cases[i].b, cases[i].n);
		assert_int_equal(m->nvalues, 1);
		msg_free(m);
	}
	close_state(L);
}

/* Key order across classes: integers ascending, other numbers, strings
 * bytewise (a prefix first), then false before true. */
static void test_bytes_key_order(void **state)
{
	struct bytes x = { .n = 0 };
	lua_State *L = new_state();
	struct msg *m = encode_expr(L, "{[true] = 1, b = 2, [0.5] = 3, [-7] = 4, [2] = 5,"
				    " ['a\\0'] = 6, a = 7, B = 8, [false] = 9, [-0.25] = 10}", PID);

	(void)state;
	b_u8(&x, MT_TABLE);
	b_u32(&x, 10);
	b_int(&x, -7), b_int(&x, 4);
	b_int(&x, 2), b_int(&x, 5);
	b_u8(&x, MT_FLOAT), b_u64(&x, 0xbfd0000000000000ull), b_int(&x, 10);   /* -0.25 */
	b_u8(&x, MT_FLOAT), b_u64(&x, 0x3fe0000000000000ull), b_int(&x, 3);    /* 0.5 */
	b_str(&x, "B", 1), b_int(&x, 8);
	b_str(&x, "a", 1), b_int(&x, 7);
	b_str(&x, "a\0", 2), b_int(&x, 6);
	b_str(&x, "b", 1), b_int(&x, 2);
	b_u8(&x, MT_FALSE), b_int(&x, 9);
	b_u8(&x, MT_TRUE), b_int(&x, 1);
	assert_msg_bytes(m, x.b, x.n);
	assert_int_equal(m->nvalues, 21);
	msg_free(m);
	close_state(L);
}

/* Tables equal in content but built in different orders (array part or
 * hash part, keys added forwards, backwards, or after deletions) encode
 * to the same bytes. */
static void test_bytes_insertion_order(void **state)
{
	static const char *const variants[] = {
		"(function() local t = {1, 2, 3}"
		" for i = 1, 60 do t['k' .. i] = i end t.x = {a = 1, b = 2} return t end)()",
		"(function() local t = {} t.x = {b = 2, a = 1}"
		" for i = 60, 1, -1 do t['k' .. i] = i end t[3] = 3 t[2] = 2 t[1] = 1 return t end)()",
		"(function() local t = {} for i = 1, 200 do t['z' .. i] = true end"
		" for i = 1, 60 do t['k' .. i] = i end for i = 1, 200 do t['z' .. i] = nil end"
		" t[2] = 2 t[1] = 1 t[3] = 3 t.x = {a = 1, b = 2} return t end)()",
	};
	lua_State *L = new_state();
	struct msg *first = encode_expr(L, variants[0], PID);

	(void)state;
	assert_int_equal(first->nvalues, 1 + 2 * 64 + 4);
	for (size_t i = 1; i < sizeof variants / sizeof variants[0]; i++) {
		struct msg *m = encode_expr(L, variants[i], PID);
		assert_msg_bytes(m, first->data, first->size);
		msg_free(m);
	}
	msg_free(first);
	close_state(L);
}

static void test_nvalues(void **state)
{
	static const struct { const char *expr; uint32_t n; } cases[] = {
		{ "nil", 1 }, { "'s'", 1 }, { "{}", 1 },
		{ "{op = 'ping', n = 1}", 5 },      /* table, two keys, two values */
		{ "{1, 2, 3}", 7 },
		{ "{a = {b = 1}}", 5 },
	};
	lua_State *L = new_state();

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct msg *m = encode_expr(L, cases[i].expr, PID);
		if (m->nvalues != cases[i].n)
			fail_msg("%s: nvalues %u, expected %u", cases[i].expr, m->nvalues, cases[i].n);
		msg_free(m);
	}
	close_state(L);
}

/* The encoder reuses one buffer per Lua state: a big message, or one cut
 * short by an error, must leave nothing behind in the next. */
static void test_buffer_reuse(void **state)
{
	static const uint8_t ping[] = {
		0x06, 0, 0, 0, 2, 0x05, 0, 0, 0, 1, 'n', 0x03, 0, 0, 0, 0, 0, 0, 0, 1,
		0x05, 0, 0, 0, 2, 'o', 'p', 0x05, 0, 0, 0, 4, 'p', 'i', 'n', 'g',
	};
	lua_State *L = new_state(), *L2 = new_state();
	struct msg *m, *m2;

	(void)state;
	m = encode_expr(L, "string.rep('\\255', 100000)", PID);
	assert_int_equal(m->size, 100005);
	msg_free(m);
	m = encode_expr(L, "{op = 'ping', n = 1}", PID);
	assert_msg_bytes(m, ping, sizeof ping);
	msg_free(m);
	encode_raises(L, "{a = string.rep('x', 5000), b = {c = 'd'}, z = print}", "type function");
	m = encode_expr(L, "{op = 'ping', n = 1}", PID);
	assert_msg_bytes(m, ping, sizeof ping);
	assert_int_equal(m->nvalues, 5);
	/* Two states interleaved, each with its own buffer. */
	m2 = encode_expr(L2, "{op = 'ping', n = 1}", PID);
	msg_free(m);
	m = encode_expr(L, "'other'", PID);
	assert_msg_bytes(m2, ping, sizeof ping);
	msg_free(m);
	msg_free(m2);
	close_state(L2);
	close_state(L);
}

/* extra only reserves room in a received table; the value is the same. */
static void test_decode_extra(void **state)
{
	lua_State *L = new_state();
	struct msg *m = encode_expr(L, "{op = 'ping', n = 1, sub = {1, 2}}", PID);
	struct msg *m2 = encode_expr(L, "42", PID);

	(void)state;
	lua_getglobal(L, "deq");
	push_expr(L, "{op = 'ping', n = 1, sub = {1, 2}}");
	assert_int_equal(marshal_decode(L, m, PID, 4), 0);
	assert_int_equal(lua_gettop(L), 3);
	assert_int_equal(lua_pcall(L, 2, 1, 0), LUA_OK);
	assert_true(lua_toboolean(L, -1));
	lua_pop(L, 1);
	assert_int_equal(marshal_decode(L, m2, PID, 4), 0);
	assert_int_equal(lua_tointeger(L, -1), 42);
	lua_pop(L, 1);
	m->size--;                                   /* truncated: refused all the same */
	assert_int_equal(marshal_decode(L, m, PID, 4), -1);
	assert_int_equal(lua_gettop(L), 0);
	msg_free(m);
	msg_free(m2);
	close_state(L);
}

/* ---- values that cannot travel ---- */

static void test_encode_errors(void **state)
{
	lua_State *L = new_state();

	(void)state;
	encode_raises(L, "print", "type function");
	encode_raises(L, "function() end", "type function");
	encode_raises(L, "{a = 1, f = function() end}", "type function");
	encode_raises(L, "coroutine.create(function() end)", "type thread");
	encode_raises(L, "{co = coroutine.create(print)}", "type thread");
	encode_raises(L, "io.stdout", "type userdata");
	encode_raises(L, "{[{}] = 1}", "key of type table");
	encode_raises(L, "{[print] = 1}", "key of type function");
	encode_raises(L, "(function() local t = {} for i = 1, 40 do t['k' .. i] = i end"
		      " t[print] = 1 return t end)()", "key of type function");   /* > 32 keys */
	encode_raises(L, "(function() local t = {} for i = 1, 39 do t = {t} end return t end)()",
		      "nested deeper than");
	encode_raises(L, "(function() local t = {} t.self = t return t end)()", "cyclic");
	encode_raises(L, "(function() local t = {n = 1} t.sub = {up = t} return t end)()", "cyclic");
	encode_raises(L, "string.rep('x', 1 << 20)", "larger than the limit");
	encode_raises(L, "(function() local t = {} for i = 1, 20 do t[i] = string.rep('x', 60000)"
		      " end return t end)()", "larger than the limit");
	assert_int_equal(lua_gettop(L), 0);
	close_state(L);
}

/* Just under the size limit is fine: tag and length take 5 bytes. */
static void test_encode_size_limit(void **state)
{
	char expr[64];
	lua_State *L = new_state();
	struct msg *m;

	(void)state;
	snprintf(expr, sizeof expr, "string.rep('x', %u)", UK_MSG_MAX_BYTES - 5);
	m = encode_expr(L, expr, PID);
	assert_int_equal(m->size, UK_MSG_MAX_BYTES);
	msg_free(m);
	snprintf(expr, sizeof expr, "string.rep('x', %u)", UK_MSG_MAX_BYTES - 4);
	encode_raises(L, expr, "larger than the limit");
	close_state(L);
}

/* ---- port handles ---- */

static void test_port_of_own_process(void **state)
{
	static const uint8_t want[] = { MT_PORT, 0 };
	lua_State *L = new_state();
	struct enc_result r;
	uint32_t pid = 0;
	int32_t name = 0;

	(void)state;
	lu_pushport(L, PID, 42);
	r = encode_top(L, PID);
	assert_false(r.raised);
	assert_non_null(r.m);
	assert_int_equal(r.err, 0);
	assert_int_equal(r.m->nrights, 1);
	assert_int_equal(r.m->names[0], 42);
	assert_msg_bytes(r.m, want, sizeof want);
	/* In the receiver, the same right under the name the kernel gave it. */
	assert_int_equal(decode_bytes(L, r.m->data, r.m->size, 1, OTHER_PID), 0);
	assert_int_equal(lu_toport(L, -1, &pid, &name), 1);
	assert_int_equal(pid, OTHER_PID);
	assert_int_equal(name, 100);
	lua_pop(L, 1);
	msg_free(r.m);
	close_state(L);
}

static void test_ports_in_table(void **state)
{
	lua_State *L = new_state();
	struct enc_result r;
	uint32_t pid;
	int32_t name;

	(void)state;
	lua_createtable(L, 0, 3);
	lu_pushport(L, PID, 11);
	lua_setfield(L, -2, "b");
	lu_pushport(L, PID, 22);
	lua_setfield(L, -2, "a");
	lua_pushinteger(L, 5);
	lua_setfield(L, -2, "c");
	r = encode_top(L, PID);
	assert_non_null(r.m);
	assert_int_equal(r.m->nrights, 2);
	assert_int_equal(r.m->names[0], 22);         /* "a" comes first */
	assert_int_equal(r.m->names[1], 11);
	assert_int_equal(decode_bytes(L, r.m->data, r.m->size, 2, PID), 0);
	lua_getfield(L, -1, "a");
	assert_int_equal(lu_toport(L, -1, &pid, &name), 1);
	assert_int_equal(name, 100);
	lua_getfield(L, -2, "b");
	assert_int_equal(lu_toport(L, -1, &pid, &name), 1);
	assert_int_equal(name, 101);
	assert_int_equal(pid, PID);
	lua_getfield(L, -3, "c");
	assert_int_equal(lua_tointeger(L, -1), 5);
	lua_pop(L, 4);
	msg_free(r.m);
	close_state(L);
}

static void test_port_of_other_process(void **state)
{
	lua_State *L = new_state();
	struct enc_result r;

	(void)state;
	lu_pushport(L, OTHER_PID, 42);
	r = encode_top(L, PID);
	assert_false(r.raised);
	assert_null(r.m);
	assert_int_equal(r.err, UK_ENORIGHT);
	/* Also when it hides in a table next to a good one. */
	lua_newtable(L);
	lu_pushport(L, PID, 1);
	lua_rawseti(L, -2, 1);
	lu_pushport(L, OTHER_PID, 2);
	lua_rawseti(L, -2, 2);
	r = encode_top(L, PID);
	assert_null(r.m);
	assert_int_equal(r.err, UK_ENORIGHT);
	assert_int_equal(lua_gettop(L), 0);
	close_state(L);
}

/* A table of n port handles of process PID. */
static void push_ports(lua_State *L, int n)
{
	lua_createtable(L, n, 0);
	for (int i = 1; i <= n; i++) {
		lu_pushport(L, PID, 1000 + i);
		lua_rawseti(L, -2, i);
	}
}

static void test_too_many_ports(void **state)
{
	lua_State *L = new_state();
	struct enc_result r;

	(void)state;
	push_ports(L, UK_MSG_MAX_RIGHTS);
	r = encode_top(L, PID);
	assert_non_null(r.m);
	assert_int_equal(r.m->nrights, UK_MSG_MAX_RIGHTS);
	for (int i = 0; i < UK_MSG_MAX_RIGHTS; i++)
		assert_int_equal(r.m->names[i], 1001 + i);
	msg_free(r.m);
	push_ports(L, UK_MSG_MAX_RIGHTS + 1);
	r = encode_top(L, PID);
	assert_true(r.raised);
	assert_non_null(strstr(r.why, "at most"));
	assert_int_equal(lua_gettop(L), 0);
	close_state(L);
}

static void test_port_as_key_refused(void **state)
{
	lua_State *L = new_state();
	struct enc_result r;

	(void)state;
	lua_newtable(L);
	lu_pushport(L, PID, 1);
	lua_pushboolean(L, 1);
	lua_rawset(L, -3);
	r = encode_top(L, PID);
	assert_true(r.raised);
	assert_non_null(strstr(r.why, "key of type"));
	close_state(L);
}

/* ---- malformed payloads ---- */

/* A valid encoding of a value using every tag, with one right. */
static struct msg *rich_message(lua_State *L)
{
	struct enc_result r;

	push_expr(L, "{1, -2.5, 'str\\0ing', true, false, {x = {y = 'z'}}, [1.5] = 0/0,"
		  " name = 'n', [true] = {}}");
	lu_pushport(L, PID, 9);
	lua_setfield(L, -2, "port");
	r = encode_top(L, PID);
	assert_non_null(r.m);
	assert_int_equal(r.m->nrights, 1);
	return r.m;
}

static void test_decode_truncated(void **state)
{
	lua_State *L = new_state();
	struct msg *m = rich_message(L);
	char what[64];

	(void)state;
	assert_int_equal(decode_bytes(L, m->data, m->size, 1, PID), 0);
	lua_pop(L, 1);
	for (uint32_t n = 0; n < m->size; n++) {
		snprintf(what, sizeof what, "a prefix of %u bytes", n);
		decode_refuses(L, m->data, n, 1, what);
	}
	assert_int_equal(lua_gettop(L), 0);
	msg_free(m);
	close_state(L);
}

static void test_decode_bad_tags(void **state)
{
	static const uint8_t nested[] = { MT_TABLE, 0, 0, 0, 1, MT_STRING, 0, 0, 0, 1, 'a', 8 };
	lua_State *L = new_state();

	(void)state;
	for (unsigned tag = MT_PORT + 1; tag <= 0xff; tag++) {
		uint8_t b[9] = { (uint8_t)tag };
		decode_refuses(L, b, 1, 1, "an unknown tag");
		decode_refuses(L, b, sizeof b, 1, "an unknown tag with a payload");
	}
	decode_refuses(L, nested, sizeof nested, 0, "an unknown tag inside a table");
	close_state(L);
}

static void test_decode_bad_lengths(void **state)
{
	static const uint8_t str_past[] = { MT_STRING, 0, 0, 0, 5, 'a', 'b' };
	static const uint8_t str_huge[] = { MT_STRING, 0xff, 0xff, 0xff, 0xff, 'a' };
	static const uint8_t str_short_len[] = { MT_STRING, 0, 0 };
	static const uint8_t tbl_huge[] = { MT_TABLE, 0xff, 0xff, 0xff, 0xff, 0, 0 };
	static const uint8_t tbl_big[] = { MT_TABLE, 0x7f, 0xff, 0xff, 0xff };
	static const uint8_t tbl_short[] = { MT_TABLE, 0, 0, 0, 2, 2, 2 };
	static const uint8_t int_short[] = { MT_INT, 0, 0, 0, 0, 0, 0, 0 };
	static const uint8_t float_short[] = { MT_FLOAT, 0x3f, 0xf0 };
	lua_State *L = new_state();

	(void)state;
	decode_refuses(L, str_past, sizeof str_past, 0, "a string length past the end");
	decode_refuses(L, str_huge, sizeof str_huge, 0, "a 4 GiB string length");
	decode_refuses(L, str_short_len, sizeof str_short_len, 0, "a cut string length");
	decode_refuses(L, tbl_huge, sizeof tbl_huge, 0, "a table count of 2^32-1");
	decode_refuses(L, tbl_big, sizeof tbl_big, 0, "a table count of 2^31-1, no pairs");
	decode_refuses(L, tbl_short, sizeof tbl_short, 0, "a table missing a pair");
	decode_refuses(L, int_short, sizeof int_short, 0, "a 7-byte integer");
	decode_refuses(L, float_short, sizeof float_short, 0, "a 2-byte float");
	close_state(L);
}

static void test_decode_bad_ports(void **state)
{
	static const uint8_t port0[] = { MT_PORT, 0 };
	static const uint8_t port1[] = { MT_PORT, 1 };
	static const uint8_t port_ff[] = { MT_PORT, 0xff };
	static const uint8_t port_cut[] = { MT_PORT };
	static const uint8_t in_table[] = { MT_TABLE, 0, 0, 0, 1, MT_TRUE, MT_PORT, 2 };
	lua_State *L = new_state();

	(void)state;
	decode_refuses(L, port0, sizeof port0, 0, "a port in a message with no rights");
	decode_refuses(L, port1, sizeof port1, 1, "port index 1 of 1 right");
	decode_refuses(L, port_ff, sizeof port_ff, UK_MSG_MAX_RIGHTS, "port index 255");
	decode_refuses(L, port_cut, sizeof port_cut, 1, "a port without its index");
	decode_refuses(L, in_table, sizeof in_table, 2, "port index 2 of 2 rights in a table");
	assert_int_equal(decode_bytes(L, port1, sizeof port1, 2, PID), 0);
	lua_pop(L, 1);
	close_state(L);
}

static void test_decode_bad_keys(void **state)
{
	static const uint8_t nil_key[] = { MT_TABLE, 0, 0, 0, 1, MT_NIL, MT_TRUE };
	static const uint8_t nan_key[] = {
		MT_TABLE, 0, 0, 0, 1, MT_FLOAT, 0x7f, 0xf8, 0, 0, 0, 0, 0, 0, MT_TRUE,
	};
	static const uint8_t nested_nil_key[] = {
		MT_TABLE, 0, 0, 0, 1, MT_INT, 0, 0, 0, 0, 0, 0, 0, 1,
		MT_TABLE, 0, 0, 0, 1, MT_NIL, MT_FALSE,
	};
	lua_State *L = new_state();

	(void)state;
	decode_refuses(L, nil_key, sizeof nil_key, 0, "nil as a table key");
	decode_refuses(L, nan_key, sizeof nan_key, 0, "NaN as a table key");
	decode_refuses(L, nested_nil_key, sizeof nested_nil_key, 0, "nil as a key one level down");
	close_state(L);
}

static void test_decode_trailing_garbage(void **state)
{
	static const uint8_t two_values[] = { MT_TRUE, MT_NIL };
	static const uint8_t int_extra[] = { MT_INT, 0, 0, 0, 0, 0, 0, 0, 1, 0 };
	static const uint8_t tbl_extra[] = { MT_TABLE, 0, 0, 0, 0, MT_TABLE, 0, 0, 0, 0 };
	lua_State *L = new_state();

	(void)state;
	decode_refuses(L, two_values, sizeof two_values, 0, "two values");
	decode_refuses(L, int_extra, sizeof int_extra, 0, "an integer and a stray byte");
	decode_refuses(L, tbl_extra, sizeof tbl_extra, 0, "two tables");
	decode_refuses(L, NULL, 0, 0, "an empty payload");
	close_state(L);
}

/* depth tables each holding the next under key 1, as bytes. */
static size_t nested_bytes(uint8_t *b, int depth)
{
	struct bytes x = { .n = 0 };

	for (int i = 0; i < depth - 1; i++) {
		b_u8(&x, MT_TABLE);
		b_u32(&x, 1);
		b_int(&x, 1);
	}
	b_u8(&x, MT_TABLE);
	b_u32(&x, 0);
	memcpy(b, x.b, x.n);
	return x.n;
}

static void test_decode_depth(void **state)
{
	uint8_t b[1024];
	size_t n;
	lua_State *L = new_state();

	(void)state;
	n = nested_bytes(b, UK_MARSHAL_DEPTH);
	assert_int_equal(decode_bytes(L, b, n, 0, PID), 0);
	lua_pop(L, 1);
	n = nested_bytes(b, UK_MARSHAL_DEPTH + 1);
	decode_refuses(L, b, n, 0, "tables nested one too deep");
	n = nested_bytes(b, 60);
	decode_refuses(L, b, n, 0, "tables nested 60 deep");
	close_state(L);
}

/* Every single-byte corruption of a valid message, and random bytes:
 * decoding may succeed or fail, but must keep the stack contract (checked
 * in decode_bytes) and, under valgrind, read nothing out of bounds. */
static void test_decode_fuzz(void **state)
{
	static const uint8_t values[] = { 0x00, 0x01, 0x07, 0x08, 0x7f, 0x80, 0xff };
	lua_State *L = new_state();
	struct msg *m = rich_message(L);
	uint8_t b[512];
	uint64_t x = 99;

	(void)state;
	assert_true(m->size <= sizeof b);
	for (uint32_t i = 0; i < m->size; i++) {
		for (size_t v = 0; v < sizeof values; v++) {
			memcpy(b, m->data, m->size);
			b[i] = values[v];
			if (decode_bytes(L, b, m->size, 1, PID) == 0)
				lua_pop(L, 1);
		}
	}
	for (int round = 0; round < 20000; round++) {
		size_t n = (size_t)(round % 40);
		for (size_t i = 0; i < n; i++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			b[i] = (uint8_t)(i % 5 == 0 ? x % 9 : x >> 56);   /* mostly plausible tags */
		}
		if (decode_bytes(L, b, n, (uint8_t)(x % 3), PID) == 0)
			lua_pop(L, 1);
	}
	assert_int_equal(lua_gettop(L), 0);
	msg_free(m);
	close_state(L);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip_scalars),
		cmocka_unit_test(test_round_trip_tables),
		cmocka_unit_test(test_depth_limit),
		cmocka_unit_test(test_bytes_pinned),
		cmocka_unit_test(test_bytes_scalars),
		cmocka_unit_test(test_bytes_key_order),
		cmocka_unit_test(test_bytes_insertion_order),
		cmocka_unit_test(test_nvalues),
		cmocka_unit_test(test_buffer_reuse),
		cmocka_unit_test(test_decode_extra),
		cmocka_unit_test(test_encode_errors),
		cmocka_unit_test(test_encode_size_limit),
		cmocka_unit_test(test_port_of_own_process),
		cmocka_unit_test(test_ports_in_table),
		cmocka_unit_test(test_port_of_other_process),
		cmocka_unit_test(test_too_many_ports),
		cmocka_unit_test(test_port_as_key_refused),
		cmocka_unit_test(test_decode_truncated),
		cmocka_unit_test(test_decode_bad_tags),
		cmocka_unit_test(test_decode_bad_lengths),
		cmocka_unit_test(test_decode_bad_ports),
		cmocka_unit_test(test_decode_bad_keys),
		cmocka_unit_test(test_decode_trailing_garbage),
		cmocka_unit_test(test_decode_depth),
		cmocka_unit_test(test_decode_fuzz),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
