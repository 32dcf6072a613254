/*
 * pclock.h - every process's own clock: the drifting clock (clock.h) that
 * clock.now() and uk_clock() read, corrected by the process's syncs, and
 * what the last sync did, for the statistics.
 *
 * A process's clock hangs off p->clock. Until a scenario declares a drift
 * or an offset (machine { }, process { }, server { }) or a process sets
 * its clock, p->clock is NULL and the process reads true time: a perfect
 * clock. Every clock starts at true time 0, when the machine boots, with
 * its declared offset and drift; a process that starts later finds it
 * running. Readings are only ever asked at the current virtual time, which
 * never goes back, as dclock_read requires.
 *
 * Once any clock exists the machine's statistics get a "clocks" section
 * (pclock_watch); scenarios without clocks keep their statistics as they
 * were.
 *
 * Entry points: pclock_attach, pclock_copy, pclock_of, pclock_read,
 * pclock_until, pclock_step, pclock_slew, pclock_note_round, pclock_error,
 * pclock_watch.
 */
#ifndef UKERN_TIME_PCLOCK_H
#define UKERN_TIME_PCLOCK_H

#include <stdint.h>

#include "time/clock.h"

struct machine;
struct proc;

enum pclock_adjust { PCLOCK_NONE, PCLOCK_STEP, PCLOCK_SLEW };

#define PCLOCK_MAX_ROUNDS 32   /* Berkeley rounds whose result the statistics keep */

/* A clock's true error just after a Berkeley adjustment (pclock_note_round). */
struct pclock_round {
	uint32_t round;          /* the master's round number, from 1 */
	uint64_t at_ns;          /* true time of the adjustment */
	int64_t error_ns;        /* reading - true time then */
};

/* Changed by the pclock_* functions only, in the kernel loop (a body's
 * call runs there). */
struct pclock {
	struct dclock c;         /* the clock itself */
	uint64_t syncs;          /* corrections applied (steps and slews) */
	enum pclock_adjust last; /* how the last one was applied */
	uint64_t last_ns;        /* ns of true time of the last correction */
	int64_t last_offset;     /* ns, what the last correction added */
	uint64_t last_error;     /* ns, the error bound the sync gave for it */
	uint32_t nrounds;        /* Berkeley adjustments noted (the first PCLOCK_MAX_ROUNDS kept) */
	struct pclock_round rounds[PCLOCK_MAX_ROUNDS];
};

/* Give p a clock reading offset at true time 0 and drifting by drift ppb
 * (a clock p had is replaced), and turn on the clock statistics of p's
 * machine. Returns 0, or -1 (p untouched) when drift is out of the limits
 * of clock.h or memory runs out. */
int pclock_attach(struct proc *p, int64_t offset, int64_t drift);

/* Give to a copy of from's clock (NULL when from has none): a new
 * incarnation of a program runs on the same node, whose clock ran on.
 * Returns 0, or -1 (to untouched) when memory runs out. */
int pclock_copy(struct proc *to, const struct proc *from);

/* p's clock, made perfect (drift 0, reading true time) if p had none, so
 * that it can be set. Returns NULL when memory runs out. */
struct pclock *pclock_of(struct proc *p);

/* What p's clock reads at true time t, in ns (t itself for a perfect clock). */
uint64_t pclock_read(const struct proc *p, uint64_t t);

/* The ns of true time from now until p's clock reads x: 0 if it already
 * does, UINT64_MAX if it never will (before virtual time ends). */
uint64_t pclock_until(const struct proc *p, uint64_t now, uint64_t x);

/* Step p's clock by offset ns (saturated at 0 and UINT64_MAX) at true time
 * now, a sync with error bound error. Returns 0, or -1 when memory runs
 * out (p's clock unchanged). */
int pclock_step(struct proc *p, uint64_t now, int64_t offset, uint64_t error);

/* Slew p's clock by offset ns from true time now at adjtime()'s rate
 * (DCLOCK_SLEW_ADJTIME), a sync with error bound error. Returns 0, or -1
 * (p's clock unchanged) when memory runs out or the slew is refused (it
 * would not end before virtual time does). */
int pclock_slew(struct proc *p, uint64_t now, int64_t offset, uint64_t error);

/* Note that p's clock was just adjusted in round of a Berkeley master, at
 * true time now: its true error then goes into the statistics. Expects p
 * to have a clock (the adjustment made it one). */
void pclock_note_round(struct proc *p, uint64_t now, uint32_t round);

/* reading - t of p's clock as a signed number of ns, saturated. */
int64_t pclock_error(const struct proc *p, uint64_t t);

/* Turn on m's clock statistics: a "clocks" section in the JSON, a line per
 * clock in the text summary (doc/stats.md). */
void pclock_watch(struct machine *m);

#endif
