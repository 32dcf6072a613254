/*
 * fuzz_scenario.c - fuzz target "scenario": the scenario loader
 * (userland/loader.c and the declarations it reads) on arbitrary Lua text.
 *
 * Input: the text of a scenario (cut at a NUL byte). It is loaded as
 * `ukern run` loads a file and, when it loads, a machine is built from it
 * (fuzz_lua.c: under an instruction and a memory budget, without io, os
 * programs or debug). Lua errors are expected; properties: nothing crashes,
 * a refused script gets a message naming the scenario, an accepted one
 * builds. The corpus starts from the shipped scenarios, tests/bad and
 * tests/api; scenario.dict gives the fuzzer the API's words.
 */
#include "fuzz.h"
#include "fuzz_lua.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *src = fuzz_cstr(data, size);

	fuzz_load(src);
	free(src);
	return 0;
}
