/*
 * test_wire.c: unit tests for the RPC wire codec (wire), written and read
 * through its C API: the bytes, the counts, round trips of every type in
 * both byte orders, the limits, and malformed input (the Lua bridge:
 * test_wire_lua.c).
 *
 * The one idea: the bytes are a contract, pinned by hand from wire.h and
 * the same whatever the process's byte order (only the swap counts
 * differ), and the reader, which may be fed anything, refuses every
 * malformed message with a clear error and never reads past the end:
 * each reader here runs over a buffer of exactly the message's size, so
 * that ASan sees a read one byte too far.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "wire.h"

static const enum wire_order orders[] = { WIRE_LITTLE, WIRE_BIG };

/* ---- helpers ---- */

/* A copy of n bytes in a buffer of exactly n bytes (freed by the caller). */
static uint8_t *exact_copy(const void *b, size_t n)
{
	uint8_t *p = malloc(n ? n : 1);

	assert_non_null(p);
	if (n)
		memcpy(p, b, n);
	return p;
}

static void assert_wbuf_bytes(const struct wbuf *w, const uint8_t *want, size_t n)
{
	assert_null(w->err);
	assert_int_equal(w->len, n);
	assert_memory_equal(w->p, want, n);
}

/* Skip every value of the n bytes at b: 0 when they are all well formed;
 * else -1, and the error must be want (when not NULL). */
static int skip_all(const uint8_t *b, size_t n, const char *want)
{
	uint8_t *copy = exact_copy(b, n);
	struct wreader r;
	int rc = 0;

	wreader_init(&r, copy, n, WIRE_LITTLE);
	while (rc == 0 && r.pos < r.len)
		rc = wire_skip(&r);
	assert_true(rc == 0 || r.err != NULL);
	assert_true(r.pos <= r.len);
	if (rc && want && strcmp(r.err, want) != 0)
		fail_msg("error \"%s\", expected \"%s\"", r.err, want);
	free(copy);
	return rc;
}

static void refused(const uint8_t *b, size_t n, const char *want)
{
	if (skip_all(b, n, want) == 0)
		fail_msg("%zu bytes starting with tag %d were accepted, expected \"%s\"", n,
			 n ? b[0] : -1, want);
}

/* A message with every type, nested: a table of two pairs. */
static void put_rich(struct wbuf *w)
{
	wire_put_table(w, 2);
	wire_put_string(w, "args", 4);
	wire_put_array(w, 9);
	wire_put_nil(w);
	wire_put_bool(w, 0);
	wire_put_bool(w, 1);
	wire_put_i32(w, -7);
	wire_put_i64(w, INT64_MIN);
	wire_put_f64(w, 0.5);
	wire_put_string(w, "h\xc3\xa9", 3);
	wire_put_bytes(w, "\xff\x00", 2);
	wire_put_table(w, 1);
	wire_put_i32(w, 1);
	wire_put_array(w, 0);
	wire_put_string(w, "id", 2);
	wire_put_i64(w, 42);
}

/* ---- the bytes and the counts ---- */

static void put_nil(struct wbuf *w) { wire_put_nil(w); }
static void put_false(struct wbuf *w) { wire_put_bool(w, 0); }
static void put_true(struct wbuf *w) { wire_put_bool(w, 7); }
static void put_one(struct wbuf *w) { wire_put_i32(w, 1); }
static void put_minus_one(struct wbuf *w) { wire_put_i32(w, -1); }
static void put_i64(struct wbuf *w) { wire_put_i64(w, 0x0102030405060708); }
static void put_f64(struct wbuf *w) { wire_put_f64(w, 1.0); }
static void put_str(struct wbuf *w) { wire_put_string(w, "h\xc3\xa9", 3); }
static void put_bytes(struct wbuf *w) { wire_put_bytes(w, "\xff\x00", 2); }

static void put_array(struct wbuf *w)
{
	wire_put_array(w, 2);
	wire_put_i32(w, 1);
	wire_put_nil(w);
}

static void put_table(struct wbuf *w)
{
	wire_put_table(w, 1);
	wire_put_string(w, "n", 1);
	wire_put_bool(w, 1);
}

static void test_bytes_pinned(void **state)
{
	static const struct {
		void (*put)(struct wbuf *w);
		uint8_t b[12];
		size_t n;
		uint32_t values, numbers;
	} cases[] = {
		{ put_nil, { 0x00 }, 1, 1, 0 },
		{ put_false, { 0x01 }, 1, 1, 0 },
		{ put_true, { 0x02 }, 1, 1, 0 },
		{ put_one, { 0x03, 0, 0, 0, 1 }, 5, 1, 1 },
		{ put_minus_one, { 0x03, 0xff, 0xff, 0xff, 0xff }, 5, 1, 1 },
		{ put_i64, { 0x04, 1, 2, 3, 4, 5, 6, 7, 8 }, 9, 1, 1 },
		{ put_f64, { 0x05, 0x3f, 0xf0, 0, 0, 0, 0, 0, 0 }, 9, 1, 1 },
		{ put_str, { 0x06, 0, 0, 0, 3, 'h', 0xc3, 0xa9 }, 8, 1, 1 },
		{ put_bytes, { 0x07, 0, 0, 0, 2, 0xff, 0x00 }, 7, 1, 1 },
		{ put_array, { 0x08, 0, 0, 0, 2, 0x03, 0, 0, 0, 1, 0x00 }, 11, 3, 2 },
		{ put_table, { 0x09, 0, 0, 0, 1, 0x06, 0, 0, 0, 1, 'n', 0x02 }, 12, 3, 2 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		for (size_t o = 0; o < 2; o++) {
			struct wbuf w;
			wbuf_init(&w, orders[o]);
			cases[i].put(&w);
			assert_wbuf_bytes(&w, cases[i].b, cases[i].n);
			assert_int_equal(w.values, cases[i].values);
			assert_int_equal(w.numbers, cases[i].numbers);
			assert_int_equal(w.swaps, orders[o] == WIRE_LITTLE ? cases[i].numbers : 0);
			assert_int_equal(skip_all(w.p, w.len, NULL), 0);
			wbuf_free(&w);
			assert_null(w.p);
			assert_int_equal(w.len, 0);
		}
	}
}

/* A request as in rpc_proto.h: i32 type, i64 id, string target, i32 method,
 * i32 protocol, array of arguments. */
static void put_request(struct wbuf *w)
{
	wire_put_i32(w, 1);
	wire_put_i64(w, 77);
	wire_put_string(w, "fs", 2);
	wire_put_i32(w, 3);
	wire_put_i32(w, 1);
	wire_put_array(w, 2);
	wire_put_i32(w, 5);
	wire_put_string(w, "x", 1);
}

/* Eight values; every one carries a multi-byte number (a payload, a
 * length or a count). Reading counts the same; skipping converts only the
 * lengths and counts it needs to find the end. */
static void test_counts(void **state)
{
	(void)state;
	for (size_t o = 0; o < 2; o++) {
		struct wbuf w;
		struct wreader r;
		size_t len;
		uint32_t swaps = orders[o] == WIRE_LITTLE ? 8 : 0;

		wbuf_init(&w, orders[o]);
		put_request(&w);
		assert_null(w.err);
		assert_int_equal(w.len, 5 + 9 + 7 + 5 + 5 + 5 + 5 + 6);
		assert_int_equal(w.values, 8);
		assert_int_equal(w.numbers, 8);
		assert_int_equal(w.swaps, swaps);

		wreader_init(&r, w.p, w.len, orders[o]);
		assert_int_equal(wire_get_i32(&r), 1);
		assert_int_equal(wire_get_i64(&r), 77);
		assert_memory_equal(wire_get_string(&r, &len), "fs", 2);
		assert_int_equal(wire_get_i32(&r), 3);
		assert_int_equal(wire_get_i32(&r), 1);
		assert_int_equal(wire_get_array(&r), 2);
		assert_int_equal(wire_get_i64(&r), 5);
		assert_memory_equal(wire_get_string(&r, &len), "x", 1);
		assert_null(r.err);
		assert_int_equal(wire_peek(&r), -1);
		assert_int_equal(r.values, 8);
		assert_int_equal(r.numbers, 8);
		assert_int_equal(r.swaps, swaps);

		wreader_init(&r, w.p, w.len, orders[o]);
		for (int i = 0; i < 6; i++)
			assert_int_equal(wire_skip(&r), 0);
		assert_int_equal(r.pos, r.len);
		assert_int_equal(r.values, 8);
		assert_int_equal(r.numbers, 3);
		assert_int_equal(r.swaps, orders[o] == WIRE_LITTLE ? 3 : 0);
		wbuf_free(&w);
	}
}

/* ---- round trips ---- */

static const int32_t i32s[] = { 0, 1, -1, 127, 128, -129, INT32_MAX, INT32_MIN };
static const int64_t i64s[] = { 0, -1, (int64_t)1 << 53, INT32_MAX + (int64_t)1, INT64_MAX, INT64_MIN };
static const uint64_t f64_bits[] = {
	0x0000000000000000ull,   /* 0.0 */
	0x8000000000000000ull,   /* -0.0 */
	0x7ff0000000000000ull,   /* inf */
	0xfff0000000000000ull,   /* -inf */
	0x7ff8000000000000ull,   /* the usual NaN */
	0x7ff8000000abcdefull,   /* a NaN with a payload */
	0xfff8000000000001ull,   /* a negative NaN with a payload */
	0x0000000000000001ull,   /* the smallest subnormal */
	0x7fefffffffffffffull,   /* the largest finite */
	0x3fb999999999999aull,   /* 0.1 */
};
static const char *const strings[] = {
	"", "a", "h\xc3\xa9", "\xe2\x82\xac", "\xf0\x9d\x84\x9e", "\xf4\x8f\xbf\xbf",
	"\x7f\xc2\x80\xdf\xbf\xe0\xa0\x80\xef\xbf\xbf\xf0\x90\x80\x80",
};

static void put_scalars(struct wbuf *w)
{
	wire_put_nil(w);
	wire_put_bool(w, 0);
	wire_put_bool(w, 1);
	for (size_t i = 0; i < sizeof i32s / sizeof i32s[0]; i++)
		wire_put_i32(w, i32s[i]);
	for (size_t i = 0; i < sizeof i64s / sizeof i64s[0]; i++)
		wire_put_i64(w, i64s[i]);
	for (size_t i = 0; i < sizeof f64_bits / sizeof f64_bits[0]; i++) {
		double d;
		memcpy(&d, &f64_bits[i], sizeof d);
		wire_put_f64(w, d);
	}
	for (size_t i = 0; i < sizeof strings / sizeof strings[0]; i++)
		wire_put_string(w, strings[i], strlen(strings[i]));
	wire_put_string(w, "a\0b", 3);
	wire_put_bytes(w, NULL, 0);
	wire_put_bytes(w, "\0\xff\xc0\x80", 4);
}

static void get_scalars(struct wreader *r)
{
	const char *s;
	size_t len;

	assert_int_equal(wire_get_nil(r), 0);
	assert_int_equal(wire_get_bool(r), 0);
	assert_int_equal(wire_get_bool(r), 1);
	for (size_t i = 0; i < sizeof i32s / sizeof i32s[0]; i++)
		assert_int_equal(wire_get_i32(r), i32s[i]);
	for (size_t i = 0; i < sizeof i64s / sizeof i64s[0]; i++)
		assert_true(wire_get_i64(r) == i64s[i]);
	for (size_t i = 0; i < sizeof f64_bits / sizeof f64_bits[0]; i++) {
		double d = wire_get_f64(r);
		uint64_t bits;
		memcpy(&bits, &d, sizeof bits);
		if (bits != f64_bits[i])
			fail_msg("f64 %016llx came back as %016llx",
				 (unsigned long long)f64_bits[i], (unsigned long long)bits);
	}
	for (size_t i = 0; i < sizeof strings / sizeof strings[0]; i++) {
		s = wire_get_string(r, &len);
		assert_non_null(s);
		assert_int_equal(len, strlen(strings[i]));
		if (len)
			assert_memory_equal(s, strings[i], len);
	}
	s = wire_get_string(r, &len);
	assert_int_equal(len, 3);
	assert_memory_equal(s, "a\0b", 3);
	assert_non_null(wire_get_bytes(r, &len));
	assert_int_equal(len, 0);
	s = wire_get_bytes(r, &len);
	assert_int_equal(len, 4);
	assert_memory_equal(s, "\0\xff\xc0\x80", 4);
}

static void test_round_trip_scalars(void **state)
{
	uint8_t *first = NULL;
	size_t first_len = 0;

	(void)state;
	for (size_t o = 0; o < 2; o++) {
		struct wbuf w;
		struct wreader r;
		uint8_t *copy;

		wbuf_init(&w, orders[o]);
		put_scalars(&w);
		assert_null(w.err);
		if (!first) {
			first = exact_copy(w.p, w.len);
			first_len = w.len;
		}
		assert_wbuf_bytes(&w, first, first_len);   /* the same bytes in either order */
		copy = exact_copy(w.p, w.len);
		wreader_init(&r, copy, w.len, orders[o]);
		get_scalars(&r);
		assert_null(r.err);
		assert_int_equal(r.pos, r.len);
		assert_int_equal(r.values, w.values);
		assert_int_equal(r.numbers, w.numbers);
		assert_int_equal(r.swaps, w.swaps);
		free(copy);
		wbuf_free(&w);
	}
	free(first);
}

/* wire_get_i64 takes an i32 too; wire_peek looks without moving. */
static void test_get_widening_and_peek(void **state)
{
	struct wbuf w;
	struct wreader r;

	(void)state;
	wbuf_init(&w, WIRE_BIG);
	wire_put_i32(&w, INT32_MIN);
	wire_put_i32(&w, -5);
	wire_put_table(&w, 0);
	wreader_init(&r, w.p, w.len, WIRE_BIG);
	assert_int_equal(wire_peek(&r), WT_I32);
	assert_int_equal(wire_peek(&r), WT_I32);
	assert_int_equal(r.pos, 0);
	assert_true(wire_get_i64(&r) == INT32_MIN);
	assert_int_equal(wire_get_i32(&r), -5);
	assert_int_equal(wire_peek(&r), WT_TABLE);
	assert_int_equal(wire_get_table(&r), 0);
	assert_int_equal(wire_peek(&r), -1);         /* the end is not an error */
	assert_null(r.err);
	assert_int_equal(wire_get_nil(&r), -1);      /* but reading past it is */
	assert_string_equal(r.err, "truncated");
	wbuf_free(&w);
}

/* ---- writing past the limits ---- */

static void test_write_limits(void **state)
{
	struct wbuf w;
	uint8_t *big = calloc(1, WIRE_MAX_BYTES);
	size_t len;

	(void)state;
	assert_non_null(big);
	wbuf_init(&w, WIRE_LITTLE);
	wire_put_bytes(&w, big, WIRE_MAX_BYTES - 5);          /* exactly the limit */
	assert_null(w.err);
	assert_int_equal(w.len, WIRE_MAX_BYTES);
	len = w.len;
	wire_put_nil(&w);
	assert_string_equal(w.err, "larger than 1048576 bytes");
	assert_int_equal(w.len, len);
	wbuf_free(&w);

	wbuf_init(&w, WIRE_LITTLE);
	wire_put_bytes(&w, big, WIRE_MAX_BYTES);
	assert_string_equal(w.err, "larger than 1048576 bytes");
	assert_int_equal(w.len, 0);                           /* nothing of it written */
	wire_put_i32(&w, 1);                                  /* sticky */
	assert_int_equal(w.len, 0);
	assert_int_equal(w.values, 0);
	wbuf_free(&w);

	wbuf_init(&w, WIRE_LITTLE);
	wire_put_string(&w, (const char *)big, SIZE_MAX);     /* never read: too big first */
	assert_string_equal(w.err, "larger than 1048576 bytes");
	wbuf_free(&w);

	/* Counts that cannot fit are refused before the items are written. */
	wbuf_init(&w, WIRE_LITTLE);
	wire_put_array(&w, WIRE_MAX_BYTES - 5);
	assert_null(w.err);
	wire_put_array(&w, WIRE_MAX_BYTES);
	assert_string_equal(w.err, "larger than 1048576 bytes");
	wbuf_free(&w);
	wbuf_init(&w, WIRE_LITTLE);
	wire_put_table(&w, UINT32_MAX);
	assert_string_equal(w.err, "larger than 1048576 bytes");
	wbuf_free(&w);
	free(big);
}

static void test_write_bad_utf8(void **state)
{
	struct wbuf w;

	(void)state;
	wbuf_init(&w, WIRE_BIG);
	wire_put_i32(&w, 1);
	wire_put_string(&w, "\xc0\x80", 2);
	assert_string_equal(w.err, "invalid UTF-8 in a string");
	assert_int_equal(w.len, 5);
	wire_put_string(&w, "ok", 2);
	assert_int_equal(w.len, 5);
	wbuf_free(&w);
}

/* ---- malformed input ---- */

static void test_truncated(void **state)
{
	struct wbuf w;

	(void)state;
	wbuf_init(&w, WIRE_LITTLE);
	put_rich(&w);
	assert_null(w.err);
	assert_int_equal(skip_all(w.p, w.len, NULL), 0);
	for (size_t n = 0; n < w.len; n++) {
		uint8_t *copy = exact_copy(w.p, n);
		struct wreader r;

		wreader_init(&r, copy, n, WIRE_LITTLE);
		if (wire_skip(&r) != -1 || !r.err)
			fail_msg("a prefix of %zu bytes of %zu was accepted", n, w.len);
		if (strcmp(r.err, "truncated") && strcmp(r.err, "length beyond the message") &&
		    strcmp(r.err, "count beyond the message"))
			fail_msg("a prefix of %zu bytes: \"%s\"", n, r.err);
		assert_true(r.pos <= n);
		free(copy);
	}
	wbuf_free(&w);
}

static void test_unknown_tags(void **state)
{
	char want[32];

	(void)state;
	for (unsigned tag = WT_COUNT; tag <= 0xff; tag++) {
		const uint8_t alone[] = { (uint8_t)tag };
		const uint8_t inside[] = { WT_ARRAY, 0, 0, 0, 2, WT_NIL, (uint8_t)tag, 0, 0, 0, 0 };
		struct wreader r;

		snprintf(want, sizeof want, "unknown tag %u", tag);
		refused(alone, sizeof alone, want);
		refused(inside, sizeof inside, want);
		wreader_init(&r, alone, 1, WIRE_BIG);
		assert_int_equal(wire_peek(&r), -1);
		assert_string_equal(r.err, want);
	}
}

static void test_wrong_types(void **state)
{
	static const uint8_t str[] = { WT_STRING, 0, 0, 0, 1, 'x' };
	static const uint8_t i64[] = { WT_I64, 0, 0, 0, 0, 0, 0, 0, 1 };
	static const uint8_t nil[] = { WT_NIL };
	struct wreader r;
	size_t len = 99;

	(void)state;
	wreader_init(&r, str, sizeof str, WIRE_LITTLE);
	assert_int_equal(wire_get_i32(&r), 0);
	assert_string_equal(r.err, "expected i32, got string");
	assert_int_equal(r.pos, 0);
	assert_null(wire_get_string(&r, &len));                 /* sticky */
	assert_int_equal(len, 0);
	assert_string_equal(r.err, "expected i32, got string");

	wreader_init(&r, str, sizeof str, WIRE_LITTLE);
	assert_null(wire_get_bytes(&r, &len));
	assert_string_equal(r.err, "expected bytes, got string");
	wreader_init(&r, i64, sizeof i64, WIRE_LITTLE);
	assert_int_equal(wire_get_i32(&r), 0);
	assert_string_equal(r.err, "expected i32, got i64");
	wreader_init(&r, i64, sizeof i64, WIRE_LITTLE);
	assert_true(wire_get_f64(&r) == 0);
	assert_string_equal(r.err, "expected f64, got i64");
	wreader_init(&r, nil, sizeof nil, WIRE_LITTLE);
	assert_int_equal(wire_get_bool(&r), -1);
	assert_string_equal(r.err, "expected boolean, got nil");
	wreader_init(&r, nil, sizeof nil, WIRE_LITTLE);
	assert_int_equal(wire_get_array(&r), -1);
	assert_string_equal(r.err, "expected array, got nil");
	wreader_init(&r, str, sizeof str, WIRE_LITTLE);
	assert_int_equal(wire_get_table(&r), -1);
	assert_string_equal(r.err, "expected table, got string");
	wreader_init(&r, str, sizeof str, WIRE_LITTLE);
	assert_int_equal(wire_get_nil(&r), -1);
	assert_string_equal(r.err, "expected nil, got string");
}

static void test_bad_lengths_and_counts(void **state)
{
	static const uint8_t str_past[] = { WT_STRING, 0, 0, 0, 5, 'a', 'b' };
	static const uint8_t bytes_past[] = { WT_BYTES, 0, 0, 0, 1 };
	static const uint8_t str_huge[] = { WT_STRING, 0xff, 0xff, 0xff, 0xff, 'a' };
	static const uint8_t str_cut_len[] = { WT_STRING, 0, 0 };
	static const uint8_t arr_huge[] = { WT_ARRAY, 0x7f, 0xff, 0xff, 0xff, 0, 0 };
	static const uint8_t arr_past[] = { WT_ARRAY, 0, 0, 0, 4, 0, 0, 0 };
	static const uint8_t tbl_huge[] = { WT_TABLE, 0, 0x08, 0, 1, 0, 0 };
	static const uint8_t tbl_past[] = { WT_TABLE, 0, 0, 0, 3, 2, 2, 2, 2, 2 };
	static const uint8_t tbl_short[] = { WT_TABLE, 0, 0, 0, 2, 2, 2, 2, WT_I32 };
	static const uint8_t i32_cut[] = { WT_I32, 0, 0, 0 };
	static const uint8_t f64_cut[] = { WT_F64, 0x3f, 0xf0 };

	(void)state;
	refused(str_past, sizeof str_past, "length beyond the message");
	refused(bytes_past, sizeof bytes_past, "length beyond the message");
	refused(str_huge, sizeof str_huge, "larger than 1048576 bytes");
	refused(str_cut_len, sizeof str_cut_len, "truncated");
	refused(arr_huge, sizeof arr_huge, "larger than 1048576 bytes");
	refused(arr_past, sizeof arr_past, "count beyond the message");
	refused(tbl_huge, sizeof tbl_huge, "larger than 1048576 bytes");
	refused(tbl_past, sizeof tbl_past, "count beyond the message");
	refused(tbl_short, sizeof tbl_short, "truncated");
	refused(i32_cut, sizeof i32_cut, "truncated");
	refused(f64_cut, sizeof f64_cut, "truncated");
}

/* A message longer than the limit is refused whole, before any read. */
static void test_reader_too_big(void **state)
{
	static const uint8_t nil[] = { WT_NIL };
	struct wreader r;

	(void)state;
	wreader_init(&r, nil, (size_t)WIRE_MAX_BYTES + 1, WIRE_LITTLE);
	assert_string_equal(r.err, "larger than 1048576 bytes");
	assert_int_equal(wire_get_nil(&r), -1);
	assert_int_equal(wire_peek(&r), -1);
}

/* depth arrays, each holding the next; the innermost is empty. */
static size_t nested_arrays(uint8_t *b, int depth)
{
	size_t n = 0;

	for (int i = 0; i < depth; i++) {
		b[n++] = WT_ARRAY;
		for (int k = 0; k < 4; k++)
			b[n++] = (uint8_t)(k == 3 && i < depth - 1);
	}
	return n;
}

static void test_deep_nesting(void **state)
{
	uint8_t b[5 * 1000];

	(void)state;
	assert_int_equal(skip_all(b, nested_arrays(b, WIRE_MAX_DEPTH), NULL), 0);
	refused(b, nested_arrays(b, WIRE_MAX_DEPTH + 1), "nested deeper than 32 (is it cyclic?)");
	refused(b, nested_arrays(b, 1000), "nested deeper than 32 (is it cyclic?)");
}

static void test_invalid_utf8(void **state)
{
	static const char *const bad[] = {
		"\x80", "\xbf", "\xc0\x80", "\xc1\xbf", "\xe0\x80\x80", "\xe0\x9f\xbf",
		"\xed\xa0\x80", "\xed\xbf\xbf", "\xf0\x80\x80\x80", "\xf0\x8f\xbf\xbf",
		"\xf4\x90\x80\x80", "\xf5\x80\x80\x80", "\xf8\x88\x80\x80\x80", "\xff", "\xfe",
		"\xc3", "\xe2\x82", "\xf0\x9d\x84", "a\xc3(", "\xe2(\xa1", "ok\xc3",
	};

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		size_t n = strlen(bad[i]);
		uint8_t b[16] = { WT_STRING, 0, 0, 0, (uint8_t)n };
		struct wbuf w;

		memcpy(b + 5, bad[i], n);
		refused(b, 5 + n, "invalid UTF-8 in a string");
		b[0] = WT_BYTES;                               /* the same bytes as bytes: fine */
		assert_int_equal(skip_all(b, 5 + n, NULL), 0);
		wbuf_init(&w, WIRE_LITTLE);
		wire_put_string(&w, bad[i], n);
		assert_string_equal(w.err, "invalid UTF-8 in a string");
		assert_int_equal(w.len, 0);
		wbuf_free(&w);
	}
}

/* Every single-byte corruption of a valid message, and random bytes:
 * reading may succeed or fail, but under ASan it reads nothing out of
 * bounds, and a failure always says why. */
static void test_fuzz(void **state)
{
	static const uint8_t values[] = { 0x00, 0x01, 0x07, 0x08, 0x09, 0x7f, 0x80, 0xff };
	struct wbuf w;
	uint8_t b[64];
	uint64_t x = 12345;

	(void)state;
	wbuf_init(&w, WIRE_LITTLE);
	put_rich(&w);
	for (size_t i = 0; i < w.len; i++) {
		for (size_t v = 0; v < sizeof values; v++) {
			uint8_t *copy = exact_copy(w.p, w.len);
			copy[i] = values[v];
			skip_all(copy, w.len, NULL);
			free(copy);
		}
	}
	for (int round = 0; round < 20000; round++) {
		size_t n = (size_t)(round % (int)sizeof b);
		for (size_t i = 0; i < n; i++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			b[i] = (uint8_t)(i % 5 == 0 ? x % 11 : x >> 56);   /* mostly plausible tags */
		}
		skip_all(b, n, NULL);
	}
	wbuf_free(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bytes_pinned),
		cmocka_unit_test(test_counts),
		cmocka_unit_test(test_round_trip_scalars),
		cmocka_unit_test(test_get_widening_and_peek),
		cmocka_unit_test(test_write_limits),
		cmocka_unit_test(test_write_bad_utf8),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_unknown_tags),
		cmocka_unit_test(test_wrong_types),
		cmocka_unit_test(test_bad_lengths_and_counts),
		cmocka_unit_test(test_reader_too_big),
		cmocka_unit_test(test_deep_nesting),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_fuzz),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
