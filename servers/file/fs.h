/*
 * fs.h - the file server's file system: an in-memory tree of files and
 * directories owned by one server, with no IPC of its own.
 *
 * The one idea: everything a client may hold between two requests is a
 * number the file system can check. A stateless client holds a file handle
 * (inode number and generation), so a handle to a removed file is caught as
 * "stale handle" even after its inode number is reused; it lists a
 * directory with cookies (per-directory entry sequence numbers), so entries
 * added or removed between two calls never make it skip or repeat another.
 * A stateful client holds small descriptors into an open-file table kept
 * per client (struct fs_fdtab), which is lost when the server crashes.
 *
 * Entry points:
 *   fs_new, fs_free, fs_strerror, fs_usage, fs_seed
 *   by path:    fs_lookup, fs_create, fs_mkdir, fs_unlink
 *   by handle:  fs_read, fs_write, fs_truncate, fs_stat, fs_readdir
 *   stateful:   fs_fdtab_new, fs_fdtab_free, fs_fd_open, fs_fd_read,
 *               fs_fd_write, fs_fd_close, fs_fd_close_all, fs_fd_count
 *
 * Paths are absolute byte strings given with their length ("/a/b"; "/" is
 * the root): no empty components (so no "//" and no trailing "/"), no "."
 * or "..", no NUL byte, components of at most FS_NAME_MAX bytes, the whole
 * at most FS_PATH_MAX. Times are virtual nanoseconds from the caller.
 * Nothing depends on host time or addresses, and every listing comes out in
 * a defined order, so runs are deterministic. A call that fails changes
 * nothing (fs_seed says what it leaves) and sets its outputs only on success,
 * except where its comment says otherwise. See doc/file-server.md.
 */
#ifndef UKERN_FS_H
#define UKERN_FS_H

#include <stddef.h>
#include <stdint.h>

#define FS_NAME_MAX            63            /* bytes in one path component */
#define FS_PATH_MAX            255           /* bytes in a whole path */
#define FS_ROOT_INO            1             /* the root directory's inode; its generation is 1 */
#define FS_FD_FIRST            3             /* the lowest descriptor (0-2 as in Unix: never given) */
#define FS_DEFAULT_MAX_BYTES   (16u << 20)   /* file data in the whole file system: 16 MiB */
#define FS_DEFAULT_MAX_INODES  1024          /* files and directories, the root included */
#define FS_DEFAULT_MAX_OPEN    32            /* descriptors open at once per client */

/* Every call returns FS_OK or one of these; fs_strerror gives the reason. */
enum fs_err {
	FS_OK = 0,
	FS_ENOENT,        /* "no such file" */
	FS_EEXIST,        /* "exists" */
	FS_ENOTDIR,       /* "not a directory": a path goes through a file, or readdir of one */
	FS_EISDIR,        /* "is a directory": read, write, truncate or open of a directory */
	FS_ENOTEMPTY,     /* "not empty": unlink of a directory with entries */
	FS_EBADF,         /* "bad descriptor": not open for this client, or not for that access */
	FS_ESTALE,        /* "stale handle": the file is gone (its inode may be reused) */
	FS_EPATH,         /* "invalid path": empty, relative, "//", trailing "/", ".", "..", NUL */
	FS_ENAMETOOLONG,  /* "name too long": a component over FS_NAME_MAX or a path over FS_PATH_MAX */
	FS_ENOSPC,        /* "no space": the byte or inode limit, or a file end past 2^64 */
	FS_EMFILE,        /* "too many open files": the client has max_open descriptors */
	FS_EINVAL,        /* "invalid argument": bad open flags, unlink of the root */
	FS_ENOMEM,        /* "out of memory": the host's, not the simulated limits */
	FS_ERR_COUNT
};

enum fs_type { FS_FILE = 1, FS_DIR = 2 };

/* Open flags for fs_fd_open: at least one of READ and WRITE; TRUNC and
 * APPEND need WRITE. */
enum fs_open_flags {
	FS_O_READ = 1u << 0,
	FS_O_WRITE = 1u << 1,
	FS_O_CREATE = 1u << 2,   /* create the file when it does not exist */
	FS_O_TRUNC = 1u << 3,    /* cut the file to 0 bytes on open */
	FS_O_APPEND = 1u << 4,   /* every write goes to the end of the file */
};

/* The limits that make "no space"; fixed when the file system is made. */
struct fs_limits {
	uint64_t max_bytes;     /* bytes of file data in all files together (holes count) */
	uint32_t max_inodes;    /* files and directories, the root included; >= 1 */
};

struct fs_usage {
	uint64_t bytes;         /* bytes of file data in all files */
	uint32_t inodes;        /* inodes in use, the root included */
};

struct fs_stat {
	uint64_t handle;        /* fs_handle(ino, gen) */
	uint32_t ino, gen;
	uint32_t type;          /* enum fs_type */
	uint32_t nlink;         /* a file 1; a directory 2 + its subdirectories */
	uint64_t size;          /* a file: bytes; a directory: entries */
	uint64_t mtime_ns;      /* virtual time of the last change of data or entries */
};

/* One directory entry as fs_readdir returns it. */
struct fs_dirent {
	char name[FS_NAME_MAX + 1];   /* NUL-terminated */
	uint32_t type;                /* enum fs_type */
	uint64_t handle;
	uint64_t cookie;              /* pass it back to continue after this entry */
};

/* What one fs_readdir call produced. */
struct fs_dirpage {
	size_t n;               /* entries written */
	uint64_t next;          /* the cookie to continue from (the last entry's, or the one given) */
	int eof;                /* 1: no entry after next when the call was made */
};

/* An initial file: path and contents, as fs_seed takes them. */
struct fs_seed {
	const char *path;
	size_t path_len;
	const void *data;
	size_t len;
};

/* A file handle: the inode number in the high 32 bits, its generation in
 * the low 32. Never 0: inode 0 does not exist. */
static inline uint64_t fs_handle(uint32_t ino, uint32_t gen)
{
	return (uint64_t)ino << 32 | gen;
}

static inline uint32_t fs_handle_ino(uint64_t h)
{
	return (uint32_t)(h >> 32);
}

static inline uint32_t fs_handle_gen(uint64_t h)
{
	return (uint32_t)h;
}

struct fs;
struct fs_fdtab;

/* A file system holding only the root directory (inode 1, generation 1,
 * mtime 0). lim NULL means the defaults above. Returns NULL when memory
 * runs out or lim->max_inodes is 0 or above UINT32_MAX - 1. */
struct fs *fs_new(const struct fs_limits *lim);

/* Free fs and everything in it. NULL does nothing. Descriptor tables made
 * on it must be freed first. */
void fs_free(struct fs *fs);

/* The short reason of an error ("no such file", ...); "unknown error" for
 * a value outside enum fs_err. */
const char *fs_strerror(int err);

/* How much of the limits is in use. */
struct fs_usage fs_usage(const struct fs *fs);

/* Create the files in seed[0..n) with their contents and every missing
 * parent directory, in the byte order of their paths (so the result does
 * not depend on the order given). A directory that exists is used; an
 * existing file is "exists". On error *bad is the index in seed of the
 * failing file and the files before it in path order stay created. */
int fs_seed(struct fs *fs, const struct fs_seed *seed, size_t n, uint64_t now_ns, size_t *bad);

/* The handle of the file or directory at path. Errors: invalid path, name
 * too long, no such file, not a directory (a component before the last is
 * a file). */
int fs_lookup(struct fs *fs, const char *path, size_t len, uint64_t *handle);

/* Create an empty file (fs_create) or directory (fs_mkdir) at path; its
 * parent must exist. Sets *handle (may be NULL) and the parent's mtime.
 * Errors: as fs_lookup for the parent; exists (whatever is there, the root
 * included); no space (inode limit); out of memory. */
int fs_create(struct fs *fs, const char *path, size_t len, uint64_t now_ns, uint64_t *handle);
int fs_mkdir(struct fs *fs, const char *path, size_t len, uint64_t now_ns, uint64_t *handle);

/* Remove a file or an empty directory and free its inode at once: handles
 * and descriptors to it become stale. Sets the parent's mtime. Errors: as
 * fs_lookup; not empty; invalid argument for the root. */
int fs_unlink(struct fs *fs, const char *path, size_t len, uint64_t now_ns);

/* Copy up to count bytes from offset off of a file into buf; *got is how
 * many (0 at or past the end, and 0 on error). Errors: stale handle, is a
 * directory. */
int fs_read(struct fs *fs, uint64_t handle, uint64_t off, void *buf, size_t count, size_t *got);

/* Write count bytes at offset off, growing the file as needed; a gap
 * between the old end and off reads as zeros. Writes all or nothing; a
 * write of 0 bytes changes nothing. Errors: stale handle, is a directory,
 * no space (byte limit or off + count past 2^64), out of memory. */
int fs_write(struct fs *fs, uint64_t handle, uint64_t off, const void *buf, size_t count,
	     uint64_t now_ns);

/* Set a file's size: shorten it, or lengthen it with zeros. Errors as
 * fs_write. */
int fs_truncate(struct fs *fs, uint64_t handle, uint64_t size, uint64_t now_ns);

/* Describe a file or directory. Error: stale handle. */
int fs_stat(struct fs *fs, uint64_t handle, struct fs_stat *st);

/* List up to max entries of a directory, in the order they were added,
 * starting after cookie (0: from the first). An entry present for the
 * whole listing is returned exactly once, whatever is added or removed in
 * between; an entry added meanwhile appears at the end. On error *pg is
 * set to no entries, next = cookie, eof. Errors: stale handle, not a
 * directory. */
int fs_readdir(struct fs *fs, uint64_t dir, uint64_t cookie, struct fs_dirent *out, size_t max,
	       struct fs_dirpage *pg);

/* An empty descriptor table over fs: each client may hold max_open
 * descriptors (0 means FS_DEFAULT_MAX_OPEN; at most INT32_MAX -
 * FS_FD_FIRST). The table lives in the server's memory: a crashed server
 * frees it and starts a new one, and every descriptor a client kept is then
 * "bad descriptor". Returns NULL when memory runs out or max_open is over
 * that bound. */
struct fs_fdtab *fs_fdtab_new(struct fs *fs, uint32_t max_open);

/* Free the table (all its descriptors). NULL does nothing. */
void fs_fdtab_free(struct fs_fdtab *ft);

/* Open path for client pid: the lowest free descriptor from FS_FD_FIRST,
 * at offset 0. flags: enum fs_open_flags. Errors: invalid argument (flags),
 * too many open files (checked first, so nothing is created), those of
 * fs_lookup and (with FS_O_CREATE) fs_create, is a directory. */
int fs_fd_open(struct fs_fdtab *ft, uint32_t pid, const char *path, size_t len, uint32_t flags,
	       uint64_t now_ns, int *fd);

/* Read or write at the descriptor's offset and advance it by the bytes
 * moved (*got is 0 on error); with FS_O_APPEND a write first moves the
 * offset to the end.
 * Errors: bad descriptor (not open, or opened without that access), and
 * those of fs_read and fs_write (stale handle once the file is unlinked). */
int fs_fd_read(struct fs_fdtab *ft, uint32_t pid, int fd, void *buf, size_t count, size_t *got);
int fs_fd_write(struct fs_fdtab *ft, uint32_t pid, int fd, const void *buf, size_t count,
		uint64_t now_ns);

/* Close one descriptor. Error: bad descriptor. */
int fs_fd_close(struct fs_fdtab *ft, uint32_t pid, int fd);

/* Close every descriptor of a client (it exited or died). Returns how many
 * were open. */
uint32_t fs_fd_close_all(struct fs_fdtab *ft, uint32_t pid);

/* How many descriptors a client has open. */
uint32_t fs_fd_count(const struct fs_fdtab *ft, uint32_t pid);

#endif
