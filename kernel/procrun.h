/*
 * procrun.h - the process-run model of OSTEP chapter 4 (process-run.py),
 * as a machine of its own: each process is a program of one-tick
 * instructions, and the machine runs them tick by tick.
 *
 *   machine { sched = "process-run", switch = "on-io" | "on-end",
 *             io_done = "later" | "immediate", io_length = 5 }
 *   job { "P0", program = "c3,i,c1" }   -- c N: N CPU ticks; i: an I/O
 *
 * doc/scheduling.md gives the rules; procrun.c follows them one by one.
 */
#ifndef UKERN_PROCRUN_H
#define UKERN_PROCRUN_H

#include <stddef.h>
#include <stdint.h>

struct sched_ops;

struct machine;

struct procrun_config {
	int switch_on_end;      /* switch = "on-end": the CPU idles while its process waits */
	int io_immediate;       /* io_done = "immediate": a completing process runs at once */
	uint64_t io_length;     /* ticks an I/O takes */
};

/* Check a program ("c3,i,c1"). Returns 0, or -1 with what is wrong in err. */
int procrun_check(const char *program, char *err, size_t errlen);

/* Make m a process-run machine with cfg (kept by pointer). 0 or -1. */
int procrun_init(struct machine *m, const struct procrun_config *cfg);

/* Add process name with program (already checked). 0, or -1 when memory runs out. */
int procrun_add(struct machine *m, const char *name, const char *program);

/* Run every program to its end (or to the machine's until); called by
 * machine_run, which sets the outcome from what this leaves. */
void procrun_run(struct machine *m);

/* Free what procrun_init and procrun_add made (machine_free calls it). */
void procrun_free(struct machine *m);

/* The name the statistics give the policy of a process-run machine. */
extern const struct sched_ops sched_procrun_ops;

#endif
