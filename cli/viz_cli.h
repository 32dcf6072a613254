/*
 * viz_cli.h - the arguments "ukern view" and "ukern render" share: one
 * TRACE, --view, --from, --to, --size and --linear. Each command adds its
 * own options through a callback.
 */
#ifndef UKERN_VIZ_CLI_H
#define UKERN_VIZ_CLI_H

#include <stddef.h>

#include "trace_index.h"
#include "viz.h"

struct viz_cli {
	const char *trace;
	struct viz_opts o;
	int has_from, has_to;
};

/* The defaults: the sequence view, the whole trace, 1280x800. */
void viz_cli_init(struct viz_cli *a);

/* Parse argv[1..] for command cmd ("view"), whose usage line is usage.
 * An option named in extra (NULL-terminated; may be NULL) is handed with
 * its value to more(ctx, name, value), which returns 0 or an exit code.
 * Returns 0, or an exit code after the message. */
int viz_cli_parse(int argc, char **argv, const char *cmd, const char *usage,
		  const char *const *extra, int (*more)(void *ctx, const char *name, const char *v),
		  void *ctx, struct viz_cli *a);

/* Load the trace at a->trace for cmd ("view", "render"): its index, or NULL
 * after printing the reader's message (the command exits 2 then). A trace
 * cut short (it ends before its end record) loads up to the cut: the
 * reader's message and a note go to stderr, and *cut is set to 1. */
struct trace_index *viz_cli_load(const char *cmd, const struct viz_cli *a, int *cut);

/* Say in the title (len bytes at title, as viz_window filled it) that the
 * trace ix was cut short. */
void viz_cli_title_cut(const struct trace_index *ix, char *title, size_t len);

#endif
