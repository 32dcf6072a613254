/*
 * bench.c - "ukern bench": host-speed microbenchmarks of the simulator.
 * Filled in below; see doc/performance.md for the method.
 */
#include "cli.h"

int cmd_bench(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cli_error(EXIT_USAGE, "bench: not built yet");
}
