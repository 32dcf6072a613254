/*
 * crash.h - injected crashes and the restart of crashed programs: the
 * kernel's half of fault { at = t, crash = target, restart_after = d }.
 *
 * At its time a crash fault kills, as if it failed (proc_crash), the
 * process that serves a service name at that instant (the owner of the
 * port registered under it) or the latest incarnation of a declared
 * process. Its threads end, its ports die, and the existing dead-port
 * machinery does the rest: blocked callers get "dead port", the name
 * server's dead-name notice removes its names. A thread is stopped wherever
 * it is: a C body's stack goes back to the pool unwound, so a C program
 * that can be crashed keeps what it allocates reachable from its process
 * (p->udata, freed with it), not only from its stack.
 *
 * When the fault asks for a restart, the program enters the table of
 * supervised programs and the supervisor is sent a kernel notice. The
 * supervisor is a simulated daemon (servers/rs, after MINIX 3's
 * reincarnation server): it reads the table and restarts programs through
 * SYS_SVC, so its checks and restarts are simulated work, in the trace and
 * charged; the restart policy (when, with what backoff) is its own. A
 * restart makes a new process through the program's respawn hook (proc.h):
 * a new pid, new ports, the name "<program>#<incarnation>".
 *
 * Entry points: crash_add (before the run), crash_fire (the crash event),
 * crash_sys (SYS_SVC).
 */
#ifndef UKERN_CRASH_H
#define UKERN_CRASH_H

#include <stdint.h>

#include "uk_limits.h"

struct machine;
struct proc;
struct thread;

/* A crash fault, as declared. The victim is found when it fires: with
 * service set, the owner of the port registered under target, if that port
 * lives; else (or without service) the latest incarnation of proc, if it
 * lives; else nothing crashes. */
struct fault_crash {
	char target[UK_NAME_MAX + 1];  /* the name given (service or process), for reports */
	uint8_t service;               /* target may be a service name */
	struct proc *proc;             /* a declared process (its first incarnation), or NULL */
	uint64_t at_ns;                /* the first crash */
	uint64_t every_ns;             /* then one every every_ns; 0: once */
	uint32_t count;                /* crash times in all, with every (those that find
					* nothing count); 0: no limit */
	uint64_t restart_ns;           /* restart this long after the crash; UINT64_MAX: never */
	uint64_t backoff_max_ns;       /* the longest restart delay the doubling reaches */
	char where[128];               /* "FILE:LINE" of the declaration, for reports */
	uint32_t fired;                /* kernel: crash times reached so far */
};

/* A program under supervision: it crashed with a restart asked for. */
struct svc {
	struct proc *cur;              /* its latest incarnation */
	uint64_t died_ns;              /* when cur crashed */
	uint64_t restart_ns;           /* restart_after of the fault that crashed it */
	uint64_t backoff_max_ns;
	uint32_t crashes;              /* crashes of the program so far */
	uint8_t dead;                  /* cur crashed and is not restarted yet */
};

/* What the status call answers about one supervised program. */
struct uk_svc_status {
	uint32_t pid;                  /* its latest incarnation */
	uint32_t incarnation;
	uint32_t crashes;
	uint32_t dead;                 /* 1: crashed, waiting to be restarted */
	uint64_t died_ns;
	uint64_t restart_ns;
	uint64_t backoff_max_ns;
	uint8_t daemon;
	char name[UK_NAME_MAX];        /* the latest incarnation's name */
};

/* SYS_SVC's operations (the low byte of sc.arg; the slot is above it). */
enum svc_op {
	SVC_WATCH = 1,      /* name: a receive right; crash notices go there (once) */
	SVC_STATUS = 2,     /* a program's status: ptr gets a malloc'd struct uk_svc_status */
	SVC_RESPAWN = 3,    /* restart a dead program now; val: the new pid */
};

/* Declare a crash fault before the run (its first time is posted). 0, or
 * -1 when memory runs out. */
int crash_add(struct machine *m, const struct fault_crash *c);

/* Crash fault i's time has come. */
void crash_fire(struct machine *m, uint32_t i);

/* The effect of SYS_SVC: only the process that watches (the supervisor)
 * may ask for statuses and restarts. Errors: UK_ENOTOWNER (another process
 * watches), UK_ENORIGHT (watch without a receive right), UK_ENOENT (no
 * such slot), UK_EINVAL (respawn of a program that is not dead),
 * UK_ENOMEM. */
void crash_sys(struct thread *t);

#endif
