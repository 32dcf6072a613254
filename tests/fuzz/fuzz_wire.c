/*
 * fuzz_wire.c - fuzz target "wire": the RPC wire decoder (userland/wire.c,
 * wire_lua.c) on arbitrary bytes, read as a little-endian and as a
 * big-endian process would.
 *
 * Input: the bytes of an RPC message body. Three readers walk them, each
 * to the end or its first error:
 * - flat: every value with the getter of its type (a container gives its
 *   count and the walk goes on into its items), and at each value a wrong
 *   getter, which must fail without consuming anything;
 * - skip: wire_skip, value after value;
 * - Lua: wire_push_lua, value after value, each one then written back with
 *   wire_put_lua.
 * Properties, beyond not crashing or reading outside the bytes:
 * - bytes the Lua reader reads to the end, the skipping reader does too,
 *   and so does the flat one (each checks a little less: keys, nesting);
 * - the stack contract of wire_push_lua (one value, or none on failure);
 * - a value read writes back, that reads again, and writing it again gives
 *   the same bytes (canonical after one trip through Lua);
 * - a big-endian process converts no number; a little-endian one converts
 *   every number it reads.
 */
#include <lauxlib.h>
#include <lualib.h>
#include <string.h>

#include "fuzz.h"
#include "wire.h"

/* Count every value read, as the getters do. */
static void check_counts(const struct wreader *r)
{
	FUZZ_CHECK(r->swaps == (r->order == WIRE_LITTLE ? r->numbers : 0));
	FUZZ_CHECK(r->pos <= r->len);
}

/* A getter of a type other than tag must fail and consume nothing. */
static void wrong_getter(const struct wreader *r, int tag)
{
	struct wreader w = *r;
	size_t len;

	switch (tag) {
	case WT_NIL: wire_get_bool(&w); break;
	case WT_FALSE: case WT_TRUE: wire_get_nil(&w); break;
	case WT_I32: wire_get_f64(&w); break;
	case WT_I64: wire_get_i32(&w); break;
	case WT_F64: wire_get_i64(&w); break;
	case WT_STRING: wire_get_bytes(&w, &len); break;
	case WT_BYTES: wire_get_string(&w, &len); break;
	case WT_ARRAY: wire_get_table(&w); break;
	default: wire_get_array(&w); break;
	}
	FUZZ_CHECK(w.err != NULL && w.pos == r->pos && w.values == r->values);
}

/* Read one value with the getter of its tag. 0, or -1 on error. */
static int get_one(struct wreader *r, int tag)
{
	size_t len;
	uint32_t before = r->values;

	switch (tag) {
	case WT_NIL: wire_get_nil(r); break;
	case WT_FALSE: case WT_TRUE: wire_get_bool(r); break;
	case WT_I32: wire_get_i32(r); break;
	case WT_I64: wire_get_i64(r); break;
	case WT_F64: wire_get_f64(r); break;
	case WT_STRING: wire_get_string(r, &len); break;
	case WT_BYTES: wire_get_bytes(r, &len); break;
	case WT_ARRAY: wire_get_array(r); break;
	default: wire_get_table(r); break;
	}
	if (r->err)
		return -1;
	FUZZ_CHECK(r->values == before + 1);
	return 0;
}

/* The flat walk; returns the byte it stopped at (len when it read all). */
static size_t walk_flat(const uint8_t *p, size_t n, enum wire_order order)
{
	struct wreader r;
	int tag;

	wreader_init(&r, p, n, order);
	while ((tag = wire_peek(&r)) >= 0) {
		wrong_getter(&r, tag);
		if (get_one(&r, tag) != 0)
			break;
	}
	check_counts(&r);
	return r.err ? r.pos : n;
}

static size_t walk_skip(const uint8_t *p, size_t n, enum wire_order order)
{
	struct wreader r;

	wreader_init(&r, p, n, order);
	while (wire_peek(&r) >= 0) {
		size_t at = r.pos;
		if (wire_skip(&r) != 0)
			break;
		FUZZ_CHECK(r.pos > at);
	}
	FUZZ_CHECK(r.depth == 0);
	return r.err ? r.pos : n;
}

/* The value on top of L, written with wire_put_lua: it must write, read
 * back, and write again to the same bytes. */
static void check_canonical(lua_State *L, enum wire_order order)
{
	struct wbuf w1, w2;
	struct wreader r;
	int top = lua_gettop(L);

	wbuf_init(&w1, order);
	wbuf_init(&w2, order);
	wire_put_lua(L, -1, &w1);
	FUZZ_CHECK(w1.err == NULL);
	FUZZ_CHECK(w1.swaps == (order == WIRE_LITTLE ? w1.numbers : 0));
	wreader_init(&r, w1.p, w1.len, order);
	FUZZ_CHECK(wire_push_lua(L, &r) == 0 && r.pos == w1.len);
	wire_put_lua(L, -1, &w2);
	FUZZ_CHECK(w2.err == NULL && w2.len == w1.len && memcmp(w2.p, w1.p, w1.len) == 0);
	FUZZ_CHECK(w2.values == w1.values && w2.numbers == w1.numbers);
	wbuf_free(&w1);
	wbuf_free(&w2);
	lua_settop(L, top);
}

static size_t walk_lua(lua_State *L, const uint8_t *p, size_t n, enum wire_order order)
{
	struct wreader r;

	wreader_init(&r, p, n, order);
	while (wire_peek(&r) >= 0) {
		int top = lua_gettop(L), rc = wire_push_lua(L, &r);
		FUZZ_CHECK(lua_gettop(L) == top + (rc == 0));
		if (rc != 0) {
			FUZZ_CHECK(r.err != NULL);
			break;
		}
		check_canonical(L, order);
		lua_pop(L, 1);
	}
	check_counts(&r);
	FUZZ_CHECK(r.depth == 0);
	return r.err ? r.pos : n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	lua_State *L = luaL_newstate();

	FUZZ_CHECK(L != NULL);
	for (int order = WIRE_LITTLE; order <= WIRE_BIG; order++) {
		size_t flat = walk_flat(data, size, (enum wire_order)order);
		size_t skip = walk_skip(data, size, (enum wire_order)order);
		size_t lua = walk_lua(L, data, size, (enum wire_order)order);
		if (lua == size)
			FUZZ_CHECK(skip == size);
		if (skip == size)
			FUZZ_CHECK(flat == size);
	}
	lua_close(L);
	return 0;
}
