/*
 * loader_proc.c - the declarations of what runs: process { }, job { } and
 * server { } (API: loader_decl.h). They record a declaration (its body,
 * thread model, placement, clock, byte order, affinity) for
 * scenario_build; every mistake is a Lua error at the script's line.
 */
#include "loader_decl.h"

#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "uk_limits.h"
#include "loader_net.h"
#include "proc.h"
#include "time/timesrv.h"

/* affinity = { 0, 1 }: the CPUs a process's threads may run on, as bits. */
static uint64_t field_affinity(lua_State *L, const char *fn)
{
	uint64_t mask = 0;
	int t = lua_getfield(L, 1, "affinity");

	if (t == LUA_TNIL) {
		lua_pop(L, 1);
		return 0;
	}
	if (t != LUA_TTABLE || lua_rawlen(L, -1) == 0)
		luaL_error(L, "%s: 'affinity' must be a list of CPU numbers, such as { 0, 1 }", fn);
	for (lua_Integer i = 1; i <= (lua_Integer)lua_rawlen(L, -1); i++) {
		int ok;
		lua_Integer c;
		lua_rawgeti(L, -1, i);
		c = lua_tointegerx(L, -1, &ok);
		if (!ok || c < 0 || c >= 64)
			luaL_error(L, "%s: affinity: CPU numbers go from 0 to 63", fn);
		mask |= 1ull << c;
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
	return mask;
}

/* A new declaration named name (checked unique), zeroed. */
/* The names declared so far, as the keys of a table in the registry: a
 * scenario may declare thousands of processes, and a search of the
 * declarations for each would make the load quadratic. Returns whether
 * name was declared already, and records it. */
static int declared(lua_State *L, const char *name)
{
	static const char key = 0;
	int seen;

	if (lua_rawgetp(L, LUA_REGISTRYINDEX, &key) != LUA_TTABLE) {
		lua_pop(L, 1);
		lua_newtable(L);
		lua_pushvalue(L, -1);
		lua_rawsetp(L, LUA_REGISTRYINDEX, &key);
	}
	seen = lua_getfield(L, -1, name) != LUA_TNIL;
	lua_pop(L, 1);
	if (!seen) {
		lua_pushboolean(L, 1);
		lua_setfield(L, -2, name);
	}
	lua_pop(L, 1);
	return seen;
}

static struct pdecl *new_decl(lua_State *L, struct scenario *s, const char *fn, const char *name)
{
	struct pdecl *d;

	if (strcmp(name, "name") == 0)
		luaL_error(L, "%s: 'name' is the name server's name", fn);
	if (declared(L, name))
		luaL_error(L, "%s: a process named '%s' is already declared", fn, name);
	if (s->nprocs == s->procs_cap) {
		size_t cap = s->procs_cap ? s->procs_cap * 2 : 8;
		struct pdecl *v = realloc(s->procs, cap * sizeof *v);
		if (!v)
			luaL_error(L, "out of memory");
		s->procs = v;
		s->procs_cap = cap;
	}
	d = &s->procs[s->nprocs];
	memset(d, 0, sizeof *d);
	snprintf(d->name, sizeof d->name, "%s", name);
	luaL_where(L, 1);
	snprintf(d->where, sizeof d->where, "%s", lua_tostring(L, -1));
	lua_pop(L, 1);
	d->fnref = LUA_NOREF;
	return d;
}

/* byte_order = "little" (the default, as x86) or "big" (as SPARC, the
 * network order): how many numbers its RPC stubs must convert. */
static int byte_order(lua_State *L)
{
	const char *o = field_string(L, "process", "byte_order", "little");

	if (strcmp(o, "little") != 0 && strcmp(o, "big") != 0)
		luaL_error(L, "process: byte_order must be \"little\" or \"big\", not '%s'", o);
	return strcmp(o, "big") == 0;
}

/* node = "B": where the process runs (checked once the script has run). */
static void decl_node(lua_State *L, const char *fn, struct pdecl *d)
{
	const char *node = loader_node_field(L, fn);

	if (node)
		snprintf(d->node, sizeof d->node, "%s", node);
}

static void add_process(lua_State *L, struct scenario *s, const char *name)
{
	struct pdecl *d = new_decl(L, s, "process", name);

	d->start_ns = field_duration(L, "process", "start", 0);
	d->daemon = field_bool(L, "process", "daemon", 0);
	d->priority = (int32_t)field_int(L, "process", "priority", 0, -1000, 1000);
	d->tickets = (uint32_t)field_int(L, "process", "tickets", 100, 1, 1000000);
	d->nice = (int32_t)field_int(L, "process", "nice", 0, -20, 19);
	d->affinity = field_affinity(L, "process");
	d->big_endian = byte_order(L);
	d->order_given = lua_getfield(L, 1, "byte_order") != LUA_TNIL;
	lua_pop(L, 1);
	decl_node(L, "process", d);
	d->tm.model = -1;
	d->tm.nlwp = -2;
	d->tm.activations = -1;
	d->tm.uquantum_ns = UINT64_MAX - 1;
	thread_model(L, "process", &d->tm);
	clock_fields(L, "process", &d->clock);
	if (lua_getfield(L, 1, "main") != LUA_TFUNCTION)
		luaL_error(L, "process '%s': 'main' must be a function (the body of its first thread)",
			   name);
	d->fnref = luaL_ref(L, LUA_REGISTRYINDEX);
	s->nprocs++;
}

/* The name of the declaration table at 1 (name = "x", or "x" first), pushed. */
static const char *decl_name(lua_State *L, const char *fn, size_t *len)
{
	const char *name;

	push_name(L, fn, "'name'", 1, 1);
	name = lua_tolstring(L, -1, len);
	if (lua_type(L, -1) != LUA_TSTRING || *len == 0 || *len >= UK_NAME_MAX ||
	    strpbrk(name, " \t\n,\"#") != NULL)
		luaL_error(L, "%s: 'name' must be a string of 1 to %d characters without spaces, "
			      "commas, quotes or '#'", fn, UK_NAME_MAX - 1);
	return name;
}

/* job { name = "A" or "A", arrive, run, io_every, io_time, priority } */
int l_job(lua_State *L)
{
	static const char *const known[] = { "name", "arrive", "run", "io_every", "io_time",
					     "priority", "tickets", "nice", "affinity", "program", NULL };
	struct scenario *s = scenario_of(L, "job");
	struct pdecl *d;
	size_t len;
	const char *name;

	luaL_checktype(L, 1, LUA_TTABLE);
	check_keys(L, "job", known, 1);
	name = decl_name(L, "job", &len);
	d = new_decl(L, s, "job", name);
	d->is_job = 1;
	d->start_ns = field_duration(L, "job", "arrive", 0);
	d->job.run_ns = field_duration(L, "job", "run", 0);
	d->job.io_every_ns = field_duration(L, "job", "io_every", 0);
	d->job.io_time_ns = field_duration(L, "job", "io_time", 0);
	d->priority = (int32_t)field_int(L, "job", "priority", 0, -1000, 1000);
	d->tickets = (uint32_t)field_int(L, "job", "tickets", 100, 1, 1000000);
	d->nice = (int32_t)field_int(L, "job", "nice", 0, -20, 19);
	d->affinity = field_affinity(L, "job");
	if (lua_getfield(L, 1, "program") != LUA_TNIL) {
		char err[160];
		if (lua_type(L, -1) != LUA_TSTRING)
			return luaL_error(L, "job '%s': 'program' must be a string such as \"c3,i,c1\"", name);
		if (procrun_check(lua_tostring(L, -1), err, sizeof err) != 0)
			return luaL_error(L, "job '%s': program \"%s\": %s", name, lua_tostring(L, -1), err);
		d->program = strdup(lua_tostring(L, -1));
		if (!d->program)
			return luaL_error(L, "out of memory");
		lua_pop(L, 1);
		s->nprocs++;
		lua_pushvalue(L, -1);
		return 1;
	}
	lua_pop(L, 1);
	if (d->job.run_ns == 0)
		return luaL_error(L, "job '%s': 'run' (the CPU it needs) must be given and above 0", name);
	d->tm.model = MODEL_ONE_TO_ONE;
	d->tm.nlwp = -1;
	s->nprocs++;
	lua_pushvalue(L, -1);
	return 1;
}

/* process { name = "x" or "x", main = function, start, daemon, priority, threads } */
int l_process(lua_State *L)
{
	static const char *const known[] = { "name", "main", "start", "daemon", "priority",
					     "tickets", "nice", "affinity", "threads", "lwps",
					     "activations", "user_quantum", "byte_order", "drift",
					     "offset", "node", NULL };
	struct scenario *s = scenario_of(L, "process");
	const char *name;
	size_t len;

	luaL_checktype(L, 1, LUA_TTABLE);
	check_keys(L, "process", known, 1);
	name = decl_name(L, "process", &len);
	add_process(L, s, name);
	lua_newtable(L);
	lua_pushvalue(L, -2);
	lua_setfield(L, -2, "name");
	return 1;
}

/* fault { } is declared in loader_fault.c, machine { } in loader_machine.c. */

/* server { "time", drift = d, offset = o }: the time server, a C program
 * on a clock of its own (the machine's where it gives none). */
static void add_time_server(lua_State *L, struct scenario *s)
{
	static const char *const known[] = { "drift", "offset", "node", NULL };
	struct pdecl *d;

	if (s->time_server)
		luaL_error(L, "server 'time': declared twice");
	if (lua_istable(L, 1))
		check_keys(L, "server 'time'", known, 1);
	d = new_decl(L, s, "server", TS_SERVICE);
	d->is_time = 1;
	d->daemon = 1;
	d->tickets = 100;
	d->tm.model = MODEL_ONE_TO_ONE;
	d->tm.nlwp = -1;
	d->tm.activations = -1;
	d->tm.uquantum_ns = UINT64_MAX;
	if (lua_istable(L, 1)) {
		clock_fields(L, "server 'time'", &d->clock);
		decl_node(L, "server 'time'", d);
	}
	s->time_server = 1;
	s->nprocs++;
}

/* server "name" | server { "name" }: the name server always runs.
 * server "time" | server { "time", ... }: the time server.
 * server "file" | server { "file", ... }: a file server (loader_fsrv.c). */
int l_server(lua_State *L)
{
	struct scenario *s = scenario_of(L, "server");
	const char *kind;

	if (lua_istable(L, 1))
		lua_rawgeti(L, 1, 1);
	else
		lua_pushvalue(L, 1);
	if (lua_type(L, -1) != LUA_TSTRING)   /* before lua_tostring, which makes 3 "3" */
		return luaL_error(L, "server: expected a server's name, as in server \"file\" or "
				     "server { \"time\", drift = \"50us/s\" }");
	kind = lua_tostring(L, -1);
	if (strcmp(kind, "file") == 0) {
		lua_pop(L, 1);
		return loader_file_server(L, s);
	}
	if (strcmp(kind, "time") == 0) {
		add_time_server(L, s);
		return 0;
	}
	if (strcmp(kind, "name") != 0)
		return luaL_error(L, "server '%s': this version has the name, time and file servers "
				     "(\"name\", \"time\", \"file\")", kind);
	if (lua_istable(L, 1)) {
		static const char *const none[] = { NULL };
		check_keys(L, "server 'name'", none, 1);
	}
	return 0;
}
