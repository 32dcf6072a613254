/*
 * test_view_describe.c: the details of a click (viz/describe.c) give times
 * from a second on in seconds, as the rest of the viewer does: a process
 * that computes for 1.5 s, then sleeps; the details of its long running
 * interval and of its CPU slice read "from 0.xxxxxx ms to 1.xxxxxxxxx s",
 * its sleep "from 1.xxxxxxxxx s to 1.xxxxxxxxx s", each with its length.
 * And a CPU slice of mlfq-gaming.lua's first gamer, dispatched again at
 * each 1 ms tick of its 9 ms: its details give the whole bar the CPU view
 * draws, how many dispatches, and the times of the one clicked.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "ix_fixture.h"
#include "trace_index.h"
#include "view.h"

static const char source[] =
	"machine { cpus = 1, costs = \"modern\" }\n"
	"process { name = \"long\", main = function()\n"
	"  compute(\"1500ms\")\n"
	"  sleep(\"200ms\")\n"
	"end }\n";

/* The line of lines that starts with prefix, else fail. */
static const char *line_of(char lines[][VZ_LINE], int n, const char *prefix)
{
	for (int i = 0; i < n; i++)
		if (strncmp(lines[i], prefix, strlen(prefix)) == 0)
			return lines[i];
	fail_msg("no line starts with \"%s\"", prefix);
	return NULL;
}

/* The details of pk: its "from" line is from, its "for" line dur. */
static void check(const struct trace_index *ix, struct vz_pick pk, const char *from,
		  const char *dur)
{
	char lines[VZ_DESCRIBE_LINES][VZ_LINE];
	int n = vz_describe(ix, &pk, ix->end_ns, lines);

	assert_string_equal(line_of(lines, n, "from "), from);
	assert_string_equal(line_of(lines, n, "for "), dur);
}

static void test_seconds(void **state)
{
	struct ix_run r;
	const struct trace_index *ix;
	const struct ti_thread *t = NULL;
	char from[VZ_LINE];
	int ran = 0, slept = 0;

	(void)state;
	ix_run(&r, "long.lua", source, NULL, 0, 2000000000ull);
	ix = r.ix;
	for (size_t i = 0; i < ix->nthreads && !t; i++)
		if (strcmp(vz_proc_name(ix, ix->threads[i].proc), "long") == 0)
			t = &ix->threads[i];
	assert_non_null(t);
	for (size_t i = t->iv_first; i < t->iv_first + t->iv_count; i++) {
		const struct ti_interval *iv = &ix->ivs[i];
		struct vz_pick pk = { PICK_IV, i, 0 };
		if (iv->t1 - iv->t0 < 100000000)
			continue;
		if (iv->state == TI_RUNNING) {
			snprintf(from, sizeof from, "from %llu.%06llu ms to 1.%09llu s",
				 (unsigned long long)(iv->t0 / 1000000),
				 (unsigned long long)(iv->t0 % 1000000),
				 (unsigned long long)(iv->t1 % 1000000000));
			assert_true(iv->t1 >= 1500000000 && iv->t1 < 2000000000);
			check(ix, pk, from, "for 1.50 s");
			ran = 1;
		} else {
			snprintf(from, sizeof from, "from 1.%09llu s to 1.%09llu s",
				 (unsigned long long)(iv->t0 % 1000000000),
				 (unsigned long long)(iv->t1 % 1000000000));
			assert_true(iv->t0 >= 1500000000 && iv->t1 < 2000000000);
			check(ix, pk, from, "for 200 ms");
			slept = 1;
		}
	}
	assert_true(ran && slept);
	for (size_t i = 0; i < ix->nruns; i++) {
		const struct ti_run *run = &ix->runs[i];
		struct vz_pick pk = { PICK_RUN, i, 0 };
		if (run->t1 - run->t0 < 100000000)
			continue;
		snprintf(from, sizeof from, "from %llu.%06llu ms to 1.%09llu s",
			 (unsigned long long)(run->t0 / 1000000),
			 (unsigned long long)(run->t0 % 1000000),
			 (unsigned long long)(run->t1 % 1000000000));
		check(ix, pk, from, "for 1.50 s");
		ran = 2;
	}
	assert_int_equal(ran, 2);
	ix_run_free(&r);
}

static void test_stretch(void **state)
{
	struct ix_run r;
	const struct trace_index *ix;
	char lines[VZ_DESCRIBE_LINES][VZ_LINE];
	struct vz_pick pk = { PICK_RUN, 0, 0 };
	int n;

	(void)state;
	ix_run(&r, "scenarios/mlfq-gaming.lua", NULL, NULL, 0, 120000000ull);
	ix = r.ix;
	pk.i = trace_index_runs_from(ix, 0, 13500000);
	n = vz_describe(ix, &pk, ix->end_ns, lines);
	assert_string_equal(lines[0], "cpu0 runs G1");
	assert_string_equal(line_of(lines, n, "from "), "from 10.000000 ms to 19.000000 ms");
	assert_string_equal(line_of(lines, n, "for "), "for 9.00 ms");
	assert_string_equal(line_of(lines, n, "dispatched "),
			    "dispatched 9 times in a row, without a switch");
	assert_string_equal(line_of(lines, n, "dispatch "),
			    "dispatch 4 of them: from 13.000000 ms to 14.000000 ms");
	pk.i = trace_index_runs_from(ix, 0, 5000000);     /* A's first quantum */
	n = vz_describe(ix, &pk, ix->end_ns, lines);
	assert_string_equal(line_of(lines, n, "from "), "from 0.000000 ms to 10.000000 ms");
	ix_run_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seconds),
		cmocka_unit_test(test_stretch),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
