/*
 * bench.h - what the parts of "ukern bench" share: the scale figures of
 * bench_scale.c (memory per thread, thread creation, the event queue, the
 * trace writer, the viewer), each measured once, next to bench.c's timed
 * figures, each a median of repetitions.
 *
 * Entry points: bench_scale, bench_child, bench_host_ns, bench_run_lua,
 *   bench_run_c_roundtrip.
 */
#ifndef UKERN_BENCH_H
#define UKERN_BENCH_H

#include <stdint.h>

#include "machine.h"

/* How big the scale figures are. */
enum bench_size { BENCH_QUICK, BENCH_FULL, BENCH_BIG };

/* One scale figure: its JSON key (unit included) and table label. */
struct bench_val {
	char key[48];
	const char *what;
	double v;
};

#define BENCH_MAX_VALS 40

/* Measure the scale figures into out (room for BENCH_MAX_VALS): their
 * count, or -1 (with a message on stderr) when one failed. self is the
 * path of this program, run again to render the viewer's frames. */
int bench_scale(enum bench_size size, const char *self, struct bench_val *out);

/* "ukern bench --child what n", run by bench_scale: measure one of its
 * memory figures (what: "lua-threads" or "c-threads", n threads) in this
 * fresh process and print its marks on stdout. 0, or -1. */
int bench_child(const char *what, const char *n);

/* Host CLOCK_MONOTONIC, ns. */
uint64_t bench_host_ns(void);

/* Load Lua scenario src (param n = n), build it, give hook (may be NULL)
 * the machine before it runs, and run it: the host ns spent in machine_run,
 * or -1 (with a message on stderr). */
double bench_run_lua(const char *src, uint64_t n, void (*hook)(struct machine *, void *),
		     void *arg);

/* The service name the workloads' servers register. */
#define BENCH_SERVICE "bench"

/* The Lua workloads (bench_bodies.c): a scenario text each, with a
 * param "n" (the operations). */
extern const char bench_lua_roundtrip[], bench_lua_roundtrip_tables[], bench_lua_switch[], bench_lua_uswitch[],
	bench_lua_idle[], bench_lua_cow[], bench_lua_lrpc[], bench_lua_rpc[], bench_lua_sleepers[];

/* n C yields between two threads (switch_c): host ns per switch, or -1. */
double bench_run_c_switch(uint64_t n);

/* n C round trips (roundtrip_c) with hook (may be NULL) given the machine
 * first: host ns per round trip, timed inside the client, or -1. */
double bench_run_c_roundtrip(uint64_t n, void (*hook)(struct machine *, void *), void *arg);

/* The same with a trace file in a temporary directory (--only
 * roundtrip_c_trace): host ns per round trip, or -1. */
double bench_run_c_traced(uint64_t n);

#endif
