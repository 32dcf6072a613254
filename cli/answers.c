/*
 * answers.c - "ukern run --answers" and "--ticks": the per-job table and
 * averages the way a student checks scheduling homework, and a
 * tick-by-tick account of which job ran on which CPU.
 *
 * The tick chart is built by a trace sink that follows dispatches and state
 * changes, so it sees exactly what the kernel did; the table is computed
 * from the final thread statistics. A tick is 1 ms of simulated time, the
 * unit of a bare number in a scenario.
 */
#include "answers.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "machine.h"
#include "proc.h"
#include "thread.h"
#include "trace_format.h"

#define TICK_NS 1000000ull

struct span {
	uint32_t cpu, tid;
	uint64_t from, to;   /* ns */
};

struct answers {
	struct span *v;
	size_t n, cap;
	uint32_t *cur;       /* per CPU: running tid, 0 if none */
	uint64_t *since;
	uint32_t ncpus;
	int failed;
};

static void close_span(struct answers *a, uint32_t cpu, uint64_t now)
{
	if (!a->cur[cpu])
		return;
	if (now > a->since[cpu]) {
		if (a->n == a->cap) {
			size_t cap = a->cap ? a->cap * 2 : 256;
			struct span *v = realloc(a->v, cap * sizeof *v);
			if (!v) {
				a->failed = 1;
				a->cur[cpu] = 0;
				return;
			}
			a->v = v;
			a->cap = cap;
		}
		a->v[a->n++] = (struct span){ cpu, a->cur[cpu], a->since[cpu], now };
	}
	a->cur[cpu] = 0;
}

static void on_record(void *ctx, uint64_t ns, unsigned kind, const uint64_t *args, const char *s,
		      size_t len)
{
	struct answers *a = ctx;

	(void)s;
	(void)len;
	if (kind == TR_DISPATCH && args[0] < a->ncpus) {
		close_span(a, (uint32_t)args[0], ns);
		a->cur[args[0]] = (uint32_t)args[1];
		a->since[args[0]] = ns;
	} else if (kind == TR_THREAD_STATE && args[1] != T_RUNNING) {
		for (uint32_t c = 0; c < a->ncpus; c++)
			if (a->cur[c] == args[0])
				close_span(a, c, ns);
	}
}

struct answers *answers_attach(struct machine *m)
{
	struct answers *a = calloc(1, sizeof *a);
	struct trace_sink sink = { on_record, a };

	if (!a)
		return NULL;
	a->ncpus = m->cfg.cpus;
	a->cur = calloc(a->ncpus, sizeof *a->cur);
	a->since = calloc(a->ncpus, sizeof *a->since);
	if (!a->cur || !a->since || machine_add_sink(m, &sink) != 0) {
		answers_free(a);
		return NULL;
	}
	return a;
}

void answers_free(struct answers *a)
{
	if (!a)
		return;
	free(a->v);
	free(a->cur);
	free(a->since);
	free(a);
}

/* The processes the answers are about: the jobs, or, in a workload
 * without jobs, every non-daemon process. */
static int counted_proc(const struct machine *m, const struct proc *p)
{
	int jobs = 0;

	for (uint32_t i = 0; i < m->nprocs && !jobs; i++)
		jobs = m->procs[i]->job_ns != 0 || m->procrun;
	return jobs ? p->job_ns != 0 || m->procrun : !p->daemon;
}

/* Their user-visible threads. */
static int counted(const struct machine *m, const struct thread *t)
{
	return t->kind != THREAD_LWP && counted_proc(m, t->p);
}

static double ticks(uint64_t ns)
{
	return (double)ns / (double)TICK_NS;
}

/* The process-run homework's totals. */
static void procrun_totals(FILE *out, const struct machine *m)
{
	double total = ticks(m->now), busy = ticks(m->cpus[0].busy_ns), io = ticks(m->io_busy_ns);

	fprintf(out, "\nStats: Total Time %.0f\n", total);
	fprintf(out, "Stats: CPU Busy %.0f (%.2f%%)\n", busy, total ? 100 * busy / total : 0.0);
	fprintf(out, "Stats: IO Busy  %.0f (%.2f%%)\n", io, total ? 100 * io / total : 0.0);
	for (uint32_t i = 0; i < m->nthreads; i++)
		if (m->threads[i]->state == T_EXITED)
			fprintf(out, "Stats: %s done at tick %.0f\n", m->threads[i]->name,
				ticks(m->threads[i]->finish));
}

static int by_declaration(const void *x, const void *y)
{
	const struct thread *a = *(struct thread *const *)x, *b = *(struct thread *const *)y;

	if (a->p->pid != b->p->pid)
		return a->p->pid < b->p->pid ? -1 : 1;
	return a->tid < b->tid ? -1 : a->tid > b->tid;
}

static void table(FILE *out, const struct machine *m)
{
	double r = 0, ta = 0, w = 0;
	int n = 0;
	struct thread **v = malloc((m->nthreads + 1) * sizeof *v);
	uint32_t nv = 0;

	fputs("Final statistics (in ticks of 1 ms):\n", out);
	for (uint32_t i = 0; i < m->nprocs; i++)
		if (m->procs[i]->state == P_NEW && counted_proc(m, m->procs[i]))
			fprintf(out, "  Job %-8s -- had not arrived when the run ended\n", m->procs[i]->name);
	if (!v)
		return;
	/* In declaration order: by process, then by thread. */
	for (uint32_t i = 0; i < m->nthreads; i++)
		if (counted(m, m->threads[i]))
			v[nv++] = m->threads[i];
	qsort(v, nv, sizeof *v, by_declaration);
	for (uint32_t k = 0; k < nv; k++) {
		const struct thread *t = v[k];
		if (t->state != T_EXITED || t->first_run == UINT64_MAX) {
			fprintf(out, "  Job %-8s -- did not finish (%s)\n", t->name,
				thread_state_name(t->state));
			continue;
		}
		double rt = ticks(t->first_run - t->arrival), tt = ticks(t->finish - t->arrival);
		double wt = ticks(t->wait_ns);
		fprintf(out, "  Job %-8s -- Response: %7.2f  Turnaround %7.2f  Wait %7.2f\n", t->name, rt,
			tt, wt);
		r += rt;
		ta += tt;
		w += wt;
		n++;
	}
	free(v);
	if (n)
		fprintf(out, "\n  Average      -- Response: %7.2f  Turnaround %7.2f  Wait %7.2f\n", r / n,
			ta / n, w / n);
	if (m->procrun)
		procrun_totals(out, m);
}

/* Who ran on cpu during tick k: the thread with the most of that tick. */
static uint32_t who(const struct answers *a, uint32_t cpu, uint64_t k)
{
	uint64_t from = k * TICK_NS, to = from + TICK_NS, best = 0;
	uint32_t tid = 0;

	for (size_t i = 0; i < a->n; i++) {
		const struct span *s = &a->v[i];
		uint64_t lo = s->from > from ? s->from : from, hi = s->to < to ? s->to : to;
		if (s->cpu == cpu && hi > lo && hi - lo > best) {
			best = hi - lo;
			tid = s->tid;
		}
	}
	return tid;
}

static void chart(FILE *out, const struct answers *a, const struct machine *m)
{
	uint64_t nticks = (m->now + TICK_NS - 1) / TICK_NS;

	fputs("Execution trace (the job that ran most of each 1 ms tick; - idle):\n  tick", out);
	for (uint32_t c = 0; c < a->ncpus; c++)
		fprintf(out, "  cpu%-8u", c);
	fputc('\n', out);
	/* The process-run homework numbers its ticks from 1. */
	for (uint64_t k = 0; k < nticks; k++) {
		fprintf(out, "  %4" PRIu64, k + (m->procrun != NULL));
		for (uint32_t c = 0; c < a->ncpus; c++) {
			uint32_t tid = who(a, c, k);
			struct thread *t = tid ? machine_thread((struct machine *)m, tid) : NULL;
			fprintf(out, "  %-11s", t && counted(m, t) ? t->name : t ? "(other)" : "-");
		}
		fputc('\n', out);
	}
	fputc('\n', out);
}

int answers_print(FILE *out, struct answers *a, struct machine *m, int want_table,
		  int want_ticks)
{
	for (uint32_t c = 0; c < a->ncpus; c++)
		close_span(a, c, m->now);
	if (a->failed)
		return -1;
	if (want_ticks)
		chart(out, a, m);
	if (want_table)
		table(out, m);
	return 0;
}
