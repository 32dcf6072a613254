/*
 * fs_fixture.h - what the file system tests (test_fs.c, test_fs_dir.c,
 * test_fs_fd.c) share: the path calls on C strings, and checks that fail the
 * test on an unexpected answer.
 */
#ifndef UKERN_TESTS_FS_FIXTURE_H
#define UKERN_TESTS_FS_FIXTURE_H

#include <stddef.h>
#include <stdint.h>

#include "file/fs.h"

#define BIG 1000000   /* a byte limit no test reaches */

/* A file system with these limits. */
struct fs *mkfs(uint64_t bytes, uint32_t inodes);

/* fs_create, fs_mkdir, fs_unlink and fs_lookup on a C string. */
int cr(struct fs *fs, const char *p, uint64_t now, uint64_t *h);
int mk(struct fs *fs, const char *p, uint64_t now, uint64_t *h);
int rm(struct fs *fs, const char *p, uint64_t now);
int look(struct fs *fs, const char *p, uint64_t *h);

/* The handle at p, which must exist. */
uint64_t look_ok(struct fs *fs, const char *p);

/* A new file at p holding the string data (at time 1); its handle. */
uint64_t file(struct fs *fs, const char *p, const char *data);

/* Reading count bytes at off gives exactly the n bytes at want. */
void read_is(struct fs *fs, uint64_t h, uint64_t off, size_t count, const void *want, size_t n);

/* fs_stat, which must succeed. */
struct fs_stat stat_ok(struct fs *fs, uint64_t h);

#endif
