/*
 * loader_fault.c - the fault { } declaration. Two kinds share it: message
 * faults (drop, duplicate, delay and jitter, on the messages of a service,
 * of a process, or of everything: kernel/fault.h) and crashes (at a time,
 * once or every so often, then restarted by the reincarnation server:
 * kernel/crash.h, servers/rs). Every field is checked at the declaration's
 * line; a process named by a fault is resolved once the whole script has
 * run (faults_check), since declarations may come in any order, and found
 * among the machine's processes when it is built (faults_build).
 *
 * Entry points: l_fault, faults_check, faults_build.
 */
#include "loader_decl.h"

#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crash.h"
#include "fault.h"
#include "machine.h"
#include "proc.h"
#include "rs/rs.h"

static const char *const msg_keys[] = { "name", "process", "drop", "duplicate", "delay",
					"jitter", NULL };
static const char *const crash_keys[] = { "crash", "at", "restart_after", "every", "count",
					  "check", "backoff_max", NULL };

/* Is field key of the declaration table at 1 given? */
static int given(lua_State *L, const char *key)
{
	int t = lua_getfield(L, 1, key);

	lua_pop(L, 1);
	return t != LUA_TNIL;
}

/* The first of keys given, or NULL. */
static const char *first_given(lua_State *L, const char *const *keys)
{
	for (; *keys; keys++)
		if (given(L, *keys))
			return *keys;
	return NULL;
}

/* A probability field: a number from 0 to 1 (absent: 0). */
static double field_probability(lua_State *L, const char *key)
{
	double v;
	int ok;

	if (lua_getfield(L, 1, key) == LUA_TNIL) {
		lua_pop(L, 1);
		return 0;
	}
	v = lua_tonumberx(L, -1, &ok);
	if (!ok || !(v >= 0 && v <= 1))
		luaL_error(L, "fault: '%s' must be a probability from 0 to 1", key);
	lua_pop(L, 1);
	return v;
}

/* Field key naming a process or a service: a name (1 to 64 bytes), or a
 * process handle (the table process { } returns, whose name is a string).
 * The name goes to out (UK_NAME_MAX + 1 bytes). Returns 1 for a handle. */
static int field_target(lua_State *L, const char *key, char *out)
{
	const char *name = NULL;
	size_t len = 0;
	int handle = 0, t = lua_getfield(L, 1, key);

	if (t == LUA_TSTRING) {
		name = lua_tolstring(L, -1, &len);
	} else if (t == LUA_TTABLE && lua_getfield(L, -1, "name") == LUA_TSTRING) {
		name = lua_tolstring(L, -1, &len);
		handle = 1;
	}
	if (!name || len == 0 || len > UK_NAME_MAX)
		luaL_error(L, "fault: '%s' must be %s", key,
			   strcmp(key, "crash") == 0
				   ? "a service name (1 to 64 bytes), a process name or a process handle"
				   : "a process handle (what process { } returns) or a process name");
	memcpy(out, name, len);
	out[len] = '\0';
	lua_settop(L, 1);
	return handle;
}

/* fault { name = "svc" | process = p, drop, duplicate, delay, jitter } */
static void message_fault(lua_State *L, struct fdecl *d)
{
	const char *name = field_string(L, "fault", "name", "");

	if (given(L, "name") && (strlen(name) == 0 || strlen(name) > UK_NAME_MAX))
		luaL_error(L, "fault: 'name' must be a service name of 1 to %d bytes", UK_NAME_MAX);
	strcpy(d->rule.name, name);
	if (given(L, "process")) {
		if (given(L, "name"))
			luaL_error(L, "fault: give 'name' (a service) or 'process', not both");
		field_target(L, "process", d->proc);
	}
	if (!given(L, "drop") && !given(L, "duplicate") && !given(L, "delay") && !given(L, "jitter"))
		luaL_error(L, "fault: nothing to inject: give drop, duplicate, delay or jitter (a "
			      "message fault), or crash and at (a crash)");
	d->rule.drop = field_probability(L, "drop");
	d->rule.duplicate = field_probability(L, "duplicate");
	d->rule.delay_ns = field_duration(L, "fault", "delay", 0);
	d->rule.jitter_ns = field_duration(L, "fault", "jitter", 0);
}

/* A duration field that must be above 0 when given. */
static uint64_t positive(lua_State *L, const char *key)
{
	uint64_t v = field_duration(L, "fault", key, 0);

	if (given(L, key) && v == 0)
		luaL_error(L, "fault: '%s' must be above 0", key);
	return v;
}

/* fault { crash = target, at, every, count, restart_after, check, backoff_max } */
static void crash_fault(lua_State *L, struct fdecl *d)
{
	struct fault_crash *c = &d->cr;
	const char *key = first_given(L, msg_keys);
	size_t n;

	if (key)
		luaL_error(L, "fault: '%s' belongs to a message fault; a crash takes crash, at, every, "
			      "count, restart_after, check and backoff_max", key);
	if (!given(L, "crash"))
		luaL_error(L, "fault: '%s' needs crash = (the service or process to crash) and at = "
			      "(when)", first_given(L, crash_keys));
	d->by_handle = field_target(L, "crash", c->target);
	c->service = !d->by_handle;
	if (!d->by_handle && strcmp(c->target, "name") == 0)
		luaL_error(L, "fault: the name server cannot be crashed");
	if (!given(L, "at"))
		luaL_error(L, "fault: crash = \"%s\" needs at = (when it crashes)", c->target);
	c->at_ns = field_duration(L, "fault", "at", 0);
	c->every_ns = positive(L, "every");
	if (given(L, "count") && !given(L, "every"))
		luaL_error(L, "fault: 'count' needs every = (the time between two crashes)");
	c->count = (uint32_t)field_int(L, "fault", "count", 0, 1, UK_MAX_CRASHES);
	c->restart_ns = UINT64_MAX;
	if (given(L, "restart_after"))
		c->restart_ns = field_duration(L, "fault", "restart_after", 0);
	else if ((key = given(L, "check") ? "check" : given(L, "backoff_max") ? "backoff_max" : NULL))
		luaL_error(L, "fault: '%s' needs restart_after = (how long after a crash the program "
			      "restarts)", key);
	d->check_ns = positive(L, "check");
	c->backoff_max_ns = field_duration(L, "fault", "backoff_max",
					   c->restart_ns > UINT64_MAX / UK_BACKOFF_FACTOR
						   ? UINT64_MAX : c->restart_ns * UK_BACKOFF_FACTOR);
	if (c->restart_ns != UINT64_MAX && c->backoff_max_ns < c->restart_ns)
		luaL_error(L, "fault: 'backoff_max' must be at least restart_after");
	n = strlen(d->where);
	snprintf(c->where, sizeof c->where, "%.*s", (int)(n >= 2 ? n - 2 : n), d->where);
}

int l_fault(lua_State *L)
{
	static const char *const known[] = { "name", "process", "drop", "duplicate", "delay",
					     "jitter", "crash", "at", "restart_after", "every",
					     "count", "check", "backoff_max", NULL };
	struct scenario *s = scenario_of(L, "fault");
	struct fdecl d, *v;

	luaL_checktype(L, 1, LUA_TTABLE);
	check_keys(L, "fault", known, 0);
	memset(&d, 0, sizeof d);
	luaL_where(L, 1);
	snprintf(d.where, sizeof d.where, "%s", lua_tostring(L, -1));
	lua_pop(L, 1);
	d.crash = first_given(L, crash_keys) != NULL;
	if (d.crash)
		crash_fault(L, &d);
	else
		message_fault(L, &d);
	if (!(v = realloc(s->faults, (s->nfaults + 1) * sizeof *v)))
		return luaL_error(L, "out of memory");
	v[s->nfaults++] = d;
	s->faults = v;
	return 0;
}

static const struct pdecl *declared(const struct scenario *s, const char *name)
{
	for (size_t i = 0; i < s->nprocs; i++)
		if (strcmp(s->procs[i].name, name) == 0)
			return &s->procs[i];
	return NULL;
}

/* A crash fault's target: a declared process (resolved into d->proc), or
 * a service name. 0, or -1 with a message. */
static int check_crash(struct scenario *s, struct fdecl *d, const struct fdecl **period,
		       char *err, size_t errlen)
{
	const struct pdecl *pd = declared(s, d->cr.target);

	if (d->by_handle && !pd) {
		snprintf(err, errlen, "%sfault: crash = a handle of '%s', but no process of that name "
				      "is declared", d->where, d->cr.target);
		return -1;
	}
	if (pd)
		snprintf(d->proc, sizeof d->proc, "%s", pd->name);
	if (d->cr.restart_ns == UINT64_MAX)
		return 0;
	if (pd && pd->is_job) {
		snprintf(err, errlen, "%sfault: job '%s' cannot be restarted (only a process with a "
				      "main function can)", d->where, pd->name);
		return -1;
	}
	if (d->check_ns && *period && (*period)->check_ns != d->check_ns) {
		snprintf(err, errlen, "%sfault: its check differs from the one of the fault at %s: "
				      "the supervisor has one period", d->where, (*period)->cr.where);
		return -1;
	}
	if (d->check_ns)
		*period = d;
	return 0;
}

int faults_check(struct scenario *s, char *err, size_t errlen)
{
	const struct fdecl *period = NULL;
	const struct pdecl *rs;
	int restarts = 0;

	for (size_t i = 0; i < s->nfaults; i++) {
		struct fdecl *d = &s->faults[i];
		if (s->procrun) {
			snprintf(err, errlen, "%sfault: a process-run machine has no messages or servers "
					      "to inject faults into", d->where);
			return -1;
		}
		if (!d->crash) {
			if (d->proc[0] && !declared(s, d->proc)) {
				snprintf(err, errlen, "%sfault: process = '%s', but no process of that "
						      "name is declared", d->where, d->proc);
				return -1;
			}
			continue;
		}
		if (check_crash(s, d, &period, err, errlen) != 0)
			return -1;
		restarts |= d->cr.restart_ns != UINT64_MAX;
	}
	if (restarts && (rs = declared(s, "rs")) != NULL) {
		snprintf(err, errlen, "%sprocess 'rs': a fault restarts a program, and the "
				      "reincarnation server that does it is called 'rs': give this "
				      "process another name", rs->where);
		return -1;
	}
	return 0;
}

/* The process first declared as name. */
static struct proc *first_incarnation(struct machine *m, const char *name)
{
	for (uint32_t i = 0; i < m->nprocs; i++)
		if (m->procs[i]->incarnation == 1 && strcmp(m->procs[i]->name, name) == 0)
			return m->procs[i];
	return NULL;
}

int faults_build(struct scenario *s, struct machine *m)
{
	uint64_t check = UK_RS_CHECK_NS;
	int restarts = 0;

	for (size_t i = 0; i < s->nfaults; i++) {
		const struct fdecl *d = &s->faults[i];
		struct fault_rule r = d->rule;
		struct fault_crash c = d->cr;
		if (!d->crash) {
			r.proc = d->proc[0] ? first_incarnation(m, d->proc) : NULL;
			if (fault_add(m, &r) != 0)
				return -1;
			continue;
		}
		c.proc = d->proc[0] ? first_incarnation(m, d->proc) : NULL;
		if (crash_add(m, &c) != 0)
			return -1;
		if (c.restart_ns != UINT64_MAX) {
			restarts = 1;
			if (d->check_ns)
				check = d->check_ns;
		}
	}
	return restarts && !rs_install(m, check) ? -1 : 0;
}
