/*
 * sweep_run.c - the local runner of "ukern sweep": every run in a forked
 * child, at most -j at a time, the rows written in plan order.
 *
 * A child loads and runs the scenario in-process as "ukern run" does (the
 * same loader and machine calls, the same exit codes), without log lines,
 * and writes its one CSV row to a pipe before it exits. The parent polls
 * the pipes; at end of file it reaps the child and keeps the row, or makes
 * a "crashed" row when the child died without writing a whole one. A row
 * waits until every earlier row is in, so the output does not depend on
 * which run finishes first.
 *
 * Entry point: sweep_local.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "fault_repeat.h"
#include "interrupt.h"
#include "loader.h"
#include "machine.h"
#include "proc.h"
#include "results.h"
#include "stats.h"
#include "sweep.h"
#include "thread.h"
#include "uk_limits.h"
#include "units.h"

#define UNSET UINT64_MAX

/* One run as its child sees it. */
struct job {
	const struct sweep *sw;
	uint64_t k;               /* the run, from 0 */
	char label[256];          /* "run 3 (n=10 seed=1)", for messages */
};

/* A running child, as the parent sees it. */
struct kid {
	pid_t pid;
	int fd;                   /* the read end of its pipe */
	uint64_t k;               /* its run */
	char *buf;                /* what it wrote so far; len bytes */
	size_t len, cap;
};

struct runner {
	const struct sweep *sw;
	FILE *out;
	char **rows;              /* by run: its row once in, until printed */
	uint64_t started;         /* runs handed to a child */
	uint64_t printed;         /* rows written to out */
	struct kid *kids;         /* the running children, nkids <= jobs */
	struct pollfd *pfds;      /* one per kid, rebuilt before each poll */
	struct sweep_cols cols;   /* the result columns, once row 1 is printed */
	size_t nkids;
	size_t jobs;              /* room in kids and pfds: -j, at most the number of runs */
};

/* Append to j->label, cut short when it is full. */
static void __attribute__((format(printf, 2, 3))) label_add(struct job *j, const char *fmt, ...)
{
	size_t n = strlen(j->label);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(j->label + n, sizeof j->label - n, fmt, ap);
	va_end(ap);
}

/* "run 3 (n=10 seed=1)": the run's number from 1, its values and seed. */
static void make_label(struct job *j)
{
	const struct sweep *sw = j->sw;

	j->label[0] = '\0';
	label_add(j, "run %" PRIu64, j->k + 1);
	for (size_t i = 0; i < sw->nparams; i++)
		label_add(j, "%s%s=%s", i ? " " : " (", sw->params[i].name, sweep_value(sw, j->k, i));
	if (sw->have_seeds)
		label_add(j, "%sseed=%" PRIu64, sw->nparams ? " " : " (", sweep_seed(sw, j->k));
	if (sw->nparams || sw->have_seeds)
		label_add(j, ")");
}

/* The parameter columns and the seed column of run k (seed NULL: unknown). */
static void row_begin(FILE *f, const struct sweep *sw, uint64_t k, const uint64_t *seed)
{
	for (size_t i = 0; i < sw->nparams; i++) {
		sweep_csv_field(f, sweep_value(sw, k, i));
		fputc(',', f);
	}
	if (seed)
		fprintf(f, "%" PRIu64, *seed);
	fputc(',', f);
}

/* A whole row for a run that has no figures: exit code, outcome, empty fields. */
static void row_empty(FILE *f, const struct sweep *sw, uint64_t k, int code, const char *outcome)
{
	uint64_t seed = sweep_seed(sw, k);

	row_begin(f, sw, k, sw->have_seeds ? &seed : NULL);
	fprintf(f, "%d,%s", code, outcome);
	for (int i = 2; i < SWEEP_FIGURES; i++)
		fputc(',', f);
	fputc('\n', f);
}

/* The thread columns: sums over the finished threads of non-daemon processes,
 * among the threads the JSON statistics list under "threads" (the LWPs that
 * carry user threads are not among them). */
struct tsums {
	uint64_t n;               /* such threads */
	uint64_t nresponse;       /* those that ever ran (a thread killed before it ran did not) */
	uint64_t response, turnaround, wait;    /* ns */
};

static struct tsums thread_sums(const struct machine *m)
{
	struct tsums s = { 0, 0, 0, 0, 0 };

	for (uint32_t i = 0; i < m->nthreads; i++) {
		const struct thread *t = m->threads[i];
		if (t->kind == THREAD_LWP || t->p->daemon || t->state != T_EXITED)
			continue;
		s.n++;
		s.turnaround += t->finish - t->arrival;
		s.wait += t->wait_ns;
		if (t->first_run != UNSET) {
			s.nresponse++;
			s.response += t->first_run - t->arrival;
		}
	}
	return s;
}

/* A mean as a CSV field followed by a comma; empty when there is nothing to average. */
static void csv_mean(FILE *f, uint64_t sum, uint64_t n)
{
	if (n)
		fprintf(f, "%" PRIu64, sum / n);
	fputc(',', f);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

/* The mean and 99th percentile of the message latencies, defined as in the
 * JSON statistics (stats.c); both 0 when no message was delivered. */
static void latency(const struct machine *m, uint64_t *mean, uint64_t *p99)
{
	uint64_t *v, sum = 0;

	*mean = *p99 = 0;
	if (m->nlat == 0 || !(v = malloc(m->nlat * sizeof *v)))
		return;
	memcpy(v, m->lat, m->nlat * sizeof *v);
	qsort(v, m->nlat, sizeof *v, cmp_u64);
	for (uint64_t i = 0; i < m->nlat; i++)
		sum += v[i];
	*mean = sum / m->nlat;
	*p99 = v[(m->nlat * 99 + 99) / 100 - 1];
	free(v);
}

/* Everything after the seed column, for a run that ran. */
static void row_figures(FILE *f, const struct machine *m, int code)
{
	struct tsums s = thread_sums(m);
	uint64_t mean, p99;

	latency(m, &mean, &p99);
	fprintf(f, "%d,%s,%" PRIu64 ",%" PRIu64 ",", code, stats_outcome(m), m->now, s.n);
	csv_mean(f, s.response, s.nresponse);
	csv_mean(f, s.turnaround, s.n);
	csv_mean(f, s.wait, s.n);
	fprintf(f, "%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 "\n",
		m->msgs, m->calls, mean, p99, m->dropped, m->events);
}

/* The script errors of this child's run (fault_repeat.h). */
static struct fault_repeat repeats;

/* A body raised an error: say so on stderr, naming the run (a few times for
 * one error; the rest are summed up when the run ends). */
static void on_fault(struct machine *m, struct thread *t, const char *text)
{
	char when[32];

	if (!fault_repeat_seen(&repeats, text))
		return;
	units_format_ns(m->now, when, sizeof when);
	fprintf(stderr, "ukern: sweep: %s: %s (process %s, thread %s, at %s)\n",
		(const char *)m->hook_data, text, t->p->name, t->name, when);
}

/* The exit code "ukern run" gives the same run (see simulate() in run.c). */
static int run_code(const struct machine *m)
{
	return m->oom ? EXIT_HOST
	       : m->outcome == OUT_DEADLOCK ? EXIT_DEADLOCK
	       : m->script_errors ? EXIT_SCRIPT : EXIT_OK;
}

/* Build and run the loaded scenario s; writes the row, returns the exit code. */
static int child_simulate(struct job *j, struct scenario *s, FILE *row)
{
	struct machine_config cfg = *scenario_config(s);
	struct machine m;
	char err[1024];
	int code;

	cfg.until_ns = j->sw->until_ns;
	cfg.max_events = j->sw->max_events;
	if (j->sw->frame_memory)   /* --frame-memory, else machine { frame_memory } */
		cfg.frame_memory = j->sw->frame_memory;
	if (machine_init(&m, &cfg) != 0) {
		fprintf(stderr, "ukern: sweep: %s: out of memory\n", j->label);
		row_empty(row, j->sw, j->k, EXIT_HOST, "failed");
		sweep_send_results(row, NULL);
		return EXIT_HOST;
	}
	m.fault_hook = on_fault;
	m.hook_data = j->label;
	if (scenario_build(s, &m, err, sizeof err) != 0) {
		fprintf(stderr, "ukern: sweep: %s: %s\n", j->label, err);
		row_empty(row, j->sw, j->k, EXIT_HOST, "failed");
		sweep_send_results(row, NULL);
		machine_free(&m);
		return EXIT_HOST;
	}
	/* as ukern run: --lua-memory, else machine { lua_memory }, else UK_LUA_MEMORY */
	scenario_lua_memory(s, scenario_lua_memory_for(s, j->sw->lua_memory
							 ? (size_t)j->sw->lua_memory : UK_LUA_MEMORY));
	machine_run(&m);
	snprintf(err, sizeof err, "ukern: sweep: %s: ", j->label);
	fault_repeat_summary(&repeats, stderr, err);
	fault_repeat_free(&repeats);
	if (m.frames_report)
		fprintf(stderr, "ukern: sweep: %s: %s\n", j->label, m.frames_report);
	else if (m.oom)
		fprintf(stderr, "ukern: sweep: %s: the host ran out of memory; the run stopped at "
				"%" PRIu64 "ns\n", j->label, m.now);
	code = run_code(&m);
	row_begin(row, j->sw, j->k, &m.cfg.seed);
	row_figures(row, &m, code);
	sweep_send_results(row, m.results);
	machine_free(&m);
	return code;
}

/* Load run j's scenario and run it; writes the row, returns the exit code. */
static int child_run(struct job *j, FILE *row)
{
	char err[1024];
	struct scenario *s = sweep_load(j->sw, j->k, err, sizeof err);
	int code;

	if (!s) {
		fprintf(stderr, "ukern: sweep: %s: %s\n", j->label, err);
		row_empty(row, j->sw, j->k, EXIT_USAGE, "invalid");
		sweep_send_results(row, NULL);
		return EXIT_USAGE;
	}
	code = child_simulate(j, s, row);
	scenario_free(s);
	return code;
}

/* In the child: run r->started, write its row to fds[1], and exit. The
 * child leaves with _exit, so the parent's unwritten buffers stay unwritten. */
static _Noreturn void child_main(struct runner *r, const int fds[2])
{
	struct job j = { .sw = r->sw, .k = r->started };
	FILE *row;
	int code;

	interrupt_release();      /* a signal ends a run at once; the parent tidies up */
	close(fds[0]);
	for (size_t i = 0; i < r->nkids; i++)
		close(r->kids[i].fd);
	/* What a scenario writes to stdout (io.write) must not land among the rows. */
	dup2(STDERR_FILENO, STDOUT_FILENO);
	make_label(&j);
	row = fdopen(fds[1], "w");
	code = row ? child_run(&j, row) : EXIT_HOST;
	fflush(stdout);           /* the scenario's io.write, on stderr (above) */
	if (row && fclose(row) != 0)
		code = EXIT_HOST;
	_exit(code);
}

/* Start a child for the next run. Returns 0, or -1 with errno set. */
static int start_kid(struct runner *r)
{
	int fds[2], e;
	pid_t pid;

	/* O_CLOEXEC: a program a scenario starts must not hold the pipe open. */
	if (pipe2(fds, O_CLOEXEC) != 0)
		return -1;
	fflush(r->out);           /* nothing unwritten may be copied into the child */
	fflush(stdout);
	if ((pid = fork()) < 0) {
		e = errno;
		close(fds[0]);
		close(fds[1]);
		errno = e;
		return -1;
	}
	if (pid == 0)
		child_main(r, fds);
	close(fds[1]);
	r->kids[r->nkids++] = (struct kid){ .pid = pid, .fd = fds[0], .k = r->started++ };
	return 0;
}

/* The row of a child that died without writing one; NULL when out of memory. */
static char *crashed_row(const struct runner *r, const struct kid *c, int status)
{
	int code = WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
	struct job j = { .sw = r->sw, .k = c->k };
	char *row = NULL;
	size_t len;
	FILE *f;

	make_label(&j);
	if (WIFSIGNALED(status))
		fprintf(stderr, "ukern: sweep: %s crashed: killed by signal %d (%s)\n", j.label,
			WTERMSIG(status), strsignal(WTERMSIG(status)));
	else
		fprintf(stderr, "ukern: sweep: %s crashed: it exited with status %d without "
				"writing its row\n", j.label, code);
	if (!(f = open_memstream(&row, &len)))
		return NULL;
	row_empty(f, r->sw, c->k, code, "crashed");
	if (fclose(f) != 0) {
		free(row);
		return NULL;
	}
	return row;
}

/* Kid i reached end of file: reap it, keep its row, and forget it.
 * Returns 0, or -1 when out of memory. */
static int finish_kid(struct runner *r, size_t i)
{
	struct kid *c = &r->kids[i];
	int status = 0;
	char *row;

	close(c->fd);
	while (waitpid(c->pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status) && c->len && sweep_row_whole(c->buf, c->len)) {
		c->buf[c->len] = '\0';          /* append() keeps room for it */
		row = c->buf;
	} else {
		free(c->buf);
		row = crashed_row(r, c, status);
	}
	r->rows[c->k] = row;
	r->kids[i] = r->kids[--r->nkids];
	return row ? 0 : -1;
}

/* Add n bytes to c's buffer, keeping room for a NUL. Returns 0 or -1. */
static int append(struct kid *c, const char *data, size_t n)
{
	if (c->len + n + 1 > c->cap) {
		size_t cap = (c->len + n + 1) * 2;
		char *b = realloc(c->buf, cap);
		if (!b)
			return -1;
		c->buf = b;
		c->cap = cap;
	}
	memcpy(c->buf + c->len, data, n);
	c->len += n;
	return 0;
}

/* Read what kid i has written; at end of file, finish it. Returns 0 or -1. */
static int drain(struct runner *r, size_t i)
{
	char chunk[4096];
	ssize_t n = read(r->kids[i].fd, chunk, sizeof chunk);

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return 0;
	if (n > 0)
		return append(&r->kids[i], chunk, (size_t)n);
	return finish_kid(r, i);      /* end of file, or a broken pipe: the child is done */
}

/* Start children until -j are running or every run is started. Returns 0,
 * or -1 after a message when none could be started. */
static int fill(struct runner *r)
{
	while (r->nkids < r->jobs && r->started < r->sw->nruns) {
		if (start_kid(r) == 0)
			continue;
		if (r->nkids == 0)
			return cli_error(-1, "sweep: cannot start a run: %s", strerror(errno));
		break;                  /* try again when one of the running ones ends */
	}
	return 0;
}

/* Wait until some child writes or ends, and handle every one that did.
 * Returns 0 or -1 after a message. Goes downwards because finish_kid moves
 * the last kid into the slot it frees. */
static int wait_some(struct runner *r)
{
	size_t n = r->nkids;

	if (n == 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		r->pfds[i] = (struct pollfd){ .fd = r->kids[i].fd, .events = POLLIN };
	if (poll(r->pfds, n, -1) < 0)
		return errno == EINTR ? 0 : cli_error(-1, "sweep: poll: %s", strerror(errno));
	for (size_t i = n; i-- > 0;)
		if (r->pfds[i].revents && drain(r, i) != 0)
			return cli_error(-1, "out of memory");
	return 0;
}

/* Write every row whose predecessors are all written (the header before
 * the first). Returns 0, or -1 after a message when memory runs out. */
static int print_ready(struct runner *r)
{
	uint64_t before = r->printed;
	int rc = 0;

	while (rc == 0 && r->printed < r->sw->nruns && r->rows[r->printed]) {
		rc = sweep_print_row(r->out, r->sw, r->rows[r->printed], r->printed, &r->cols);
		free(r->rows[r->printed]);
		r->rows[r->printed++] = NULL;
	}
	if (r->printed != before)
		fflush(r->out);         /* rows show up as the sweep goes */
	return rc ? cli_error(-1, "out of memory") : 0;
}

/* After a failure: end the children still running, reap them, free it all. */
static void abandon(struct runner *r)
{
	for (size_t i = 0; i < r->nkids; i++) {
		kill(r->kids[i].pid, SIGKILL);
		close(r->kids[i].fd);
		while (waitpid(r->kids[i].pid, NULL, 0) < 0 && errno == EINTR)
			;
		free(r->kids[i].buf);
	}
	r->nkids = 0;
	for (uint64_t k = r->printed; k < r->sw->nruns; k++)
		free(r->rows[k]);
}

int sweep_local(const struct sweep *sw, FILE *out)
{
	size_t jobs = (uint64_t)sw->jobs < sw->nruns ? (size_t)sw->jobs : (size_t)sw->nruns;
	struct runner r = { .sw = sw, .out = out, .jobs = jobs };
	int failed = 0, sig = 0;

	r.rows = calloc(sw->nruns, sizeof *r.rows);
	r.kids = calloc(jobs, sizeof *r.kids);
	r.pfds = calloc(jobs, sizeof *r.pfds);
	if (!r.rows || !r.kids || !r.pfds)
		failed = cli_error(-1, "out of memory");
	/* Ctrl-C or SIGTERM: the runs still going are ended, the rows printed
	 * so far stay, and a file of -o is not written (exit 128 + signal). */
	interrupt_catch(NULL);
	while (!failed && r.printed < sw->nruns && !(sig = interrupt_signal())) {
		failed = fill(&r) || wait_some(&r);
		failed = print_ready(&r) || failed;
	}
	if ((failed || sig) && r.rows && r.kids)
		abandon(&r);
	interrupt_release();
	sweep_cols_free(&r.cols);
	free(r.rows);
	free(r.kids);
	free(r.pfds);
	if (sig && !failed) {
		fprintf(stderr, "ukern: sweep: %s after %" PRIu64 " of %" PRIu64 " rows; the runs "
				"still going were ended\n",
			sig == SIGTERM ? "terminated (SIGTERM)" : "interrupted (SIGINT)", r.printed,
			sw->nruns);
		return interrupt_exit_code(sig);
	}
	return failed ? EXIT_HOST : EXIT_OK;
}
