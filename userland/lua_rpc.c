/*
 * lua_rpc.c - the RPC stubs' primitives: build and take apart the messages
 * of the RPC protocol (rpc_proto.h) in the wire encoding (wire.h), and move
 * them through the kernel. The policy - binding, retransmission, the reply
 * history, server structures - is rpc.lua's, which gets these functions as
 * the table its chunk is called with; they are not globals.
 *
 *   nextid()                                  -> a request id, unique in the process
 *   pid()                                     -> the caller's process id, and whether
 *                                                it is many-to-one (free)
 *   trace_object(what, port, id, label [, method, ok])  an obj_export or obj_call record
 *   call(p, id, target, method, proto, args, timeout, rights) -> status, results, rights
 *                                                                  | nil, reason
 *   send(p, id, target, method, proto, args, replyport, rights) -> true | nil, reason
 *   ack(p, id)                                -> true | nil, reason
 *   recv(p, timeout)                          -> message table | nil, reason
 *   reply(h, async, id, status, results, rights) -> true | nil, reason
 *   service_thread(fn, ...)                   -> a thread that does not keep the process alive
 *   encode(...)                               -> bytes, values, numbers
 *   plain(v, out)                             -> whether v holds no remote object
 *   wire_hooks(out, in, export)               objects.lua's hooks for plain
 *                                                messages (marshal.h)
 *
 * args and results are sequences; their length is t.n when present (so nils
 * travel), else #t. rights (optional) is a sequence of port handles of the
 * caller's process: each travels as a send right in the message (the
 * references to remote objects rpc.lua builds on them), and a message
 * received gives its rights as the sequence `rights`, in order (an
 * asynchronous request's reply port first; nil when it carries none).
 * Every message is charged as any other: the marshalling
 * per value, the copies per byte, and a conversion per number for a
 * little-endian process (cost "byteswap").
 */
#include <lauxlib.h>
#include <stdarg.h>
#include <string.h>

#include "lua_sys.h"
#include "machine.h"
#include "marshal.h"
#include "msg.h"
#include "port.h"
#include "proc.h"
#include "rpc_proto.h"
#include "rpcstat.h"
#include "syscall.h"
#include "thread.h"
#include "trace.h"
#include "uk_err.h"
#include "wire.h"

/* Raise msg at the scenario's line: the innermost Lua function on the
 * stack that is not a built-in library's own (rpc.lua, fs.lua, clock.lua):
 * misuse is the script's mistake. */
int lu_script_error(lua_State *L, const char *msg)
{
	lua_Debug ar;

	for (int level = 1; lua_getstack(L, level, &ar); level++) {
		if (!lua_getinfo(L, "Sl", &ar) || ar.currentline <= 0 || lu_builtin_source(ar.source))
			continue;
		lua_pushfstring(L, "%s:%d: %s", ar.short_src, ar.currentline, msg);
		return lua_error(L);
	}
	lua_pushstring(L, msg);
	return lua_error(L);
}

int lu_script_errorf(lua_State *L, const char *fmt, ...)
{
	const char *msg;
	va_list ap;

	va_start(ap, fmt);
	msg = lua_pushvfstring(L, fmt, ap);
	va_end(ap);
	return lu_script_error(L, msg);
}

/* misuse(msg): rpc.lua's way to raise at the scenario's line. */
static int r_misuse(lua_State *L)
{
	return lu_script_error(L, luaL_checkstring(L, 1));
}

static enum wire_order order_of(const struct thread *t)
{
	return t->p->big_endian ? WIRE_BIG : WIRE_LITTLE;
}

/* The length of the sequence at idx: its field n if it is an integer, else #. */
static lua_Integer seq_len(lua_State *L, int idx)
{
	lua_Integer n;
	int ok;

	lua_getfield(L, idx, "n");
	n = lua_tointegerx(L, -1, &ok);
	lua_pop(L, 1);
	if (!ok)
		n = (lua_Integer)luaL_len(L, idx);
	if (n < 0 || n > UINT32_MAX)
		luaL_error(L, "rpc: a sequence of %I values cannot travel", n);
	return n;
}

/* Append the sequence at idx as an array. */
static void put_seq(lua_State *L, int idx, struct wbuf *w)
{
	lua_Integer n = seq_len(L, idx);

	wire_put_array(w, (uint32_t)n);
	for (lua_Integer i = 1; i <= n && !w->err; i++) {
		lua_geti(L, idx, i);
		wire_put_lua(L, lua_gettop(L), w);
		lua_pop(L, 1);
	}
}

/* A kernel message holding w's bytes; raises the encoding's error. */
static struct msg *to_msg(lua_State *L, struct wbuf *w)
{
	struct msg *m;

	if (w->err) {
		const char *why = lua_pushfstring(L, "rpc: %s", w->err);
		wbuf_free(w);
		lu_script_error(L, why);
	}
	m = msg_new((uint32_t)w->len);
	if (m) {
		memcpy(m->data, w->p, w->len);
		m->nvalues = w->values;
		m->nnums = w->numbers;
	}
	wbuf_free(w);
	if (!m)
		luaL_error(L, "out of memory");
	return m;
}

/* A request: header fields from the arguments at 2..5, args at 6. */
static struct msg *request(lua_State *L, struct thread *t)
{
	struct wbuf w;
	size_t tlen;
	const char *target = luaL_checklstring(L, 3, &tlen);

	luaL_checktype(L, 6, LUA_TTABLE);
	wbuf_init(&w, order_of(t));
	wire_put_i32(&w, RPC_REQUEST);
	wire_put_i64(&w, luaL_checkinteger(L, 2));
	wire_put_string(&w, target, tlen);
	wire_put_i32(&w, (int32_t)luaL_checkinteger(L, 4));
	wire_put_i32(&w, (int32_t)luaL_checkinteger(L, 5));
	put_seq(L, 6, &w);
	return to_msg(L, &w);
}

/* The right name of the port handle at arg in t's process, 0 if foreign. */
static int32_t port_arg(lua_State *L, struct thread *t, int arg)
{
	uint32_t pid;
	int32_t name;

	if (!lu_toport(L, arg, &pid, &name))
		luaL_typeerror(L, arg, "ukern.port");
	return pid == t->p->pid ? name : 0;
}

/* Attach the ports of the sequence at idx (none if nil) to m after its
 * first rights. Returns UK_OK, or UK_ENORIGHT for a port of another
 * process; raises at the script's line for too many or a non-port. */
static int attach_rights(lua_State *L, struct thread *t, int idx, struct msg *m)
{
	lua_Integer n;

	if (lua_isnoneornil(L, idx))
		return UK_OK;
	luaL_checktype(L, idx, LUA_TTABLE);
	n = luaL_len(L, idx);
	if (n > UK_MSG_MAX_RIGHTS - m->nrights) {
		msg_free(m);
		lu_script_error(L, lua_pushfstring(L, "rpc: a message carries at most %d ports "
						   "(object references count one each)",
						   UK_MSG_MAX_RIGHTS));
	}
	for (lua_Integer i = 1; i <= n; i++) {
		int32_t name;
		lua_geti(L, idx, i);
		name = port_arg(L, t, lua_gettop(L));
		lua_pop(L, 1);
		if (!name)
			return UK_ENORIGHT;
		m->names[m->nrights++] = name;
	}
	return UK_OK;
}

/* Push the rights m gave, from the first-th, as a sequence; nil if none
 * (most messages: no table made for them). */
static void push_rights(lua_State *L, struct thread *t, const struct msg *m, unsigned first)
{
	if (m->nrights <= first) {
		lua_pushnil(L);
		return;
	}
	lua_createtable(L, m->nrights > first ? (int)(m->nrights - first) : 0, 0);
	for (unsigned i = first; i < m->nrights; i++) {
		lu_pushport(L, t->p->pid, m->names[i]);
		lua_rawseti(L, -2, (lua_Integer)(i - first + 1));
	}
}

static int post(lua_State *L, struct thread *t, unsigned op, int32_t name, struct msg *m,
		uint64_t timeout, lua_KFunction k)
{
	t->sc.op = (uint16_t)op;
	t->sc.name = name;
	t->sc.m = m;
	t->sc.timeout = timeout;
	return lua_yieldk(L, 0, 0, k);
}

/* A timeout in ns at arg (rpc.lua converts the user's durations); nil: none. */
static uint64_t ns_arg(lua_State *L, int arg)
{
	lua_Integer ns;

	if (lua_isnoneornil(L, arg))
		return UINT64_MAX;
	ns = luaL_checkinteger(L, arg);
	return ns < 0 ? 0 : (uint64_t)ns;
}

/* duration(d) -> ns: a user's duration ("5ms", or a number of ms). */
/* duration(d) -> ns | nil, what is wrong with d */
static int r_duration(lua_State *L)
{
	uint64_t ns;

	if (lu_toduration(L, 1, &ns) != 0) {
		const char *wrong = lu_duration_error(L, 1);

		lua_pushnil(L);
		lua_pushstring(L, wrong);
		return 2;
	}
	lua_pushinteger(L, ns > INT64_MAX ? INT64_MAX : (lua_Integer)ns);
	return 1;
}

/* stat(binding, method, event [, latency, retransmissions [, copies]]) for
 * the stats; copies: the letters of the copies made (rpcstat.h), when they
 * are not those the event makes by default. */
static int r_stat(lua_State *L)
{
	static const char *const events[] = { "ok", "failed", "execution", "duplicate", NULL };
	static const enum rpcstat_event ev[] = { RS_CALL_OK, RS_CALL_FAILED, RS_EXECUTION,
						 RS_DUPLICATE };
	struct thread *t = lu_self(L, "rpc");
	const char *binding = luaL_checkstring(L, 1), *method = luaL_checkstring(L, 2);
	int e = luaL_checkoption(L, 3, NULL, events);
	lua_Integer lat = luaL_optinteger(L, 4, 0), re = luaL_optinteger(L, 5, 0);
	const char *copies = luaL_optstring(L, 6, NULL);

	if (rpcstat_note_kind(t->m, binding, method, "message", ev[e], lat < 0 ? 0 : (uint64_t)lat,
			      re < 0 ? 0 : (uint64_t)re, copies) != 0)
		return luaL_error(L, "out of memory");
	return 0;
}

/* pid() -> the calling thread's process id, and whether the process is
 * many-to-one; free (no simcall). */
static int r_pid(lua_State *L)
{
	struct proc *p = lu_self(L, "rpc")->p;

	lua_pushinteger(L, (lua_Integer)p->pid);
	lua_pushboolean(L, p->model == MODEL_MANY_TO_ONE);
	return 2;
}

static int r_nextid(lua_State *L)
{
	struct thread *t = lu_self(L, "rpc");

	lua_pushinteger(L, (lua_Integer)++t->p->rpc_next_id);
	return 1;
}

/* Read the results array of a reply or the args of a request into a new
 * table with its n. Returns 0, or -1 with r->err set (nothing pushed). */
static int push_seq(lua_State *L, struct wreader *r)
{
	int64_t n = wire_get_array(r);

	if (n < 0)
		return -1;
	lua_createtable(L, n < 64 ? (int)n : 64, 1);
	for (int64_t i = 1; i <= n; i++) {
		if (wire_push_lua(L, r) != 0) {
			lua_pop(L, 1);
			return -1;
		}
		lua_rawseti(L, -2, i);
	}
	lua_pushinteger(L, n);
	lua_setfield(L, -2, "n");
	return 0;
}

/* The reply in m for request id: pushes status, results; or nil, reason. */
static int push_reply(lua_State *L, struct thread *t, struct msg *m, int64_t id)
{
	struct wreader r;
	int32_t type, status;
	int64_t rid;

	wreader_init(&r, m->data, m->size, order_of(t));
	type = wire_get_i32(&r);
	rid = wire_get_i64(&r);
	status = wire_get_i32(&r);
	if (!r.err && (type != RPC_REPLY || rid != id))
		r.err = "not the reply to this request";
	if (r.err || push_seq(L, &r) != 0) {
		lua_pushnil(L);
		lua_pushfstring(L, "malformed reply: %s", r.err);
		return 2;
	}
	lua_pushinteger(L, status);
	lua_insert(L, -2);
	return 2;
}

static int k_call(lua_State *L, int status, lua_KContext ctx)
{
	struct thread *t = lu_self(L, "rpc");
	struct msg *m = t->sc.m;
	int n;

	(void)status;
	t->sc.m = NULL;
	if (t->sc.err)
		return lu_fail(L, t->sc.err);
	n = push_reply(L, t, m, (int64_t)ctx);
	if (n == 2 && !lua_isnil(L, -2)) {
		push_rights(L, t, m, 0);
		n = 3;
	}
	msg_free(m);
	return n;
}

static int r_call(lua_State *L)
{
	struct thread *t = lu_self(L, "rpc");
	int32_t name = port_arg(L, t, 1);
	uint64_t timeout = ns_arg(L, 7);
	struct msg *m;

	if (!name)
		return lu_fail(L, UK_ENORIGHT);
	m = request(L, t);
	if (attach_rights(L, t, 8, m) != UK_OK) {
		msg_free(m);
		return lu_fail(L, UK_ENORIGHT);
	}
	t->sc.op = SYS_CALL;
	t->sc.name = name;
	t->sc.m = m;
	t->sc.timeout = timeout;
	return lua_yieldk(L, 0, (lua_KContext)luaL_checkinteger(L, 2), k_call);
}

static int k_sent(lua_State *L, int status, lua_KContext ctx)
{
	struct thread *t = lu_self(L, "rpc");

	(void)status, (void)ctx;
	if (t->sc.err)
		return lu_fail(L, t->sc.err);
	lua_pushboolean(L, 1);
	return 1;
}

static int r_send(lua_State *L)
{
	struct thread *t = lu_self(L, "rpc");
	int32_t name = port_arg(L, t, 1), back = 0;
	struct msg *m;

	if (!lua_isnoneornil(L, 7) && !(back = port_arg(L, t, 7)))
		return lu_fail(L, UK_ENORIGHT);
	if (!name)
		return lu_fail(L, UK_ENORIGHT);
	m = request(L, t);
	if (back) {
		m->nrights = 1;
		m->names[0] = back;
	}
	if (attach_rights(L, t, 8, m) != UK_OK) {
		msg_free(m);
		return lu_fail(L, UK_ENORIGHT);
	}
	return post(L, t, SYS_SEND, name, m, UINT64_MAX, k_sent);
}

static int r_ack(lua_State *L)
{
	struct thread *t = lu_self(L, "rpc");
	int32_t name = port_arg(L, t, 1);
	struct wbuf w;

	if (!name)
		return lu_fail(L, UK_ENORIGHT);
	wbuf_init(&w, order_of(t));
	wire_put_i32(&w, RPC_ACK);
	wire_put_i64(&w, luaL_checkinteger(L, 2));
	return post(L, t, SYS_SEND, name, to_msg(L, &w), UINT64_MAX, k_sent);
}

/* Fill the table on top with a request's header and args from r. */
static void take_request(lua_State *L, struct wreader *r)
{
	size_t len;
	const char *target;
	int64_t id = wire_get_i64(r);

	target = wire_get_string(r, &len);
	lua_pushinteger(L, id);
	lua_setfield(L, -2, "id");
	if (!target)
		return;
	lua_pushlstring(L, target, len);
	lua_setfield(L, -2, "target");
	lua_pushinteger(L, wire_get_i32(r));
	lua_setfield(L, -2, "method");
	lua_pushinteger(L, wire_get_i32(r));
	lua_setfield(L, -2, "proto");
	if (!r->err && push_seq(L, r) == 0)
		lua_setfield(L, -2, "args");
}

/* Fill the table on top from the protocol message m (kind, and the fields
 * of that kind); a message that cannot be decoded is kind "malformed", with
 * the reason. */
static void take_message(lua_State *L, struct thread *t, struct msg *m)
{
	struct wreader r;
	int32_t type;

	wreader_init(&r, m->data, m->size, order_of(t));
	type = wire_get_i32(&r);
	if (type == RPC_REQUEST) {
		take_request(L, &r);
	} else if (type == RPC_ACK) {
		lua_pushinteger(L, wire_get_i64(&r));
		lua_setfield(L, -2, "id");
	} else if (type == RPC_REPLY) {
		lua_pushinteger(L, wire_get_i64(&r));
		lua_setfield(L, -2, "id");
		lua_pushinteger(L, wire_get_i32(&r));
		lua_setfield(L, -2, "status");
		if (!r.err && push_seq(L, &r) == 0)
			lua_setfield(L, -2, "results");
	} else if (!r.err) {
		r.err = "not a message of the RPC protocol";
	}
	if (r.err) {
		lua_pushstring(L, r.err);
		lua_setfield(L, -2, "reason");
		lua_pushliteral(L, "malformed");
	} else {
		static const char *const kinds[] = { "?", "request", "reply", "ack" };
		lua_pushstring(L, kinds[type]);
	}
	lua_setfield(L, -2, "kind");
}

static int k_recv(lua_State *L, int status, lua_KContext ctx)
{
	struct thread *t = lu_self(L, "rpc");
	struct msg *m = t->sc.m;

	(void)status, (void)ctx;
	t->sc.m = NULL;
	if (t->sc.err)
		return lu_fail(L, t->sc.err);
	lua_createtable(L, 0, 10);
	take_message(L, t, m);
	lua_pushinteger(L, m->sender_pid);
	lua_setfield(L, -2, "sender_pid");
	lua_pushstring(L, m->sender_pid ? t->m->procs[m->sender_pid - 1]->name : "kernel");
	lua_setfield(L, -2, "sender");
	lua_pushinteger(L, m->size);
	lua_setfield(L, -2, "size");
	if (m->reply_name) {
		lu_pushport(L, t->p->pid, m->reply_name);
		lua_setfield(L, -2, "reply");
	}
	push_rights(L, t, m, 0);
	lua_setfield(L, -2, "rights");
	msg_free(m);
	return 1;
}

static int r_recv(lua_State *L)
{
	struct thread *t = lu_self(L, "rpc");
	int32_t name = port_arg(L, t, 1);
	uint64_t timeout = ns_arg(L, 2);

	if (!name)
		return lu_fail(L, UK_ENORIGHT);
	return post(L, t, SYS_RECV, name, NULL, timeout, k_recv);
}

/* reply(h, async, id, status, results): on the send-once right h, or, for
 * an asynchronous request, as a send on the port h it named. */
static int r_reply(lua_State *L)
{
	struct thread *t = lu_self(L, "rpc");
	int32_t name = port_arg(L, t, 1);
	int async = lua_toboolean(L, 2);
	struct wbuf w;
	struct msg *m;

	luaL_checktype(L, 5, LUA_TTABLE);
	if (!name)
		return lu_fail(L, UK_ENORIGHT);
	wbuf_init(&w, order_of(t));
	wire_put_i32(&w, RPC_REPLY);
	wire_put_i64(&w, luaL_checkinteger(L, 3));
	wire_put_i32(&w, (int32_t)luaL_checkinteger(L, 4));
	put_seq(L, 5, &w);
	m = to_msg(L, &w);
	if (attach_rights(L, t, 6, m) != UK_OK) {
		msg_free(m);
		return lu_fail(L, UK_ENORIGHT);
	}
	return post(L, t, async ? SYS_SEND : SYS_REPLY, name, m, UINT64_MAX, k_sent);
}

/* encode(...): the values in the wire encoding, one after the other, as a
 * stub writes them, with the counts the stubs charge for (values, and the
 * multi-byte numbers a little-endian process converts). Free: no simcall,
 * usable anywhere. A value that cannot travel raises at the script's line. */
static int r_encode(lua_State *L)
{
	int n = lua_gettop(L);
	struct wbuf w;

	wbuf_init(&w, WIRE_BIG);
	for (int i = 1; i <= n && !w.err; i++)
		wire_put_lua(L, i, &w);
	if (w.err) {
		const char *why = lua_pushfstring(L, "rpc.encode: %s", w.err);
		wbuf_free(&w);
		return lu_script_error(L, why);
	}
	lua_pushlstring(L, (const char *)w.p, w.len);
	lua_pushinteger(L, w.values);
	lua_pushinteger(L, w.numbers);
	wbuf_free(&w);
	return 3;
}

/* Whether the value at idx, to depth 32 (as far as objects.lua's to_wire
 * and from_wire look), has no table that is, out: a local object or a
 * reference (any metatable counts: to_wire decides), else: a record of one
 * (a key "__objref"). */
static int plain_value(lua_State *L, int idx, int depth, int out)
{
	int plain = 1;

	if (lua_type(L, idx) != LUA_TTABLE || depth > 32)
		return 1;
	if (!lua_checkstack(L, 3))
		return 0;
	if (out && lua_getmetatable(L, idx)) {
		lua_pop(L, 1);
		return 0;
	}
	if (!out) {
		lua_pushliteral(L, MARSHAL_REF_KEY);
		plain = lua_rawget(L, idx) == LUA_TNIL;
		lua_pop(L, 1);
	}
	lua_pushnil(L);
	while (plain && lua_next(L, idx)) {
		plain = plain_value(L, lua_gettop(L), depth + 1, out);
		lua_pop(L, 1);
	}
	if (!plain)
		lua_pop(L, 1);   /* the key lua_next left */
	return plain;
}

/* plain(v, out): with nothing to convert, objects.lua's to_wire (out) or
 * from_wire would give v back unchanged; this walk in C is the check that
 * spares the common message the walk in Lua. Free. */
static int r_plain(lua_State *L)
{
	lua_settop(L, 2);
	lua_pushboolean(L, plain_value(L, 1, 0, lua_toboolean(L, 2)));
	return 1;
}

/* trace_object(what, port, object, label [, method, ok]): an obj_export
 * ("export", which also labels the port with the object's name, as
 * register labels a service's) or obj_call ("call") record for an object
 * behind port, a right of the caller's process. Free: no simcall. */
static int r_trace_object(lua_State *L)
{
	static const char *const whats[] = { "export", "call", NULL };
	struct thread *t = lu_self(L, "rpc");
	int what = luaL_checkoption(L, 1, NULL, whats);
	int32_t name = port_arg(L, t, 2);
	lua_Integer id = luaL_checkinteger(L, 3);
	size_t len;
	const char *label = luaL_checklstring(L, 4, &len);
	struct right *r = name ? proc_right(t->p, name) : NULL;
	uint64_t port = r && r->pt ? r->pt->id : 0;

	if (what == 0 && r && r->pt) {
		/* the object's port is known by the object's name in reports */
		size_t n = len < sizeof r->pt->label ? len : sizeof r->pt->label - 1;
		memcpy(r->pt->label, label, n);
		r->pt->label[n] = '\0';
		TRACE_STR(t->m, TR_PORT_LABEL, r->pt->label, n, port);
	}
	if (what == 0)
		TRACE_STR(t->m, TR_OBJ_EXPORT, label, len, t->p->pid, port, (uint64_t)id);
	else
		TRACE_STR(t->m, TR_OBJ_CALL, label, len, t->tid, t->p->pid, port, (uint64_t)id,
			  (uint64_t)luaL_checkinteger(L, 5), (uint64_t)lua_toboolean(L, 6));
	return 0;
}

/* error_text(e) -> the text a handler's error e travels as (lu_error_text):
 * the same in every run, so the reply and what the client logs are too. */
static int r_error_text(lua_State *L)
{
	luaL_checkany(L, 1);
	lua_pushstring(L, lu_error_text(L, 1));
	return 1;
}

static const luaL_Reg rpc_funcs[] = {
	{ "nextid", r_nextid }, { "call", r_call }, { "send", r_send }, { "ack", r_ack },
	{ "recv", r_recv },     { "reply", r_reply }, { "duration", r_duration },
	{ "stat", r_stat },     { "misuse", r_misuse }, { "encode", r_encode },
	{ "service_thread", lu_service_thread }, { "trace_object", r_trace_object },
	{ "pid", r_pid },       { "plain", r_plain }, { "wire_hooks", marshal_hooks },
	{ "error_text", r_error_text }, { NULL, NULL },
};

void lu_push_rpc_prims(lua_State *L)
{
	luaL_newlib(L, rpc_funcs);
}

void lu_open_rpc(lua_State *L)
{
	static const char objects[] = {
#include "objects_lua.h"
	};
	static const char chunk[] = {
#include "rpc_lua.h"
	};

	/* objects.lua first: it returns the module rpc.lua builds on */
	if (luaL_loadbufferx(L, chunk, sizeof chunk, "=rpc.lua", "t") != LUA_OK ||
	    luaL_loadbufferx(L, objects, sizeof objects, "=objects.lua", "t") != LUA_OK)
		lua_error(L);
	lu_push_rpc_prims(L);
	lua_call(L, 1, 1);
	lu_push_rpc_prims(L);
	lua_insert(L, -2);
	lua_call(L, 2, 1);
	lua_setglobal(L, "rpc");
}
