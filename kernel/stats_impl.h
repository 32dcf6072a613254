/*
 * stats_impl.h - what the statistics writers share: the JSON of stats.c
 * and the CSV and text of stats_text.c compute the same figures the same
 * way. Internal to the kernel's statistics; the API is stats.h.
 */
#ifndef UKERN_STATS_IMPL_H
#define UKERN_STATS_IMPL_H

#include <stdint.h>

struct machine;
struct proc;
struct srvstat;
struct thread;

/* A figure that does not apply (a thread that never ran, never ended). */
#define UNSET UINT64_MAX

/* The scheduling figures over the threads they are about. */
struct schedfig {
	uint64_t cpu, tickets, done;
	double jain, util;
	int jobs;       /* some process is a job: the figures are about jobs */
};

/* Per-thread figures; response and turnaround are UNSET when not applicable. */
struct tfig {
	uint64_t response, turnaround;
};

struct latency {
	uint64_t mean, p50, p99, max;
};

/* Whether t is one of the threads the scheduling figures f (of
 * stats_sched_figures) are about: jobs when there are any, else the
 * user-visible threads of non-daemon processes. */
int stats_scheduled(const struct schedfig *f, const struct thread *t);
struct schedfig stats_sched_figures(const struct machine *m);
struct tfig stats_thread_figures(const struct thread *t);
const char *stats_model_name(const struct proc *p);

/* The run's description value of key, or NULL. */
const char *stats_info(const struct machine *m, const char *key);

/* Mean, median, 99th percentile and maximum of n samples; of every
 * delivered message's latency. */
struct latency stats_summary(const uint64_t *lat, uint64_t n);
struct latency stats_latency(const struct machine *m);

/* What a server's processes (every incarnation has its name) used: CPU
 * time and threads. */
void stats_server_usage(const struct machine *m, const struct srvstat *e, uint64_t *cpu,
			uint64_t *threads);

#endif
