/*
 * fs_dir.c - paths and directories: checking a path, walking it from the
 * root, adding and removing names, listing a directory with cookies, and
 * seeding the initial files.
 *
 * The one idea: a directory keeps its entries in the order they were added,
 * each stamped with the directory's next sequence number, and a cookie is
 * the sequence number of the last entry a client has seen. Removing an
 * entry never renumbers the others, so "the entries after cookie c" is the
 * same set however the directory changed, minus what was removed and plus
 * what was added (at the end).
 *
 * A path is checked whole before anything is looked up, so a malformed one
 * gets the same error whatever the tree holds.
 *
 * Entry points: fs_lookup, fs_create, fs_mkdir, fs_unlink, fs_readdir,
 * fs_seed.
 */
#include "file/fs.h"

#include <stdlib.h>
#include <string.h>

#include "file/fs_impl.h"

/* One component: not empty, not "." or "..", at most FS_NAME_MAX bytes. */
static int name_check(const char *s, size_t len)
{
	if (len == 0 || (len == 1 && s[0] == '.') || (len == 2 && s[0] == '.' && s[1] == '.'))
		return FS_EPATH;
	return len > FS_NAME_MAX ? FS_ENAMETOOLONG : FS_OK;
}

/* A whole path; the first fault from the left decides the error. */
static int path_check(const char *p, size_t len)
{
	size_t start = 1;

	if (len == 0 || p[0] != '/')
		return FS_EPATH;
	if (len > FS_PATH_MAX)
		return FS_ENAMETOOLONG;
	if (memchr(p, '\0', len))
		return FS_EPATH;
	if (len == 1)
		return FS_OK;
	for (size_t i = 1; i <= len; i++) {
		int err;
		if (i < len && p[i] != '/')
			continue;
		err = name_check(p + start, i - start);
		if (err != FS_OK)
			return err;
		start = i + 1;
	}
	return FS_OK;
}

/* Step over the next component of a checked path: *name and its length,
 * or 0 at the end. *pos is at a '/' or at len. */
static size_t next_name(const char *p, size_t len, size_t *pos, const char **name)
{
	size_t start;

	if (*pos >= len)
		return 0;
	start = ++*pos;
	while (*pos < len && p[*pos] != '/')
		++*pos;
	*name = p + start;
	return *pos - start;
}

/* The entry called name in directory d, and its index; NULL when none.
 * A linear scan: directories are small, and the order is the cookie order. */
static struct fs_ent *dir_find(struct fs_inode *d, const char *name, size_t len, uint32_t *k)
{
	for (uint32_t i = 0; i < d->nents; i++) {
		struct fs_ent *e = &d->ents[i];
		if (e->len == len && memcmp(e->name, name, len) == 0) {
			if (k)
				*k = i;
			return e;
		}
	}
	return NULL;
}

/* Room for one more entry, taken before the inode is allocated so that
 * adding the name cannot fail afterwards. */
static int dir_reserve(struct fs_inode *d)
{
	uint32_t cap;
	struct fs_ent *v;

	if (d->nents < d->ents_cap)
		return FS_OK;
	cap = d->ents_cap ? d->ents_cap * 2 : 8;
	v = realloc(d->ents, (size_t)cap * sizeof *v);
	if (!v)
		return FS_ENOMEM;
	d->ents = v;
	d->ents_cap = cap;
	return FS_OK;
}

/* Walk a checked path prefix (the first len bytes; "" is the root) to the
 * inode it names. */
static int resolve(struct fs *fs, const char *p, size_t len, uint32_t *ino)
{
	uint32_t cur = FS_ROOT_INO;
	size_t pos = 0, nlen;
	const char *name;

	while ((nlen = next_name(p, len, &pos, &name)) > 0) {
		struct fs_ent *e;
		if (fs->in[cur].type != FS_DIR)
			return FS_ENOTDIR;
		e = dir_find(&fs->in[cur], name, nlen, NULL);
		if (!e)
			return FS_ENOENT;
		cur = e->ino;
	}
	*ino = cur;
	return FS_OK;
}

/* Split a checked path other than "/" into its parent directory, which
 * must exist, and its last component. */
static int resolve_parent(struct fs *fs, const char *p, size_t len, uint32_t *dir,
			  const char **name, size_t *nlen)
{
	size_t slash = len - 1;
	int err;

	while (p[slash] != '/')
		slash--;
	err = resolve(fs, p, slash, dir);
	if (err != FS_OK)
		return err;
	if (fs->in[*dir].type != FS_DIR)
		return FS_ENOTDIR;
	*name = p + slash + 1;
	*nlen = len - slash - 1;
	return FS_OK;
}

/* Create name in directory dir as a new inode of the given type. Works on
 * indices, not pointers: allocating an inode may move the inode array. */
static int make_in(struct fs *fs, uint32_t dir, const char *name, size_t nlen, uint32_t type,
		   uint64_t now_ns, uint32_t *ino)
{
	struct fs_ent *e;
	int err;

	if (dir_find(&fs->in[dir], name, nlen, NULL))
		return FS_EEXIST;
	err = dir_reserve(&fs->in[dir]);
	if (err == FS_OK)
		err = fs_inode_alloc(fs, type, now_ns, ino);
	if (err != FS_OK)
		return err;
	e = &fs->in[dir].ents[fs->in[dir].nents++];
	e->seq = fs->in[dir].next_seq++;
	e->ino = *ino;
	e->len = (uint32_t)nlen;
	memcpy(e->name, name, nlen);
	e->name[nlen] = '\0';
	fs->in[dir].mtime_ns = now_ns;
	if (type == FS_DIR)
		fs->in[dir].nlink++;
	return FS_OK;
}

/* fs_create and fs_mkdir: check, find the parent, make. */
static int make(struct fs *fs, const char *p, size_t len, uint32_t type, uint64_t now_ns,
		uint64_t *handle)
{
	uint32_t dir, ino;
	const char *name;
	size_t nlen;
	int err = path_check(p, len);

	if (err != FS_OK)
		return err;
	if (len == 1)
		return FS_EEXIST;
	err = resolve_parent(fs, p, len, &dir, &name, &nlen);
	if (err == FS_OK)
		err = make_in(fs, dir, name, nlen, type, now_ns, &ino);
	if (err == FS_OK && handle)
		*handle = fs_handle(ino, fs->in[ino].gen);
	return err;
}

int fs_create(struct fs *fs, const char *path, size_t len, uint64_t now_ns, uint64_t *handle)
{
	return make(fs, path, len, FS_FILE, now_ns, handle);
}

int fs_mkdir(struct fs *fs, const char *path, size_t len, uint64_t now_ns, uint64_t *handle)
{
	return make(fs, path, len, FS_DIR, now_ns, handle);
}

int fs_lookup(struct fs *fs, const char *path, size_t len, uint64_t *handle)
{
	uint32_t ino;
	int err = path_check(path, len);

	if (err == FS_OK)
		err = resolve(fs, path, len, &ino);
	if (err == FS_OK)
		*handle = fs_handle(ino, fs->in[ino].gen);
	return err;
}

int fs_unlink(struct fs *fs, const char *path, size_t len, uint64_t now_ns)
{
	uint32_t dir, k, ino;
	const char *name;
	size_t nlen;
	struct fs_inode *d;
	struct fs_ent *e;
	int err = path_check(path, len);

	if (err != FS_OK)
		return err;
	if (len == 1)
		return FS_EINVAL;
	err = resolve_parent(fs, path, len, &dir, &name, &nlen);
	if (err != FS_OK)
		return err;
	d = &fs->in[dir];
	e = dir_find(d, name, nlen, &k);
	if (!e)
		return FS_ENOENT;
	ino = e->ino;
	if (fs->in[ino].type == FS_DIR) {
		if (fs->in[ino].nents > 0)
			return FS_ENOTEMPTY;
		d->nlink--;
	}
	/* Shift, not swap with the last: the entries must stay in seq order. */
	memmove(&d->ents[k], &d->ents[k + 1], (size_t)(d->nents - k - 1) * sizeof *e);
	d->nents--;
	d->mtime_ns = now_ns;
	fs_inode_release(fs, ino);
	return FS_OK;
}

/* The index of the first entry added after cookie (entries are in seq
 * order, so a binary search). */
static uint32_t first_after(const struct fs_inode *d, uint64_t cookie)
{
	uint32_t lo = 0, hi = d->nents;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (d->ents[mid].seq <= cookie)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int fs_readdir(struct fs *fs, uint64_t dir, uint64_t cookie, struct fs_dirent *out, size_t max,
	       struct fs_dirpage *pg)
{
	struct fs_inode *d = fs_inode_get(fs, dir);
	uint32_t k;

	pg->n = 0;
	pg->next = cookie;
	pg->eof = 1;
	if (!d)
		return FS_ESTALE;
	if (d->type != FS_DIR)
		return FS_ENOTDIR;
	for (k = first_after(d, cookie); k < d->nents && pg->n < max; k++) {
		const struct fs_ent *e = &d->ents[k];
		struct fs_dirent *o = &out[pg->n++];
		memcpy(o->name, e->name, sizeof o->name);
		o->type = fs->in[e->ino].type;
		o->handle = fs_handle(e->ino, fs->in[e->ino].gen);
		o->cookie = e->seq;
		pg->next = e->seq;
	}
	pg->eof = k == d->nents;
	return FS_OK;
}

/* The directory called name in dir, made when missing (fs_seed's parents). */
static int ensure_dir(struct fs *fs, uint32_t dir, const char *name, size_t nlen, uint64_t now_ns,
		      uint32_t *ino)
{
	struct fs_ent *e = dir_find(&fs->in[dir], name, nlen, NULL);

	if (!e)
		return make_in(fs, dir, name, nlen, FS_DIR, now_ns, ino);
	if (fs->in[e->ino].type != FS_DIR)
		return FS_ENOTDIR;
	*ino = e->ino;
	return FS_OK;
}

/* One initial file: its parents, then the file, then its bytes. Space is
 * checked before anything is made, so "no space" leaves no empty file. */
static int seed_one(struct fs *fs, const struct fs_seed *s, uint64_t now_ns)
{
	uint32_t dir = FS_ROOT_INO, ino;
	size_t pos = 0, nlen, last = s->path_len;
	const char *name;
	int err = path_check(s->path, s->path_len);

	if (err != FS_OK)
		return err;
	if (s->path_len == 1)
		return FS_EEXIST;
	while (s->path[--last] != '/')
		;
	while (err == FS_OK && (nlen = next_name(s->path, last, &pos, &name)) > 0)
		err = ensure_dir(fs, dir, name, nlen, now_ns, &dir);
	if (err != FS_OK)
		return err;
	if (s->len > fs->lim.max_bytes - fs->use.bytes)
		return FS_ENOSPC;
	err = make_in(fs, dir, s->path + last + 1, s->path_len - last - 1, FS_FILE, now_ns, &ino);
	if (err == FS_OK)
		err = fs_write(fs, fs_handle(ino, fs->in[ino].gen), 0, s->data, s->len, now_ns);
	return err;
}

/* A seed and where it was in the caller's array, for sorting. */
struct seed_ref {
	const struct fs_seed *s;
	size_t i;
};

/* Path bytes, a prefix first; equal paths by position, for a total order. */
static int seed_cmp(const void *a, const void *b)
{
	const struct seed_ref *x = a, *y = b;
	size_t n = x->s->path_len < y->s->path_len ? x->s->path_len : y->s->path_len;
	int c = n ? memcmp(x->s->path, y->s->path, n) : 0;

	if (c != 0)
		return c;
	if (x->s->path_len != y->s->path_len)
		return x->s->path_len < y->s->path_len ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

int fs_seed(struct fs *fs, const struct fs_seed *seed, size_t n, uint64_t now_ns, size_t *bad)
{
	struct seed_ref *order;
	int err = FS_OK;

	if (n == 0)
		return FS_OK;
	order = n <= SIZE_MAX / sizeof *order ? malloc(n * sizeof *order) : NULL;
	if (!order) {
		*bad = 0;
		return FS_ENOMEM;
	}
	for (size_t i = 0; i < n; i++)
		order[i] = (struct seed_ref){ &seed[i], i };
	qsort(order, n, sizeof *order, seed_cmp);
	for (size_t i = 0; i < n && err == FS_OK; i++) {
		err = seed_one(fs, order[i].s, now_ns);
		if (err != FS_OK)
			*bad = order[i].i;
	}
	free(order);
	return err;
}
