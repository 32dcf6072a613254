/*
 * sweep.c - "ukern sweep": one run per point of the cross product of the
 * --set value lists and the --seeds range, one CSV row per run.
 *
 * This file is the plan: it parses the options, checks the first run's
 * parameters once (so a scenario that does not load stops the sweep before
 * anything is forked), and then either prints one "ukern run" command per
 * run (--emit, for GNU parallel or a job array) or hands the plan to the
 * local runner of sweep_run.c. Output goes to stdout or, with -o, to a
 * temporary file renamed into place once complete.
 *
 * Entry point: cmd_sweep.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "outfile.h"
#include "loader.h"
#include "sweep.h"
#include "units.h"

static const char sweep_usage[] =
	"usage: ukern sweep SCENARIO [--set NAME=V1,V2,...]... [--seeds A-B] [-j N]\n"
	"                   [--emit] [--until TIME] [--max-events N] [-o FILE]\n"
	"                   [--lua-memory SIZE] [--frame-memory SIZE]\n"
	"\n"
	"  --set NAME=V1,...  run once per value (values cannot contain commas); several\n"
	"                     --set give the cross product, the first varying slowest\n"
	"  --seeds A-B        run every seed from A to B (or one seed N); default: the\n"
	"                     scenario's own seed\n"
	"  -j N               runs at a time (default: the number of CPUs)\n"
	"  --emit             print one 'ukern run' command per run instead of running\n"
	"  --until TIME       passed to every run\n"
	"  --max-events N     passed to every run\n"
	"  --lua-memory SIZE  passed to every run (as ukern run's; default: the\n"
	"                     scenario's machine { lua_memory }, else 1GiB)\n"
	"  --frame-memory SIZE\n"
	"                     passed to every run (as ukern run's; default: the\n"
	"                     scenario's machine { frame_memory }, else 1GiB)\n"
	"  -o FILE, --output FILE\n"
	"                     write to FILE (through a temporary file) instead of stdout\n"
	"  --help, -h         this help\n"
	"\n"
	"SCENARIO is a file, or a name found as ukern run finds it (see ukern list).\n";

struct sweep_opts {
	struct sweep sw;
	int emit;
	const char *out;          /* -o FILE, or NULL: stdout */
	const char *prog;         /* how --emit names ukern */
};

static int parse_u64(const char *s, uint64_t *v)
{
	char *end;

	if (!*s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	*v = strtoull(s, &end, 10);
	return errno || *end ? -1 : 0;
}

static uint64_t nseeds(const struct sweep *sw)
{
	return sw->have_seeds ? sw->seed_hi - sw->seed_lo + 1 : 1;
}

const char *sweep_value(const struct sweep *sw, uint64_t k, size_t i)
{
	k /= nseeds(sw);
	for (size_t j = sw->nparams - 1; j > i; j--)
		k /= sw->params[j].nvalues;
	return sw->params[i].values[k % sw->params[i].nvalues];
}

uint64_t sweep_seed(const struct sweep *sw, uint64_t k)
{
	return sw->seed_lo + k % nseeds(sw);
}

void sweep_csv_field(FILE *f, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

/* Cut a copy of "NAME=V1,V2,..." into p; returns 0 or an exit code. */
static int parse_set(const char *arg, struct sweep_param *p)
{
	char *eq, *v;
	size_t n = 1;

	if (!(p->name = strdup(arg)))
		return cli_error(EXIT_HOST, "out of memory");
	eq = strchr(p->name, '=');
	if (!eq || eq == p->name)
		return cli_error(EXIT_USAGE, "--set %s: expected NAME=V1,V2,...", arg);
	if (!eq[1])
		return cli_error(EXIT_USAGE, "--set %s: no values (expected NAME=V1,V2,...)", arg);
	*eq = '\0';
	for (v = eq + 1; *v; v++)
		n += *v == ',';
	if (!(p->values = calloc(n, sizeof *p->values)))
		return cli_error(EXIT_HOST, "out of memory");
	p->values[p->nvalues++] = eq + 1;
	for (v = eq + 1; *v; v++) {
		if (*v == ',') {
			*v = '\0';
			p->values[p->nvalues++] = v + 1;
		}
	}
	for (size_t i = 0; i < p->nvalues; i++)
		if (!*p->values[i])
			return cli_error(EXIT_USAGE, "--set %s: empty value (values are separated "
						     "by commas and cannot be empty)", arg);
	return 0;
}

/* Add one --set to o; returns 0 or an exit code. */
static int add_set(struct sweep *sw, const char *arg)
{
	struct sweep_param *p = &sw->params[sw->nparams];
	int code = parse_set(arg, p);

	sw->nparams++;          /* even on failure, so that free_opts frees it */
	if (code)
		return code;
	for (size_t i = 0; i + 1 < sw->nparams; i++)
		if (strcmp(sw->params[i].name, p->name) == 0)
			return cli_error(EXIT_USAGE, "--set %s given twice", p->name);
	return 0;
}

/* "A-B" or "N"; returns 0 or an exit code. */
static int parse_seeds(const char *arg, struct sweep *sw)
{
	char lo[32];
	const char *dash = strchr(arg, '-');
	size_t len = dash ? (size_t)(dash - arg) : strlen(arg);

	if (len < sizeof lo) {
		memcpy(lo, arg, len);
		lo[len] = '\0';
		if (!parse_u64(lo, &sw->seed_lo) &&
		    !parse_u64(dash ? dash + 1 : lo, &sw->seed_hi) && sw->seed_lo <= sw->seed_hi) {
			sw->have_seeds = 1;
			return 0;
		}
	}
	return cli_error(EXIT_USAGE, "--seeds %s: expected A-B with A <= B, or N "
				     "(non-negative integers)", arg);
}

/* One option that takes a value; returns 0 or an exit code. */
static int parse_valued(const char *name, const char *v, struct sweep_opts *o)
{
	uint64_t n;

	if (strcmp(name, "--set") == 0)
		return add_set(&o->sw, v);
	if (strcmp(name, "--seeds") == 0)
		return parse_seeds(v, &o->sw);
	if (strcmp(name, "-j") == 0) {
		if (parse_u64(v, &n) || n == 0)
			return cli_error(EXIT_USAGE, "-j %s: expected a positive integer", v);
		o->sw.jobs = n < SWEEP_MAX_RUNS ? (long)n : SWEEP_MAX_RUNS;  /* more is no faster */
	} else if (strcmp(name, "--until") == 0) {
		if (units_parse_duration(v, &o->sw.until_ns))
			return cli_error(EXIT_USAGE, "--until %s: invalid duration (write 250ns, "
						     "5us, 10ms, 2s, or a number of ms)", v);
		o->sw.until_arg = v;
	} else if (strcmp(name, "--max-events") == 0) {
		if (parse_u64(v, &o->sw.max_events) || o->sw.max_events == 0)
			return cli_error(EXIT_USAGE, "--max-events %s: expected a positive integer", v);
	} else if (strcmp(name, "--lua-memory") == 0) {
		if (cli_size(name, v, SIZE_MAX, "256MiB", &o->sw.lua_memory))
			return EXIT_USAGE;
		o->sw.lua_memory_arg = v;
	} else if (strcmp(name, "--frame-memory") == 0) {
		if (cli_size(name, v, UINT64_MAX, "4GiB", &o->sw.frame_memory))
			return EXIT_USAGE;
		o->sw.frame_memory_arg = v;
	} else {
		o->out = v;
	}
	return 0;
}

/* Parse sweep's arguments; returns 0, -1 after --help, or an exit code. */
static int parse(int argc, char **argv, struct sweep_opts *o)
{
	static const char *const valued[] = { "--set", "--seeds", "-j", "--until",
					      "--max-events", "--lua-memory", "--frame-memory",
					      "-o", "--output", NULL };

	if (!(o->sw.params = calloc((size_t)argc, sizeof *o->sw.params)))
		return cli_error(EXIT_HOST, "out of memory");
	for (int i = 1; i < argc; i++) {
		const char *v = NULL;
		int miss = 0, code;
		size_t k;
		/* Stops at the option argv[i] is (v set, or miss), or at the NULL. */
		for (k = 0; valued[k]; k++)
			if ((v = cli_opt(argc, argv, &i, valued[k], &miss)) || miss)
				break;
		if (miss)
			return cli_error(EXIT_USAGE, "%s needs a value", argv[i]);
		if (v) {
			if ((code = parse_valued(valued[k], v, o)))
				return code;
		} else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			fputs(sweep_usage, stdout);
			return -1;
		} else if (strcmp(argv[i], "--emit") == 0) {
			o->emit = 1;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			return cli_error(EXIT_USAGE, "sweep: unknown option '%s' (see ukern sweep --help)",
					 argv[i]);
		} else if (o->sw.path) {
			return cli_error(EXIT_USAGE, "sweep: one scenario at a time ('%s' and '%s')",
					 o->sw.path, argv[i]);
		} else {
			o->sw.path = argv[i];
		}
	}
	if (!o->sw.path)
		return cli_error(EXIT_USAGE, "sweep: no scenario given (usage: ukern sweep "
					     "SCENARIO --set NAME=V1,V2,...)");
	return 0;
}

/* The number of runs, or 0 when there are more than SWEEP_MAX_RUNS. */
static uint64_t count_runs(const struct sweep *sw)
{
	uint64_t n = sw->have_seeds ? sw->seed_hi - sw->seed_lo : 0;

	if (n >= SWEEP_MAX_RUNS)
		return 0;
	n++;
	for (size_t i = 0; i < sw->nparams; i++) {
		if (sw->params[i].nvalues > SWEEP_MAX_RUNS / n)
			return 0;
		n *= sw->params[i].nvalues;
	}
	return n;
}

/* "NAME=VALUE" for parameter i of run k, in a new string (NULL: out of memory). */
static char *set_text(const struct sweep *sw, uint64_t k, size_t i)
{
	const char *v = sweep_value(sw, k, i);
	size_t len = strlen(sw->params[i].name) + strlen(v) + 2;
	char *s = malloc(len);

	if (s)
		snprintf(s, len, "%s=%s", sw->params[i].name, v);
	return s;
}

struct scenario *sweep_load(const struct sweep *sw, uint64_t k, char *err, size_t errlen)
{
	const char **sets = calloc(sw->nparams + 1, sizeof *sets);
	struct loader_opts lo = { .path = sw->path, .have_seed = sw->have_seeds,
				  .seed = sweep_seed(sw, k), .sets = sets, .nsets = sw->nparams,
				  .lua_mem_max = (size_t)sw->lua_memory,
				  .have_lua_memory = sw->lua_memory != 0 };
	struct scenario *s = NULL;
	size_t i;

	for (i = 0; sets && i < sw->nparams && (sets[i] = set_text(sw, k, i)); i++)
		;
	if (!sets || i < sw->nparams)
		snprintf(err, errlen, "%s: out of memory", sw->path);
	else
		s = scenario_load(&lo, err, errlen);
	for (i = 0; sets && i < sw->nparams; i++)
		free((char *)sets[i]);
	free(sets);
	return s;
}

/* Load the scenario as the first run will, so that a scenario that does not
 * load (or declares no such parameter) stops the sweep before anything is
 * forked. Returns 0, or EXIT_USAGE after the message. */
static int precheck(const struct sweep *sw)
{
	char err[1024];
	struct scenario *s;
	/* What the top level writes to stdout (io.write) goes to stderr, as in
	 * the runs themselves: stdout is for the rows. */
	int saved = outfile_stdout_aside();

	s = sweep_load(sw, 0, err, sizeof err);
	outfile_stdout_back(saved);
	if (!s) {
		fprintf(stderr, "%s\n", err);
		return EXIT_USAGE;
	}
	scenario_free(s);
	return 0;
}

/* Write s as one shell word: as is when it is safe, else in single quotes. */
static void sh_word(FILE *f, const char *s)
{
	static const char safe[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				   "0123456789_@%+=:,./-";

	if (*s && strspn(s, safe) == strlen(s)) {
		fputs(s, f);
		return;
	}
	fputc('\'', f);
	for (; *s; s++) {
		if (*s == '\'')
			fputs("'\\''", f);
		else
			fputc(*s, f);
	}
	fputc('\'', f);
}

/* --emit: one "ukern run" command per run, in plan order. */
static int emit(const struct sweep_opts *o, FILE *out)
{
	const struct sweep *sw = &o->sw;

	for (uint64_t k = 0; k < sw->nruns; k++) {
		sh_word(out, o->prog);
		fputs(" run ", out);
		sh_word(out, sw->path);
		for (size_t i = 0; i < sw->nparams; i++) {
			char *s = set_text(sw, k, i);
			if (!s)
				return cli_error(EXIT_HOST, "out of memory");
			fputs(" --set ", out);
			sh_word(out, s);
			free(s);
		}
		if (sw->have_seeds)
			fprintf(out, " --seed %" PRIu64, sweep_seed(sw, k));
		if (sw->until_arg) {
			fputs(" --until ", out);
			sh_word(out, sw->until_arg);
		}
		if (sw->max_events != UINT64_MAX)
			fprintf(out, " --max-events %" PRIu64, sw->max_events);
		if (sw->lua_memory_arg) {
			fputs(" --lua-memory ", out);
			sh_word(out, sw->lua_memory_arg);
		}
		if (sw->frame_memory_arg) {
			fputs(" --frame-memory ", out);
			sh_word(out, sw->frame_memory_arg);
		}
		fputs(" --stats json\n", out);
	}
	return EXIT_OK;
}

/* The header and every row, from the local runner. */
static int run_all(const struct sweep_opts *o, FILE *out)
{
	return sweep_local(&o->sw, out);
}

static int produce(const struct sweep_opts *o, FILE *out)
{
	return o->emit ? emit(o, out) : run_all(o, out);
}

/* The shape outfile_write wants. */
static int produce_into(FILE *out, void *arg)
{
	return produce(arg, out);
}

static void free_opts(struct sweep_opts *o)
{
	for (size_t i = 0; i < o->sw.nparams; i++) {
		free(o->sw.params[i].name);
		free(o->sw.params[i].values);
	}
	free(o->sw.params);
}

/* argv[0] is "sweep": main hands each command its own slice of main's argv,
 * so argv[-1] is the program name as the user typed it. A name without a
 * slash was found on PATH, where "ukern" will be found again. */
static const char *program_name(char **argv)
{
	return strchr(argv[-1], '/') ? argv[-1] : "ukern";
}

int cmd_sweep(int argc, char **argv)
{
	struct sweep_opts o = { .sw = { .until_ns = UINT64_MAX, .max_events = UINT64_MAX } };
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int code = parse(argc, argv, &o);
	char *path = NULL;

	if (!code && !(path = cli_find_scenario("sweep", o.sw.path, &code)))
		o.sw.path = NULL;
	if (path)
		o.sw.path = path;
	o.prog = program_name(argv);
	if (!o.sw.jobs)
		o.sw.jobs = cpus > 0 ? cpus : 1;
	if (!code && !(o.sw.nruns = count_runs(&o.sw)))
		code = cli_error(EXIT_USAGE, "sweep: more than %d runs; split the sweep",
				 SWEEP_MAX_RUNS);
	if (!code)
		code = precheck(&o.sw);
	if (!code)
		code = outfile_write(o.out, "the rows", produce_into, &o);
	free_opts(&o);
	free(path);
	return code < 0 ? EXIT_OK : code;
}
