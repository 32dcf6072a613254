/*
 * view.c - "ukern view TRACE [--view V] [--from T --to T] [--size WxH]
 * [--linear]": open the SDL2 viewer on a recorded trace.
 *
 * The one idea: the command only parses, loads the trace index and hands
 * it to the viewer (viz_view), which reads it and never changes anything;
 * a live viewer ("ukern run --view") will hand it an index that grows as
 * the kernel steps. Exit codes: 2 bad arguments or trace, 1 no window.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "trace_index.h"
#include "units.h"
#include "viz.h"

#define VIEW_USAGE "ukern view TRACE [--view sequence|cpu|topology] [--from T --to T] " \
	"[--size WxH] [--linear]"

struct view_args {
	const char *trace;
	struct viz_opts o;
	int has_from, has_to;
};

/* One option with its value v; returns 0 or an exit code. */
static int option(struct view_args *a, const char *name, const char *v)
{
	int view;

	if (strcmp(name, "--view") == 0) {
		if ((view = viz_view_parse(v)) < 0)
			return cli_error(EXIT_USAGE, "--view %s: expected sequence, cpu or topology",
					 v);
		a->o.view = (enum viz_view)view;
	} else if (strcmp(name, "--size") == 0) {
		if (viz_size_parse(v, &a->o.width, &a->o.height) != 0)
			return cli_error(EXIT_USAGE, "--size %s: expected WIDTHxHEIGHT from %dx%d to "
					 "%dx%d", v, VIZ_MIN_W, VIZ_MIN_H, VIZ_MAX_SIDE, VIZ_MAX_SIDE);
	} else {
		int from = strcmp(name, "--from") == 0;
		if (units_parse_duration(v, from ? &a->o.from : &a->o.to) != 0)
			return cli_error(EXIT_USAGE, "%s %s: invalid duration (write 250ns, 5us, 10ms, "
					 "2s, or a number of ms)", name, v);
		*(from ? &a->has_from : &a->has_to) = 1;
	}
	return 0;
}

static int parse(int argc, char **argv, struct view_args *a)
{
	static const char *const names[] = { "--view", "--from", "--to", "--size" };

	for (int i = 1; i < argc; i++) {
		const char *v = NULL;
		int miss = 0, code;
		size_t k;
		for (k = 0; k < sizeof names / sizeof names[0] && !v && !miss; k++)
			v = cli_opt(argc, argv, &i, names[k], &miss);
		if (miss)
			return cli_error(EXIT_USAGE, "%s needs a value", argv[i]);
		if (v && (code = option(a, names[k - 1], v)) != 0)
			return code;
		if (v)
			continue;
		if (strcmp(argv[i], "--linear") == 0)
			a->o.linear = 1;
		else if (argv[i][0] == '-' && argv[i][1])
			return cli_error(EXIT_USAGE, "view: unknown option '%s' (see ukern --help)",
					 argv[i]);
		else if (a->trace)
			return cli_error(EXIT_USAGE, "view: one trace at a time (usage: " VIEW_USAGE ")");
		else
			a->trace = argv[i];
	}
	if (!a->trace)
		return cli_error(EXIT_USAGE, "view: no trace given (usage: " VIEW_USAGE ")");
	return 0;
}

int cmd_view(int argc, char **argv)
{
	struct view_args a = { NULL, { VIZ_SEQUENCE, 0, 0, 1280, 800, 0, 0, NULL }, 0, 0 };
	struct trace_index *ix;
	char err[600], title[PATH_MAX];
	int code;

	if (!viz_available())
		return cli_error(EXIT_USAGE, "view: %s", VIZ_NOT_BUILT);
	if ((code = parse(argc, argv, &a)) != 0)
		return code;
	if (!(ix = trace_index_load(a.trace, err, sizeof err))) {
		fprintf(stderr, "%s\n", err);
		return EXIT_USAGE;
	}
	if (viz_window(ix, &a.o, a.has_from, a.has_to, a.trace, title, sizeof title, err,
		       sizeof err) != 0)
		code = cli_error(EXIT_USAGE, "view: %s", err);
	else if (viz_view(ix, &a.o, err, sizeof err) != 0)
		code = cli_error(EXIT_HOST, "view: %s", err);
	trace_index_free(ix);
	return code;
}
