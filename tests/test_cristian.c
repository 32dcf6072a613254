/*
 * test_cristian.c: unit tests for the client side of Cristian's algorithm
 * (servers/time/cristian.c).
 *
 * The one idea: the estimate is T + RTT/2 and the bound RTT/2 - min, in
 * whole ns rounded so that the bound always holds, on the textbook's worked
 * exercise and at the edges (odd round trips, a min too large, saturation).
 */
#include <stdint.h>
#include <string.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "time/cristian.h"

#define MS 1000000ull
#define SEC 1000000000ull

/* ns since midnight of h:m:s.ms */
static uint64_t hms(uint64_t h, uint64_t m, uint64_t s, uint64_t ms)
{
	return ((h * 60 + m) * 60 + s) * SEC + ms * MS;
}

/* The exercise on Cristian's method in Coulouris, Dollimore and Kindberg,
 * "Distributed Systems: Concepts and Design" (chapter "Time and global
 * states"): round trips of 22, 25 and 20 ms with server times 10:54:23.674,
 * 10:54:25.450 and 10:54:28.342. Use the 20 ms one: set the clock to
 * 10:54:28.342 + 10 ms = 10:54:28.352, accurate to +-10 ms; knowing that a
 * message takes at least 8 ms, to +-2 ms. (The client's own readings, t0,
 * are ours: the exercise gives only the round trips.) */
static void test_cristian_textbook(void **state)
{
	const struct cristian_probe p[] = {
		{ hms(10, 54, 23, 600), hms(10, 54, 23, 674), hms(10, 54, 23, 622) },
		{ hms(10, 54, 25, 400), hms(10, 54, 25, 450), hms(10, 54, 25, 425) },
		{ hms(10, 54, 28, 300), hms(10, 54, 28, 342), hms(10, 54, 28, 320) },
	};
	struct cristian_result r;

	(void)state;
	assert_int_equal(cristian_best(p, 3), 2);
	assert_int_equal(cristian_estimate(&p[2], 0, &r), 0);
	assert_int_equal(r.rtt, 20 * MS);
	assert_int_equal(r.estimate, hms(10, 54, 28, 352));
	assert_int_equal(r.error, 10 * MS);
	assert_int_equal(r.offset, 32 * MS);          /* 28.352 - 28.320 */
	assert_int_equal(cristian_estimate(&p[2], 8 * MS, &r), 0);
	assert_int_equal(r.estimate, hms(10, 54, 28, 352));
	assert_int_equal(r.error, 2 * MS);
	assert_int_equal(cristian_estimate(&p[0], 0, &r), 0);
	assert_int_equal(r.estimate, hms(10, 54, 23, 685));
	assert_int_equal(r.error, 11 * MS);
}

static void test_cristian_rounding(void **state)
{
	const struct cristian_probe odd = { 100, 5000, 107 }, zero = { 100, 5000, 100 };
	struct cristian_result r;

	(void)state;
	/* RTT 7: the estimate rounds the 3.5 ns down, the bound up, so the
	 * server's time, in [5000, 5007], is within 5003 +- 4. */
	assert_int_equal(cristian_estimate(&odd, 0, &r), 0);
	assert_int_equal(r.rtt, 7);
	assert_int_equal(r.estimate, 5003);
	assert_int_equal(r.error, 4);
	assert_int_equal(r.offset, 5003 - 107);
	assert_int_equal(cristian_estimate(&odd, 2, &r), 0);
	assert_int_equal(r.error, 2);                 /* [5002, 5005] within 5003 +- 2 */
	assert_int_equal(cristian_estimate(&odd, 3, &r), 0);
	assert_int_equal(r.error, 1);
	assert_int_equal(cristian_estimate(&odd, 4, &r), 0);
	assert_int_equal(r.error, 0);
	assert_int_equal(cristian_estimate(&zero, 0, &r), 0);
	assert_int_equal(r.estimate, 5000);
	assert_int_equal(r.error, 0);
}

/* A minimum delay beyond half the round trip contradicts the probe: the
 * bound clamps at 0 and the estimate is unchanged. */
static void test_cristian_min_clamps(void **state)
{
	const struct cristian_probe p = { 0, 1000 * MS, 10 * MS };
	struct cristian_result r;

	(void)state;
	assert_int_equal(cristian_estimate(&p, 6 * MS, &r), 0);
	assert_int_equal(r.error, 0);
	assert_int_equal(r.estimate, 1005 * MS);
	assert_int_equal(cristian_estimate(&p, UINT64_MAX, &r), 0);
	assert_int_equal(r.error, 0);
}

static void test_cristian_rejects(void **state)
{
	const struct cristian_probe back = { 100, 5000, 99 };
	struct cristian_result r, before;

	(void)state;
	memset(&r, 0x3c, sizeof r);
	before = r;
	assert_int_equal(cristian_estimate(&back, 0, &r), -1);
	assert_memory_equal(&r, &before, sizeof r);
}

static void test_cristian_saturates(void **state)
{
	const struct cristian_probe late = { 0, UINT64_MAX - 3, 10 }, ahead = { 0, UINT64_MAX, 0 };
	const struct cristian_probe behind = { UINT64_MAX - 1, 0, UINT64_MAX };
	const struct cristian_probe whole = { 0, 0, UINT64_MAX };
	struct cristian_result r;

	(void)state;
	assert_int_equal(cristian_estimate(&late, 0, &r), 0);
	assert_int_equal(r.estimate, UINT64_MAX);
	assert_int_equal(r.offset, INT64_MAX);
	assert_int_equal(cristian_estimate(&ahead, 0, &r), 0);
	assert_int_equal(r.offset, INT64_MAX);
	assert_int_equal(cristian_estimate(&behind, 0, &r), 0);
	assert_int_equal(r.estimate, 0);
	assert_int_equal(r.offset, INT64_MIN);
	assert_int_equal(cristian_estimate(&whole, 0, &r), 0);
	assert_int_equal(r.rtt, UINT64_MAX);
	assert_int_equal(r.estimate, UINT64_MAX / 2);
	assert_int_equal(r.error, UINT64_MAX / 2 + 1);
	assert_int_equal(r.offset, -(int64_t)(UINT64_MAX / 2) - 1);
}

static void test_cristian_best(void **state)
{
	const struct cristian_probe p[] = {
		{ 10, 0, 5 },          /* invalid: skipped */
		{ 0, 0, 30 },
		{ 100, 0, 120 },       /* 20 */
		{ 200, 0, 220 },       /* 20 again: the first stays */
		{ 300, 0, 325 },
	};
	const struct cristian_probe none[] = { { 10, 0, 5 }, { 7, 0, 6 } };

	(void)state;
	assert_int_equal(cristian_best(p, 5), 2);
	assert_int_equal(cristian_best(p, 2), 1);
	assert_int_equal(cristian_best(p, 1), 1);     /* n: nothing valid */
	assert_int_equal(cristian_best(none, 2), 2);
	assert_int_equal(cristian_best(NULL, 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cristian_textbook),
		cmocka_unit_test(test_cristian_rounding),
		cmocka_unit_test(test_cristian_min_clamps),
		cmocka_unit_test(test_cristian_rejects),
		cmocka_unit_test(test_cristian_saturates),
		cmocka_unit_test(test_cristian_best),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
