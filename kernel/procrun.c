/*
 * procrun.c - the process-run machine (see procrun.h).
 *
 * Tick k (from 1) ends at k ms. Each tick, in this order:
 *  1. I/O completions, in pid order: the process becomes ready; with
 *     io_done = "immediate" it takes the CPU from the running process;
 *     with "later" it runs at once only if nothing else can (or, under
 *     switch = "on-end", if its completion frees a CPU that idled for it).
 *  2. The running process executes its next instruction (CPU busy).
 *  3. The tick counts as I/O busy if an I/O is outstanding.
 *  4. An I/O instruction puts its process to wait until the end of tick
 *     k + io_length; with switch = "on-io" the next ready process (the first
 *     scanning cyclically from the current pid + 1) gets the CPU.
 *  5. A process out of instructions is done; the next ready one runs.
 * Every I/O is followed by a one-tick "I/O done" instruction.
 *
 * The machine uses real processes and threads, so the statistics, the trace
 * and --answers describe it like any other run.
 */
#include "procrun.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "machine.h"
#include "proc.h"
#include "sched.h"
#include "thread.h"
#include "thread_state.h"

#define TICK 1000000ull

enum { OP_CPU, OP_IO, OP_IO_DONE };
enum pstate_pr { PR_READY, PR_RUNNING, PR_WAIT, PR_DONE };

struct prproc {
	struct proc *p;
	struct thread *t;
	uint8_t *code;          /* instructions */
	size_t len, pc;
	int state;
	uint64_t io_done_at;    /* the tick its I/O completes (ready from then), 0: none */
};

struct procrun {
	const struct procrun_config *cfg;
	struct prproc *v;
	size_t n, cap;
	size_t cur;             /* the current process */
	uint64_t tick;
};

static void destroy_none(struct thread *t)
{
	t->body_data = NULL;
}

static void resume_none(struct thread *t)
{
	(void)t;
}

/* The threads of this machine have no body: the machine executes them. */
static const struct body_ops pr_ops = {
	.kind = "process-run", .resume = resume_none, .destroy = destroy_none,
};

/* The policy name the statistics report; the machine never asks it. */
const struct sched_ops sched_procrun_ops = {
	.name = "process-run",
	.enqueue = sched_rq_enqueue,
	.pick = sched_rq_pick,
	.slice = NULL,
};

int procrun_check(const char *program, char *err, size_t errlen)
{
	const char *p = program;

	if (!*p) {
		snprintf(err, errlen, "the program is empty");
		return -1;
	}
	while (*p) {
		if (*p == 'i' && (p[1] == ',' || !p[1])) {
			p++;
		} else if (*p == 'c' && p[1] >= '1' && p[1] <= '9') {
			char *end;
			long n = strtol(p + 1, &end, 10);
			if (n <= 0 || n > 100000 || (*end != ',' && *end)) {
				snprintf(err, errlen, "'%.*s' is not cN with N from 1 to 100000",
					 (int)strcspn(p, ","), p);
				return -1;
			}
			p = end;
		} else {
			snprintf(err, errlen, "'%.*s' is neither cN (N ticks of CPU) nor i (an I/O)",
				 (int)strcspn(p, ","), p);
			return -1;
		}
		if (*p == ',') {
			if (!p[1]) {
				snprintf(err, errlen, "the program ends with a comma");
				return -1;
			}
			p++;
		}
	}
	return 0;
}

static struct procrun *PR(struct machine *m)
{
	return m->procrun;
}

int procrun_init(struct machine *m, const struct procrun_config *cfg)
{
	struct procrun *pr = calloc(1, sizeof *pr);

	if (!pr)
		return -1;
	pr->cfg = cfg;
	m->procrun = pr;
	return 0;
}

/* Compile "c3,i,c1" into instructions; each I/O gets its I/O-done. */
static int compile(struct prproc *x, const char *program)
{
	size_t cap = 16;
	const char *p = program;

	x->code = malloc(cap);
	if (!x->code)
		return -1;
	while (*p) {
		long n = 2;
		int op = OP_IO;
		if (*p == 'c') {
			char *end;
			n = strtol(p + 1, &end, 10);
			p = end;
			op = OP_CPU;
		} else {
			p++;
		}
		for (long i = 0; i < n; i++) {
			if (x->len == cap) {
				uint8_t *c2 = realloc(x->code, cap *= 2);
				if (!c2)
					return -1;
				x->code = c2;
			}
			x->code[x->len++] = (uint8_t)(op == OP_IO && i == 1 ? OP_IO_DONE : op);
		}
		if (*p == ',')
			p++;
	}
	return 0;
}

int procrun_add(struct machine *m, const char *name, const char *program)
{
	struct procrun *pr = PR(m);
	struct prproc *x;

	if (pr->n == pr->cap) {
		size_t cap = pr->cap ? pr->cap * 2 : 8;
		struct prproc *v = realloc(pr->v, cap * sizeof *v);
		if (!v)
			return -1;
		pr->v = v;
		pr->cap = cap;
	}
	x = &pr->v[pr->n];
	memset(x, 0, sizeof *x);
	x->p = proc_new(m, name, 0, &pr_ops, NULL);
	if (!x->p || compile(x, program) != 0) {
		free(x->code);
		return -1;
	}
	pr->n++;
	return 0;
}

/* Move x to state s now. */
static void set(struct machine *m, struct prproc *x, int s)
{
	static const enum tstate ts[] = { T_READY, T_RUNNING, T_BLOCKED };
	static const enum treason why[] = { R_WOKEN, R_DISPATCHED, R_IO };

	if (x->state == s)
		return;
	x->state = s;
	if (s == PR_DONE) {
		thread_exit(x->t, R_EXIT);
		return;
	}
	if (s == PR_RUNNING && m->nsinks && !x->t->wport) {
		/* The dispatch and the running it makes: one record. */
		TRACE(m, TR_DISPATCH_RUNNING, 0, x->t->tid);
		thread_state_change_as(x->t, T_RUNNING, R_DISPATCHED, 0);
		return;
	}
	if (s == PR_RUNNING)
		TRACE(m, TR_DISPATCH, 0, x->t->tid);
	thread_set_state(x->t, ts[s], x->state == PR_READY && x->t->first_run == UINT64_MAX ? R_NEW
													      : why[s]);
}

static size_t runnable(const struct procrun *pr)
{
	size_t n = 0;

	for (size_t i = 0; i < pr->n; i++)
		n += pr->v[i].state == PR_READY || pr->v[i].state == PR_RUNNING;
	return n;
}

static void run_this(struct machine *m, struct procrun *pr, size_t i)
{
	pr->cur = i;
	set(m, &pr->v[i], PR_RUNNING);
}

/* The first ready process scanning cyclically from the current pid + 1. */
static void next(struct machine *m, struct procrun *pr)
{
	for (size_t k = 1; k <= pr->n; k++) {
		size_t i = (pr->cur + k) % pr->n;
		if (pr->v[i].state == PR_READY) {
			run_this(m, pr, i);
			return;
		}
	}
}

/* The current process, out of instructions, is done; the next one runs. */
static void check_done(struct machine *m, struct procrun *pr)
{
	struct prproc *x = &pr->v[pr->cur];

	if (x->pc == x->len && x->state == PR_RUNNING) {
		set(m, x, PR_DONE);
		next(m, pr);
	}
}

/* Step 1, at the start of the tick. */
static void completions(struct machine *m, struct procrun *pr)
{
	for (size_t i = 0; i < pr->n; i++) {
		struct prproc *x = &pr->v[i];
		if (x->state != PR_WAIT || x->io_done_at != pr->tick)
			continue;
		set(m, x, PR_READY);
		if (pr->cfg->io_immediate) {
			if (pr->cur != i && pr->v[pr->cur].state == PR_RUNNING)
				set(m, &pr->v[pr->cur], PR_READY);
			run_this(m, pr, i);
		} else {
			if (pr->cfg->switch_on_end && runnable(pr) > 1)
				run_this(m, pr, i);
			if (runnable(pr) == 1)
				run_this(m, pr, i);
		}
		check_done(m, pr);
	}
}

/* Steps 2 and 3, during the tick: returns the instruction executed, or -1. */
static int execute(struct machine *m, struct procrun *pr)
{
	struct prproc *x = &pr->v[pr->cur];
	int op = -1;

	if (x->state == PR_RUNNING && x->pc < x->len) {
		op = x->code[x->pc++];
		if (x->t->first_run == UINT64_MAX)
			x->t->first_run = m->now;
		x->t->cpu_ns += TICK;
		m->cpus[0].busy_ns += TICK;
	}
	for (size_t i = 0; i < pr->n; i++) {
		if (pr->v[i].state == PR_WAIT && pr->v[i].io_done_at > pr->tick) {
			m->io_busy_ns += TICK;
			break;
		}
	}
	return op;
}

/* Steps 4 and 5, at the end of the tick. */
static void after(struct machine *m, struct procrun *pr, int op)
{
	struct prproc *x = &pr->v[pr->cur];

	if (op == OP_IO) {
		set(m, x, PR_WAIT);
		x->io_done_at = pr->tick + pr->cfg->io_length + 1;
		if (!pr->cfg->switch_on_end)
			next(m, pr);
	}
	check_done(m, pr);
}

static size_t active(const struct procrun *pr)
{
	size_t n = 0;

	for (size_t i = 0; i < pr->n; i++)
		n += pr->v[i].state != PR_DONE;
	return n;
}

void procrun_run(struct machine *m)
{
	struct procrun *pr = PR(m);

	for (size_t i = 0; i < pr->n; i++) {
		struct prproc *x = &pr->v[i];
		x->p->state = P_LIVE;
		TRACE_STR(m, TR_PROC_NEW, x->p->name, strlen(x->p->name), x->p->pid, 0);
		x->t = thread_new(x->p, NULL, &pr_ops, NULL, THREAD_USER);
		if (!x->t) {
			m->oom = 1;
			return;
		}
		x->p->main_thread = x->t;
		x->state = PR_READY;
	}
	m->live_nondaemon += (uint32_t)pr->n;
	if (pr->n)
		run_this(m, pr, 0);
	while (active(pr) > 0) {
		int op;
		if (m->now >= m->cfg.until_ns) {
			m->outcome = OUT_LIMIT;
			return;
		}
		pr->tick++;
		completions(m, pr);
		op = execute(m, pr);
		m->now += TICK;
		after(m, pr, op);
	}
	m->outcome = OUT_COMPLETED;
}

void procrun_free(struct machine *m)
{
	struct procrun *pr = PR(m);

	if (!pr)
		return;
	for (size_t i = 0; i < pr->n; i++)
		free(pr->v[i].code);
	free(pr->v);
	free(pr);
	m->procrun = NULL;
}
