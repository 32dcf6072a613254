/*
 * test_fs_fd.c: unit tests for the stateful mode of the file system: the
 * per-client descriptor tables (servers/file/fs_fd.c).
 *
 * The one idea: a descriptor is private to its client, moves its own offset,
 * and is lost with the table: after a crash (a new table) it is "bad
 * descriptor", after an unlink "stale handle", while the files and their
 * handles live on.
 */
#include <stdint.h>
#include <string.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "fs_fixture.h"

/* ---- descriptors (stateful mode) ---- */

static int op(struct fs_fdtab *ft, uint32_t pid, const char *p, uint32_t flags, int *fd)
{
	return fs_fd_open(ft, pid, p, strlen(p), flags, 1, fd);
}

static int op_ok(struct fs_fdtab *ft, uint32_t pid, const char *p, uint32_t flags)
{
	int fd = -1;

	assert_int_equal(op(ft, pid, p, flags, &fd), FS_OK);
	return fd;
}

static void fd_read_is(struct fs_fdtab *ft, uint32_t pid, int fd, size_t count, const char *want)
{
	char buf[64];
	size_t got = 999;

	assert_int_equal(fs_fd_read(ft, pid, fd, buf, count, &got), FS_OK);
	assert_int_equal(got, strlen(want));
	assert_memory_equal(buf, want, got);
}

static void test_fd_open_flags(void **state)
{
	static const uint32_t bad[] = {
		0, FS_O_CREATE, FS_O_TRUNC, FS_O_APPEND, FS_O_READ | FS_O_TRUNC,
		FS_O_READ | FS_O_APPEND, FS_O_READ | (1u << 5), FS_O_WRITE | 0x80000000u,
	};
	struct fs *fs = mkfs(BIG, 100);
	struct fs_fdtab *ft = fs_fdtab_new(fs, 0);
	uint64_t h;
	int fd = -1;

	(void)state;
	file(fs, "/f", "abc");
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(op(ft, 1, "/f", bad[i], &fd), FS_EINVAL);
	assert_int_equal(op(ft, 1, "/new", FS_O_WRITE | FS_O_CREATE | FS_O_APPEND, &fd), FS_OK);
	assert_int_equal(fd, FS_FD_FIRST);
	assert_int_equal(op(ft, 1, "/nope", FS_O_READ, &fd), FS_ENOENT);
	assert_int_equal(op(ft, 1, "/", FS_O_READ, &fd), FS_EISDIR);
	assert_int_equal(op(ft, 1, "/nope/x", FS_O_READ | FS_O_CREATE, &fd), FS_ENOENT);
	assert_int_equal(op(ft, 1, "/f/x", FS_O_READ | FS_O_CREATE, &fd), FS_ENOTDIR);
	assert_int_equal(op(ft, 1, "/f/", FS_O_READ, &fd), FS_EPATH);
	assert_int_equal(fs_fd_count(ft, 1), 1);
	/* CREATE opens an existing file as it is; TRUNC empties it. */
	fd = op_ok(ft, 1, "/f", FS_O_READ | FS_O_CREATE);
	fd_read_is(ft, 1, fd, 10, "abc");
	fd = op_ok(ft, 1, "/f", FS_O_WRITE | FS_O_TRUNC);
	assert_int_equal(look(fs, "/f", &h), FS_OK);
	assert_int_equal(stat_ok(fs, h).size, 0);
	/* A failed open leaves no client entry behind. */
	assert_int_equal(op(ft, 9, "/nope", FS_O_READ, &fd), FS_ENOENT);
	assert_int_equal(fs_fd_count(ft, 9), 0);
	assert_int_equal(fs_fd_close_all(ft, 9), 0);
	fs_fdtab_free(ft);
	fs_free(fs);
}

static void test_fd_read_write(void **state)
{
	struct fs *fs = mkfs(BIG, 100);
	struct fs_fdtab *ft = fs_fdtab_new(fs, 0);
	int r, w, a;
	char buf[8];
	size_t got = 5;

	(void)state;
	w = op_ok(ft, 1, "/f", FS_O_WRITE | FS_O_CREATE);
	r = op_ok(ft, 1, "/f", FS_O_READ);
	a = op_ok(ft, 1, "/f", FS_O_WRITE | FS_O_APPEND);
	assert_int_equal(w, 3);
	assert_int_equal(r, 4);
	assert_int_equal(a, 5);
	assert_int_equal(fs_fd_write(ft, 1, w, "hello", 5, 2), FS_OK);
	assert_int_equal(fs_fd_write(ft, 1, w, " you", 4, 2), FS_OK);
	fd_read_is(ft, 1, r, 4, "hell");
	fd_read_is(ft, 1, r, 4, "o yo");
	fd_read_is(ft, 1, r, 4, "u");
	fd_read_is(ft, 1, r, 4, "");
	/* APPEND writes at the end as it is at each write, past what w wrote
	 * meanwhile; w keeps its own offset, so it overwrites the "!". */
	assert_int_equal(fs_fd_write(ft, 1, a, "!", 1, 3), FS_OK);
	assert_int_equal(fs_fd_write(ft, 1, w, "ZZ", 2, 3), FS_OK);
	assert_int_equal(fs_fd_write(ft, 1, a, "?", 1, 3), FS_OK);
	fd_read_is(ft, 1, r, 8, "ZZ?");
	fd_read_is(ft, 1, op_ok(ft, 1, "/f", FS_O_READ), 20, "hello youZZ?");
	/* The wrong access, and numbers that are not open. */
	assert_int_equal(fs_fd_read(ft, 1, w, buf, sizeof buf, &got), FS_EBADF);
	assert_int_equal(got, 0);
	assert_int_equal(fs_fd_write(ft, 1, r, "x", 1, 4), FS_EBADF);
	for (int fd = -1; fd < FS_FD_FIRST; fd++)
		assert_int_equal(fs_fd_read(ft, 1, fd, buf, sizeof buf, &got), FS_EBADF);
	assert_int_equal(fs_fd_read(ft, 1, 99, buf, sizeof buf, &got), FS_EBADF);
	assert_int_equal(fs_fd_write(ft, 1, 1000000, "x", 1, 4), FS_EBADF);
	/* Descriptors are per client: client 2 has no descriptor 3. */
	assert_int_equal(fs_fd_read(ft, 2, r, buf, sizeof buf, &got), FS_EBADF);
	assert_int_equal(fs_fd_close(ft, 2, r), FS_EBADF);
	assert_int_equal(op_ok(ft, 2, "/f", FS_O_READ), FS_FD_FIRST);
	/* Closed is closed; the lowest number is handed out again. */
	assert_int_equal(fs_fd_close(ft, 1, r), FS_OK);
	assert_int_equal(fs_fd_close(ft, 1, r), FS_EBADF);
	assert_int_equal(fs_fd_read(ft, 1, r, buf, sizeof buf, &got), FS_EBADF);
	assert_int_equal(op_ok(ft, 1, "/f", FS_O_READ), r);
	assert_int_equal(fs_fd_count(ft, 1), 4);
	fs_fdtab_free(ft);
	fs_free(fs);
}

static void test_fd_close_all(void **state)
{
	struct fs *fs = mkfs(BIG, 100);
	struct fs_fdtab *ft = fs_fdtab_new(fs, 0);
	char buf[4];
	size_t got;

	(void)state;
	file(fs, "/f", "x");
	for (int i = 0; i < 3; i++)
		op_ok(ft, 7, "/f", FS_O_READ);
	op_ok(ft, 3, "/f", FS_O_READ);
	op_ok(ft, 12, "/f", FS_O_READ);
	assert_int_equal(fs_fd_close_all(ft, 7), 3);
	assert_int_equal(fs_fd_count(ft, 7), 0);
	for (int fd = 3; fd < 6; fd++)
		assert_int_equal(fs_fd_read(ft, 7, fd, buf, sizeof buf, &got), FS_EBADF);
	assert_int_equal(fs_fd_close_all(ft, 7), 0);
	assert_int_equal(fs_fd_count(ft, 3), 1);
	assert_int_equal(fs_fd_count(ft, 12), 1);
	fd_read_is(ft, 3, 3, 4, "x");
	fd_read_is(ft, 12, 3, 4, "x");
	assert_int_equal(op_ok(ft, 7, "/f", FS_O_READ), FS_FD_FIRST);
	fs_fdtab_free(ft);
	fs_free(fs);
}

static void test_fd_too_many(void **state)
{
	struct fs *fs = mkfs(BIG, 100);
	struct fs_fdtab *ft = fs_fdtab_new(fs, 2);
	uint64_t h;
	int fd = -1;

	(void)state;
	file(fs, "/f", "x");
	assert_int_equal(op_ok(ft, 1, "/f", FS_O_READ), 3);
	assert_int_equal(op_ok(ft, 1, "/f", FS_O_READ), 4);
	assert_int_equal(op(ft, 1, "/f", FS_O_READ, &fd), FS_EMFILE);
	assert_int_equal(op(ft, 1, "/g", FS_O_WRITE | FS_O_CREATE, &fd), FS_EMFILE);
	assert_int_equal(look(fs, "/g", &h), FS_ENOENT);   /* checked before creating */
	assert_int_equal(op(ft, 1, "bad", FS_O_READ, &fd), FS_EMFILE);
	assert_int_equal(op(ft, 1, "/f", 0, &fd), FS_EINVAL);
	assert_int_equal(op_ok(ft, 2, "/f", FS_O_READ), 3);   /* the limit is per client */
	assert_int_equal(fs_fd_close(ft, 1, 3), FS_OK);
	assert_int_equal(op_ok(ft, 1, "/f", FS_O_READ), 3);
	fs_fdtab_free(ft);
	/* 0 means the default; a bound past the int descriptors is refused. */
	ft = fs_fdtab_new(fs, 0);
	for (int i = 0; i < FS_DEFAULT_MAX_OPEN; i++)
		assert_int_equal(op_ok(ft, 1, "/f", FS_O_READ), FS_FD_FIRST + i);
	assert_int_equal(op(ft, 1, "/f", FS_O_READ, &fd), FS_EMFILE);
	fs_fdtab_free(ft);
	assert_null(fs_fdtab_new(fs, INT32_MAX));
	ft = fs_fdtab_new(fs, 1);
	assert_int_equal(op_ok(ft, 1, "/f", FS_O_READ), 3);
	assert_int_equal(op(ft, 1, "/f", FS_O_READ, &fd), FS_EMFILE);
	fs_fdtab_free(ft);
	fs_fdtab_free(NULL);
	fs_free(fs);
}

/* A descriptor to a removed file finds its handle stale, even once the
 * inode is reused, and can still be closed. */
static void test_fd_unlinked(void **state)
{
	struct fs *fs = mkfs(BIG, 100);
	struct fs_fdtab *ft = fs_fdtab_new(fs, 0);
	char buf[4];
	size_t got;
	int r, a;

	(void)state;
	file(fs, "/f", "old");
	r = op_ok(ft, 1, "/f", FS_O_READ);
	a = op_ok(ft, 1, "/f", FS_O_WRITE | FS_O_APPEND);
	assert_int_equal(rm(fs, "/f", 2), FS_OK);
	file(fs, "/g", "new");
	assert_int_equal(fs_fd_read(ft, 1, r, buf, sizeof buf, &got), FS_ESTALE);
	assert_int_equal(fs_fd_write(ft, 1, a, "x", 1, 3), FS_ESTALE);
	read_is(fs, look_ok(fs, "/g"), 0, 10, "new", 3);
	assert_int_equal(fs_fd_close(ft, 1, r), FS_OK);
	assert_int_equal(fs_fd_close(ft, 1, a), FS_OK);
	fs_fdtab_free(ft);
	fs_free(fs);
}

/* A crash loses the descriptor table, not the files: descriptors are "bad
 * descriptor" in the new table, handles still work. */
static void test_fd_crash(void **state)
{
	struct fs *fs = mkfs(BIG, 100);
	struct fs_fdtab *ft = fs_fdtab_new(fs, 0);
	uint64_t h = file(fs, "/f", "kept");
	char buf[8];
	size_t got;
	int fd;

	(void)state;
	fd = op_ok(ft, 1, "/f", FS_O_READ | FS_O_WRITE);
	assert_int_equal(fs_fd_write(ft, 1, fd, "KE", 2, 2), FS_OK);
	fs_fdtab_free(ft);
	ft = fs_fdtab_new(fs, 0);
	assert_int_equal(fs_fd_read(ft, 1, fd, buf, sizeof buf, &got), FS_EBADF);
	assert_int_equal(fs_fd_close(ft, 1, fd), FS_EBADF);
	read_is(fs, h, 0, 10, "KEpt", 4);
	fs_fdtab_free(ft);
	fs_free(fs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fd_open_flags),
		cmocka_unit_test(test_fd_read_write),
		cmocka_unit_test(test_fd_close_all),
		cmocka_unit_test(test_fd_too_many),
		cmocka_unit_test(test_fd_unlinked),
		cmocka_unit_test(test_fd_crash),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
