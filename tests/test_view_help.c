/*
 * test_view_help.c: the help overlay (h, F1; viz/view.c) lists the keys
 * doc/viewer.md documents. Its section 5 table ("Keys and mouse") is
 * vz_help_keys row by row, and its section 9 table (the live viewer) is
 * vz_live_keys: the first column, backquotes left out, is the overlay's
 * key column, in the same order; and every key a row's description names
 * (a backquoted single character or capitalised name: `+`, `Left`, `Esc`)
 * is named in the overlay's line too.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "view.h"

enum { ROWS = 32, CELL = 512 };

/* A row of a key table: its key column without backquotes, and its
 * description as written. */
struct row {
	char keys[CELL], what[CELL];
};

/* The rows of the table under the heading that starts with heading. */
static size_t doc_table(const char *heading, struct row *rows)
{
	const char *dir = getenv("top_srcdir");
	char path[1024], line[4096];
	int in_section = 0;
	size_t n = 0;
	FILE *fp;

	snprintf(path, sizeof path, "%s/doc/viewer.md", dir ? dir : ".");
	fp = fopen(path, "r");
	assert_non_null(fp);
	while (fgets(line, sizeof line, fp)) {
		char *bar, *end, *out;
		if (strncmp(line, "## ", 3) == 0) {
			in_section = strncmp(line, heading, strlen(heading)) == 0;
			continue;
		}
		if (!in_section || line[0] != '|' || strncmp(line, "|---", 4) == 0 ||
		    strncmp(line, "| key", 5) == 0)
			continue;
		bar = strstr(line + 1, " | ");
		assert_non_null(bar);
		assert_true(n < ROWS);
		out = rows[n].keys;
		for (const char *s = line + 2; s < bar; s++)
			if (*s != '`')
				*out++ = *s;
		*out = '\0';
		end = strrchr(bar + 3, '|');
		assert_non_null(end);
		snprintf(rows[n].what, sizeof rows[n].what, "%.*s", (int)(end - bar - 4), bar + 3);
		n++;
	}
	fclose(fp);
	return n;
}

/* Every key the description names (`+`, `Left`) is in the overlay's line. */
static void check_named_keys(const char *what, const struct vz_help_key *k)
{
	for (const char *s = strchr(what, '`'); s; s = strchr(s + 1, '`')) {
		const char *e = strchr(s + 1, '`');
		char key[64];
		size_t len;
		assert_non_null(e);
		len = (size_t)(e - s - 1);
		if (len == 1 || (len < sizeof key && isupper((unsigned char)s[1]))) {
			snprintf(key, sizeof key, "%.*s", (int)len, s + 1);
			if (!strstr(k->keys, key) && !strstr(k->what, key))
				fail_msg("doc/viewer.md names `%s` for \"%s\"; the help does not",
					 key, k->keys);
		}
		s = e;
	}
}

static void check_table(const char *heading, const struct vz_help_key *keys, size_t nkeys)
{
	struct row rows[ROWS];
	size_t n = doc_table(heading, rows);

	assert_true(n >= 5);
	for (size_t i = 0; i < n || i < nkeys; i++) {
		if (i >= n)
			fail_msg("the help lists \"%s\"; doc/viewer.md does not", keys[i].keys);
		if (i >= nkeys)
			fail_msg("doc/viewer.md lists \"%s\"; the help does not", rows[i].keys);
		assert_string_equal(rows[i].keys, keys[i].keys);
		check_named_keys(rows[i].what, &keys[i]);
	}
}

static void test_keys(void **state)
{
	(void)state;
	check_table("## 5. Keys and mouse", vz_help_keys, vz_help_key_count);
}

static void test_live_keys(void **state)
{
	(void)state;
	check_table("## 9. The live viewer", vz_live_keys, vz_live_key_count);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_live_keys),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
