/*
 * fuzz_lua.h - how the scenario fuzz targets (fuzz_scenario.c, fuzz_decl.c)
 * load a script: as `ukern run` does, from text, under budgets that keep a
 * fuzzed script from hanging the fuzzer or taking the host's memory, and
 * without the parts of the standard library that reach the host.
 */
#ifndef UKERN_TESTS_FUZZ_LUA_H
#define UKERN_TESTS_FUZZ_LUA_H

#define FUZZ_SCENARIO "fuzz.lua"       /* the name the script is loaded under */
enum {
	FUZZ_LUA_STEPS = 1000000,      /* instructions of the top level (loader_opts.lua_steps) */
	FUZZ_LUA_MEM = 32 << 20,       /* bytes of Lua memory it may hold (lua_mem_max) */
};

/* Load src (NUL-terminated) as the scenario FUZZ_SCENARIO with the budgets
 * above, then build a machine from it and free everything. Checks the
 * loader's contract: a script it refuses gets a message that names the
 * scenario ("fuzz.lua:LINE: ..." or "fuzz.lua: ..."), and one it accepts
 * builds. Returns 0 when the script loaded, -1 when it was refused. */
int fuzz_load(const char *src);

#endif
