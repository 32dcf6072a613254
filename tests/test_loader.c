/*
 * test_loader.c: unit tests for the budgets of the scenario loader's top
 * level (loader_opts.lua_steps and lua_mem_max), which let a caller load a
 * script it does not trust to end, and for what a failed top level says.
 *
 * The one idea: a budget stops the top level with a message that names the
 * scenario, as every loader message does, and binds only the top level:
 * once it has run, the scenario's Lua state is as free as without one. A
 * failure the message handler never sees names the scenario all the same.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <lauxlib.h>

#include "loader.h"
#include "loader_decl.h"

/* Load src as "t.lua" with the budgets; the message goes to err. */
static struct scenario *load(const char *src, int steps, size_t mem, char *err, size_t len)
{
	struct loader_opts o = { .path = "t.lua", .source = src, .lua_steps = steps,
				 .lua_mem_max = mem };

	err[0] = '\0';
	return scenario_load(&o, err, len);
}

static void test_steps(void **state)
{
	char err[512];

	(void)state;
	assert_null(load("local x = 1\nwhile true do x = x + 1 end", 1000, 0, err, sizeof err));
	assert_non_null(strstr(err, "t.lua:2: 1000 Lua instructions without a system call: "
				    "an endless loop?"));
	assert_null(load("while true do end", 2000000, 0, err, sizeof err));
	assert_non_null(strstr(err, "t.lua:1: 2 million Lua instructions without a system call"));
	/* A top level well within the budget loads. */
	scenario_free(load("local s = 0 for i = 1, 100 do s = s + i end", 100000, 0, err,
			   sizeof err));
	assert_string_equal(err, "");
}

static void test_memory(void **state)
{
	char err[512];
	struct scenario *s;

	(void)state;
	/* At the line it reached (string.rep is C: the line that called it). */
	assert_null(load("local s = string.rep('x', 8 << 20)", 0, 4 << 20, err, sizeof err));
	assert_string_equal(err, "t.lua:1: not enough memory (the scenario's Lua memory is limited "
				 "to 4MiB, ukern run --lua-memory)");
	assert_null(load("local t = {}\nfor i = 1, 1e7 do t[i] = i end", 0, 4 << 20, err,
			 sizeof err));
	assert_string_equal(err, "t.lua:2: not enough memory (the scenario's Lua memory is limited "
				 "to 4MiB, ukern run --lua-memory)");
	/* Caught by the script, it is an error like any other. */
	assert_null(load("local ok = pcall(string.rep, 'x', 8 << 20)\nerror('caught: ' .. "
			 "tostring(ok))", 0, 4 << 20, err, sizeof err));
	assert_string_equal(err, "t.lua:2: caught: false");
	/* The budget binds the top level only: after it, the state is free. */
	s = load("x = 1", 0, 4 << 20, err, sizeof err);
	assert_non_null(s);
	assert_int_equal(luaL_dostring(s->L, "big = string.rep('x', 8 << 20)"), LUA_OK);
	scenario_free(s);
}

/* Every failure names the scenario, also those no message handler sees. */
static void test_failures_name_the_scenario(void **state)
{
	char err[512], src[1024];
	size_t n = 0;

	(void)state;
	/* Code nested past the compiler's C levels (found by the fuzz target
	 * "scenario": the message was only "C stack overflow"). */
	n += (size_t)snprintf(src, sizeof src, "local x = ");
	for (int i = 0; i < 300; i++)
		src[n++] = '(';
	src[n++] = '1';
	for (int i = 0; i < 300; i++)
		src[n++] = ')';
	src[n] = '\0';
	assert_null(load(src, 0, 0, err, sizeof err));
	assert_string_equal(err, "t.lua: C stack overflow");
	assert_null(load("x = = 1", 0, 0, err, sizeof err));
	assert_string_equal(err, "t.lua:1: unexpected symbol near '='");
	assert_null(load("\nerror('plain', 0)", 0, 0, err, sizeof err));
	assert_string_equal(err, "t.lua:2: plain");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_steps),
		cmocka_unit_test(test_memory),
		cmocka_unit_test(test_failures_name_the_scenario),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
