/*
 * sweep_results.c - the columns of "ukern sweep" that come from the
 * scenario's own results (result(name, value), kernel/results.h), and the
 * header line.
 *
 * A child sends its run's row to the parent as text: the CSV row of the
 * fixed columns, then one line "result NAME VALUE" per result in the order
 * of their first record, then a line "." that says the message is whole.
 * The parent prints the header just before row 1, so the result columns
 * are the names run 1 recorded, in its order; each row then has a cell per
 * column, empty when its run did not record that name, and a name run 1
 * did not record is told once on stderr. Rows are printed in plan order,
 * so all of it is the same whatever -j is.
 *
 * Entry points: sweep_send_results, sweep_row_whole, sweep_print_row,
 * sweep_cols_free.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "results.h"
#include "sweep.h"

/* The columns after the parameters; doc/cli.md says what each one means. */
static const char *const fixed[] = {
	"seed", "exit_code", "outcome", "end_ns", "threads", "mean_response_ns",
	"mean_turnaround_ns", "mean_wait_ns", "messages", "calls", "latency_mean_ns",
	"latency_p99_ns", "dropped", "events",
};
#define NFIXED (sizeof fixed / sizeof fixed[0])
_Static_assert(NFIXED == SWEEP_FIGURES + 1, "sweep: the seed and SWEEP_FIGURES columns");

#define END_LINE ".\n"
#define RESULT_WORD "result "

void sweep_send_results(FILE *row, const struct results *r)
{
	char v[RESULTS_VALUE_MAX];

	for (uint32_t i = 0; r && i < r->n; i++)
		fprintf(row, RESULT_WORD "%s %s\n", r->v[i].name, results_format(&r->v[i], v, sizeof v));
	fputs(END_LINE, row);
}

/* Is line (len bytes, without its newline) "result NAME VALUE"? */
static int result_line(const char *line, size_t len)
{
	size_t w = strlen(RESULT_WORD);
	const char *sp;

	if (len <= w || strncmp(line, RESULT_WORD, w) != 0)
		return 0;
	sp = memchr(line + w, ' ', len - w);
	return sp && sp > line + w && sp + 1 < line + len &&
	       !memchr(sp + 1, ' ', (size_t)(line + len - sp - 1));
}

int sweep_row_whole(const char *buf, size_t len)
{
	const char *p = memchr(buf, '\n', len), *end = buf + len, *nl;
	size_t e = strlen(END_LINE);

	if (!p || p == buf || len < e || memcmp(end - e, END_LINE, e) != 0 ||
	    (end - e > buf && end[-e - 1] != '\n'))
		return 0;
	for (p++; p < end - e; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl || !result_line(p, (size_t)(nl - p)))
			return 0;
	}
	return p == end - e;
}

/* Add s (n bytes) as a new string to the list *v of *n. 0, or -1. */
static int push(char ***v, size_t *n, const char *s, size_t len)
{
	char **nv = realloc(*v, (*n + 1) * sizeof *nv);

	if (!nv)
		return -1;
	*v = nv;
	if (!(nv[*n] = strndup(s, len)))
		return -1;
	(*n)++;
	return 0;
}

/* The header: the parameters, the fixed columns, then run 1's results
 * (row1 is its whole message), each as results_column names it. */
static int header(FILE *out, const struct sweep *sw, const char *row1, struct sweep_cols *c)
{
	const char *p = strchr(row1, '\n') + 1;
	size_t ntaken = 0, cap = sw->nparams + NFIXED;
	const char **taken;
	char col[4 * UK_RESULT_NAME_MAX];
	int rc = 0;

	for (const char *q = p; strncmp(q, RESULT_WORD, strlen(RESULT_WORD)) == 0; q = strchr(q, '\n') + 1)
		cap++;
	if (!(taken = calloc(cap, sizeof *taken)))
		return -1;
	for (size_t i = 0; i < sw->nparams; i++) {
		sweep_csv_field(out, sw->params[i].name);
		fputc(',', out);
		taken[ntaken++] = sw->params[i].name;
	}
	for (size_t i = 0; i < NFIXED; i++) {
		fprintf(out, "%s%s", i ? "," : "", fixed[i]);
		taken[ntaken++] = fixed[i];
	}
	for (; rc == 0 && strncmp(p, RESULT_WORD, strlen(RESULT_WORD)) == 0; p = strchr(p, '\n') + 1) {
		const char *name = p + strlen(RESULT_WORD);
		rc = push(&c->names, &c->n, name, (size_t)(strchr(name, ' ') - name));
		if (rc == 0) {
			fprintf(out, ",%s", results_column(c->names[c->n - 1], taken, ntaken, col, sizeof col));
			rc = push(&c->cols, &c->ncols, col, strlen(col));
			if (rc == 0)
				taken[ntaken++] = c->cols[c->ncols - 1];
		}
	}
	fputc('\n', out);
	free(taken);
	c->header = 1;
	return rc;
}

/* The value run's message row gives name, or NULL; *vlen its length. */
static const char *value_of(const char *row, const char *name, size_t *vlen)
{
	size_t n = strlen(name);

	for (const char *p = strchr(row, '\n') + 1; strncmp(p, RESULT_WORD, strlen(RESULT_WORD)) == 0;
	     p = strchr(p, '\n') + 1) {
		const char *q = p + strlen(RESULT_WORD);
		if (strncmp(q, name, n) == 0 && q[n] == ' ') {
			*vlen = (size_t)(strchr(q + n + 1, '\n') - (q + n + 1));
			return q + n + 1;
		}
	}
	return NULL;
}

/* Tell, once per name, of the results of run k that have no column. */
static int tell_extra(const char *row, uint64_t k, struct sweep_cols *c)
{
	for (const char *p = strchr(row, '\n') + 1; strncmp(p, RESULT_WORD, strlen(RESULT_WORD)) == 0;
	     p = strchr(p, '\n') + 1) {
		const char *name = p + strlen(RESULT_WORD);
		size_t len = (size_t)(strchr(name, ' ') - name), i;
		for (i = 0; i < c->n && !(strlen(c->names[i]) == len && !strncmp(c->names[i], name, len)); i++)
			;
		if (i < c->n)
			continue;
		for (i = 0; i < c->ntold && !(strlen(c->told[i]) == len && !strncmp(c->told[i], name, len)); i++)
			;
		if (i < c->ntold)
			continue;
		fprintf(stderr, "ukern: sweep: run %llu recorded result '%.*s', which run 1 did not: "
				"not in the CSV\n", (unsigned long long)k + 1, (int)len, name);
		if (push(&c->told, &c->ntold, name, len) != 0)
			return -1;
	}
	return 0;
}

int sweep_print_row(FILE *out, const struct sweep *sw, const char *row, uint64_t k,
		    struct sweep_cols *c)
{
	const char *nl = strchr(row, '\n');

	if (!c->header && header(out, sw, row, c) != 0)
		return -1;
	fwrite(row, 1, (size_t)(nl - row), out);
	for (size_t i = 0; i < c->n; i++) {
		size_t vlen = 0;
		const char *v = value_of(row, c->names[i], &vlen);
		fputc(',', out);
		if (v)
			fwrite(v, 1, vlen, out);
	}
	fputc('\n', out);
	return tell_extra(row, k, c);
}

void sweep_cols_free(struct sweep_cols *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->names[i]);
	for (size_t i = 0; i < c->ncols; i++)
		free(c->cols[i]);
	for (size_t i = 0; i < c->ntold; i++)
		free(c->told[i]);
	free(c->names);
	free(c->cols);
	free(c->told);
	memset(c, 0, sizeof *c);
}
