/*
 * test_clock.c: unit tests for the time server's drifting clock
 * (servers/time/clock.c); Cristian's algorithm is in test_cristian.c.
 *
 * The one idea: a clock reads exactly t + offset + floor(t * drift / 10^9),
 * saturated, to the ns and up to the end of virtual time; its inverse finds
 * the very first ns of a reading; steps and slews do what adjtime() users
 * expect, and drifts and offsets are read exactly or refused with the text.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "time/clock.h"

#define US 1000ull
#define MS 1000000ull
#define SEC 1000000000ull

static uint64_t xorshift(uint64_t *x)
{
	*x ^= *x << 13, *x ^= *x >> 7, *x ^= *x << 17;
	return *x;
}

static struct dclock clock_of(int64_t offset, int64_t drift)
{
	struct dclock c;

	assert_int_equal(dclock_init(&c, offset, drift), 0);
	return c;
}

/* The drifts the loops below try: both directions, tiny, typical, extreme. */
static const int64_t drifts[] = {
	0, 1, -1, 50000, -20000, 333333, -333333, 123456789, -123456789,
	500000000, -500000000, DCLOCK_DRIFT_MAX, DCLOCK_DRIFT_MIN + 1,
};
#define NDRIFTS (sizeof drifts / sizeof drifts[0])

/* ---- readings ---- */

static void test_drift_fast(void **state)
{
	struct dclock c = clock_of(0, 50000);     /* "50us/s": gains 50 us a second */

	(void)state;
	assert_int_equal(dclock_read(&c, 0), 0);
	assert_int_equal(dclock_read(&c, 1), 1);
	assert_int_equal(dclock_read(&c, 19999), 19999);      /* 0.99995 ns gained: not yet */
	assert_int_equal(dclock_read(&c, 20000), 20001);      /* the first whole ns */
	assert_int_equal(dclock_read(&c, SEC), SEC + 50 * US);
	assert_int_equal(dclock_read(&c, 3600 * SEC), 3600 * SEC + 180 * MS);
}

static void test_drift_slow(void **state)
{
	struct dclock c = clock_of(3 * MS, -20000);   /* "+3ms", "-20ppm" */

	(void)state;
	/* floor rounds towards minus infinity: after 1 ns the clock has lost
	 * 0.00002 ns, so it reads the ns before. */
	assert_int_equal(dclock_read(&c, 0), 3 * MS);
	assert_int_equal(dclock_read(&c, 1), 3 * MS);
	assert_int_equal(dclock_read(&c, 50000), 3 * MS + 50000 - 1);
	assert_int_equal(dclock_read(&c, 50001), 3 * MS + 50001 - 2);
	assert_int_equal(dclock_read(&c, 2 * SEC), 2 * SEC + 3 * MS - 40 * US);
}

static void test_negative_offset(void **state)
{
	struct dclock c = clock_of(-1500 * US, 0), dbl = clock_of(-(int64_t)MS, DCLOCK_DRIFT_MAX);
	struct dclock half = clock_of(-(int64_t)MS, -500000000);

	(void)state;
	assert_int_equal(dclock_read(&c, 0), 0);
	assert_int_equal(dclock_read(&c, MS), 0);
	assert_int_equal(dclock_read(&c, 1500 * US), 0);
	assert_int_equal(dclock_read(&c, 1500 * US + 1), 1);
	assert_int_equal(dclock_read(&c, SEC), SEC - 1500 * US);
	/* Twice as fast: 2t - 1ms. */
	assert_int_equal(dclock_read(&dbl, 500 * US - 1), 0);
	assert_int_equal(dclock_read(&dbl, 500 * US), 0);
	assert_int_equal(dclock_read(&dbl, 500 * US + 1), 2);
	/* Half as fast: floor(t / 2) - 1ms. */
	assert_int_equal(dclock_read(&half, 2 * MS + 1), 0);
	assert_int_equal(dclock_read(&half, 2 * MS + 2), 1);
	assert_int_equal(dclock_read(&half, 2 * MS + 3), 1);
	assert_int_equal(dclock_read(&half, 4 * MS), MS);
}

static void test_saturation(void **state)
{
	struct dclock fast = clock_of(0, DCLOCK_DRIFT_MAX), big = clock_of(INT64_MAX, 50000);
	struct dclock slow = clock_of(0, DCLOCK_DRIFT_MIN + 1), never = clock_of(INT64_MIN, -999999999);
	uint64_t t;

	(void)state;
	assert_int_equal(dclock_read(&fast, (1ull << 63) - 1), UINT64_MAX - 1);
	assert_int_equal(dclock_read(&fast, 1ull << 63), UINT64_MAX);
	assert_int_equal(dclock_read(&fast, UINT64_MAX), UINT64_MAX);
	assert_int_equal(dclock_read(&big, (1ull << 63) + 1), UINT64_MAX);
	assert_int_equal(dclock_read(&big, UINT64_MAX), UINT64_MAX);
	/* 10^-9 of true time: floor(18446744073709551615 / 10^9). */
	assert_int_equal(dclock_read(&slow, UINT64_MAX), 18446744073ull);
	/* -2^63 ns at 10^-9: it would take 2^63 s to reach 0. */
	assert_int_equal(dclock_read(&never, UINT64_MAX), 0);
	assert_int_equal(dclock_true_at(&never, 1, &t), -1);
	assert_int_equal(dclock_true_at(&never, 0, &t), 0);
	assert_int_equal(t, 0);
	assert_int_equal(dclock_true_at(&slow, 18446744074ull, &t), -1);
	assert_int_equal(dclock_true_at(&slow, 18446744073ull, &t), 0);
	assert_int_equal(t, 18446744073000000000ull);
}

/* The clock against t + offset + floor(t * drift / 10^9) in the compiler's
 * 128-bit arithmetic, where it has one, at every magnitude of t. */
#ifdef __SIZEOF_INT128__
static uint64_t reference(int64_t offset, int64_t drift, uint64_t t)
{
	__int128 p = (__int128)t * drift, q = p / 1000000000, v;

	if (p % 1000000000 != 0 && p < 0)
		q--;
	v = (__int128)t + offset + q;
	return v < 0 ? 0 : v > (__int128)UINT64_MAX ? UINT64_MAX : (uint64_t)v;
}

static void test_reference(void **state)
{
	uint64_t x = 88172645463325252ull;

	(void)state;
	for (int i = 0; i < 200000; i++) {
		int64_t drift = (int64_t)(xorshift(&x) % 2000000000) - 999999999;
		int64_t offset = (int64_t)xorshift(&x) / ((int64_t)1 << xorshift(&x) % 63);
		uint64_t t = xorshift(&x) >> (i % 64);
		struct dclock c;

		if (i % 3 == 0)
			drift = drifts[i % NDRIFTS];
		c = clock_of(offset, drift);
		if (dclock_read(&c, t) != reference(offset, drift, t))
			fail_msg("offset %lld drift %lld t %llu: read %llu, expected %llu",
				 (long long)offset, (long long)drift, (unsigned long long)t,
				 (unsigned long long)dclock_read(&c, t),
				 (unsigned long long)reference(offset, drift, t));
	}
}
#endif

static void test_init_rejects(void **state)
{
	static const int64_t bad[] = { DCLOCK_DRIFT_MIN, DCLOCK_DRIFT_MIN - 1, INT64_MIN,
				       DCLOCK_DRIFT_MAX + 1, INT64_MAX };
	struct dclock c, before;

	(void)state;
	memset(&c, 0x5a, sizeof c);
	before = c;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(dclock_init(&c, 0, bad[i]), -1);
		assert_memory_equal(&c, &before, sizeof c);
	}
}

/* The reading never decreases along t, in random strides from 'from' to 'to'. */
static void check_monotonic(const struct dclock *c, uint64_t from, uint64_t to, uint64_t *x)
{
	uint64_t prev = dclock_read(c, from), t = from;

	while (t < to) {
		uint64_t step = 1 + xorshift(x) % ((to - from) / 500 + 1), now;
		t = step > to - t ? to : t + step;
		now = dclock_read(c, t);
		if (now < prev)
			fail_msg("read %llu at %llu after %llu", (unsigned long long)now,
				 (unsigned long long)t, (unsigned long long)prev);
		prev = now;
	}
}

/* Every drift above -1s/s gives a clock that never runs backwards, from 0
 * to the end of virtual time, in strides and ns by ns. */
static void test_monotonic(void **state)
{
	uint64_t x = 99991;

	(void)state;
	for (size_t d = 0; d < NDRIFTS; d++) {
		static const int64_t offsets[] = { 0, 3 * MS, -1500 * US, INT64_MIN };
		for (size_t o = 0; o < sizeof offsets / sizeof offsets[0]; o++) {
			struct dclock c = clock_of(offsets[o], drifts[d]);
			check_monotonic(&c, 0, UINT64_MAX, &x);
			for (int i = 0; i < 200; i++) {
				uint64_t t = xorshift(&x) >> (i % 64);
				check_monotonic(&c, t, t + 1000 > t ? t + 1000 : UINT64_MAX, &x);
			}
		}
	}
}

/* ---- the inverse ---- */

/* t is the first ns at or after the last setting at which c reads x. */
static void check_first(const struct dclock *c, uint64_t x)
{
	uint64_t t;

	if (dclock_true_at(c, x, &t) != 0) {
		if (dclock_read(c, UINT64_MAX) >= x)
			fail_msg("reading %llu is made by UINT64_MAX but was not found",
				 (unsigned long long)x);
		return;
	}
	if (t < c->since || dclock_read(c, t) < x)
		fail_msg("true_at(%llu) = %llu reads %llu", (unsigned long long)x,
			 (unsigned long long)t, (unsigned long long)dclock_read(c, t));
	if (t > c->since && dclock_read(c, t - 1) >= x)
		fail_msg("true_at(%llu) = %llu, but %llu already reads %llu", (unsigned long long)x,
			 (unsigned long long)t, (unsigned long long)(t - 1),
			 (unsigned long long)dclock_read(c, t - 1));
}

static void test_inverse_exact(void **state)
{
	uint64_t x = 2463534242ull;

	(void)state;
	for (size_t d = 0; d < NDRIFTS; d++) {
		static const int64_t offsets[] = { 0, 7, -7, 3 * MS, -1500 * US, INT64_MAX, INT64_MIN };
		for (size_t o = 0; o < sizeof offsets / sizeof offsets[0]; o++) {
			struct dclock c = clock_of(offsets[o], drifts[d]);
			check_first(&c, 0);
			check_first(&c, 1);
			check_first(&c, UINT64_MAX);
			check_first(&c, UINT64_MAX - 1);
			for (int i = 0; i < 2000; i++)
				check_first(&c, xorshift(&x) >> (i % 64));
		}
	}
}

static void test_inverse_examples(void **state)
{
	struct dclock fast = clock_of(0, 50000), slow = clock_of(-(int64_t)MS, -500000000);
	uint64_t t;

	(void)state;
	assert_int_equal(dclock_true_at(&fast, 20001, &t), 0);
	assert_int_equal(t, 20000);
	assert_int_equal(dclock_true_at(&fast, SEC + 50 * US, &t), 0);
	assert_int_equal(t, SEC);
	assert_int_equal(dclock_true_at(&slow, 1, &t), 0);
	assert_int_equal(t, 2 * MS + 2);
	assert_int_equal(dclock_true_at(&slow, 0, &t), 0);
	assert_int_equal(t, 0);
}

/* ---- steps and slews ---- */

static void test_step(void **state)
{
	struct dclock c = clock_of(0, 50000);
	uint64_t t;

	(void)state;
	dclock_set(&c, SEC, 5 * SEC);
	assert_int_equal(c.since, SEC);
	assert_int_equal(dclock_read(&c, SEC), 5 * SEC);
	assert_int_equal(dclock_read(&c, 2 * SEC), 6 * SEC + 50 * US);
	dclock_set(&c, 3 * SEC, SEC);              /* backwards: a step may */
	assert_int_equal(dclock_read(&c, 3 * SEC), SEC);
	assert_int_equal(dclock_read(&c, 4 * SEC), 2 * SEC + 50 * US);
	assert_int_equal(dclock_true_at(&c, 0, &t), 0);
	assert_int_equal(t, 3 * SEC);              /* nothing before the setting */
}

/* 1ms at adjtime's 500 ppm takes 2 s of true time, along a straight line. */
static void test_slew_examples(void **state)
{
	struct dclock up = clock_of(0, 0), down = clock_of(0, 0);

	(void)state;
	assert_int_equal(dclock_slew(&up, SEC, (int64_t)MS, DCLOCK_SLEW_ADJTIME), 0);
	assert_int_equal(dclock_read(&up, SEC), SEC);
	assert_int_equal(dclock_read(&up, 2 * SEC), 2 * SEC + 500 * US);
	assert_int_equal(dclock_read(&up, 3 * SEC), 3 * SEC + MS);
	assert_int_equal(dclock_read(&up, 7 * SEC), 7 * SEC + MS);
	assert_int_equal(up.run.t0, 3 * SEC);
	assert_int_equal(dclock_slew(&down, SEC, -(int64_t)MS, DCLOCK_SLEW_ADJTIME), 0);
	assert_int_equal(dclock_read(&down, 2 * SEC), 2 * SEC - 500 * US);
	assert_int_equal(dclock_read(&down, 3 * SEC), 3 * SEC - MS);
	assert_int_equal(dclock_read(&down, 7 * SEC), 7 * SEC - MS);
	/* An odd span: 1 ns at 3 ppb takes ceil(10^9 / 3) ns. */
	assert_int_equal(dclock_slew(&up, 8 * SEC, 1, 3), 0);
	assert_int_equal(up.run.t0, 8 * SEC + 333333334);
	assert_int_equal(dclock_read(&up, 9 * SEC), 9 * SEC + MS + 1);
}

/* After a slew the clock is exactly delta off its free-running twin, and
 * never ran backwards on the way; c and twin keep the ns phase. The slew
 * took ceil(|delta| * 10^9 / rate) ns. */
static void test_slew_exact(void **state)
{
	uint64_t x = 1234567;

	(void)state;
	for (int i = 0; i < 3000; i++) {
		int64_t drift = drifts[i % NDRIFTS];
		int64_t delta = (int64_t)(xorshift(&x) % (2 * SEC)) - (int64_t)SEC;
		uint64_t start = xorshift(&x) % (1000 * SEC), rate = 1 + xorshift(&x) % 999999999;
		uint64_t mag = (uint64_t)(delta < 0 ? -delta : delta), span;
		struct dclock c = clock_of((int64_t)(xorshift(&x) % SEC) - (int64_t)(SEC / 2), drift);
		struct dclock twin = c;

		if (delta < 0 && rate >= (uint64_t)(1000000000 + drift))
			rate = (uint64_t)(1000000000 + drift) - 1;
		if (rate == 0) {     /* 1 ppb from stopping: it cannot be slowed at all */
			assert_int_equal(dclock_slew(&c, start, delta, 1), -1);
			continue;
		}
		assert_int_equal(dclock_slew(&c, start, delta, rate), 0);
		span = c.run.t0 - start;
		assert_true(span * rate >= mag * SEC);
		assert_true(span == 0 || (span - 1) * rate < mag * SEC);
		check_monotonic(&c, start, c.run.t0 + SEC, &x);
		check_first(&c, dclock_read(&c, start + span / 3) + 1);
		check_first(&c, dclock_read(&c, c.run.t0));
		if (start < twin.run.t0)
			continue;    /* a negative offset still held at 0: no free line to follow */
		for (int k = 0; k < 20; k++) {
			uint64_t t = c.run.t0 + xorshift(&x) % (100 * SEC);
			assert_int_equal((int64_t)(dclock_read(&c, t) - dclock_read(&twin, t)), delta);
		}
	}
}

/* A slew of 5 * 10^18 ns at 50%: a straight line of slope 1.5 for 10^19 ns,
 * past 2^63, where the long division's top bit matters. */
static void test_slew_huge(void **state)
{
	struct dclock c = clock_of(0, 0);
	uint64_t t;

	(void)state;
	assert_int_equal(dclock_slew(&c, 0, 5000000000000000000ll, 500000000), 0);
	assert_int_equal(c.run.t0, 10000000000000000000ull);
	assert_int_equal(dclock_read(&c, 6000000000000000000ull), 9000000000000000000ull);
	assert_int_equal(dclock_read(&c, 7000000000000000001ull), 10500000000000000001ull);
	assert_int_equal(dclock_read(&c, 9999999999999999999ull), 14999999999999999998ull);
	assert_int_equal(dclock_read(&c, 10000000000000000000ull), 15000000000000000000ull);
	assert_int_equal(dclock_read(&c, 10000000000000000001ull), 15000000000000000001ull);
	assert_int_equal(dclock_true_at(&c, 10500000000000000001ull, &t), 0);
	assert_int_equal(t, 7000000000000000001ull);
	assert_int_equal(dclock_true_at(&c, 10500000000000000000ull, &t), 0);
	assert_int_equal(t, 7000000000000000000ull);
	check_first(&c, 14999999999999999999ull);
}

static void test_slew_replaced(void **state)
{
	struct dclock c = clock_of(0, 0);

	(void)state;
	assert_int_equal(dclock_slew(&c, 0, (int64_t)MS, DCLOCK_SLEW_ADJTIME), 0);
	/* Halfway (0.5ms made), a new slew of -1ms drops the other 0.5ms. */
	assert_int_equal(dclock_slew(&c, SEC, -(int64_t)MS, DCLOCK_SLEW_ADJTIME), 0);
	assert_int_equal(dclock_read(&c, SEC), SEC + 500 * US);
	assert_int_equal(dclock_read(&c, 3 * SEC), 3 * SEC - 500 * US);
	/* Delta 0 ends a slew where it stands. */
	assert_int_equal(dclock_slew(&c, 4 * SEC, -(int64_t)MS, DCLOCK_SLEW_ADJTIME), 0);
	assert_int_equal(dclock_slew(&c, 5 * SEC, 0, DCLOCK_SLEW_ADJTIME), 0);
	assert_int_equal(dclock_read(&c, 5 * SEC), 5 * SEC - 1000 * US);
	assert_int_equal(dclock_read(&c, 9 * SEC), 9 * SEC - 1000 * US);
	/* A step ends a slew too. */
	assert_int_equal(dclock_slew(&c, 10 * SEC, (int64_t)MS, DCLOCK_SLEW_ADJTIME), 0);
	dclock_set(&c, 11 * SEC, 20 * SEC);
	assert_int_equal(dclock_read(&c, 12 * SEC), 21 * SEC);
}

static void test_slew_rejects(void **state)
{
	struct dclock c = clock_of(0, -500000000), before;

	(void)state;
	before = c;
	assert_int_equal(dclock_slew(&c, 0, 5, 0), -1);
	assert_int_equal(dclock_slew(&c, 0, 5, 1000000001), -1);
	/* At half speed, slowing by 0.5 s/s would stop the clock. */
	assert_int_equal(dclock_slew(&c, 0, -5, 500000000), -1);
	assert_int_equal(dclock_slew(&c, 0, INT64_MAX, 1), -1);       /* ends after 2^64 */
	assert_int_equal(dclock_slew(&c, UINT64_MAX - 10, 10, 1000000000), 0);
	c = before;
	assert_int_equal(dclock_slew(&c, UINT64_MAX - 10, 20, 1000000000), -1);
	assert_memory_equal(&c, &before, sizeof c);
	assert_int_equal(dclock_slew(&c, 0, -5, 499999999), 0);
	assert_int_equal(dclock_slew(&c, 0, 5, 1000000000), 0);
}

/* ---- syntax ---- */

static void drift_is(const char *s, int64_t want)
{
	char err[200] = "";
	int64_t ppb = 77;

	if (dclock_parse_drift(s, &ppb, err, sizeof err) != 0)
		fail_msg("drift \"%s\" rejected: %s", s, err);
	if (ppb != want)
		fail_msg("drift \"%s\" gave %lld ppb, expected %lld", s, (long long)ppb,
			 (long long)want);
}

static void drift_fails(const char *s, const char *msg)
{
	char err[200] = "";
	int64_t ppb = 77;

	assert_int_equal(dclock_parse_drift(s, &ppb, err, sizeof err), -1);
	assert_int_equal(ppb, 77);
	assert_string_equal(err, msg);
}

static void test_parse_drift(void **state)
{
	(void)state;
	drift_is("50us/s", 50000);
	drift_is("-50us/s", -50000);
	drift_is("+50us/s", 50000);
	drift_is("1.5ms/s", 1500000);
	drift_is("1us/ms", 1000000);
	drift_is("2ns/us", 2000000);
	drift_is("1ns/ns", 1000000000);
	drift_is("-20ppm", -20000);
	drift_is("1.5ppm", 1500);
	drift_is("0.001ppm", 1);
	drift_is("300ppb", 300);
	drift_is("-1ppb", -1);
	drift_is("0", 0);
	drift_is("-0", 0);
	drift_is("0ppm", 0);
	drift_is("1000000ppm", 1000000000);
	drift_is("1s/s", 1000000000);
	drift_is("-999999.999ppm", -999999999);
}

static void test_parse_drift_errors(void **state)
{
	static const char *const bad[] = {
		"", "5", "-5", "50", "50/s", "50us", "50us/", "50us/h", "50us/s/s", "/s", "ppm",
		"-ppm", "20 ppm", " 20ppm", "20ppm ", "20PPM", "20usppm", "0.0001ppm", "1e3ppm",
		"++5ppm", "--5ppm", "+-5ppm", "5ppmm", "50us/1s", "x", "0x10ppm", "50 us/s",
	};
	char want[200];

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		snprintf(want, sizeof want, "drift '%s': expected a rate such as \"50us/s\", "
			 "\"-20ppm\", \"300ppb\" or \"0\"", bad[i]);
		drift_fails(bad[i], want);
	}
	drift_fails("-1000000ppm", "drift '-1000000ppm': the clock would stop or run backwards "
		    "(a drift must be above -1s/s, -1000000ppm)");
	drift_fails("-2s/s", "drift '-2s/s': the clock would stop or run backwards "
		    "(a drift must be above -1s/s, -1000000ppm)");
	drift_fails("1000000.001ppm", "drift '1000000.001ppm': too fast (a drift is at most "
		    "+1s/s, +1000000ppm)");
	drift_fails("18446744073709551615ppb", "drift '18446744073709551615ppb': too fast "
		    "(a drift is at most +1s/s, +1000000ppm)");
}

/* A short buffer truncates the message; none at all is allowed. */
static void test_parse_error_buffer(void **state)
{
	char err[8];
	int64_t v = 5;

	(void)state;
	assert_int_equal(dclock_parse_drift("bad", &v, err, sizeof err), -1);
	assert_string_equal(err, "drift '");
	assert_int_equal(dclock_parse_offset("bad", &v, NULL, 0), -1);
	assert_int_equal(v, 5);
}

static void offset_is(const char *s, int64_t want)
{
	char err[200] = "";
	int64_t ns = 77;

	if (dclock_parse_offset(s, &ns, err, sizeof err) != 0)
		fail_msg("offset \"%s\" rejected: %s", s, err);
	if (ns != want)
		fail_msg("offset \"%s\" gave %lld ns, expected %lld", s, (long long)ns,
			 (long long)want);
}

static void test_parse_offset(void **state)
{
	static const char *const bad[] = {
		"", "+", "-", "ms", "+-3ms", "--3ms", "3 ms", " 3ms", "3ms ", "3MS", "1e3",
		"0.5ns", "x",
	};
	char err[200], want[200];
	int64_t ns = 77;

	(void)state;
	offset_is("+3ms", 3000000);
	offset_is("-1.5ms", -1500000);
	offset_is("3", 3000000);
	offset_is("-2", -2000000);
	offset_is("250us", 250000);
	offset_is("-0", 0);
	offset_is("9223372036854775807ns", INT64_MAX);
	offset_is("-9223372036854775808ns", INT64_MIN);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		snprintf(want, sizeof want, "offset '%s': expected a duration with an optional "
			 "sign, such as \"+3ms\", \"-1.5ms\" or \"250us\" (a bare number is ms)",
			 bad[i]);
		assert_int_equal(dclock_parse_offset(bad[i], &ns, err, sizeof err), -1);
		assert_string_equal(err, want);
	}
	assert_int_equal(dclock_parse_offset("9223372036854775808ns", &ns, err, sizeof err), -1);
	assert_string_equal(err, "offset '9223372036854775808ns': too large (an offset is "
			    "within +-2^63 ns, about 292 years)");
	assert_int_equal(dclock_parse_offset("-300years", &ns, err, sizeof err), -1);
	assert_int_equal(ns, 77);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_drift_fast),
		cmocka_unit_test(test_drift_slow),
		cmocka_unit_test(test_negative_offset),
		cmocka_unit_test(test_saturation),
#ifdef __SIZEOF_INT128__
		cmocka_unit_test(test_reference),
#endif
		cmocka_unit_test(test_init_rejects),
		cmocka_unit_test(test_monotonic),
		cmocka_unit_test(test_inverse_exact),
		cmocka_unit_test(test_inverse_examples),
		cmocka_unit_test(test_step),
		cmocka_unit_test(test_slew_examples),
		cmocka_unit_test(test_slew_exact),
		cmocka_unit_test(test_slew_huge),
		cmocka_unit_test(test_slew_replaced),
		cmocka_unit_test(test_slew_rejects),
		cmocka_unit_test(test_parse_drift),
		cmocka_unit_test(test_parse_drift_errors),
		cmocka_unit_test(test_parse_error_buffer),
		cmocka_unit_test(test_parse_offset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
