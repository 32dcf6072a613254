/*
 * test_disk.c: unit tests for the file server's disk model (servers/file/disk.c).
 *
 * The one idea: completion times are checked to the nanosecond against the
 * formula worked by hand (done = max(t, free) + access + ceil(n * ps / 1000)),
 * then against a naive model that keeps every completion time, through many
 * deterministic random arrivals; sizes far past 2^64 ps saturate at
 * 2^64 - 1 ns and never wrap into the past.
 */
#include <stdint.h>
#include <stdlib.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "file/disk.h"

static uint64_t submit(struct disk *d, uint64_t now, uint64_t n)
{
	uint64_t done = 0;

	assert_int_equal(disk_submit(d, now, n, &done), 0);
	return done;
}

static void test_one_request(void **state)
{
	struct disk d;

	(void)state;
	disk_init(&d, 1000, 2000);           /* 1 us a request, 2 ns a byte */
	assert_int_equal(disk_service_ns(&d, 100), 1200);
	assert_int_equal(submit(&d, 500, 100), 1700);
	assert_int_equal(d.st.requests, 1);
	assert_int_equal(d.st.bytes, 100);
	assert_int_equal(d.st.busy_ns, 1200);
	assert_int_equal(d.st.wait_ns, 0);
	assert_int_equal(d.st.max_queue, 1);
	assert_int_equal(disk_queue(&d, 500), 1);
	assert_int_equal(disk_queue(&d, 1699), 1);
	assert_int_equal(disk_queue(&d, 1700), 0);
	disk_free(&d);
}

/* Three requests at once are served one after another; a fourth after the
 * disk went idle starts when it arrives. */
static void test_fifo_queue(void **state)
{
	struct disk d;

	(void)state;
	disk_init(&d, 100, 1000);            /* 100 ns a request, 1 ns a byte */
	assert_int_equal(submit(&d, 0, 0), 100);
	assert_int_equal(submit(&d, 0, 10), 210);
	assert_int_equal(submit(&d, 0, 20), 330);
	assert_int_equal(d.st.max_queue, 3);
	assert_int_equal(d.st.wait_ns, 0 + 100 + 210);
	assert_int_equal(d.st.busy_ns, 330);
	assert_int_equal(disk_queue(&d, 0), 3);
	assert_int_equal(disk_queue(&d, 99), 3);
	assert_int_equal(disk_queue(&d, 100), 2);
	assert_int_equal(disk_queue(&d, 209), 2);
	assert_int_equal(disk_queue(&d, 210), 1);
	assert_int_equal(disk_queue(&d, 330), 0);
	/* Arriving while two are still there: waits for the last one. */
	assert_int_equal(submit(&d, 150, 5), 435);
	assert_int_equal(d.st.max_queue, 3);
	assert_int_equal(d.st.wait_ns, 310 + (330 - 150));
	/* Idle from 435: a request at 1000 waits for nothing. */
	assert_int_equal(submit(&d, 1000, 0), 1100);
	assert_int_equal(d.st.requests, 5);
	assert_int_equal(d.st.bytes, 35);
	assert_int_equal(d.st.busy_ns, 330 + 105 + 100);
	assert_int_equal(d.st.wait_ns, 490);
	disk_free(&d);
}

/* A request arriving exactly when the previous completes finds the disk free
 * and the queue empty; a request that takes no time is gone at once. */
static void test_boundaries(void **state)
{
	struct disk d;

	(void)state;
	disk_init(&d, 100, 0);
	assert_int_equal(submit(&d, 0, 12345), 100);
	assert_int_equal(submit(&d, 100, 0), 200);
	assert_int_equal(d.st.max_queue, 1);
	assert_int_equal(d.st.wait_ns, 0);
	disk_free(&d);
	disk_init(&d, 0, 0);
	assert_int_equal(submit(&d, 7, 99), 7);
	assert_int_equal(submit(&d, 7, 99), 7);
	assert_int_equal(d.st.max_queue, 1);
	assert_int_equal(d.st.busy_ns, 0);
	assert_int_equal(disk_queue(&d, 7), 0);
	disk_free(&d);
}

/* The example in doc/file-server.md: 5 ms a request, 125 MB/s (8000 ps a
 * byte), three 4 KiB requests at time 0. */
static void test_doc_example(void **state)
{
	struct disk d;

	(void)state;
	disk_init(&d, 5000000, 8000);
	assert_int_equal(submit(&d, 0, 4096), 5032768);
	assert_int_equal(submit(&d, 0, 4096), 10065536);
	assert_int_equal(submit(&d, 0, 4096), 15098304);
	assert_int_equal(d.st.wait_ns, 5032768 + 10065536);
	assert_int_equal(d.st.busy_ns, 15098304);
	disk_free(&d);
}

/* Transfer times are whole nanoseconds, rounded up. */
static void test_rounding(void **state)
{
	static const struct { uint64_t ps, n, ns; } cases[] = {
		{ 1, 0, 0 }, { 1, 1, 1 }, { 1, 999, 1 }, { 1, 1000, 1 }, { 1, 1001, 2 },
		{ 1500, 3, 5 },                     /* 4.5 ns */
		{ 2500, 1999, 4998 },               /* 4997.5 ns */
		{ 1000, 7, 7 }, { 999, 1000, 999 }, { 999, 1001, 1000 },   /* 999.999 ns */
		{ 0, 1000000, 0 },
		{ 8000, 1u << 20, 8388608 },        /* 1 MiB at 125 MB/s: 8.39 ms */
	};
	struct disk d;

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		disk_init(&d, 40, cases[i].ps);
		assert_int_equal(disk_service_ns(&d, cases[i].n), 40 + cases[i].ns);
	}
}

/* Products past 2^64 that come back below it after the division by 1000
 * are exact; sums and products past 2^64 - 1 ns saturate. */
static void test_saturation(void **state)
{
	struct disk d;

	(void)state;
	disk_init(&d, 0, 8);
	assert_int_equal(disk_service_ns(&d, 1ull << 62), 36893488147419104ull);   /* 2^65 / 1000, up */
	disk_init(&d, 0, 1);
	assert_int_equal(disk_service_ns(&d, UINT64_MAX), 18446744073709552ull);
	disk_init(&d, 0, 1001);
	assert_int_equal(disk_service_ns(&d, UINT64_MAX), UINT64_MAX);
	disk_init(&d, 1, UINT64_MAX);
	assert_int_equal(disk_service_ns(&d, 1), 18446744073709553ull);
	assert_int_equal(disk_service_ns(&d, UINT64_MAX), UINT64_MAX);
	disk_init(&d, UINT64_MAX, 0);
	assert_int_equal(disk_service_ns(&d, 0), UINT64_MAX);
	/* A saturated request ends "never", and so does everything behind it. */
	disk_init(&d, 10, UINT64_MAX);
	assert_int_equal(submit(&d, 5, UINT64_MAX), UINT64_MAX);
	assert_int_equal(submit(&d, 6, 0), UINT64_MAX);
	assert_int_equal(submit(&d, UINT64_MAX, UINT64_MAX), UINT64_MAX);
	assert_int_equal(d.st.bytes, UINT64_MAX);
	assert_int_equal(d.st.busy_ns, UINT64_MAX - 5);
	assert_int_equal(d.st.wait_ns, UINT64_MAX - 6);
	assert_int_equal(d.st.max_queue, 2);
	assert_int_equal(d.st.requests, 3);
	assert_int_equal(disk_queue(&d, UINT64_MAX), 0);
	disk_free(&d);
	/* Late in virtual time, a normal request saturates instead of wrapping. */
	disk_init(&d, 100, 0);
	assert_int_equal(submit(&d, UINT64_MAX - 50, 0), UINT64_MAX);
	disk_free(&d);
}

/* splitmix64: the test's own deterministic numbers. */
static uint64_t mix(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

#define REQS 5000

/* Against a naive model that keeps every completion time: bursts fill the
 * queue past the ring's first sizes, gaps drain it, so the ring wraps and
 * grows. */
static void test_against_model(void **state)
{
	uint64_t *done = malloc(REQS * sizeof *done);
	uint64_t rng = 7, now = 0, free_at = 0, wait = 0, maxq = 0;
	struct disk d;

	(void)state;
	assert_non_null(done);
	disk_init(&d, 300, 2500);
	for (int i = 0; i < REQS; i++) {
		uint64_t n = mix(&rng) % 4096, start, q = 1;
		now += mix(&rng) % 8 == 0 ? mix(&rng) % 200000 : mix(&rng) % 1000;
		start = now > free_at ? now : free_at;
		free_at = start + 300 + (n * 2500 + 999) / 1000;
		wait += start - now;
		for (int k = 0; k < i; k++)
			q += done[k] > now;
		maxq = q > maxq ? q : maxq;
		done[i] = submit(&d, now, n);
		assert_int_equal(done[i], free_at);
		assert_int_equal(disk_queue(&d, now), q);
	}
	assert_int_equal(d.st.requests, REQS);
	assert_int_equal(d.st.wait_ns, wait);
	assert_int_equal(d.st.max_queue, maxq);
	assert_true(maxq > 16);               /* the ring grew at least once */
	disk_free(&d);
	assert_int_equal(d.access_ns, 300);
	assert_int_equal(d.st.requests, 0);
	assert_int_equal(submit(&d, 0, 0), 300);   /* as new after disk_free */
	disk_free(&d);
	free(done);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_request),
		cmocka_unit_test(test_fifo_queue),
		cmocka_unit_test(test_boundaries),
		cmocka_unit_test(test_doc_example),
		cmocka_unit_test(test_rounding),
		cmocka_unit_test(test_saturation),
		cmocka_unit_test(test_against_model),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
