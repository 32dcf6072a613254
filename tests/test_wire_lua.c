/*
 * test_wire_lua.c: unit tests for the Lua bridge of the RPC wire codec
 * (wire_put_lua, wire_push_lua): which wire type a Lua value becomes, key
 * order, round trips, the counts, the values that cannot travel and
 * malformed input (the codec's C API: test_wire.c).
 *
 * The one idea: a Lua value comes back equal (type, integer or float, sign
 * of zero included) and re-encodes to the same bytes, equal tables give
 * equal bytes however they were built, and neither side ever raises a Lua
 * error or leaves the stack changed: a failure is an err string, a
 * refused message leaves nothing pushed.
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

#include "marshal_fixture.h"
#include "wire.h"

static const enum wire_order orders[] = { WIRE_LITTLE, WIRE_BIG };

/* ---- helpers ---- */

/* lua: put(value, wbuf) -> whether wire_put_lua left the stack as found */
static int l_put(lua_State *L)
{
	int top = lua_gettop(L);

	wire_put_lua(L, 1, lua_touserdata(L, 2));
	lua_pushboolean(L, lua_gettop(L) == top);
	return 1;
}

/* Encode the value on top of the stack (and pop it) into w, which must not
 * raise a Lua error. */
static void wire_top(lua_State *L, struct wbuf *w)
{
	int top = lua_gettop(L) - 1;

	lua_pushcfunction(L, l_put);
	lua_insert(L, -2);
	lua_pushlightuserdata(L, w);
	if (lua_pcall(L, 2, 1, 0) != LUA_OK)
		fail_msg("wire_put_lua raised: %s", lua_tostring(L, -1));
	assert_true(lua_toboolean(L, -1));
	lua_settop(L, top);
}

/* Encode a Lua expression that must encode; w is initialised here. */
static void wire_expr(lua_State *L, const char *expr, enum wire_order order, struct wbuf *w)
{
	wbuf_init(w, order);
	push_expr(L, expr);
	wire_top(L, w);
	if (w->err)
		fail_msg("encoding %s: %s", expr, w->err);
}

/* Encoding the expression must fail with exactly want. */
static void encode_fails(lua_State *L, const char *expr, const char *want)
{
	struct wbuf w;

	wbuf_init(&w, WIRE_LITTLE);
	push_expr(L, expr);
	wire_top(L, &w);
	if (!w.err || strcmp(w.err, want) != 0)
		fail_msg("encoding %s: \"%s\", expected \"%s\"", expr, w.err ? w.err : "(no error)",
			 want);
	wbuf_free(&w);
}

/* Decode the n bytes at b (from a buffer of exactly n bytes) and push the
 * value: 0, or -1 with nothing pushed; the error, if any, is copied into
 * err. */
static int decode(lua_State *L, const uint8_t *b, size_t n, char *err, size_t errlen)
{
	uint8_t *copy = malloc(n ? n : 1);
	struct wreader r;
	int top = lua_gettop(L), rc;

	assert_non_null(copy);
	if (n)
		memcpy(copy, b, n);
	wreader_init(&r, copy, n, WIRE_LITTLE);
	rc = wire_push_lua(L, &r);
	assert_true(rc == 0 || rc == -1);
	assert_int_equal(lua_gettop(L), top + (rc == 0));
	assert_true(rc == 0 || r.err != NULL);
	assert_int_equal(r.depth, 0);
	if (err)
		snprintf(err, errlen, "%s", r.err ? r.err : "");
	free(copy);
	return rc;
}

/* Decoding must fail with exactly want (any error when want is NULL). */
static void decode_fails(lua_State *L, const uint8_t *b, size_t n, const char *want)
{
	char err[64];

	if (decode(L, b, n, err, sizeof err) == 0)
		fail_msg("%zu bytes were accepted, expected \"%s\"", n, want ? want : "an error");
	if (want && strcmp(err, want) != 0)
		fail_msg("error \"%s\", expected \"%s\"", err, want);
}

static void assert_wbuf_bytes(const struct wbuf *w, const uint8_t *want, size_t n)
{
	assert_null(w->err);
	assert_int_equal(w->len, n);
	assert_memory_equal(w->p, want, n);
}

/* ---- which wire type a Lua value becomes ---- */

static void test_bytes_pinned(void **state)
{
	static const struct { const char *expr; uint8_t b[28]; size_t n; } cases[] = {
		{ "nil", { 0x00 }, 1 },
		{ "false", { 0x01 }, 1 },
		{ "1", { 0x03, 0, 0, 0, 1 }, 5 },
		{ "-(1 << 31)", { 0x03, 0x80, 0, 0, 0 }, 5 },
		{ "(1 << 31)", { 0x04, 0, 0, 0, 0, 0x80, 0, 0, 0 }, 9 },
		{ "-(1 << 31) - 1", { 0x04, 0xff, 0xff, 0xff, 0xff, 0x7f, 0xff, 0xff, 0xff }, 9 },
		{ "1.0", { 0x05, 0x3f, 0xf0, 0, 0, 0, 0, 0, 0 }, 9 },
		{ "-0.0", { 0x05, 0x80, 0, 0, 0, 0, 0, 0, 0 }, 9 },
		{ "'h\\u{e9}'", { 0x06, 0, 0, 0, 3, 'h', 0xc3, 0xa9 }, 8 },
		{ "'\\xff'", { 0x07, 0, 0, 0, 1, 0xff }, 6 },
		{ "{}", { 0x09, 0, 0, 0, 0 }, 5 },
		{ "{5}", { 0x08, 0, 0, 0, 1, 0x03, 0, 0, 0, 5 }, 10 },
		{ "{[2] = 5}", { 0x09, 0, 0, 0, 1, 0x03, 0, 0, 0, 2, 0x03, 0, 0, 0, 5 }, 15 },
		{ "{1, nil, 3}", { 0x09, 0, 0, 0, 2, 0x03, 0, 0, 0, 1, 0x03, 0, 0, 0, 1,
				   0x03, 0, 0, 0, 3, 0x03, 0, 0, 0, 3 }, 25 },
		{ "{n = true}", { 0x09, 0, 0, 0, 1, 0x06, 0, 0, 0, 1, 'n', 0x02 }, 12 },
	};
	lua_State *L = new_state();

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		for (size_t o = 0; o < 2; o++) {
			struct wbuf w;
			wire_expr(L, cases[i].expr, orders[o], &w);
			assert_wbuf_bytes(&w, cases[i].b, cases[i].n);
			wbuf_free(&w);
		}
	}
	lua_close(L);
}

/* Key order across classes: integers ascending, other numbers, strings
 * bytewise (a prefix first; bytes among the strings), false before true. */
static void test_key_order(void **state)
{
	static const uint8_t want[] = {
		0x09, 0, 0, 0, 9,
		0x04, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0x01,           /* -(1 << 32) */
		0x03, 0xff, 0xff, 0xff, 0xf9, 0x01,                       /* -7 */
		0x03, 0, 0, 0, 2, 0x01,                                   /* 2 */
		0x05, 0xbf, 0xd0, 0, 0, 0, 0, 0, 0, 0x01,                 /* -0.25 */
		0x06, 0, 0, 0, 1, 'a', 0x01,                              /* "a" */
		0x06, 0, 0, 0, 2, 'a', 0, 0x01,                           /* "a\0" */
		0x07, 0, 0, 0, 1, 0xff, 0x01,                             /* "\xff" */
		0x01, 0x01,                                               /* false */
		0x02, 0x01,                                               /* true */
	};
	lua_State *L = new_state();
	struct wbuf w;

	(void)state;
	wire_expr(L, "{[true] = false, ['\\xff'] = false, [false] = false, ['a\\0'] = false,"
		    " a = false, [-0.25] = false, [2] = false, [-7] = false, [-(1 << 32)] = false}",
		    WIRE_BIG, &w);
	assert_wbuf_bytes(&w, want, sizeof want);
	assert_int_equal(w.values, 19);
	wbuf_free(&w);
	lua_close(L);
}

/* Tables equal in content but built in different orders (array part or
 * hash part, keys added forwards, backwards, or after deletions; fewer or
 * more keys than fit in the encoder's stack array) give the same bytes. */
static void test_insertion_order(void **state)
{
	const char *const *variants = insertion_variants;
	lua_State *L = new_state();
	struct wbuf first, w;

	(void)state;
	wire_expr(L, variants[0], WIRE_LITTLE, &first);
	assert_int_equal(first.values, 1 + 2 * 64 + 4);
	for (size_t i = 1; i < INSERTION_VARIANTS; i++) {
		wire_expr(L, variants[i], WIRE_BIG, &w);
		assert_wbuf_bytes(&w, first.p, first.len);
		wbuf_free(&w);
	}
	wbuf_free(&first);
	lua_close(L);
}

/* ---- round trips ---- */

/* Encode expr in the given order, decode it, and check deq(original,
 * decoded); the decoded value must re-encode to the same bytes. */
static void round_trip(lua_State *L, const char *expr, enum wire_order order)
{
	struct wbuf w, w2;

	wire_expr(L, expr, order, &w);
	lua_getglobal(L, "deq");
	push_expr(L, expr);
	if (decode(L, w.p, w.len, NULL, 0) != 0)
		fail_msg("cannot decode the encoding of %s", expr);
	wbuf_init(&w2, order);
	lua_pushvalue(L, -1);
	wire_top(L, &w2);
	if (w2.err || w2.len != w.len || memcmp(w2.p, w.p, w.len) != 0)
		fail_msg("%s re-encodes differently", expr);
	assert_int_equal(lua_pcall(L, 2, 1, 0), LUA_OK);
	if (!lua_toboolean(L, -1))
		fail_msg("%s did not survive a round trip", expr);
	lua_pop(L, 1);
	wbuf_free(&w);
	wbuf_free(&w2);
}

static void test_round_trips(void **state)
{
	static const char *const vals[] = {
		"nil", "true", "false", "0", "-1", "(1 << 31) - 1", "1 << 31", "-(1 << 31)",
		"-(1 << 31) - 1", "math.mininteger", "math.maxinteger",
		"0.0", "-0.0", "1/0", "-1/0", "0/0", "0.1", "2.0^53", "5e-324", "1.0",
		"''", "'text'", "'a\\0b'", "'\\u{10FFFF}\\u{20AC}'", "'\\xff\\xfe'", "'\\xc0\\x80'",
		"string.rep('xy\\0', 5000)",
		"{}", "{1, 2, 3}", "{1, nil, 3}", "{[2] = 2}", "{[0] = 0, 1}", "{'\\xff', {}, {{}}}",
		"{'a', {'b', {'c', {}}}}", "{a = {b = {c = {d = 'e'}}}}",
		"{[1] = 'x', [2.5] = true, [true] = false, [false] = 1, s = 't', [-1] = -0.0}",
		"{[math.mininteger] = 1, [math.maxinteger] = 2, [1/0] = 3, ['\\xff'] = '\\xfe'}",
		"{op = 'call', args = {1, 2.0, 'three', {four = 4}}, id = 1 << 40}",
		"(function() local t = {} for i = 1, 500 do t[i] = i * 1.5 end return t end)()",
		"(function() local t = {} for i = 1, 300 do t['k' .. i] = {i} end return t end)()",
	};
	lua_State *L = new_state();

	(void)state;
	for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++)
		for (size_t o = 0; o < 2; o++)
			round_trip(L, vals[i], orders[o]);
	assert_int_equal(lua_gettop(L), 0);
	lua_close(L);
}

/* A NaN's payload survives the wire, Lua, and the wire again. */
static void test_nan_bits(void **state)
{
	static const uint64_t nans[] = { 0x7ff8000000abcdefull, 0xfff8000000000001ull };
	lua_State *L = new_state();

	(void)state;
	for (size_t i = 0; i < sizeof nans / sizeof nans[0]; i++) {
		struct wbuf w, w2;
		double d;

		memcpy(&d, &nans[i], sizeof d);
		wbuf_init(&w, WIRE_LITTLE);
		wire_put_f64(&w, d);
		assert_int_equal(decode(L, w.p, w.len, NULL, 0), 0);
		wbuf_init(&w2, WIRE_LITTLE);
		wire_top(L, &w2);
		assert_wbuf_bytes(&w2, w.p, w.len);
		wbuf_free(&w);
		wbuf_free(&w2);
	}
	lua_close(L);
}

/* ---- the counts ---- */

static void test_counts(void **state)
{
	static const struct { const char *expr; uint32_t values, numbers; } cases[] = {
		{ "nil", 1, 0 }, { "'s'", 1, 1 }, { "{}", 1, 1 }, { "1.5", 1, 1 },
		{ "{10, 20, 30}", 4, 4 },
		{ "{1, 2, op = 'add'}", 7, 7 },          /* a table, three keys, three values */
		{ "{a = {b = true}}", 5, 4 },
	};
	lua_State *L = new_state();

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		for (size_t o = 0; o < 2; o++) {
			struct wbuf w;
			struct wreader r;
			uint32_t swaps = orders[o] == WIRE_LITTLE ? cases[i].numbers : 0;

			wire_expr(L, cases[i].expr, orders[o], &w);
			if (w.values != cases[i].values || w.numbers != cases[i].numbers ||
			    w.swaps != swaps)
				fail_msg("%s: %u values, %u numbers, %u swaps", cases[i].expr,
					 w.values, w.numbers, w.swaps);
			wreader_init(&r, w.p, w.len, orders[o]);
			assert_int_equal(wire_push_lua(L, &r), 0);
			lua_pop(L, 1);
			assert_int_equal(r.values, w.values);
			assert_int_equal(r.numbers, w.numbers);
			assert_int_equal(r.swaps, w.swaps);
			wbuf_free(&w);
		}
	}
	lua_close(L);
}

/* ---- values that cannot travel ---- */

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

static void test_encode_errors(void **state)
{
	static const char *const deep = "nested deeper than 32 (is it cyclic?)";
	static const char *const big = "larger than 1048576 bytes";
	lua_State *L = new_state();
	char expr[400];
	struct wbuf w;

	(void)state;
	encode_fails(L, "print", "cannot pass a value of type function");
	encode_fails(L, "coroutine.create(print)", "cannot pass a value of type thread");
	encode_fails(L, "io.stdout", "cannot pass a value of type userdata");
	encode_fails(L, "{1, {2, {f = print}}}", "cannot pass a value of type function");
	encode_fails(L, "{[{}] = 1}", "cannot pass a table with a key of type table");
	encode_fails(L, "{[print] = 1}", "cannot pass a table with a key of type function");
	encode_fails(L, "(function() local t = {} t.self = t return t end)()", deep);
	encode_fails(L, "(function() local t = {} t[1] = t return t end)()", deep);
	encode_fails(L, "string.rep('x', 1 << 20)", big);
	encode_fails(L, "{string.rep('x', 600000), string.rep('\\xff', 600000)}", big);
	encode_fails(L, "(function() local t = {} for i = 1, 1 << 19 do t[-i] = true end"
		     " return t end)()", big);
	nest_expr(expr, sizeof expr, WIRE_MAX_DEPTH);
	wire_expr(L, expr, WIRE_LITTLE, &w);
	wbuf_free(&w);
	nest_expr(expr, sizeof expr, WIRE_MAX_DEPTH + 1);
	encode_fails(L, expr, deep);

	wbuf_init(&w, WIRE_LITTLE);                 /* light userdata; and errors stick */
	lua_pushlightuserdata(L, &w);
	wire_top(L, &w);
	assert_string_equal(w.err, "cannot pass a value of type userdata");
	lua_pushinteger(L, 1);
	wire_top(L, &w);
	assert_int_equal(w.len, 0);
	assert_string_equal(w.err, "cannot pass a value of type userdata");
	wbuf_free(&w);
	assert_int_equal(lua_gettop(L), 0);
	lua_close(L);
}

/* Only the table's own contents travel: no __pairs, __index or __len. */
static void test_metatables_ignored(void **state)
{
	static const uint8_t want[] = { 0x08, 0, 0, 0, 1, 0x03, 0, 0, 0, 7 };
	lua_State *L = new_state();
	struct wbuf w;

	(void)state;
	wire_expr(L, "setmetatable({7}, {__pairs = error, __index = error, __len = error})",
		    WIRE_LITTLE, &w);
	assert_wbuf_bytes(&w, want, sizeof want);
	wbuf_free(&w);
	lua_close(L);
}

/* ---- malformed input ---- */

static void test_decode_truncated(void **state)
{
	lua_State *L = new_state();
	struct wbuf w;

	(void)state;
	wire_expr(L, "{1, -2.5, 'str\\0ing', '\\xff', true, false, {x = {y = 'z'}},"
		    " [1.5] = 1 << 40, name = 'n', [true] = {}}", WIRE_LITTLE, &w);
	assert_int_equal(decode(L, w.p, w.len, NULL, 0), 0);
	lua_pop(L, 1);
	for (size_t n = 0; n < w.len; n++)
		decode_fails(L, w.p, n, NULL);
	assert_int_equal(lua_gettop(L), 0);
	wbuf_free(&w);
	lua_close(L);
}

static void test_decode_bad_keys(void **state)
{
	static const uint8_t nil_key[] = { 0x09, 0, 0, 0, 1, 0x00, 0x02 };
	static const uint8_t array_key[] = { 0x09, 0, 0, 0, 1, 0x08, 0, 0, 0, 0, 0x02 };
	static const uint8_t table_key[] = { 0x09, 0, 0, 0, 1, 0x09, 0, 0, 0, 0, 0x02 };
	static const uint8_t nan_key[] = {
		0x09, 0, 0, 0, 1, 0x05, 0x7f, 0xf8, 0, 0, 0, 0, 0, 0, 0x02,
	};
	static const uint8_t nested_nil_key[] = {
		0x08, 0, 0, 0, 1, 0x09, 0, 0, 0, 1, 0x00, 0x01,
	};
	lua_State *L = new_state();

	(void)state;
	decode_fails(L, nil_key, sizeof nil_key, "a table key of type nil");
	decode_fails(L, array_key, sizeof array_key, "a table key of type array");
	decode_fails(L, table_key, sizeof table_key, "a table key of type table");
	decode_fails(L, nan_key, sizeof nan_key, "a table key that is NaN");
	decode_fails(L, nested_nil_key, sizeof nested_nil_key, "a table key of type nil");
	lua_close(L);
}

static void test_decode_other_errors(void **state)
{
	static const uint8_t bad_tag[] = { 0x08, 0, 0, 0, 2, 0x03, 0, 0, 0, 1, 0x0c };
	static const uint8_t bad_utf8[] = { 0x09, 0, 0, 0, 1, 0x06, 0, 0, 0, 1, 0xff, 0x00 };
	static const uint8_t long_str[] = { 0x06, 0, 0, 0, 9, 'a' };
	static const uint8_t huge_str[] = { 0x07, 0x00, 0x10, 0x00, 0x01 };
	uint8_t deep[5 * (WIRE_MAX_DEPTH + 1)];
	lua_State *L = new_state();

	(void)state;
	decode_fails(L, bad_tag, sizeof bad_tag, "unknown tag 12");
	decode_fails(L, bad_utf8, sizeof bad_utf8, "invalid UTF-8 in a string");
	decode_fails(L, long_str, sizeof long_str, "length beyond the message");
	decode_fails(L, huge_str, sizeof huge_str, "larger than 1048576 bytes");
	for (size_t i = 0; i < sizeof deep; i += 5) {
		static const uint8_t one[] = { 0x08, 0, 0, 0, 1 };
		memcpy(deep + i, one, sizeof one);
	}
	deep[sizeof deep - 1] = 0;                          /* the innermost is empty */
	decode_fails(L, deep, sizeof deep, "nested deeper than 32 (is it cyclic?)");
	assert_int_equal(decode(L, deep + 5, sizeof deep - 5, NULL, 0), 0);   /* 32 deep */
	lua_close(L);
}

/* An allocator that remembers the largest block asked for. */
static size_t largest;

static void *track_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
	(void)ud;
	(void)osize;
	if (nsize == 0) {
		free(ptr);
		return NULL;
	}
	largest = nsize > largest ? nsize : largest;
	return realloc(ptr, nsize);
}

/* A hostile count is refused before lua_createtable is asked for room. */
static void test_decode_huge_counts(void **state)
{
	static const uint8_t arr[] = { 0x08, 0x00, 0x0f, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0 };
	static const uint8_t tbl[] = { 0x09, 0x00, 0x00, 0x00, 0x05, 2, 2, 2, 2, 2, 2, 2, 2, 2 };
	static const uint8_t arr_max[] = { 0x08, 0xff, 0xff, 0xff, 0xff, 0 };
	static const uint8_t tbl_max[] = { 0x09, 0x7f, 0xff, 0xff, 0xff, 0 };
	lua_State *L = lua_newstate(track_alloc, NULL);

	(void)state;
	assert_non_null(L);
	largest = 0;
	decode_fails(L, arr, sizeof arr, "count beyond the message");
	decode_fails(L, tbl, sizeof tbl, "count beyond the message");
	decode_fails(L, arr_max, sizeof arr_max, "larger than 1048576 bytes");
	decode_fails(L, tbl_max, sizeof tbl_max, "larger than 1048576 bytes");
	assert_true(largest < 1024);
	lua_close(L);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bytes_pinned),
		cmocka_unit_test(test_key_order),
		cmocka_unit_test(test_insertion_order),
		cmocka_unit_test(test_round_trips),
		cmocka_unit_test(test_nan_bits),
		cmocka_unit_test(test_counts),
		cmocka_unit_test(test_encode_errors),
		cmocka_unit_test(test_metatables_ignored),
		cmocka_unit_test(test_decode_truncated),
		cmocka_unit_test(test_decode_bad_keys),
		cmocka_unit_test(test_decode_other_errors),
		cmocka_unit_test(test_decode_huge_counts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
