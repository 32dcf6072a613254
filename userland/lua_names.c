/*
 * lua_names.c - the name server's functions of the scenario API: register,
 * lookup, unregister and names, each a call to the name server (a C
 * process, servers/name/name.c) with the request of name/name.h.
 *
 * From another node over a link that loses packets a call is sent again
 * when its answer does not come (net_retry_ns, twice as long each try, up
 * to NET_NS_RETRIES more times); each request may safely be made twice.
 */
#include <lauxlib.h>
#include <string.h>

#include "lua_sys.h"
#include "msg.h"
#include "name/name.h"
#include "net.h"
#include "proc.h"
#include "syscall.h"
#include "thread.h"
#include "uk_err.h"
#include "uk_limits.h"

/* The name of the port handle at arg in t's process, or 0 when it belongs
 * to another; the usual argument error when arg is not a handle. */
static int32_t own_port(lua_State *L, struct thread *t, int arg)
{
	uint32_t pid;
	int32_t name;

	if (!lu_toport(L, arg, &pid, &name))
		luaL_typeerror(L, arg, "ukern.port");
	return pid == t->p->pid ? name : 0;
}

/* A name-server request for name, with the port handle at arg (0: none). */
static struct msg *ns_request(lua_State *L, struct thread *t, unsigned op, int arg, int *err)
{
	size_t len;
	const char *name = luaL_checklstring(L, 1, &len);
	struct ns_request rq = { op, (uint32_t)len, { 0 } };
	struct msg *m;

	if (len == 0 || len > UK_NAME_MAX)
		luaL_argerror(L, 1, lua_pushfstring(L, "a service name has 1 to %d bytes", UK_NAME_MAX));
	memcpy(rq.name, name, len);
	*err = UK_OK;
	m = msg_new(sizeof rq);
	if (!m) {
		*err = UK_ENOMEM;
		return NULL;
	}
	memcpy(m->data, &rq, sizeof rq);
	m->nvalues = 2;
	if (arg) {
		int32_t pn = own_port(L, t, arg);
		if (!pn) {
			msg_free(m);
			*err = UK_ENORIGHT;
			return NULL;
		}
		m->nrights = 1;
		m->names[0] = pn;
	}
	return m;
}

/* The name server's answer in t->sc: its error code, and the message. */
static int ns_answer(struct thread *t, struct msg **mp)
{
	struct ns_reply rp;
	struct msg *m = t->sc.m;

	t->sc.m = NULL;
	*mp = m;
	if (t->sc.err)
		return t->sc.err;
	if (m->size != sizeof rp)
		return UK_EINVAL;
	memcpy(&rp, m->data, sizeof rp);
	return rp.err;
}

/* As ns_answer, for a list: the header in *rp, the names after it. */
static int ns_answer_list(struct thread *t, struct msg **mp, struct ns_reply *rp)
{
	struct msg *m = t->sc.m;

	t->sc.m = NULL;
	*mp = m;
	if (t->sc.err)
		return t->sc.err;
	if (m->size < sizeof *rp)
		return UK_EINVAL;
	memcpy(rp, m->data, sizeof *rp);
	return rp->err;
}

/* The request for op: names() asks for the list, which names nothing. */
static struct msg *ns_message(lua_State *L, struct thread *t, unsigned op, int arg, int *err)
{
	struct ns_request rq = { NS_LIST, 0, { 0 } };
	struct msg *m;

	if (op != NS_LIST)
		return ns_request(L, t, op, arg, err);
	*err = UK_OK;
	if (!(m = msg_new(sizeof rq))) {
		*err = UK_ENOMEM;
		return NULL;
	}
	memcpy(m->data, &rq, sizeof rq);
	m->nvalues = 2;
	return m;
}

/*
 * A call to the name server (on node A) from another node over a link that
 * loses packets is sent again when no answer comes in net_retry_ns, twice
 * as long at each try (register, lookup, unregister and names may each
 * safely be done twice); elsewhere it waits for ever, as on one machine.
 * ctx counts the tries made.
 */
static int ns_call(lua_State *L, struct thread *t, unsigned op, int arg, lua_KContext tries,
		   lua_KFunction k)
{
	uint64_t retry = net_retry_ns(t->m, t->p->node, 0);
	int err;
	struct msg *m = ns_message(L, t, op, arg, &err);

	if (!m)
		return lu_fail(L, err);
	t->sc.op = SYS_CALL;
	t->sc.name = UK_NAME_NAMESERVER;
	t->sc.m = m;
	t->sc.timeout = !retry ? UINT64_MAX : retry > (UINT64_MAX >> 8) ? UINT64_MAX
		      : retry << tries;
	return lua_yieldk(L, 0, tries + 1, k);
}

/* The answer timed out and a try remains. */
static int ns_again(struct thread *t, int err, lua_KContext tries)
{
	return err == UK_ETIMEDOUT && net_retry_ns(t->m, t->p->node, 0) &&
	       tries <= NET_NS_RETRIES;
}

static int k_register(lua_State *L, int status, lua_KContext ctx)
{
	struct thread *t = lu_resumed(L);
	struct msg *m;
	int err = ns_answer(t, &m);

	(void)status;
	msg_free(m);
	if (ns_again(t, err, ctx))
		return ns_call(L, t, NS_REGISTER, 2, ctx, k_register);
	if (err)
		return lu_fail(L, err);
	lua_pushboolean(L, 1);
	return 1;
}

/* register(name, p) -> true | nil, reason */
static int l_register(lua_State *L)
{
	struct thread *t = lu_self(L, "register");

	own_port(L, t, 2);
	return ns_call(L, t, NS_REGISTER, 2, 0, k_register);
}

static int k_lookup(lua_State *L, int status, lua_KContext ctx)
{
	struct thread *t = lu_resumed(L);
	struct msg *m;
	int err = ns_answer(t, &m);

	(void)status;
	if (ns_again(t, err, ctx)) {
		msg_free(m);
		return ns_call(L, t, NS_LOOKUP, 0, ctx, k_lookup);
	}
	if (!err && m->nrights != 1)
		err = UK_EINVAL;
	if (err) {
		msg_free(m);
		return lu_fail(L, err);
	}
	lu_pushport(L, t->p->pid, m->names[0]);
	msg_free(m);
	return 1;
}

/* lookup(name) -> port | nil, reason */
static int l_lookup(lua_State *L)
{
	return ns_call(L, lu_self(L, "lookup"), NS_LOOKUP, 0, 0, k_lookup);
}

static int k_unregister(lua_State *L, int status, lua_KContext ctx)
{
	struct thread *t = lu_self(L, "unregister");
	struct msg *m;
	int err = ns_answer(t, &m);

	(void)status;
	msg_free(m);
	if (ns_again(t, err, ctx))
		return ns_call(L, t, NS_UNREGISTER, 0, ctx, k_unregister);
	if (err == UK_ENOENT && ctx > 1)
		err = UK_OK;      /* a try before this one did it; its answer was lost */
	if (err)
		return lu_fail(L, err);
	lua_pushboolean(L, 1);
	return 1;
}

/* unregister(name) -> true | nil, reason */
static int l_unregister(lua_State *L)
{
	return ns_call(L, lu_self(L, "unregister"), NS_UNREGISTER, 0, 0, k_unregister);
}

static int k_names(lua_State *L, int status, lua_KContext ctx)
{
	struct thread *t = lu_resumed(L);
	struct ns_reply rp;
	struct msg *m;
	int err = ns_answer_list(t, &m, &rp);
	const char *p, *end;

	(void)status;
	if (ns_again(t, err, ctx)) {
		msg_free(m);
		return ns_call(L, t, NS_LIST, 0, ctx, k_names);
	}
	if (err) {
		msg_free(m);
		return lu_fail(L, err);
	}
	lua_createtable(L, (int)rp.count, 0);
	p = (const char *)m->data + sizeof rp;
	end = (const char *)m->data + m->size;
	for (lua_Integer i = 1; i <= (lua_Integer)rp.count && p < end; i++) {
		size_t len = strnlen(p, (size_t)(end - p));
		lua_pushlstring(L, p, len);
		lua_rawseti(L, -2, i);
		p += len + 1;
	}
	msg_free(m);
	return 1;
}

/* names() -> { name, ... } sorted | nil, reason */
static int l_names(lua_State *L)
{
	return ns_call(L, lu_self(L, "names"), NS_LIST, 0, 0, k_names);
}

void lu_open_names(lua_State *L)
{
	static const luaL_Reg funcs[] = {
		{ "register", l_register }, { "lookup", l_lookup }, { "unregister", l_unregister },
		{ "names", l_names },       { NULL, NULL },
	};

	lua_pushglobaltable(L);
	luaL_setfuncs(L, funcs, 0);
	lua_pop(L, 1);
}
