/*
 * loader.c - loading a scenario (API: loader.h): the Lua state and the
 * scenario API in it, param() and the --set overrides, running the
 * script's top level, then the checks that need every declaration
 * (thread models, the process-run model, the network). The declarations
 * themselves are in loader_proc.c (process, job, server), loader_machine.c,
 * loader_net.c (node, link), loader_fault.c and loader_fsrv.c; the machine
 * is built from them by loader_build.c, once the whole script has run, so
 * declarations may come in any order.
 *
 * Every mistake is a Lua error raised at the script's line (luaL_error
 * adds "FILE:LINE:"), and the loader returns it as the message.
 */
#include "loader.h"
#include "loader_decl.h"

#include <lauxlib.h>
#include <lualib.h>
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "uk_limits.h"
#include "lua_sys.h"
#include "machine.h"
#include "proc.h"
#include "results.h"
#include "loader_net.h"
#include "thread.h"

/* Check a final thread model and fill in its defaults. Returns NULL, or
 * what is wrong with it. */
static const char *settle_model(struct tmodel *tm)
{
	if (tm->model == MODEL_ONE_TO_ONE && (tm->nlwp > 1 || tm->activations > 0 ||
					      (tm->uquantum_ns && tm->uquantum_ns < UINT64_MAX - 1)))
		return "lwps, activations and user_quantum need threads = \"many-to-one\" or "
		       "\"many-to-many\" (in one-to-one every thread is a kernel thread)";
	if (tm->model == MODEL_MANY_TO_ONE && tm->nlwp > 1)
		return "many-to-one has exactly one LWP; use threads = \"many-to-many\" for more";
	if (tm->model != MODEL_MANY_TO_MANY && tm->activations > 0)
		return "activations = true needs threads = \"many-to-many\"";
	if (tm->nlwp < 0)
		tm->nlwp = tm->model == MODEL_MANY_TO_MANY ? 2 : 1;
	if (tm->activations < 0)
		tm->activations = 0;
	if (tm->uquantum_ns >= UINT64_MAX - 1)
		tm->uquantum_ns = 0;
	return NULL;
}

/* A process's own thread model over the machine's default. */
static struct tmodel merge_model(const struct tmodel *mine, const struct tmodel *dflt)
{
	struct tmodel tm = *mine;

	if (tm.model < 0)
		tm.model = dflt->model;
	if (tm.nlwp == -2)
		tm.nlwp = dflt->nlwp;
	if (tm.activations < 0)
		tm.activations = dflt->activations;
	if (tm.uquantum_ns == UINT64_MAX - 1)
		tm.uquantum_ns = dflt->uquantum_ns;
	return tm;
}

/* A process-run machine runs jobs with programs, and only them; an
 * affinity names CPUs the machine has. */
static int check_procrun(struct scenario *s, char *err, size_t errlen)
{
	for (size_t i = 0; i < s->nprocs; i++) {
		struct pdecl *d = &s->procs[i];
		int elsewhere = d->node[0] && strcmp(d->node, "A") != 0;   /* loader_check_net's */
		if (d->affinity && !elsewhere && s->cfg.cpus < 64 &&
		    !(d->affinity & ((1ull << s->cfg.cpus) - 1))) {
			snprintf(err, errlen, "%s'%s': its affinity names no CPU of this machine (it has "
					      "%u, numbered from 0)", d->where, d->name, s->cfg.cpus);
			return -1;
		}
		if (s->procrun && !d->program) {
			snprintf(err, errlen, "%s%s '%s': a process-run machine runs only jobs with a "
					      "program (job { \"P0\", program = \"c3,i,c1\" })",
				 d->where, d->is_job ? "job" : "process", d->name);
			return -1;
		}
		if (!s->procrun && d->program) {
			snprintf(err, errlen, "%sjob '%s': 'program' needs machine { sched = "
					      "\"process-run\" }", d->where, d->name);
			return -1;
		}
	}
	return 0;
}

/* Settle every process's thread model; 0, or -1 with a message in err. */
static int settle_models(struct scenario *s, char *err, size_t errlen)
{
	for (size_t i = 0; i < s->nprocs; i++) {
		struct pdecl *d = &s->procs[i];
		const char *why;
		d->tm = merge_model(&d->tm, &s->tm);
		why = settle_model(&d->tm);
		if (why) {
			snprintf(err, errlen, "%sprocess '%s': %s", d->where, d->name, why);
			return -1;
		}
	}
	return 0;
}

static struct override *find_set(struct scenario *s, const char *name)
{
	for (size_t i = 0; i < s->nsets; i++)
		if (strlen(name) == s->sets[i].namelen &&
		    strncmp(s->sets[i].text, name, s->sets[i].namelen) == 0)
			return &s->sets[i];
	return NULL;
}

/* What a refused --set value that looks like a list of values adds. */
static const char *list_hint(const char *value)
{
	return strchr(value, ',') ? " (a list of values is for ukern sweep, which runs the "
				    "scenario once with each)" : "";
}

/* Push the --set value for a parameter whose default is at 2, converted to the default's type. */
static void push_override(lua_State *L, const char *name, const char *value)
{
	switch (lua_type(L, 2)) {
	case LUA_TNUMBER:
		if (!lua_stringtonumber(L, value))
			luaL_error(L, "--set %s=%s: parameter '%s' takes a number%s", name, value, name,
				   list_hint(value));
		if (!isfinite(lua_tonumber(L, -1)))
			luaL_error(L, "--set %s=%s: parameter '%s' takes a finite number, and %s is "
				   "beyond the range of one", name, value, name, value);
		break;
	case LUA_TBOOLEAN:
		if (strcmp(value, "true") && strcmp(value, "false"))
			luaL_error(L, "--set %s=%s: parameter '%s' takes true or false%s", name, value,
				   name, list_hint(value));
		lua_pushboolean(L, strcmp(value, "true") == 0);
		break;
	default:
		lua_pushstring(L, value);
		break;
	}
}

/* A number on top of L with a whole value that fits an integer (1e3,
 * 1000.0, 2^30) becomes that integer: the scenario's math.type checks, %d
 * and table indices then take it as the whole number it is. */
static void whole_number(lua_State *L)
{
	int isint;
	lua_Integer i;

	if (lua_type(L, -1) != LUA_TNUMBER || lua_isinteger(L, -1))
		return;
	i = lua_tointegerx(L, -1, &isint);
	if (isint) {
		lua_pop(L, 1);
		lua_pushinteger(L, i);
	}
}

/* param(name, default) -> the value (default, or the --set override) */
static int l_param(lua_State *L)
{
	struct scenario *s = scenario_of(L, "param");
	const char *name = luaL_checkstring(L, 1);
	struct override *o;
	int t = lua_type(L, 2);
	size_t len = strlen(name), ok = lua_type(L, 1) == LUA_TSTRING && len > 0 && len < UK_NAME_MAX &&
					lua_rawlen(L, 1) == len && !isdigit((unsigned char)name[0]);

	/* The name is written NAME=VALUE after --set, and heads a column of a
	 * sweep's CSV: letters, digits, '_', '.' and '-' only. */
	for (size_t i = 0; ok && i < len; i++)
		ok = isalnum((unsigned char)name[i]) || strchr("_.-", name[i]) != NULL;
	if (!ok || name[0] == '-' || name[0] == '.')
		return luaL_error(L, "param: the name must be a string of 1 to %d letters, digits, "
				     "'_', '.' or '-' that starts with a letter or '_', not '%s'",
				  UK_NAME_MAX - 1, luaL_tolstring(L, 1, NULL));

	if (t != LUA_TNUMBER && t != LUA_TSTRING && t != LUA_TBOOLEAN)
		return luaL_error(L, "param '%s': the default must be a number, string or boolean", name);
	for (size_t i = 0; i < s->nparams; i++)
		if (strcmp(s->params[i].name, name) == 0)
			return luaL_error(L, "param '%s' declared twice", name);
	if (s->nparams == UK_MAX_PARAMS)
		return luaL_error(L, "more than %d parameters", UK_MAX_PARAMS);
	o = find_set(s, name);
	if (o) {
		o->used = 1;
		push_override(L, name, o->text + o->namelen + 1);
	} else {
		lua_pushvalue(L, 2);
	}
	whole_number(L);
	s->params[s->nparams].type = lua_type(L, -1);
	s->params[s->nparams].name = strdup(name);
	s->params[s->nparams].value = strdup(luaL_tolstring(L, -1, NULL));
	lua_pop(L, 1);
	if (!s->params[s->nparams].name || !s->params[s->nparams].value)
		return luaL_error(L, "out of memory");
	s->nparams++;
	return 1;
}

/* load(chunk [, name [, mode [, env]]]) reads Lua source only, whatever
 * mode asks: Lua does not check precompiled chunks, and a damaged one
 * crashes the host. loadfile likewise (mode is its second argument). The
 * original function is upvalue 1; pos is where mode goes. */
static int load_text_only(lua_State *L, int pos)
{
	if (lua_gettop(L) < pos)
		lua_settop(L, pos);
	lua_pushliteral(L, "t");
	lua_replace(L, pos);
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
	return lua_gettop(L);
}

static int l_load(lua_State *L)
{
	return load_text_only(L, 3);
}

static int l_loadfile(lua_State *L)
{
	return load_text_only(L, 2);
}

/* dofile([name]) as Lua's, reading Lua source only. */
static int l_dofile(lua_State *L)
{
	const char *name = luaL_optstring(L, 1, NULL);

	lua_settop(L, 1);
	if (luaL_loadfilex(L, name, "t") != LUA_OK)
		return lua_error(L);
	lua_call(L, 0, LUA_MULTRET);
	return lua_gettop(L) - 1;
}

/* Replace the global name by f, with the original as its upvalue. */
static void wrap_global(lua_State *L, const char *name, lua_CFunction f)
{
	lua_getglobal(L, name);
	lua_pushcclosure(L, f, 1);
	lua_setglobal(L, name);
}

/* print writes to stderr: stdout belongs to the statistics. */
static int l_print(lua_State *L)
{
	int n = lua_gettop(L);

	for (int i = 1; i <= n; i++) {
		size_t len;
		const char *str = luaL_tolstring(L, i, &len);
		if (i > 1)
			fputc('\t', stderr);
		fwrite(str, 1, len, stderr);
		lua_pop(L, 1);
	}
	fputc('\n', stderr);
	return 0;
}

static void open_api(lua_State *L, struct scenario *s)
{
	static const luaL_Reg decl[] = {
		{ "machine", l_machine }, { "param", l_param }, { "process", l_process },
		{ "job", l_job },         { "server", l_server },   { "fault", l_fault },
		{ NULL, NULL },
	};

	luaL_openlibs(L);
	*(struct thread **)lua_getextraspace(L) = NULL;
	lua_pushglobaltable(L);
	lua_pushlightuserdata(L, s);
	luaL_setfuncs(L, decl, 1);
	lua_pushcfunction(L, l_print);
	lua_setfield(L, -2, "print");
	lua_pop(L, 1);
	lu_open_sys(L);
	lu_open_ipc(L);
	lu_open_sync(L);
	lu_open_mem(L);
	lu_open_rpc(L);
	lu_open_lrpc(L);
	lu_open_clock(L);
	lu_open_fs(L);
	lu_open_migrate(L);
	lu_open_result(L, &s->results);
	loader_open_net(L, s);
	wrap_global(L, "load", l_load);
	wrap_global(L, "loadfile", l_loadfile);
	lua_pushcfunction(L, l_dofile);
	lua_setglobal(L, "dofile");
	/* exit() ends a simulated process; os.exit would end the simulator. */
	lua_getglobal(L, "os");
	lua_pushnil(L);
	lua_setfield(L, -2, "exit");
	lua_pop(L, 1);
}

static void default_config(struct scenario *s)
{
	s->cfg.cpus = 1;
	s->cfg.sched = sched_find("rr");
	s->cfg.quantum_ns = UK_DEFAULT_QUANTUM;
	s->cfg.qlimit = UK_DEFAULT_QLIMIT;
	s->cfg.seed = 1;
	cost_profile("modern", &s->cfg.costs);
	s->cfg.until_ns = UINT64_MAX;
	s->cfg.max_events = UINT64_MAX;
	s->cfg.frames = UK_DEFAULT_FRAMES;
	s->cfg.page_size = UK_DEFAULT_PAGE_SIZE;
	s->tm.model = MODEL_ONE_TO_ONE;
	s->tm.nlwp = -1;
	s->tm.activations = 0;
	s->tm.uquantum_ns = UINT64_MAX;
}

static int parse_sets(struct scenario *s, const struct loader_opts *o, char *err, size_t errlen)
{
	s->sets = calloc(o->nsets ? o->nsets : 1, sizeof *s->sets);
	if (!s->sets)
		return -1;
	for (size_t i = 0; i < o->nsets; i++) {
		const char *eq = strchr(o->sets[i], '=');
		if (!eq || eq == o->sets[i]) {
			snprintf(err, errlen, "--set %s: expected NAME=VALUE", o->sets[i]);
			return -1;
		}
		s->sets[i].text = o->sets[i];
		s->sets[i].namelen = (size_t)(eq - o->sets[i]);
		for (size_t j = 0; j < i; j++) {
			if (s->sets[j].namelen == s->sets[i].namelen &&
			    strncmp(s->sets[j].text, o->sets[i], s->sets[i].namelen) == 0) {
				snprintf(err, errlen, "--set %.*s given twice", (int)s->sets[i].namelen,
					 o->sets[i]);
				return -1;
			}
		}
	}
	s->nsets = o->nsets;
	return 0;
}

/* Every --set must name a declared parameter. */
static int check_sets(struct scenario *s, char *err, size_t errlen)
{
	for (size_t i = 0; i < s->nsets; i++) {
		if (s->sets[i].used)
			continue;
		int n = snprintf(err, errlen, "%s: --set %.*s: the scenario declares no parameter "
					      "'%.*s' (it declares:", s->path, (int)s->sets[i].namelen,
				 s->sets[i].text, (int)s->sets[i].namelen, s->sets[i].text);
		for (size_t j = 0; j < s->nparams && n > 0 && (size_t)n < errlen; j++)
			n += snprintf(err + n, errlen - (size_t)n, " %s", s->params[j].name);
		if (n > 0 && (size_t)n < errlen)
			snprintf(err + n, errlen - (size_t)n, "%s)", s->nparams ? "" : " none");
		return -1;
	}
	return 0;
}

/* Compile the script: o->source when given (chunk name "@path", so messages
 * read as if from the file), else the file at o->path. */
static int load_chunk(lua_State *L, const struct loader_opts *o)
{
	int st;

	if (!o->source)
		return luaL_loadfilex(L, o->path, "t");
	lua_pushfstring(L, "@%s", o->path);
	st = luaL_loadbufferx(L, o->source, strlen(o->source), lua_tostring(L, -1), "t");
	lua_remove(L, -2);
	return st;
}

/* The message of the top level's failure: the coroutine at 1, whose resume
 * failed, still has the stack it failed in (not unwound, even for an error
 * without a message handler, as running out of memory), so every error names
 * the scenario and the line it reached (see lu_error_message). */
static int top_message(lua_State *L)
{
	lua_pushstring(L, lu_error_message(lua_tothread(L, 1), -1));
	return 1;
}

/* math.random draws from the run's seed, so scripts that use it stay deterministic. */
static void seed_random(lua_State *L, uint64_t seed)
{
	lua_getglobal(L, "math");
	lua_getfield(L, -1, "randomseed");
	lua_pushinteger(L, (lua_Integer)seed);
	lua_call(L, 1, 0);
	lua_pop(L, 1);
}

/* The message of a top level that failed with status st into err: its error
 * object is on top of L when it failed compiling (ran = 0), else on top of
 * co, the coroutine it ran in. */
static void top_failure(lua_State *L, lua_State *co, int st, int ran, const char *path,
			char *err, size_t errlen)
{
	const char *msg;

	if (ran) {
		/* In a protected call: a __tostring of the error object may fail. */
		lua_pushcfunction(L, top_message);
		lua_pushthread(co);
		lua_xmove(co, L, 1);
		if (lua_pcall(L, 1, 1, 0) != LUA_OK && !lua_isstring(L, -1)) {
			lua_pop(L, 1);
			lua_pushfstring(L, "%s: error object is not a string", path);
		}
		snprintf(err, errlen, "%s", lua_tostring(L, -1));
		lua_pop(L, 1);
		return;
	}
	if (!(msg = lua_tostring(L, -1)))
		msg = "error object is not a string";
	/* luaL_loadfile says "cannot open FILE: reason"; put the file first. */
	if (st == LUA_ERRFILE && strncmp(msg, "cannot open ", 12) == 0)
		snprintf(err, errlen, "%s: cannot open scenario: %s", path,
			 strrchr(msg, ':') ? strrchr(msg, ':') + 2 : msg);
	/* A syntax error says where. The compiler's "C stack overflow" on code
	 * nested too deep, or running out of memory while compiling, does not. */
	else if (st == LUA_ERRSYNTAX)
		snprintf(err, errlen, "%s", msg);
	else
		snprintf(err, errlen, "%s: %s", path, msg);
}

/* Compile and run the top level under o's budgets. 0, or -1 with the
 * message in err. It runs in a coroutine of its own (lu_top_marker), which
 * keeps the stack of an error for top_failure. */
static int run_top(struct scenario *s, const struct loader_opts *o, char *err, size_t errlen)
{
	lua_State *L = s->L, *co;
	int st, ran = 0, nres = 0;

	if (o->lua_steps > 0)
		lu_watch_steps(L, o->lua_steps);
	else
		lu_watch(L);
	co = lua_newthread(L);          /* kept on L's stack until the end */
	lua_pushvalue(L, -1);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &lu_top_marker);
	if (o->lua_steps > 0)
		lu_watch_steps(co, o->lua_steps);
	else
		lu_watch(co);
	if (o->lua_mem_max)
		lu_memcap_set(L, &s->mem, o->lua_mem_max);
	if ((st = load_chunk(L, o)) == LUA_OK) {
		ran = 1;
		lua_xmove(L, co, 1);
		st = lua_resume(co, L, 0, &nres);
		if (st == LUA_YIELD) {   /* coroutine.yield() at the top level */
			lua_pop(co, nres);
			lua_pushliteral(co, "attempt to yield from outside a coroutine");
			st = LUA_ERRRUN;
		}
	}
	if (st != LUA_OK) {
		int refused = st == LUA_ERRMEM && o->lua_mem_max && s->mem.refused;
		size_t max = s->mem.max;   /* machine { lua_memory } may have changed it */

		lu_memcap_lift(&s->mem);   /* the message takes memory too */
		top_failure(L, co, st, ran, o->path, err, errlen);
		if (refused) {
			size_t n = strlen(err);
			snprintf(err + n, errlen - n, " (the scenario's Lua memory is limited to %zu%s, "
				 "ukern run --lua-memory)", max % (1u << 20) ? max : max >> 20,
				 max % (1u << 20) ? " bytes" : "MiB");
		}
		return -1;
	}
	lua_pushnil(L);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &lu_top_marker);
	lua_pop(L, 1);
	lu_memcap_lift(&s->mem);
	return 0;
}

struct scenario *scenario_load(const struct loader_opts *o, char *err, size_t errlen)
{
	struct scenario *s = calloc(1, sizeof *s);

	if (!s || !(s->path = strdup(o->path)) || !(s->L = lu_pool_newstate(&s->pool))) {
		snprintf(err, errlen, "%s: out of memory", o->path);
		scenario_free(s);
		return NULL;
	}
	default_config(s);
	s->lua_memory_given = o->have_lua_memory;
	if (parse_sets(s, o, err, errlen) != 0) {
		scenario_free(s);
		return NULL;
	}
	open_api(s->L, s);
	seed_random(s->L, o->have_seed ? o->seed : 1);
	if (run_top(s, o, err, errlen) != 0) {
		scenario_free(s);
		return NULL;
	}
	if (check_sets(s, err, errlen) != 0 || settle_models(s, err, errlen) != 0 ||
	    check_procrun(s, err, errlen) != 0 || loader_check_net(s, err, errlen) != 0 ||
	    faults_check(s, err, errlen) != 0 ||
	    loader_check_fsrvs(s, err, errlen) != 0 || lu_migrate_check(s, err, errlen) != 0) {
		scenario_free(s);
		return NULL;
	}
	if (o->have_seed)
		s->cfg.seed = o->seed;
	seed_random(s->L, s->cfg.seed);
	s->built = 1;
	return s;
}

const struct machine_config *scenario_config(const struct scenario *s)
{
	return &s->cfg;
}

size_t scenario_lua_memory_for(const struct scenario *s, size_t dflt)
{
	return s->lua_memory && !s->lua_memory_given ? s->lua_memory : dflt;
}

void scenario_lua_memory(struct scenario *s, size_t max)
{
	if (!max)
		return;
	lu_memcap_set(s->L, &s->mem, max);
	/* Armed only while scenario code runs (lua_body.c, lua_sched.c). */
	lu_memcap_arm(&s->mem, 0);
}

void scenario_free(struct scenario *s)
{
	if (!s)
		return;
	if (s->L)
		lua_close(s->L);
	lu_pool_free(&s->pool);
	for (size_t i = 0; i < s->nparams; i++) {
		free(s->params[i].name);
		free(s->params[i].value);
	}
	for (size_t i = 0; i < s->nprocs; i++)
		free(s->procs[i].program);
	free(s->procs);
	free(s->faults);
	loader_free_fsrvs(s);
	loader_free_net(s);
	free(s->sets);
	results_free(&s->results);   /* after lua_close: a __gc may record one */
	free(s->path);
	free(s);
}
