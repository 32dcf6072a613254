/*
 * cristian.h - the client's side of Cristian's algorithm: from one probe
 * (the client's clock when it asked, the server's time in the reply, the
 * client's clock when the reply came) estimate the server's time and how
 * far off the estimate can be. Pure arithmetic: the stubs that send the
 * probes and the clock that is corrected live elsewhere (clock.h).
 *
 * The server's time T was read somewhere between the request's arrival and
 * the reply's departure, so when the reply arrives the server's clock reads
 * between T + min and T + RTT - min (min: the least one-way delay). The
 * estimate is the middle, T + RTT/2, within +-(RTT/2 - min).
 *
 * Entry points: cristian_estimate, cristian_best.
 */
#ifndef UKERN_TIME_CRISTIAN_H
#define UKERN_TIME_CRISTIAN_H

#include <stddef.h>
#include <stdint.h>

/* One request-reply exchange, as the client recorded it. */
struct cristian_probe {
	uint64_t t0;        /* ns, the client's clock when the request was sent */
	uint64_t server;    /* ns, the server's clock as written in its reply (T) */
	uint64_t t1;        /* ns, the client's clock when the reply was received */
};

struct cristian_result {
	uint64_t rtt;       /* ns, t1 - t0 */
	uint64_t estimate;  /* ns, T + floor(rtt / 2) (saturated): the server's time at t1 */
	uint64_t error;     /* ns, ceil(rtt / 2) - min, at least 0: the server's time at t1
	                     * lies within estimate +- error */
	int64_t offset;     /* ns, estimate - t1 (saturated): what to add to the client's clock */
};

/* Cristian's estimate from probe p, with min the least one-way delay known
 * (0 when none is known). The estimate rounds half a ns down and the bound
 * rounds it up, so the bound holds exactly; a min above half the RTT (the
 * probe contradicts it) gives a bound of 0. Returns 0 and fills *out, or -1
 * (*out untouched) when p->t1 < p->t0. */
int cristian_estimate(const struct cristian_probe *p, uint64_t min, struct cristian_result *out);

/* The index of the probe with the smallest round trip among p[0..n-1] (the
 * tightest bound), the first of equals; probes with t1 < t0 are skipped.
 * Returns n when there is no valid probe. */
size_t cristian_best(const struct cristian_probe *p, size_t n);

#endif
