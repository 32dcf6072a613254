/*
 * sweep.h - "ukern sweep" in two parts: the plan (sweep.c: the options, the
 * cross product of the --set lists and the seeds, --emit) and the local
 * runner (sweep_run.c: one forked child per run, rows in plan order).
 *
 * Run k of the plan: seeds vary fastest, then the values of the last --set,
 * and so on up to the first --set, which varies slowest.
 */
#ifndef UKERN_SWEEP_H
#define UKERN_SWEEP_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct scenario;

/* Rows wait in memory until every earlier row is in; this bounds them. */
#define SWEEP_MAX_RUNS 1000000

/* The number of columns after the seed: exit_code, outcome and 11 figures. */
#define SWEEP_FIGURES 13

/* One --set NAME=V1,V2,...: the argument copied and cut in place. */
struct sweep_param {
	char *name;               /* owned; the values point into it */
	const char **values;      /* owned array, nvalues >= 1, none empty */
	size_t nvalues;
};

/* What to run: set by sweep.c's parser, read-only afterwards. */
struct sweep {
	const char *path;         /* the scenario */
	struct sweep_param *params;
	size_t nparams;
	int have_seeds;           /* --seeds given; else each run uses the scenario's seed */
	uint64_t seed_lo, seed_hi;
	uint64_t until_ns;        /* passed to every run; UINT64_MAX: none */
	uint64_t max_events;      /* idem */
	const char *until_arg;    /* --until as typed, for --emit; NULL: none */
	uint64_t lua_memory;      /* --lua-memory, bytes, passed to every run; 0: not given */
	uint64_t frame_memory;    /* --frame-memory, bytes, idem; 0: not given */
	const char *lua_memory_arg, *frame_memory_arg;  /* as typed, for --emit; NULL: none */
	long jobs;                /* children at a time, >= 1 */
	uint64_t nruns;           /* the size of the cross product, <= SWEEP_MAX_RUNS */
};

/* The value of parameter i in run k. */
const char *sweep_value(const struct sweep *sw, uint64_t k, size_t i);

/* The seed of run k (meaningful only when sw->have_seeds). */
uint64_t sweep_seed(const struct sweep *sw, uint64_t k);

/* Load the scenario with run k's parameters and seed, as "ukern run" would
 * with the same --set and --seed. Returns it, or NULL with a message in err. */
struct scenario *sweep_load(const struct sweep *sw, uint64_t k, char *err, size_t errlen);

/* Write s as one CSV field: as is, or in double quotes (quotes doubled)
 * when it holds a comma, a quote or a line break. */
void sweep_csv_field(FILE *f, const char *s);

/* Run every run of sw, at most sw->jobs at a time, each in a forked child,
 * and write the header and the rows to out in plan order (the header just
 * before row 1, when its result columns are known: sweep_print_row).
 * Returns EXIT_OK when every row was written (whatever the runs' own
 * outcomes), or EXIT_HOST after a message when the host failed (no child
 * could be started, out of memory), or 128 + the signal after SIGINT or
 * SIGTERM; children still running are then killed and reaped. */
int sweep_local(const struct sweep *sw, FILE *out);

/* The result columns (sweep_results.c): set from run 1's row as the
 * header is printed. Zero-initialised: no header printed yet. */
struct results;
struct sweep_cols {
	int header;               /* the header is printed */
	char **names;             /* run 1's result names, in its order: n */
	char **cols;              /* their columns' names (result.NAME on a clash): ncols */
	char **told;              /* names of other runs already told of on stderr */
	size_t n, ncols, ntold;
};

/* In a child: after the row's CSV line, send r's results (NULL: none) and
 * the line that ends the message. */
void sweep_send_results(FILE *row, const struct results *r);

/* Is buf (len bytes) a whole message of a child: a row line, result lines,
 * the end line? */
int sweep_row_whole(const char *buf, size_t len);

/* Print run k's row (its whole message, NUL-terminated, or a row line
 * alone) as a CSV line with a cell per result column; before row 1 (k
 * == 0, or the first printed) print the header, which fixes the columns.
 * A result with no column is told once on stderr. 0, or -1 when memory
 * runs out. */
int sweep_print_row(FILE *out, const struct sweep *sw, const char *row, uint64_t k,
		    struct sweep_cols *c);

void sweep_cols_free(struct sweep_cols *c);

#endif
