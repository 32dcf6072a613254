/*
 * job.h - jobs: one-thread processes that compute a declared length with
 * optional I/O pauses, for scheduling experiments in the style of the
 * OSTEP homework simulators (doc/scheduling.md).
 */
#ifndef UKERN_JOB_H
#define UKERN_JOB_H

#include <stdint.h>

struct machine;
struct proc;

struct job_spec {
	uint64_t run_ns;       /* CPU the job needs */
	uint64_t io_every_ns;  /* an I/O after every io_every_ns of CPU; 0: none */
	uint64_t io_time_ns;   /* how long each I/O takes */
};

/* Declare job name arriving at arrive_ns. Returns the process (its
 * job_ns set, so sjf and stcf know its length), or NULL when memory runs out. */
struct proc *job_new(struct machine *m, const char *name, uint64_t arrive_ns,
		     const struct job_spec *spec);

#endif
