/*
 * units.h - durations as people write them ("250ns", "5us", "10ms", "2s")
 * and as the simulator keeps them (a 64-bit count of nanoseconds).
 */
#ifndef UKERN_UNITS_H
#define UKERN_UNITS_H

#include <stddef.h>
#include <stdint.h>

/* Parse a duration: a non-negative decimal number followed by ns, us, ms or s;
 * a bare number means milliseconds. Returns 0 and sets *ns, or -1 (and leaves
 * *ns alone) when s is malformed, negative or too large for 64 bits. */
int units_parse_duration(const char *s, uint64_t *ns);

/* Convert a number of milliseconds (a bare Lua number) to ns. Returns 0, or
 * -1 when ms is negative, not finite or too large. */
int units_ms_to_ns(double ms, uint64_t *ns);

/* Write ns as the shortest exact text in the largest unit that keeps it
 * readable ("1.5ms", "250ns", "2s"). Always NUL-terminates buf. */
void units_format_ns(uint64_t ns, char *buf, size_t len);

/* Parse a size in bytes: a whole decimal number, bare (bytes) or followed by
 * B, KiB, MiB, GiB or TiB (powers of 1024). Returns 0 and sets *bytes, or
 * leaves *bytes alone and returns -1 when s is malformed, -2 when it is well
 * formed but 2^64 bytes or more. */
int units_parse_bytes(const char *s, uint64_t *bytes);

#endif
