/*
 * marshal_fixture.h - what the marshalling tests (test_marshal.c,
 * test_marshal_decode.c, and test_wire_lua.c for the wire encoding) share: a Lua state with the IPC library and a deep
 * equality deq(a, b), encoding under lua_pcall, decoding raw bytes under
 * the stack contract, and a little byte writer for expected encodings.
 */
#ifndef UKERN_TESTS_MARSHAL_FIXTURE_H
#define UKERN_TESTS_MARSHAL_FIXTURE_H

#include <stddef.h>
#include <stdint.h>

#include <lua.h>

struct msg;

enum { PID = 7, OTHER_PID = 8 };

/* A Lua state with the standard and IPC libraries and the global deq,
 * which tells 1 from 1.0, 0.0 from -0.0, and NaN from anything but NaN. */
lua_State *new_state(void);

/* Expressions for one table built in different orders (array part or hash
 * part, keys added forwards, backwards, or after deletions): every encoder
 * must give them the same bytes. */
enum { INSERTION_VARIANTS = 3 };
extern const char *const insertion_variants[INSERTION_VARIANTS];

/* Close L and drain the message pool. */
void close_state(lua_State *L);

/* Push the value of a Lua expression. */
void push_expr(lua_State *L, const char *expr);

/* ---- encoding under lua_pcall ---- */

struct enc_result {
	struct msg *m;
	int err;
	int raised;        /* 1: marshal_encode raised a Lua error, text in why */
	char why[256];
};

/* Encode the value on top of the stack (and pop it) for process pid. */
struct enc_result encode_top(lua_State *L, uint32_t pid);

/* Encode a Lua expression that must encode. */
struct msg *encode_expr(lua_State *L, const char *expr, uint32_t pid);

/* Encoding the expression must raise an error whose text contains want. */
void encode_raises(lua_State *L, const char *expr, const char *want);

/* ---- decoding raw bytes ---- */

/* Decode n bytes carrying nrights rights (named 100, 101, ...) for pid,
 * followed by zero bytes and then from a buffer of exactly n bytes; both
 * must give the same answer, 0 (one value pushed) or -1 (nothing). */
int decode_bytes(lua_State *L, const uint8_t *b, size_t n, uint8_t nrights, uint32_t pid);

/* ---- a little byte writer for expected encodings ---- */

struct bytes {
	uint8_t b[1024];
	size_t n;
};

void b_u8(struct bytes *x, uint8_t v);
void b_u32(struct bytes *x, uint32_t v);           /* big-endian */
void b_u64(struct bytes *x, uint64_t v);           /* big-endian */
void b_str(struct bytes *x, const char *s, size_t len);     /* a string value */
void b_int(struct bytes *x, int64_t v);            /* an integer value */

#endif
