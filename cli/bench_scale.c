/*
 * bench_scale.c - the figures of "ukern bench" about scale, each measured
 * once (they are large runs):
 *
 *   threads_lua   n idle Lua-bodied (one-to-one) threads of one process,
 *                 each created and run once until it waits on a semaphore:
 *                 resident memory per thread and host time per creation;
 *                 threads_1m_lua_rss_bytes is the resident size of the
 *                 process with a million of them (measured with --big,
 *                 otherwise extrapolated from n, as threads_1m_lua_n says).
 *   threads_c     the same with C-bodied threads (uk_spawn) asleep.
 *   evq           one event-queue insertion and removal of the earliest
 *                 event with n events queued (n = 1k, 100k, 1M).
 *   trace         a Lua round-trip run with and without a trace file: the
 *                 ratio of the run times (trace_overhead_ratio), and the
 *                 host ns per record; the same ratio for C round trips
 *                 (trace_overhead_c_ratio, timed inside the client).
 *   viewer        the time to draw one frame of the sequence view of that
 *                 trace (about a million records in the full run), by
 *                 running "ukern render --frames" on it.
 *
 * Memory is measured in a child process ("ukern bench --child", see
 * bench_child), one per figure, so that one figure's heap does not count in
 * another's: VmRSS of /proc/self/status at two marks of the run.
 *
 * Entry points: bench_scale, bench_child.
 */
#include <errno.h>
#include <stdarg.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "body_c.h"
#include "evq.h"
#include "proc.h"
#include "sched.h"
#include "syscall.h"
#include "thread.h"
#include "trace.h"
#include "uk.h"
#include "viz.h"

struct scale_sizes {
	uint64_t lua_threads, c_threads, trace_rt, frames;
};

static const struct scale_sizes sizes[] = {
	[BENCH_QUICK] = { 10000, 10000, 8000, 5 },
	[BENCH_FULL] = { 100000, 100000, 85000, 20 },
	[BENCH_BIG] = { 1000000, 300000, 850000, 20 },
};

/* ---- resident memory, in a child process ---- */

/* VmRSS of this process in bytes, or -1. */
static double rss_bytes(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[128];
	double kb = -1;

	while (f && fgets(line, sizeof line, f))
		if (sscanf(line, "VmRSS: %lf kB", &kb) == 1)
			break;
	if (f)
		fclose(f);
	return kb < 0 ? -1 : kb * 1024;
}

/* Two marks: resident bytes, host ns and the process's CPU ns at each. */
struct marks {
	int n;
	double rss[2], ns[2], cpu[2];
};

static void mark(struct marks *mk)
{
	int i = mk->n < 2 ? mk->n : 1;
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	mk->rss[i] = rss_bytes();
	mk->ns[i] = (double)bench_host_ns();
	mk->cpu[i] = (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
	mk->n++;
}

static void on_mark(struct machine *m, struct thread *t, const char *text)
{
	(void)t;
	(void)text;
	mark(m->hook_data);
}

static void hook_marks(struct machine *m, void *arg)
{
	m->log_hook = on_mark;
	m->hook_data = arg;
}

/* Run "self bench --child what n" (bench_child) and read its marks. A new
 * program, not just a fork: a forked child would reuse the heap the bench
 * has freed so far, pages already resident, and its growth would not show.
 * 0 or -1. */
static int in_child(const char *self, const char *what, uint64_t n, struct marks *mk)
{
	char nb[24], line[256] = "";
	int fd[2], status, ok = 0;
	pid_t pid;
	FILE *f;

	snprintf(nb, sizeof nb, "%" PRIu64, n);
	fflush(NULL);
	if (pipe(fd) != 0 || (pid = fork()) < 0)
		return -1;
	if (pid == 0) {
		close(fd[0]);
		dup2(fd[1], 1);
		execl(self, self, "bench", "--child", what, nb, (char *)NULL);
		_exit(127);
	}
	close(fd[1]);
	f = fdopen(fd[0], "r");
	if (f && fgets(line, sizeof line, f))
		ok = sscanf(line, "marks %lf %lf %lf %lf %lf %lf", &mk->rss[0], &mk->rss[1],
			    &mk->ns[0], &mk->ns[1], &mk->cpu[0], &mk->cpu[1]) == 6;
	if (f)
		fclose(f);
	else
		close(fd[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return ok && WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

/* A million Lua threads pass the default limits (250,000 threads, 1 GiB of
 * Lua memory): the scenario raises both, as a scenario of that size must. */
static const char lua_threads[] =
	"local n = param(\"n\", 1000)\n"
	"machine { cpus = 1, sched = \"fifo\", costs = \"zero\", max_threads = n + 100,\n"
	"          lua_memory = \"4GiB\" }\n"
	"process { \"app\", main = function()\n"
	"  local sem, ts = semaphore(0), {}\n"
	"  for i = 1, n do ts[i] = false end\n"
	"  collectgarbage(); log(\"mark\")\n"
	"  for i = 1, n do ts[i] = thread(function() sem:wait() end) end\n"
	"  yield()\n"
	"  log(\"mark\")\n"
	"  for _ = 1, n do sem:post() end\n"
	"  for i = 1, n do join(ts[i]) end\n"
	"end }\n";

static int child_lua_threads(uint64_t n, struct marks *mk)
{
	return bench_run_lua(lua_threads, n, hook_marks, mk) < 0 ? -1 : 0;
}

/* C-bodied threads: the main body spawns n sleepers, lets them all run
 * once, and marks before and after. */
struct cthreads {
	uint64_t n;
	struct marks *mk;
	int failed;
};

static void c_sleeper(struct thread *self, void *arg)
{
	(void)arg;
	uk_sleep(self, 1000000000);
}

static void c_spawner(struct thread *self, void *arg)
{
	struct cthreads *c = arg;

	mark(c->mk);
	for (uint64_t i = 0; i < c->n; i++) {
		uint32_t tid;
		if (uk_spawn(self, c_sleeper, NULL, &tid) != UK_OK) {
			c->failed = 1;
			return;
		}
	}
	self->sc.op = SYS_YIELD;   /* every sleeper runs once, to its sleep */
	body_c_trap(self);
	mark(c->mk);
}

static int child_c_threads(uint64_t n, struct marks *mk)
{
	struct machine_config cfg = {
		.cpus = 1, .sched = sched_find("fifo"), .quantum_ns = UK_DEFAULT_QUANTUM,
		.qlimit = UK_DEFAULT_QLIMIT, .seed = 1, .until_ns = UINT64_MAX,
		.max_events = UINT64_MAX,
	};
	struct cthreads c = { n, mk, 0 };
	struct machine m;
	void *body;
	int ok = 0;

	cost_profile("zero", &cfg.costs);
	if (machine_init(&m, &cfg) != 0)
		return -1;
	body = body_c_new(&m, c_spawner, &c);
	if (body && proc_new(&m, "app", 0, &body_c_ops, body))
		ok = machine_run(&m) == OUT_COMPLETED && !c.failed;
	machine_free(&m);
	return ok ? 0 : -1;
}

/* ---- the event queue ---- */

/* ns per insertion + removal with n events queued, or -1. */
static double evq_figure(uint64_t n, uint64_t rounds)
{
	struct evq q;
	struct event e;
	uint64_t x = 88172645463325252u, t0, t1;
	double ns = -1;

	evq_init(&q);
	for (uint64_t i = 0; i < n; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		if (evq_push(&q, x % 1000000000u, 0, 0, NULL) != 0)
			goto out;
	}
	t0 = bench_host_ns();
	for (uint64_t r = 0; r < rounds; r++) {
		if (!evq_pop(&q, &e))
			goto out;
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		if (evq_push(&q, e.time + x % 1000000u, 0, 0, NULL) != 0)
			goto out;
	}
	t1 = bench_host_ns();
	ns = (double)(t1 - t0) / (double)rounds;
out:
	evq_free(&q);
	return ns;
}

/* ---- the trace writer and the viewer ---- */

struct traced {
	const char *path;        /* NULL: no trace */
	struct trace_file *f;
};

static void hook_trace(struct machine *m, void *arg)
{
	struct traced *tr = arg;
	const char *keys[] = { "scenario" }, *vals[] = { "bench" };

	if (!tr->path)
		return;
	tr->f = trace_file_open(tr->path, keys, vals, 1);
	if (tr->f) {
		struct trace_sink file = trace_file_sink(tr->f);
		/* The file's sink alone, as in ukern run --trace: the writer
		 * counts the records itself. */
		if (machine_add_sink(m, &file) != 0) {
			trace_file_abort(tr->f);
			tr->f = NULL;
		}
	}
}

/* Host ns of one run of n round trips (C bodies with c set, else Lua),
 * traced to path (NULL: not); the records written go to *records. */
static double traced_run(int c, const char *path, uint64_t n, uint64_t *records)
{
	struct traced tr = { path, NULL };
	double ns = c ? bench_run_c_roundtrip(n, hook_trace, &tr)
		      : bench_run_lua(bench_lua_roundtrip, n, hook_trace, &tr);

	if (path) {
		if (!tr.f)
			return -1;
		*records = trace_file_records(tr.f);
		if (trace_file_close(tr.f) != 0)
			return -1;
	}
	return ns;
}

/* One C round-trip run of n calls with a trace file in a temporary
 * directory (the --only figure roundtrip_c_trace, for a profiler). */
double bench_run_c_traced(uint64_t n)
{
	char dir[] = "/tmp/ukern-bench.XXXXXX", path[64];
	uint64_t records = 0;
	double ns;

	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof path, "%s/bench.uktrace", dir);
	ns = traced_run(1, path, n, &records);
	unlink(path);
	rmdir(dir);
	return ns;
}

static int cmp_dbl(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Runs of the trace figures with and without a trace file, alternating:
 * each is a few tenths of a second, so a busy host moves one run of three
 * by more than the difference being measured. */
#define TRACE_PAIRS 5

/* The medians of TRACE_PAIRS runs with and without a trace file. */
static int trace_figures(int c, const char *path, uint64_t n, double *plain, double *traced,
			 uint64_t *records)
{
	double a[TRACE_PAIRS], b[TRACE_PAIRS];

	for (int i = 0; i < TRACE_PAIRS; i++)
		if ((a[i] = traced_run(c, NULL, n, NULL)) < 0 ||
		    (b[i] = traced_run(c, path, n, records)) < 0)
			return -1;
	qsort(a, TRACE_PAIRS, sizeof a[0], cmp_dbl);
	qsort(b, TRACE_PAIRS, sizeof b[0], cmp_dbl);
	*plain = a[TRACE_PAIRS / 2];
	*traced = b[TRACE_PAIRS / 2];
	return 0;
}

/* Draw frames frames of the trace at path with "self render": the mean
 * wall and CPU ms per frame, or -1 when it cannot be done. */
static int viewer_figure(const char *self, const char *path, uint64_t frames, double *wall,
			 double *cpu)
{
	char nf[24], line[512] = "";
	int fd[2], status, ok = 0;
	pid_t pid;
	FILE *f;

	snprintf(nf, sizeof nf, "%" PRIu64, frames);
	fflush(NULL);
	if (pipe(fd) != 0 || (pid = fork()) < 0)
		return -1;
	if (pid == 0) {
		close(fd[0]);
		dup2(fd[1], 2);
		setenv("SDL_VIDEODRIVER", "dummy", 1);
		setenv("SDL_AUDIODRIVER", "dummy", 1);
		setenv("SDL_RENDER_DRIVER", "software", 1);
		execl(self, self, "render", path, "-o", "/dev/null", "--frames", nf, (char *)NULL);
		_exit(127);
	}
	close(fd[1]);
	f = fdopen(fd[0], "r");
	while (f && fgets(line, sizeof line, f))
		if (strstr(line, "ms per frame")) {
			const char *p = strstr(line, "frames, ");
			ok = p && sscanf(p, "frames, %lf ms per frame on average (%lf", wall, cpu) == 2;
		}
	if (f)
		fclose(f);
	else
		close(fd[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return ok && WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

/* ---- all of them ---- */

static int put(struct bench_val *out, int *k, const char *what, double v, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static int put(struct bench_val *out, int *k, const char *what, double v, const char *fmt, ...)
{
	va_list ap;

	if (*k == BENCH_MAX_VALS)
		return -1;
	va_start(ap, fmt);
	vsnprintf(out[*k].key, sizeof out[*k].key, fmt, ap);
	va_end(ap);
	out[*k].what = what;
	out[*k].v = v;
	(*k)++;
	return 0;
}

static int fail(const char *what)
{
	fprintf(stderr, "ukern: bench: the %s benchmark failed\n", what);
	return -1;
}

int bench_child(const char *what, const char *n)
{
	struct marks mk = { 0 };
	char *end;
	unsigned long long v = strtoull(n, &end, 10);
	int rc;

	if (*end || !v)
		return -1;
	if (strcmp(what, "lua-threads") == 0)
		rc = child_lua_threads(v, &mk);
	else if (strcmp(what, "c-threads") == 0)
		rc = child_c_threads(v, &mk);
	else
		return -1;
	if (rc != 0 || mk.n < 2)
		return -1;
	printf("marks %.0f %.0f %.0f %.0f %.0f %.0f\n", mk.rss[0], mk.rss[1], mk.ns[0], mk.ns[1],
	       mk.cpu[0], mk.cpu[1]);
	return fflush(stdout) == 0 ? 0 : -1;
}

static int thread_figures(const struct scale_sizes *z, enum bench_size size, const char *self,
			  struct bench_val *out, int *k)
{
	uint64_t nl = z->lua_threads, nc = z->c_threads;
	struct marks lm, cm;
	double lper, cper;

	if (in_child(self, "lua-threads", nl, &lm) != 0)
		return fail("Lua threads");
	if (in_child(self, "c-threads", nc, &cm) != 0)
		return fail("C threads");
	lper = (lm.rss[1] - lm.rss[0]) / (double)nl;
	cper = (cm.rss[1] - cm.rss[0]) / (double)nc;
	put(out, k, "Lua thread: resident memory, idle", lper, "thread_lua_rss_bytes");
	put(out, k, "Lua thread: creation (to its first wait)", (lm.ns[1] - lm.ns[0]) / (double)nl,
	    "thread_create_lua_ns");
	put(out, k, "Lua thread: creation, CPU time", (lm.cpu[1] - lm.cpu[0]) / (double)nl,
	    "thread_create_lua_cpu_ns");
	put(out, k, "C thread: resident memory, idle", cper, "thread_c_rss_bytes");
	put(out, k, "C thread: creation (to its first sleep)", (cm.ns[1] - cm.ns[0]) / (double)nc,
	    "thread_create_c_ns");
	put(out, k, "C thread: creation, CPU time", (cm.cpu[1] - cm.cpu[0]) / (double)nc,
	    "thread_create_c_cpu_ns");
	put(out, k, "Lua threads measured", (double)nl, "threads_lua_n");
	put(out, k, "C threads measured", (double)nc, "threads_c_n");
	put(out, k, size == BENCH_BIG ? "1M Lua threads: resident size of the process"
				      : "1M Lua threads: resident size (extrapolated)",
	    size == BENCH_BIG ? lm.rss[1] : lm.rss[0] + lper * 1e6, "threads_1m_lua_rss_bytes");
	put(out, k, "1M Lua threads: threads actually run", (double)nl, "threads_1m_lua_n");
	return 0;
}

int bench_scale(enum bench_size size, const char *self, struct bench_val *out)
{
	const struct scale_sizes *z = &sizes[size];
	static const uint64_t evq_n[] = { 1000, 100000, 1000000 };
	static const char *const evq_what[] = { "event queue: insert + pop, 1k queued",
						"event queue: insert + pop, 100k queued",
						"event queue: insert + pop, 1M queued" };
	char dir[] = "/tmp/ukern-bench.XXXXXX", path[64];
	double plain, traced, wall, cpu;
	uint64_t records = 0;
	int k = 0, rc = 0;

	if (thread_figures(z, size, self, out, &k) != 0)
		return -1;
	for (size_t i = 0; i < sizeof evq_n / sizeof evq_n[0]; i++) {
		double ns = evq_figure(evq_n[i], size == BENCH_QUICK ? 200000 : 2000000);
		if (ns < 0)
			return fail("event queue");
		put(out, &k, evq_what[i], ns, "evq_%" PRIu64 "_ns", evq_n[i]);
	}
	if (!mkdtemp(dir))
		return fail("trace (no temporary directory)");
	snprintf(path, sizeof path, "%s/bench.uktrace", dir);
	if (trace_figures(1, path, 10 * z->trace_rt, &plain, &traced, &records) != 0 || !records)
		return fail("trace (C bodies)");
	put(out, &k, "trace file, C round trips: time with / without", traced / plain,
	    "trace_overhead_c_ratio");
	if (trace_figures(0, path, z->trace_rt, &plain, &traced, &records) != 0 || !records) {
		rc = fail("trace");
	} else {
		put(out, &k, "trace file, Lua round trips: time with / without", traced / plain,
		    "trace_overhead_ratio");
		put(out, &k, "trace file: host ns per record written", (traced - plain) / (double)records,
		    "trace_write_ns");
		put(out, &k, "trace records in those runs", (double)records, "trace_records");
		if (viz_available()) {
			if (viewer_figure(self, path, z->frames, &wall, &cpu) != 0) {
				rc = fail("viewer");
			} else {
				put(out, &k, "viewer: one frame of that trace (wall)", wall * 1e6,
				    "viewer_frame_ns");
				put(out, &k, "viewer: one frame of that trace (CPU)", cpu * 1e6,
				    "viewer_frame_cpu_ns");
			}
		}
	}
	unlink(path);
	rmdir(dir);
	return rc ? -1 : k;
}
