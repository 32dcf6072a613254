/*
 * lua_ipc.c - the message functions of the scenario API: port, send, recv,
 * call, reply, reply_recv; and port handles. The name server's (register, lookup,
 * unregister, names) are in lua_names.c.
 *
 * A port handle is a right name together with the process it belongs to.
 * Lua threads of different processes share one Lua state, so a handle can
 * reach another process through a shared variable; using it there fails
 * with "no right", exactly as a forged capability should.
 */
#include <lauxlib.h>
#include <string.h>

#include "uk_limits.h"
#include "lua_sys.h"
#include "machine.h"
#include "marshal.h"
#include "msg.h"
#include "net.h"
#include "name/name.h"
#include "proc.h"
#include "syscall.h"
#include "thread.h"
#include "uk_err.h"

#define PORT_META "ukern.port"

struct lport {
	const void *tag;     /* &port_tag */
	uint32_t pid;
	int32_t name;
};

/* What marks a userdata as a port handle: its first word holds this
 * address, which nothing else holds. Checking it (three times per round
 * trip) costs a third of comparing the userdata's metatable. */
static const char port_tag;

/* The handles' metatable is in the registry twice: under PORT_META (for
 * error messages) and under this key's address, which finds it without
 * hashing a string. */
static const char port_meta_key;

/* The handle at idx, or NULL when the value there is not one. */
static struct lport *to_lport(lua_State *L, int idx)
{
	struct lport *h = lua_touserdata(L, idx);

	/* NULL for a value that is no userdata; a light userdata has length 0 */
	if (!h || lua_rawlen(L, idx) != sizeof *h)
		return NULL;
	return h->tag == &port_tag ? h : NULL;
}

void lu_pushport(lua_State *L, uint32_t pid, int32_t name)
{
	struct lport *h = lua_newuserdatauv(L, sizeof *h, 0);

	h->tag = &port_tag;
	h->pid = pid;
	h->name = name;
	if (lu_is_segment(L, pid, name))   /* a right to map a segment (lua_shm.c) */
		luaL_getmetatable(L, "ukern.segment");
	else
		lua_rawgetp(L, LUA_REGISTRYINDEX, &port_meta_key);
	lua_setmetatable(L, -2);
}

int lu_toport(lua_State *L, int idx, uint32_t *pid, int32_t *name)
{
	struct lport *h = to_lport(L, idx);

	if (!h)
		return 0;
	*pid = h->pid;
	*name = h->name;
	return 1;
}

/* The functions of this file have the handles' metatable as their first
 * upvalue (continuations too: they run as the function they continue), so
 * the handles they make need no registry lookup at all; then the
 * keys of the fields recv adds to a message, so that setting them hashes no
 * C string (lu_open_ipc pushes them in this order); then the sender of the
 * last request the function received, by thread id, and its two names
 * (see sender_names). */
enum {
	UV_META = 1, UV_SENDER, UV_SENDER_PID, UV_SENDER_THREAD, UV_SIZE, UV_REPLY,
	UV_LAST_TID, UV_LAST_PNAME, UV_LAST_TNAME,
	UV_N = UV_LAST_TNAME
};
static const char *const uv_keys[] = { "sender", "sender_pid", "sender_thread", "size", "reply" };
#define META lua_upvalueindex(UV_META)
#define KEY(uv) lua_upvalueindex(uv)
#define LAST(uv) lua_upvalueindex(uv)

/* The handle at arg; raises the usual argument error when it is not one. */
static struct lport *check_lport(lua_State *L, int arg)
{
	struct lport *h = to_lport(L, arg);

	if (!h)
		luaL_typeerror(L, arg, PORT_META);
	return h;
}

/* luaL_typeerror's message, at the scenario's line. */
static int type_misuse(lua_State *L, int arg, const char *fn, const char *expected)
{
	const char *got;

	if (luaL_getmetafield(L, arg, "__name") == LUA_TSTRING)
		got = lua_tostring(L, -1);
	else
		got = lua_isnone(L, arg) ? "no value" : luaL_typename(L, arg);
	return lu_script_errorf(L, "bad argument #%d to '%s' (%s expected, got %s)", arg, fn, expected, got);
}

/* lu_pushport for the functions of this file. */
static void push_port(lua_State *L, uint32_t pid, int32_t name)
{
	struct lport *h = lua_newuserdatauv(L, sizeof *h, 0);

	h->tag = &port_tag;
	h->pid = pid;
	h->name = name;
	lua_pushvalue(L, META);
	lua_setmetatable(L, -2);
}

static int port_tostring(lua_State *L)
{
	struct lport *h = check_lport(L, 1);

	lua_pushfstring(L, "port(%d of pid %d)", (int)h->name, (int)h->pid);
	return 1;
}

static int port_eq(lua_State *L)
{
	struct lport *a = check_lport(L, 1), *b = check_lport(L, 2);

	lua_pushboolean(L, a->pid == b->pid && a->name == b->name);
	return 1;
}

/* Yield with op on port name carrying m; k builds the results. */
static int post(lua_State *L, struct thread *t, unsigned op, int32_t name, struct msg *m,
		uint64_t timeout, lua_KFunction k)
{
	t->sc.op = (uint16_t)op;
	t->sc.name = name;
	t->sc.m = m;
	t->sc.timeout = timeout;
	return lua_yieldk(L, 0, 0, k);
}

/* The name of the port handle at arg in t's process, 0 if it belongs to
 * another; a misuse of fn when arg is not a handle. */
static int32_t port_of(lua_State *L, struct thread *t, int arg, const char *fn)
{
	struct lport *h = to_lport(L, arg);

	if (!h)
		type_misuse(L, arg, fn, PORT_META);
	return h->pid == t->p->pid ? h->name : 0;
}

/* The options of recv and reply_recv. */
static const char *const timeout_only[] = { "timeout", NULL };

/* Whether the key at idx is one of the option names known (NULL-terminated). */
static int known_option(lua_State *L, int idx, const char *const known[])
{
	if (lua_type(L, idx) != LUA_TSTRING)
		return 0;
	for (size_t i = 0; known[i]; i++)
		if (strcmp(lua_tostring(L, idx), known[i]) == 0)
			return 1;
	return 0;
}

/* Raise a misuse of fn when the options table at arg has a key that is not
 * one of known: a misspelt option would otherwise be ignored, its default
 * left in force. Of several unknown keys the least is named, so that the
 * message does not depend on the table's order. */
static void check_options(lua_State *L, const char *fn, int arg, const char *const known[])
{
	char bad[64] = "", names[64] = "";
	int found = 0;

	if (!lua_istable(L, arg))
		return;
	lua_pushnil(L);
	while (lua_next(L, arg) != 0) {
		lua_pop(L, 1);
		if (!known_option(L, -1, known)) {
			const char *key = luaL_tolstring(L, -1, NULL);

			if (!found || strcmp(key, bad) < 0)
				snprintf(bad, sizeof bad, "%s", key);
			found = 1;
			lua_pop(L, 1);
		}
	}
	if (!found)
		return;
	for (size_t i = 0; known[i]; i++)
		snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s",
			 i ? ", " : "", known[i]);
	lu_script_errorf(L, "%s: unknown option '%s' (options: %s)", fn, bad, names);
}

/* The option field (a duration) of the options at arg of fn, else dflt. */
static uint64_t opt_duration(lua_State *L, const char *fn, int arg, const char *field,
			     uint64_t dflt)
{
	uint64_t ns = dflt;

	if (lua_isnoneornil(L, arg))
		return dflt;
	if (!lua_istable(L, arg))
		type_misuse(L, arg, fn, "table");
	if (lua_getfield(L, arg, field) != LUA_TNIL && lu_toduration(L, -1, &ns) != 0)
		lu_script_errorf(L, "option '%s': invalid duration '%s'", field, luaL_tolstring(L, -1, NULL));
	lua_pop(L, 1);
	return ns;
}

/* Encode the value at arg for t; NULL with *err on a foreign port handle,
 * or MARSHAL_EXPORT: local objects among it to export first (marshal.h). */
static struct msg *encode(lua_State *L, struct thread *t, int arg, int *err)
{
	return marshal_encode(L, arg, t->p->pid, err);
}

static int k_port(lua_State *L, int status, lua_KContext ctx)
{
	struct thread *t = lu_resumed(L);

	(void)status;
	(void)ctx;
	if (t->sc.err)
		return lu_fail(L, t->sc.err);
	push_port(L, t->p->pid, (int32_t)t->sc.val);
	return 1;
}

/* port([{ qlimit = N }]) */
static int l_port(lua_State *L)
{
	struct thread *t = lu_self(L, "port");
	uint64_t qlimit = UINT64_MAX;

	if (!lua_isnoneornil(L, 1)) {
		static const char *const known[] = { "qlimit", NULL };

		luaL_checktype(L, 1, LUA_TTABLE);
		check_options(L, "port", 1, known);
		if (lua_getfield(L, 1, "qlimit") != LUA_TNIL) {
			int ok;
			lua_Integer q = lua_tointegerx(L, -1, &ok);
			if (!ok || q < 0 || q > UK_MAX_QLIMIT)
				return luaL_error(L, "port: qlimit must be an integer from 0 to %d",
						  UK_MAX_QLIMIT);
			qlimit = (uint64_t)q;
		}
		lua_pop(L, 1);
	}
	lu_check_limit(L, t, "port", "ports");
	t->sc.arg = qlimit;
	return post(L, t, SYS_PORT, 0, NULL, UINT64_MAX, k_port);
}

static int k_sent(lua_State *L, int status, lua_KContext ctx)
{
	struct thread *t = lu_resumed(L);

	(void)status;
	(void)ctx;
	if (t->sc.err)
		return lu_fail(L, t->sc.err);
	lua_pushboolean(L, 1);
	return 1;
}

/* One integer field of the ool option at the top of the stack, from lo. */
static uint64_t ool_field(lua_State *L, const char *fn, const char *key, lua_Integer lo)
{
	int ok;
	lua_Integer v;

	lua_getfield(L, -1, key);
	v = lua_tointegerx(L, -1, &ok);
	if (!ok || v < lo)
		lu_script_errorf(L, "%s: option 'ool' must be { addr = address, len = bytes } with an "
			  "integer %s from %d", fn, key, (int)lo);
	lua_pop(L, 1);
	return (uint64_t)v;
}

/* The option ool = { addr = a, len = n } of send and call: the pages of
 * [a, a + n) of the sender travel out of line, mapped copy-on-write into
 * the receiver (*len 0: no such option). */
static void opt_ool(lua_State *L, const char *fn, int arg, uint64_t *addr, uint64_t *len)
{
	*addr = *len = 0;
	if (lua_isnoneornil(L, arg))
		return;
	if (!lua_istable(L, arg))
		type_misuse(L, arg, fn, "table");
	if (lua_getfield(L, arg, "ool") != LUA_TNIL) {
		if (!lua_istable(L, -1))
			lu_script_errorf(L, "%s: option 'ool' must be { addr = address, len = bytes }", fn);
		for (lua_pushnil(L); lua_next(L, -2); lua_pop(L, 1)) {
			const char *key = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : NULL;
			if (!key || (strcmp(key, "addr") != 0 && strcmp(key, "len") != 0))
				lu_script_errorf(L, "%s: option 'ool': unknown field '%s' (known fields: "
					"addr, len)", fn, luaL_tolstring(L, -2, NULL));
		}
		*addr = ool_field(L, fn, "addr", 0);
		*len = ool_field(L, fn, "len", 1);
	}
	lua_pop(L, 1);
}

/* send and call: check the port and options, encode msg, post op; again:
 * the continuation that comes back here once the local objects the message
 * carries are exported. */
static int post_message(lua_State *L, const char *fn, unsigned op, lua_KFunction k,
			lua_KFunction again)
{
	static const char *const known[] = { "timeout", "ool", NULL };
	struct thread *t = lu_self(L, fn);
	int32_t name = port_of(L, t, 1, fn);
	uint64_t timeout = opt_duration(L, fn, 3, "timeout", UINT64_MAX), ool_addr, ool_len;
	struct msg *m;
	int err;

	if (!lua_istable(L, 2))
		type_misuse(L, 2, fn, "table");
	check_options(L, fn, 3, known);
	opt_ool(L, fn, 3, &ool_addr, &ool_len);
	if (!name)
		return lu_fail(L, UK_ENORIGHT);
	m = encode(L, t, 2, &err);
	if (!m && err == MARSHAL_EXPORT)
		return marshal_export(L, 0, again);
	if (!m)
		return lu_fail(L, err);
	m->ool_addr = ool_addr;
	m->ool_len = ool_len;
	return post(L, t, op, name, m, timeout, k);
}

static int k_send_again(lua_State *L, int status, lua_KContext ctx);

/* send(p, msg [, { timeout = d, ool = { addr = a, len = n } }]) -> true | nil, reason */
static int l_send(lua_State *L)
{
	return post_message(L, "send", SYS_SEND, k_sent, k_send_again);
}

static int k_send_again(lua_State *L, int status, lua_KContext ctx)
{
	(void)status, (void)ctx;
	return l_send(L);
}

/* Make the names of m's sender (its process's and its thread's) those of
 * the last sender. A thread id names one thread for the whole run, and
 * neither its name nor its process's changes: a server answering the same
 * client again pushes the strings it kept instead of interning both names
 * once more. */
static void sender_names(lua_State *L, struct machine *mc, const struct msg *m)
{
	struct thread *st;

	if (lua_tointeger(L, LAST(UV_LAST_TID)) == m->sender_tid)
		return;
	st = machine_thread(mc, m->sender_tid);
	lua_pushstring(L, m->sender_pid ? mc->procs[m->sender_pid - 1]->name : "kernel");
	lua_replace(L, LAST(UV_LAST_PNAME));
	lua_pushstring(L, st ? st->name : "?");
	lua_replace(L, LAST(UV_LAST_TNAME));
	lua_pushinteger(L, m->sender_tid);
	lua_replace(L, LAST(UV_LAST_TID));
}

/* Push a received request: its fields plus sender, sender_thread, size, reply. */
static int push_request(lua_State *L, struct thread *t, struct msg *m)
{
	int top = lua_gettop(L), ref = 0;

	if (marshal_decode_ref(L, m, t->p->pid, 5, &ref) != 0 || !lua_istable(L, -1)) {
		lua_settop(L, top);
		lua_newtable(L);
		lua_pushboolean(L, 1);
		lua_setfield(L, -2, "malformed");
		ref = 0;
	}
	/* A new table without a metatable: lua_rawset is what lua_setfield
	 * would do, the key pushed from an upvalue instead of a C string. */
	sender_names(L, t->m, m);
	lua_pushvalue(L, KEY(UV_SENDER));
	lua_pushvalue(L, LAST(UV_LAST_PNAME));
	lua_rawset(L, -3);
	lua_pushvalue(L, KEY(UV_SENDER_PID));
	lua_pushinteger(L, m->sender_pid);
	lua_rawset(L, -3);
	lua_pushvalue(L, KEY(UV_SENDER_THREAD));
	lua_pushvalue(L, LAST(UV_LAST_TNAME));
	lua_rawset(L, -3);
	lua_pushvalue(L, KEY(UV_SIZE));
	lua_pushinteger(L, m->size);
	lua_rawset(L, -3);
	if (m->ool_len && !m->ool_failed) {
		/* Out-of-line data: now pages of this process, at ool.addr. */
		lua_createtable(L, 0, 2);
		lua_pushinteger(L, (lua_Integer)m->ool_addr);
		lua_setfield(L, -2, "addr");
		lua_pushinteger(L, (lua_Integer)m->ool_len);
		lua_setfield(L, -2, "len");
		lua_setfield(L, -2, "ool");
	} else if (m->ool_failed) {
		lua_pushstring(L, uk_strerror(UK_ENOMEM));
		lua_setfield(L, -2, "ool_error");
	}
	if (m->reply_name) {
		lua_pushvalue(L, KEY(UV_REPLY));
		push_port(L, t->p->pid, m->reply_name);
		lua_rawset(L, -3);
	}
	msg_free(m);
	if (ref)
		marshal_ref_in(L);   /* the message is a reference: it arrives as one */
	return 1;
}

static int k_recv(lua_State *L, int status, lua_KContext ctx)
{
	struct thread *t = lu_resumed(L);
	struct msg *m = t->sc.m;

	(void)status;
	(void)ctx;
	t->sc.m = NULL;
	if (t->sc.err)
		return lu_fail(L, t->sc.err);
	return push_request(L, t, m);
}

/* recv(p [, { timeout = d }]) -> msg | nil, reason */
static int l_recv(lua_State *L)
{
	struct thread *t = lu_self(L, "recv");
	int32_t name = port_of(L, t, 1, "recv");
	uint64_t timeout = opt_duration(L, "recv", 2, "timeout", UINT64_MAX);

	check_options(L, "recv", 2, timeout_only);
	if (!name)
		return lu_fail(L, UK_ENORIGHT);
	return post(L, t, SYS_RECV, name, NULL, timeout, k_recv);
}

static int k_call(lua_State *L, int status, lua_KContext ctx)
{
	struct thread *t = lu_resumed(L);
	struct msg *m = t->sc.m;
	int bad;

	(void)status;
	(void)ctx;
	t->sc.m = NULL;
	if (t->sc.err)
		return lu_fail(L, t->sc.err);
	bad = marshal_decode(L, m, t->p->pid, 0);
	msg_free(m);
	if (bad)
		return lu_script_errorf(L, "call: the reply could not be decoded");
	return 1;
}

static int k_call_again(lua_State *L, int status, lua_KContext ctx);

/* call(p, msg [, { timeout = d, ool = { addr = a, len = n } }]) -> reply | nil, reason */
static int l_call(lua_State *L)
{
	return post_message(L, "call", SYS_CALL, k_call, k_call_again);
}

static int k_call_again(lua_State *L, int status, lua_KContext ctx)
{
	(void)status, (void)ctx;
	return l_call(L);
}

/* The reply of reply and reply_recv (fn): the request or reply handle at 1
 * (its reply right's name in *name), the value at 2, encoded. NULL when
 * the call is over: *ret is then what it returns (nil and a reason, or the
 * export of local objects the value carries, continued by again). */
static struct msg *encode_reply(lua_State *L, struct thread *t, const char *fn, int32_t *name,
				lua_KFunction again, int *ret)
{
	struct msg *m;
	int err;

	if (lua_istable(L, 1)) {
		lua_pushvalue(L, KEY(UV_REPLY));
		if (lua_gettable(L, 1) == LUA_TNIL)
			lu_script_errorf(L, "%s: this message was sent with send(), not call(): "
					 "there is nothing to reply to", fn);
		lua_replace(L, 1);
	}
	*name = port_of(L, t, 1, fn);
	if (!*name) {
		*ret = lu_fail(L, UK_ENORIGHT);
		return NULL;
	}
	m = encode(L, t, 2, &err);
	if (!m) {
		*ret = err == MARSHAL_EXPORT ? marshal_export(L, 0, again) : lu_fail(L, err);
		return NULL;
	}
	for (uint8_t i = 0; i < m->nrights; i++)
		if (m->names[i] == *name) {
			/* Sent in the reply, the right would be gone before the reply. */
			msg_free(m);
			lu_script_errorf(L, "%s: the value carries the reply right it answers "
					 "through (m.reply): reply with the data, as in "
					 "%s(m, { n = m.n }%s), not with m itself", fn, fn,
					 strcmp(fn, "reply") == 0 ? "" : ", p");
		}
	return m;
}

static int k_reply_again(lua_State *L, int status, lua_KContext ctx);

/* reply(request or its reply handle, value) -> true | nil, reason */
static int l_reply(lua_State *L)
{
	struct thread *t = lu_self(L, "reply");
	int32_t name;
	struct msg *m;
	int ret;

	if (lua_gettop(L) < 2)
		lua_settop(L, 2);    /* reply(m): the value nil */
	if (!(m = encode_reply(L, t, "reply", &name, k_reply_again, &ret)))
		return ret;
	return post(L, t, SYS_REPLY, name, m, UINT64_MAX, k_sent);
}

static int k_reply_again(lua_State *L, int status, lua_KContext ctx)
{
	(void)status, (void)ctx;
	return l_reply(L);
}

static int k_reply_recv_again(lua_State *L, int status, lua_KContext ctx);

/* reply_recv(request or its reply handle, value, p [, { timeout = d }])
 *   -> the next message on p | nil, reason
 * A server's reply and its next receive in one system call (L4's
 * ReplyWait): one trap, as a reply costs; the receive adds none. */
static int l_reply_recv(lua_State *L)
{
	struct thread *t = lu_self(L, "reply_recv");
	int32_t name, on = port_of(L, t, 3, "reply_recv");
	uint64_t timeout = opt_duration(L, "reply_recv", 4, "timeout", UINT64_MAX);
	struct msg *m;
	int ret;

	check_options(L, "reply_recv", 4, timeout_only);

	if (lua_isnoneornil(L, 1))    /* m = reply_recv(m, ...) in a loop with no recv before */
		return lu_script_errorf(L, "bad argument #1 to 'reply_recv' (the request to answer "
					"expected, got nil: receive the first one with recv(p))");
	if (!on)
		return lu_fail(L, UK_ENORIGHT);
	if (!(m = encode_reply(L, t, "reply_recv", &name, k_reply_recv_again, &ret)))
		return ret;
	t->sc.arg = (uint64_t)(uint32_t)on;
	return post(L, t, SYS_REPLY_RECV, name, m, timeout, k_recv);
}

static int k_reply_recv_again(lua_State *L, int status, lua_KContext ctx)
{
	(void)status, (void)ctx;
	return l_reply_recv(L);
}

void lu_open_ipc(lua_State *L)
{
	static const luaL_Reg funcs[] = {
		{ "port", l_port },   { "send", l_send },         { "recv", l_recv },
		{ "call", l_call },   { "reply", l_reply },   { "reply_recv", l_reply_recv },
		{ NULL, NULL },
	};
	static const luaL_Reg meta[] = {
		{ "__tostring", port_tostring }, { "__eq", port_eq }, { NULL, NULL },
	};

	luaL_newmetatable(L, PORT_META);
	lua_pushvalue(L, -1);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &port_meta_key);
	lua_pushvalue(L, -1);
	luaL_setfuncs(L, meta, 1);
	lua_pushliteral(L, "port");
	lua_setfield(L, -2, "__name");
	lua_pushglobaltable(L);
	lua_pushvalue(L, -2);
	for (int i = 0; i < UV_REPLY - UV_META; i++)
		lua_pushstring(L, uv_keys[i]);
	lua_pushinteger(L, -1);   /* no sender yet */
	lua_pushnil(L);
	lua_pushnil(L);
	luaL_setfuncs(L, funcs, UV_N);
	lua_pop(L, 2);
	lu_open_names(L);
}
