/*
 * lua_mem.c - memory and processes in the scenario API: the mem table
 * (alloc, free, protect, read, write, page_size, regions, stat), fork and
 * wait.
 *
 * Addresses are integers in the calling process's own address space. The
 * bindings check their arguments (a mistake raises at the script's line),
 * post the system call and turn the answer into results. An access the
 * kernel refuses (unmapped, against the permissions, no frame left) never
 * comes back: the kernel kills the process, as a segmentation fault does.
 * page_size, regions and stat only read and are not system calls.
 */
#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lua_body.h"
#include "lua_sys.h"
#include "machine.h"
#include "msg.h"
#include "proc.h"
#include "syscall.h"
#include "thread.h"
#include "uk_err.h"
#include "uk_limits.h"
#include "vm.h"
#include "vmsys.h"

#define CHILD_META "ukern.process"

/* addr as the scripts write it: 0x and lowercase hex digits. */
static const char *hex(uint64_t addr, char *buf, size_t len)
{
	snprintf(buf, len, "0x%llx", (unsigned long long)addr);
	return buf;
}

/* Post op and yield; k (or nothing) produces the results. */
static int post(lua_State *L, struct thread *t, unsigned op, lua_KFunction k)
{
	t->sc.op = (uint16_t)op;
	return lua_yieldk(L, 0, 0, k);
}

/* An address argument: an integer from 0. */
static uint64_t check_addr(lua_State *L, int arg)
{
	lua_Integer a = luaL_checkinteger(L, arg);

	if (a < 0)
		luaL_argerror(L, arg, "an address is an integer from 0");
	return (uint64_t)a;
}

/* A length argument: an integer from lo to hi. */
static uint64_t check_len(lua_State *L, int arg, lua_Integer lo, lua_Integer hi, const char *what)
{
	lua_Integer n = luaL_checkinteger(L, arg);

	if (n < lo || n > hi)
		luaL_argerror(L, arg, hi == LUA_MAXINTEGER
					      ? lua_pushfstring(L, "%s must be at least %I byte, not %I",
								what, lo, n)
					      : lua_pushfstring(L, "%s must be from %I to %I bytes, not %I",
								what, lo, hi, n));
	return (uint64_t)n;
}

/* A permission string: "rw", "r" or "". */
static uint8_t check_perm(lua_State *L, int arg, const char *dflt)
{
	const char *s = luaL_optstring(L, arg, dflt);

	if (strcmp(s, "rw") == 0)
		return VM_R | VM_W;
	if (strcmp(s, "r") == 0)
		return VM_R;
	if (strcmp(s, "") == 0)
		return 0;
	return (uint8_t)luaL_argerror(L, arg, lua_pushfstring(L, "a permission is \"rw\", \"r\" or "
							    "\"\" (no access), not '%s'", s));
}

static int k_alloc(lua_State *L, int status, lua_KContext ctx)
{
	struct thread *t = lu_self(L, "mem.alloc");

	(void)status;
	(void)ctx;
	if (t->sc.err)
		return lu_fail(L, t->sc.err);
	lua_pushinteger(L, (lua_Integer)t->sc.val);
	return 1;
}

/* mem.alloc(bytes [, perm]) -> address | nil, "out of memory" */
static int l_alloc(lua_State *L)
{
	struct thread *t = lu_self(L, "mem.alloc");

	t->sc.arg = check_len(L, 1, 1, LUA_MAXINTEGER, "a size");
	t->sc.name = check_perm(L, 2, "rw");
	return post(L, t, SYS_MEM_ALLOC, k_alloc);
}

static int k_free(lua_State *L, int status, lua_KContext ctx)
{
	struct thread *t = lu_self(L, "mem.free");
	char a[24];

	(void)status;
	(void)ctx;
	if (t->sc.err == UK_EINVAL)
		return luaL_error(L, "mem.free: no region made by mem.alloc, mem.share, mem.map or an "
				     "out-of-line message starts at %s", hex(t->sc.arg, a, sizeof a));
	if (t->sc.err)
		return lu_fail(L, t->sc.err);
	lua_pushboolean(L, 1);
	return 1;
}

/* mem.free(addr) -> true */
static int l_free(lua_State *L)
{
	struct thread *t = lu_self(L, "mem.free");

	t->sc.arg = check_addr(L, 1);
	return post(L, t, SYS_MEM_FREE, k_free);
}

static int k_protect(lua_State *L, int status, lua_KContext ctx)
{
	struct thread *t = lu_self(L, "mem.protect");
	char a[24];

	(void)status;
	(void)ctx;
	if (t->sc.err == UK_EINVAL)
		return luaL_error(L, "mem.protect: %s + %I bytes is not all mapped",
				  hex(t->sc.arg, a, sizeof a), (lua_Integer)t->sc.len);
	if (t->sc.err == UK_EFAULT)
		return luaL_error(L, "mem.protect: %s + %I bytes holds a read-only mapping of a "
				     "shared segment (mapped \"r\", or through a restricted handle): it cannot be made writable",
				  hex(t->sc.arg, a, sizeof a), (lua_Integer)t->sc.len);
	if (t->sc.err)
		return lu_fail(L, t->sc.err);
	lua_pushboolean(L, 1);
	return 1;
}

/* mem.protect(addr, len, perm) -> true */
static int l_protect(lua_State *L)
{
	struct thread *t = lu_self(L, "mem.protect");
	uint64_t addr = check_addr(L, 1), ps = t->m->vm.page_size;

	if (addr & (ps - 1))
		return luaL_argerror(L, 1, lua_pushfstring(L, "the address must be page-aligned (a "
							      "multiple of %d)", (int)ps));
	t->sc.len = check_len(L, 2, 1, LUA_MAXINTEGER, "a length");
	luaL_checkstring(L, 3);
	t->sc.name = check_perm(L, 3, "");
	t->sc.arg = addr;
	return post(L, t, SYS_MEM_PROTECT, k_protect);
}

static int k_read(lua_State *L, int status, lua_KContext ctx)
{
	struct thread *t = lu_self(L, "mem.read");
	struct msg *m = t->sc.m;

	(void)status;
	(void)ctx;
	t->sc.m = NULL;
	if (t->sc.err) {
		msg_free(m);
		return lu_fail(L, t->sc.err);
	}
	lua_pushlstring(L, (const char *)m->data, m->size);
	msg_free(m);
	return 1;
}

/* mem.read(addr, n) -> string of n bytes */
static int l_read(lua_State *L)
{
	struct thread *t = lu_self(L, "mem.read");
	uint64_t addr = check_addr(L, 1);
	uint64_t n = check_len(L, 2, 0, UK_MEM_MAX_IO, "a length");

	if (n == 0) {
		lua_pushliteral(L, "");
		return 1;
	}
	t->sc.arg = addr;
	t->sc.len = n;
	t->sc.m = NULL;
	return post(L, t, SYS_MEM_READ, k_read);
}

static int k_write(lua_State *L, int status, lua_KContext ctx)
{
	struct thread *t = lu_self(L, "mem.write");

	(void)status;
	(void)ctx;
	if (t->sc.err)
		return lu_fail(L, t->sc.err);
	lua_pushboolean(L, 1);
	return 1;
}

/* mem.write(addr, bytes) -> true */
static int l_write(lua_State *L)
{
	struct thread *t = lu_self(L, "mem.write");
	uint64_t addr = check_addr(L, 1);
	size_t n;
	const char *s = luaL_checklstring(L, 2, &n);
	struct msg *m;

	if (n > UK_MEM_MAX_IO)
		return luaL_argerror(L, 2, lua_pushfstring(L, "at most %d bytes at a time",
							      (int)UK_MEM_MAX_IO));
	if (n == 0) {
		lua_pushboolean(L, 1);
		return 1;
	}
	if (!(m = msg_new((uint32_t)n)))
		return lu_fail(L, UK_ENOMEM);
	memcpy(m->data, s, n);
	t->sc.arg = addr;
	t->sc.len = n;
	t->sc.m = m;
	return post(L, t, SYS_MEM_WRITE, k_write);
}

/* mem.page_size() -> bytes */
static int l_page_size(lua_State *L)
{
	struct thread *t = *(struct thread **)lua_getextraspace(L);

	if (!t)
		return luaL_error(L, "mem.page_size() can only be called inside a thread body");
	lua_pushinteger(L, t->m->vm.page_size);
	return 1;
}

static const char *perm_name(uint8_t perm)
{
	return perm == (VM_R | VM_W) ? "rw" : perm == VM_R ? "r" : "";
}

/* mem.regions() -> { { addr, len, kind, perm }, ... } of the caller's process */
static int l_regions(lua_State *L)
{
	static const char *const kinds[] = { "?", "text", "heap", "stack", "shared" };
	struct thread *t = *(struct thread **)lua_getextraspace(L);
	const struct as *as;

	if (!t)
		return luaL_error(L, "mem.regions() can only be called inside a thread body");
	as = thread_domain(t)->as;
	lua_createtable(L, as ? (int)as->nreg : 0, 0);
	for (uint32_t i = 0; as && i < as->nreg; i++) {
		const struct vm_region *g = &as->reg[i];
		lua_createtable(L, 0, 4);
		lua_pushinteger(L, (lua_Integer)g->start);
		lua_setfield(L, -2, "addr");
		lua_pushinteger(L, (lua_Integer)(g->npages << as->vm->shift));
		lua_setfield(L, -2, "len");
		lua_pushstring(L, kinds[g->kind < 5 ? g->kind : 0]);
		lua_setfield(L, -2, "kind");
		lua_pushstring(L, perm_name(g->perm));
		lua_setfield(L, -2, "perm");
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	return 1;
}

static void set_int(lua_State *L, const char *key, uint64_t v)
{
	lua_pushinteger(L, (lua_Integer)v);
	lua_setfield(L, -2, key);
}

/* mem.stat() -> the caller's process's memory figures and the machine's free frames */
static int l_stat(lua_State *L)
{
	struct thread *t = *(struct thread **)lua_getextraspace(L);
	const struct as *as;
	uint64_t shared = 0;

	if (!t)
		return luaL_error(L, "mem.stat() can only be called inside a thread body");
	as = thread_domain(t)->as;
	for (uint32_t i = 0; as && i < as->nreg; i++)
		for (uint64_t k = 0; k < as->reg[i].npages; k++) {
			uint32_t f = as->reg[i].pte[k].frame;
			shared += f && vm_frame_refs(as->vm, f) > 1;
		}
	lua_createtable(L, 0, 9);
	set_int(L, "frames", as ? as->resident : 0);
	set_int(L, "shared", shared);
	set_int(L, "pages", as ? as->npages : 0);
	set_int(L, "zero_fill_faults", as ? as->zero_faults : 0);
	set_int(L, "cow_faults", as ? as->cow_faults : 0);
	set_int(L, "pages_copied", as ? as->pages_copied : 0);
	set_int(L, "shm_pages", as_seg_pages(as));
	{
		const struct vm *vm = as ? as->vm : vmsys_vm(t->m, thread_domain(t)->node);
		set_int(L, "free_frames", vm->nframes - vm->used);
	}
	return 1;
}

/* --- fork and wait --- */

static int child_tostring(lua_State *L)
{
	uint32_t *h = luaL_checkudata(L, 1, CHILD_META);
	struct thread *self = *(struct thread **)lua_getextraspace(L);

	if (self && *h >= 1 && *h <= self->m->nprocs)
		lua_pushfstring(L, "process %s", self->m->procs[*h - 1]->name);
	else
		lua_pushfstring(L, "process #%d", (int)*h);
	return 1;
}

/* child.name, child.pid */
static int child_index(lua_State *L)
{
	uint32_t *h = luaL_checkudata(L, 1, CHILD_META);
	const char *key = luaL_checkstring(L, 2);
	struct thread *self = *(struct thread **)lua_getextraspace(L);

	if (strcmp(key, "pid") == 0)
		lua_pushinteger(L, *h);
	else if (strcmp(key, "name") == 0 && self && *h >= 1 && *h <= self->m->nprocs)
		lua_pushstring(L, self->m->procs[*h - 1]->name);
	else
		lua_pushnil(L);
	return 1;
}

static int k_fork(lua_State *L, int status, lua_KContext ctx)
{
	struct thread *t = lu_self(L, "fork");
	uint32_t *h;

	(void)status;
	(void)ctx;
	if (t->sc.err)
		return lu_fail(L, t->sc.err);
	h = lua_newuserdatauv(L, sizeof *h, 0);
	*h = (uint32_t)t->sc.val;
	luaL_setmetatable(L, CHILD_META);
	return 1;
}

/* fork(f, ...) -> child | nil, reason */
static int l_fork(lua_State *L)
{
	struct thread *t = lu_self(L, "fork");
	void *body;

	luaL_checktype(L, 1, LUA_TFUNCTION);
	/* (past the cap on processes the kernel's fork stops the run) */
	lu_check_limit(L, t, "fork", "threads");
	body = lua_body_new(L, lua_gettop(L) - 1);
	if (!body)
		return lu_fail(L, UK_ENOMEM);
	t->sc.body = &lua_body_ops;
	t->sc.ptr = body;
	return post(L, t, SYS_FORK, k_fork);
}

static int k_wait(lua_State *L, int status, lua_KContext ctx)
{
	struct thread *t = lu_self(L, "wait");
	uint64_t v = (uint64_t)t->sc.val;

	(void)status;
	(void)ctx;
	if (t->sc.err)
		return lu_fail(L, t->sc.err);
	lua_pushinteger(L, (int32_t)(uint32_t)v);
	lua_pushboolean(L, (int)(v >> 32));
	return 2;
}

/* wait(child) -> exit code, faulted | nil, "no such child" */
static int l_wait(lua_State *L)
{
	struct thread *t = lu_self(L, "wait");
	uint32_t *h = luaL_checkudata(L, 1, CHILD_META);

	t->sc.arg = *h;
	return post(L, t, SYS_WAIT, k_wait);
}

void lu_open_mem(lua_State *L)
{
	static const luaL_Reg mem[] = {
		{ "alloc", l_alloc },     { "free", l_free },       { "protect", l_protect },
		{ "read", l_read },       { "write", l_write },     { "page_size", l_page_size },
		{ "regions", l_regions }, { "stat", l_stat },       { NULL, NULL },
	};

	luaL_newlib(L, mem);
	lua_setglobal(L, "mem");
	lu_open_shm(L);
	lua_register(L, "fork", l_fork);
	lua_register(L, "wait", l_wait);
	luaL_newmetatable(L, CHILD_META);
	lua_pushcfunction(L, child_tostring);
	lua_setfield(L, -2, "__tostring");
	lua_pushcfunction(L, child_index);
	lua_setfield(L, -2, "__index");
	lua_pushliteral(L, "process");
	lua_setfield(L, -2, "__name");
	lua_pop(L, 1);
}
