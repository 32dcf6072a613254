/*
 * viz_cli.c - parsing the arguments "ukern view" and "ukern render" share.
 */
#include "viz_cli.h"

#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "units.h"

void viz_cli_init(struct viz_cli *a)
{
	memset(a, 0, sizeof *a);
	a->o.view = VIZ_SEQUENCE;
	a->o.width = 1280;
	a->o.height = 800;
}

/* One shared option with its value v; returns 0 or an exit code. */
static int option(struct viz_cli *a, const char *name, const char *v)
{
	int view;

	if (strcmp(name, "--view") == 0) {
		if ((view = viz_view_parse(v)) < 0)
			return cli_error(EXIT_USAGE, "--view %s: expected sequence, cpu, topology or "
					 "memory", v);
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

/* The value of argv[*i] if it is one of names (NULL-terminated), with
 * *which set to that name; NULL otherwise. */
static const char *match(int argc, char **argv, int *i, const char *const *names,
			 const char **which, int *miss)
{
	const char *v = NULL;

	for (; names && *names && !v && !*miss; names++)
		if ((v = cli_opt(argc, argv, i, *names, miss)))
			*which = *names;
	return v;
}

int viz_cli_parse(int argc, char **argv, const char *cmd, const char *usage,
		  const char *const *extra, int (*more)(void *ctx, const char *name, const char *v),
		  void *ctx, struct viz_cli *a)
{
	static const char *const shared[] = { "--view", "--from", "--to", "--size", NULL };

	for (int i = 1; i < argc; i++) {
		const char *name = NULL, *v;
		int miss = 0, code;
		if (!(v = match(argc, argv, &i, shared, &name, &miss)) && !miss &&
		    (v = match(argc, argv, &i, extra, &name, &miss)) && more) {
			if ((code = more(ctx, name, v)) != 0)
				return code;
			continue;
		}
		if (miss)
			return cli_error(EXIT_USAGE, "%s needs a value", argv[i]);
		if (v) {
			if ((code = option(a, name, v)) != 0)
				return code;
		} else if (strcmp(argv[i], "--linear") == 0) {
			a->o.linear = 1;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			return cli_error(EXIT_USAGE, "%s: unknown option '%s' (see ukern --help)", cmd,
					 argv[i]);
		} else if (a->trace) {
			return cli_error(EXIT_USAGE, "%s: one trace at a time (usage: %s)", cmd, usage);
		} else {
			a->trace = argv[i];
		}
	}
	if (!a->trace)
		return cli_error(EXIT_USAGE, "%s: no trace given (usage: %s)", cmd, usage);
	return 0;
}

struct trace_index *viz_cli_load(const char *cmd, const struct viz_cli *a, int *cut)
{
	char err[600], note[600], at[32];
	struct trace_index *ix = trace_index_load_cut(a->trace, err, sizeof err, note, sizeof note);

	*cut = 0;
	if (!ix) {
		fprintf(stderr, "%s\n", err);
		return NULL;
	}
	if (note[0]) {
		*cut = 1;
		units_format_ns(ix->end_ns, at, sizeof at);
		fprintf(stderr, "%s\nukern: %s: note: showing the %llu record%s before the cut, up to "
			"%s\n", note, cmd, (unsigned long long)ix->nrecords,
			ix->nrecords == 1 ? "" : "s", at);
	}
	return ix;
}

void viz_cli_title_cut(const struct trace_index *ix, char *title, size_t len)
{
	size_t n = strlen(title);
	char at[32];

	units_format_ns(ix->end_ns, at, sizeof at);
	if (n < len)
		snprintf(title + n, len - n, " (trace cut short at %s)", at);
}
