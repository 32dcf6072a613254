/*
 * cli.h - the ukern command: one function per subcommand (cmd_<name>), the
 * exit codes of the contract, and small helpers they share.
 */
#ifndef UKERN_CLI_H
#define UKERN_CLI_H

#include <stdint.h>

enum exit_code {
	EXIT_OK = 0,          /* the run completed */
	EXIT_HOST = 1,        /* a failure of the host: cannot write a file, out of memory */
	EXIT_USAGE = 2,       /* bad input: usage, scenario, trace */
	EXIT_DEADLOCK = 3,    /* the simulated system deadlocked */
	EXIT_SCRIPT = 4,      /* a thread body raised a script error */
};

int cmd_run(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_render(int argc, char **argv);
int cmd_view(int argc, char **argv);
int cmd_sweep(int argc, char **argv);
int cmd_list(int argc, char **argv);

/* Print "ukern: " and the message to stderr; returns code. */
int cli_error(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Match argv[*i] against option name ("--seed"): returns its value (from
 * "--seed=N" or the next argument, advancing *i), or NULL when it is not
 * this option. *missing is set to 1 when the option is there but its value
 * is absent (and left alone otherwise). */
const char *cli_opt(int argc, char **argv, int *i, const char *name, int *missing);

/* Parse the value v of size option opt ("--frame-memory") into *bytes: a
 * number of bytes, or with B, KiB, MiB, GiB or TiB (units_parse_bytes), from
 * 1MiB to max. Returns 0, or EXIT_USAGE after a message that says which it
 * is: malformed (and the forms, with example), below 1MiB, or too large. */
int cli_size(const char *opt, const char *v, uint64_t max, const char *example,
	     uint64_t *bytes);

/* argv[0] of the program (main.c): where it is, when /proc cannot say. */
extern const char *cli_argv0;

/* The scenario file "ukern CMD ARG" means: ARG itself when it is a file or
 * holds a slash, else the first of DIR/ARG and DIR/ARG.lua that is a file,
 * for DIR in $UKERN_SCENARIOS (colon-separated), the scenarios/ directory
 * beside the program (a build tree's), then the installed scenarios. Returns a new string, or NULL with *code set after a message:
 * EXIT_USAGE when nothing was found (the message lists where it looked),
 * EXIT_HOST when out of memory. */
char *cli_find_scenario(const char *cmd, const char *arg, int *code);

#endif
