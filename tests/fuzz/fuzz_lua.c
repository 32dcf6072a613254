/*
 * fuzz_lua.c - loading a fuzzed scenario (API: fuzz_lua.h).
 *
 * The script runs after a one-line prelude, on its own first line so that
 * line numbers stay the script's, which takes away what reaches the host:
 * files (io, dofile, loadfile, os.remove, os.rename, os.tmpname), programs
 * and libraries (os.execute, require, package), the environment and locale
 * (os.getenv, os.setlocale), and the debug library (debug.sethook would
 * switch the loader's instruction watch off). A scenario may use all of
 * these; a fuzzer must not, or one input could delete files, wait for
 * stdin, or change what the next input sees. print prints nothing: the
 * fuzzer's own reports go to stderr.
 */
#include "fuzz_lua.h"

#include <string.h>

#include "fuzz.h"
#include "loader.h"
#include "machine.h"
#include "msg.h"

static const char prelude[] =
	"io, dofile, loadfile, require, package, debug = nil; "
	"os.execute, os.remove, os.rename, os.tmpname, os.getenv, os.setlocale = nil; "
	"print = function() end; ";

/* A refusal names the scenario: "fuzz.lua:LINE: ..." or "fuzz.lua: ...". */
static void names_scenario(const char *err)
{
	size_t n = strlen(FUZZ_SCENARIO);

	if (strncmp(err, FUZZ_SCENARIO, n) != 0 || err[n] != ':') {
		fprintf(stderr, "loader message without the scenario's name: \"%s\"\n", err);
		fuzz_fail("a refusal names the scenario", __FILE__, __LINE__);
	}
}

/* Build a machine from s, as ukern run does before running it. */
static void build(struct scenario *s)
{
	struct machine_config cfg = *scenario_config(s);
	struct machine m;
	char err[1024];

	FUZZ_CHECK(machine_init(&m, &cfg) == 0);
	if (scenario_build(s, &m, err, sizeof err) != 0) {
		fprintf(stderr, "scenario_build: %s\n", err);
		fuzz_fail("a loaded scenario builds", __FILE__, __LINE__);
	}
	machine_free(&m);
}

int fuzz_load(const char *src)
{
	size_t n = strlen(src);
	char *text = malloc(sizeof prelude + n);
	struct loader_opts o = { .path = FUZZ_SCENARIO, .lua_steps = FUZZ_LUA_STEPS,
				 .lua_mem_max = FUZZ_LUA_MEM };
	struct scenario *s;
	char err[1024];

	FUZZ_CHECK(text != NULL);
	memcpy(text, prelude, sizeof prelude - 1);
	memcpy(text + sizeof prelude - 1, src, n + 1);
	o.source = text;
	err[0] = '\0';
	s = scenario_load(&o, err, sizeof err);
	free(text);
	if (!s) {
		FUZZ_CHECK(memchr(err, '\0', sizeof err) != NULL);
		names_scenario(err);
		msg_pool_drain();
		return -1;
	}
	build(s);
	scenario_free(s);
	msg_pool_drain();
	return 0;
}
