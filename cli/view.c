/*
 * view.c - "ukern view TRACE [--view V] [--from T] [--to T] [--size WxH]
 * [--linear]": open the SDL2 viewer on a recorded trace.
 *
 * The one idea: the command only parses, loads the trace index and hands
 * it to the viewer (viz_view), which reads it and never changes anything;
 * a live viewer ("ukern run --view") will hand it an index that grows as
 * the kernel steps. Exit codes: 2 bad arguments or trace, 1 no window.
 */
#include <limits.h>
#include <stdio.h>

#include "cli.h"
#include "trace_index.h"
#include "viz.h"
#include "viz_cli.h"

#define VIEW_USAGE "ukern view TRACE [--view sequence|cpu|topology|memory] [--from T] [--to T] " \
	"[--size WxH] [--linear]"

int cmd_view(int argc, char **argv)
{
	struct viz_cli a;
	struct trace_index *ix;
	char err[600], title[PATH_MAX];
	int code, cut;

	if (!viz_available())
		return cli_error(EXIT_USAGE, "view: %s", VIZ_NOT_BUILT);
	viz_cli_init(&a);
	if ((code = viz_cli_parse(argc, argv, "view", VIEW_USAGE, NULL, NULL, NULL, &a)) != 0)
		return code;
	if (!(ix = viz_cli_load("view", &a, &cut)))
		return EXIT_USAGE;
	if (viz_window(ix, &a.o, a.has_from, a.has_to, a.trace, title, sizeof title, err,
		       sizeof err) != 0)
		code = cli_error(EXIT_USAGE, "view: %s", err);
	else {
		if (cut)
			viz_cli_title_cut(ix, title, sizeof title);
		if (viz_view(ix, &a.o, err, sizeof err) != 0)
			code = cli_error(EXIT_HOST, "view: %s", err);
	}
	trace_index_free(ix);
	return code;
}
