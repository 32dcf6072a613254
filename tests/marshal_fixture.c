/*
 * marshal_fixture.c - the helpers of marshal_fixture.h.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <lauxlib.h>
#include <lualib.h>

#include "lua_sys.h"
#include "marshal.h"
#include "marshal_fixture.h"
#include "msg.h"
#include "uk_limits.h"

/* Deep equality that tells 1 from 1.0, 0.0 from -0.0, and NaN from
 * anything but NaN. */
static const char deq_src[] =
	"function deq(a, b)\n"
	"  if type(a) ~= type(b) then return false end\n"
	"  if type(a) == 'number' then\n"
	"    if math.type(a) ~= math.type(b) then return false end\n"
	"    if a ~= a then return b ~= b end\n"
	"    if a == 0 and b == 0 then return 1/a == 1/b end\n"
	"    return a == b\n"
	"  end\n"
	"  if type(a) ~= 'table' then return a == b end\n"
	"  for k, v in pairs(a) do if not deq(v, rawget(b, k)) then return false end end\n"
	"  for k in pairs(b) do if rawget(a, k) == nil then return false end end\n"
	"  return true\n"
	"end\n";

const char *const insertion_variants[INSERTION_VARIANTS] = {
	"(function() local t = {1, 2, 3}"
	" for i = 1, 60 do t['k' .. i] = i end t.x = {a = 1, b = 2} return t end)()",
	"(function() local t = {} t.x = {b = 2, a = 1}"
	" for i = 60, 1, -1 do t['k' .. i] = i end t[3] = 3 t[2] = 2 t[1] = 1 return t end)()",
	"(function() local t = {} for i = 1, 200 do t['z' .. i] = true end"
	" for i = 1, 60 do t['k' .. i] = i end for i = 1, 200 do t['z' .. i] = nil end"
	" t[2] = 2 t[1] = 1 t[3] = 3 t.x = {a = 1, b = 2} return t end)()",
};

lua_State *new_state(void)
{
	lua_State *L = luaL_newstate();

	assert_non_null(L);
	luaL_openlibs(L);
	lu_open_ipc(L);
	assert_int_equal(luaL_dostring(L, deq_src), LUA_OK);
	assert_int_equal(lua_gettop(L), 0);
	return L;
}

void close_state(lua_State *L)
{
	lua_close(L);
	msg_pool_drain();
}

/* Push the value of a Lua expression. */
void push_expr(lua_State *L, const char *expr)
{
	char chunk[512];

	snprintf(chunk, sizeof chunk, "return %s", expr);
	if (luaL_loadstring(L, chunk) != LUA_OK || lua_pcall(L, 0, 1, 0) != LUA_OK)
		fail_msg("cannot evaluate %s: %s", expr, lua_tostring(L, -1));
}

/* ---- encoding under lua_pcall ---- */

/* lua: encode(value, pid) -> msg (light userdata), err, stack balanced? */
static int l_encode(lua_State *L)
{
	int err = -12345, top = lua_gettop(L);
	struct msg *m = marshal_encode(L, 1, (uint32_t)luaL_checkinteger(L, 2), &err);

	lua_pushboolean(L, lua_gettop(L) == top);
	lua_pushlightuserdata(L, m);
	lua_pushinteger(L, err);
	return 3;
}

/* Encode the value on top of the stack (and pop it) for process pid. */
struct enc_result encode_top(lua_State *L, uint32_t pid)
{
	struct enc_result r = { NULL, 0, 0, "" };
	int top = lua_gettop(L) - 1;

	lua_pushcfunction(L, l_encode);
	lua_insert(L, -2);
	lua_pushinteger(L, pid);
	if (lua_pcall(L, 2, 3, 0) != LUA_OK) {
		r.raised = 1;
		snprintf(r.why, sizeof r.why, "%s", lua_tostring(L, -1));
	} else {
		assert_true(lua_toboolean(L, -3));   /* marshal_encode left the stack as found */
		r.m = lua_touserdata(L, -2);
		r.err = (int)lua_tointeger(L, -1);
	}
	lua_settop(L, top);
	return r;
}

/* Encode a Lua expression that must encode. */
struct msg *encode_expr(lua_State *L, const char *expr, uint32_t pid)
{
	struct enc_result r;

	push_expr(L, expr);
	r = encode_top(L, pid);
	if (r.raised || !r.m || r.err != 0)
		fail_msg("encoding %s: raised %d (%s), err %d", expr, r.raised, r.why, r.err);
	return r.m;
}

/* Encoding the expression must raise an error whose text contains want. */
void encode_raises(lua_State *L, const char *expr, const char *want)
{
	struct enc_result r;
	int top = lua_gettop(L);

	push_expr(L, expr);
	r = encode_top(L, PID);
	if (!r.raised)
		fail_msg("encoding %s did not raise (msg %p, err %d)", expr, (void *)r.m, r.err);
	if (!strstr(r.why, want))
		fail_msg("encoding %s raised \"%s\", expected \"%s\"", expr, r.why, want);
	assert_int_equal(lua_gettop(L), top);
}

/* ---- decoding raw bytes ---- */

enum { PAD = 16 };

/* Decode m for pid, checking the stack contract: one value pushed on 0,
 * nothing on -1. */
static int decode_msg(lua_State *L, const struct msg *m, uint32_t pid)
{
	int top = lua_gettop(L), rc = marshal_decode(L, m, pid, 0);

	assert_true(rc == 0 || rc == -1);
	assert_int_equal(lua_gettop(L), top + (rc == 0));
	return rc;
}

/* Decode n bytes carrying nrights rights (named 100, 101, ...) for pid,
 * twice: first followed by zero bytes (plausible tags, lengths and port
 * indices, so a read past the end gives a different answer), then from a
 * buffer of exactly n bytes (so valgrind sees such a read). The message
 * comes from msg_new, whose payload is never exactly n bytes; for the
 * second decoding its data pointer is lent a buffer of our own. */
int decode_bytes(lua_State *L, const uint8_t *b, size_t n, uint8_t nrights, uint32_t pid)
{
	struct msg *m = msg_new((uint32_t)n + PAD);
	uint8_t *exact = malloc(n ? n : 1), *own;
	int rc;

	assert_non_null(m);
	assert_non_null(exact);
	memset(m->data, 0, n + PAD);
	if (n) {
		memcpy(m->data, b, n);
		memcpy(exact, b, n);
	}
	m->size = (uint32_t)n;
	m->nrights = nrights;
	for (int i = 0; i < UK_MSG_MAX_RIGHTS; i++)
		m->names[i] = 100 + i;
	rc = decode_msg(L, m, pid);
	if (rc == 0)
		lua_pop(L, 1);
	own = m->data;
	m->data = exact;
	if (decode_msg(L, m, pid) != rc)
		fail_msg("decoding %zu bytes depends on the bytes after them", n);
	m->data = own;
	free(exact);
	msg_free(m);
	return rc;
}

/* ---- a little byte writer for expected encodings ---- */

void b_u8(struct bytes *x, uint8_t v)
{
	assert_true(x->n < sizeof x->b);
	x->b[x->n++] = v;
}

void b_u32(struct bytes *x, uint32_t v)
{
	for (int s = 24; s >= 0; s -= 8)
		b_u8(x, (uint8_t)(v >> s));
}

void b_u64(struct bytes *x, uint64_t v)
{
	b_u32(x, (uint32_t)(v >> 32));
	b_u32(x, (uint32_t)v);
}

void b_str(struct bytes *x, const char *s, size_t len)
{
	b_u8(x, MT_STRING);
	b_u32(x, (uint32_t)len);
	for (size_t i = 0; i < len; i++)
		b_u8(x, (uint8_t)s[i]);
}

void b_int(struct bytes *x, int64_t v)
{
	b_u8(x, MT_INT);
	b_u64(x, (uint64_t)v);
}
