/*
 * fs_fixture.c - the helpers of fs_fixture.h.
 */
#include <stdint.h>
#include <string.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "fs_fixture.h"

struct fs *mkfs(uint64_t bytes, uint32_t inodes)
{
	struct fs_limits lim = { bytes, inodes };
	struct fs *fs = fs_new(&lim);

	assert_non_null(fs);
	return fs;
}

int cr(struct fs *fs, const char *p, uint64_t now, uint64_t *h)
{
	return fs_create(fs, p, strlen(p), now, h);
}

int mk(struct fs *fs, const char *p, uint64_t now, uint64_t *h)
{
	return fs_mkdir(fs, p, strlen(p), now, h);
}

int rm(struct fs *fs, const char *p, uint64_t now)
{
	return fs_unlink(fs, p, strlen(p), now);
}

int look(struct fs *fs, const char *p, uint64_t *h)
{
	return fs_lookup(fs, p, strlen(p), h);
}

uint64_t look_ok(struct fs *fs, const char *p)
{
	uint64_t h = 0;

	assert_int_equal(look(fs, p, &h), FS_OK);
	return h;
}

uint64_t file(struct fs *fs, const char *p, const char *data)
{
	uint64_t h = 0;

	assert_int_equal(cr(fs, p, 1, &h), FS_OK);
	assert_int_equal(fs_write(fs, h, 0, data, strlen(data), 1), FS_OK);
	return h;
}

void read_is(struct fs *fs, uint64_t h, uint64_t off, size_t count, const void *want, size_t n)
{
	char buf[512];
	size_t got = 12345;

	assert_true(count <= sizeof buf);
	assert_int_equal(fs_read(fs, h, off, buf, count, &got), FS_OK);
	assert_int_equal(got, n);
	assert_memory_equal(buf, want, n);
}

struct fs_stat stat_ok(struct fs *fs, uint64_t h)
{
	struct fs_stat st;

	assert_int_equal(fs_stat(fs, h, &st), FS_OK);
	return st;
}
