/*
 * test_pclock.c - unit tests for the processes' clocks (servers/time/pclock.c):
 * where a process's clock lives, what a step and a slew leave behind, the
 * inverse used for alarms, the copy a new incarnation gets, and the
 * statistics they add.
 *
 * The one idea: a process without a clock reads true time, and nothing is
 * added to the statistics until some clock exists; the arithmetic itself
 * is clock.c's and tested in test_clock.c, so the readings here are the
 * simple ones a reader can check by hand.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "machine.h"
#include "proc.h"
#include "time/pclock.h"

#define US 1000ull
#define MS 1000000ull
#define SEC 1000000000ull

static void idle(struct thread *self, void *arg)
{
	(void)self, (void)arg;
}

static struct proc *proc_on(struct machine *m, const char *name)
{
	struct proc *p = h_proc(m, name, 0, idle, NULL);

	assert_non_null(p);
	return p;
}

static struct machine *machine_of(void **state)
{
	struct machine *m = *state;

	assert_int_equal(h_machine(m, 1, "fifo", 10 * MS, 16), 0);
	return m;
}

/* Without a clock a process reads true time, and the machine has no clock
 * statistics. */
static void test_perfect_by_default(void **state)
{
	struct machine *m = machine_of(state);
	struct proc *p = proc_on(m, "p");

	assert_null(p->clock);
	assert_int_equal(pclock_read(p, 12345), 12345);
	assert_int_equal(pclock_until(p, 100, 50), 0);
	assert_int_equal(pclock_until(p, 100, 150), 50);
	assert_null(m->stats_hook);
}

/* An attached clock reads t + offset + floor(t * drift / 10^9) and turns
 * the statistics on; a drift out of limits is refused and changes nothing. */
static void test_attach(void **state)
{
	struct machine *m = machine_of(state);
	struct proc *p = proc_on(m, "p");

	assert_int_equal(pclock_attach(p, 3 * MS, 50000), 0);
	assert_non_null(m->stats_hook);
	assert_int_equal(pclock_read(p, SEC), SEC + 3 * MS + 50 * US);
	assert_int_equal(pclock_attach(p, 0, -1000000000LL), -1);
	assert_int_equal(pclock_read(p, SEC), SEC + 3 * MS + 50 * US);
	assert_int_equal(pclock_attach(p, -5 * MS, 0), 0);   /* replaces it */
	assert_int_equal(pclock_read(p, 4 * MS), 0);
	assert_int_equal(pclock_read(p, 6 * MS), MS);
}

/* The inverse, for alarms: the true ns from now until the clock reads x. */
static void test_until(void **state)
{
	struct machine *m = machine_of(state);
	struct proc *p = proc_on(m, "p"), *q = proc_on(m, "q");

	assert_int_equal(pclock_attach(p, 3 * MS, 50000), 0);
	/* t + 3 ms + floor(t / 20000) first reaches 10 ms at t = 6999651 */
	assert_int_equal(pclock_until(p, MS, 10 * MS), 6999651 - MS);
	assert_int_equal(pclock_until(p, 6999651, 10 * MS), 0);
	assert_int_equal(pclock_until(p, 6999650, 10 * MS), 1);
	/* a clock that all but stands still never gets there */
	assert_int_equal(pclock_attach(q, 0, -999999999LL), 0);
	assert_int_equal(pclock_until(q, 0, UINT64_MAX / 2), UINT64_MAX);
}

/* A step adds the correction at once (backwards too, saturating at 0) and
 * is recorded; a process without a clock gets a perfect one to step. */
static void test_step(void **state)
{
	struct machine *m = machine_of(state);
	struct proc *p = proc_on(m, "p"), *q = proc_on(m, "q");

	assert_int_equal(pclock_attach(p, 0, 0), 0);
	assert_int_equal(pclock_step(p, 1000, 5000, 7), 0);
	assert_int_equal(pclock_read(p, 2000), 7000);
	assert_int_equal(p->clock->syncs, 1);
	assert_int_equal(p->clock->last, PCLOCK_STEP);
	assert_int_equal(p->clock->last_ns, 1000);
	assert_int_equal(p->clock->last_offset, 5000);
	assert_int_equal(p->clock->last_error, 7);
	assert_int_equal(pclock_step(p, 2000, -(int64_t)MS, 1), 0);
	assert_int_equal(pclock_read(p, 2000), 0);
	assert_int_equal(pclock_read(p, 2500), 500);
	assert_int_equal(p->clock->syncs, 2);

	assert_null(q->clock);
	assert_int_equal(pclock_step(q, 50, 100, 0), 0);
	assert_non_null(q->clock);
	assert_int_equal(q->clock->c.drift, 0);
	assert_int_equal(pclock_read(q, 60), 160);
}

/* A slew at adjtime()'s 500 ppm: 1 ms takes 2 s, never going backwards;
 * one that would outlast virtual time is refused and changes nothing. */
static void test_slew(void **state)
{
	struct machine *m = machine_of(state);
	struct proc *p = proc_on(m, "p");
	uint64_t last = 0;

	assert_int_equal(pclock_slew(p, 0, (int64_t)MS, 3), 0);
	assert_int_equal(p->clock->last, PCLOCK_SLEW);
	assert_int_equal(pclock_read(p, SEC), SEC + MS / 2);
	assert_int_equal(pclock_read(p, 2 * SEC), 2 * SEC + MS);
	assert_int_equal(pclock_read(p, 3 * SEC), 3 * SEC + MS);
	for (uint64_t t = 0; t <= 3 * SEC; t += 7 * MS) {
		assert_true(pclock_read(p, t) >= last);
		last = pclock_read(p, t);
	}
	assert_int_equal(pclock_slew(p, 3 * SEC, INT64_MAX, 0), -1);
	assert_int_equal(p->clock->syncs, 1);
	assert_int_equal(pclock_read(p, 4 * SEC), 4 * SEC + MS);
}

/* A copy reads as the original and is its own; copying no clock removes one. */
static void test_copy(void **state)
{
	struct machine *m = machine_of(state);
	struct proc *a = proc_on(m, "a"), *b = proc_on(m, "b"), *c = proc_on(m, "c");

	assert_int_equal(pclock_attach(a, 2 * MS, -20000), 0);
	assert_int_equal(pclock_copy(b, a), 0);
	assert_ptr_not_equal(a->clock, b->clock);
	assert_int_equal(pclock_read(b, SEC), pclock_read(a, SEC));
	assert_int_equal(pclock_step(b, SEC, 1, 0), 0);
	assert_int_not_equal(pclock_read(b, SEC), pclock_read(a, SEC));
	assert_int_equal(pclock_copy(b, c), 0);
	assert_null(b->clock);
}

/* The statistics of every process: JSON members and text lines. */
static void test_stats(void **state)
{
	struct machine *m = machine_of(state);
	struct proc *a = proc_on(m, "a");
	char *text = NULL;
	size_t len = 0;
	FILE *out;

	proc_on(m, "b");
	proc_on(m, "x\\y");
	assert_int_equal(pclock_attach(a, 0, -20000), 0);
	assert_int_equal(pclock_step(a, 0, 500, 9), 0);
	m->now = SEC;
	out = open_memstream(&text, &len);
	assert_non_null(out);
	m->stats_hook(out, m, 'j');
	m->stats_hook(out, m, 't');
	fclose(out);
	assert_string_equal(text,
		"  \"clocks\": [\n"
		"    { \"process\": \"a\", \"pid\": 1, \"drift_ppb\": -20000, \"offset_ns\": -19500, "
		"\"syncs\": 1, \"adjust\": \"step\", \"last_sync_ns\": 0, \"last_offset_ns\": 500, "
		"\"last_error_ns\": 9 },\n"
		"    { \"process\": \"b\", \"pid\": 2, \"drift_ppb\": 0, \"offset_ns\": 0, \"syncs\": 0, "
		"\"adjust\": null, \"last_sync_ns\": null, \"last_offset_ns\": null, "
		"\"last_error_ns\": null },\n"
		"    { \"process\": \"x\\\\y\", \"pid\": 3, \"drift_ppb\": 0, \"offset_ns\": 0, "
		"\"syncs\": 0, \"adjust\": null, \"last_sync_ns\": null, \"last_offset_ns\": null, "
		"\"last_error_ns\": null }\n"
		"  ],\n"
		"clock  a: drift -20000ppb, offset -19.5us at the end; 1 sync(s), the last at 0ns "
		"stepped by +500ns (error bound 9ns)\n");
	free(text);
}

/* Berkeley adjustments: each round's true error is kept, the first
 * PCLOCK_MAX_ROUNDS of them, in the clock's JSON entry; a clock no master
 * adjusted has no such members. */
static void test_rounds(void **state)
{
	struct machine *m = machine_of(state);
	struct proc *a = proc_on(m, "a");
	struct proc *b = proc_on(m, "b");
	char *text = NULL;
	size_t len = 0;
	FILE *out;

	assert_int_equal(pclock_attach(a, 3 * MS, 0), 0);
	assert_int_equal(pclock_attach(b, 0, 0), 0);
	m->now = 10 * MS;
	assert_int_equal(pclock_error(a, m->now), 3 * MS);
	assert_int_equal(pclock_step(a, m->now, -(int64_t)(3 * MS) - 250, 0), 0);
	pclock_note_round(a, m->now, 1);
	assert_int_equal(pclock_error(a, m->now), -250);
	assert_int_equal(a->clock->nrounds, 1);
	assert_int_equal(a->clock->rounds[0].error_ns, -250);
	assert_int_equal(a->clock->rounds[0].at_ns, 10 * MS);
	for (uint32_t r = 2; r <= PCLOCK_MAX_ROUNDS + 8; r++)
		pclock_note_round(a, m->now + r, r);
	assert_int_equal(a->clock->nrounds, PCLOCK_MAX_ROUNDS + 8);
	assert_int_equal(a->clock->rounds[PCLOCK_MAX_ROUNDS - 1].round, PCLOCK_MAX_ROUNDS);
	out = open_memstream(&text, &len);
	assert_non_null(out);
	m->stats_hook(out, m, 'j');
	fclose(out);
	assert_non_null(strstr(text, "\"last_error_ns\": 0, \"berkeley_rounds\": 40, \"rounds\": "
				     "[{ \"round\": 1, \"at_ns\": 10000000, \"error_ns\": -250 }, "
				     "{ \"round\": 2, \"at_ns\": 10000002, \"error_ns\": -250 }, "));
	assert_non_null(strstr(text, "{ \"round\": 32, \"at_ns\": 10000032, \"error_ns\": -250 }] }"));
	assert_null(strstr(text, "\"round\": 33"));
	assert_non_null(strstr(text, "\"process\": \"b\", \"pid\": 2, \"drift_ppb\": 0, "
				     "\"offset_ns\": 0, \"syncs\": 0, \"adjust\": null, "
				     "\"last_sync_ns\": null, \"last_offset_ns\": null, "
				     "\"last_error_ns\": null }"));
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		H_TEST(test_perfect_by_default), H_TEST(test_attach), H_TEST(test_until),
		H_TEST(test_step),               H_TEST(test_slew),   H_TEST(test_copy),
		H_TEST(test_stats),              H_TEST(test_rounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
