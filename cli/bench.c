/*
 * bench.c - "ukern bench": how fast the simulator runs on the host.
 *
 * Every figure is host wall time (CLOCK_MONOTONIC), never simulated time,
 * on a machine of 1 CPU, the fifo scheduler and the "zero" cost profile:
 *
 *   roundtrip_c    a client process uk_call()s a server process found
 *                  through the name server, which uk_recv()s and
 *                  uk_reply()s an 8-byte message; timed inside the client
 *                  around the N round trips, after a warm-up.
 *   roundtrip_lua  the same with Lua bodies: call() with a table of one
 *                  number, the server's reply_recv() answering with that
 *                  number; timed around machine_run for N and for N/10
 *                  round trips, the difference divided by 0.9 N, so that
 *                  loading, start-up and lookup cancel out.
 *   roundtrip_lua_tables  the same with a fresh one-field table as the
 *                  reply too (a table built, marshalled and unmarshalled
 *                  each way).
 *   switch_c       two C-bodied threads yield to each other N times each;
 *                  timed inside the bodies; per switch (2 N switches).
 *   switch_lua     the same with Lua bodies calling yield(); timed like
 *                  roundtrip_lua. Both are kernel switches.
 *   uswitch_lua    two Lua user threads of one many-to-one process yield to
 *                  each other: user-level switches, made by the runtime
 *                  without entering the kernel; timed like roundtrip_lua.
 *   cow_fault_lua  a copy-on-write fault: a forked child writes one byte to
 *                  each of N pages it shares with its parent, each write
 *                  taking a fault that copies the page; timed between two
 *                  log("mark") lines of the child, per fault.
 *   lrpc_lua       an LRPC: a client calls Add(a, b) on a binding N times
 *                  (A-stack copy, trap, domain switch, the procedure on its
 *                  E-stack, the return); timed between two marks, per call.
 *   thread_lua_idle_bytes  memory per idle Lua user thread: a many-to-one
 *                  process makes N threads that all wait on a semaphore;
 *                  the heap in use (mallinfo2: the Lua state's memory and
 *                  the kernel's thread records alike) is read before and
 *                  after, each time after a full garbage collection.
 *
 *   sched_<policy>_<n>  one scheduling decision with n runnable threads:
 *                  the policy picks the thread to run and the thread goes
 *                  back to the ready queue as after its slice (its pass or
 *                  virtual runtime advanced); measured on the scheduler's
 *                  own queue, for n = 1,000, 100,000 and 1,000,000
 *                  (--quick: 1,000, 10,000 and 100,000).
 *
 * Each figure is the median of BENCH_REPS repetitions, each on a fresh
 * machine. The workloads themselves are in bench_bodies.c, the figures
 * measured once (memory, the event queue, the trace, the viewer) in
 * bench_scale.c. doc/performance.md explains the method and the results.
 *
 * Entry point: cmd_bench.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <malloc.h>
#include <time.h>

#include "bench.h"
#include "cli.h"
#include "loader.h"
#include "machine.h"
#include "proc.h"
#include "sched.h"
#include "thread.h"

#define BENCH_REPS 5

/* Operations per figure: full run, and --quick. */
struct sizes {
	uint64_t rt_c, rt_lua, sw_c, sw_lua, usw_lua, idle, cow, lrpc, rpc, sleepers;
};

static const struct sizes full_sizes = { 1000000, 100000, 2000000, 500000, 500000, 100000,
					 10000, 500000, 50000, 20000 };
static const struct sizes quick_sizes = { 100000, 10000, 200000, 50000, 50000, 20000,
					  2000, 50000, 5000, 5000 };

/* One measured figure. */
struct figure {
	const char *key;          /* JSON key, without "_ns" */
	const char *what;         /* table label */
	const char *unit;         /* "ns" per operation (default), or "bytes" */
	double (*rep)(uint64_t n);  /* one repetition: host ns per operation, or -1 */
	uint64_t n;               /* round trips, or yields per thread */
	double ns[BENCH_REPS];    /* host ns per operation, each repetition */
	double median, min, max;
};


uint64_t bench_host_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void on_fault(struct machine *m, struct thread *t, const char *text)
{
	(void)m;
	fprintf(stderr, "ukern: bench: %s (thread %s)\n", text, t->name);
}

/* A "mark" logged by the bench scenario: the heap in use then. The first
 * mark is kept in marks[0], the latest in marks[1]. */
static void on_log(struct machine *m, struct thread *t, const char *text)
{
	double *marks = m->hook_data, now = (double)mallinfo2().uordblks;

	(void)t;
	(void)text;
	if (marks[0] < 0)
		marks[0] = now;
	marks[1] = now;
}

/* The same, with the host time of each mark instead of the heap. */
static void on_log_time(struct machine *m, struct thread *t, const char *text)
{
	double *marks = m->hook_data, now = (double)bench_host_ns();

	(void)t;
	(void)text;
	if (marks[0] < 0)
		marks[0] = now;
	marks[1] = now;
}

double bench_run_lua(const char *src, uint64_t n, void (*hook)(struct machine *, void *),
		     void *arg)
{
	char set[48], err[512];
	const char *sets[1] = { set };
	struct loader_opts lo = { .path = "bench.lua", .source = src, .sets = sets, .nsets = 1 };
	struct scenario *s;
	struct machine m;
	uint64_t t0 = 0, t1 = 0;
	int ok;

	snprintf(set, sizeof set, "n=%" PRIu64, n);
	s = scenario_load(&lo, err, sizeof err);
	if (!s) {
		fprintf(stderr, "ukern: bench: %s\n", err);
		return -1;
	}
	if (machine_init(&m, scenario_config(s)) != 0) {
		scenario_free(s);
		return -1;
	}
	m.fault_hook = on_fault;
	ok = scenario_build(s, &m, err, sizeof err) == 0;
	if (ok) {
		if (hook)
			hook(&m, arg);
		t0 = bench_host_ns();
		ok = machine_run(&m) == OUT_COMPLETED && m.script_errors == 0;
		t1 = bench_host_ns();
	}
	machine_free(&m);
	scenario_free(s);
	return ok ? (double)(t1 - t0) : -1;
}

static void hook_heap(struct machine *m, void *marks)
{
	m->log_hook = on_log;
	m->hook_data = marks;
}

static void hook_time(struct machine *m, void *marks)
{
	m->log_hook = on_log_time;
	m->hook_data = marks;
}

/* Run src for n (see bench_run_lua). With marks, the heap in use (or with
 * time set, the host time) at the scenario's first and last log lines goes
 * to marks[0] and marks[1]. */
static double run_lua_marked(const char *src, uint64_t n, double *marks, int time)
{
	if (!marks)
		return bench_run_lua(src, n, NULL, NULL);
	return bench_run_lua(src, n, time ? hook_time : hook_heap, marks);
}

static double run_lua_logged(const char *src, uint64_t n, double *marks)
{
	return run_lua_marked(src, n, marks, 0);
}

static double run_lua_once(const char *src, uint64_t n)
{
	return run_lua_logged(src, n, NULL);
}

/* Host ns per operation between the two marks of src, for n operations. */
static double run_lua_between(const char *src, uint64_t n)
{
	double marks[2] = { -1, -1 };

	if (run_lua_marked(src, n, marks, 1) < 0 || marks[0] < 0)
		return -1;
	return (marks[1] - marks[0]) / (double)n;
}

/* One repetition: host ns per operation from the runs for n and n/10
 * (ops_per_n operations per unit of n), or -1 when a run fails. On a busy
 * host the shorter run can take longer than the longer one: the pair is
 * taken again (a few times, then the repetition counts as 0, which the
 * median of the repetitions discards). */
static double run_lua(const char *src, uint64_t n, uint64_t ops_per_n)
{
	for (int tries = 0; tries < 4; tries++) {
		double big = run_lua_once(src, n), small = run_lua_once(src, n / 10);

		if (big < 0 || small < 0)
			return -1;
		if (big > small)
			return (big - small) / ((double)(n - n / 10) * (double)ops_per_n);
	}
	return 0;
}

/* ---- the figures ---- */

static double rep_roundtrip_c(uint64_t n)
{
	return bench_run_c_roundtrip(n, NULL, NULL);
}

static double rep_roundtrip_lua(uint64_t n)
{
	return run_lua(bench_lua_roundtrip, n, 1);
}

static double rep_roundtrip_lua_tables(uint64_t n)
{
	return run_lua(bench_lua_roundtrip_tables, n, 1);
}

static double rep_switch_c(uint64_t n)
{
	return bench_run_c_switch(n);
}

static double rep_switch_lua(uint64_t n)
{
	return run_lua(bench_lua_switch, n, 2);
}

static double rep_uswitch_lua(uint64_t n)
{
	return run_lua(bench_lua_uswitch, n, 2);
}

static double rep_rpc_lua(uint64_t n)
{
	return run_lua(bench_lua_rpc, n, 1);
}

static double rep_sleepers_lua(uint64_t n)
{
	return run_lua(bench_lua_sleepers, n, 1);
}

static double rep_cow_lua(uint64_t n)
{
	return run_lua_between(bench_lua_cow, n);
}

static double rep_lrpc_lua(uint64_t n)
{
	return run_lua_between(bench_lua_lrpc, n);
}

static double rep_idle_lua(uint64_t n)
{
	double marks[2] = { -1, -1 };

	if (run_lua_logged(bench_lua_idle, n, marks) < 0 || marks[0] < 0)
		return -1;
	return (marks[1] - marks[0]) / (double)n;
}

/* ---- scheduling decisions ---- */

static char sched_json[4096];   /* their JSON keys, printed with the rest */

/* Time decisions of policy ops with n runnable threads: ns per decision, or -1. */
static double sched_decisions(const struct sched_ops *ops, uint64_t n, int quick)
{
	struct machine_config cfg = { .cpus = 1, .sched = ops, .quantum_ns = 10000000,
				      .until_ns = UINT64_MAX, .max_events = UINT64_MAX,
				      .latency_ns = 48000000, .min_granularity_ns = 6000000 };
	uint64_t rounds = quick ? 20000 : 200000, t0, t1;
	struct machine m;
	struct proc *procs;
	struct thread *ts;
	double ns = -1;

	cost_profile("zero", &cfg.costs);
	if (machine_init(&m, &cfg) != 0)
		return -1;
	procs = calloc(n, sizeof *procs);
	ts = calloc(n, sizeof *ts);
	if (procs && ts) {
		for (uint64_t i = 0; i < n; i++) {
			procs[i].pid = (uint32_t)i + 1;
			procs[i].job_ns = 1000000 * (1 + (i * 7919) % 1000);
			procs[i].tickets = 100;
			procs[i].priority = (int32_t)(i % 10);
			ts[i].p = &procs[i];
			ts[i].m = &m;
			ts[i].tid = (uint32_t)i + 1;
			ts[i].why = R_NEW;
			ts[i].state = T_READY;
			ops->enqueue(&m.sched, &ts[i]);
		}
		t0 = bench_host_ns();
		for (uint64_t r = 0; r < rounds; r++) {
			struct thread *t = ops->pick(&m.sched, &m.cpus[0]);
			if (!t)
				break;
			t->cpu_ns += 1000;
			t->vruntime += 1000;
			t->why = R_PREEMPTED;
			ops->enqueue(&m.sched, t);
		}
		t1 = bench_host_ns();
		ns = (double)(t1 - t0) / (double)rounds;
	}
	free(ts);
	free(procs);
	machine_free(&m);
	return ns;
}

/* ---- measuring and reporting ---- */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Run f's repetitions and take their median: 0, or -1 when one failed. */
static int measure(struct figure *f)
{
	double sorted[BENCH_REPS];

	for (int r = 0; r < BENCH_REPS; r++)
		if ((f->ns[r] = f->rep(f->n)) < 0)
			return -1;
	memcpy(sorted, f->ns, sizeof sorted);
	qsort(sorted, BENCH_REPS, sizeof sorted[0], cmp_double);
	f->min = sorted[0];
	f->max = sorted[BENCH_REPS - 1];
	f->median = sorted[BENCH_REPS / 2];
	return 0;
}

/* The CPU model from /proc/cpuinfo ("unknown" when absent), quotes and
 * backslashes dropped so that it can go into JSON as is. */
static void cpu_model(char *buf, size_t len)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[256];

	snprintf(buf, len, "unknown");
	while (f && fgets(line, sizeof line, f)) {
		char *v = strchr(line, ':');
		if (!v || (strncmp(line, "model name", 10) && strncmp(line, "Model", 5)))
			continue;
		for (v++; *v == ' ' || *v == '\t'; v++)
			;
		v[strcspn(v, "\n")] = '\0';
		size_t j = 0;
		for (char *c = v; *c && j + 1 < len; c++)
			if (*c != '"' && *c != '\\' && (unsigned char)*c >= ' ')
				buf[j++] = *c;
		buf[j] = '\0';
		break;
	}
	if (f)
		fclose(f);
}

static void print_json(const struct figure *fs, int nf, const struct bench_val *vs, int nv,
		       const char *arch, const char *cpu, const char *size)
{
	printf("{\"machine\": \"%s\", \"cpu\": \"%s\", \"ctx_backend\": \"%s\", "
	       "\"reps\": %d, \"quick\": %s, \"size\": \"%s\"", arch, cpu, ctx_backend(),
	       BENCH_REPS, strcmp(size, "quick") == 0 ? "true" : "false", size);
	for (int i = 0; i < nf; i++) {
		const char *u = fs[i].unit ? fs[i].unit : "ns";
		printf(",\n \"%s_%s\": %.1f, \"%s_n\": %" PRIu64 ", \"%s_min_%s\": %.1f, "
		       "\"%s_max_%s\": %.1f", fs[i].key, u, fs[i].median, fs[i].key, fs[i].n, fs[i].key,
		       u, fs[i].min, fs[i].key, u, fs[i].max);
	}
	for (int i = 0; i < nv; i++)
		printf(",\n \"%s\": %.*f", vs[i].key, vs[i].v < 10 ? 3 : 1, vs[i].v);
	printf("%s}\n", sched_json);
}

static void print_table(const struct figure *fs, int nf, const struct bench_val *vs, int nv,
			const char *arch, const char *cpu)
{
	printf("ukern bench: host time per operation, median of %d runs (min-max)\n", BENCH_REPS);
	printf("machine: %s, %s; context switch: %s\n\n", arch, cpu, ctx_backend());
	printf("  %-44s %10s %10s  %s\n", "what", "n", "per op", "spread");
	for (int i = 0; i < nf; i++)
		printf("  %-44s %10" PRIu64 " %7.1f %-5s %.1f-%.1f\n", fs[i].what, fs[i].n, fs[i].median,
		       fs[i].unit ? fs[i].unit : "ns", fs[i].min, fs[i].max);
	printf("\nscale (measured once each):\n");
	for (int i = 0; i < nv; i++)
		printf("  %-44s %14.*f  %s\n", vs[i].what, vs[i].v < 10 ? 3 : 1, vs[i].v, vs[i].key);
}

/* The decision cost of each policy at 1k, 100k and 1M runnable threads.
 * Printed now (before the rest). */

static int sched_figures(int json, int quick)
{
	static const struct sched_ops *const pol[] = {
		&sched_fifo_ops, &sched_rr_ops, &sched_sjf_ops, &sched_stcf_ops,
		&sched_priority_ops, &sched_stride_ops, &sched_cfs_ops, &sched_lottery_ops,
	};
	static const uint64_t full[] = { 1000, 100000, 1000000 }, fast[] = { 1000, 10000, 100000 };
	const uint64_t *sizes = quick ? fast : full;
	size_t len = 0;

	if (!json)
		printf("scheduling decision, ns (pick one thread and queue it again):\n  %-10s %10s %10s %10s\n",
		       "policy", quick ? "1k" : "1k", quick ? "10k" : "100k", quick ? "100k" : "1M");
	for (size_t i = 0; i < sizeof pol / sizeof pol[0]; i++) {
		if (!json)
			printf("  %-10s", pol[i]->name);
		for (size_t k = 0; k < 3; k++) {
			double ns = sched_decisions(pol[i], sizes[k], quick);
			if (ns == -1)
				return -1;
			if (!json)
				printf(" %10.1f", ns);
			else if (ns >= 0)
				len += (size_t)snprintf(sched_json + len, sizeof sched_json - len,
							",\n \"sched_%s_%" PRIu64 "_ns\": %.1f", pol[i]->name,
							sizes[k], ns);
		}
		if (!json)
			printf("\n");
	}
	if (!json)
		printf("\n");
	return 0;
}

/* --only KEY [--n N]: one repetition of one timed figure, for a profiler. */
static int only_figure(struct figure *fs, int nf, const char *key, uint64_t n)
{
	for (int i = 0; i < nf; i++)
		if (strcmp(fs[i].key, key) == 0) {
			double v = fs[i].rep(n ? n : fs[i].n);
			if (v < 0)
				return cli_error(EXIT_HOST, "bench: the %s benchmark failed", key);
			printf("%s_%s: %.1f (n = %" PRIu64 ")\n", key, fs[i].unit ? fs[i].unit : "ns", v,
			       n ? n : fs[i].n);
			return fflush(stdout) == 0 ? EXIT_OK : EXIT_HOST;
		}
	return cli_error(EXIT_USAGE, "bench: --only %s: no such figure", key);
}

int cmd_bench(int argc, char **argv)
{
	static const char *const size_names[] = { "quick", "full", "big" };
	int json = 0, quick = 0, nv;
	const char *only = NULL;
	uint64_t only_n = 0;
	enum bench_size size = BENCH_FULL;
	struct bench_val vals[BENCH_MAX_VALS];
	struct utsname u;
	char cpu[128];

	if (argc == 4 && strcmp(argv[1], "--child") == 0)
		return bench_child(argv[2], argv[3]) == 0 ? EXIT_OK : EXIT_HOST;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = 1;
		else if (strcmp(argv[i], "--quick") == 0)
			size = BENCH_QUICK;
		else if (strcmp(argv[i], "--big") == 0)
			size = BENCH_BIG;
		else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc)
			only = argv[++i];
		else if (strcmp(argv[i], "--n") == 0 && i + 1 < argc) {
			char *end;
			i++;
			errno = 0;
			only_n = strtoull(argv[i], &end, 10);
			if (end == argv[i] || *end || errno || argv[i][0] == '-' || only_n < 10)
				return cli_error(EXIT_USAGE, "bench: --n %s: expected a whole number "
							     "of at least 10", argv[i]);
		} else
			return cli_error(EXIT_USAGE, "bench: unknown argument '%s' (usage: ukern bench "
						     "[--json] [--quick | --big] [--only KEY [--n N]])",
					 argv[i]);
	}
	quick = size == BENCH_QUICK;
	const struct sizes *z = quick ? &quick_sizes : &full_sizes;
	struct figure fs[] = {
		{ .key = "roundtrip_c", .what = "round trip, C bodies (uk_call)",
		  .rep = rep_roundtrip_c, .n = z->rt_c },
		{ .key = "roundtrip_lua", .what = "round trip, Lua bodies (call)",
		  .rep = rep_roundtrip_lua, .n = z->rt_lua },
		{ .key = "roundtrip_lua_tables", .what = "round trip, Lua bodies, a table each way",
		  .rep = rep_roundtrip_lua_tables, .n = z->rt_lua },
		{ .key = "switch_c", .what = "switch, C bodies (SYS_YIELD)",
		  .rep = rep_switch_c, .n = z->sw_c },
		{ .key = "switch_lua", .what = "switch, Lua bodies (yield())",
		  .rep = rep_switch_lua, .n = z->sw_lua },
		{ .key = "uswitch_lua", .what = "user-level switch, Lua bodies (many-to-one)",
		  .rep = rep_uswitch_lua, .n = z->usw_lua },
		{ .key = "rpc_call_lua", .what = "RPC call through a server, Lua (b:call)",
		  .rep = rep_rpc_lua, .n = z->rpc },
		{ .key = "sleepers_lua",
		  .what = "round trip and a thread's end, n threads asleep (deadlock checks)",
		  .rep = rep_sleepers_lua, .n = z->sleepers },
		{ .key = "cow_fault", .what = "copy-on-write fault, Lua body (mem.write)",
		  .rep = rep_cow_lua, .n = z->cow },
		{ .key = "lrpc_null", .what = "LRPC call, Lua bodies (binding:call)",
		  .rep = rep_lrpc_lua, .n = z->lrpc },
		{ .key = "thread_lua_idle", .what = "memory per idle Lua user thread",
		  .unit = "bytes", .rep = rep_idle_lua, .n = z->idle },
		/* For --only alone (a profiler): not in the tables. */
		{ .key = "roundtrip_c_trace", .what = "round trip, C bodies, with a trace file",
		  .rep = bench_run_c_traced, .n = z->rt_c },
	};
	int nf = (int)(sizeof fs / sizeof fs[0]) - 1;

	if (only)
		return only_figure(fs, nf + 1, only, only_n);
	for (int i = 0; i < nf; i++)
		if (measure(&fs[i]) != 0)
			return cli_error(EXIT_HOST, "bench: the %s benchmark failed", fs[i].key);
	if (sched_figures(json, quick) != 0)
		return cli_error(EXIT_HOST, "bench: the scheduling benchmark failed");
	if ((nv = bench_scale(size, "/proc/self/exe", vals)) < 0)
		return cli_error(EXIT_HOST, "bench: a scale benchmark failed");
	if (uname(&u) != 0)
		snprintf(u.machine, sizeof u.machine, "unknown");
	cpu_model(cpu, sizeof cpu);
	if (json)
		print_json(fs, nf, vals, nv, u.machine, cpu, size_names[size]);
	else
		print_table(fs, nf, vals, nv, u.machine, cpu);
	return fflush(stdout) == 0 ? EXIT_OK : cli_error(EXIT_HOST, "cannot write the results");
}
