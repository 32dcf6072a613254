/*
 * replay.c - a fuzz target without libFuzzer: a main() that feeds every file
 * of its corpus and regression directories to LLVMFuzzerTestOneInput, one
 * at a time, in name order. Built with any compiler, it is how `make check`
 * keeps every input that was ever interesting - and every crash once fixed -
 * passing, with or without --enable-sanitizers.
 *
 *   replay_NAME [DIR|FILE]...
 *
 * With no argument it replays $top_srcdir/tests/fuzz/corpus/NAME (which must
 * hold at least one input: an empty or missing corpus would make the test
 * pass without testing anything) and $top_srcdir/tests/fuzz/regress/NAME
 * (which may be missing: no crash found yet). NAME is FUZZ_NAME, set by the
 * build; top_srcdir comes from the environment as make check sets it, else
 * ".". Each input is copied into a heap buffer of exactly its size, so that
 * ASan sees a read past its end. The name of each input goes to stderr
 * before it runs, so a crash is found in the log next to the file causing it.
 *
 * Exit status: 0 when every input ran; 1 when a directory or file cannot be
 * read or a corpus is empty. A failing input aborts (or ASan stops it).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

#ifndef FUZZ_NAME
#error "FUZZ_NAME must name the target (the build sets it)"
#endif

/* The whole of the file at path in a heap buffer of exactly its size (one
 * byte allocated for an empty file); its length in *len. NULL on failure. */
static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
	    (buf = malloc(n ? (size_t)n : 1)) && fread(buf, 1, (size_t)n, f) == (size_t)n) {
		*len = (size_t)n;
	} else {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

/* Run the target on one file. 0, or -1 when it cannot be read. */
static int replay_file(const char *path)
{
	size_t len;
	uint8_t *buf = slurp(path, &len);

	if (!buf) {
		fprintf(stderr, "replay_%s: %s: cannot read: %s\n", FUZZ_NAME, path,
			strerror(errno ? errno : EIO));
		return -1;
	}
	fprintf(stderr, "input: %s (%zu bytes)\n", path, len);
	LLVMFuzzerTestOneInput(buf, len);
	free(buf);
	return 0;
}

static int visible(const struct dirent *e)
{
	return e->d_name[0] != '.';
}

/* Run the target on every file of dir, in name order; how many in *n.
 * 0, or -1 when dir or one of its files cannot be read. */
static int replay_dir(const char *dir, size_t *n)
{
	struct dirent **list;
	int count = scandir(dir, &list, visible, alphasort), rc = 0;

	if (count < 0) {
		fprintf(stderr, "replay_%s: %s: %s\n", FUZZ_NAME, dir, strerror(errno));
		return -1;
	}
	for (int i = 0; i < count; i++) {
		char path[4096];
		struct stat st;
		snprintf(path, sizeof path, "%s/%s", dir, list[i]->d_name);
		if (rc == 0 && stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
			rc = replay_file(path);
			(*n)++;
		}
		free(list[i]);
	}
	free(list);
	return rc;
}

/* Replay a directory or a file given on the command line. */
static int replay_arg(const char *arg)
{
	struct stat st;
	size_t n = 0;

	if (stat(arg, &st) != 0) {
		fprintf(stderr, "replay_%s: %s: %s\n", FUZZ_NAME, arg, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode))
		return replay_file(arg);
	if (replay_dir(arg, &n) != 0)
		return -1;
	printf("replay_%s: %zu inputs from %s\n", FUZZ_NAME, n, arg);
	return 0;
}

/* The default: the corpus (not empty) and the regressions (if any). */
static int replay_default(void)
{
	const char *top = getenv("top_srcdir");
	char corpus[4096], regress[4096];
	size_t nc = 0, nr = 0;
	struct stat st;

	if (!top || !*top)
		top = ".";
	snprintf(corpus, sizeof corpus, "%s/tests/fuzz/corpus/%s", top, FUZZ_NAME);
	snprintf(regress, sizeof regress, "%s/tests/fuzz/regress/%s", top, FUZZ_NAME);
	if (replay_dir(corpus, &nc) != 0)
		return -1;
	if (nc == 0) {
		fprintf(stderr, "replay_%s: %s holds no input\n", FUZZ_NAME, corpus);
		return -1;
	}
	if (stat(regress, &st) == 0 && replay_dir(regress, &nr) != 0)
		return -1;
	printf("replay_%s: %zu corpus inputs, %zu regression inputs\n", FUZZ_NAME, nc, nr);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return replay_default() == 0 ? 0 : 1;
	for (int i = 1; i < argc; i++)
		if (replay_arg(argv[i]) != 0)
			return 1;
	return 0;
}
