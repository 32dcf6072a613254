/*
 * wire_impl.h - what the codec (wire.c) lends its Lua bridge (wire_lua.c)
 * and nothing else sees: the sticky error setters, the text check, the
 * room check, the tag lookahead and the depth count.
 */
#ifndef UKERN_WIRE_IMPL_H
#define UKERN_WIRE_IMPL_H

#include <stddef.h>

#include "wire.h"

extern const char *const wire_tag_name[WT_COUNT];    /* "nil" ... "table" */
extern const char wire_e_too_deep[];                 /* "nested deeper than 32 (is it cyclic?)" */
extern const char wire_e_too_big[];                  /* "larger than 1048576 bytes" */

/* Set w's (r's) error unless one is set already: the first error stays. */
void wire_wfail(struct wbuf *w, const char *err);
void wire_rfail(struct wreader *r, const char *err);

/* Whether the len bytes at p are well-formed UTF-8 (RFC 3629). */
int wire_utf8_valid(const void *p, size_t len);

/* Put s as a string when it is valid UTF-8, else as bytes (one check). */
void wire_put_text(struct wbuf *w, const char *s, size_t len);

/* Whether a container of n items, each at least least bytes, could still
 * follow in w under WIRE_MAX_BYTES, its own 5 bytes included. */
int wire_room_for(const struct wbuf *w, size_t n, size_t least);

/* The next value's tag, not consumed. Unlike wire_peek, the end of the
 * bytes is an error ("truncated"); -1 with r->err set then, as for an
 * unknown tag or an earlier error. */
int wire_next_tag(struct wreader *r);

/* Count one more container around the next values: 0, or -1 with r->err
 * set when that would nest deeper than WIRE_MAX_DEPTH. The caller takes
 * r->depth back down when the container ends. */
int wire_enter(struct wreader *r);

#endif
