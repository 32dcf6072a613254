/*
 * fs_impl.h - the file system's private structures, shared by fs.c (inodes
 * and file data), fs_dir.c (paths and directories) and fs_fd.c (descriptor
 * tables). Nothing outside servers/file/fs*.c includes it.
 */
#ifndef UKERN_FS_IMPL_H
#define UKERN_FS_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "file/fs.h"

#define FS_FREE 0   /* the type of an unused inode slot */

/* One name in a directory. */
struct fs_ent {
	uint64_t seq;                  /* the directory's sequence number at insertion: the cookie */
	uint32_t ino;
	uint32_t len;                  /* bytes of name */
	char name[FS_NAME_MAX + 1];    /* NUL-terminated */
};

/* An inode: a file's bytes or a directory's entries. Changed only through
 * fs.c and fs_dir.c. */
struct fs_inode {
	uint32_t type;          /* enum fs_type, or FS_FREE */
	uint32_t gen;           /* bumped each time the slot is allocated; kept while free */
	uint32_t nlink;         /* a file 1; a directory 2 + subdirectories */
	uint64_t mtime_ns;      /* virtual ns */
	uint64_t size;          /* files: bytes of data */
	uint8_t *data;          /* files: size bytes used of cap */
	size_t cap;             /* bytes allocated at data */
	struct fs_ent *ents;    /* directories: in increasing seq, so cookies can be searched */
	uint32_t nents, ents_cap;
	uint64_t next_seq;      /* directories: the next entry's seq, from 1 (cookie 0 = start) */
};

struct fs {
	struct fs_limits lim;
	struct fs_inode *in;    /* indexed by inode number; slot 0 never used */
	uint32_t n;             /* slots [0, n) exist in the array */
	uint32_t cap;
	uint32_t free_hint;     /* no free slot below this one: allocation scans from here */
	struct fs_usage use;
};

/* The live inode a handle names, or NULL when the handle is stale. */
struct fs_inode *fs_inode_get(struct fs *fs, uint64_t handle);

/* Allocate the lowest free inode number as an empty inode of the given
 * type. Returns FS_OK and sets *ino, or no space / out of memory. */
int fs_inode_alloc(struct fs *fs, uint32_t type, uint64_t now_ns, uint32_t *ino);

/* Release an inode (its data or entries too); its generation stays, so
 * the next allocation of the slot gets a new one. */
void fs_inode_release(struct fs *fs, uint32_t ino);

#endif
