/*
 * run.c - "ukern run": load a scenario, run it, write the trace and the
 * statistics, and exit with the code of the outcome.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "answers.h"
#include "cli.h"
#include "interrupt.h"
#include "evq.h"
#include "fault_repeat.h"
#include "loader.h"
#include "machine.h"
#include "outfile.h"
#include "proc.h"
#include "stats.h"
#include "thread.h"
#include "trace.h"
#include "uk_limits.h"
#include "units.h"
#include "recbuf.h"
#include "viz.h"

static const char run_usage[] =
	"usage: ukern run SCENARIO [--seed N] [--set NAME=VALUE]... [--until TIME]\n"
	"                 [--trace FILE] [--stats text|json|csv] [--quiet] [--max-events N]\n"
	"                 [--answers] [--ticks] [--view [sequence|cpu|topology|memory]]\n"
	"                 [--paused] [--lua-memory SIZE] [--frame-memory SIZE]\n"
	"\n"
	"  --seed N           the seed of the run's random generator (default: the scenario's, or 1)\n"
	"  --set NAME=VALUE   override a parameter the scenario declares with param()\n"
	"  --until TIME       stop at this virtual time (250ns, 5us, 10ms, 2s; a bare number is ms)\n"
	"  --trace FILE       write the binary trace of every event to FILE\n"
	"  --stats FORMAT     statistics on stdout as text, json or csv (default: text)\n"
	"  --quiet, -q        no log lines and no text summary\n"
	"  --max-events N     stop after N events and system calls\n"
	"  --answers          the per-job response, turnaround and wait, and their averages,\n"
	"                     in ticks of 1 ms (what the OSTEP homework asks for)\n"
	"  --ticks            which job ran on each CPU in each tick\n"
	"  --view [VIEW]      watch the run live in the viewer and drive it: Space plays or\n"
	"                     pauses, n steps, . and , change the speed, t runs to a time,\n"
	"                     e to the end; when the window closes the run completes and\n"
	"                     the outputs are written as without --view\n"
	"  --paused           with --view: start paused at time 0\n"
	"  --lua-memory SIZE  the most memory the scenario's Lua code may hold (default\n"
	"                     1GiB; bytes, or with KiB, MiB, GiB or TiB; at least 1MiB)\n"
	"  --frame-memory SIZE\n"
	"                     the most host memory the simulated frames may hold, every\n"
	"                     node together (default 1GiB, or machine { frame_memory };\n"
	"                     at least 1MiB); a page that needs more stops the run\n"
	"  --help, -h         this help\n"
	"\n"
	"SCENARIO is a file, or a name looked up as NAME or NAME.lua in the directories\n"
	"of $UKERN_SCENARIOS, beside the program (a build tree's scenarios/), then in the\n"
	"installed scenarios (see ukern list).\n";

struct run_opts {
	struct loader_opts lo;
	const char **sets;
	uint64_t until_ns, max_events;
	uint64_t lua_memory;  /* --lua-memory, bytes (lo.have_lua_memory: given) */
	uint64_t frame_memory;  /* --frame-memory, bytes; 0: not given */
	const char *trace, *stats;
	int quiet;
	int answers, ticks;   /* --answers, --ticks */
	int view, paused;     /* --view, --paused */
	enum viz_view viz;    /* --view's view */
	int stdout_saved;     /* stdout, set aside while the scenario runs (outfile.h) */
};

/* ---- the progress line of a long run on a terminal ---- */

/* Instants handled between two looks at the wall clock. */
enum { PROGRESS_STEP = 1 << 14 };

static int progress_shown;   /* a progress line is on stderr now */

static uint64_t wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void progress_clear(void)
{
	if (progress_shown)
		fputs("\r\033[K", stderr);
	progress_shown = 0;
}

static void progress_draw(const struct machine *m, uint64_t elapsed_ms)
{
	char when[32];

	units_format_ns(m->now, when, sizeof when);
	fprintf(stderr, "\r\033[K  %" PRIu64 " events, virtual time %s", m->events, when);
	if (m->cfg.until_ns != UINT64_MAX && m->cfg.until_ns)
		fprintf(stderr, " (%.0f%% of --until)", 100.0 * (double)m->now / (double)m->cfg.until_ns);
	fprintf(stderr, ", %" PRIu64 ".%" PRIu64 "s  ", elapsed_ms / 1000, elapsed_ms % 1000 / 100);
	fflush(stderr);
	progress_shown = 1;
}

/* Run to the end. On a terminal, a run that lasts more than a second (or
 * UKERN_PROGRESS_MS, for tests) shows a progress line on stderr, redrawn
 * four times a second and cleared at the end; pausing the kernel between
 * steps changes nothing in the run. A signal ends the run inside
 * machine_advance (machine.stop, interrupt.h). */
static void run_to_end(struct machine *m)
{
	const char *env = getenv("UKERN_PROGRESS_MS");
	uint64_t start = wall_ms(), delay = env ? strtoull(env, NULL, 10) : 1000, last = 0;

	if (!isatty(STDERR_FILENO)) {
		machine_advance(m, UINT64_MAX, UINT64_MAX);
		return;
	}
	while (machine_advance(m, UINT64_MAX, PROGRESS_STEP) == OUT_RUNNING) {
		uint64_t now = wall_ms();
		if (now - start >= delay && (now - last >= 250 || !progress_shown)) {
			progress_draw(m, now - start);
			last = now;
		}
	}
	progress_clear();
}

static void on_log(struct machine *m, struct thread *t, const char *text)
{
	char when[32];

	progress_clear();
	units_format_ns(m->now, when, sizeof when);
	fprintf(stderr, "%10s  %-12s| %s\n", when, t ? t->name : "kernel", text);
}

/* The script errors raised so far: after a few of one, the rest are
 * counted and summed up at the end of the run. */
static struct fault_repeat repeats;

static void on_fault(struct machine *m, struct thread *t, const char *text)
{
	char when[32];

	if (!fault_repeat_seen(&repeats, text))
		return;
	progress_clear();
	units_format_ns(m->now, when, sizeof when);
	fprintf(stderr, "%s (process %s, thread %s, at %s)\n", text, t->p->name, t->name, when);
}

static int parse_u64(const char *s, uint64_t *v)
{
	char *end;

	if (!*s || *s == '-')
		return -1;
	errno = 0;
	*v = strtoull(s, &end, 10);
	return errno || *end ? -1 : 0;
}

/* Parse run's arguments; returns 0 or an exit code. */
static int parse(int argc, char **argv, struct run_opts *o)
{
	size_t nsets = 0;

	o->sets = calloc((size_t)argc, sizeof *o->sets);
	if (!o->sets)
		return cli_error(EXIT_HOST, "out of memory");
	for (int i = 1; i < argc; i++) {
		const char *v;
		int miss = 0;
		if ((v = cli_opt(argc, argv, &i, "--seed", &miss))) {
			if (parse_u64(v, &o->lo.seed))
				return cli_error(EXIT_USAGE, "--seed %s: expected a non-negative integer", v);
			o->lo.have_seed = 1;
		} else if ((v = cli_opt(argc, argv, &i, "--set", &miss))) {
			o->sets[nsets++] = v;
		} else if ((v = cli_opt(argc, argv, &i, "--until", &miss))) {
			if (units_parse_duration(v, &o->until_ns))
				return cli_error(EXIT_USAGE, "--until %s: invalid duration (write 250ns, "
							     "5us, 10ms, 2s, or a number of ms)", v);
		} else if ((v = cli_opt(argc, argv, &i, "--trace", &miss))) {
			o->trace = v;
		} else if ((v = cli_opt(argc, argv, &i, "--stats", &miss))) {
			if (strcmp(v, "text") && strcmp(v, "json") && strcmp(v, "csv"))
				return cli_error(EXIT_USAGE, "--stats %s: expected text, json or csv", v);
			o->stats = v;
		} else if ((v = cli_opt(argc, argv, &i, "--max-events", &miss))) {
			if (parse_u64(v, &o->max_events) || o->max_events == 0)
				return cli_error(EXIT_USAGE, "--max-events %s: expected a positive integer", v);
		} else if ((v = cli_opt(argc, argv, &i, "--lua-memory", &miss))) {
			if (cli_size("--lua-memory", v, SIZE_MAX, "256MiB", &o->lua_memory))
				return EXIT_USAGE;
			o->lo.have_lua_memory = 1;
		} else if ((v = cli_opt(argc, argv, &i, "--frame-memory", &miss))) {
			if (cli_size("--frame-memory", v, UINT64_MAX, "4GiB", &o->frame_memory))
				return EXIT_USAGE;
		} else if (miss) {
			return cli_error(EXIT_USAGE, "%s needs a value", argv[i]);
		} else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			fputs(run_usage, stdout);
			return -1;
		} else if (strcmp(argv[i], "--view") == 0) {
			const char *next = i + 1 < argc ? argv[i + 1] : NULL;
			o->view = 1;
			if (next && viz_view_parse(next) >= 0)
				o->viz = (enum viz_view)viz_view_parse(argv[++i]);
			else if (next && next[0] != '-' && o->lo.path)
				/* The scenario is given already: a word after --view is
				 * meant as a view. */
				return cli_error(EXIT_USAGE, "--view %s: expected sequence, cpu, topology "
							     "or memory (or nothing, for sequence)", next);
		} else if (strcmp(argv[i], "--paused") == 0) {
			o->paused = 1;
		} else if (strcmp(argv[i], "--answers") == 0) {
			o->answers = 1;
		} else if (strcmp(argv[i], "--ticks") == 0) {
			o->ticks = 1;
		} else if (strcmp(argv[i], "--quiet") == 0 || strcmp(argv[i], "-q") == 0) {
			o->quiet = 1;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			return cli_error(EXIT_USAGE, "run: unknown option '%s' (see ukern --help)", argv[i]);
		} else if (o->lo.path) {
			return cli_error(EXIT_USAGE, "run: one scenario at a time ('%s' and '%s')",
					 o->lo.path, argv[i]);
		} else {
			o->lo.path = argv[i];
		}
	}
	if (!o->lo.path)
		return cli_error(EXIT_USAGE, "run: no scenario given (usage: ukern run SCENARIO)");
	if (o->paused && !o->view)
		return cli_error(EXIT_USAGE, "run: --paused goes with --view");
	if (o->view && !viz_available())
		return cli_error(EXIT_USAGE, "run --view: %s", VIZ_NOT_BUILT);
	o->lo.sets = o->sets;
	o->lo.nsets = nsets;
	return 0;
}

/* The trace file at path with the run's header. While the run goes on,
 * stdout is set aside (its descriptor saved) and points to stderr: a trace
 * to the process's stdout, named by one of its usual names, is written to
 * the saved descriptor, where the statistics follow it. */
static struct trace_file *open_trace(struct machine *m, const char *path, int stdout_saved)
{
	static const char *const out[] = { "/dev/stdout", "/dev/fd/1", "/proc/self/fd/1" };
	const char **keys = calloc(m->ninfo + 1, sizeof *keys);
	const char **vals = calloc(m->ninfo + 1, sizeof *vals);
	struct trace_file *f = NULL;
	int fd = -1;

	for (size_t i = 0; stdout_saved >= 0 && i < sizeof out / sizeof out[0]; i++)
		if (strcmp(path, out[i]) == 0)
			fd = stdout_saved;
	if (keys && vals) {
		for (uint32_t i = 0; i < m->ninfo; i++) {
			keys[i] = m->info[i].key;
			vals[i] = m->info[i].value;
		}
		if (fd < 0)
			f = trace_file_open(path, keys, vals, m->ninfo);
		else if ((fd = dup(fd)) >= 0)
			f = trace_file_open_fd(fd, keys, vals, m->ninfo);
	}
	free(keys);
	free(vals);
	return f;
}

static void print_stats(struct machine *m, const struct run_opts *o)
{
	if ((o->answers || o->ticks) && !o->stats)
		return;
	if (o->stats && strcmp(o->stats, "json") == 0)
		stats_json(stdout, m);
	else if (o->stats && strcmp(o->stats, "csv") == 0)
		stats_csv(stdout, m);
	else if (o->stats || !o->quiet)
		stats_text(stdout, m);
}

/* ---- the live viewer's side of the simulation ---- */

static int live_advance(void *ctx, uint64_t until, uint64_t max_instants)
{
	struct machine *m = ctx;
	const struct event *next;

	if (machine_advance(m, until, max_instants) != OUT_RUNNING)
		return 0;
	next = evq_peek(&m->evq);
	return !next || next->time > until ? 1 : 2;
}

static uint64_t live_now(void *ctx)
{
	return ((struct machine *)ctx)->now;
}

static const char *live_outcome(void *ctx)
{
	struct machine *m = ctx;

	return m->outcome == OUT_COMPLETED     ? "completed"
	       : m->outcome == OUT_DEADLOCK    ? "deadlock (the report is on stderr)"
	       : m->outcome == OUT_LIMIT       ? "stopped at a limit"
	       : m->outcome == OUT_INTERRUPTED ? "interrupted"
					       : "running";
}

static int live_stopped(void *ctx)
{
	return ((struct machine *)ctx)->stop != 0;
}

/* Show the run in the viewer while the user drives it. Returns 0, or an
 * exit code when the viewer cannot start. */
static int watch(struct machine *m, const struct run_opts *o)
{
	struct viz_recbuf *rb = viz_recbuf_new();
	struct trace_sink sink;
	struct viz_live src = { live_advance, live_now, live_outcome, m, rb, live_stopped };
	struct viz_opts vo = { .view = o->viz, .width = 1280, .height = 800,
			       .title = viz_base_name(o->lo.path), .play = !o->paused };
	char err[512];
	int bad = !rb;

	for (uint32_t i = 0; !bad && i < m->ninfo; i++)
		bad = viz_recbuf_header(rb, m->info[i].key, m->info[i].value) != 0;
	if (!bad) {
		sink = viz_recbuf_sink(rb);
		bad = machine_add_sink(m, &sink) != 0;
	}
	if (bad) {
		viz_recbuf_free(rb);
		return cli_error(EXIT_HOST, "out of memory");
	}
	if (viz_live(&src, &vo, err, sizeof err) != 0) {
		machine_remove_sink(m, rb);
		viz_recbuf_free(rb);
		return cli_error(EXIT_HOST, "run --view: %s", err);
	}
	machine_remove_sink(m, rb);
	viz_recbuf_free(rb);
	return 0;
}

/* Run the built machine and produce every output; returns the exit code. */
static int simulate(struct machine *m, const struct run_opts *o)
{
	struct trace_file *tf = NULL;
	struct answers *ans = NULL;
	int code, idle;

	if (o->trace) {
		struct trace_sink sink;
		tf = open_trace(m, o->trace, o->stdout_saved);
		if (!tf)
			return cli_error(EXIT_HOST, "%s: cannot write the trace: %s", o->trace,
					 strerror(errno));
		sink = trace_file_sink(tf);
		if (machine_add_sink(m, &sink) != 0) {
			trace_file_abort(tf);
			return cli_error(EXIT_HOST, "out of memory");
		}
	}
	if ((o->answers || o->ticks) && !(ans = answers_attach(m))) {
		if (tf)
			trace_file_abort(tf);
		return cli_error(EXIT_HOST, "out of memory");
	}
	machine_begin(m);
	/* No process keeps the run going: it ends before anything runs. */
	idle = !m->procrun && m->live_nondaemon == 0;
	if (o->view && (code = watch(m, o)) != 0) {
		if (tf)
			trace_file_abort(tf);
		answers_free(ans);
		return code;
	}
	run_to_end(m);
	outfile_stdout_back(o->stdout_saved);
	fault_repeat_summary(&repeats, stderr, "ukern: ");
	fault_repeat_free(&repeats);
	if (m->outcome == OUT_INTERRUPTED)
		fprintf(stderr, "ukern: %s at %" PRIu64 "ns: the run stopped there; its trace and "
				"statistics end there\n",
			interrupt_signal() == SIGTERM ? "terminated (SIGTERM)" : "interrupted (SIGINT)",
			m->now);
	if (m->frames_report)
		fprintf(stderr, "%s\n", m->frames_report);
	else if (m->oom)
		fprintf(stderr, "ukern: the host ran out of memory; the run stopped at %" PRIu64 "ns\n",
			m->now);
	if (m->outcome == OUT_DEADLOCK && m->deadlock_report)
		fprintf(stderr, "%s", m->deadlock_report);
	if (idle && m->outcome == OUT_COMPLETED)
		fprintf(stderr, "ukern: note: no process keeps the run going (none is declared, or "
				"every one is a daemon): it ended at 0ns, before anything ran\n");
	if (tf && trace_file_close(tf) != 0) {
		answers_free(ans);
		return cli_error(EXIT_HOST, "%s: cannot write the trace: %s", o->trace, strerror(errno));
	}
	print_stats(m, o);
	if (ans) {
		int bad = answers_print(stdout, ans, m, o->answers, o->ticks);
		answers_free(ans);
		if (bad)
			return cli_error(EXIT_HOST, "out of memory");
	}
	if (fflush(stdout) != 0)
		return cli_error(EXIT_HOST, "cannot write the statistics: %s", strerror(errno));
	code = m->oom ? EXIT_HOST
	       : m->outcome == OUT_INTERRUPTED ? interrupt_exit_code(interrupt_signal())
	       : m->outcome == OUT_DEADLOCK ? EXIT_DEADLOCK
	       : m->script_errors ? EXIT_SCRIPT : EXIT_OK;
	return code;
}

int cmd_run(int argc, char **argv)
{
	struct run_opts o = { .until_ns = UINT64_MAX, .max_events = UINT64_MAX,
			      .lua_memory = UK_LUA_MEMORY };
	struct scenario *s;
	struct machine m;
	struct machine_config cfg;
	char err[1024], *path;
	int code = parse(argc, argv, &o);

	if (code) {
		free(o.sets);
		return code < 0 ? EXIT_OK : code;
	}
	if (!(path = cli_find_scenario("run", o.lo.path, &code))) {
		free(o.sets);
		return code;
	}
	o.lo.path = path;
	o.lo.lua_mem_max = (size_t)o.lua_memory;
	o.stdout_saved = outfile_stdout_aside();
	s = scenario_load(&o.lo, err, sizeof err);
	free(o.sets);
	if (!s) {
		/* A message about an option has no file to name: say who speaks. */
		fprintf(stderr, "%s%s\n", err[0] == '-' ? "ukern: " : "", err);
		free(path);
		return EXIT_USAGE;
	}
	cfg = *scenario_config(s);
	cfg.until_ns = o.until_ns;
	cfg.max_events = o.max_events;
	if (o.frame_memory)   /* --frame-memory, else machine { frame_memory }, else the default */
		cfg.frame_memory = o.frame_memory;
	if (machine_init(&m, &cfg) != 0) {
		scenario_free(s);
		free(path);
		return cli_error(EXIT_HOST, "out of memory");
	}
	m.log_hook = o.quiet ? NULL : on_log;
	m.fault_hook = on_fault;
	if (scenario_build(s, &m, err, sizeof err) != 0) {
		fprintf(stderr, "%s\n", err);
		code = EXIT_HOST;
	} else {
		/* --lua-memory, else machine { lua_memory }, else the default */
		scenario_lua_memory(s, scenario_lua_memory_for(s, (size_t)o.lua_memory));
		/* From here on Ctrl-C ends the run between two events, and the
		 * outputs are written as for any other end. */
		interrupt_catch(&m.stop);
		code = simulate(&m, &o);
		interrupt_release();
	}
	machine_free(&m);
	scenario_free(s);
	free(path);
	return code;
}
