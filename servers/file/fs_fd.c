/*
 * fs_fd.c - the stateful mode: per-client open-file tables. A descriptor is
 * a small number private to one client (pid) naming a file handle, the
 * access it was opened for and an offset that reads and writes advance.
 *
 * The one idea: a descriptor holds a handle, not the inode itself, so it
 * needs no reference count: a file unlinked while open is gone at once, and
 * the descriptor's next read or write finds its handle stale. The table is
 * the server's memory, not the disk's: after a crash the server starts with
 * an empty one, and every descriptor a client still holds is "bad
 * descriptor".
 *
 * Clients are kept sorted by pid and descriptors are handed out lowest
 * first, so the numbers depend only on the calls made.
 *
 * Entry points: fs_fdtab_new, fs_fdtab_free, fs_fd_open, fs_fd_read,
 * fs_fd_write, fs_fd_close, fs_fd_close_all, fs_fd_count.
 */
#include "file/fs.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "file/fs_impl.h"

#define ACCESS_FLAGS (FS_O_READ | FS_O_WRITE)
#define ALL_FLAGS (FS_O_READ | FS_O_WRITE | FS_O_CREATE | FS_O_TRUNC | FS_O_APPEND)

/* One open file of one client. */
struct fs_fd {
	uint64_t handle;        /* the file; 0 when the slot is free (no handle is 0) */
	uint64_t off;           /* bytes: where the next read or write starts */
	uint32_t flags;         /* enum fs_open_flags as opened */
};

/* One client's descriptors: slot k is descriptor FS_FD_FIRST + k. */
struct fs_client {
	uint32_t pid;
	uint32_t nopen;         /* slots in use */
	uint32_t cap;           /* slots allocated, at most the table's max_open */
	struct fs_fd *fd;
};

struct fs_fdtab {
	struct fs *fs;
	uint32_t max_open;      /* descriptors per client */
	struct fs_client *c;    /* sorted by pid; only clients with a descriptor open */
	size_t n, cap;
};

struct fs_fdtab *fs_fdtab_new(struct fs *fs, uint32_t max_open)
{
	struct fs_fdtab *ft;

	if (max_open > INT32_MAX - FS_FD_FIRST)
		return NULL;
	ft = calloc(1, sizeof *ft);
	if (!ft)
		return NULL;
	ft->fs = fs;
	ft->max_open = max_open ? max_open : FS_DEFAULT_MAX_OPEN;
	return ft;
}

void fs_fdtab_free(struct fs_fdtab *ft)
{
	if (!ft)
		return;
	for (size_t i = 0; i < ft->n; i++)
		free(ft->c[i].fd);
	free(ft->c);
	free(ft);
}

/* Where pid is, or would be inserted, in the sorted client array. */
static size_t client_pos(const struct fs_fdtab *ft, uint32_t pid)
{
	size_t lo = 0, hi = ft->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ft->c[mid].pid < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static struct fs_client *client_find(const struct fs_fdtab *ft, uint32_t pid)
{
	size_t k = client_pos(ft, pid);

	return k < ft->n && ft->c[k].pid == pid ? &ft->c[k] : NULL;
}

/* pid's entry, inserted empty when it has none. NULL when memory runs out. */
static struct fs_client *client_get(struct fs_fdtab *ft, uint32_t pid)
{
	size_t k = client_pos(ft, pid);

	if (k < ft->n && ft->c[k].pid == pid)
		return &ft->c[k];
	if (ft->n == ft->cap) {
		size_t cap = ft->cap ? ft->cap * 2 : 8;
		struct fs_client *v = realloc(ft->c, cap * sizeof *v);
		if (!v)
			return NULL;
		ft->c = v;
		ft->cap = cap;
	}
	memmove(&ft->c[k + 1], &ft->c[k], (ft->n - k) * sizeof *ft->c);
	ft->n++;
	memset(&ft->c[k], 0, sizeof ft->c[k]);
	ft->c[k].pid = pid;
	return &ft->c[k];
}

/* Forget a client that has no descriptor left, so the array holds only
 * clients with open files and a dead client costs nothing. */
static void client_drop(struct fs_fdtab *ft, struct fs_client *cl)
{
	size_t k = (size_t)(cl - ft->c);

	free(cl->fd);
	memmove(&ft->c[k], &ft->c[k + 1], (ft->n - k - 1) * sizeof *ft->c);
	ft->n--;
}

/* The lowest free slot of a client, growing its array (never past
 * max_open) when all are taken; the caller has checked that the client
 * holds fewer than max_open. -1 when memory runs out. */
static int64_t slot_free(struct fs_client *cl, uint32_t max_open)
{
	uint32_t old = cl->cap, cap;
	struct fs_fd *v;

	for (uint32_t k = 0; k < old; k++)
		if (cl->fd[k].handle == 0)
			return k;
	cap = old == 0 ? 4 : old > max_open / 2 ? max_open : old * 2;
	cap = cap < max_open ? cap : max_open;
	assert(cap > old && "slot_free: client already at max_open");
	v = realloc(cl->fd, (size_t)cap * sizeof *v);
	if (!v)
		return -1;
	memset(&v[old], 0, (size_t)(cap - old) * sizeof *v);
	cl->fd = v;
	cl->cap = cap;
	return old;
}

/* Open flags name an access, only known bits, and write for TRUNC/APPEND. */
static int flags_check(uint32_t flags)
{
	if ((flags & ~(uint32_t)ALL_FLAGS) || !(flags & ACCESS_FLAGS))
		return FS_EINVAL;
	if ((flags & (FS_O_TRUNC | FS_O_APPEND)) && !(flags & FS_O_WRITE))
		return FS_EINVAL;
	return FS_OK;
}

/* The file to open: found, or created with FS_O_CREATE; never a directory;
 * emptied with FS_O_TRUNC. */
static int open_file(struct fs *fs, const char *path, size_t len, uint32_t flags, uint64_t now_ns,
		     uint64_t *h)
{
	struct fs_stat st;
	int err = fs_lookup(fs, path, len, h);

	if (err == FS_ENOENT && (flags & FS_O_CREATE))
		return fs_create(fs, path, len, now_ns, h);
	if (err != FS_OK)
		return err;
	err = fs_stat(fs, *h, &st);
	if (err == FS_OK && st.type == FS_DIR)
		return FS_EISDIR;
	if (err == FS_OK && (flags & FS_O_TRUNC))
		err = fs_truncate(fs, *h, 0, now_ns);
	return err;
}

int fs_fd_open(struct fs_fdtab *ft, uint32_t pid, const char *path, size_t len, uint32_t flags,
	       uint64_t now_ns, int *fd)
{
	struct fs_client *cl = client_find(ft, pid);
	uint64_t h;
	int64_t k;
	int err = flags_check(flags);

	if (err != FS_OK)
		return err;
	if (cl && cl->nopen >= ft->max_open)
		return FS_EMFILE;
	/* Take the slot before touching the file: a failure after a create
	 * would leave a file behind. */
	cl = client_get(ft, pid);
	k = cl ? slot_free(cl, ft->max_open) : -1;
	err = k < 0 ? FS_ENOMEM : open_file(ft->fs, path, len, flags, now_ns, &h);
	if (err != FS_OK) {
		if (cl && cl->nopen == 0)
			client_drop(ft, cl);
		return err;
	}
	cl->fd[k] = (struct fs_fd){ h, 0, flags };
	cl->nopen++;
	*fd = FS_FD_FIRST + (int)k;
	return FS_OK;
}

/* The open descriptor fd of pid, or NULL. */
static struct fs_fd *fd_get(const struct fs_fdtab *ft, uint32_t pid, int fd)
{
	struct fs_client *cl = client_find(ft, pid);

	if (!cl || fd < FS_FD_FIRST || (uint32_t)(fd - FS_FD_FIRST) >= cl->cap)
		return NULL;
	return cl->fd[fd - FS_FD_FIRST].handle ? &cl->fd[fd - FS_FD_FIRST] : NULL;
}

int fs_fd_read(struct fs_fdtab *ft, uint32_t pid, int fd, void *buf, size_t count, size_t *got)
{
	struct fs_fd *f = fd_get(ft, pid, fd);
	int err;

	*got = 0;
	if (!f || !(f->flags & FS_O_READ))
		return FS_EBADF;
	err = fs_read(ft->fs, f->handle, f->off, buf, count, got);
	if (err == FS_OK)
		f->off += *got;
	return err;
}

int fs_fd_write(struct fs_fdtab *ft, uint32_t pid, int fd, const void *buf, size_t count,
		uint64_t now_ns)
{
	struct fs_fd *f = fd_get(ft, pid, fd);
	struct fs_stat st;
	uint64_t off;
	int err;

	if (!f || !(f->flags & FS_O_WRITE))
		return FS_EBADF;
	off = f->off;
	if (f->flags & FS_O_APPEND) {
		err = fs_stat(ft->fs, f->handle, &st);
		if (err != FS_OK)
			return err;
		off = st.size;
	}
	err = fs_write(ft->fs, f->handle, off, buf, count, now_ns);
	if (err == FS_OK)
		f->off = off + count;   /* fs_write refused an end past 2^64 */
	return err;
}

int fs_fd_close(struct fs_fdtab *ft, uint32_t pid, int fd)
{
	struct fs_fd *f = fd_get(ft, pid, fd);
	struct fs_client *cl;

	if (!f)
		return FS_EBADF;
	f->handle = 0;
	cl = client_find(ft, pid);
	if (--cl->nopen == 0)
		client_drop(ft, cl);
	return FS_OK;
}

uint32_t fs_fd_close_all(struct fs_fdtab *ft, uint32_t pid)
{
	struct fs_client *cl = client_find(ft, pid);
	uint32_t n;

	if (!cl)
		return 0;
	n = cl->nopen;
	client_drop(ft, cl);
	return n;
}

uint32_t fs_fd_count(const struct fs_fdtab *ft, uint32_t pid)
{
	const struct fs_client *cl = client_find(ft, pid);

	return cl ? cl->nopen : 0;
}
