/*
 * results.h - the figures a scenario records of its own with
 * result(name, value): named numbers, the last value recorded under a name
 * winning, kept in the order in which each name was first recorded, so
 * that every output (JSON, text, CSV, ukern sweep's columns) lists them the
 * same way in every run.
 *
 * A run's results belong to whoever builds its machine (the loader keeps
 * them with the scenario, since the top level records some before the
 * machine exists); the machine only points at them for the statistics.
 *
 * Entry points: results_check_name, results_set_int, results_set_float,
 * results_find, results_format, results_column, results_free.
 */
#ifndef UKERN_RESULTS_H
#define UKERN_RESULTS_H

#include <stddef.h>
#include <stdint.h>

#include "uk_limits.h"

/* Room for a value as results_format writes it ("%.14g": at most 23 bytes). */
#define RESULTS_VALUE_MAX 32

/* One result. Written by results_set_*, read by the writers. */
struct result {
	char name[UK_RESULT_NAME_MAX];  /* 1 to UK_RESULT_NAME_MAX - 1 bytes, NUL-terminated */
	int is_float;             /* the value is f (a Lua float), else i (a Lua integer) */
	int64_t i;
	double f;
};

/* Every result of a run: zero-initialised is empty. */
struct results {
	struct result *v;         /* n of them, in the order of first record */
	uint32_t n, cap;
	uint16_t *slot;           /* RESULTS_SLOTS entries: index + 1 into v, 0 empty */
};

/* NULL when name (len bytes) is a valid result name: 1 to
 * UK_RESULT_NAME_MAX - 1 ASCII letters, digits, '_', '.' or '-', starting
 * with a letter; else what is wrong with it, in words. */
const char *results_check_name(const char *name, size_t len);

/* Record v under name (which must pass results_check_name), as an integer
 * or as a float (finite: the caller checks). A name already recorded keeps
 * its place and takes the new value. Returns 0; -1 when memory runs out;
 * -2 when name is new and UK_MAX_RESULTS names are recorded already. r is
 * unchanged on failure. */
int results_set_int(struct results *r, const char *name, int64_t v);
int results_set_float(struct results *r, const char *name, double v);

/* The result recorded under name, or NULL. */
const struct result *results_find(const struct results *r, const char *name);

/* e's value as text in buf (len >= RESULTS_VALUE_MAX): an integer in
 * decimal, a float as Lua's tostring writes it ("%.14g", and "2.0" for a
 * float with an integral value), which is also valid JSON. Returns buf. */
const char *results_format(const struct result *e, char *buf, size_t len);

/* The CSV column of result name among the columns already taken (ntaken
 * of them): name itself, or "result." before it as many times as it takes
 * to differ from every taken column. Written into buf (len bytes; cut
 * short when too small). Returns buf. */
const char *results_column(const char *name, const char *const *taken, size_t ntaken, char *buf,
			   size_t len);

/* Free what r holds; r is empty again. */
void results_free(struct results *r);

#endif
