/*
 * fsrv_ops.c - the file server's methods, in the MINIX pattern: decode a
 * request of the RPC protocol (rpc_proto.h), find its do_<method> in a
 * table, check the arguments, act on the file system, and build the reply.
 *
 * The one idea: nothing here blocks or calls the kernel. A method says
 * what it asks of the disk (sl->disk, sl->disk_bytes); how the server
 * waits for that is its structure's business (fsrv.c). So the same code
 * serves all four structures, and a crash can never catch it half done.
 *
 * What goes to the disk (doc/file-server.md, "The disk"): the bytes a read
 * or a write moves (one request of that many bytes; none when it moves
 * none), and one request of no bytes for each change of metadata (create,
 * mkdir, unlink, truncate, an open that creates or empties a file).
 * Looking up, stat, readdir and plain opens and closes are answered from
 * the inodes in memory.
 *
 * Entry point: fsrv_serve.
 */
#include "file/fsrv_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "msg.h"
#include "rpc_proto.h"
#include "srvstat.h"
#include "uk.h"
#include "wire.h"

enum { DONE = 0, E_ARGS = -1, E_STATELESS = -2 };   /* else an enum fs_err */

/* One method call being served. */
struct call {
	struct fsrv *s;
	struct fsrv_slot *sl;
	uint32_t client;            /* the sender's pid: whose descriptors */
	uint64_t now;
	const char *method;
	struct wreader *r;          /* the arguments, in order */
	uint32_t nargs, argi;       /* given; taken so far */
	struct wbuf *w;             /* the reply, its header written */
	int bad;                    /* an argument was wrong: why says how */
	char why[160];
};

/* ---- arguments ---- */

static const char *const tag_names[WT_COUNT] = {
	"nil", "boolean", "boolean", "integer", "integer", "number",
	"string", "string", "table", "table",
};

/* The next argument is missing or of the wrong type: say so, once. */
static void bad_arg(struct call *c, const char *expected, int tag)
{
	if (c->bad)
		return;
	c->bad = 1;
	snprintf(c->why, sizeof c->why, "bad argument #%u to '%s' (%s expected, got %s)", c->argi,
		 c->method, expected, tag < 0 ? "no value" : tag_names[tag]);
}

/* The next argument's tag, or -1 when there is none (or bad_arg already). */
static int next_tag(struct call *c)
{
	if (c->bad)
		return -2;
	if (++c->argi > c->nargs)
		return -1;
	return wire_peek(c->r);
}

static int64_t arg_int(struct call *c)
{
	int tag = next_tag(c);

	if (tag != WT_I32 && tag != WT_I64) {
		bad_arg(c, "integer", tag);
		return 0;
	}
	return wire_get_i64(c->r);
}

/* A string argument (a path, or data: either wire form). */
static const char *arg_blob(struct call *c, size_t *len, const char *what)
{
	int tag = next_tag(c);

	*len = 0;
	if (tag == WT_STRING)
		return wire_get_string(c->r, len);
	if (tag == WT_BYTES)
		return wire_get_bytes(c->r, len);
	bad_arg(c, what, tag);
	return NULL;
}

/* ---- results ---- */

static void results(struct call *c, uint32_t n)
{
	wire_put_array(c->w, n);
}

static void put_stat(struct wbuf *w, const struct fs_stat *st)
{
	wire_put_table(w, 7);   /* keys in the wire's canonical (sorted) order */
	wire_put_string(w, "gen", 3);
	wire_put_i64(w, st->gen);
	wire_put_string(w, "handle", 6);
	wire_put_i64(w, (int64_t)st->handle);
	wire_put_string(w, "ino", 3);
	wire_put_i64(w, st->ino);
	wire_put_string(w, "mtime", 5);
	wire_put_i64(w, (int64_t)st->mtime_ns);
	wire_put_string(w, "nlink", 5);
	wire_put_i64(w, st->nlink);
	wire_put_string(w, "size", 4);
	wire_put_i64(w, (int64_t)st->size);
	wire_put_string(w, "type", 4);
	wire_put_string(w, st->type == FS_DIR ? "dir" : "file", st->type == FS_DIR ? 3 : 4);
}

static void put_dirent(struct wbuf *w, const struct fs_dirent *e)
{
	wire_put_table(w, 4);
	wire_put_string(w, "cookie", 6);
	wire_put_i64(w, (int64_t)e->cookie);
	wire_put_string(w, "handle", 6);
	wire_put_i64(w, (int64_t)e->handle);
	wire_put_string(w, "name", 4);
	wire_put_bytes(w, e->name, strlen(e->name));
	wire_put_string(w, "type", 4);
	wire_put_string(w, e->type == FS_DIR ? "dir" : "file", e->type == FS_DIR ? 3 : 4);
}

/* The call changes metadata on the disk: one request of no bytes. */
static void disk_access(struct call *c, uint64_t bytes)
{
	c->sl->disk = 1;
	c->sl->disk_bytes = bytes;
}

/* ---- methods by path and by handle (both modes) ---- */

static int do_lookup(struct call *c)
{
	size_t len;
	const char *path = arg_blob(c, &len, "path");
	struct fs_stat st;
	uint64_t h;
	int err;

	if (c->bad)
		return E_ARGS;
	if ((err = fs_lookup(c->s->sh->fs, path, len, &h)) || (err = fs_stat(c->s->sh->fs, h, &st)))
		return err;
	results(c, 2);
	wire_put_i64(c->w, (int64_t)h);
	put_stat(c->w, &st);
	return DONE;
}

/* create and mkdir: a new file or directory, its handle. */
static int make(struct call *c, int dir)
{
	size_t len;
	const char *path = arg_blob(c, &len, "path");
	uint64_t h;
	int err;

	if (c->bad)
		return E_ARGS;
	err = dir ? fs_mkdir(c->s->sh->fs, path, len, c->now, &h)
		  : fs_create(c->s->sh->fs, path, len, c->now, &h);
	if (err)
		return err;
	disk_access(c, 0);
	results(c, 1);
	wire_put_i64(c->w, (int64_t)h);
	return DONE;
}

static int do_create(struct call *c)
{
	return make(c, 0);
}

static int do_mkdir(struct call *c)
{
	return make(c, 1);
}

static int do_unlink(struct call *c)
{
	size_t len;
	const char *path = arg_blob(c, &len, "path");
	int err;

	if (c->bad)
		return E_ARGS;
	if ((err = fs_unlink(c->s->sh->fs, path, len, c->now)))
		return err;
	disk_access(c, 0);
	results(c, 1);
	wire_put_bool(c->w, 1);
	return DONE;
}

/* Read up to count bytes at off of handle h, or through descriptor fd when
 * fd >= 0: the bytes (none at the end). */
static int read_common(struct call *c, uint64_t h, int64_t off, int64_t count, int64_t fd)
{
	size_t n = count > FSRV_IO_MAX ? FSRV_IO_MAX : (size_t)count, got = 0;
	char *buf = malloc(n ? n : 1);
	int err;

	if (!buf)
		return FS_ENOMEM;
	if (fd >= 0)
		err = fs_fd_read(c->s->ft, c->client, (int)fd, buf, n, &got);
	else
		err = fs_read(c->s->sh->fs, h, (uint64_t)off, buf, n, &got);
	if (!err) {
		if (got)
			disk_access(c, got);
		results(c, 1);
		wire_put_bytes(c->w, buf, got);
	}
	free(buf);
	return err;
}

static int do_read(struct call *c)
{
	int64_t h = arg_int(c), off = arg_int(c), count = arg_int(c);

	if (c->bad)
		return E_ARGS;
	if (off < 0 || count < 0)
		return FS_EINVAL;
	return read_common(c, (uint64_t)h, off, count, -1);
}

static int do_write(struct call *c)
{
	int64_t h = arg_int(c), off = arg_int(c);
	size_t len;
	const char *data = arg_blob(c, &len, "string");
	int err;

	if (c->bad)
		return E_ARGS;
	if (off < 0)
		return FS_EINVAL;
	if ((err = fs_write(c->s->sh->fs, (uint64_t)h, (uint64_t)off, data, len, c->now)))
		return err;
	if (len)
		disk_access(c, len);
	results(c, 1);
	wire_put_i64(c->w, (int64_t)len);
	return DONE;
}

static int do_stat(struct call *c)
{
	int64_t h = arg_int(c);
	struct fs_stat st;
	int err;

	if (c->bad)
		return E_ARGS;
	if ((err = fs_stat(c->s->sh->fs, (uint64_t)h, &st)))
		return err;
	results(c, 1);
	put_stat(c->w, &st);
	return DONE;
}

static int do_truncate(struct call *c)
{
	int64_t h = arg_int(c), size = arg_int(c);
	int err;

	if (c->bad)
		return E_ARGS;
	if (size < 0)
		return FS_EINVAL;
	if ((err = fs_truncate(c->s->sh->fs, (uint64_t)h, (uint64_t)size, c->now)))
		return err;
	disk_access(c, 0);
	results(c, 1);
	wire_put_bool(c->w, 1);
	return DONE;
}

/* readdir(handle, cookie, max) -> entries, next cookie, eof */
static int do_readdir(struct call *c)
{
	int64_t h = arg_int(c), cookie = arg_int(c), max = arg_int(c);
	struct fs_dirent ents[FSRV_DIR_MAX];
	struct fs_dirpage pg;
	int err;

	if (c->bad)
		return E_ARGS;
	if (cookie < 0 || max < 1)
		return FS_EINVAL;
	err = fs_readdir(c->s->sh->fs, (uint64_t)h, (uint64_t)cookie, ents,
			 max > FSRV_DIR_MAX ? FSRV_DIR_MAX : (size_t)max, &pg);
	if (err)
		return err;
	results(c, 3);
	wire_put_array(c->w, (uint32_t)pg.n);
	for (size_t i = 0; i < pg.n; i++)
		put_dirent(c->w, &ents[i]);
	wire_put_i64(c->w, (int64_t)pg.next);
	wire_put_bool(c->w, pg.eof);
	return DONE;
}

/* ---- methods by descriptor (stateful mode) ---- */

/* fopen's modes, and "rw" for "r+". */
static uint32_t open_flags(const char *mode, size_t len)
{
	static const struct { const char *mode; uint32_t flags; } modes[] = {
		{ "r", FS_O_READ },
		{ "r+", FS_O_READ | FS_O_WRITE },
		{ "rw", FS_O_READ | FS_O_WRITE },
		{ "w", FS_O_WRITE | FS_O_CREATE | FS_O_TRUNC },
		{ "w+", FS_O_READ | FS_O_WRITE | FS_O_CREATE | FS_O_TRUNC },
		{ "a", FS_O_WRITE | FS_O_CREATE | FS_O_APPEND },
		{ "a+", FS_O_READ | FS_O_WRITE | FS_O_CREATE | FS_O_APPEND },
	};

	for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++)
		if (strlen(modes[i].mode) == len && memcmp(modes[i].mode, mode, len) == 0)
			return modes[i].flags;
	return 0;
}

/* open(path, mode) -> fd */
static int do_open(struct call *c)
{
	size_t len, mlen;
	const char *path = arg_blob(c, &len, "path"), *mode = arg_blob(c, &mlen, "mode string");
	struct fs *fs = c->s->sh->fs;
	struct fs_stat before = { .size = 0 };
	uint64_t h;
	uint32_t flags;
	int fd, err, existed;

	if (c->bad)
		return E_ARGS;
	if (!(flags = open_flags(mode, mlen)))
		return FS_EINVAL;
	existed = fs_lookup(fs, path, len, &h) == FS_OK && fs_stat(fs, h, &before) == FS_OK;
	if ((err = fs_fd_open(c->s->ft, c->client, path, len, flags, c->now, &fd)))
		return err;
	if ((!existed && (flags & FS_O_CREATE)) || ((flags & FS_O_TRUNC) && before.size > 0))
		disk_access(c, 0);
	c->sl->watch = c->client;
	results(c, 1);
	wire_put_i64(c->w, fd);
	return DONE;
}

/* A descriptor argument: anything outside int is a descriptor nobody has. */
static int arg_fd(struct call *c)
{
	int64_t fd = arg_int(c);

	return fd < 0 || fd > INT32_MAX ? -1 : (int)fd;
}

static int do_close(struct call *c)
{
	int fd = arg_fd(c), err;

	if (c->bad)
		return E_ARGS;
	if ((err = fs_fd_close(c->s->ft, c->client, fd)))
		return err;
	results(c, 1);
	wire_put_bool(c->w, 1);
	return DONE;
}

static int do_fd_read(struct call *c)
{
	int fd = arg_fd(c);
	int64_t count = arg_int(c);

	if (c->bad)
		return E_ARGS;
	if (count < 0)
		return FS_EINVAL;
	return read_common(c, 0, 0, count, fd < 0 ? INT32_MAX : fd);
}

static int do_fd_write(struct call *c)
{
	int fd = arg_fd(c), err;
	size_t len;
	const char *data = arg_blob(c, &len, "string");

	if (c->bad)
		return E_ARGS;
	if ((err = fs_fd_write(c->s->ft, c->client, fd, data, len, c->now)))
		return err;
	if (len)
		disk_access(c, len);
	results(c, 1);
	wire_put_i64(c->w, (int64_t)len);
	return DONE;
}

/* The interface, in method-id order (ids from 1): sorted by name, as
 * rpc.serve numbers its handlers. */
static const struct method {
	const char *name;
	int (*fn)(struct call *c);
	int stateful;       /* by descriptor: refused by a stateless server */
} methods[] = {
	{ "close", do_close, 1 },       { "create", do_create, 0 }, { "fd_read", do_fd_read, 1 },
	{ "fd_write", do_fd_write, 1 }, { "lookup", do_lookup, 0 }, { "mkdir", do_mkdir, 0 },
	{ "open", do_open, 1 },         { "read", do_read, 0 },     { "readdir", do_readdir, 0 },
	{ "stat", do_stat, 0 },         { "truncate", do_truncate, 0 },
	{ "unlink", do_unlink, 0 },     { "write", do_write, 0 },
};
#define NMETHODS ((int32_t)(sizeof methods / sizeof methods[0]))

/* ---- requests and replies ---- */

/* Start the reply in w (empty). */
static void reply_header(struct wbuf *w, int64_t id, int32_t status)
{
	wire_put_i32(w, RPC_REPLY);
	wire_put_i64(w, id);
	wire_put_i32(w, status);
}

/* A failure: status and its one reason, in place of what w held. */
static void reply_failure(struct wbuf *w, int64_t id, int32_t status, const char *why)
{
	wbuf_free(w);
	reply_header(w, id, status);
	wire_put_array(w, 1);
	wire_put_string(w, why, strlen(why));
}

/* Method 0: the method names, the default semantics and protocol, and what
 * this server is (rpc.bind keeps the last for fs.*). */
static void put_interface(struct wbuf *w, const struct fsrv_config *cfg)
{
	const char *arch = fsrv_arch_name(cfg->arch), *mode = cfg->stateless ? "stateless" : "stateful";

	wire_put_array(w, 4);
	wire_put_array(w, (uint32_t)NMETHODS);
	for (int32_t i = 0; i < NMETHODS; i++)
		wire_put_string(w, methods[i].name, strlen(methods[i].name));
	wire_put_string(w, "maybe", 5);
	wire_put_string(w, "RR", 2);
	wire_put_table(w, 3);
	wire_put_string(w, "arch", 4);
	wire_put_string(w, arch, strlen(arch));
	wire_put_string(w, "kind", 4);
	wire_put_string(w, "file", 4);
	wire_put_string(w, "mode", 4);
	wire_put_string(w, mode, strlen(mode));
}

/* Run method id (1 .. NMETHODS) of the request whose arguments r holds;
 * the reply in w. */
static void run_method(struct thread *self, struct call *c, int32_t id, int64_t rid)
{
	const struct method *mt = &methods[id - 1];
	struct fsrv_shared *sh = c->s->sh;
	int err;

	c->method = mt->name;
	if (mt->stateful && !c->s->ft)
		err = E_STATELESS;
	else
		err = mt->fn(c);
	uk_rpc_executed(self, sh->cfg.name, mt->name);
	if (err == DONE && !c->w->err)
		return;
	sh->failed++;
	c->sl->disk = 0;
	c->sl->watch = 0;
	if (err == E_ARGS)
		reply_failure(c->w, rid, RPC_EARGS, c->why);
	else if (err == E_STATELESS)
		reply_failure(c->w, rid, RPC_EHANDLER, "stateless server");
	else
		reply_failure(c->w, rid, RPC_EHANDLER, fs_strerror(err ? err : FS_ENOMEM));
}

/* The message in w, or NULL when it could not be built. */
static struct msg *to_msg(struct wbuf *w)
{
	struct msg *m = w->err ? NULL : msg_new((uint32_t)w->len);

	if (m) {
		memcpy(m->data, w->p, w->len);
		m->nvalues = w->values;
		m->nnums = w->numbers;
	}
	wbuf_free(w);
	return m;
}

/* Where the reply to m goes: its send-once right, or the port an
 * asynchronous request carries. 0: nobody waits. */
static void destination(struct fsrv_slot *sl, const struct msg *m)
{
	sl->async = 0;
	sl->to = m->reply_name;
	if (!m->reply_name && m->nrights == 1) {
		sl->to = m->names[0];
		sl->async = 1;
	}
}

void fsrv_serve(struct thread *self, struct fsrv_slot *sl, uint64_t now)
{
	struct fsrv *s = sl->s;
	struct msg *m = sl->req;
	struct wreader r;
	struct wbuf w;
	struct call c = { .s = s, .sl = sl, .client = m->sender_pid, .now = now, .r = &r, .w = &w };
	int32_t type, method = -1, proto = RPC_RR;
	int64_t id = 0, nargs = -1;

	sl->req = NULL;
	sl->reply = NULL;
	sl->disk = 0;
	sl->watch = 0;
	wbuf_init(&w, WIRE_LITTLE);
	destination(sl, m);
	wreader_init(&r, m->data, m->size, WIRE_LITTLE);
	type = wire_get_i32(&r);
	if (type == RPC_REQUEST) {
		id = wire_get_i64(&r);
		wire_get_string(&r, NULL);   /* the service name the client meant */
		method = wire_get_i32(&r);
		proto = wire_get_i32(&r);
		nargs = wire_get_array(&r);
	}
	if (!r.err && (type == RPC_ACK || type == RPC_REPLY)) {
		/* no reply history to drop, nobody to answer */
		sl->to = 0;
	} else if (r.err || type != RPC_REQUEST) {
		char why[96];
		snprintf(why, sizeof why, "malformed request: %s",
			 r.err ? r.err : "not a message of the RPC protocol");
		reply_failure(&w, id, RPC_EMALFORMED, why);
		sl->reply = sl->to ? to_msg(&w) : NULL;
		wbuf_free(&w);
		s->sh->requests++;
		s->sh->failed++;
	} else {
		reply_header(&w, id, RPC_OK);
		c.nargs = (uint32_t)nargs;
		if (method == RPC_METHOD_INTERFACE) {
			put_interface(&w, &s->sh->cfg);
		} else if (method < 1 || method > NMETHODS) {
			char why[64];
			snprintf(why, sizeof why, "no method with id %d", (int)method);
			reply_failure(&w, id, RPC_ENOMETHOD, why);
			s->sh->failed++;
		} else {
			run_method(self, &c, method, id);
		}
		s->sh->requests++;
		if (proto == RPC_R)
			sl->to = 0;   /* request only: nobody waits for an answer */
		sl->reply = sl->to ? to_msg(&w) : NULL;
		wbuf_free(&w);
	}
	msg_free(m);
}
