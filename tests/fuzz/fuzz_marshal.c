/*
 * fuzz_marshal.c - fuzz target "marshal": the message unmarshaller
 * (userland/marshal.c, marshal_decode) on arbitrary payloads.
 *
 * Input: one byte of settings - the rights the message carries (low five
 * bits, modulo UK_MSG_MAX_RIGHTS + 1; they are named 100, 101, ...) and the
 * extra fields reserved in a decoded table (bits 5-6) - then the payload.
 * Properties, beyond not crashing or reading outside the payload:
 * - the stack contract: one value pushed on success, none on failure;
 * - the answer does not depend on the bytes after the payload (it is
 *   decoded from a zero-padded buffer and from one of exactly its size);
 * - a value decoded re-encodes (unless it names a right more often than a
 *   message can carry: every port in a message is a right of its own), the
 *   re-encoding decodes, and encoding that gives the same bytes again:
 *   after one trip through Lua the encoding is canonical.
 */
#include <lauxlib.h>
#include <lualib.h>
#include <string.h>

#include "fuzz.h"
#include "lua_sys.h"
#include "marshal.h"
#include "msg.h"
#include "uk_limits.h"

enum { PID = 7, PAD = 16 };

/* lua: encode(value) -> message (light userdata), err */
static int l_encode(lua_State *L)
{
	int err = 0;
	struct msg *m = marshal_encode(L, 1, PID, &err);

	lua_pushlightuserdata(L, m);
	lua_pushinteger(L, err);
	return 2;
}

/* Encode the value on top of the stack (popped). Returns the message, or
 * NULL when encoding raised; *why gets the error's text then (valid while
 * it is on the stack: the caller settles the stack afterwards). */
static struct msg *encode_top(lua_State *L, const char **why)
{
	struct msg *m;

	lua_pushcfunction(L, l_encode);
	lua_insert(L, -2);
	if (lua_pcall(L, 1, 2, 0) != LUA_OK) {
		*why = lua_tostring(L, -1);
		return NULL;
	}
	m = lua_touserdata(L, -2);
	FUZZ_CHECK(m != NULL && lua_tointeger(L, -1) == 0);
	lua_pop(L, 2);
	return m;
}

/* Decode m for PID with the stack contract checked; 0 or -1. */
static int decode(lua_State *L, const struct msg *m, int extra)
{
	int top = lua_gettop(L), rc = marshal_decode(L, m, PID, extra);

	FUZZ_CHECK(rc == 0 || rc == -1);
	FUZZ_CHECK(lua_gettop(L) == top + (rc == 0));
	return rc;
}

static struct msg *message(const uint8_t *p, size_t n, unsigned nrights)
{
	struct msg *m = msg_new((uint32_t)n + PAD);

	FUZZ_CHECK(m != NULL);
	memset(m->data, 0, n + PAD);
	if (n)
		memcpy(m->data, p, n);
	m->size = (uint32_t)n;
	m->nrights = (uint8_t)nrights;
	for (int i = 0; i < UK_MSG_MAX_RIGHTS; i++)
		m->names[i] = 100 + i;
	return m;
}

/* The value on top (popped) survives a trip: it encodes, the encoding
 * decodes, and encodes again to the same bytes. */
static void check_canonical(lua_State *L, int extra)
{
	const char *why = NULL;
	struct msg *m1, *m2;
	int top = lua_gettop(L) - 1;

	if (!(m1 = encode_top(L, &why))) {
		if (!why || !strstr(why, "a message carries at most"))
			fprintf(stderr, "re-encoding raised: %s\n", why ? why : "(no message)");
		FUZZ_CHECK(why && strstr(why, "a message carries at most"));
		lua_settop(L, top);
		return;
	}
	FUZZ_CHECK(decode(L, m1, extra) == 0);
	m2 = encode_top(L, &why);
	FUZZ_CHECK(m2 != NULL);
	FUZZ_CHECK(m2->size == m1->size && memcmp(m2->data, m1->data, m1->size) == 0);
	FUZZ_CHECK(m2->nrights == m1->nrights && m2->nvalues == m1->nvalues);
	msg_free(m1);
	msg_free(m2);
	lua_settop(L, top);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned nrights = size ? (data[0] & 31) % (UK_MSG_MAX_RIGHTS + 1) : 0;
	int extra = size ? (data[0] >> 5) & 3 : 0;
	const uint8_t *payload = data + (size > 0);
	size_t n = size - (size > 0);
	lua_State *L = luaL_newstate();
	struct msg *m;
	uint8_t *exact, *own;
	int rc;

	FUZZ_CHECK(L != NULL);
	luaL_openlibs(L);
	lu_open_ipc(L);
	m = message(payload, n, nrights);
	rc = decode(L, m, extra);
	/* The same payload in a buffer of exactly its size. */
	exact = malloc(n ? n : 1);
	FUZZ_CHECK(exact != NULL);
	if (n)
		memcpy(exact, payload, n);
	own = m->data;
	m->data = exact;
	FUZZ_CHECK(decode(L, m, extra) == rc);
	m->data = own;
	free(exact);
	msg_free(m);
	if (rc == 0) {
		lua_pop(L, 1);
		check_canonical(L, extra);
	}
	lua_close(L);
	msg_pool_drain();
	return 0;
}
