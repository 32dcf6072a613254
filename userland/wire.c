/*
 * wire.c - the RPC wire codec (the format and its contract: wire.h; the
 * Lua bridge: wire_lua.c).
 *
 * The one idea: a value is written or read whole or not at all, and the
 * first error stops the buffer or the reader for good, so a stub can put or
 * get a whole message and look at err once, at the end. Numbers are built
 * and taken apart with shifts, so the bytes are the same on every host; the
 * simulated process's own byte order only decides what counts as a swap.
 *
 * Entry points: wbuf_init, wbuf_free and wire_put_* write; wreader_init,
 * wire_peek, wire_get_* and wire_skip read.
 */
#include "wire.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "uk_limits.h"
#include "wire_impl.h"

_Static_assert(WIRE_MAX_BYTES == UK_MSG_MAX_BYTES, "a wire message is one kernel message");
_Static_assert(WIRE_MAX_BYTES == 1048576, "wire_e_too_big spells WIRE_MAX_BYTES out");
_Static_assert(WIRE_MAX_DEPTH == 32, "wire_e_too_deep spells WIRE_MAX_DEPTH out");

static const char E_TRUNCATED[] = "truncated";
static const char E_UTF8[] = "invalid UTF-8 in a string";
static const char E_LENGTH[] = "length beyond the message";
static const char E_COUNT[] = "count beyond the message";
static const char E_NOMEM[] = "out of memory";
const char wire_e_too_deep[] = "nested deeper than 32 (is it cyclic?)";
const char wire_e_too_big[] = "larger than 1048576 bytes";

const char *const wire_tag_name[WT_COUNT] = {
	[WT_NIL] = "nil", [WT_FALSE] = "false", [WT_TRUE] = "true",
	[WT_I32] = "i32", [WT_I64] = "i64", [WT_F64] = "f64",
	[WT_STRING] = "string", [WT_BYTES] = "bytes", [WT_ARRAY] = "array", [WT_TABLE] = "table",
};

/* ---- numbers and text, whatever the host ---- */

static void store_u32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void store_u64(uint8_t *p, uint64_t v)
{
	store_u32(p, (uint32_t)(v >> 32));
	store_u32(p + 4, (uint32_t)v);
}

static uint32_t load_u32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t load_u64(const uint8_t *p)
{
	return (uint64_t)load_u32(p) << 32 | load_u32(p + 4);
}

/* Two's complement back to signed without the implementation-defined
 * conversion of an out-of-range unsigned value. */
static int32_t to_i32(uint32_t v)
{
	return v <= INT32_MAX ? (int32_t)v : -(int32_t)(UINT32_MAX - v) - 1;
}

static int64_t to_i64(uint64_t v)
{
	return v <= INT64_MAX ? (int64_t)v : -(int64_t)(UINT64_MAX - v) - 1;
}

/* Each multi-byte number crossing the wire costs a little-endian process a
 * conversion; the stubs charge for them. */
static void count_number(enum wire_order order, uint32_t *numbers, uint32_t *swaps)
{
	(*numbers)++;
	if (order == WIRE_LITTLE)
		(*swaps)++;
}

/* The length of the well-formed UTF-8 sequence at s (left > 0 bytes), or 0:
 * RFC 3629, so no overlong forms, no surrogates, nothing above U+10FFFF. */
static size_t utf8_seq(const uint8_t *s, size_t left)
{
	static const uint32_t min[4] = { 0, 0x80, 0x800, 0x10000 };
	uint32_t cp;
	size_t n;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 1, cp = s[0] & 0x1fu;
	else if ((s[0] & 0xf0) == 0xe0)
		n = 2, cp = s[0] & 0x0fu;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 3, cp = s[0] & 0x07u;
	else
		return 0;
	if (left <= n)
		return 0;
	for (size_t k = 1; k <= n; k++) {
		if ((s[k] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[k] & 0x3fu);
	}
	if (cp < min[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n + 1;
}

int wire_utf8_valid(const void *p, size_t len)
{
	const uint8_t *s = p;
	size_t n;

	for (size_t i = 0; i < len; i += n)
		if (!(n = utf8_seq(s + i, len - i)))
			return 0;
	return 1;
}

/* ---- writing ---- */

void wbuf_init(struct wbuf *w, enum wire_order order)
{
	memset(w, 0, sizeof *w);
	w->order = order;
}

void wbuf_free(struct wbuf *w)
{
	free(w->p);
	wbuf_init(w, w->order);
}

void wire_wfail(struct wbuf *w, const char *err)
{
	if (!w->err)
		w->err = err;
}

/* Room for n more bytes, or NULL with the error set. */
static uint8_t *reserve(struct wbuf *w, size_t n)
{
	uint8_t *p;
	size_t cap;

	if (n > WIRE_MAX_BYTES - w->len) {
		wire_wfail(w, wire_e_too_big);
		return NULL;
	}
	if (w->len + n > w->cap) {
		for (cap = w->cap ? w->cap : 64; cap < w->len + n; cap *= 2)
			;
		cap = cap < WIRE_MAX_BYTES ? cap : WIRE_MAX_BYTES;
		if (!(p = realloc(w->p, cap))) {
			wire_wfail(w, E_NOMEM);
			return NULL;
		}
		w->p = p;
		w->cap = cap;
	}
	p = w->p + w->len;
	w->len += n;
	return p;
}

/* Start a value: reserve its tag and whole payload of n bytes at once (so
 * that a failed put writes nothing), write the tag, count the value.
 * Returns where the payload goes, or NULL. */
static uint8_t *put_value(struct wbuf *w, enum wire_tag tag, size_t n)
{
	uint8_t *p;

	if (w->err)
		return NULL;
	if (n >= WIRE_MAX_BYTES) {
		wire_wfail(w, wire_e_too_big);
		return NULL;
	}
	if (!(p = reserve(w, 1 + n)))
		return NULL;
	*p = (uint8_t)tag;
	w->values++;
	return p + 1;
}

static uint8_t *put_u32(struct wbuf *w, uint8_t *p, uint32_t v)
{
	store_u32(p, v);
	count_number(w->order, &w->numbers, &w->swaps);
	return p + 4;
}

static void put_u64(struct wbuf *w, uint8_t *p, uint64_t v)
{
	store_u64(p, v);
	count_number(w->order, &w->numbers, &w->swaps);
}

void wire_put_nil(struct wbuf *w)
{
	put_value(w, WT_NIL, 0);
}

void wire_put_bool(struct wbuf *w, int b)
{
	put_value(w, b ? WT_TRUE : WT_FALSE, 0);
}

void wire_put_i32(struct wbuf *w, int32_t v)
{
	uint8_t *p = put_value(w, WT_I32, 4);

	if (p)
		put_u32(w, p, (uint32_t)v);
}

void wire_put_i64(struct wbuf *w, int64_t v)
{
	uint8_t *p = put_value(w, WT_I64, 8);

	if (p)
		put_u64(w, p, (uint64_t)v);
}

/* The bits are copied, never computed on, so every NaN keeps its payload. */
void wire_put_f64(struct wbuf *w, double v)
{
	uint8_t *p = put_value(w, WT_F64, 8);
	uint64_t bits;

	memcpy(&bits, &v, sizeof bits);
	if (p)
		put_u64(w, p, bits);
}

/* A length and the bytes, under tag string or bytes. */
static void put_blob(struct wbuf *w, enum wire_tag tag, const void *s, size_t len)
{
	uint8_t *p = put_value(w, tag, len < WIRE_MAX_BYTES ? 4 + len : WIRE_MAX_BYTES);

	if (!p)
		return;
	p = put_u32(w, p, (uint32_t)len);
	if (len)
		memcpy(p, s, len);
}

/* Checked although the caller promises UTF-8: the writer must never put
 * bytes that the reader refuses. */
void wire_put_string(struct wbuf *w, const char *s, size_t len)
{
	if (!w->err && len < WIRE_MAX_BYTES && !wire_utf8_valid(s, len))
		wire_wfail(w, E_UTF8);
	put_blob(w, WT_STRING, s, len);
}

void wire_put_bytes(struct wbuf *w, const void *s, size_t len)
{
	put_blob(w, WT_BYTES, s, len);
}

void wire_put_text(struct wbuf *w, const char *s, size_t len)
{
	if (w->err)
		return;
	if (len < WIRE_MAX_BYTES && wire_utf8_valid(s, len))
		put_blob(w, WT_STRING, s, len);
	else
		put_blob(w, WT_BYTES, s, len);
}

int wire_room_for(const struct wbuf *w, size_t n, size_t least)
{
	size_t left = WIRE_MAX_BYTES - w->len;

	return left >= 5 && n <= (left - 5) / least;
}

/* A count that cannot fit is refused at once, before the caller spends
 * anything on the items. */
static void put_count(struct wbuf *w, enum wire_tag tag, uint32_t n, size_t least)
{
	uint8_t *p;

	if (!w->err && !wire_room_for(w, n, least))
		wire_wfail(w, wire_e_too_big);
	if ((p = put_value(w, tag, 4)))
		put_u32(w, p, n);
}

void wire_put_array(struct wbuf *w, uint32_t n)
{
	put_count(w, WT_ARRAY, n, 1);
}

void wire_put_table(struct wbuf *w, uint32_t n)
{
	put_count(w, WT_TABLE, n, 2);
}

/* ---- reading ---- */

void wreader_init(struct wreader *r, const void *p, size_t len, enum wire_order order)
{
	memset(r, 0, sizeof *r);
	r->p = p;
	r->len = len;
	r->order = order;
	if (len > WIRE_MAX_BYTES)
		r->err = wire_e_too_big;
}

void wire_rfail(struct wreader *r, const char *err)
{
	if (!r->err)
		r->err = err;
}

int wire_next_tag(struct wreader *r)
{
	int tag;

	if (r->err)
		return -1;
	if (r->pos >= r->len) {
		wire_rfail(r, E_TRUNCATED);
		return -1;
	}
	tag = r->p[r->pos];
	if (tag >= WT_COUNT) {
		snprintf(r->errbuf, sizeof r->errbuf, "unknown tag %d", tag);
		wire_rfail(r, r->errbuf);
		return -1;
	}
	return tag;
}

/* An unknown tag is an error here already, so that a caller's switch on
 * the tag only ever sees known ones. */
int wire_peek(struct wreader *r)
{
	if (r->err || r->pos >= r->len)
		return -1;
	return wire_next_tag(r);
}

/* The next tag, which must be want or also; -1 with the error set. */
static int expect(struct wreader *r, enum wire_tag want, enum wire_tag also, const char *name)
{
	int tag = wire_next_tag(r);

	if (tag < 0 || tag == (int)want || tag == (int)also)
		return tag;
	snprintf(r->errbuf, sizeof r->errbuf, "expected %s, got %s", name, wire_tag_name[tag]);
	wire_rfail(r, r->errbuf);
	return -1;
}

/* Consume the tag (known to be there) and n bytes of payload, counting the
 * value. Returns the payload, or NULL with "truncated". */
static const uint8_t *take(struct wreader *r, size_t n)
{
	if (r->len - r->pos - 1 < n) {
		wire_rfail(r, E_TRUNCATED);
		return NULL;
	}
	r->pos += 1 + n;
	r->values++;
	return r->p + r->pos - n;
}

static uint32_t get_u32(struct wreader *r, const uint8_t *p)
{
	count_number(r->order, &r->numbers, &r->swaps);
	return load_u32(p);
}

static uint64_t get_u64(struct wreader *r, const uint8_t *p)
{
	count_number(r->order, &r->numbers, &r->swaps);
	return load_u64(p);
}

int wire_get_nil(struct wreader *r)
{
	if (expect(r, WT_NIL, WT_NIL, "nil") < 0 || !take(r, 0))
		return -1;
	return 0;
}

int wire_get_bool(struct wreader *r)
{
	int tag = expect(r, WT_FALSE, WT_TRUE, "boolean");

	if (tag < 0 || !take(r, 0))
		return -1;
	return tag == WT_TRUE;
}

int32_t wire_get_i32(struct wreader *r)
{
	const uint8_t *p;

	if (expect(r, WT_I32, WT_I32, "i32") < 0 || !(p = take(r, 4)))
		return 0;
	return to_i32(get_u32(r, p));
}

int64_t wire_get_i64(struct wreader *r)
{
	int tag = expect(r, WT_I64, WT_I32, "i64");
	const uint8_t *p;

	if (tag < 0 || !(p = take(r, tag == WT_I32 ? 4 : 8)))
		return 0;
	return tag == WT_I32 ? to_i32(get_u32(r, p)) : to_i64(get_u64(r, p));
}

double wire_get_f64(struct wreader *r)
{
	const uint8_t *p;
	uint64_t bits;
	double v;

	if (expect(r, WT_F64, WT_F64, "f64") < 0 || !(p = take(r, 8)))
		return 0;
	bits = get_u64(r, p);
	memcpy(&v, &bits, sizeof v);
	return v;
}

/* A 4-byte length or count that the rest of the message cannot honour is
 * refused here, before anyone allocates for it: a length of more than
 * the bytes left, a count of more items than there are bytes left to
 * hold them at least bytes each. */
static int64_t get_size(struct wreader *r, const char *beyond, size_t least)
{
	const uint8_t *p = take(r, 4);
	uint32_t n;

	if (!p)
		return -1;
	n = get_u32(r, p);
	if (n > WIRE_MAX_BYTES / least) {
		wire_rfail(r, wire_e_too_big);
		return -1;
	}
	if (n > (r->len - r->pos) / least) {
		wire_rfail(r, beyond);
		return -1;
	}
	return n;
}

/* A string or bytes value: its bytes, in place. */
static const void *get_blob(struct wreader *r, enum wire_tag tag, size_t *len)
{
	const uint8_t *s = NULL;
	int64_t n = -1;

	if (expect(r, tag, tag, wire_tag_name[tag]) >= 0)
		n = get_size(r, E_LENGTH, 1);
	if (n >= 0) {
		s = r->p + r->pos;
		r->pos += (size_t)n;
		if (tag == WT_STRING && !wire_utf8_valid(s, (size_t)n))
			wire_rfail(r, E_UTF8);
	}
	if (len)
		*len = r->err ? 0 : (size_t)n;
	return r->err ? NULL : s;
}

const char *wire_get_string(struct wreader *r, size_t *len)
{
	return get_blob(r, WT_STRING, len);
}

const void *wire_get_bytes(struct wreader *r, size_t *len)
{
	return get_blob(r, WT_BYTES, len);
}

int64_t wire_get_array(struct wreader *r)
{
	if (expect(r, WT_ARRAY, WT_ARRAY, "array") < 0)
		return -1;
	return get_size(r, E_COUNT, 1);
}

int64_t wire_get_table(struct wreader *r)
{
	if (expect(r, WT_TABLE, WT_TABLE, "table") < 0)
		return -1;
	return get_size(r, E_COUNT, 2);
}

int wire_enter(struct wreader *r)
{
	if (r->depth >= WIRE_MAX_DEPTH) {
		wire_rfail(r, wire_e_too_deep);
		return -1;
	}
	r->depth++;
	return 0;
}

/* Skip the n items of a container (pairs count twice). */
static int skip_items(struct wreader *r, int64_t n)
{
	int rc = 0;

	if (n < 0 || wire_enter(r))
		return -1;
	for (int64_t i = 0; i < n && rc == 0; i++)
		rc = wire_skip(r);
	r->depth--;
	return rc;
}

/* Lengths and counts are read (and counted) to find the end of the value;
 * the payloads of i32, i64 and f64 are passed over unconverted, so they
 * are not counted as numbers. Strings are checked all the same. */
int wire_skip(struct wreader *r)
{
	switch (wire_next_tag(r)) {
	case WT_NIL:
	case WT_FALSE:
	case WT_TRUE:
		return take(r, 0) ? 0 : -1;
	case WT_I32:
		return take(r, 4) ? 0 : -1;
	case WT_I64:
	case WT_F64:
		return take(r, 8) ? 0 : -1;
	case WT_STRING:
		return wire_get_string(r, NULL) ? 0 : -1;
	case WT_BYTES:
		return wire_get_bytes(r, NULL) ? 0 : -1;
	case WT_ARRAY:
		return skip_items(r, wire_get_array(r));
	case WT_TABLE: {
		int64_t n = wire_get_table(r);
		return skip_items(r, n < 0 ? -1 : 2 * n);
	}
	default:
		return -1;
	}
}
