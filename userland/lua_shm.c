/*
 * lua_shm.c - shared memory in the scenario API: mem.share, mem.map and
 * the segment handle (doc/scenario-api.md, section 17, "Shared memory").
 *
 * A segment handle is a right, as a port handle is: the same userdata
 * (lua_ipc.c makes it, from a process's pid and a name in its right table),
 * with a metatable of its own that lu_pushport gives it when the name is a
 * right to map a segment. So it travels in messages as a port does, and the
 * receiver gets a handle of its own. mem.free unmaps a mapping (lua_mem.c).
 * mem.restrict gives a handle to the same segment that maps it "r" at most:
 * a right to the segment's read-only port (vmsys_shm.c).
 */
#include <lauxlib.h>
#include <string.h>

#include "lua_sys.h"
#include "machine.h"
#include "net.h"
#include "proc.h"
#include "syscall.h"
#include "thread.h"
#include "uk_err.h"
#include "vm.h"
#include "vmsys.h"

#define SEG_META "ukern.segment"

/* Its address is the registry key set by lu_open_shm: a state without it
 * (a test's) has no segments, and maybe no thread in its extra space. */
static const char opened_key;

int lu_is_segment(lua_State *L, uint32_t pid, int32_t name)
{
	const struct thread *t;
	int opened = lua_rawgetp(L, LUA_REGISTRYINDEX, &opened_key) != LUA_TNIL;

	lua_pop(L, 1);
	t = opened ? *(struct thread **)lua_getextraspace(L) : NULL;
	if (!t || !t->m->nsegs || pid == 0 || pid > t->m->nprocs)
		return 0;
	return vmsys_seg_of(t->m->procs[pid - 1], name) != NULL;
}

/* The segment handle at arg: its pid and name; raises a misuse of fn. */
static void check_seg(lua_State *L, int arg, const char *fn, uint32_t *pid, int32_t *name)
{
	if (!luaL_testudata(L, arg, SEG_META) || !lu_toport(L, arg, pid, name)) {
		const char *got = luaL_getmetafield(L, arg, "__name") == LUA_TSTRING
					  ? lua_tostring(L, -1)
					  : lua_isnone(L, arg) ? "no value" : luaL_typename(L, arg);
		lu_script_errorf(L, "bad argument #%d to '%s' (%s expected, got %s)", arg, fn,
				 SEG_META, got);
	}
}

/* The permission of a mapping: "rw" or "r". */
static uint8_t check_perm(lua_State *L, int arg, const char *fn, uint8_t dflt)
{
	const char *s;

	if (lua_isnoneornil(L, arg))
		return dflt;
	s = luaL_checkstring(L, arg);
	if (strcmp(s, "rw") == 0)
		return VM_R | VM_W;
	if (strcmp(s, "r") == 0)
		return VM_R;
	return (uint8_t)lu_script_errorf(L, "bad argument #%d to '%s' (a shared region's "
					    "permission is \"rw\" or \"r\", not '%s')", arg, fn, s);
}

/* The thread, refusing an LRPC procedure (its domain holds no rights). */
static struct thread *self(lua_State *L, const char *fn)
{
	struct thread *t = lu_self(L, fn);

	if (thread_domain(t) != t->p)
		lu_script_errorf(L, "%s: not available inside an LRPC procedure (the thread runs in "
				    "the server's domain, which holds no rights of its own)", fn);
	return t;
}

static int k_share(lua_State *L, int status, lua_KContext ctx)
{
	struct thread *t = lu_resumed(L);

	(void)status;
	(void)ctx;
	if (t->sc.err)
		return lu_fail(L, t->sc.err);
	lua_pushinteger(L, (lua_Integer)t->sc.val);
	lu_pushport(L, t->p->pid, t->sc.name);
	return 2;
}

/* mem.share(bytes [, perm]) -> address, segment | nil, reason */
static int l_share(lua_State *L)
{
	struct thread *t = self(L, "mem.share");
	lua_Integer n = luaL_checkinteger(L, 1);

	if (n < 1)
		return lu_script_errorf(L, "bad argument #1 to 'share' (a size must be at least 1 "
					   "byte, not %I)", n);
	t->sc.name = check_perm(L, 2, "share", VM_R | VM_W);
	lu_check_limit(L, t, "mem.share", "ports");
	t->sc.arg = (uint64_t)n;
	t->sc.op = SYS_MEM_SHARE;
	return lua_yieldk(L, 0, 0, k_share);
}

static int k_map(lua_State *L, int status, lua_KContext ctx)
{
	struct thread *t = lu_resumed(L);

	(void)status;
	switch (t->sc.err) {
	case UK_OK:
		lua_pushinteger(L, (lua_Integer)t->sc.val);
		return 1;
	case UK_EINVAL:
		return lu_script_errorf(L, "mem.map: segment(%d of pid %d) is read-only (shared "
					   "\"r\", or restricted): it cannot be mapped \"rw\"",
					(int)ctx, (int)t->p->pid);
	case UK_ENORIGHT:
		return lu_script_errorf(L, "mem.map: segment(%d of pid %d) is not a right of "
					   "process '%s'", (int)ctx, (int)t->p->pid, t->p->name);
	default:
		return lu_fail(L, t->sc.err);
	}
}

/* mem.map(segment [, perm]) -> address | nil, reason */
static int l_map(lua_State *L)
{
	struct thread *t = self(L, "mem.map");
	uint32_t pid;
	int32_t name;

	check_seg(L, 1, "map", &pid, &name);
	if (pid != t->p->pid)
		return lu_script_errorf(L, "mem.map: segment(%d of pid %d) is a right of another "
					   "process, not of '%s' (pid %d): a segment is mapped by "
					   "the process that shared it or received it in a message",
					(int)name, (int)pid, t->p->name, (int)t->p->pid);
	t->sc.arg = check_perm(L, 2, "map", 0);
	t->sc.name = name;
	t->sc.op = SYS_MEM_MAP;
	return lua_yieldk(L, 0, (lua_KContext)name, k_map);
}

static int k_restrict(lua_State *L, int status, lua_KContext ctx)
{
	struct thread *t = lu_resumed(L);

	(void)status;
	switch (t->sc.err) {
	case UK_OK:
		lu_pushport(L, t->p->pid, t->sc.name);
		return 1;
	case UK_ENORIGHT:
		return lu_script_errorf(L, "mem.restrict: segment(%d of pid %d) is not a right of "
					   "process '%s'", (int)ctx, (int)t->p->pid, t->p->name);
	default:
		return lu_fail(L, t->sc.err);
	}
}

/* mem.restrict(segment, "r") -> segment | nil, reason */
static int l_restrict(lua_State *L)
{
	struct thread *t = self(L, "mem.restrict");
	const char *perm;
	uint32_t pid;
	int32_t name;

	check_seg(L, 1, "restrict", &pid, &name);
	if (pid != t->p->pid)
		return lu_script_errorf(L, "mem.restrict: segment(%d of pid %d) is a right of "
					   "another process, not of '%s' (pid %d): a handle is "
					   "restricted by the process that holds it",
					(int)name, (int)pid, t->p->name, (int)t->p->pid);
	perm = luaL_checkstring(L, 2);
	if (strcmp(perm, "rw") == 0)
		return lu_script_errorf(L, "bad argument #2 to 'restrict' (\"rw\" restricts "
					   "nothing: a handle is restricted to \"r\", and never "
					   "widened)");
	if (strcmp(perm, "r") != 0)
		return lu_script_errorf(L, "bad argument #2 to 'restrict' (a segment handle is "
					   "restricted to \"r\", not '%s')", perm);
	if (vmsys_restrict_makes_port(t->p, name))
		lu_check_limit(L, t, "mem.restrict", "ports");
	t->sc.arg = VM_R;
	t->sc.name = name;
	t->sc.op = SYS_MEM_RESTRICT;
	return lua_yieldk(L, 0, (lua_KContext)name, k_restrict);
}

static int seg_tostring(lua_State *L)
{
	uint32_t pid;
	int32_t name;

	check_seg(L, 1, "tostring", &pid, &name);
	lua_pushfstring(L, "segment(%d of pid %d)", (int)name, (int)pid);
	return 1;
}

static int seg_eq(lua_State *L)
{
	uint32_t pa, pb;
	int32_t na, nb;

	lua_pushboolean(L, lu_toport(L, 1, &pa, &na) && lu_toport(L, 2, &pb, &nb) && pa == pb &&
				   na == nb);
	return 1;
}

void lu_open_shm(lua_State *L)
{
	lua_getglobal(L, "mem");
	lua_pushcfunction(L, l_share);
	lua_setfield(L, -2, "share");
	lua_pushcfunction(L, l_map);
	lua_setfield(L, -2, "map");
	lua_pushcfunction(L, l_restrict);
	lua_setfield(L, -2, "restrict");
	lua_pop(L, 1);
	lua_pushboolean(L, 1);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &opened_key);
	luaL_newmetatable(L, SEG_META);
	lua_pushcfunction(L, seg_tostring);
	lua_setfield(L, -2, "__tostring");
	lua_pushcfunction(L, seg_eq);
	lua_setfield(L, -2, "__eq");
	lua_pop(L, 1);
}
