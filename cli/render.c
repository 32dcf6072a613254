/*
 * render.c - "ukern render TRACE -o OUT.png [--view V] [--from T] [--to T]
 * [--size WxH] [--linear] [--frames N]": draw one view of a recorded trace
 * into a PNG, headless.
 *
 * The one idea: the picture is written through cli/outfile.h, into a
 * temporary file next to OUT.png renamed into place only when it is
 * complete, so a failure never leaves a half-written PNG under the real
 * name or spoils an older one (a device or a pipe is written directly).
 * Exit codes: 2 bad arguments or trace, 1 the PNG cannot be written (or
 * SDL fails). A trace cut short is drawn up to the cut, with a note.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "interrupt.h"
#include "outfile.h"
#include "trace_index.h"
#include "viz.h"
#include "viz_cli.h"

#define RENDER_USAGE "ukern render TRACE -o OUT.png [--view sequence|cpu|topology|memory] " \
	"[--from T] [--to T] [--size WxH] [--linear] [--frames N] [--first-row N]"

struct render_args {
	struct viz_cli v;
	const char *out;
};

static int usage_error(const char *what)
{
	return cli_error(EXIT_USAGE, "render: %s (usage: " RENDER_USAGE ")", what);
}

/* render's own options: -o, --output, --frames, --first-row; returns 0 or
 * an exit code. */
static int option(void *ctx, const char *name, const char *v)
{
	struct render_args *a = ctx;

	if (strcmp(name, "--frames") == 0) {
		char *end;
		unsigned long n = strtoul(v, &end, 10);
		if (!*v || *end || v[0] == '-' || n < 1 || n > 100000)
			return cli_error(EXIT_USAGE, "--frames %s: expected a number from 1 to 100000",
					 v);
		a->v.o.frames = (unsigned)n;
	} else if (strcmp(name, "--first-row") == 0) {
		char *end;
		unsigned long n = strtoul(v, &end, 10);
		if (!*v || *end || v[0] == '-' || n < 1 || n > 100000)
			return cli_error(EXIT_USAGE, "--first-row %s: expected a row number from 1 to "
					 "100000", v);
		a->v.o.first_row = (int)n;
	} else {
		a->out = v;                    /* -o, --output */
	}
	return 0;
}

static int parse(int argc, char **argv, struct render_args *a)
{
	static const char *const names[] = { "-o", "--output", "--frames", "--first-row", NULL };
	int code;

	viz_cli_init(&a->v);
	a->out = NULL;
	if ((code = viz_cli_parse(argc, argv, "render", RENDER_USAGE, names, option, a, &a->v)))
		return code;
	if (!a->out)
		return usage_error("no output file given (-o OUT.png)");
	return 0;
}

struct render_job {
	const struct trace_index *ix;
	const struct render_args *a;
};

static int render_png(FILE *out, void *arg)
{
	const struct render_job *j = arg;
	char err[600];

	if (viz_render(j->ix, &j->a->v.o, out, err, sizeof err) != 0)
		return cli_error(EXIT_HOST, "%s: cannot write: %s", j->a->out, err);
	return 0;
}

int cmd_render(int argc, char **argv)
{
	struct render_args a;
	struct trace_index *ix;
	char err[600], title[PATH_MAX];
	int code, cut;

	if (!viz_available())
		return cli_error(EXIT_USAGE, "render: %s", VIZ_NOT_BUILT);
	if ((code = parse(argc, argv, &a)) != 0)
		return code;
	interrupt_exit("render", a.out);    /* Ctrl-C: no picture, the old one untouched */
	if (!(ix = viz_cli_load("render", &a.v, &cut)))
		return EXIT_USAGE;
	if (viz_window(ix, &a.v.o, a.v.has_from, a.v.has_to, a.v.trace, title, sizeof title, err,
		       sizeof err) != 0)
		code = cli_error(EXIT_USAGE, "render: %s", err);
	else {
		if (cut)
			viz_cli_title_cut(ix, title, sizeof title);
		code = outfile_write(a.out, "the picture", render_png,
				     &(struct render_job){ ix, &a });
	}
	/* A name such as out.jpg: the bytes are PNG all the same. */
	if (code == 0 && (strlen(a.out) < 4 || strcasecmp(a.out + strlen(a.out) - 4, ".png") != 0))
		fprintf(stderr, "ukern: note: %s: written as a PNG picture (render writes PNG only, "
				"whatever the file is named)\n", a.out);
	trace_index_free(ix);
	interrupt_release();
	return code;
}
