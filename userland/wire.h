/*
 * wire.h - the RPC wire encoding: typed values in one canonical, big-endian
 * form (in the manner of Sun XDR), written by client and server stubs.
 *
 *   value := tag payload                               (tag: one byte)
 *   0 nil | 1 false | 2 true
 *   3 i32    4 bytes, two's complement
 *   4 i64    8 bytes, two's complement
 *   5 f64    8 bytes, IEEE 754 binary64
 *   6 string 4-byte length, then the bytes (valid UTF-8)
 *   7 bytes  4-byte length, then the bytes (any)
 *   8 array  4-byte count n, then n values
 *   9 table  4-byte count n, then n pairs key value, keys sorted as in
 *            marshal.h (integers, then other numbers, then strings, then
 *            false before true)
 *
 * Every multi-byte number is big-endian on the wire. A process whose own
 * byte order is little-endian must convert each one it writes or reads: the
 * writer and the reader count those conversions (swaps) so that the stubs
 * can charge them; a big-endian process converts nothing.
 *
 * Decoding never trusts the bytes: a truncated value, an unknown tag, a
 * length or count beyond the bytes left or the limits, nesting deeper than
 * WIRE_MAX_DEPTH, or a value of another type than the one asked for sets an
 * error and stops the reader; it never reads out of bounds.
 */
#ifndef UKERN_WIRE_H
#define UKERN_WIRE_H

#include <lua.h>
#include <stddef.h>
#include <stdint.h>

enum wire_tag {
	WT_NIL, WT_FALSE, WT_TRUE, WT_I32, WT_I64, WT_F64, WT_STRING, WT_BYTES, WT_ARRAY, WT_TABLE,
	WT_COUNT
};

enum wire_order { WIRE_LITTLE = 0, WIRE_BIG = 1 };

#define WIRE_MAX_DEPTH 32
#define WIRE_MAX_BYTES (1u << 20)       /* one encoded message, as UK_MSG_MAX_BYTES */

/* A growing output buffer. Errors are sticky: after the first one every put
 * does nothing, and err says what went wrong. */
struct wbuf {
	uint8_t *p;
	size_t len, cap;
	enum wire_order order;   /* the writing process's own byte order */
	uint32_t values;         /* values written (each table, key, element) */
	uint32_t numbers;        /* multi-byte numbers written (payloads, lengths, counts) */
	uint32_t swaps;          /* of those, converted from the own order: numbers or 0 */
	const char *err;         /* NULL, or a static description */
};

void wbuf_init(struct wbuf *w, enum wire_order order);
void wbuf_free(struct wbuf *w);

void wire_put_nil(struct wbuf *w);
void wire_put_bool(struct wbuf *w, int b);
void wire_put_i32(struct wbuf *w, int32_t v);
void wire_put_i64(struct wbuf *w, int64_t v);
void wire_put_f64(struct wbuf *w, double v);
void wire_put_string(struct wbuf *w, const char *s, size_t len);   /* must be UTF-8 */
void wire_put_bytes(struct wbuf *w, const void *s, size_t len);
void wire_put_array(struct wbuf *w, uint32_t n);   /* then n values */
void wire_put_table(struct wbuf *w, uint32_t n);   /* then n key, value pairs */

/* A reader over len bytes at p (not copied). Errors are sticky, as above. */
struct wreader {
	const uint8_t *p;
	size_t len, pos;
	enum wire_order order;   /* the reading process's own byte order */
	uint32_t values, numbers, swaps;   /* as in struct wbuf, for what was read */
	uint32_t depth;          /* for the Lua bridge */
	const char *err;         /* NULL, or e.g. "truncated", "unknown tag 12" */
	char errbuf[64];
};

void wreader_init(struct wreader *r, const void *p, size_t len, enum wire_order order);

/* The tag of the next value without consuming it; -1 at the end or on error. */
int wire_peek(struct wreader *r);

/* Read one value of the given type. On a wrong type ("expected i32, got
 * string"), truncation or another error: r->err is set and 0/NULL/-1 comes
 * back. Strings and bytes point into the reader's buffer. wire_get_i64
 * also accepts an i32. */
int wire_get_nil(struct wreader *r);                      /* 0 or -1 */
int wire_get_bool(struct wreader *r);                     /* 0, 1 or -1 */
int32_t wire_get_i32(struct wreader *r);
int64_t wire_get_i64(struct wreader *r);
double wire_get_f64(struct wreader *r);
const char *wire_get_string(struct wreader *r, size_t *len);
const void *wire_get_bytes(struct wreader *r, size_t *len);
int64_t wire_get_array(struct wreader *r);                /* count, or -1 */
int64_t wire_get_table(struct wreader *r);                /* pairs, or -1 */
/* Skip one whole value of any type. 0 or -1. */
int wire_skip(struct wreader *r);

/* Lua bridge. wire_put_lua encodes the value at idx: nil, booleans; an
 * integer as i32 when it fits, else i64; a float as f64; a string as string
 * when it is valid UTF-8, else bytes; a table whose keys are exactly 1..n
 * (n >= 1) as an array, any other table as a table. Functions, threads and
 * userdata cannot travel: w->err names the type ("cannot pass a value of
 * type function"), and so do a key of another type, nesting deeper than
 * WIRE_MAX_DEPTH ("nested deeper than 32 (is it cyclic?)") and more than
 * WIRE_MAX_BYTES ("larger than 1048576 bytes"). Never raises a Lua error
 * except for lack of stack space. */
void wire_put_lua(lua_State *L, int idx, struct wbuf *w);

/* Decode one value and push it (arrays become sequences, bytes strings).
 * Returns 0, or -1 with r->err set and nothing pushed. */
int wire_push_lua(lua_State *L, struct wreader *r);

#endif
