/*
 * list.c - scenarios by name: the search path (the directories of
 * $UKERN_SCENARIOS, the scenarios/ directory beside the program, then the
 * installed scenarios), finding one for "ukern
 * run NAME" and "ukern sweep NAME", and "ukern list", which shows what the
 * path holds.
 *
 * The one idea: a name is looked up only when it is not a file already, so
 * a path always means what it says; what the path finds first wins, in
 * "run" and in "list" alike.
 *
 * Entry points: cli_find_scenario, cmd_list.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <limits.h>
#include <unistd.h>

#include "cli.h"

#ifndef UKERN_SCENARIODIR
#error "UKERN_SCENARIODIR (the installed scenarios, $(pkgdatadir)/scenarios) must be defined"
#endif

/* Directories searched at most: $UKERN_SCENARIOS gives 63 of them (doc/cli.md),
 * then the one beside the program and the installed one. */
#define MAX_DIRS 65

static int is_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && !S_ISDIR(st.st_mode);
}

/* dir/name followed by suffix, in a new string (NULL: out of memory). */
static char *join(const char *dir, const char *name, const char *suffix)
{
	size_t len = strlen(dir) + strlen(name) + strlen(suffix) + 2;
	char *p = malloc(len);

	if (p)
		snprintf(p, len, "%s/%s%s", dir, name, suffix);
	return p;
}

/* The scenarios/ directory beside the running executable (symbolic links
 * followed), if there is one: the source tree's, for a ukern built in its
 * source tree and run from there (an installed ukern has none beside it).
 * A new string, or NULL. */
static char *beside_program(void)
{
	char exe[PATH_MAX], *slash, *dir;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	struct stat st;

	if (n > 0)
		exe[n] = '\0';
	else if (!cli_argv0 || !strchr(cli_argv0, '/') || !realpath(cli_argv0, exe))
		return NULL;
	if (!(slash = strrchr(exe, '/')))
		return NULL;
	*slash = '\0';
	dir = join(*exe ? exe : "/", "scenarios", "");
	if (dir && (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode) ||
		    strcmp(dir, UKERN_SCENARIODIR) == 0)) {
		free(dir);
		dir = NULL;
	}
	return dir;
}

/* The search path: the non-empty entries of $UKERN_SCENARIOS (the first
 * max - 2 of them), the scenarios/ directory beside the program when there
 * is one, then the installed directory; dirs[i] point into *buf or are the
 * installed directory, one allocation. Returns the number of directories,
 * or 0 when out of memory. */
static size_t search_path(const char **dirs, size_t max, char **buf)
{
	const char *env = getenv("UKERN_SCENARIOS");
	char *beside = beside_program();
	size_t n = 0, elen = strlen(env ? env : "");

	*buf = malloc(elen + 1 + (beside ? strlen(beside) + 1 : 0));
	if (!*buf) {
		free(beside);
		return 0;
	}
	memcpy(*buf, env ? env : "", elen + 1);
	for (char *s = *buf, *colon; n + 2 < max; s = colon + 1) {
		colon = strchr(s, ':');
		if (colon)
			*colon = '\0';
		if (*s)
			dirs[n++] = s;
		if (!colon)
			break;
	}
	if (beside) {
		dirs[n++] = strcpy(*buf + elen + 1, beside);
		free(beside);
	}
	dirs[n++] = UKERN_SCENARIODIR;
	return n;
}

/* "A, B or C" of the n directories, on stderr. */
static void print_dirs(const char *const *dirs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fprintf(stderr, "%s%s", i == 0 ? "" : i + 1 == n ? " or " : ", ", dirs[i]);
}

char *cli_find_scenario(const char *cmd, const char *arg, int *code)
{
	const char *dirs[MAX_DIRS];
	char *buf, *found = NULL;
	size_t n;

	if (strchr(arg, '/') || is_file(arg) || !*arg) {
		if (!(found = strdup(arg)))
			*code = cli_error(EXIT_HOST, "out of memory");
		return found;
	}
	if (!(n = search_path(dirs, MAX_DIRS, &buf))) {
		*code = cli_error(EXIT_HOST, "out of memory");
		return NULL;
	}
	for (size_t i = 0; i < n && !found; i++) {
		for (int lua = 0; lua < 2 && !found; lua++) {
			char *p = join(dirs[i], arg, lua ? ".lua" : "");
			if (!p) {
				free(buf);
				*code = cli_error(EXIT_HOST, "out of memory");
				return NULL;
			}
			if (is_file(p))
				found = p;
			else
				free(p);
		}
	}
	if (!found) {
		size_t len = strlen(arg);
		if (len > 4 && strcmp(arg + len - 4, ".lua") == 0)   /* not "NAME.lua.lua" */
			fprintf(stderr, "ukern: %s: no scenario '%s': it is not a file, nor is it in ",
				cmd, arg);
		else
			fprintf(stderr, "ukern: %s: no scenario '%s': it is not a file, and neither "
				"%s nor %s.lua is in ", cmd, arg, arg, arg);
		print_dirs(dirs, n);
		fprintf(stderr, " (UKERN_SCENARIOS adds directories; 'ukern list' shows the "
			"scenarios found)\n");
		*code = EXIT_USAGE;
	}
	free(buf);
	return found;
}

/* ---- ukern list ---- */

/* Append the comment text of line (after "--") to out, one space between
 * lines; returns 0 at the end of the opening comment (a line that is not
 * a comment, or an empty comment line after some text). */
static int take_comment(const char *line, char *out, size_t len)
{
	const char *s = line + strspn(line, " \t");
	size_t used = strlen(out), n;

	if (strncmp(s, "--", 2) != 0)
		return 0;
	s += 2 + strspn(s + 2, " \t-");
	n = strcspn(s, "\r\n");
	if (n == 0)
		return used == 0;
	if (used && used + 1 < len)
		out[used++] = ' ';
	snprintf(out + used, len - used, "%.*s", (int)n, s);
	return 1;
}

/* What a scenario says of itself: the first sentence of its opening
 * comment, without a leading "NAME.lua:" that repeats the file's name.
 * Empty when it has none. */
static void describe(const char *path, const char *file, char *out, size_t len)
{
	FILE *f = fopen(path, "r");
	char line[512], *s, *end;
	size_t flen = strlen(file);

	out[0] = '\0';
	if (!f)
		return;
	while (fgets(line, sizeof line, f) && take_comment(line, out, len))
		;
	fclose(f);
	s = out;
	if (strncmp(s, file, flen) == 0 && s[flen] == ':')
		s += flen + 1 + strspn(s + flen + 1, " ");
	for (end = s; *end; end++)
		if (strchr(".?!", *end) && (end[1] == ' ' || end[1] == '\0')) {
			end[1] = '\0';
			break;
		}
	memmove(out, s, strlen(s) + 1);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The NAME.lua files of dir, sorted, in a new array of new strings (*n of
 * them); NULL with *n = 0 when the directory cannot be read. */
static char **lua_files(const char *dir, size_t *n)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **v = NULL, *path = NULL;
	size_t cap = 0;

	*n = 0;
	if (!d)
		return NULL;
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		if (len <= 4 || strcmp(e->d_name + len - 4, ".lua") != 0 || e->d_name[0] == '.')
			continue;
		if (*n == cap) {
			char **nv = realloc(v, (cap = cap ? 2 * cap : 32) * sizeof *v);
			if (!nv)
				goto oom;
			v = nv;
		}
		if (!(path = join(dir, e->d_name, "")) || !(v[*n] = strdup(e->d_name)))
			goto oom;
		if (is_file(path))
			++*n;
		else
			free(v[*n]);
		free(path);
		path = NULL;
	}
	closedir(d);
	if (v)
		qsort(v, *n, sizeof *v, by_name);
	else
		v = calloc(1, sizeof *v);    /* an empty directory: an empty list, not an error */
	return v;
oom:
	free(path);
	while (*n)
		free(v[--*n]);
	free(v);
	closedir(d);
	errno = ENOMEM;
	return NULL;
}

/* Was NAME.lua already listed from one of the first k directories? */
static int shadowed(const char *const *dirs, size_t k, const char *file)
{
	for (size_t i = 0; i < k; i++) {
		char *p = join(dirs[i], file, "");
		int there = p && is_file(p);
		free(p);
		if (there)
			return 1;
	}
	return 0;
}

/* List one directory; returns how many scenarios it showed. */
static size_t list_dir(const char *const *dirs, size_t k)
{
	size_t n, shown = 0;
	char **files = lua_files(dirs[k], &n);
	char desc[256];

	if (!files) {
		printf("%s: no scenarios (%s)\n", dirs[k], strerror(errno));
		return 0;
	}
	printf("%s:\n", dirs[k]);
	for (size_t i = 0; i < n; i++) {
		char *path = join(dirs[k], files[i], "");
		if (path && !shadowed(dirs, k, files[i])) {
			describe(path, files[i], desc, sizeof desc);
			printf("  %-26.*s %s\n", (int)(strlen(files[i]) - 4), files[i], desc);
			shown++;
		}
		free(path);
		free(files[i]);
	}
	free(files);
	return shown;
}

int cmd_list(int argc, char **argv)
{
	const char *dirs[MAX_DIRS];
	char *buf;
	size_t n, shown = 0;

	if (argc > 1)
		return cli_error(EXIT_USAGE, "list: takes no arguments, not '%s' (usage: ukern list)",
				 argv[1]);
	if (!(n = search_path(dirs, MAX_DIRS, &buf)))
		return cli_error(EXIT_HOST, "out of memory");
	for (size_t k = 0; k < n; k++)
		shown += list_dir(dirs, k);
	free(buf);
	if (shown)
		printf("Run one with 'ukern run NAME'; the first directory that has NAME wins.\n");
	if (fflush(stdout) != 0)
		return cli_error(EXIT_HOST, "cannot write the list");
	return EXIT_OK;
}
