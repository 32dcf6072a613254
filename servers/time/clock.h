/*
 * clock.h - a drifting clock: what a node's or a process's clock reads at
 * a given true (virtual) time, when it will read a given value, and how it
 * is set (stepped) or slewed. Pure arithmetic on integers: no IPC, no
 * floating point, the same readings on every host.
 *
 * A clock starts with an offset (signed ns) and a drift, stored in parts
 * per billion: the nanoseconds it gains per true second (+50000 is "50us/s"
 * or "+50ppm"; negative drifts run slow). Until it is adjusted it reads
 *
 *     local(t) = t + offset + floor(t * drift / 10^9)
 *
 * saturated at 0 and UINT64_MAX. A step sets the reading outright (it may
 * jump backwards); a slew reaches the same correction gradually, along a
 * straight line, so the clock never runs backwards. doc/time-server.md has
 * the whole model and its rounding.
 *
 * Entry points: dclock_init, dclock_read, dclock_true_at, dclock_set,
 * dclock_slew, dclock_parse_drift, dclock_parse_offset.
 */
#ifndef UKERN_TIME_CLOCK_H
#define UKERN_TIME_CLOCK_H

#include <stddef.h>
#include <stdint.h>

/* Drifts lie in (DCLOCK_DRIFT_MIN, DCLOCK_DRIFT_MAX] ppb: at -10^9 (-1s/s)
 * the clock would stop; the fastest runs twice as fast as true time. */
#define DCLOCK_DRIFT_MIN (-1000000000LL)
#define DCLOCK_DRIFT_MAX 1000000000LL

/* The slew rate of BSD's and Linux's adjtime(): 500 ppm (0.5ms/s). */
#define DCLOCK_SLEW_ADJTIME 500000u

/* A straight piece of the clock's graph: from true time t0 on, it reads
 * l0 + floor(((t - t0) * num + phase) / den). */
struct dclock_line {
	uint64_t t0;        /* ns of true time where the line starts */
	uint64_t l0;        /* ns, the reading at t0 */
	uint64_t phase;     /* < den: the fraction of a ns already run at t0, in 1/den ns */
	uint64_t num, den;  /* local ns per true ns is num / den; den > 0 */
};

/* Changed only by dclock_init, dclock_set and dclock_slew. */
struct dclock {
	int64_t drift;           /* ppb (ns gained per true s), within the limits above */
	uint64_t since;          /* ns of true time of the last setting; reads ask at or after it */
	struct dclock_line lead; /* from since to run.t0: the slew in progress (or, for a
	                          * negative first offset, the time the clock still reads 0) */
	struct dclock_line run;  /* from run.t0 on: running free at 1 + drift */
};

/* Start a clock at true time 0 reading offset (clamped at 0 while negative)
 * and drifting by drift ppb. Returns 0, or -1 (c untouched) when drift is
 * out of (DCLOCK_DRIFT_MIN, DCLOCK_DRIFT_MAX]. */
int dclock_init(struct dclock *c, int64_t offset, int64_t drift);

/* The clock's reading at true time t (>= c->since), in ns: never less than
 * at an earlier t since the last setting, saturated at 0 and UINT64_MAX. */
uint64_t dclock_read(const struct dclock *c, uint64_t t);

/* The first true time t >= c->since at which the clock reads x or more: the
 * wake-up time of an alarm set for x in local time (t == c->since when the
 * clock already reads x then). Returns 0 and sets *t, or -1 (*t untouched)
 * when the clock does not reach x before true time runs out at UINT64_MAX. */
int dclock_true_at(const struct dclock *c, uint64_t x, uint64_t *t);

/* Step: from true time t (>= c->since) the clock reads value, then runs on
 * at its drift. Ends a slew in progress. The reading may jump backwards. */
void dclock_set(struct dclock *c, uint64_t t, uint64_t value);

/* Slew, as adjtime() does: from true time t (>= c->since) run rate ppb
 * faster (delta > 0) or slower (delta < 0) than the drift until the clock
 * is exactly delta ns off the reading it would have had, then run on at the
 * drift. The slew takes ceil(|delta| * 10^9 / rate) ns of true time, as one
 * straight line, so the reading never decreases. Replaces a slew in
 * progress (the part of it not yet made is dropped, as adjtime() does);
 * delta 0 just ends it. Returns 0, or -1 (c untouched) when rate is 0 or
 * above 10^9, when a negative delta's rate would stop the clock (rate must
 * be below 10^9 + drift) or when the slew would not end before UINT64_MAX. */
int dclock_slew(struct dclock *c, uint64_t t, int64_t delta, uint64_t rate);

/* Parse a drift: "50us/s" (a duration with its unit, per s, ms, us or ns),
 * "-20ppm", "1.5ppm", "300ppb" or "0", with an optional sign. Returns 0 and
 * sets *ppb, or -1 (*ppb untouched) with a message naming s in err (always
 * NUL-terminated when errlen > 0). */
int dclock_parse_drift(const char *s, int64_t *ppb, char *err, size_t errlen);

/* Parse an offset: an optionally signed duration, "+3ms", "-1.5ms", "250us"
 * (a bare number is ms, as everywhere). Returns 0 and sets *ns, or -1 (*ns
 * untouched) with a message naming s in err. */
int dclock_parse_offset(const char *s, int64_t *ns, char *err, size_t errlen);

#endif
