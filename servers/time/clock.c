/*
 * clock.c - the drifting clock of clock.h: readings, their inverse, steps,
 * slews and the drift and offset syntax.
 *
 * The one idea: a clock's graph is at most two straight lines, each read as
 * l0 + floor((k * num + phase) / den) with k the true ns since the line's
 * start. The products need 128 bits; they are done in two 64-bit halves
 * (muladd_div) rather than with a compiler's 128-bit type, so that every
 * host, 32-bit ones included, computes the same readings to the ns.
 * Continuing a line from a later point keeps its phase, so a clock that is
 * rebased (at a slew's end) reads exactly as if it had run on unbroken.
 */
#include "time/clock.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "units.h"

#define NS_PER_S 1000000000u

/* ---- exact 64 x 64 / 64 arithmetic ---- */

/* *hi:*lo = a * b, from four 32-bit partial products. */
static void mul_wide(uint64_t a, uint64_t b, uint64_t *hi, uint64_t *lo)
{
	uint64_t al = a & 0xffffffffu, ah = a >> 32, bl = b & 0xffffffffu, bh = b >> 32;
	uint64_t ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
	uint64_t mid = (ll >> 32) + (lh & 0xffffffffu) + (hl & 0xffffffffu);

	*lo = (mid << 32) | (ll & 0xffffffffu);
	*hi = hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
}

/* *q, *r = quotient and remainder of (a * b + c) / d, exactly (d > 0).
 * Returns 0, or -1 when the quotient does not fit in 64 bits. The division
 * is schoolbook long division, one quotient bit per step. */
static int muladd_div(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t *q, uint64_t *r)
{
	uint64_t hi, lo, quo = 0;

	assert(d > 0 && "muladd_div: division by zero");
	mul_wide(a, b, &hi, &lo);
	lo += c;
	hi += lo < c;          /* a * b + c < 2^128 always: no carry out of hi */
	if (hi >= d)
		return -1;
	for (int i = 0; i < 64; i++) {
		uint64_t top = hi >> 63;
		hi = (hi << 1) | (lo >> 63);
		lo <<= 1;
		quo <<= 1;
		/* hi < d before the shift, so the shifted remainder is < 2d: one
		 * subtraction (mod 2^64 when the top bit went out) is enough. */
		if (top || hi >= d) {
			hi -= d;
			quo |= 1;
		}
	}
	*q = quo;
	*r = hi;
	return 0;
}

static uint64_t add_sat(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/* |v| as unsigned, INT64_MIN included. */
static uint64_t magnitude(int64_t v)
{
	return v < 0 ? (uint64_t)-(v + 1) + 1 : (uint64_t)v;
}

/* ---- lines ---- */

/* The line running free at 1 + drift from (t, l0, phase). */
static struct dclock_line free_line(int64_t drift, uint64_t t, uint64_t l0, uint64_t phase)
{
	return (struct dclock_line){ t, l0, phase, (uint64_t)(NS_PER_S + drift), NS_PER_S };
}

/* The line's reading at t >= ln->t0, saturated at UINT64_MAX. */
static uint64_t line_read(const struct dclock_line *ln, uint64_t t)
{
	uint64_t q, r;

	if (muladd_div(t - ln->t0, ln->num, ln->phase, ln->den, &q, &r) != 0)
		return UINT64_MAX;
	return add_sat(ln->l0, q);
}

/* The same line, restarted at t >= ln->t0 with the phase it has there, so
 * it reads exactly as ln does from t on. */
static struct dclock_line line_from(const struct dclock_line *ln, uint64_t t)
{
	struct dclock_line out = *ln;
	uint64_t q, r;

	out.t0 = t;
	if (muladd_div(t - ln->t0, ln->num, ln->phase, ln->den, &q, &r) != 0 ||
	    ln->l0 > UINT64_MAX - q) {
		out.l0 = UINT64_MAX;     /* saturated: it reads UINT64_MAX from here on */
		out.phase = 0;
	} else {
		out.l0 = ln->l0 + q;
		out.phase = r;
	}
	return out;
}

/* The fewest true ns k after ln->t0 at which the line reads x or more.
 * Returns 0, or -1 when no k fits in 64 bits (or the line is flat below x). */
static int line_reach(const struct dclock_line *ln, uint64_t x, uint64_t *k)
{
	uint64_t q, r;

	if (x <= ln->l0) {
		*k = 0;
		return 0;
	}
	if (ln->num == 0)
		return -1;
	/* l0 + floor((k*num + phase) / den) >= x  <=>  k*num >= y*den - phase
	 * with y = x - l0 >= 1; the right side is (y - 1)*den + (den - phase). */
	if (muladd_div(x - ln->l0 - 1, ln->den, ln->den - ln->phase, ln->num, &q, &r) != 0 ||
	    (r != 0 && q == UINT64_MAX))
		return -1;
	*k = q + (r != 0);
	return 0;
}

/* ---- the clock ---- */

static int drift_ok(int64_t drift)
{
	return drift > DCLOCK_DRIFT_MIN && drift <= DCLOCK_DRIFT_MAX;
}

int dclock_init(struct dclock *c, int64_t offset, int64_t drift)
{
	struct dclock_line zero = { 0, 0, 0, 0, 1 }, ideal;
	uint64_t neg = magnitude(offset), k;

	if (!drift_ok(drift))
		return -1;
	c->drift = drift;
	c->since = 0;
	if (offset >= 0) {
		c->run = free_line(drift, 0, neg, 0);
		c->lead = c->run;
		return 0;
	}
	/* t + offset + floor(t * drift / 10^9) is negative, so the clock reads
	 * 0, until the ideal clock (offset 0) reads |offset|; from there on the
	 * clock is that line lowered by |offset|, with its phase. */
	ideal = free_line(drift, 0, 0, 0);
	c->lead = zero;
	if (line_reach(&ideal, neg, &k) != 0) {
		c->run = zero;               /* it reads 0 to the end of time */
		c->run.t0 = UINT64_MAX;
		return 0;
	}
	c->run = line_from(&ideal, k);
	c->run.l0 -= neg;
	return 0;
}

uint64_t dclock_read(const struct dclock *c, uint64_t t)
{
	assert(t >= c->since && "dclock_read: a time before the clock's last setting");
	return line_read(t < c->run.t0 ? &c->lead : &c->run, t);
}

int dclock_true_at(const struct dclock *c, uint64_t x, uint64_t *t)
{
	uint64_t k;

	/* The lead ends at run.t0 reading run.l0 or less, so a reading not made
	 * on the lead is first made on the run. */
	if (c->lead.t0 < c->run.t0 && line_reach(&c->lead, x, &k) == 0 &&
	    k < c->run.t0 - c->lead.t0) {
		*t = c->lead.t0 + k;
		return 0;
	}
	if (line_reach(&c->run, x, &k) != 0 || k > UINT64_MAX - c->run.t0)
		return -1;
	*t = c->run.t0 + k;
	return 0;
}

void dclock_set(struct dclock *c, uint64_t t, uint64_t value)
{
	assert(t >= c->since && "dclock_set: a time before the clock's last setting");
	c->since = t;
	c->run = free_line(c->drift, t, value, 0);
	c->lead = c->run;
}

/* The line the clock would follow from t if it ran free at its drift: its
 * own run continued exactly, or, from inside a lead, a new line through
 * the reading at t. */
static struct dclock_line free_from(const struct dclock *c, uint64_t t)
{
	if (t >= c->run.t0)
		return line_from(&c->run, t);
	return free_line(c->drift, t, dclock_read(c, t), 0);
}

int dclock_slew(struct dclock *c, uint64_t t, int64_t delta, uint64_t rate)
{
	uint64_t mag = magnitude(delta), span, r;
	struct dclock_line from, end;

	assert(t >= c->since && "dclock_slew: a time before the clock's last setting");
	if (rate == 0 || rate > NS_PER_S)
		return -1;
	if (delta < 0 && rate >= (uint64_t)(NS_PER_S + c->drift))
		return -1;
	/* span = ceil(|delta| * 10^9 / rate) true ns. */
	if (muladd_div(mag, NS_PER_S, rate - 1, rate, &span, &r) != 0 || span > UINT64_MAX - t)
		return -1;
	from = free_from(c, t);
	end = line_from(&from, t + span);
	if (delta >= 0)
		end.l0 = add_sat(end.l0, mag);
	else
		end.l0 = end.l0 >= mag ? end.l0 - mag : 0;
	/* A valid rate makes end.l0 >= from.l0; only saturation could break it,
	 * and then the clock stands still rather than run backwards. */
	if (end.l0 < from.l0)
		end.l0 = from.l0;
	c->since = t;
	c->run = end;
	c->lead = (struct dclock_line){ t, from.l0, 0, end.l0 - from.l0, span ? span : 1 };
	return 0;
}

/* ---- syntax ---- */

/* The units a drift may be written per ("50us/s", "1us/ms"), and how many
 * of each make a second. */
static const struct { const char *unit; uint64_t in_s; } per_table[] = {
	{ "s", 1 }, { "ms", 1000 }, { "us", 1000000 }, { "ns", 1000000000 },
};

/* How many of unit make a second, or 0 for no unit a drift may be per. */
static uint64_t per_unit(const char *unit)
{
	for (size_t i = 0; i < sizeof per_table / sizeof per_table[0]; i++)
		if (strcmp(unit, per_table[i].unit) == 0)
			return per_table[i].in_s;
	return 0;
}

static int fail(char *err, size_t errlen, const char *fmt, const char *s)
{
	if (err && errlen > 0)
		snprintf(err, errlen, fmt, s);
	return -1;
}

/* The ns gained per true s by an unsigned drift text p (no sign): "50us/s",
 * "20ppm" (= "20us/s"), "300ppb" (= "300ns/s"), "0". Returns 0, or -1 when
 * malformed or beyond 64 bits. */
static int drift_magnitude(const char *p, uint64_t *ppb)
{
	char num[64];
	size_t n = strlen(p);
	const char *slash = strchr(p, '/');
	uint64_t ns, in_s = 1;

	if (strcmp(p, "0") == 0) {
		*ppb = 0;
		return 0;
	}
	if (n >= sizeof num)
		return -1;
	if (n > 3 && (strcmp(p + n - 3, "ppm") == 0 || strcmp(p + n - 3, "ppb") == 0)) {
		/* A ppm is a us per s and a ppb a ns per s: read the number as such. */
		memcpy(num, p, n - 3);
		strcpy(num + n - 3, p[n - 1] == 'm' ? "us" : "ns");
	} else if (slash && slash > p && slash[-1] >= 'a' && slash[-1] <= 'z') {
		/* The duration must name its unit: "50/s" would be 50 ms a second. */
		if ((in_s = per_unit(slash + 1)) == 0)
			return -1;
		memcpy(num, p, (size_t)(slash - p));
		num[slash - p] = '\0';
	} else {
		return -1;
	}
	if (units_parse_duration(num, &ns) != 0 || ns > UINT64_MAX / in_s)
		return -1;
	*ppb = ns * in_s;
	return 0;
}

int dclock_parse_drift(const char *s, int64_t *ppb, char *err, size_t errlen)
{
	int neg = s[0] == '-';
	uint64_t mag;

	if (drift_magnitude(s + (s[0] == '-' || s[0] == '+'), &mag) != 0)
		return fail(err, errlen, "drift '%s': expected a rate such as \"50us/s\", "
			    "\"-20ppm\", \"300ppb\" or \"0\"", s);
	if (neg && mag >= (uint64_t)-DCLOCK_DRIFT_MIN)
		return fail(err, errlen, "drift '%s': the clock would stop or run backwards "
			    "(a drift must be above -1s/s, -1000000ppm)", s);
	if (!neg && mag > (uint64_t)DCLOCK_DRIFT_MAX)
		return fail(err, errlen, "drift '%s': too fast (a drift is at most +1s/s, "
			    "+1000000ppm)", s);
	*ppb = neg ? -(int64_t)mag : (int64_t)mag;
	return 0;
}

int dclock_parse_offset(const char *s, int64_t *ns, char *err, size_t errlen)
{
	int neg = s[0] == '-';
	uint64_t mag;

	if (units_parse_duration(s + (s[0] == '-' || s[0] == '+'), &mag) != 0)
		return fail(err, errlen, "offset '%s': expected a duration with an optional sign, "
			    "such as \"+3ms\", \"-1.5ms\" or \"250us\" (a bare number is ms)", s);
	if (mag > (uint64_t)INT64_MAX + neg)
		return fail(err, errlen, "offset '%s': too large (an offset is within "
			    "+-2^63 ns, about 292 years)", s);
	*ns = neg ? -(int64_t)(mag - 1) - 1 : (int64_t)mag;
	return 0;
}
