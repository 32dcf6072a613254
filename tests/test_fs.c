/*
 * test_fs.c: unit tests for the file server's file system (servers/file/fs*.c):
 * errors, paths, files and directories, limits and handles. Directory
 * listings and seeding are in test_fs_dir.c, descriptors in test_fs_fd.c.
 *
 * The one idea: every answer the file system gives is checked against what
 * the contract in fs.h says, error by error, including the ones a path can
 * earn before anything is looked up; a removed file's handle must never
 * reach the file that reuses its inode.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "fs_fixture.h"

/* ---- errors, the root, paths ---- */

static void test_strerror(void **state)
{
	static const char *const want[FS_ERR_COUNT] = {
		"ok", "no such file", "exists", "not a directory", "is a directory", "not empty",
		"bad descriptor", "stale handle", "invalid path", "name too long", "no space",
		"too many open files", "invalid argument", "out of memory",
	};

	(void)state;
	for (int e = 0; e < FS_ERR_COUNT; e++)
		assert_string_equal(fs_strerror(e), want[e]);
	assert_string_equal(fs_strerror(-1), "unknown error");
	assert_string_equal(fs_strerror(FS_ERR_COUNT), "unknown error");
}

static void test_new_root(void **state)
{
	struct fs_limits zero = { 100, 0 }, huge = { 100, UINT32_MAX };
	struct fs *fs = fs_new(NULL);
	struct fs_stat st;

	(void)state;
	assert_non_null(fs);
	assert_int_equal(look_ok(fs, "/"), fs_handle(FS_ROOT_INO, 1));
	st = stat_ok(fs, fs_handle(FS_ROOT_INO, 1));
	assert_int_equal(st.type, FS_DIR);
	assert_int_equal(st.ino, 1);
	assert_int_equal(st.gen, 1);
	assert_int_equal(st.nlink, 2);
	assert_int_equal(st.size, 0);
	assert_int_equal(st.mtime_ns, 0);
	assert_int_equal(fs_usage(fs).inodes, 1);
	assert_int_equal(fs_usage(fs).bytes, 0);
	fs_free(fs);
	fs_free(NULL);
	assert_null(fs_new(&zero));
	assert_null(fs_new(&huge));
	assert_int_equal(fs_handle_ino(fs_handle(7, 9)), 7);
	assert_int_equal(fs_handle_gen(fs_handle(7, 9)), 9);
}

/* p is refused with err by every call that takes a path, whatever exists. */
static void path_refused(struct fs *fs, struct fs_fdtab *ft, const char *p, size_t len, int err)
{
	uint64_t h = 0;
	int fd = -1;

	assert_int_equal(fs_lookup(fs, p, len, &h), err);
	assert_int_equal(fs_create(fs, p, len, 5, &h), err);
	assert_int_equal(fs_mkdir(fs, p, len, 5, &h), err);
	assert_int_equal(fs_unlink(fs, p, len, 5), err);
	assert_int_equal(fs_fd_open(ft, 1, p, len, FS_O_READ | FS_O_WRITE | FS_O_CREATE, 5, &fd), err);
	assert_int_equal(fd, -1);
}

static void test_path_invalid(void **state)
{
	static const char *const bad[] = {
		"", "a", "a/b", "//", "/a/", "/a//b", "/.", "/..", "/./a", "/a/.", "/a/..",
		"/a/../a", "/x/../a", "/a/./b", "/a/b/", "/a/f/..", "///",
	};
	struct fs *fs = mkfs(BIG, 100);
	struct fs_fdtab *ft = fs_fdtab_new(fs, 0);
	char name64[66], long_path[300], long_rel[300];

	(void)state;
	assert_int_equal(mk(fs, "/a", 1, NULL), FS_OK);
	file(fs, "/a/f", "x");
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		path_refused(fs, ft, bad[i], strlen(bad[i]), FS_EPATH);
	path_refused(fs, ft, "/a\0b", 4, FS_EPATH);
	path_refused(fs, ft, "/a/f\0", 5, FS_EPATH);
	/* 64 bytes in one component; 256 bytes in all, of good components. */
	name64[0] = '/';
	memset(name64 + 1, 'n', 64);
	name64[65] = '\0';
	path_refused(fs, ft, name64, 65, FS_ENAMETOOLONG);
	for (int i = 0; i < 64; i++)
		memcpy(long_path + 4 * i, "/abc", 4);
	path_refused(fs, ft, long_path, 256, FS_ENAMETOOLONG);
	/* A relative path is invalid before it is long; a long one before a bad name. */
	memset(long_rel, 'r', sizeof long_rel);
	path_refused(fs, ft, long_rel, 300, FS_EPATH);
	memcpy(long_path, "/../", 4);
	path_refused(fs, ft, long_path, 256, FS_ENAMETOOLONG);
	/* The first fault from the left decides. */
	memset(name64, 'n', sizeof name64);
	memcpy(name64, "/./", 3);
	path_refused(fs, ft, name64, sizeof name64, FS_EPATH);
	memcpy(name64, "/n/./", 5);
	path_refused(fs, ft, name64, sizeof name64, FS_EPATH);
	assert_int_equal(fs_usage(fs).inodes, 3);
	fs_fdtab_free(ft);
	fs_free(fs);
}

static void test_path_edges_accepted(void **state)
{
	struct fs *fs = mkfs(BIG, 100);
	char name63[65], path255[256], dir[256];
	uint64_t h;

	(void)state;
	name63[0] = '/';
	memset(name63 + 1, 'n', 63);
	name63[64] = '\0';
	assert_int_equal(cr(fs, name63, 1, &h), FS_OK);
	assert_int_equal(look_ok(fs, name63), h);
	/* 63 directories "/abc" then "/x": exactly 255 bytes. */
	for (int i = 0; i < 63; i++) {
		memcpy(path255 + 4 * i, "/abc", 4);
		memcpy(dir, path255, 4 * (size_t)(i + 1));
		assert_int_equal(fs_mkdir(fs, dir, 4 * (size_t)(i + 1), 1, NULL), FS_OK);
	}
	memcpy(path255 + 252, "/xy", 3);
	assert_int_equal(fs_create(fs, path255, 255, 1, &h), FS_OK);
	assert_int_equal(fs_lookup(fs, path255, 255, &h), FS_OK);
	/* Dots inside names, spaces and UTF-8 are ordinary bytes. */
	assert_int_equal(cr(fs, "/...", 1, NULL), FS_OK);
	assert_int_equal(cr(fs, "/.hidden", 1, NULL), FS_OK);
	assert_int_equal(cr(fs, "/a.", 1, NULL), FS_OK);
	assert_int_equal(cr(fs, "/ ", 1, NULL), FS_OK);
	assert_int_equal(cr(fs, "/caf\xc3\xa9", 1, NULL), FS_OK);
	look_ok(fs, "/...");
	look_ok(fs, "/caf\xc3\xa9");
	fs_free(fs);
}

/* ---- create, mkdir, lookup, unlink ---- */

static void test_lookup_errors(void **state)
{
	struct fs *fs = mkfs(BIG, 100);
	uint64_t h = 77;

	(void)state;
	assert_int_equal(mk(fs, "/d", 1, NULL), FS_OK);
	file(fs, "/d/f", "x");
	assert_int_equal(look(fs, "/nope", &h), FS_ENOENT);
	assert_int_equal(look(fs, "/nope/f", &h), FS_ENOENT);
	assert_int_equal(look(fs, "/d/nope", &h), FS_ENOENT);
	assert_int_equal(look(fs, "/d/f/x", &h), FS_ENOTDIR);
	assert_int_equal(look(fs, "/d/f/x/y", &h), FS_ENOTDIR);
	assert_int_equal(h, 77);
	assert_int_equal(stat_ok(fs, look_ok(fs, "/d/f")).type, FS_FILE);
	assert_int_equal(stat_ok(fs, look_ok(fs, "/d")).type, FS_DIR);
	fs_free(fs);
}

static void test_create_mkdir(void **state)
{
	struct fs *fs = mkfs(BIG, 100);
	uint64_t root = fs_handle(FS_ROOT_INO, 1), f, d;
	struct fs_stat st;

	(void)state;
	assert_int_equal(cr(fs, "/f", 100, &f), FS_OK);
	assert_int_equal(f, fs_handle(2, 1));
	st = stat_ok(fs, f);
	assert_int_equal(st.type, FS_FILE);
	assert_int_equal(st.nlink, 1);
	assert_int_equal(st.size, 0);
	assert_int_equal(st.mtime_ns, 100);
	assert_int_equal(stat_ok(fs, root).mtime_ns, 100);
	assert_int_equal(mk(fs, "/d", 200, &d), FS_OK);
	assert_int_equal(d, fs_handle(3, 1));
	assert_int_equal(stat_ok(fs, d).nlink, 2);
	assert_int_equal(stat_ok(fs, root).nlink, 3);
	assert_int_equal(stat_ok(fs, root).size, 2);
	assert_int_equal(stat_ok(fs, root).mtime_ns, 200);
	assert_int_equal(mk(fs, "/d/e", 300, NULL), FS_OK);
	assert_int_equal(stat_ok(fs, d).nlink, 3);
	assert_int_equal(stat_ok(fs, d).mtime_ns, 300);
	assert_int_equal(stat_ok(fs, root).mtime_ns, 200);
	/* Whatever is there, file or directory, the root too. */
	assert_int_equal(cr(fs, "/f", 400, NULL), FS_EEXIST);
	assert_int_equal(cr(fs, "/d", 400, NULL), FS_EEXIST);
	assert_int_equal(mk(fs, "/f", 400, NULL), FS_EEXIST);
	assert_int_equal(mk(fs, "/d", 400, NULL), FS_EEXIST);
	assert_int_equal(cr(fs, "/", 400, NULL), FS_EEXIST);
	assert_int_equal(mk(fs, "/", 400, NULL), FS_EEXIST);
	assert_int_equal(cr(fs, "/no/f", 400, NULL), FS_ENOENT);
	assert_int_equal(mk(fs, "/no/d", 400, NULL), FS_ENOENT);
	assert_int_equal(cr(fs, "/f/g", 400, NULL), FS_ENOTDIR);
	assert_int_equal(mk(fs, "/f/g", 400, NULL), FS_ENOTDIR);
	assert_int_equal(stat_ok(fs, root).mtime_ns, 200);
	assert_int_equal(fs_usage(fs).inodes, 4);
	fs_free(fs);
}

static void test_unlink(void **state)
{
	struct fs *fs = mkfs(BIG, 100);
	uint64_t root = fs_handle(FS_ROOT_INO, 1), h;

	(void)state;
	assert_int_equal(mk(fs, "/d", 1, NULL), FS_OK);
	assert_int_equal(mk(fs, "/d/e", 1, NULL), FS_OK);
	file(fs, "/d/e/f", "hello");
	assert_int_equal(fs_usage(fs).bytes, 5);
	assert_int_equal(fs_usage(fs).inodes, 4);
	assert_int_equal(rm(fs, "/d", 2), FS_ENOTEMPTY);
	assert_int_equal(rm(fs, "/d/e", 2), FS_ENOTEMPTY);
	assert_int_equal(rm(fs, "/d/e/f/g", 2), FS_ENOTDIR);
	assert_int_equal(rm(fs, "/d/e/nope", 2), FS_ENOENT);
	assert_int_equal(rm(fs, "/nope/x", 2), FS_ENOENT);
	assert_int_equal(rm(fs, "/", 2), FS_EINVAL);
	assert_int_equal(rm(fs, "/d/e/f", 50), FS_OK);
	assert_int_equal(look(fs, "/d/e/f", &h), FS_ENOENT);
	assert_int_equal(fs_usage(fs).bytes, 0);
	assert_int_equal(fs_usage(fs).inodes, 3);
	assert_int_equal(stat_ok(fs, look_ok(fs, "/d/e")).mtime_ns, 50);
	assert_int_equal(stat_ok(fs, look_ok(fs, "/d")).nlink, 3);
	assert_int_equal(rm(fs, "/d/e", 60), FS_OK);
	assert_int_equal(stat_ok(fs, look_ok(fs, "/d")).nlink, 2);
	assert_int_equal(stat_ok(fs, look_ok(fs, "/d")).mtime_ns, 60);
	assert_int_equal(rm(fs, "/d", 70), FS_OK);
	assert_int_equal(stat_ok(fs, root).nlink, 2);
	assert_int_equal(stat_ok(fs, root).size, 0);
	assert_int_equal(stat_ok(fs, root).mtime_ns, 70);
	assert_int_equal(rm(fs, "/d", 80), FS_ENOENT);
	assert_int_equal(fs_usage(fs).inodes, 1);
	fs_free(fs);
}

/* ---- file data ---- */

static void test_read_write(void **state)
{
	struct fs *fs = mkfs(BIG, 100);
	uint64_t h, d;
	char buf[8];
	size_t got = 99;

	(void)state;
	assert_int_equal(cr(fs, "/f", 1, &h), FS_OK);
	read_is(fs, h, 0, 10, "", 0);
	assert_int_equal(fs_write(fs, h, 0, "hello world", 11, 10), FS_OK);
	assert_int_equal(stat_ok(fs, h).size, 11);
	assert_int_equal(stat_ok(fs, h).mtime_ns, 10);
	read_is(fs, h, 0, 100, "hello world", 11);
	read_is(fs, h, 6, 3, "wor", 3);
	read_is(fs, h, 10, 5, "d", 1);
	read_is(fs, h, 11, 5, "", 0);
	read_is(fs, h, UINT64_MAX, 5, "", 0);
	read_is(fs, h, 3, 0, "", 0);
	assert_int_equal(fs_write(fs, h, 6, "W", 1, 20), FS_OK);
	read_is(fs, h, 0, 100, "hello World", 11);
	assert_int_equal(fs_write(fs, h, 9, "LDS!", 4, 30), FS_OK);
	read_is(fs, h, 0, 100, "hello WorLDS!", 13);
	assert_int_equal(fs_usage(fs).bytes, 13);
	/* Writing nothing changes nothing, not even the time. */
	assert_int_equal(fs_write(fs, h, 1000, "", 0, 40), FS_OK);
	assert_int_equal(stat_ok(fs, h).size, 13);
	assert_int_equal(stat_ok(fs, h).mtime_ns, 30);
	assert_int_equal(mk(fs, "/d", 1, &d), FS_OK);
	assert_int_equal(fs_read(fs, d, 0, buf, sizeof buf, &got), FS_EISDIR);
	assert_int_equal(got, 0);
	assert_int_equal(fs_write(fs, d, 0, "x", 1, 50), FS_EISDIR);
	assert_int_equal(fs_truncate(fs, d, 0, 50), FS_EISDIR);
	fs_free(fs);
}

static void test_holes(void **state)
{
	struct fs *fs = mkfs(BIG, 100);
	static const char want[] = "\0\0\0\0\0\0\0\0\0\0ab";
	uint64_t h;

	(void)state;
	assert_int_equal(cr(fs, "/f", 1, &h), FS_OK);
	assert_int_equal(fs_write(fs, h, 10, "ab", 2, 2), FS_OK);
	assert_int_equal(stat_ok(fs, h).size, 12);
	read_is(fs, h, 0, 100, want, 12);
	assert_int_equal(fs_usage(fs).bytes, 12);   /* holes take space */
	/* Old bytes cut off by a truncate come back as zeros, not as they were. */
	assert_int_equal(fs_write(fs, h, 0, "abcdef", 6, 3), FS_OK);
	assert_int_equal(fs_truncate(fs, h, 2, 4), FS_OK);
	assert_int_equal(stat_ok(fs, h).mtime_ns, 4);
	read_is(fs, h, 0, 100, "ab", 2);
	assert_int_equal(fs_usage(fs).bytes, 2);
	assert_int_equal(fs_truncate(fs, h, 6, 5), FS_OK);
	read_is(fs, h, 0, 100, "ab\0\0\0\0", 6);
	assert_int_equal(fs_write(fs, h, 8, "z", 1, 6), FS_OK);
	read_is(fs, h, 0, 100, "ab\0\0\0\0\0\0z", 9);
	assert_int_equal(fs_truncate(fs, h, 0, 7), FS_OK);
	read_is(fs, h, 0, 100, "", 0);
	assert_int_equal(fs_usage(fs).bytes, 0);
	fs_free(fs);
}

/* Many small appends: the data grows through several reallocations. */
static void test_grow_many(void **state)
{
	struct fs *fs = mkfs(BIG, 100);
	uint64_t h;
	char b;

	(void)state;
	assert_int_equal(cr(fs, "/f", 1, &h), FS_OK);
	for (int i = 0; i < 5000; i++) {
		b = (char)('a' + i % 26);
		assert_int_equal(fs_write(fs, h, (uint64_t)i, &b, 1, 1), FS_OK);
	}
	for (int i = 0; i < 5000; i += 499) {
		b = (char)('a' + i % 26);
		read_is(fs, h, (uint64_t)i, 1, &b, 1);
	}
	assert_int_equal(stat_ok(fs, h).size, 5000);
	fs_free(fs);
}

/* ---- limits ---- */

static void test_no_space_bytes(void **state)
{
	struct fs *fs = mkfs(100, 100);
	uint64_t a, b;

	(void)state;
	assert_int_equal(cr(fs, "/a", 1, &a), FS_OK);
	assert_int_equal(cr(fs, "/b", 1, &b), FS_OK);
	assert_int_equal(fs_write(fs, a, 0, "0123456789", 10, 1), FS_OK);
	assert_int_equal(fs_truncate(fs, b, 90, 1), FS_OK);
	assert_int_equal(fs_usage(fs).bytes, 100);
	/* Full: growing fails whole, and changes nothing; overwriting still works. */
	assert_int_equal(fs_write(fs, a, 8, "abc", 3, 9), FS_ENOSPC);
	assert_int_equal(fs_truncate(fs, b, 91, 9), FS_ENOSPC);
	assert_int_equal(fs_write(fs, a, 200, "x", 1, 9), FS_ENOSPC);
	read_is(fs, a, 0, 100, "0123456789", 10);
	assert_int_equal(stat_ok(fs, a).mtime_ns, 1);
	assert_int_equal(stat_ok(fs, b).size, 90);
	assert_int_equal(fs_write(fs, a, 7, "abc", 3, 9), FS_OK);
	read_is(fs, a, 0, 100, "0123456abc", 10);
	/* Removing a file gives its bytes back. */
	assert_int_equal(rm(fs, "/b", 10), FS_OK);
	assert_int_equal(fs_usage(fs).bytes, 10);
	assert_int_equal(fs_write(fs, a, 99, "z", 1, 11), FS_OK);
	assert_int_equal(fs_usage(fs).bytes, 100);
	/* An end past 2^64 is no space, whatever the limit. */
	fs_free(fs);
	fs = mkfs(UINT64_MAX, 100);
	assert_int_equal(cr(fs, "/a", 1, &a), FS_OK);
	assert_int_equal(fs_write(fs, a, UINT64_MAX, "x", 1, 2), FS_ENOSPC);
	assert_int_equal(fs_write(fs, a, UINT64_MAX - 1, "xy", 2, 2), FS_ENOSPC);
	assert_int_equal(stat_ok(fs, a).size, 0);
	fs_free(fs);
}

static void test_no_space_inodes(void **state)
{
	struct fs *fs = mkfs(BIG, 3);
	uint64_t h;

	(void)state;
	assert_int_equal(cr(fs, "/a", 1, NULL), FS_OK);
	assert_int_equal(mk(fs, "/d", 1, NULL), FS_OK);
	assert_int_equal(cr(fs, "/b", 1, NULL), FS_ENOSPC);
	assert_int_equal(mk(fs, "/e", 1, NULL), FS_ENOSPC);
	assert_int_equal(cr(fs, "/d/b", 1, NULL), FS_ENOSPC);
	assert_int_equal(look(fs, "/b", &h), FS_ENOENT);
	assert_int_equal(stat_ok(fs, look_ok(fs, "/d")).size, 0);
	assert_int_equal(rm(fs, "/a", 2), FS_OK);
	assert_int_equal(cr(fs, "/d/b", 3, NULL), FS_OK);
	assert_int_equal(fs_usage(fs).inodes, 3);
	fs_free(fs);
	fs = mkfs(BIG, 1);   /* only the root */
	assert_int_equal(cr(fs, "/a", 1, NULL), FS_ENOSPC);
	fs_free(fs);
}

static void test_default_limits(void **state)
{
	struct fs *fs = fs_new(NULL);
	char p[32];
	uint64_t h;

	(void)state;
	for (int i = 1; i < FS_DEFAULT_MAX_INODES; i++) {
		snprintf(p, sizeof p, "/f%d", i);
		assert_int_equal(cr(fs, p, 1, i == 1 ? &h : NULL), FS_OK);
	}
	assert_int_equal(cr(fs, "/one-more", 1, NULL), FS_ENOSPC);
	assert_int_equal(fs_truncate(fs, h, FS_DEFAULT_MAX_BYTES, 1), FS_OK);
	assert_int_equal(fs_truncate(fs, h, FS_DEFAULT_MAX_BYTES + 1ull, 1), FS_ENOSPC);
	fs_free(fs);
}

/* ---- handles ---- */

static void test_stale_handles(void **state)
{
	struct fs *fs = mkfs(BIG, 100);
	uint64_t a, b, d, d2;
	struct fs_stat st;
	struct fs_dirent ent[2];
	struct fs_dirpage pg;
	char buf[4];
	size_t got;

	(void)state;
	a = file(fs, "/a", "old");
	assert_int_equal(a, fs_handle(2, 1));
	assert_int_equal(rm(fs, "/a", 2), FS_OK);
	b = file(fs, "/b", "new");
	assert_int_equal(fs_handle_ino(b), 2);   /* the slot is reused ... */
	assert_int_equal(fs_handle_gen(b), 2);   /* ... with a new generation */
	assert_int_equal(fs_read(fs, a, 0, buf, sizeof buf, &got), FS_ESTALE);
	assert_int_equal(got, 0);
	assert_int_equal(fs_write(fs, a, 0, "X", 1, 3), FS_ESTALE);
	assert_int_equal(fs_truncate(fs, a, 0, 3), FS_ESTALE);
	assert_int_equal(fs_stat(fs, a, &st), FS_ESTALE);
	assert_int_equal(fs_readdir(fs, a, 0, ent, 2, &pg), FS_ESTALE);
	read_is(fs, b, 0, 10, "new", 3);
	/* A directory removed and its slot reused as a directory. */
	assert_int_equal(mk(fs, "/d", 4, &d), FS_OK);
	assert_int_equal(rm(fs, "/d", 5), FS_OK);
	assert_int_equal(mk(fs, "/d", 6, &d2), FS_OK);
	assert_int_equal(fs_handle_ino(d2), fs_handle_ino(d));
	assert_int_equal(fs_readdir(fs, d, 0, ent, 2, &pg), FS_ESTALE);
	assert_int_equal(fs_readdir(fs, d2, 0, ent, 2, &pg), FS_OK);
	/* Made-up handles: inode 0, never allocated, free, wrong generation. */
	assert_int_equal(fs_stat(fs, 0, &st), FS_ESTALE);
	assert_int_equal(fs_stat(fs, fs_handle(0, 1), &st), FS_ESTALE);
	assert_int_equal(fs_stat(fs, fs_handle(99, 1), &st), FS_ESTALE);
	assert_int_equal(fs_stat(fs, fs_handle(UINT32_MAX, 1), &st), FS_ESTALE);
	assert_int_equal(fs_stat(fs, fs_handle(FS_ROOT_INO, 2), &st), FS_ESTALE);
	assert_int_equal(fs_stat(fs, fs_handle(FS_ROOT_INO, 0), &st), FS_ESTALE);
	assert_int_equal(rm(fs, "/b", 7), FS_OK);
	assert_int_equal(fs_stat(fs, b, &st), FS_ESTALE);
	fs_free(fs);
}

/* Free inode numbers are reused lowest first, so numbering depends on the
 * calls alone. */
static void test_inode_reuse_order(void **state)
{
	struct fs *fs = mkfs(BIG, 100);
	uint64_t h;

	(void)state;
	assert_int_equal(cr(fs, "/a", 1, NULL), FS_OK);   /* 2 */
	assert_int_equal(cr(fs, "/b", 1, NULL), FS_OK);   /* 3 */
	assert_int_equal(cr(fs, "/c", 1, NULL), FS_OK);   /* 4 */
	assert_int_equal(rm(fs, "/c", 1), FS_OK);
	assert_int_equal(rm(fs, "/a", 1), FS_OK);
	assert_int_equal(cr(fs, "/x", 1, &h), FS_OK);
	assert_int_equal(h, fs_handle(2, 2));
	assert_int_equal(cr(fs, "/y", 1, &h), FS_OK);
	assert_int_equal(h, fs_handle(4, 2));
	assert_int_equal(cr(fs, "/z", 1, &h), FS_OK);
	assert_int_equal(h, fs_handle(5, 1));
	fs_free(fs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strerror),
		cmocka_unit_test(test_new_root),
		cmocka_unit_test(test_path_invalid),
		cmocka_unit_test(test_path_edges_accepted),
		cmocka_unit_test(test_lookup_errors),
		cmocka_unit_test(test_create_mkdir),
		cmocka_unit_test(test_unlink),
		cmocka_unit_test(test_read_write),
		cmocka_unit_test(test_holes),
		cmocka_unit_test(test_grow_many),
		cmocka_unit_test(test_no_space_bytes),
		cmocka_unit_test(test_no_space_inodes),
		cmocka_unit_test(test_default_limits),
		cmocka_unit_test(test_stale_handles),
		cmocka_unit_test(test_inode_reuse_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
