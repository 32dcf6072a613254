/*
 * render.c - "ukern render TRACE -o OUT.png [--view V] [--from T --to T]
 * [--size WxH] [--linear] [--frames N]": draw one view of a recorded trace
 * into a PNG, headless.
 *
 * The one idea: the picture is written to a temporary file next to OUT.png
 * and renamed into place only when it is complete, so a failure never
 * leaves a half-written PNG under the real name or spoils an older one
 * (a device or a pipe, such as /dev/null, is written directly).
 * Exit codes: 2 bad arguments or trace, 1 the PNG cannot be written (or
 * SDL fails).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "trace_index.h"
#include "units.h"
#include "viz.h"

#define RENDER_USAGE "ukern render TRACE -o OUT.png [--view sequence|cpu|topology] " \
	"[--from T --to T] [--size WxH] [--linear]"

struct render_args {
	const char *trace, *out;
	struct viz_opts o;
	int has_from, has_to;
};

static int usage_error(const char *what)
{
	return cli_error(EXIT_USAGE, "render: %s (usage: " RENDER_USAGE ")", what);
}

/* One option with its value v; returns 0 or an exit code. */
static int option(struct render_args *a, const char *name, const char *v)
{
	int view;

	if (strcmp(name, "--view") == 0) {
		if ((view = viz_view_parse(v)) < 0)
			return cli_error(EXIT_USAGE, "--view %s: expected sequence, cpu or topology%s",
					 v, strcmp(v, "memory") == 0 ? " (the memory view is not "
					 "available yet)" : "");
		a->o.view = (enum viz_view)view;
	} else if (strcmp(name, "--from") == 0 || strcmp(name, "--to") == 0) {
		int from = name[2] == 'f';
		if (units_parse_duration(v, from ? &a->o.from : &a->o.to) != 0)
			return cli_error(EXIT_USAGE, "%s %s: invalid duration (write 250ns, 5us, 10ms, "
					 "2s, or a number of ms)", name, v);
		*(from ? &a->has_from : &a->has_to) = 1;
	} else if (strcmp(name, "--size") == 0) {
		if (viz_size_parse(v, &a->o.width, &a->o.height) != 0)
			return cli_error(EXIT_USAGE, "--size %s: expected WIDTHxHEIGHT from %dx%d to "
					 "%dx%d", v, VIZ_MIN_W, VIZ_MIN_H, VIZ_MAX_SIDE, VIZ_MAX_SIDE);
	} else if (strcmp(name, "--frames") == 0) {
		char *end;
		unsigned long n = strtoul(v, &end, 10);
		if (!*v || *end || v[0] == '-' || n < 1 || n > 100000)
			return cli_error(EXIT_USAGE, "--frames %s: expected a number from 1 to 100000",
					 v);
		a->o.frames = (unsigned)n;
	} else {
		a->out = v;                    /* -o, --output */
	}
	return 0;
}

static int parse(int argc, char **argv, struct render_args *a)
{
	static const char *const names[] = { "-o", "--output", "--view", "--from", "--to",
					     "--size", "--frames" };

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
			return cli_error(EXIT_USAGE, "render: unknown option '%s' (see ukern --help)",
					 argv[i]);
		else if (a->trace)
			return usage_error("one trace at a time");
		else
			a->trace = argv[i];
	}
	if (!a->trace)
		return usage_error("no trace given");
	if (!a->out)
		return usage_error("no output file given (-o OUT.png)");
	return 0;
}

static mode_t current_umask(void)
{
	mode_t um = umask(0);

	umask(um);
	return um;
}

/* Render into a temporary file next to a->out, then rename it into place. */
static int render_to_file(const struct trace_index *ix, const struct render_args *a)
{
	size_t len = strlen(a->out);
	char *tmp = malloc(len + 16), err[600];
	int fd, code = 0;

	if (!tmp)
		return cli_error(EXIT_HOST, "out of memory");
	memcpy(tmp, a->out, len);
	memcpy(tmp + len, ".tmp.XXXXXX", 12);
	if ((fd = mkstemp(tmp)) < 0) {
		code = cli_error(EXIT_HOST, "%s: cannot write: %s", a->out, strerror(errno));
		free(tmp);
		return code;
	}
	fchmod(fd, 0666 & ~current_umask());    /* as a plain fopen would have made it */
	close(fd);
	if (viz_render(ix, &a->o, tmp, err, sizeof err) != 0)
		code = cli_error(EXIT_HOST, "%s: cannot write: %s", a->out, err);
	else if (rename(tmp, a->out) != 0)
		code = cli_error(EXIT_HOST, "%s: cannot write: %s", a->out, strerror(errno));
	if (code)
		unlink(tmp);
	free(tmp);
	return code;
}

/* Render straight into a->out, which is not a regular file (/dev/null, a
 * pipe): renaming over it would replace it. */
static int render_in_place(const struct trace_index *ix, const struct render_args *a)
{
	char err[600];

	if (viz_render(ix, &a->o, a->out, err, sizeof err) != 0)
		return cli_error(EXIT_HOST, "%s: cannot write: %s", a->out, err);
	return 0;
}

/* Write the PNG: through a temporary file, unless OUT is a device or a pipe. */
static int render_out(const struct trace_index *ix, const struct render_args *a)
{
	struct stat st;

	if (stat(a->out, &st) != 0)
		return render_to_file(ix, a);
	if (S_ISDIR(st.st_mode))
		return cli_error(EXIT_HOST, "%s: cannot write: is a directory", a->out);
	return S_ISREG(st.st_mode) ? render_to_file(ix, a) : render_in_place(ix, a);
}

int cmd_render(int argc, char **argv)
{
	struct render_args a = { NULL, NULL, { VIZ_SEQUENCE, 0, 0, 1280, 800, 0, 0, NULL }, 0, 0 };
	struct trace_index *ix;
	char err[600], title[PATH_MAX];
	int code;

	if (!viz_available())
		return cli_error(EXIT_USAGE, "render: %s", VIZ_NOT_BUILT);
	if ((code = parse(argc, argv, &a)) != 0)
		return code;
	if (!(ix = trace_index_load(a.trace, err, sizeof err))) {
		fprintf(stderr, "%s\n", err);
		return EXIT_USAGE;
	}
	if (viz_window(ix, &a.o, a.has_from, a.has_to, a.trace, title, sizeof title, err,
		       sizeof err) != 0)
		code = cli_error(EXIT_USAGE, "render: %s", err);
	else
		code = render_out(ix, &a);
	trace_index_free(ix);
	return code;
}
