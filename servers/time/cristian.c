/*
 * cristian.c - Cristian's estimate and bound, and the choice of the best of
 * several probes, in integer ns with the rounding cristian.h states.
 */
#include "time/cristian.h"

/* a - b as a signed difference, saturated at INT64_MIN and INT64_MAX. */
static int64_t diff_sat(uint64_t a, uint64_t b)
{
	if (a >= b)
		return a - b > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)(a - b);
	return b - a > (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)(b - a - 1) - 1;
}

int cristian_estimate(const struct cristian_probe *p, uint64_t min, struct cristian_result *out)
{
	uint64_t rtt, half_down, half_up;

	if (p->t1 < p->t0)
		return -1;
	rtt = p->t1 - p->t0;
	half_down = rtt / 2;
	half_up = rtt - half_down;
	out->rtt = rtt;
	out->estimate = p->server > UINT64_MAX - half_down ? UINT64_MAX : p->server + half_down;
	out->error = half_up > min ? half_up - min : 0;
	out->offset = diff_sat(out->estimate, p->t1);
	return 0;
}

size_t cristian_best(const struct cristian_probe *p, size_t n)
{
	size_t best = n;

	for (size_t i = 0; i < n; i++) {
		if (p[i].t1 < p[i].t0)
			continue;
		/* Strictly shorter only: the first of equal round trips stays. */
		if (best == n || p[i].t1 - p[i].t0 < p[best].t1 - p[best].t0)
			best = i;
	}
	return best;
}
