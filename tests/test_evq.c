/*
 * test_evq.c: unit tests for the event queue (evq) and the seeded random
 * generator (rng), the two things every deterministic run rests on.
 *
 * The one idea: the queue is checked against references that share nothing
 * with a heap (a sorted copy of everything pushed, a linear scan for the
 * minimum), and the generator against numbers computed once from the
 * published algorithm, so a change of either is caught, not re-blessed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "evq.h"
#include "rng.h"

/* A small generator of the test's own (splitmix64), so the queue tests do
 * not depend on the rng under test. */
static uint64_t mix(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* A pushed event as the reference sees it. */
struct ref {
	uint64_t time, seq;
};

static int ref_cmp(const void *a, const void *b)
{
	const struct ref *x = a, *y = b;

	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void push_ok(struct evq *q, uint64_t time, uint32_t kind)
{
	assert_int_equal(evq_push(q, time, kind, kind ^ 0xabcdu, (void *)(uintptr_t)(kind + 1)), 0);
}

/* Pop one event and check that its payload came along intact. */
static struct event pop_ok(struct evq *q)
{
	struct event e;

	memset(&e, 0, sizeof e);
	assert_int_equal(evq_pop(q, &e), 1);
	assert_int_equal(e.gen, e.kind ^ 0xabcdu);
	assert_ptr_equal(e.obj, (void *)(uintptr_t)(e.kind + 1));
	return e;
}

/* ---- event queue ---- */

static void test_evq_time_order(void **state)
{
	static const uint64_t times[] = { 50, 10, 40, 20, 30, 0, UINT64_MAX, 25 };
	static const uint64_t sorted[] = { 0, 10, 20, 25, 30, 40, 50, UINT64_MAX };
	struct evq q;

	(void)state;
	evq_init(&q);
	for (uint32_t i = 0; i < 8; i++)
		push_ok(&q, times[i], i);
	assert_int_equal(evq_len(&q), 8);
	for (int i = 0; i < 8; i++) {
		struct event e = pop_ok(&q);
		assert_int_equal(e.time, sorted[i]);
		assert_int_equal(times[e.kind], e.time);
		assert_int_equal(e.seq, e.kind);
	}
	assert_int_equal(evq_len(&q), 0);
	evq_free(&q);
}

static void test_evq_ties_fifo(void **state)
{
	struct evq q;

	(void)state;
	evq_init(&q);
	for (uint32_t i = 0; i < 100; i++)
		push_ok(&q, 7, i);
	for (uint32_t i = 0; i < 100; i++)
		assert_int_equal(pop_ok(&q).kind, i);
	evq_free(&q);
}

/* Many ties spread among other times: every time's events must still come
 * out in the order they were posted. */
static void test_evq_ties_interleaved(void **state)
{
	enum { N = 5000, NTIMES = 13 };
	struct evq q;
	uint32_t expect = 0;

	(void)state;
	evq_init(&q);
	for (uint32_t i = 0; i < N; i++)
		push_ok(&q, 1000 + (i * 7919u) % NTIMES * 10, i);
	for (uint64_t t = 0; t < NTIMES; t++) {
		/* Expected: indices i with this time, ascending. */
		for (uint32_t i = 0; i < N; i++) {
			if ((i * 7919u) % NTIMES != t)
				continue;
			struct event e = pop_ok(&q);
			assert_int_equal(e.time, 1000 + t * 10);
			assert_int_equal(e.kind, i);
			expect++;
		}
	}
	assert_int_equal(expect, N);
	assert_int_equal(evq_len(&q), 0);
	evq_free(&q);
}

/* 100k pushes of random times (few distinct, so ties abound), then a
 * drain: the pops must be the pushes sorted by (time, seq). */
static void test_evq_random_bulk(void **state)
{
	enum { N = 100000 };
	struct ref *ref = malloc(N * sizeof *ref);
	uint64_t x = 42;
	struct evq q;

	(void)state;
	assert_non_null(ref);
	evq_init(&q);
	for (uint32_t i = 0; i < N; i++) {
		ref[i].time = mix(&x) % 5000;
		ref[i].seq = i;
		push_ok(&q, ref[i].time, i);
	}
	qsort(ref, N, sizeof *ref, ref_cmp);
	for (uint32_t i = 0; i < N; i++) {
		struct event e = pop_ok(&q);
		assert_int_equal(e.time, ref[i].time);
		assert_int_equal(e.seq, ref[i].seq);
		assert_int_equal(e.kind, ref[i].seq);
	}
	assert_int_equal(evq_pop(&q, &(struct event){ 0 }), 0);
	evq_free(&q);
	free(ref);
}

/* Remove the minimum of the n live reference entries by linear scan. */
static struct ref ref_take_min(struct ref *live, size_t *n)
{
	size_t best = 0;
	struct ref r;

	for (size_t i = 1; i < *n; i++)
		if (ref_cmp(&live[i], &live[best]) < 0)
			best = i;
	r = live[best];
	live[best] = live[--*n];
	return r;
}

/* 100k pushes and pops interleaved at random, with arbitrary (also
 * earlier) times, against a linear-scan reference. The queue grows past
 * its first allocation and shrinks again several times. */
static void test_evq_random_interleaved(void **state)
{
	enum { OPS = 100000, MAXLIVE = 700 };
	struct ref live[MAXLIVE];
	size_t n = 0;
	uint64_t x = 7, seq = 0;
	struct evq q;

	(void)state;
	evq_init(&q);
	for (int op = 0; op < OPS; op++) {
		/* Drift between filling and draining every 2000 operations. */
		int fill = (op / 2000) % 2 == 0;
		int push = n == 0 || (n < MAXLIVE && mix(&x) % 10 < (fill ? 7u : 3u));
		if (push) {
			live[n].time = mix(&x) % 300;
			live[n].seq = seq;
			push_ok(&q, live[n].time, (uint32_t)seq);
			n++, seq++;
		} else {
			struct ref r = ref_take_min(live, &n);
			struct event e = pop_ok(&q);
			assert_int_equal(e.time, r.time);
			assert_int_equal(e.seq, r.seq);
		}
		assert_int_equal(evq_len(&q), n);
	}
	while (n > 0) {
		struct ref r = ref_take_min(live, &n);
		assert_int_equal(pop_ok(&q).seq, r.seq);
	}
	evq_free(&q);
}

static void test_evq_peek(void **state)
{
	struct evq q;
	const struct event *p;
	struct event e;

	(void)state;
	evq_init(&q);
	assert_null(evq_peek(&q));
	push_ok(&q, 30, 0);
	push_ok(&q, 10, 1);
	push_ok(&q, 10, 2);
	p = evq_peek(&q);
	assert_non_null(p);
	assert_int_equal(p->time, 10);
	assert_int_equal(p->kind, 1);
	assert_int_equal(evq_len(&q), 3);            /* peek removes nothing */
	assert_ptr_equal(evq_peek(&q), p);
	e = pop_ok(&q);
	assert_int_equal(e.kind, 1);
	assert_int_equal(evq_peek(&q)->kind, 2);
	pop_ok(&q);
	assert_int_equal(evq_peek(&q)->kind, 0);
	pop_ok(&q);
	assert_null(evq_peek(&q));
	evq_free(&q);
}

static void test_evq_pop_empty(void **state)
{
	struct evq q;
	struct event e = { .time = 99, .kind = 5 };

	(void)state;
	evq_init(&q);
	assert_int_equal(evq_pop(&q, &e), 0);
	assert_int_equal(evq_len(&q), 0);
	push_ok(&q, 1, 0);
	pop_ok(&q);
	assert_int_equal(evq_pop(&q, &e), 0);
	assert_int_equal(evq_pop(&q, &e), 0);
	assert_int_equal(evq_len(&q), 0);
	assert_null(evq_peek(&q));
	evq_free(&q);
}

static void test_evq_reuse_after_free(void **state)
{
	struct evq q;

	(void)state;
	evq_init(&q);
	evq_free(&q);                                /* freeing an empty queue is fine */
	for (uint32_t i = 0; i < 1000; i++)
		push_ok(&q, 1000 - i, i);
	evq_free(&q);
	assert_int_equal(evq_len(&q), 0);
	assert_null(evq_peek(&q));
	assert_int_equal(evq_pop(&q, &(struct event){ 0 }), 0);
	/* Usable again, sequence numbers restart, ties still in order. */
	push_ok(&q, 5, 0);
	push_ok(&q, 3, 1);
	push_ok(&q, 5, 2);
	struct event e = pop_ok(&q);
	assert_int_equal(e.kind, 1);
	assert_int_equal(e.seq, 1);
	assert_int_equal(pop_ok(&q).kind, 0);
	assert_int_equal(pop_ok(&q).kind, 2);
	evq_free(&q);
	evq_free(&q);                                /* and twice */
}

/* ---- random generator ---- */

static void test_rng_golden(void **state)
{
	/* xoshiro256** seeded by splitmix64(1), computed once from the
	 * reference algorithm. A change here changes every recorded run. */
	static const uint64_t golden[3] = {
		0xb3f2af6d0fc710c5ull, 0x853b559647364ceaull, 0x92f89756082a4514ull,
	};
	struct rng r;

	(void)state;
	rng_seed(&r, 1);
	for (int i = 0; i < 3; i++)
		assert_int_equal(rng_next(&r), golden[i]);
	/* The first three outputs do not yet depend on every part of the
	 * state update (the rotation of s[3]); the thousandth does. */
	for (int i = 3; i < 999; i++)
		rng_next(&r);
	assert_int_equal(rng_next(&r), 0xb8517c33c344d153ull);
	rng_seed(&r, 0);
	assert_int_equal(rng_next(&r), 0x99ec5f36cb75f2b4ull);
}

static void test_rng_same_seed(void **state)
{
	struct rng a, b;

	(void)state;
	rng_seed(&a, 12345);
	rng_seed(&b, 12345);
	for (int i = 0; i < 10000; i++)
		assert_int_equal(rng_next(&a), rng_next(&b));
	/* Re-seeding restarts the sequence. */
	uint64_t first;
	rng_seed(&a, 99);
	first = rng_next(&a);
	rng_next(&a);
	rng_seed(&a, 99);
	assert_int_equal(rng_next(&a), first);
}

static void test_rng_different_seeds(void **state)
{
	static const uint64_t seeds[] = { 0, 1, 2, 3, UINT64_MAX };
	uint64_t first[5];

	(void)state;
	for (int i = 0; i < 5; i++) {
		struct rng r;
		int same = 0, zero = 0;
		uint64_t v;
		rng_seed(&r, seeds[i]);
		first[i] = v = rng_next(&r);
		for (int k = 0; k < 1000; k++) {
			uint64_t w = rng_next(&r);
			same += w == v;
			zero += w == 0;
			v = w;
		}
		assert_true(same == 0 && zero == 0);  /* seed 0 included: never stuck */
		for (int j = 0; j < i; j++)
			assert_int_not_equal(first[i], first[j]);
	}
}

static void test_rng_below_range(void **state)
{
	static const uint64_t ns[] = {
		1, 2, 3, 7, 10, 1000, 1ull << 32, (1ull << 63) + 1, UINT64_MAX - 1, UINT64_MAX,
	};
	struct rng r;

	(void)state;
	rng_seed(&r, 3);
	for (size_t i = 0; i < sizeof ns / sizeof ns[0]; i++) {
		for (int k = 0; k < 2000; k++) {
			uint64_t v = rng_below(&r, ns[i]);
			assert_true(v < ns[i]);
		}
	}
}

/* Chi-square of n equally likely buckets over counts[]; fixed seed, so
 * the value is deterministic and the bound a plain regression check. */
static double chi2(const unsigned *counts, int n, unsigned total)
{
	double expect = (double)total / n, sum = 0;

	for (int i = 0; i < n; i++) {
		double d = counts[i] - expect;
		sum += d * d / expect;
	}
	return sum;
}

static void test_rng_below_uniform(void **state)
{
	enum { DRAWS = 100000 };
	unsigned c10[10] = { 0 }, c3[3] = { 0 };
	/* A bound where plain "x % n" would be biased 2:1:1 towards the
	 * first third; only rejection sampling makes it uniform. */
	const uint64_t big = 3ull << 62, third = 1ull << 62;
	struct rng r;

	(void)state;
	rng_seed(&r, 2024);
	for (int i = 0; i < DRAWS; i++)
		c10[rng_below(&r, 10)]++;
	for (int i = 0; i < DRAWS; i++)
		c3[rng_below(&r, big) / third]++;
	/* 9 and 2 degrees of freedom; bounds at p = 0.001. */
	assert_true(chi2(c10, 10, DRAWS) < 27.88);
	assert_true(chi2(c3, 3, DRAWS) < 13.82);
}

static void test_rng_unit(void **state)
{
	enum { DRAWS = 100000 };
	double lo = 1, hi = 0, sum = 0;
	unsigned buckets[10] = { 0 };
	struct rng r;

	(void)state;
	rng_seed(&r, 5);
	for (int i = 0; i < DRAWS; i++) {
		double u = rng_unit(&r);
		assert_true(u >= 0.0 && u < 1.0);
		lo = u < lo ? u : lo;
		hi = u > hi ? u : hi;
		sum += u;
		buckets[(int)(u * 10)]++;
	}
	assert_true(lo < 0.001 && hi > 0.999);
	assert_true(sum / DRAWS > 0.49 && sum / DRAWS < 0.51);
	assert_true(chi2(buckets, 10, DRAWS) < 27.88);
	/* The top 53 bits of the golden first output, scaled by 2^-53. */
	rng_seed(&r, 1);
	assert_true(rng_unit(&r) == (double)(0xb3f2af6d0fc710c5ull >> 11) * 0x1.0p-53);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_evq_time_order),
		cmocka_unit_test(test_evq_ties_fifo),
		cmocka_unit_test(test_evq_ties_interleaved),
		cmocka_unit_test(test_evq_random_bulk),
		cmocka_unit_test(test_evq_random_interleaved),
		cmocka_unit_test(test_evq_peek),
		cmocka_unit_test(test_evq_pop_empty),
		cmocka_unit_test(test_evq_reuse_after_free),
		cmocka_unit_test(test_rng_golden),
		cmocka_unit_test(test_rng_same_seed),
		cmocka_unit_test(test_rng_different_seeds),
		cmocka_unit_test(test_rng_below_range),
		cmocka_unit_test(test_rng_below_uniform),
		cmocka_unit_test(test_rng_unit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
