/*
 * units.c - parsing and printing durations.
 *
 * Parsing is done by hand rather than with strtod so that "1e3ms", " 5ms",
 * "5 ms" and hexadecimal are all rejected: a student's typo should be an
 * error with the exact text, not a silently different run.
 */
#include "units.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const struct { const char *suffix; uint64_t ns; } unit_table[] = {
	{ "ns", 1 },
	{ "us", 1000 },
	{ "ms", 1000000 },
	{ "s", 1000000000 },
};

/* Scale a decimal "int.frac" (frac has fdigits digits) by unit, exactly. */
static int scale(uint64_t ip, uint64_t frac, int fdigits, uint64_t unit, uint64_t *ns)
{
	uint64_t div = 1;

	if (ip > UINT64_MAX / unit)
		return -1;
	for (int i = 0; i < fdigits; i++)
		div *= 10;
	/* The fraction may not be finer than a nanosecond. */
	if ((frac * unit) % div != 0)
		return -1;
	if (ip * unit > UINT64_MAX - frac * unit / div)
		return -1;
	*ns = ip * unit + frac * unit / div;
	return 0;
}

int units_parse_duration(const char *s, uint64_t *ns)
{
	uint64_t ip = 0, frac = 0, unit = 1000000;
	int idigits = 0, fdigits = 0;
	const char *p = s;

	for (; *p >= '0' && *p <= '9'; p++, idigits++) {
		uint64_t d = (uint64_t)(*p - '0');
		if (ip > (UINT64_MAX - d) / 10)
			return -1;
		ip = ip * 10 + d;
	}
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++) {
			/* Past nine digits only zeros can be exact in nanoseconds. */
			if (fdigits >= 9) {
				if (*p != '0')
					return -1;
				continue;
			}
			frac = frac * 10 + (uint64_t)(*p - '0');
			fdigits++;
		}
	}
	if (idigits == 0 && fdigits == 0)
		return -1;
	if (*p != '\0') {
		size_t i;
		for (i = 0; i < sizeof unit_table / sizeof unit_table[0]; i++)
			if (strcmp(p, unit_table[i].suffix) == 0)
				break;
		if (i == sizeof unit_table / sizeof unit_table[0])
			return -1;
		unit = unit_table[i].ns;
	}
	return scale(ip, frac, fdigits, unit, ns);
}

int units_ms_to_ns(double ms, uint64_t *ns)
{
	double v = ms * 1e6;

	if (!isfinite(v) || v < 0 || v >= 0x1p64)
		return -1;
	/* llround is only defined below 2^63; above, doubles are whole numbers. */
	*ns = v < 0x1p63 ? (uint64_t)llround(v) : (uint64_t)v;
	return 0;
}

void units_format_ns(uint64_t ns, char *buf, size_t len)
{
	static const struct { const char *suffix; uint64_t ns; } fmt[] = {
		{ "s", 1000000000 }, { "ms", 1000000 }, { "us", 1000 },
	};

	for (size_t i = 0; i < sizeof fmt / sizeof fmt[0]; i++) {
		uint64_t u = fmt[i].ns;
		if (ns >= u) {
			uint64_t whole = ns / u, rest = ns % u;
			int digits = 0;
			char frac[32];
			uint64_t d = u;

			if (rest == 0) {
				snprintf(buf, len, "%llu%s", (unsigned long long)whole, fmt[i].suffix);
				return;
			}
			while (d > 1) {
				d /= 10;
				digits++;
			}
			if (snprintf(frac, sizeof frac, "%0*u", digits, (unsigned)rest) >= (int)sizeof frac)
				frac[sizeof frac - 1] = '\0';
			for (int k = digits - 1; k > 0 && frac[k] == '0'; k--)
				frac[k] = '\0';
			snprintf(buf, len, "%llu.%s%s", (unsigned long long)whole, frac, fmt[i].suffix);
			return;
		}
	}
	snprintf(buf, len, "%lluns", (unsigned long long)ns);
}

int units_parse_bytes(const char *s, uint64_t *bytes)
{
	static const struct { const char *suffix; uint64_t mult; } units[] = {
		{ "", 1 }, { "B", 1 }, { "KiB", 1ull << 10 }, { "MiB", 1ull << 20 },
		{ "GiB", 1ull << 30 }, { "TiB", 1ull << 40 },
	};
	uint64_t v = 0;
	const char *p = s;
	int over = 0;   /* the digits alone are past 64 bits */

	for (; *p >= '0' && *p <= '9'; p++) {
		uint64_t d = (uint64_t)(*p - '0');
		over |= v > (UINT64_MAX - d) / 10;
		v = v * 10 + d;
	}
	if (p == s)
		return -1;
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
		if (strcmp(p, units[i].suffix) != 0)
			continue;
		if (over || v > UINT64_MAX / units[i].mult)
			return -2;
		*bytes = v * units[i].mult;
		return 0;
	}
	return -1;
}
