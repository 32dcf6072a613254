/*
 * ktimer.h - timer notices: at a virtual time a program asked for, the
 * kernel posts a notice message (sender pid 0, a struct uk_timer_notice
 * carrying the program's cookie) on one of the program's ports.
 *
 * The one idea: a thread that must not block while it waits (an
 * event-driven server with a disk request in flight) asks for a message
 * instead, and goes on receiving; the wait ends as one more message on the
 * port it already listens to. A timer cannot be cancelled: a program that
 * no longer wants one ignores its cookie.
 *
 * A pending timer belongs to its port (pt->timers) and to one event of the
 * machine's queue. Ports are freed only at the end of a run, so the pointer
 * stays valid until the event comes; a timer whose port has died by then is
 * discarded without a message. Timers still pending when the run ends are
 * freed with their port.
 *
 * Entry points: ktimer_set (SYS_TIMER), ktimer_fire (the event),
 * ktimer_free_port (port_free).
 */
#ifndef UKERN_KTIMER_H
#define UKERN_KTIMER_H

#include <stdint.h>

struct port;
struct thread;

struct ktimer {
	struct ktimer *prev, *next;   /* the port's pending timers */
	struct port *pt;              /* where the notice goes */
	int32_t name;                 /* the port as its setter names it (in the notice) */
	uint64_t cookie;              /* the setter's, returned in the notice */
	uint64_t at;                  /* virtual ns when it fires */
};

/* SYS_TIMER: t asks for a notice on its receive right t->sc.name at
 * t->sc.arg ns (now, if that has passed), carrying the cookie t->sc.val.
 * Answers UK_OK, UK_ENORIGHT (not a receive right of t's process) or
 * UK_ENOMEM. Never blocks. */
void ktimer_set(struct thread *t);

/* The time of kt has come: post its notice (unless its port has died) and
 * free it. */
void ktimer_fire(struct ktimer *kt);

/* Free the timers still pending on pt (the run has ended). */
void ktimer_free_port(struct port *pt);

#endif
