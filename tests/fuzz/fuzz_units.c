/*
 * fuzz_units.c - fuzz target "units": the parsers of what people type -
 * durations (kernel/units.c), clock drifts and offsets (servers/time/
 * clock.c), picture sizes (viz_size_parse), job programs (procrun_check) -
 * and the drifting clock that a parsed drift and offset set up.
 *
 * Input: TEXT [NUL NUMBERS]. TEXT goes to every parser; NUMBERS (big-endian
 * 8-byte words, zero-padded at the end) are the times, readings and slews
 * the clock is asked about, and a duration and a double to print or
 * convert. Properties, beyond not crashing:
 * - a duration read back from its printed form is the same number of ns,
 *   both for TEXT and for any 64-bit count;
 * - an offset or drift is what its unsigned duration says, with its sign;
 *   a drift lies within the limits; a refused one gets a message that
 *   names the text;
 * - a picture size lies within the limits and prints back to itself;
 * - the clock never runs backwards between settings, a step reads what it
 *   set, a slew starts from the reading it found, and the inverse
 *   (dclock_true_at) gives the first time a reading is reached.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "fuzz.h"
#include "procrun.h"
#include "time/clock.h"
#include "units.h"
#include "viz.h"

/* Big-endian words from the bytes after the text, zeros once they run out. */
struct numbers {
	const uint8_t *p;
	size_t left;
};

static uint64_t next_u64(struct numbers *n)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++) {
		v = v << 8 | (n->left ? *n->p : 0);
		if (n->left) {
			n->p++;
			n->left--;
		}
	}
	return v;
}

/* ---- durations ---- */

/* ns must print to a text that parses back to ns. */
static void round_trips(uint64_t ns)
{
	char buf[64];
	uint64_t back = 0;

	units_format_ns(ns, buf, sizeof buf);
	FUZZ_CHECK(units_parse_duration(buf, &back) == 0);
	FUZZ_CHECK(back == ns);
}

static void check_duration(const char *s, struct numbers *n)
{
	const uint64_t sentinel = 0x5eed5eed5eed5eedull;
	uint64_t ns = sentinel;
	double ms;
	uint64_t bits = next_u64(n);

	if (units_parse_duration(s, &ns) == 0)
		round_trips(ns);
	else
		FUZZ_CHECK(ns == sentinel);
	round_trips(next_u64(n));
	memcpy(&ms, &bits, sizeof ms);
	ns = sentinel;
	if (units_ms_to_ns(ms, &ns) == 0) {
		/* Within rounding of the exact product. */
		FUZZ_CHECK(isfinite(ms) && ms >= 0);
		FUZZ_CHECK(fabs((double)ns - ms * 1e6) <= 1.0 + ms * 1e6 * 0x1p-52);
	} else {
		FUZZ_CHECK(ns == sentinel);
	}
}

/* ---- drifts and offsets ---- */

/* What the unsigned text after an optional sign parses to as a duration. */
static int unsigned_part(const char *s, uint64_t *mag, int *neg)
{
	*neg = s[0] == '-';
	return units_parse_duration(s + (s[0] == '-' || s[0] == '+'), mag);
}

/* A refused text gets a message that names it (when it fits in err). */
static void names_text(const char *err, size_t errlen, const char *s)
{
	FUZZ_CHECK(memchr(err, '\0', errlen) != NULL);
	if (strlen(s) < errlen / 4)
		FUZZ_CHECK(strstr(err, s) != NULL);
}

static int check_offset(const char *s, int64_t *out)
{
	char err[512];
	int64_t ns = 42;
	uint64_t mag;
	int neg, rc = dclock_parse_offset(s, &ns, err, sizeof err);

	if (rc != 0) {
		FUZZ_CHECK(ns == 42);
		names_text(err, sizeof err, s);
		return -1;
	}
	FUZZ_CHECK(unsigned_part(s, &mag, &neg) == 0);
	if (neg)
		FUZZ_CHECK(ns <= 0 && (uint64_t)-(ns + 1) + 1 == mag);
	else
		FUZZ_CHECK(ns >= 0 && (uint64_t)ns == mag);
	*out = ns;
	return 0;
}

static int check_drift(const char *s, int64_t *out)
{
	char err[512];
	int64_t ppb = 42;
	int rc = dclock_parse_drift(s, &ppb, err, sizeof err);

	if (rc != 0) {
		FUZZ_CHECK(ppb == 42);
		names_text(err, sizeof err, s);
		return -1;
	}
	FUZZ_CHECK(ppb > DCLOCK_DRIFT_MIN && ppb <= DCLOCK_DRIFT_MAX);
	FUZZ_CHECK((s[0] == '-') == (ppb < 0) || ppb == 0);
	*out = ppb;
	return 0;
}

/* ---- the clock those set up ---- */

/* x is first reached at t: the reading there is x or more, and one ns
 * earlier (since the last setting) it was less. */
static void check_inverse(const struct dclock *c, uint64_t x)
{
	uint64_t t = 0;

	if (dclock_true_at(c, x, &t) == 0) {
		FUZZ_CHECK(t >= c->since);
		FUZZ_CHECK(dclock_read(c, t) >= x);
		FUZZ_CHECK(t == c->since || dclock_read(c, t - 1) < x);
	} else {
		FUZZ_CHECK(dclock_read(c, UINT64_MAX) < x);
	}
}

/* Readings at two times from since on, in order, never decrease. */
static void check_monotonic(const struct dclock *c, uint64_t a, uint64_t b)
{
	uint64_t lo = a < b ? a : b, hi = a < b ? b : a;

	lo = lo < c->since ? c->since : lo;
	hi = hi < lo ? lo : hi;
	FUZZ_CHECK(dclock_read(c, lo) <= dclock_read(c, hi));
}

/* A time at or after the clock's last setting. */
static uint64_t at_or_after(const struct dclock *c, uint64_t t)
{
	/* since > 0 when t < since, so the modulus is not 0. */
	return t < c->since ? c->since + t % (UINT64_MAX - c->since + 1) : t;
}

static void check_clock(int64_t offset, int64_t drift, struct numbers *n)
{
	struct dclock c;

	FUZZ_CHECK(dclock_init(&c, offset, drift) == 0);
	for (int step = 0; step < 4 && n->left; step++) {
		uint64_t op = next_u64(n), t = at_or_after(&c, next_u64(n)), v = next_u64(n);
		uint64_t before = dclock_read(&c, t);

		check_monotonic(&c, next_u64(n), next_u64(n));
		check_inverse(&c, v);
		if (op % 3 == 0) {
			dclock_set(&c, t, v);
			FUZZ_CHECK(dclock_read(&c, t) == v);
		} else if (op % 3 == 1) {
			struct dclock old = c;
			if (dclock_slew(&c, t, (int64_t)v, op >> 2) == 0)
				FUZZ_CHECK(dclock_read(&c, t) == before);
			else
				FUZZ_CHECK(memcmp(&old, &c, sizeof c) == 0);
		}
		check_monotonic(&c, next_u64(n), next_u64(n));
	}
}

/* ---- sizes and programs ---- */

static void check_size(const char *s)
{
	int w = -1, h = -1, w2 = -1, h2 = -1;
	char buf[32];

	if (viz_size_parse(s, &w, &h) != 0) {
		FUZZ_CHECK(w == -1 && h == -1);
		return;
	}
	FUZZ_CHECK(w >= VIZ_MIN_W && w <= VIZ_MAX_SIDE && h >= VIZ_MIN_H && h <= VIZ_MAX_SIDE);
	snprintf(buf, sizeof buf, "%dx%d", w, h);
	FUZZ_CHECK(viz_size_parse(buf, &w2, &h2) == 0 && w2 == w && h2 == h);
}

static void check_program(const char *s)
{
	char err[160];

	err[0] = 'x';
	if (procrun_check(s, err, sizeof err) != 0)
		FUZZ_CHECK(memchr(err, '\0', sizeof err) != NULL && err[0] != '\0');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size);
	size_t len = strlen(s);
	struct numbers n = { data + len + (len < size), size - len - (len < size) };
	int64_t offset, drift;

	check_duration(s, &n);
	/* The clock's offset and drift come from the text where it reads as
	 * one, else from the numbers (a drift brought within its limits). */
	if (check_offset(s, &offset) != 0)
		offset = (int64_t)next_u64(&n);
	if (check_drift(s, &drift) != 0)
		drift = (int64_t)(next_u64(&n) % 1999999999u) - 999999999;
	check_size(s);
	check_program(s);
	check_clock(offset, drift, &n);
	free(s);
	return 0;
}
