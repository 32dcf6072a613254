/*
 * test_marshal_decode.c: unit tests for decoding the canonical message
 * encoding (marshal): round trips of Lua values, the depth limit on both
 * sides, and malformed payloads (the bytes written, errors while encoding
 * and ports: test_marshal.c).
 *
 * The one idea: values must come back equal (type, subtype and sign of
 * zero included) and re-encode to the same bytes, and the decoder, which
 * may be fed anything by a C program, refuses every malformed payload
 * cleanly: -1 and the Lua stack as it was.
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
#include "uk_limits.h"

/* ---- helpers ---- */

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

/* ---- decoding with room reserved ---- */

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
	/* Keys the encoder cannot write (found by the fuzz target "marshal": the
	 * decoder took them, and the value could then not be sent on). */
	static const uint8_t table_key[] = {
		MT_TABLE, 0, 0, 0, 1, MT_TABLE, 0, 0, 0, 0, MT_TRUE,
	};
	static const uint8_t port_key[] = { MT_TABLE, 0, 0, 0, 1, MT_PORT, 0, MT_TRUE };
	lua_State *L = new_state();

	(void)state;
	decode_refuses(L, nil_key, sizeof nil_key, 0, "nil as a table key");
	decode_refuses(L, nan_key, sizeof nan_key, 0, "NaN as a table key");
	decode_refuses(L, nested_nil_key, sizeof nested_nil_key, 0, "nil as a key one level down");
	decode_refuses(L, table_key, sizeof table_key, 0, "a table as a table key");
	decode_refuses(L, port_key, sizeof port_key, 1, "a port handle as a table key");
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
		cmocka_unit_test(test_decode_extra),
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
