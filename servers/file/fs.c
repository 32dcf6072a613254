/*
 * fs.c - the file system's inode table and file data: making and freeing
 * the file system, allocating inodes, and the handle-based calls on files
 * (read, write, truncate, stat). Paths and directories are in fs_dir.c,
 * descriptor tables in fs_fd.c.
 *
 * The one idea: an inode number is reused (always the lowest free one, so
 * runs are deterministic), but never with the same generation, and a handle
 * carries both: a handle to a removed file can never reach its successor.
 *
 * Entry points: fs_new, fs_free, fs_strerror, fs_usage, fs_read, fs_write,
 * fs_truncate, fs_stat; for fs_dir.c and fs_fd.c: fs_inode_get,
 * fs_inode_alloc, fs_inode_release.
 */
#include "file/fs.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "file/fs_impl.h"

static const char *const reasons[FS_ERR_COUNT] = {
	[FS_OK] = "ok",
	[FS_ENOENT] = "no such file",
	[FS_EEXIST] = "exists",
	[FS_ENOTDIR] = "not a directory",
	[FS_EISDIR] = "is a directory",
	[FS_ENOTEMPTY] = "not empty",
	[FS_EBADF] = "bad descriptor",
	[FS_ESTALE] = "stale handle",
	[FS_EPATH] = "invalid path",
	[FS_ENAMETOOLONG] = "name too long",
	[FS_ENOSPC] = "no space",
	[FS_EMFILE] = "too many open files",
	[FS_EINVAL] = "invalid argument",
	[FS_ENOMEM] = "out of memory",
};

const char *fs_strerror(int err)
{
	return err >= 0 && err < FS_ERR_COUNT ? reasons[err] : "unknown error";
}

/* Add one slot at the end of the inode array (doubling its capacity), so
 * the array never holds more than one slot past the highest inode used. */
static int slots_grow(struct fs *fs)
{
	if (fs->n == fs->cap) {
		uint32_t cap = fs->cap > UINT32_MAX / 2 ? UINT32_MAX : fs->cap * 2;
		struct fs_inode *in = realloc(fs->in, (size_t)cap * sizeof *in);
		if (!in)
			return FS_ENOMEM;
		fs->in = in;
		fs->cap = cap;
	}
	memset(&fs->in[fs->n++], 0, sizeof fs->in[0]);
	return FS_OK;
}

/* The lowest free slot at or above the hint: the allocation order is then
 * a function of the calls alone, never of the host. */
static uint32_t lowest_free(const struct fs *fs)
{
	uint32_t i = fs->free_hint;

	while (i < fs->n && fs->in[i].type != FS_FREE)
		i++;
	return i;
}

int fs_inode_alloc(struct fs *fs, uint32_t type, uint64_t now_ns, uint32_t *ino)
{
	uint32_t i, gen;
	struct fs_inode *in;

	if (fs->use.inodes >= fs->lim.max_inodes)
		return FS_ENOSPC;
	i = lowest_free(fs);
	if (i == fs->n && slots_grow(fs) != FS_OK)
		return FS_ENOMEM;
	in = &fs->in[i];
	gen = in->gen == UINT32_MAX ? 1 : in->gen + 1;   /* never 0: handle 0 stays invalid */
	memset(in, 0, sizeof *in);
	in->type = type;
	in->gen = gen;
	in->nlink = type == FS_DIR ? 2 : 1;
	in->mtime_ns = now_ns;
	in->next_seq = 1;
	fs->free_hint = i + 1;
	fs->use.inodes++;
	*ino = i;
	return FS_OK;
}

void fs_inode_release(struct fs *fs, uint32_t ino)
{
	struct fs_inode *in = &fs->in[ino];
	uint32_t gen = in->gen;

	fs->use.bytes -= in->size;
	fs->use.inodes--;
	free(in->data);
	free(in->ents);
	memset(in, 0, sizeof *in);
	in->gen = gen;
	if (ino < fs->free_hint)
		fs->free_hint = ino;
}

struct fs_inode *fs_inode_get(struct fs *fs, uint64_t handle)
{
	uint32_t ino = fs_handle_ino(handle);
	struct fs_inode *in;

	if (ino == 0 || ino >= fs->n)
		return NULL;
	in = &fs->in[ino];
	return in->type != FS_FREE && in->gen == fs_handle_gen(handle) ? in : NULL;
}

struct fs *fs_new(const struct fs_limits *lim)
{
	struct fs_limits def = { FS_DEFAULT_MAX_BYTES, FS_DEFAULT_MAX_INODES };
	struct fs *fs;
	uint32_t root;

	if (!lim)
		lim = &def;
	if (lim->max_inodes == 0 || lim->max_inodes > UINT32_MAX - 1)
		return NULL;
	fs = calloc(1, sizeof *fs);
	if (!fs)
		return NULL;
	fs->lim = *lim;
	fs->cap = 16;
	fs->in = calloc(fs->cap, sizeof *fs->in);
	fs->n = 1;                              /* slot 0: no inode 0, so no handle 0 */
	fs->free_hint = 1;
	if (!fs->in || fs_inode_alloc(fs, FS_DIR, 0, &root) != FS_OK) {
		fs_free(fs);
		return NULL;
	}
	return fs;
}

void fs_free(struct fs *fs)
{
	if (!fs)
		return;
	for (uint32_t i = 1; i < fs->n; i++) {
		free(fs->in[i].data);
		free(fs->in[i].ents);
	}
	free(fs->in);
	free(fs);
}

struct fs_usage fs_usage(const struct fs *fs)
{
	return fs->use;
}

/* The regular file a handle names, or why it cannot be read or written. */
static int file_get(struct fs *fs, uint64_t handle, struct fs_inode **f)
{
	*f = fs_inode_get(fs, handle);
	if (!*f)
		return FS_ESTALE;
	return (*f)->type == FS_DIR ? FS_EISDIR : FS_OK;
}

/* Make sure data can hold size bytes: at least double the capacity, so a
 * file written in small appends is copied O(log n) times. */
static int data_reserve(struct fs_inode *f, uint64_t size)
{
	size_t cap;
	uint8_t *p;

	if (size <= f->cap)
		return FS_OK;
	if (size > SIZE_MAX)
		return FS_ENOMEM;
	cap = f->cap > SIZE_MAX / 2 ? SIZE_MAX : f->cap * 2;
	if (cap < size)
		cap = (size_t)size;
	p = realloc(f->data, cap);
	if (!p)
		return FS_ENOMEM;
	f->data = p;
	f->cap = cap;
	return FS_OK;
}

/* Set a file's size, zero-filling what grows and charging it to the byte
 * limit. On error nothing has changed. */
static int data_resize(struct fs *fs, struct fs_inode *f, uint64_t size)
{
	if (size > f->size) {
		int err;
		if (size - f->size > fs->lim.max_bytes - fs->use.bytes)
			return FS_ENOSPC;
		err = data_reserve(f, size);
		if (err != FS_OK)
			return err;
		memset(f->data + f->size, 0, (size_t)(size - f->size));
	}
	fs->use.bytes = fs->use.bytes - f->size + size;
	f->size = size;
	return FS_OK;
}

int fs_read(struct fs *fs, uint64_t handle, uint64_t off, void *buf, size_t count, size_t *got)
{
	struct fs_inode *f;
	int err = file_get(fs, handle, &f);

	*got = 0;
	if (err != FS_OK)
		return err;
	if (off < f->size && count > 0) {
		*got = f->size - off < count ? (size_t)(f->size - off) : count;
		memcpy(buf, f->data + off, *got);
	}
	return FS_OK;
}

int fs_write(struct fs *fs, uint64_t handle, uint64_t off, const void *buf, size_t count,
	     uint64_t now_ns)
{
	struct fs_inode *f;
	int err = file_get(fs, handle, &f);

	if (err != FS_OK || count == 0)
		return err;
	if (count > UINT64_MAX - off)
		return FS_ENOSPC;
	if (off + count > f->size) {
		err = data_resize(fs, f, off + count);
		if (err != FS_OK)
			return err;
	}
	memcpy(f->data + off, buf, count);
	f->mtime_ns = now_ns;
	return FS_OK;
}

int fs_truncate(struct fs *fs, uint64_t handle, uint64_t size, uint64_t now_ns)
{
	struct fs_inode *f;
	int err = file_get(fs, handle, &f);

	if (err != FS_OK)
		return err;
	err = data_resize(fs, f, size);
	if (err == FS_OK)
		f->mtime_ns = now_ns;
	return err;
}

int fs_stat(struct fs *fs, uint64_t handle, struct fs_stat *st)
{
	struct fs_inode *in = fs_inode_get(fs, handle);

	if (!in)
		return FS_ESTALE;
	st->handle = handle;
	st->ino = fs_handle_ino(handle);
	st->gen = in->gen;
	st->type = in->type;
	st->nlink = in->nlink;
	st->size = in->type == FS_DIR ? in->nents : in->size;
	st->mtime_ns = in->mtime_ns;
	return FS_OK;
}
