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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
