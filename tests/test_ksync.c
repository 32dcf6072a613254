/*
 * test_ksync.c - unit tests for the synchronisation rules (kernel/ksync.c),
 * driven through a recording executor instead of the kernel or a runtime:
 * who blocks, who is woken and in what order, and what is refused.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "ksync.h"
#include "thread.h"
#include "uk_err.h"

#define MAXLOG 32

/* What the executor was asked to do, in order: +tid blocked, -tid woken. */
struct rec {
	int log[MAXLOG];
	int n;
};

static void rec_block(void *ctx, struct thread *t)
{
	struct rec *r = ctx;

	t->state = T_BLOCKED;
	r->log[r->n++] = (int)t->tid;
}

static void rec_wake(void *ctx, struct thread *t, int err)
{
	struct rec *r = ctx;

	assert_int_equal(err, UK_OK);
	t->state = T_READY;
	r->log[r->n++] = -(int)t->tid;
}

static struct thread th[5];
static struct rec rec;
static struct ksync_exec x = { rec_block, rec_wake, &rec };

static int setup(void **state)
{
	(void)state;
	memset(th, 0, sizeof th);
	memset(&rec, 0, sizeof rec);
	for (int i = 0; i < 5; i++)
		th[i].tid = (uint32_t)i + 1;
	return 0;
}

static void expect_log(const int *want, int n)
{
	assert_int_equal(rec.n, n);
	for (int i = 0; i < n; i++)
		assert_int_equal(rec.log[i], want[i]);
}

static void test_mutex_hand_off_in_order(void **state)
{
	struct ksync mu;
	/* th2, th3 block; th1's unlock hands to th2; th1 blocks again; th2's unlock hands to th3. */
	static const int want[] = { 2, 3, -2, 1, -3 };

	(void)state;
	ksync_init(&mu, KS_MUTEX, 1, 0);
	assert_int_equal(ksync_do(&mu, NULL, KS_LOCK, &th[0], &x), UK_OK);
	assert_int_equal(ksync_do(&mu, NULL, KS_LOCK, &th[1], &x), 1);
	assert_int_equal(ksync_do(&mu, NULL, KS_LOCK, &th[2], &x), 1);
	assert_int_equal(ksync_do(&mu, NULL, KS_UNLOCK, &th[0], &x), UK_OK);
	assert_ptr_equal(mu.owner, &th[1]);          /* handed over, no barging */
	assert_int_equal(ksync_do(&mu, NULL, KS_LOCK, &th[0], &x), 1);
	assert_int_equal(ksync_do(&mu, NULL, KS_UNLOCK, &th[1], &x), UK_OK);
	assert_ptr_equal(mu.owner, &th[2]);
	assert_ptr_equal(mu.waiters.head, &th[0]);
	expect_log(want, 5);
}

static void test_mutex_misuse(void **state)
{
	struct ksync mu;

	(void)state;
	ksync_init(&mu, KS_MUTEX, 1, 0);
	assert_int_equal(ksync_do(&mu, NULL, KS_UNLOCK, &th[0], &x), UK_EINVAL);
	assert_int_equal(ksync_do(&mu, NULL, KS_LOCK, &th[0], &x), UK_OK);
	assert_int_equal(ksync_do(&mu, NULL, KS_LOCK, &th[0], &x), UK_EINVAL);
	assert_int_equal(ksync_do(&mu, NULL, KS_UNLOCK, &th[1], &x), UK_EINVAL);
	assert_int_equal(ksync_do(&mu, NULL, KS_POST, &th[0], &x), UK_EINVAL);
	assert_ptr_equal(mu.owner, &th[0]);
	assert_int_equal(rec.n, 0);
}

static void test_trylock(void **state)
{
	struct ksync mu;

	(void)state;
	ksync_init(&mu, KS_MUTEX, 1, 0);
	assert_int_equal(ksync_do(&mu, NULL, KS_TRYLOCK, &th[0], &x), UK_OK);
	assert_int_equal(th[0].sc.val, 1);
	assert_int_equal(ksync_do(&mu, NULL, KS_TRYLOCK, &th[1], &x), UK_OK);
	assert_int_equal(th[1].sc.val, 0);
	assert_ptr_equal(mu.owner, &th[0]);
	assert_int_equal(rec.n, 0);
}

static void test_semaphore_counts(void **state)
{
	struct ksync s;
	static const int want[] = { 3, 4, -3 };

	(void)state;
	ksync_init(&s, KS_SEMAPHORE, 1, 2);
	assert_int_equal(ksync_do(&s, NULL, KS_WAIT, &th[0], &x), UK_OK);
	assert_int_equal(ksync_do(&s, NULL, KS_WAIT, &th[1], &x), UK_OK);
	assert_int_equal(s.count, 0);
	assert_int_equal(ksync_do(&s, NULL, KS_WAIT, &th[2], &x), 1);
	assert_int_equal(ksync_do(&s, NULL, KS_WAIT, &th[3], &x), 1);
	assert_int_equal(ksync_do(&s, NULL, KS_POST, &th[0], &x), UK_OK);
	assert_int_equal(s.count, 0);                /* the post went to a waiter */
	expect_log(want, 3);
	rec.n = 0;
	assert_int_equal(ksync_do(&s, NULL, KS_POST, &th[0], &x), UK_OK);   /* wakes th[3] */
	assert_int_equal(ksync_do(&s, NULL, KS_POST, &th[0], &x), UK_OK);   /* counts */
	assert_int_equal(s.count, 1);
	assert_int_equal(rec.n, 1);
	assert_int_equal(rec.log[0], -4);
}

static void test_cond_wait_releases_and_reacquires(void **state)
{
	struct ksync mu, cv;

	(void)state;
	ksync_init(&mu, KS_MUTEX, 1, 0);
	ksync_init(&cv, KS_COND, 1, 0);
	assert_int_equal(ksync_do(&mu, NULL, KS_LOCK, &th[0], &x), UK_OK);
	assert_int_equal(ksync_do(&cv, &mu, KS_WAIT, &th[0], &x), 1);
	assert_null(mu.owner);                        /* wait released the mutex */
	assert_int_equal(ksync_do(&mu, NULL, KS_LOCK, &th[1], &x), UK_OK);
	assert_int_equal(ksync_do(&cv, NULL, KS_SIGNAL, &th[1], &x), UK_OK);
	/* Signalled, th[0] queues for the mutex th[1] still holds: not woken yet. */
	assert_int_equal(rec.n, 1);
	assert_ptr_equal(mu.waiters.head, &th[0]);
	assert_int_equal(ksync_do(&mu, NULL, KS_UNLOCK, &th[1], &x), UK_OK);
	assert_ptr_equal(mu.owner, &th[0]);
	/* th[0] blocked once (in the wait) and was woken once (holding the mutex). */
	assert_int_equal(rec.n, 2);
	assert_int_equal(rec.log[0], 1);
	assert_int_equal(rec.log[1], -1);
	assert_int_equal(th[0].state, T_READY);
}

static void test_cond_broadcast_and_misuse(void **state)
{
	struct ksync mu, cv, other;

	(void)state;
	ksync_init(&mu, KS_MUTEX, 1, 0);
	ksync_init(&cv, KS_COND, 1, 0);
	ksync_init(&other, KS_SEMAPHORE, 1, 0);
	assert_int_equal(ksync_do(&cv, &mu, KS_WAIT, &th[0], &x), UK_EINVAL);     /* not held */
	assert_int_equal(ksync_do(&cv, &other, KS_WAIT, &th[0], &x), UK_EINVAL);  /* not a mutex */
	assert_int_equal(ksync_do(&cv, NULL, KS_SIGNAL, &th[0], &x), UK_OK);      /* nobody: no-op */
	for (int i = 0; i < 3; i++) {
		assert_int_equal(ksync_do(&mu, NULL, KS_LOCK, &th[i], &x), UK_OK);
		assert_int_equal(ksync_do(&cv, &mu, KS_WAIT, &th[i], &x), 1);
	}
	assert_int_equal(ksync_do(&cv, NULL, KS_BROADCAST, &th[3], &x), UK_OK);
	/* The first gets the free mutex at once; the others queue behind it. */
	assert_ptr_equal(mu.owner, &th[0]);
	assert_int_equal(th[0].state, T_READY);
	assert_ptr_equal(mu.waiters.head, &th[1]);
	assert_ptr_equal(mu.waiters.tail, &th[2]);
	assert_null(cv.waiters.head);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_mutex_hand_off_in_order, setup),
		cmocka_unit_test_setup(test_mutex_misuse, setup),
		cmocka_unit_test_setup(test_trylock, setup),
		cmocka_unit_test_setup(test_semaphore_counts, setup),
		cmocka_unit_test_setup(test_cond_wait_releases_and_reacquires, setup),
		cmocka_unit_test_setup(test_cond_broadcast_and_misuse, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
