/*
 * main.c - the ukern command line: dispatch to a subcommand by table.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "config.h"
#include "units.h"

static const char usage[] =
	"usage: ukern run SCENARIO [--seed N] [--set NAME=VALUE]... [--until TIME]\n"
	"                 [--trace FILE] [--stats text|json|csv] [--quiet] [--max-events N]\n"
	"                 [--answers] [--ticks] [--view [sequence|cpu|topology|memory]] [--paused]\n"
	"                 [--lua-memory SIZE] [--frame-memory SIZE]\n"
	"       ukern run --help | -h\n"
	"       ukern list\n"
	"       ukern export TRACE [--format text|csv|chrome|paje] [-o FILE]\n"
	"       ukern view TRACE [--view sequence|cpu|topology|memory] [--from T] [--to T]\n"
	"                  [--size WxH] [--linear]\n"
	"       ukern render TRACE -o OUT.png [--view sequence|cpu|topology|memory] [--from T]\n"
	"                    [--to T] [--size WxH] [--linear] [--frames N] [--first-row N]\n"
	"       ukern bench [--json] [--quick | --big] [--only KEY [--n N]]\n"
	"       ukern sweep SCENARIO [--set NAME=V1,V2,...]... [--seeds A-B] [-j N] [--emit]\n"
	"                   [--until TIME] [--max-events N] [-o FILE]\n"
	"                   [--lua-memory SIZE] [--frame-memory SIZE]\n"
	"       ukern sweep --help | -h\n"
	"       ukern --help | --version\n"
	"\n"
	"Run a scenario on the simulated microkernel and report what happened.\n"
	"SCENARIO is a file, or a name looked up as NAME or NAME.lua in the directories\n"
	"of $UKERN_SCENARIOS, beside the program (a build tree's scenarios/), then in the\n"
	"installed scenarios (ukern list shows them).\n"
	"Durations are written 250ns, 5us, 10ms, 2s; a bare number means milliseconds.\n"
	"Exit codes: 0 completed, 1 host failure, 2 bad input, 3 deadlock, 4 script error,\n"
	"130 / 143 stopped by Ctrl-C (SIGINT) / SIGTERM.\n"
	"See ukern(1) and doc/ for the scenario API.\n";

static const struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
} commands[] = {
	{ "run", cmd_run },
	{ "bench", cmd_bench },
	{ "export", cmd_export },
	{ "render", cmd_render },
	{ "view", cmd_view },
	{ "sweep", cmd_sweep },
	{ "list", cmd_list },
};

int cli_error(int code, const char *fmt, ...)
{
	va_list ap;

	fputs("ukern: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return code;
}

int cli_size(const char *opt, const char *v, uint64_t max, const char *example,
	     uint64_t *bytes)
{
	uint64_t n;
	int r = units_parse_bytes(v, &n);

	if (r == -1)
		return cli_error(EXIT_USAGE, "%s %s: expected a size such as %s: a whole number of "
					     "bytes, or of KiB, MiB, GiB or TiB", opt, v, example);
	if (r == -2 || n > max)
		return cli_error(EXIT_USAGE, "%s %s: too large (the most is %llu bytes)", opt, v,
				 (unsigned long long)max);
	if (n < (1u << 20))
		return cli_error(EXIT_USAGE, "%s %s: expected a size of at least 1MiB", opt, v);
	*bytes = n;
	return 0;
}

const char *cli_opt(int argc, char **argv, int *i, const char *name, int *missing)
{
	size_t len = strlen(name);
	const char *a = argv[*i];

	if (strncmp(a, name, len) != 0)
		return NULL;
	if (a[len] == '=')
		return a + len + 1;
	if (a[len] != '\0')
		return NULL;
	if (*i + 1 >= argc) {
		*missing = 1;
		return NULL;
	}
	return argv[++*i];
}

const char *cli_argv0;

/* "ukern NAME ... --help" for a command without a help of its own (run's
 * and sweep's have one line per option): its lines of the usage summary,
 * on stdout. */
static int command_help(const char *name)
{
	size_t len = strlen(name);
	int in = 0;

	for (const char *l = usage; *l && *l != '\n';) {
		const char *e = strchr(l, '\n'), *w = l + strspn(l, " ");
		if (strncmp(w, "usage: ", 7) == 0)
			w += 7;
		if (strncmp(w, "ukern ", 6) == 0)
			in = strncmp(w + 6, name, len) == 0 &&
			     (w[6 + len] == '\n' || (w[6 + len] == ' ' &&
						    strncmp(w + 7 + len, "--help", 6) != 0));
		if (in)
			printf("%s%.*s\n", strncmp(w, "ukern ", 6) == 0 ? "usage: " : "       ",
			       (int)(e - w), w);
		l = e + 1;
	}
	printf("See ukern(1) for what each option does.\n");
	return EXIT_OK;
}

int main(int argc, char **argv)
{
	cli_argv0 = argv[0];
	if (argc < 2)
		return fputs(usage, stderr), EXIT_USAGE;
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0)
		return fputs(usage, stdout), EXIT_OK;
	if (strcmp(argv[1], "--version") == 0)
		return printf("ukern %s\n", PACKAGE_VERSION), EXIT_OK;
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
		if (strcmp(argv[1], commands[i].name) != 0)
			continue;
		if (commands[i].fn != cmd_run && commands[i].fn != cmd_sweep)
			for (int j = 2; j < argc; j++)
				if (strcmp(argv[j], "--help") == 0 || strcmp(argv[j], "-h") == 0)
					return command_help(commands[i].name);
		return commands[i].fn(argc - 1, argv + 1);
	}
	cli_error(EXIT_USAGE, "unknown command '%s'", argv[1]);
	fputs(usage, stderr);
	return EXIT_USAGE;
}
