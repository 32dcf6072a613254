/*
 * rs.h - the reincarnation server: the supervisor that restarts crashed
 * programs, after MINIX 3's RS. It is a simulated daemon process, "rs",
 * written against the userland API like the name server, and present only
 * when a fault { crash = ..., restart_after = ... } asks for restarts.
 *
 * The kernel tells it when a supervised program crashes (a notice on its
 * port); from then on it checks the table of supervised programs every
 * check period, on the grid of multiples of the period, and restarts a dead
 * program at the first check at least its restart delay after the crash.
 * The delay is restart_after for the first crash of a program and doubles
 * with each further crash, up to backoff_max (exponential backoff: a
 * program that keeps crashing is restarted less and less often).
 */
#ifndef UKERN_RS_H
#define UKERN_RS_H

#include <stdint.h>

struct machine;
struct proc;

/* Create the supervisor (started at time 0, a daemon) checking every
 * check_ns (> 0). Returns the process, or NULL when memory runs out. */
struct proc *rs_install(struct machine *m, uint64_t check_ns);

/* The restart delay after the crashes-th crash (from 1) of a program:
 * restart_ns doubled crashes - 1 times, but never above max_ns (nor below
 * restart_ns). */
uint64_t rs_backoff(uint64_t restart_ns, uint32_t crashes, uint64_t max_ns);

#endif
