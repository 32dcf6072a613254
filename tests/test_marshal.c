/*
 * test_marshal.c: unit tests for the canonical message encoding (marshal)
 * and the port handles it carries as rights (lua_sys): the bytes written,
 * the values that cannot travel, and ports (round trips and decoding:
 * test_marshal_decode.c).
 *
 * The one idea: the bytes are a contract. The bytes of a small table are
 * pinned as written by hand from marshal.h, keys go in one canonical order
 * so equal tables give equal bytes however they were built, a value that
 * cannot travel raises an error with the stack as it was, and a port
 * handle travels as a right of the sending process only.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <lauxlib.h>

#include "lua_sys.h"
#include "marshal.h"
#include "marshal_fixture.h"
#include "msg.h"
#include "uk_err.h"
#include "uk_limits.h"

/* ---- helpers ---- */

static void assert_msg_bytes(const struct msg *m, const uint8_t *want, size_t n)
{
	assert_int_equal(m->size, n);
	assert_memory_equal(m->data, want, n);
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
	const char *const *variants = insertion_variants;
	lua_State *L = new_state();
	struct msg *first = encode_expr(L, variants[0], PID);

	(void)state;
	assert_int_equal(first->nvalues, 1 + 2 * 64 + 4);
	for (size_t i = 1; i < INSERTION_VARIANTS; i++) {
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

/* ---- remote objects' hooks (marshal.h) ---- */

/* Hooks in the manner of objects.lua: an object is a table whose metatable
 * has __wire; exported (field port_) it travels as { __objref = true, id },
 * else out gives nil; in makes { ref = id } of a record. The hooks note
 * what they saw, in order, in the globals seen and exports. */
static const char hooks_src[] =
	"local W = { __wire = true }\n"
	"function obj(id, exported) return setmetatable({ id = id, port_ = exported }, W) end\n"
	"seen, exports = {}, {}\n"
	"local function out(v)\n"
	"  seen[#seen + 1] = v.id\n"
	"  if v.port_ then return { __objref = true, id = v.id } end\n"
	"end\n"
	"local function inn(v) return { ref = v.id } end\n"
	"local function export(list)\n"
	"  for _, v in ipairs(list) do exports[#exports + 1] = v.id; v.port_ = true end\n"
	"end\n"
	"return out, inn, export\n";

static lua_State *hooked_state(void)
{
	lua_State *L = new_state();

	assert_int_equal(luaL_loadstring(L, hooks_src), LUA_OK);
	lua_pushcfunction(L, marshal_hooks);
	lua_insert(L, -2);
	assert_int_equal(lua_pcall(L, 0, 3, 0), LUA_OK);
	assert_int_equal(lua_pcall(L, 3, 0, 0), LUA_OK);
	return L;
}

/* The global sequence name as "1,2,3". */
static const char *seq_of(lua_State *L, const char *name)
{
	char chunk[128];

	snprintf(chunk, sizeof chunk, "return table.concat(%s, ',')", name);
	assert_int_equal(luaL_dostring(L, chunk), LUA_OK);
	return lua_tostring(L, -1);
}

static void assert_same_bytes(lua_State *L, const char *expr, const char *plain)
{
	struct msg *a = encode_expr(L, expr, PID), *b = encode_expr(L, plain, PID);

	assert_int_equal(a->size, b->size);
	assert_memory_equal(a->data, b->data, a->size);
	assert_int_equal(a->nvalues, b->nvalues);
	msg_free(a);
	msg_free(b);
}

static void test_hook_out_records(void **state)
{
	lua_State *L = hooked_state();

	(void)state;
	/* objects go as their records, met in the wire's key order */
	assert_same_bytes(L, "{ b = obj(2, true), a = { obj(1, true) }, [7] = obj(3, true), n = 4 }",
			  "{ b = { __objref = true, id = 2 }, a = { { __objref = true, id = 1 } },"
			  " [7] = { __objref = true, id = 3 }, n = 4 }");
	assert_string_equal(seq_of(L, "seen"), "3,1,2");
	/* a metatable without __wire: the table's own contents, no hook */
	assert_same_bytes(L, "setmetatable({ id = 5 }, { __index = { x = 1 } })", "{ id = 5 }");
	assert_string_equal(seq_of(L, "seen"), "3,1,2");
	close_state(L);
}

static int k_exported(lua_State *L, int status, lua_KContext ctx)
{
	(void)status;
	lua_pushinteger(L, (lua_Integer)ctx);
	return 1;
}

static int l_export(lua_State *L)
{
	return marshal_export(L, 42, k_exported);
}

static void test_hook_out_pending(void **state)
{
	lua_State *L = hooked_state();
	struct enc_result r;

	(void)state;
	push_expr(L, "{ z = obj(1), y = obj(2, true), x = { obj(3) } }");
	lua_pushvalue(L, -1);
	lua_setglobal(L, "msg");
	r = encode_top(L, PID);
	assert_false(r.raised);
	assert_null(r.m);
	assert_int_equal(r.err, MARSHAL_EXPORT);
	/* export gets the pending objects in the wire's key order, then k runs */
	lua_pushcfunction(L, l_export);
	assert_int_equal(lua_pcall(L, 0, 1, 0), LUA_OK);
	assert_int_equal(lua_tointeger(L, -1), 42);
	lua_pop(L, 1);
	assert_string_equal(seq_of(L, "exports"), "3,1");
	/* encoded again, the message leaves */
	assert_same_bytes(L, "msg", "{ z = { __objref = true, id = 1 }, y = { __objref = true, id = 2 },"
			  " x = { { __objref = true, id = 3 } } }");
	close_state(L);
}

static void test_hook_in(void **state)
{
	lua_State *L = hooked_state();
	struct msg *m = encode_expr(L, "{ __objref = true, id = 9, x = { __objref = true, id = 5 },"
				    " y = { __objreg = true, id = 6 }, z = { { __objref = 1, id = 4 } } }",
				    PID);
	int ref = -1;

	(void)state;
	/* nested records go through in; the outermost is the caller's */
	assert_int_equal(marshal_decode_ref(L, m, PID, 0, &ref), 0);
	assert_int_equal(ref, 1);
	lua_setglobal(L, "got");
	assert_int_equal(luaL_dostring(L, "return got.id == 9 and got.x.ref == 5 and got.y.ref == nil"
				       " and got.y.id == 6 and got.z[1].ref == 4"), LUA_OK);
	assert_true(lua_toboolean(L, -1));
	lua_pop(L, 1);
	lua_getglobal(L, "got");
	marshal_ref_in(L);
	lua_getfield(L, -1, "ref");
	assert_int_equal(lua_tointeger(L, -1), 9);
	lua_pop(L, 2);
	/* marshal_decode converts the outermost as well */
	assert_int_equal(marshal_decode(L, m, PID, 0), 0);
	lua_getfield(L, -1, "ref");
	assert_int_equal(lua_tointeger(L, -1), 9);
	lua_pop(L, 2);
	msg_free(m);
	close_state(L);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bytes_pinned),
		cmocka_unit_test(test_bytes_scalars),
		cmocka_unit_test(test_bytes_key_order),
		cmocka_unit_test(test_bytes_insertion_order),
		cmocka_unit_test(test_nvalues),
		cmocka_unit_test(test_buffer_reuse),
		cmocka_unit_test(test_encode_errors),
		cmocka_unit_test(test_encode_size_limit),
		cmocka_unit_test(test_port_of_own_process),
		cmocka_unit_test(test_ports_in_table),
		cmocka_unit_test(test_port_of_other_process),
		cmocka_unit_test(test_too_many_ports),
		cmocka_unit_test(test_port_as_key_refused),
		cmocka_unit_test(test_hook_out_records),
		cmocka_unit_test(test_hook_out_pending),
		cmocka_unit_test(test_hook_in),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
