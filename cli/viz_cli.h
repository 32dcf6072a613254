/*
 * viz_cli.h - the arguments "ukern view" and "ukern render" share: one
 * TRACE, --view, --from, --to, --size and --linear. Each command adds its
 * own options through a callback.
 */
#ifndef UKERN_VIZ_CLI_H
#define UKERN_VIZ_CLI_H

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

#endif
