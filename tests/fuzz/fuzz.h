/*
 * fuzz.h - what every fuzz target in tests/fuzz/ shares: the entry point
 * each one defines, and the helpers they use to state and check what must
 * hold for any input.
 *
 * The one idea: a target is a function from bytes to nothing that must
 * never crash, whatever the bytes. The same file links either with
 * libFuzzer (configure --enable-fuzz, `make fuzz`), which generates inputs,
 * or with replay.c, which feeds it the committed corpus and regression
 * inputs in `make check`. A property that fails calls fuzz_fail, which
 * aborts: both drivers report that as a crash, with the input.
 *
 * doc/hardening.md lists the targets, the properties they check and where
 * their corpora live.
 */
#ifndef UKERN_TESTS_FUZZ_H
#define UKERN_TESTS_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The entry point of a target (libFuzzer's name and signature). Returns 0. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Report a broken property and abort. */
static inline _Noreturn void fuzz_fail(const char *what, const char *file, int line)
{
	fprintf(stderr, "%s:%d: fuzz property failed: %s\n", file, line, what);
	fflush(stderr);
	abort();
}

/* Check a property of the code under test (not a precondition of the
 * input: inputs are never wrong). */
#define FUZZ_CHECK(cond) ((cond) ? (void)0 : fuzz_fail(#cond, __FILE__, __LINE__))

/* The input as a NUL-terminated heap string (cut at its first NUL byte, as a
 * C string would be). Aborts when memory runs out. */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		fuzz_fail("out of memory", __FILE__, __LINE__);
	if (size)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

#endif
