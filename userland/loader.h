/*
 * loader.h - loading a scenario script: run its top level, which declares
 * the machine, parameters and processes; then build the simulated machine
 * from those declarations.
 */
#ifndef UKERN_LOADER_H
#define UKERN_LOADER_H

#include <stddef.h>
#include <stdint.h>

struct machine;
struct machine_config;
struct scenario;

struct loader_opts {
	const char *path;
	const char *source;       /* NULL: read path; else the script text, reported as path */
	int have_seed;            /* --seed given: overrides machine { seed } */
	uint64_t seed;
	const char *const *sets;  /* "NAME=VALUE" overrides of param() */
	size_t nsets;
	/* Budgets of the top level alone (the run after it is not limited by
	 * them), for callers that load scripts they do not trust to end: */
	int lua_steps;            /* Lua instructions it may run; 0: UK_LUA_STEPS */
	size_t lua_mem_max;       /* bytes of Lua memory it may hold; 0: no limit */
	int have_lua_memory;      /* lua_mem_max is ukern run --lua-memory: it overrides
				   * machine { lua_memory } */
};

/* Run the scenario's top level. Returns the scenario, or NULL with a
 * message "FILE:LINE: ..." (or "FILE: ...") in err. */
struct scenario *scenario_load(const struct loader_opts *o, char *err, size_t errlen);

/* The machine configuration the scenario declared (until and max_events
 * unlimited; the caller may change them). */
const struct machine_config *scenario_config(const struct scenario *s);

/* Create m's name server and the declared processes, and record the
 * scenario, seed and parameters in m->info. m must have been initialised
 * from scenario_config. Returns 0, or -1 with a message in err. */
int scenario_build(struct scenario *s, struct machine *m, char *err, size_t errlen);

/* Limit the Lua memory of the run's bodies and scheduler to max bytes (0:
 * no limit): code that goes past it gets Lua's "not enough memory", which
 * kills its process like any script error. Call after scenario_build. */
void scenario_lua_memory(struct scenario *s, size_t max);

/* The Lua memory the run's bodies may hold: machine { lua_memory } when the
 * scenario declares it (and loader_opts.have_lua_memory was not set), else
 * dflt. The value to give scenario_lua_memory. */
size_t scenario_lua_memory_for(const struct scenario *s, size_t dflt);

/* Free s. Any machine built from it must be freed first. */
void scenario_free(struct scenario *s);

#endif
