/*
 * test_fs_dir.c: unit tests for directory listings with cookies and for
 * seeding the initial files (servers/file/fs_dir.c).
 *
 * The one idea: the cookie promise (an entry present for the whole listing
 * comes back exactly once, nothing comes back twice) is checked against a
 * model through many deterministic random creates and unlinks between the
 * pages of a listing; seeding is checked to give the same tree whatever the
 * order of the files given.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "fs_fixture.h"

/* ---- readdir ---- */

static void test_readdir_basic(void **state)
{
	struct fs *fs = mkfs(BIG, 100);
	uint64_t root = fs_handle(FS_ROOT_INO, 1), f, d;
	struct fs_dirent ent[3];
	struct fs_dirpage pg;

	(void)state;
	assert_int_equal(fs_readdir(fs, root, 0, ent, 3, &pg), FS_OK);
	assert_int_equal(pg.n, 0);
	assert_int_equal(pg.next, 0);
	assert_int_equal(pg.eof, 1);
	f = file(fs, "/zeta", "");
	assert_int_equal(mk(fs, "/alpha", 1, &d), FS_OK);
	file(fs, "/mid", "");
	/* Creation order, not name order; each entry says what it is. */
	assert_int_equal(fs_readdir(fs, root, 0, ent, 2, &pg), FS_OK);
	assert_int_equal(pg.n, 2);
	assert_int_equal(pg.eof, 0);
	assert_string_equal(ent[0].name, "zeta");
	assert_int_equal(ent[0].type, FS_FILE);
	assert_int_equal(ent[0].handle, f);
	assert_int_equal(ent[0].cookie, 1);
	assert_string_equal(ent[1].name, "alpha");
	assert_int_equal(ent[1].type, FS_DIR);
	assert_int_equal(ent[1].handle, d);
	assert_int_equal(pg.next, 2);
	assert_int_equal(fs_readdir(fs, root, pg.next, ent, 2, &pg), FS_OK);
	assert_int_equal(pg.n, 1);
	assert_string_equal(ent[0].name, "mid");
	assert_int_equal(pg.next, 3);
	assert_int_equal(pg.eof, 1);
	/* Exactly a page's worth: eof says so without another call. */
	assert_int_equal(fs_readdir(fs, root, 0, ent, 3, &pg), FS_OK);
	assert_int_equal(pg.n, 3);
	assert_int_equal(pg.eof, 1);
	/* max 0 lists nothing and keeps the cookie; a cookie past the end is the end. */
	assert_int_equal(fs_readdir(fs, root, 1, NULL, 0, &pg), FS_OK);
	assert_int_equal(pg.n, 0);
	assert_int_equal(pg.next, 1);
	assert_int_equal(pg.eof, 0);
	assert_int_equal(fs_readdir(fs, root, 1000, ent, 3, &pg), FS_OK);
	assert_int_equal(pg.n, 0);
	assert_int_equal(pg.next, 1000);
	assert_int_equal(pg.eof, 1);
	assert_int_equal(fs_readdir(fs, f, 0, ent, 3, &pg), FS_ENOTDIR);
	assert_int_equal(fs_readdir(fs, d, 0, ent, 3, &pg), FS_OK);
	assert_int_equal(pg.n, 0);
	/* A cookie outlives the entry it came from. */
	assert_int_equal(rm(fs, "/alpha", 2), FS_OK);
	assert_int_equal(fs_readdir(fs, root, 2, ent, 3, &pg), FS_OK);
	assert_int_equal(pg.n, 1);
	assert_string_equal(ent[0].name, "mid");
	fs_free(fs);
}

/* splitmix64: the test's own deterministic numbers. */
static uint64_t mix(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

#define NAMES 64

/* One listing of a directory that another client keeps changing between
 * pages. Every name present from the start to the end of the listing must
 * come back exactly once; cookies only grow (so nothing repeats); a name
 * returned must exist or have existed during the listing. */
static void churn_listing(struct fs *fs, uint64_t *rng, size_t page)
{
	uint64_t dir = look_ok(fs, "/d");
	int present[NAMES], survived[NAMES], ever[NAMES], avail[NAMES], seen[NAMES];
	struct fs_dirent ent[8];
	struct fs_dirpage pg = { 0, 0, 0 };
	uint64_t cookie = 0, last = 0;
	char p[16];

	for (int i = 0; i < NAMES; i++) {
		snprintf(p, sizeof p, "/d/n%d", i);
		present[i] = look(fs, p, &(uint64_t){ 0 }) == FS_OK;
		survived[i] = ever[i] = avail[i] = present[i];
		seen[i] = 0;
	}
	for (int pages = 0; !pg.eof; pages++) {
		assert_true(pages < 10000);
		assert_int_equal(fs_readdir(fs, dir, cookie, ent, page, &pg), FS_OK);
		for (size_t k = 0; k < pg.n; k++) {
			int i = atoi(ent[k].name + 1);
			assert_true(ent[k].cookie > last);
			last = ent[k].cookie;
			assert_true(ever[i]);
			seen[i]++;
		}
		cookie = pg.next;
		for (int c = (int)(mix(rng) % 4); c > 0; c--) {
			int i = (int)(mix(rng) % NAMES);
			snprintf(p, sizeof p, "/d/n%d", i);
			if (present[i]) {
				assert_int_equal(rm(fs, p, 1), FS_OK);
				present[i] = survived[i] = 0;
			} else {
				assert_int_equal(cr(fs, p, 1, NULL), FS_OK);
				present[i] = ever[i] = 1;
				avail[i]++;
			}
		}
	}
	for (int i = 0; i < NAMES; i++) {
		if (survived[i])
			assert_int_equal(seen[i], 1);
		assert_true(seen[i] <= avail[i]);   /* made again after being seen: a new entry */
	}
}

static void test_readdir_concurrent_changes(void **state)
{
	struct fs *fs = mkfs(BIG, 1000);
	uint64_t rng = 42;
	char p[16];

	(void)state;
	assert_int_equal(mk(fs, "/d", 1, NULL), FS_OK);
	for (int i = 0; i < NAMES; i += 2) {
		snprintf(p, sizeof p, "/d/n%d", i);
		assert_int_equal(cr(fs, p, 1, NULL), FS_OK);
	}
	for (int round = 0; round < 300; round++)
		churn_listing(fs, &rng, 1 + (size_t)round % 8);
	fs_free(fs);
}

/* The scenario the cookie exists for, by hand: the entry just returned and
 * the next one are both removed before the next call. */
static void test_readdir_remove_at_cookie(void **state)
{
	struct fs *fs = mkfs(BIG, 100);
	uint64_t root = fs_handle(FS_ROOT_INO, 1);
	struct fs_dirent ent[4];
	struct fs_dirpage pg;

	(void)state;
	file(fs, "/a", "");
	file(fs, "/b", "");
	file(fs, "/c", "");
	file(fs, "/d", "");
	assert_int_equal(fs_readdir(fs, root, 0, ent, 1, &pg), FS_OK);
	assert_string_equal(ent[0].name, "a");
	assert_int_equal(rm(fs, "/a", 2), FS_OK);
	assert_int_equal(rm(fs, "/b", 2), FS_OK);
	file(fs, "/a", "");   /* the same name again: a new entry, at the end */
	assert_int_equal(fs_readdir(fs, root, pg.next, ent, 4, &pg), FS_OK);
	assert_int_equal(pg.n, 3);
	assert_string_equal(ent[0].name, "c");
	assert_string_equal(ent[1].name, "d");
	assert_string_equal(ent[2].name, "a");
	assert_int_equal(pg.eof, 1);
	fs_free(fs);
}

/* ---- seeding ---- */

static void test_seed(void **state)
{
	static const struct fs_seed files[] = {
		{ "/etc/motd", 9, "hello", 5 },
		{ "/a/b/c/deep", 11, "deep!", 5 },
		{ "/top", 4, "", 0 },
		{ "/etc/hosts", 10, "127.0.0.1", 9 },
	};
	struct fs_seed rev[4];
	struct fs *fs = mkfs(BIG, 100), *fs2 = mkfs(BIG, 100);
	struct fs_dirent e1[8], e2[8];
	struct fs_dirpage p1, p2;
	size_t bad = 77;

	(void)state;
	assert_int_equal(fs_seed(fs, files, 4, 9, &bad), FS_OK);
	assert_int_equal(bad, 77);
	read_is(fs, look_ok(fs, "/etc/motd"), 0, 100, "hello", 5);
	read_is(fs, look_ok(fs, "/a/b/c/deep"), 0, 100, "deep!", 5);
	read_is(fs, look_ok(fs, "/etc/hosts"), 0, 100, "127.0.0.1", 9);
	assert_int_equal(stat_ok(fs, look_ok(fs, "/top")).size, 0);
	assert_int_equal(stat_ok(fs, look_ok(fs, "/a/b")).type, FS_DIR);
	assert_int_equal(stat_ok(fs, look_ok(fs, "/etc")).mtime_ns, 9);
	/* Given in the opposite order: the same tree, the same numbers. */
	for (int i = 0; i < 4; i++)
		rev[i] = files[3 - i];
	assert_int_equal(fs_seed(fs2, rev, 4, 9, &bad), FS_OK);
	assert_int_equal(fs_readdir(fs, look_ok(fs, "/"), 0, e1, 8, &p1), FS_OK);
	assert_int_equal(fs_readdir(fs2, look_ok(fs2, "/"), 0, e2, 8, &p2), FS_OK);
	assert_int_equal(p1.n, 3);
	assert_int_equal(p2.n, 3);
	for (size_t i = 0; i < p1.n; i++) {
		assert_string_equal(e1[i].name, e2[i].name);
		assert_int_equal(e1[i].handle, e2[i].handle);
	}
	assert_string_equal(e1[0].name, "a");
	assert_string_equal(e1[1].name, "etc");
	assert_string_equal(e1[2].name, "top");
	assert_int_equal(look_ok(fs, "/etc/hosts"), look_ok(fs2, "/etc/hosts"));
	/* Existing directories are used; nothing at all is fine. */
	assert_int_equal(fs_seed(fs, &(struct fs_seed){ "/etc/new", 8, "n", 1 }, 1, 10, &bad), FS_OK);
	assert_int_equal(fs_seed(fs, NULL, 0, 10, &bad), FS_OK);
	fs_free(fs);
	fs_free(fs2);
}

static void test_seed_errors(void **state)
{
	static const struct fs_seed clash[] = {
		{ "/a/b", 4, "x", 1 }, { "/a", 2, "y", 1 }, { "/c", 2, "z", 1 },
	};
	static const struct fs_seed dup[] = { { "/d", 2, "1", 1 }, { "/d", 2, "2", 1 } };
	static const struct fs_seed badpath[] = { { "/ok", 3, "", 0 }, { "/x/", 3, "", 0 } };
	static const struct fs_seed root[] = { { "/", 1, "", 0 } };
	static const struct fs_seed big[] = { { "/small", 6, "12345", 5 }, { "/t/big", 6, "123456", 6 } };
	struct fs *fs = mkfs(BIG, 100);
	uint64_t h;
	size_t bad;

	(void)state;
	/* "/a" sorts first and is a file, so "/a/b" (index 0) fails; "/c" is never made. */
	assert_int_equal(fs_seed(fs, clash, 3, 1, &bad), FS_ENOTDIR);
	assert_int_equal(bad, 0);
	read_is(fs, look_ok(fs, "/a"), 0, 10, "y", 1);
	assert_int_equal(look(fs, "/c", &h), FS_ENOENT);
	assert_int_equal(fs_seed(fs, dup, 2, 1, &bad), FS_EEXIST);
	assert_int_equal(bad, 1);
	read_is(fs, look_ok(fs, "/d"), 0, 10, "1", 1);
	assert_int_equal(fs_seed(fs, badpath, 2, 1, &bad), FS_EPATH);
	assert_int_equal(bad, 1);
	assert_int_equal(fs_seed(fs, root, 1, 1, &bad), FS_EEXIST);
	assert_int_equal(bad, 0);
	fs_free(fs);
	/* Out of space: the failing file is not left behind empty; its parent may be. */
	fs = mkfs(10, 100);
	assert_int_equal(fs_seed(fs, big, 2, 1, &bad), FS_ENOSPC);
	assert_int_equal(bad, 1);
	assert_int_equal(look(fs, "/t/big", &h), FS_ENOENT);
	assert_int_equal(fs_usage(fs).bytes, 5);
	fs_free(fs);
	fs = mkfs(BIG, 2);
	assert_int_equal(fs_seed(fs, clash + 2, 1, 1, &bad), FS_OK);
	assert_int_equal(fs_seed(fs, clash, 1, 1, &bad), FS_ENOSPC);
	fs_free(fs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_readdir_basic),
		cmocka_unit_test(test_readdir_concurrent_changes),
		cmocka_unit_test(test_readdir_remove_at_cookie),
		cmocka_unit_test(test_seed),
		cmocka_unit_test(test_seed_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
