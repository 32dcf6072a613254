/*
 * test_units.c: unit tests for durations (units) and the cost model (cost).
 *
 * The one idea: a duration a student types is either read exactly or
 * refused with the output left alone, and a printed duration reads back to
 * the same nanoseconds; the cost profiles carry the published figures they
 * claim, field by field, through the name table the CLI uses.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "cost.h"
#include "units.h"

#define SENTINEL 0x5eed5eed5eed5eedull

/* ---- parsing ---- */

static void parses(const char *s, uint64_t want)
{
	uint64_t ns = SENTINEL;

	if (units_parse_duration(s, &ns) != 0)
		fail_msg("\"%s\" was rejected, expected %llu ns", s, (unsigned long long)want);
	if (ns != want)
		fail_msg("\"%s\" gave %llu ns, expected %llu", s, (unsigned long long)ns,
			 (unsigned long long)want);
}

static void rejects(const char *s)
{
	uint64_t ns = SENTINEL;

	if (units_parse_duration(s, &ns) != -1)
		fail_msg("\"%s\" was accepted as %llu ns", s, (unsigned long long)ns);
	if (ns != SENTINEL)
		fail_msg("\"%s\" was rejected but changed the output to %llu", s,
			 (unsigned long long)ns);
}

static void test_parse_units(void **state)
{
	(void)state;
	parses("250ns", 250);
	parses("5us", 5000);
	parses("10ms", 10000000);
	parses("2s", 2000000000);
	parses("1.5ms", 1500000);
	parses("1.50us", 1500);
	parses("0.000000001s", 1);
	parses("1.123456789s", 1123456789);
	parses("0ns", 0);
	parses("0s", 0);
}

static void test_parse_bare_is_ms(void **state)
{
	(void)state;
	parses("0", 0);
	parses("7", 7000000);
	parses("0.5", 500000);
	parses("0.000001", 1);
	parses("1000", 1000000000);
}

static void test_parse_rejects(void **state)
{
	static const char *const bad[] = {
		"10xs", "", "ms", "s", "-5ms", "+5ms", "5 ms", " 5ms", "5ms ", "5MS",
		"1e3ms", "1e3", "0x10", "0x10ms", ".", ".ms", "1.2.3", "1..2ms",
		"5msms", "5m", "inf", "nan", "5\tms",
		"1.0000000001ms",       /* finer than a nanosecond */
		"0.5ns", "1.1ns", "0.0000001ms", "0.0000000001s",
	};

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		rejects(bad[i]);
}

static void test_parse_overflow(void **state)
{
	(void)state;
	rejects("99999999999999999999s");
	rejects("99999999999999999999");
	rejects("99999999999999999999ns");
	rejects("18446744074s");                     /* just past 2^64 ns */
	rejects("18446744073.709551616s");
	rejects("18446744073709552ms");
	rejects("18446744073709551616ns");
	parses("18446744073s", 18446744073000000000ull);
	parses("18446744073.709551615s", UINT64_MAX);
}

/* The largest value written in nanoseconds fits in 64 bits and must be read. */
static void test_parse_max_ns(void **state)
{
	(void)state;
	parses("18446744073709551610ns", UINT64_MAX - 5);
	parses("18446744073709551615ns", UINT64_MAX);
}

static void test_ms_to_ns(void **state)
{
	uint64_t ns;

	(void)state;
	assert_int_equal(units_ms_to_ns(0, &ns), 0);
	assert_int_equal(ns, 0);
	assert_int_equal(units_ms_to_ns(1.5, &ns), 0);
	assert_int_equal(ns, 1500000);
	assert_int_equal(units_ms_to_ns(0.25, &ns), 0);
	assert_int_equal(ns, 250000);
	assert_int_equal(units_ms_to_ns(1e-6, &ns), 0);
	assert_int_equal(ns, 1);
	assert_int_equal(units_ms_to_ns(1e9, &ns), 0);
	assert_int_equal(ns, 1000000000000000ull);
}

static void test_ms_to_ns_rejects(void **state)
{
	static const double bad[] = { -1, -1e-9, NAN, -NAN, INFINITY, -INFINITY, 1e300, 2e13 };
	uint64_t ns;

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		ns = SENTINEL;
		if (units_ms_to_ns(bad[i], &ns) != -1)
			fail_msg("units_ms_to_ns(%g) accepted, gave %llu", bad[i],
				 (unsigned long long)ns);
		assert_int_equal(ns, SENTINEL);
	}
}

/* Above 2^63 ns (about 292 years) the value still fits in 64 bits: it must
 * come out exact, or be refused as too large, never wrong. */
static void test_ms_to_ns_large(void **state)
{
	static const double big[] = { 1e13, 1.8e13 };
	static const uint64_t want[] = { 10000000000000000000ull, 18000000000000000000ull };
	uint64_t ns;

	(void)state;
	for (int i = 0; i < 2; i++) {
		ns = SENTINEL;
		if (units_ms_to_ns(big[i], &ns) == 0 && ns != want[i])
			fail_msg("units_ms_to_ns(%g) gave %llu ns, expected %llu or a refusal",
				 big[i], (unsigned long long)ns, (unsigned long long)want[i]);
	}
}

/* ---- printing ---- */

static void formats(uint64_t ns, const char *want)
{
	char buf[64];

	memset(buf, 'x', sizeof buf);
	units_format_ns(ns, buf, sizeof buf);
	assert_string_equal(buf, want);
}

static void test_format(void **state)
{
	(void)state;
	formats(0, "0ns");
	formats(1, "1ns");
	formats(250, "250ns");
	formats(999, "999ns");
	formats(1000, "1us");
	formats(1001, "1.001us");
	formats(1500, "1.5us");
	formats(10000000, "10ms");
	formats(2000000000, "2s");
	formats(1011768, "1.011768ms");
	formats(1000000001, "1.000000001s");
	formats(60000000000ull, "60s");
	formats(UINT64_MAX, "18446744073.709551615s");
}

static void test_format_truncates(void **state)
{
	char buf[4];

	(void)state;
	memset(buf, 'x', sizeof buf);
	units_format_ns(1011768, buf, sizeof buf);
	assert_string_equal(buf, "1.0");
	units_format_ns(7, buf, 1);
	assert_int_equal(buf[0], '\0');
}

/* What is printed reads back as the same number of nanoseconds. */
static void test_format_round_trip(void **state)
{
	uint64_t x = 1;

	(void)state;
	for (int i = 0; i < 20000; i++) {
		char buf[64];
		uint64_t ns, back = SENTINEL;
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		ns = x >> (i % 64);                  /* every magnitude */
		units_format_ns(ns, buf, sizeof buf);
		if (units_parse_duration(buf, &back) != 0 || back != ns)
			fail_msg("%llu printed as \"%s\" read back as %llu",
				 (unsigned long long)ns, buf, (unsigned long long)back);
	}
}

/* ---- cost model ---- */

#define NCOST_FIELDS ((sizeof(struct costs) - offsetof(struct costs, trap_ns)) / sizeof(uint64_t))

/* The k-th uint64_t of struct costs, counted from trap_ns, read by layout
 * rather than through the module's own table. */
static uint64_t raw_field(const struct costs *c, size_t k)
{
	uint64_t v;

	memcpy(&v, (const char *)c + offsetof(struct costs, trap_ns) + k * sizeof v, sizeof v);
	return v;
}

static void test_cost_profiles(void **state)
{
	struct costs c;

	(void)state;
	assert_int_equal(cost_profile("zero", &c), 0);
	assert_string_equal(c.profile, "zero");
	for (size_t i = 0; i < NCOST_FIELDS; i++)
		assert_int_equal(cost_field_value(&c, i), 0);
	assert_int_equal(cost_profile("modern", &c), 0);
	assert_string_equal(c.profile, "modern");
	for (size_t i = 0; i < NCOST_FIELDS; i++)
		assert_true(cost_field_value(&c, i) > 0);
	assert_true(c.trap_ns < c.kernel_switch_ns && c.kernel_switch_ns < c.disk_ns);
	assert_int_equal(cost_profile("firefly-1990", &c), 0);
	assert_string_equal(c.profile, "firefly-1990");
}

/* Bershad et al., "Lightweight Remote Procedure Call", TOCS 1990: the
 * Null LRPC = procedure call 7 + two traps 36 + two context switches 66
 * (the 109 us minimum) + stubs 21 + kernel transfer 27 = 157 us; an LRPC's
 * context switch changes only the address space. With domain caching the
 * switches become exchanges of processors: 157 - 66 + 2 x 17 = 125 us. */
static void test_cost_firefly(void **state)
{
	struct costs c;

	(void)state;
	assert_int_equal(cost_profile("firefly-1990", &c), 0);
	assert_int_equal(2 * c.trap_ns, 36000);
	assert_int_equal(2 * c.as_switch_ns, 66000);
	assert_int_equal(c.lrpc_transfer_ns, 27000);
	assert_int_equal(c.lrpc_stub_ns, 21000);
	assert_int_equal(c.proc_call_ns, 7000);
	assert_int_equal(c.proc_call_ns + 2 * c.trap_ns + 2 * c.as_switch_ns, 109000);
	assert_int_equal(c.proc_call_ns + 2 * c.trap_ns + 2 * c.as_switch_ns + c.lrpc_stub_ns +
				 c.lrpc_transfer_ns,
			 157000);
	assert_int_equal(c.proc_call_ns + 2 * c.trap_ns + 2 * c.exchange_ns + c.lrpc_stub_ns +
				 c.lrpc_transfer_ns,
			 125000);
	/* The stubs' per-byte and per-value costs predict the LRPC rows: BigIn
	 * (one 200-byte argument) 192 us, Add (two 4-byte arguments, a 4-byte
	 * result) 164 us, BigInOut 227 us, to the nanosecond or two. */
	assert_true(157000 + cost_copy(c.copy_stub_ps, 200) + c.marshal_arg_ns - 192000 <= 1);
	assert_true(157000 + cost_copy(c.copy_stub_ps, 8) + cost_copy(c.copy_stub_ps, 4) +
			    3 * c.marshal_arg_ns - 164000 <= 2);
	assert_true(157000 + 2 * (cost_copy(c.copy_stub_ps, 200) + c.marshal_arg_ns) - 227000 <= 2);
}

static void test_cost_profile_unknown(void **state)
{
	static const char *const bad[] = { "", "Modern", "firefly", "firefly-1990 ", "zeros" };
	struct costs c, before;

	(void)state;
	memset(&c, 0xa5, sizeof c);
	before = c;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(cost_profile(bad[i], &c), -1);
		assert_memory_equal(&c, &before, sizeof c);
	}
}

static void test_cost_field_names(void **state)
{
	const char *unit, *name;
	size_t n = 0;

	(void)state;
	while ((name = cost_field_name(n, &unit)) != NULL) {
		assert_true(strcmp(unit, "ns") == 0 || strcmp(unit, "ps/byte") == 0);
		assert_int_equal(strcmp(unit, "ps/byte") == 0, strncmp(name, "copy_", 5) == 0);
		assert_null(strchr(name, ' '));
		for (size_t j = 0; j < n; j++)
			assert_string_not_equal(cost_field_name(j, NULL), name);
		n++;
	}
	assert_int_equal(n, NCOST_FIELDS);
	assert_null(cost_field_name(n, &unit));
	assert_null(cost_field_name(SIZE_MAX, NULL));
	assert_string_equal(cost_field_name(0, NULL), "trap");
}

/* Setting field i by name changes exactly that field, and every field of
 * the struct is reachable by some name. */
static void test_cost_set(void **state)
{
	uint64_t seen = 0;

	(void)state;
	for (size_t i = 0; i < NCOST_FIELDS; i++) {
		struct costs c;
		size_t changed = NCOST_FIELDS;
		assert_int_equal(cost_profile("zero", &c), 0);
		assert_int_equal(cost_set(&c, cost_field_name(i, NULL), 1000 + i), 0);
		assert_int_equal(cost_field_value(&c, i), 1000 + i);
		for (size_t k = 0; k < NCOST_FIELDS; k++) {
			if (raw_field(&c, k) == 0)
				continue;
			assert_int_equal(changed, NCOST_FIELDS);  /* only one */
			changed = k;
		}
		assert_true(changed < NCOST_FIELDS);
		assert_int_equal(raw_field(&c, changed), 1000 + i);
		seen |= 1ull << changed;
	}
	assert_int_equal(seen, (1ull << NCOST_FIELDS) - 1);
}

static void test_cost_set_by_name(void **state)
{
	struct costs c;

	(void)state;
	assert_int_equal(cost_profile("modern", &c), 0);
	assert_int_equal(cost_set(&c, "trap", 5), 0);
	assert_int_equal(c.trap_ns, 5);
	assert_int_equal(cost_set(&c, "copy_kernel", 42), 0);
	assert_int_equal(c.copy_kernel_ps, 42);
	assert_int_equal(cost_set(&c, "lrpc_transfer", 0), 0);
	assert_int_equal(c.lrpc_transfer_ns, 0);
	assert_string_equal(c.profile, "modern");
}

static void test_cost_set_unknown(void **state)
{
	static const char *const bad[] = { "", "trap_ns", "Trap", "profile", "copy", "disk " };
	struct costs c, before;

	(void)state;
	assert_int_equal(cost_profile("modern", &c), 0);
	before = c;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(cost_set(&c, bad[i], 77), -1);
		assert_memory_equal(&c, &before, sizeof c);
	}
	assert_int_equal(cost_field_value(&c, NCOST_FIELDS), 0);
}

static void test_cost_copy(void **state)
{
	(void)state;
	assert_int_equal(cost_copy(0, 0), 0);
	assert_int_equal(cost_copy(100, 0), 0);
	assert_int_equal(cost_copy(0, 4096), 0);
	assert_int_equal(cost_copy(100, 1), 1);      /* 0.1 ns rounds up */
	assert_int_equal(cost_copy(100, 10), 1);     /* exactly 1 ns */
	assert_int_equal(cost_copy(100, 11), 2);     /* 1.1 ns rounds up */
	assert_int_equal(cost_copy(1, 999), 1);
	assert_int_equal(cost_copy(1, 1000), 1);
	assert_int_equal(cost_copy(1, 1001), 2);
	assert_int_equal(cost_copy(1000, 7), 7);
	assert_int_equal(cost_copy(175000, 200), 35000);
	assert_int_equal(cost_copy(100, 4096), 410);  /* 409.6 ns */
}

/* Sizes: bytes bare or with B, KiB, MiB, GiB, TiB; anything else is refused
 * as malformed (-1), or as too large (-2) when well formed. */
static void test_parse_bytes(void **state)
{
	static const struct { const char *s; uint64_t v; } good[] = {
		{ "0", 0 }, { "17", 17 }, { "17B", 17 }, { "4KiB", 4096 },
		{ "256MiB", 256ull << 20 }, { "2GiB", 2ull << 30 },
		{ "18446744073709551615", UINT64_MAX }, { "17179869183GiB", 17179869183ull << 30 },
		{ "1TiB", 1ull << 40 }, { "16777215TiB", 16777215ull << 40 },
	};
	static const char *const bad[] = {
		"", "MiB", "-1", "1.5MiB", "1 MiB", "1mib", "1MB", "1KiBB", "0x10", "1e3", "1tib",
		"1GB", "512k", "99999999999999999999GB",
	};
	static const char *const big[] = {
		"18446744073709551616", "17179869184GiB", "16777216TiB", "99999999999999999999GiB",
		"99999999999999999999",
	};
	uint64_t v;

	(void)state;
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		v = 1;
		assert_int_equal(units_parse_bytes(good[i].s, &v), 0);
		assert_true(v == good[i].v);
	}
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		v = 42;
		assert_int_equal(units_parse_bytes(bad[i], &v), -1);
		assert_true(v == 42);
	}
	for (size_t i = 0; i < sizeof big / sizeof big[0]; i++) {
		v = 42;
		assert_int_equal(units_parse_bytes(big[i], &v), -2);
		assert_true(v == 42);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_units),
		cmocka_unit_test(test_parse_bare_is_ms),
		cmocka_unit_test(test_parse_rejects),
		cmocka_unit_test(test_parse_overflow),
		cmocka_unit_test(test_parse_max_ns),
		cmocka_unit_test(test_ms_to_ns),
		cmocka_unit_test(test_ms_to_ns_rejects),
		cmocka_unit_test(test_ms_to_ns_large),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_format_truncates),
		cmocka_unit_test(test_format_round_trip),
		cmocka_unit_test(test_cost_profiles),
		cmocka_unit_test(test_cost_firefly),
		cmocka_unit_test(test_cost_profile_unknown),
		cmocka_unit_test(test_cost_field_names),
		cmocka_unit_test(test_cost_set),
		cmocka_unit_test(test_cost_set_by_name),
		cmocka_unit_test(test_cost_set_unknown),
		cmocka_unit_test(test_cost_copy),
		cmocka_unit_test(test_parse_bytes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
