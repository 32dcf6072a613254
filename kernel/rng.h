/*
 * rng.h - the machine's seeded random generator (xoshiro256**).
 *
 * Every random choice in a run comes from here, so one seed gives one run.
 */
#ifndef UKERN_RNG_H
#define UKERN_RNG_H

#include <stdint.h>

struct rng {
	uint64_t s[4];
};

/* Seed the generator; any seed, including 0, gives a valid state. */
void rng_seed(struct rng *r, uint64_t seed);

/* The next 64 random bits. */
uint64_t rng_next(struct rng *r);

/* A uniform integer in [0, n); n must be > 0. Unbiased (rejection). */
uint64_t rng_below(struct rng *r, uint64_t n);

/* A uniform double in [0, 1). */
double rng_unit(struct rng *r);

#endif
