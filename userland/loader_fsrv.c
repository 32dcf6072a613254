/*
 * loader_fsrv.c - server { "file", ... }: the file server's declaration.
 * Each field is checked at the scenario's line, and the initial files are
 * put into a new file system at once, so that a bad path is reported there
 * too. The machine is built later: the servers are installed after the
 * name server and before the processes (servers start first).
 *
 * Entry points: loader_file_server, loader_check_fsrvs,
 * loader_build_fsrvs, loader_free_fsrvs.
 */
#include "loader_decl.h"

#include <lauxlib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "file/fs.h"
#include "file/fsrv.h"
#include "loader_net.h"
#include "net.h"
#include "lua_sys.h"
#include "proc.h"

/* One declared file server. */
struct fsdecl {
	struct fsrv_config cfg;
	int access_given;           /* disk access time given; else the cost model's "disk" */
	struct fs *fs;              /* seeded; handed to the server at build */
	char node[UK_NAME_MAX];     /* node = ...; "" for A */
	uint32_t node_ix;           /* its index, once checked */
	char where[256];            /* "FILE:LINE: " of the declaration */
};

/* Bandwidth units, bytes per second each. */
static const struct { const char *unit; double bytes; } bw_units[] = {
	{ "B/s", 1 },       { "KB/s", 1e3 },          { "MB/s", 1e6 },          { "GB/s", 1e9 },
	{ "KiB/s", 1024.0 }, { "MiB/s", 1048576.0 }, { "GiB/s", 1073741824.0 },
};

/* A bandwidth ("50MB/s", or a number of bytes per second) as picoseconds
 * per byte, rounded to the nearest; -1 when it is not one or is outside
 * 1 B/s - 1 TB/s (1 ps per byte). */
static int64_t to_ps_per_byte(lua_State *L, int idx)
{
	double bps = -1;

	if (lua_type(L, idx) == LUA_TNUMBER) {
		bps = lua_tonumber(L, idx);
	} else if (lua_type(L, idx) == LUA_TSTRING) {
		const char *s = lua_tostring(L, idx);
		char *end;
		double v = strtod(s, &end);
		for (size_t i = 0; end != s && i < sizeof bw_units / sizeof bw_units[0]; i++)
			if (strcmp(end, bw_units[i].unit) == 0 && s[0] >= '0' && s[0] <= '9')
				bps = v * bw_units[i].bytes;
	}
	if (!(bps >= 1 && bps <= 1e12))
		return -1;
	return (int64_t)llround(1e12 / bps);
}

/* disk = "5ms" | { access = "5ms", bandwidth = "50MB/s" } */
static void field_disk(lua_State *L, struct fsdecl *d)
{
	const char *who = d->cfg.name;
	int t = lua_getfield(L, 1, "disk");

	if (t == LUA_TTABLE) {
		lua_pushnil(L);
		while (lua_next(L, -2)) {
			const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : "?";
			if (strcmp(k, "access") == 0) {
				if (lu_toduration(L, -1, &d->cfg.access_ns) != 0)
					luaL_error(L, "server '%s': disk: 'access' must be a duration (a "
						      "number of ms, or \"5ms\", \"100us\"...)", who);
				d->access_given = 1;
			} else if (strcmp(k, "bandwidth") == 0) {
				int64_t ps = to_ps_per_byte(L, -1);
				if (ps < 0)
					luaL_error(L, "server '%s': disk: 'bandwidth' must be a rate such as "
						      "\"50MB/s\" (B/s, KB/s, MB/s, GB/s, KiB/s, MiB/s, GiB/s) "
						      "or a number of bytes per second, from 1 B/s to 1000 GB/s",
						   who);
				d->cfg.ps_per_byte = (uint64_t)ps;
			} else {
				luaL_error(L, "server '%s': disk: unknown field '%s' (known fields: access, "
					      "bandwidth)", who, lu_shown(L, -2));
			}
			lua_pop(L, 1);
		}
	} else if (t != LUA_TNIL) {
		if (lu_toduration(L, -1, &d->cfg.access_ns) != 0)
			luaL_error(L, "server '%s': 'disk' must be a duration (its access time, such as "
				      "\"5ms\") or a table { access = \"5ms\", bandwidth = \"50MB/s\" }",
				   who);
		d->access_given = 1;
	}
	lua_pop(L, 1);
}

/* files = { ["/motd"] = "hello", ... }: seeded into a new file system. */
static void field_files(lua_State *L, struct fsdecl *d)
{
	const char *who = d->cfg.name;
	struct fs_seed *seed = NULL;
	size_t n = 0, bad;
	int t = lua_getfield(L, 1, "files"), err;

	if (t == LUA_TNIL) {
		lua_pop(L, 1);
		return;
	}
	if (t != LUA_TTABLE)
		luaL_error(L, "server '%s': 'files' must be a table of paths and contents, such as "
			      "{ [\"/motd\"] = \"hello\" }", who);
	/* Check every pair first, so that no error leaves the array behind. */
	lua_pushnil(L);
	while (lua_next(L, -2)) {
		if (lua_type(L, -2) != LUA_TSTRING)
			luaL_error(L, "server '%s': files: keys must be paths (strings), not a %s", who,
				   luaL_typename(L, -2));
		if (lua_type(L, -1) != LUA_TSTRING)
			luaL_error(L, "server '%s': files[\"%s\"] must be a string (the file's "
				      "contents), not a %s", who, lua_tostring(L, -2), luaL_typename(L, -1));
		n++;
		lua_pop(L, 1);
	}
	if (n && !(seed = calloc(n, sizeof *seed)))
		luaL_error(L, "out of memory");
	/* The strings stay alive in the declaration table until seeded. */
	n = 0;
	lua_pushnil(L);
	while (lua_next(L, -2)) {
		seed[n].path = lua_tolstring(L, -2, &seed[n].path_len);
		seed[n].data = lua_tolstring(L, -1, &seed[n].len);
		n++;
		lua_pop(L, 1);
	}
	err = fs_seed(d->fs, seed, n, 0, &bad);
	if (err) {
		lua_pushlstring(L, seed[bad].path, seed[bad].path_len);
		free(seed);
		luaL_error(L, "server '%s': files: \"%s\": %s", who, lua_tostring(L, -1),
			   fs_strerror(err));
	}
	free(seed);
	lua_pop(L, 1);
}

/* arch, workers and mode. */
static void field_structure(lua_State *L, struct fsdecl *d)
{
	const char *who = d->cfg.name;
	const char *arch = field_string(L, "server", "arch", "single");
	const char *mode = field_string(L, "server", "mode", "stateful");
	int a = fsrv_arch_parse(arch);

	if (a < 0)
		luaL_error(L, "server '%s': arch = \"%s\": expected \"single\", \"thread-per-request\", "
			      "\"pool\" or \"event-driven\"", who, arch);
	d->cfg.arch = (enum fsrv_arch)a;
	if (lua_getfield(L, 1, "workers") != LUA_TNIL && a != FSRV_POOL)
		luaL_error(L, "server '%s': 'workers' is a parameter of arch = \"pool\"", who);
	lua_pop(L, 1);
	d->cfg.workers = (uint32_t)field_int(L, "server", "workers", 4, 1, FSRV_MAX_WORKERS);
	if (strcmp(mode, "stateful") != 0 && strcmp(mode, "stateless") != 0)
		luaL_error(L, "server '%s': mode = \"%s\": expected \"stateful\" or \"stateless\"", who,
			   mode);
	d->cfg.stateless = strcmp(mode, "stateless") == 0;
	d->cfg.max_open = (uint32_t)field_int(L, "server", "max_open", FS_DEFAULT_MAX_OPEN, 1, 1024);
}

/* The service name (name = "x"; default "file"), checked unique. */
static void field_name(lua_State *L, struct scenario *s, struct fsdecl *d)
{
	const char *name = field_string(L, "server", "name", "file");
	size_t len = strlen(name);

	if (len == 0 || len >= UK_NAME_MAX || strpbrk(name, " \t\n,\"") != NULL)
		luaL_error(L, "server: 'name' must be a string of 1 to %d characters without spaces, "
			      "commas or quotes", UK_NAME_MAX - 1);
	if (strcmp(name, "name") == 0)
		luaL_error(L, "server: 'name' is the name server's name");
	for (size_t i = 0; i < s->nfsrvs && &s->fsrvs[i] != d; i++)
		if (strcmp(s->fsrvs[i].cfg.name, name) == 0)
			luaL_error(L, "server '%s': a file server of that name is already declared "
				      "(give each one its own name = \"...\")", name);
	for (size_t i = 0; i < s->nprocs; i++)
		if (strcmp(s->procs[i].name, name) == 0)
			luaL_error(L, "server '%s': a process named '%s' is already declared", name,
				   name);
	snprintf(d->cfg.name, sizeof d->cfg.name, "%s", name);
}

int loader_file_server(lua_State *L, struct scenario *s)
{
	static const char *const known[] = { "name", "arch", "workers", "mode", "disk", "service",
					     "files", "max_open", "node", NULL };
	struct fsdecl *d, *v;
	const char *node;

	if (!lua_istable(L, 1)) {   /* server "file": every default */
		lua_newtable(L);
		lua_replace(L, 1);
	}
	check_keys(L, "server", known, 1);
	if (!(v = realloc(s->fsrvs, (s->nfsrvs + 1) * sizeof *v)))
		return luaL_error(L, "out of memory");
	s->fsrvs = v;
	d = &s->fsrvs[s->nfsrvs];
	memset(d, 0, sizeof *d);
	if (!(d->fs = fs_new(NULL)))
		return luaL_error(L, "out of memory");
	s->nfsrvs++;   /* from here scenario_free frees its file system, whatever happens */
	luaL_where(L, 1);
	snprintf(d->where, sizeof d->where, "%s", lua_tostring(L, -1));
	lua_pop(L, 1);
	field_name(L, s, d);
	field_structure(L, d);
	d->cfg.service_ns = field_duration(L, "server", "service", 0);
	field_disk(L, d);
	field_files(L, d);
	if ((node = loader_node_field(L, "server")))
		snprintf(d->node, sizeof d->node, "%s", node);
	return 0;
}

/* node = "B": a declared node, with a link to A (where the name server
 * runs, with which the file server registers). */
static int check_node(struct scenario *s, struct fsdecl *d, char *err, size_t errlen)
{
	int ix;

	if (!d->node[0])
		return 0;
	ix = loader_node_ix(s, d->node);
	if (ix < 0) {
		snprintf(err, errlen, "%sserver '%s': unknown node '%s' (declare it with node { \"%s\" })",
			 d->where, d->cfg.name, d->node, d->node);
		return -1;
	}
	if (ix > 0 && !loader_reachable(s, 0, (uint32_t)ix)) {
		snprintf(err, errlen, "%sserver '%s': no chain of links joins node '%s' to node 'A', "
				      "where the name server runs: no route (declare link { \"A\", \"%s\", "
				      "... })",
			 d->where, d->cfg.name, d->node, d->node);
		return -1;
	}
	d->node_ix = (uint32_t)ix;
	return 0;
}

int loader_check_fsrvs(struct scenario *s, char *err, size_t errlen)
{
	for (size_t i = 0; i < s->nfsrvs; i++) {
		if (s->procrun) {
			snprintf(err, errlen, "%sserver '%s': a process-run machine runs only jobs with "
					      "a program", s->fsrvs[i].where, s->fsrvs[i].cfg.name);
			return -1;
		}
		for (size_t k = 0; k < s->nprocs; k++) {
			const struct pdecl *p = &s->procs[k];
			const char *at = s->fsrvs[i].where;   /* "FILE:LINE: " */
			size_t n = strlen(at);

			if (strcmp(p->name, s->fsrvs[i].cfg.name) == 0) {
				snprintf(err, errlen, "%s%s: '%s' is the name of a file server (declared "
						      "at %.*s)", p->where,
					 p->is_job ? "job" : p->is_time ? "server 'time'" : "process",
					 p->name, (int)(n >= 2 ? n - 2 : n), at);
				return -1;
			}
		}
		if (check_node(s, &s->fsrvs[i], err, errlen) != 0)
			return -1;
	}
	return 0;
}

int loader_build_fsrvs(struct scenario *s, struct machine *m)
{
	struct proc *p;

	for (size_t i = 0; i < s->nfsrvs; i++) {
		struct fsdecl *d = &s->fsrvs[i];
		struct fs *fs = d->fs;
		if (!d->access_given)     /* its node's disk */
			d->cfg.access_ns = m->net ? m->net->nodes[d->node_ix].costs.disk_ns
						  : m->cfg.costs.disk_ns;
		d->fs = NULL;   /* the server's from here, even on failure */
		if (!(p = fsrv_install(m, &d->cfg, fs)))
			return -1;
		loader_place(s, m, p, d->node_ix, 0);
	}
	return 0;
}

void loader_free_fsrvs(struct scenario *s)
{
	for (size_t i = 0; i < s->nfsrvs; i++)
		fs_free(s->fsrvs[i].fs);
	free(s->fsrvs);
}
