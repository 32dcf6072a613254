/*
 * test_results.c: unit tests for a scenario's own figures (results).
 *
 * The one idea: the last value recorded under a name wins, the names keep
 * the order of their first record however many there are, a name or a
 * record the rules refuse leaves the results as they were, and the values
 * print as Lua prints them and as JSON reads them.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "results.h"

static const char *text(const struct results *r, const char *name, char *buf)
{
	const struct result *e = results_find(r, name);

	assert_non_null(e);
	return results_format(e, buf, RESULTS_VALUE_MAX);
}

static void test_last_wins_first_order(void **state)
{
	struct results r = { 0 };
	char v[RESULTS_VALUE_MAX];

	(void)state;
	assert_int_equal(results_set_int(&r, "b", 1), 0);
	assert_int_equal(results_set_float(&r, "a", 0.5), 0);
	assert_int_equal(results_set_int(&r, "b", 7), 0);
	assert_int_equal(results_set_float(&r, "a", 3.25), 0);
	assert_int_equal(r.n, 2);
	assert_string_equal(r.v[0].name, "b");
	assert_string_equal(r.v[1].name, "a");
	assert_string_equal(text(&r, "b", v), "7");
	assert_string_equal(text(&r, "a", v), "3.25");
	/* a name can change its kind: the last record decides */
	assert_int_equal(results_set_float(&r, "b", 2.0), 0);
	assert_string_equal(text(&r, "b", v), "2.0");
	assert_null(results_find(&r, "c"));
	results_free(&r);
	assert_int_equal(r.n, 0);
	assert_null(results_find(&r, "b"));
}

static void test_format(void **state)
{
	struct result e = { .is_float = 0, .i = INT64_MIN };
	char v[RESULTS_VALUE_MAX];

	(void)state;
	assert_string_equal(results_format(&e, v, sizeof v), "-9223372036854775808");
	e.is_float = 1;
	e.f = 1e300;
	assert_string_equal(results_format(&e, v, sizeof v), "1e+300");
	e.f = -0.0;
	assert_string_equal(results_format(&e, v, sizeof v), "-0.0");
	e.f = 1.0 / 3.0;
	assert_string_equal(results_format(&e, v, sizeof v), "0.33333333333333");
	e.f = 1e15;
	assert_string_equal(results_format(&e, v, sizeof v), "1e+15");
	e.f = 123456.0;
	assert_string_equal(results_format(&e, v, sizeof v), "123456.0");
	e.f = -2.5e-7;
	assert_string_equal(results_format(&e, v, sizeof v), "-2.5e-07");
}

static void test_names(void **state)
{
	static const char *const good[] = { "a", "found", "hops_per_lookup", "p2p.find-ms", "X9" };
	static const char *const bad[] = { "", "1a", "_a", ".a", "-a", "a b", "a,b", "a\"", "é" };
	char longest[UK_RESULT_NAME_MAX + 1];

	(void)state;
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
		assert_null(results_check_name(good[i], strlen(good[i])));
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_non_null(results_check_name(bad[i], strlen(bad[i])));
	assert_non_null(results_check_name("a\0b", 3));       /* an embedded NUL */
	memset(longest, 'x', sizeof longest);
	assert_null(results_check_name(longest, UK_RESULT_NAME_MAX - 1));
	assert_non_null(results_check_name(longest, UK_RESULT_NAME_MAX));
}

/* The cap on names: the one past it is refused and changes nothing; known
 * names still take new values; the order holds over the table's growth. */
static void test_cap(void **state)
{
	struct results r = { 0 };
	char name[32], v[RESULTS_VALUE_MAX];

	(void)state;
	for (int i = 0; i < UK_MAX_RESULTS; i++) {
		snprintf(name, sizeof name, "r%d", UK_MAX_RESULTS - i);
		assert_int_equal(results_set_int(&r, name, i), 0);
	}
	assert_int_equal(results_set_int(&r, "one_more", 1), -2);
	assert_int_equal(results_set_float(&r, "one_more", 1.5), -2);
	assert_null(results_find(&r, "one_more"));
	assert_int_equal(r.n, UK_MAX_RESULTS);
	assert_int_equal(results_set_int(&r, "r1", -1), 0);
	assert_int_equal(r.n, UK_MAX_RESULTS);
	for (int i = 0; i < UK_MAX_RESULTS; i++) {
		snprintf(name, sizeof name, "r%d", UK_MAX_RESULTS - i);
		assert_string_equal(r.v[i].name, name);
	}
	assert_string_equal(text(&r, "r1", v), "-1");
	assert_string_equal(text(&r, "r1000", v), "0");
	results_free(&r);
}

static void test_column(void **state)
{
	static const char *const taken[] = { "seed", "n", "result.seed", "found" };
	char col[160];

	(void)state;
	assert_string_equal(results_column("hops", taken, 4, col, sizeof col), "hops");
	assert_string_equal(results_column("n", taken, 4, col, sizeof col), "result.n");
	/* "result.seed" is taken too: one more prefix */
	assert_string_equal(results_column("seed", taken, 4, col, sizeof col), "result.result.seed");
	assert_string_equal(results_column("found", taken, 0, col, sizeof col), "found");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_last_wins_first_order),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_cap),
		cmocka_unit_test(test_column),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
