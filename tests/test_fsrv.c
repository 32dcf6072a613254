/*
 * test_fsrv.c - unit tests for the file server process (servers/file/fsrv*.c)
 * driven through the kernel by C clients speaking the RPC protocol: the
 * four structures' exact timings against the disk, the disk's bandwidth,
 * descriptors closed when a client ends, and crash and restart through the
 * respawn hook (the file system survives, the open-file table does not,
 * the new incarnation is found under the same name).
 *
 * The one idea, as in test_ipc.c: "zero" costs (only the service time and
 * the disk make time pass), bodies that note what they get with virtual
 * timestamps, exact sequences asserted after the run. The machine has four
 * CPUs under fifo, so that no thread ever waits for a CPU: the timings are
 * those of the server's structure and the disk alone.
 * A client binds as rpc.bind does: lookup, then the interface (method 0),
 * and calls methods by name.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "file/fs.h"
#include "file/fsrv.h"
#include "harness.h"
#include "ipc_world.h"
#include "machine.h"
#include "msg.h"
#include "proc.h"
#include "rpc_proto.h"
#include "srvstat.h"
#include "thread.h"
#include "uk.h"
#include "wire.h"

#define METHODS_MAX 16

/* A client's binding to the file server. */
struct fsc {
	int32_t port;
	char names[METHODS_MAX][16];
	int n;
	int64_t next_id;
};

/* What a test shares with its bodies. */
struct fsw {
	struct world w;
	struct proc *server;     /* the first incarnation */
	struct proc *second;     /* made by the respawn hook */
	uint64_t crash_ns;       /* when the crasher kills the server */
	uint64_t handle;         /* a handle a client kept from before a crash */
};

/* An argument of a call: an integer or a string. */
struct arg {
	int is_str;
	int64_t i;
	const char *s;
};
#define I(v) ((struct arg){ 0, (int64_t)(v), NULL })
#define S(v) ((struct arg){ 1, 0, (v) })
#define ARGS(...) (const struct arg[]){ __VA_ARGS__ }, \
	sizeof((const struct arg[]){ __VA_ARGS__ }) / sizeof(struct arg)

/* Call method (by name; "" for the interface) with the n arguments at a.
 * Returns the reply's status, or -1 - the kernel's error; *reply holds the
 * reply (NULL on a kernel error) and r its results array. */
static int fsc_call(struct thread *self, struct fsc *c, const char *method, struct msg **reply,
		    struct wreader *r, const struct arg *a, size_t n)
{
	int32_t id = RPC_METHOD_INTERFACE;
	struct wbuf w;
	struct msg *m;
	int err;

	for (int i = 0; i < c->n && method[0]; i++)
		if (strcmp(c->names[i], method) == 0)
			id = i + 1;
	wbuf_init(&w, WIRE_LITTLE);
	wire_put_i32(&w, RPC_REQUEST);
	wire_put_i64(&w, ++c->next_id);
	wire_put_string(&w, "file", 4);
	wire_put_i32(&w, id);
	wire_put_i32(&w, RPC_RR);
	wire_put_array(&w, (uint32_t)n);
	for (size_t k = 0; k < n; k++) {
		if (a[k].is_str)
			wire_put_string(&w, a[k].s, strlen(a[k].s));
		else
			wire_put_i64(&w, a[k].i);
	}
	m = msg_new((uint32_t)w.len);
	memcpy(m->data, w.p, w.len);
	m->nvalues = w.values;
	wbuf_free(&w);
	*reply = uk_call(self, c->port, m, UK_FOREVER, &err);
	if (!*reply)
		return -1 - err;
	wreader_init(r, (*reply)->data, (*reply)->size, WIRE_LITTLE);
	wire_get_i32(r);
	wire_get_i64(r);
	err = wire_get_i32(r);
	wire_get_array(r);
	return err;
}

/* Look the server up and fetch its interface. UK_OK or an error. */
static int fsc_bind(struct thread *self, struct fsc *c)
{
	struct wreader r;
	struct msg *reply;
	int64_t n;

	c->n = 0;
	if (h_lookup(self, "file", &c->port) != UK_OK ||
	    fsc_call(self, c, "", &reply, &r, NULL, 0) != RPC_OK)
		return UK_ENOENT;
	n = wire_get_array(&r);
	for (int64_t i = 0; i < n && i < METHODS_MAX; i++) {
		size_t len;
		const char *s = wire_get_string(&r, &len);
		snprintf(c->names[i], sizeof c->names[i], "%.*s", (int)len, s);
		c->n++;
	}
	msg_free(reply);
	return UK_OK;
}

/* Call a method whose one result is an integer: the integer, or - the
 * status (-100 - 1 - err for the kernel's errors). A boolean true is 1. */
static int64_t fsc_int(struct thread *self, struct fsc *c, const char *method,
		       const struct arg *a, size_t n)
{
	struct wreader r;
	struct msg *reply;
	int st = fsc_call(self, c, method, &reply, &r, a, n);
	int64_t v;

	if (st < 0)
		return -100 + st;
	if (st != RPC_OK) {
		msg_free(reply);
		return -st;
	}
	v = wire_peek(&r) == WT_TRUE ? 1 : wire_get_i64(&r);
	msg_free(reply);
	return v;
}

/* Read through fd (or, when fd < 0, handle h at offset 0): 1 if the bytes
 * equal want, 0 if not, or - the status. */
static int64_t fsc_read_is(struct thread *self, struct fsc *c, int64_t fd, uint64_t h,
			   const char *want)
{
	struct wreader r;
	struct msg *reply;
	const void *p;
	size_t len;
	int st = fd >= 0 ? fsc_call(self, c, "fd_read", &reply, &r, ARGS(I(fd), I(64)))
			 : fsc_call(self, c, "read", &reply, &r, ARGS(I(h), I(0), I(64)));

	if (st < 0)
		return -100 + st;
	if (st != RPC_OK) {
		msg_free(reply);
		return -st;
	}
	p = wire_get_bytes(&r, &len);
	st = p && len == strlen(want) && memcmp(p, want, len) == 0;
	msg_free(reply);
	return st;
}

/* The handle of path (lookup's first result), or 0. */
static uint64_t fsc_handle(struct thread *self, struct fsc *c, const char *path)
{
	struct wreader r;
	struct msg *reply;
	uint64_t h = 0;

	if (fsc_call(self, c, "lookup", &reply, &r, ARGS(S(path))) == RPC_OK)
		h = (uint64_t)wire_get_i64(&r);
	if (reply)
		msg_free(reply);
	return h;
}

/* A machine with the name server and a file server holding /motd. */
static struct machine *fs_machine(void **state, struct fsw *t, enum fsrv_arch arch, int stateless,
				  uint64_t service_ns)
{
	struct machine *m = world_machine(state, 4);
	struct fsrv_config cfg = { .arch = arch, .workers = 2, .stateless = stateless,
				   .access_ns = 5 * MS, .service_ns = service_ns };
	struct fs_seed seed[] = { { "/motd", 5, "hello", 5 } };
	struct fs *fs = fs_new(NULL);
	size_t bad;

	assert_non_null(fs);
	assert_int_equal(fs_seed(fs, seed, 1, 0, &bad), FS_OK);
	strcpy(cfg.name, "file");
	t->server = fsrv_install(m, &cfg, fs);
	assert_non_null(t->server);
	return m;
}

/* --- the structures against the disk --- */

static void reader(struct thread *self, void *arg)
{
	struct fsw *t = arg;
	struct fsc c = { .next_id = 0 };

	if (fsc_bind(self, &c) != UK_OK)
		t->w.bad++;
	uk_sleep(self, 100 * MS - uk_now(self));
	h_note(&t->w.lg, self, "read", fsc_read_is(self, &c, -1, fsc_handle(self, &c, "/motd"), "hello"));
}

static void stater(struct thread *self, void *arg)
{
	struct fsw *t = arg;
	struct fsc c = { .next_id = 0 };

	if (fsc_bind(self, &c) != UK_OK)
		t->w.bad++;
	uk_sleep(self, 100 * MS - uk_now(self));
	h_note(&t->w.lg, self, "stat", fsc_handle(self, &c, "/motd") != 0);
}

/* Two reads (the lookup is answered from memory, the read goes to the
 * disk) and a lookup arrive together at 100 ms; each request costs 1 ms
 * of CPU and a disk access 5 ms. The disk serves one at a time in every
 * structure; what differs is who waits for whom. */
static void run_three(void **state, enum fsrv_arch arch, const struct h_event *want)
{
	struct fsw t = { .server = NULL };
	struct machine *m = fs_machine(state, &t, arch, 0, 1 * MS);

	add(m, "a", 0, reader, &t.w, 0);
	add(m, "b", 0, reader, &t.w, 0);
	add(m, "c", 0, stater, &t.w, 0);
	FINISH(m, &t.w, OUT_COMPLETED);
	h_expect(&t.w.lg, want, 3);
	assert_int_equal(srvstat_get(m->srv[0], "disk_requests"), 2);
	assert_int_equal(srvstat_get(m->srv[0], "disk_busy_ns"), 10 * MS);
}

/* Threads the file server's processes made. */
static unsigned server_threads(const struct machine *m)
{
	unsigned n = 0;

	for (uint32_t i = 0; i < m->nthreads; i++)
		n += strcmp(m->threads[i]->p->name, "file") == 0;
	return n;
}

/* single: one request at a time, in arrival order. The lookups of a, b
 * and c: 100-101, 101-102, 102-103 (c is done). a's read came at 101: CPU
 * 103-104, disk 104-109; b's came at 102: CPU 109-110, disk 110-115. */
static void test_single(void **state)
{
	static const struct h_event want[] = {
		{ 103 * MS, "stat", 1 }, { 109 * MS, "read", 1 }, { 115 * MS, "read", 1 },
	};
	run_three(state, FSRV_SINGLE, want);
	assert_int_equal(srvstat_get(((struct machine *)*state)->srv[0], "max_in_service"), 1);
}

/* pool of 2: a's and b's lookups 100-101 side by side; then one thread
 * takes c's lookup (101-102) while the other takes a's read (CPU 101-102,
 * disk 102-107); the first then takes b's read (CPU 102-103), whose disk
 * request waits for a's: 107-112. */
static void test_pool(void **state)
{
	static const struct h_event want[] = {
		{ 102 * MS, "stat", 1 }, { 107 * MS, "read", 1 }, { 112 * MS, "read", 1 },
	};
	run_three(state, FSRV_POOL, want);
	assert_int_equal(server_threads(*state), 2);
}

/* thread-per-request: a thread each, all at once: the three lookups
 * 100-101, both reads 101-102, then the disk one after the other. */
static void test_thread_per_request(void **state)
{
	static const struct h_event want[] = {
		{ 101 * MS, "stat", 1 }, { 107 * MS, "read", 1 }, { 112 * MS, "read", 1 },
	};
	run_three(state, FSRV_THREAD_PER_REQUEST, want);
	/* the dispatcher, and one thread for each of the 3 binds and 5 requests */
	assert_int_equal(server_threads(*state), 1 + 3 + 5);
}

/* event-driven: one thread, so its CPU work is serial as in single (the
 * lookups 100-103, a's read 103-104, b's 104-105), but it never waits for
 * the disk: b's read reaches the disk while a's is there (done 109, 114). */
static void test_event_driven(void **state)
{
	static const struct h_event want[] = {
		{ 103 * MS, "stat", 1 }, { 109 * MS, "read", 1 }, { 114 * MS, "read", 1 },
	};
	run_three(state, FSRV_EVENT, want);
	assert_int_equal(server_threads(*state), 1);
}

/* --- the disk's bandwidth --- */

static void big_reader(struct thread *self, void *arg)
{
	struct fsw *t = arg;
	struct fsc c = { .next_id = 0 };
	uint64_t h, t0;

	if (fsc_bind(self, &c) != UK_OK)
		t->w.bad++;
	h = (uint64_t)fsc_int(self, &c, "create", ARGS(S("/big")));
	t0 = uk_now(self);
	h_note(&t->w.lg, self, "create took", (int64_t)(t0 - 0));
	{
		static char data[4097];
		struct wreader r;
		struct msg *reply;
		memset(data, 'x', 4096);
		fsc_call(self, &c, "write", &reply, &r, ARGS(I(h), I(0), S(data)));
		h_note(&t->w.lg, self, "wrote", wire_get_i64(&r));
		msg_free(reply);
	}
	h_note(&t->w.lg, self, "write took", (int64_t)(uk_now(self) - t0));
}

/* 4096 bytes at 125 MB/s (8000 ps per byte): 32 768 ns of transfer after
 * the 5 ms access; a create is an access of no bytes. */
static void test_bandwidth(void **state)
{
	struct fsw t = { .server = NULL };
	struct machine *m = world_machine(state, 1);
	struct fsrv_config cfg = { .arch = FSRV_SINGLE, .access_ns = 5 * MS, .ps_per_byte = 8000 };
	struct fs *fs = fs_new(NULL);

	strcpy(cfg.name, "file");
	assert_non_null(fsrv_install(m, &cfg, fs));
	add(m, "c", 0, big_reader, &t.w, 0);
	FINISH(m, &t.w, OUT_COMPLETED);
	H_EXPECT(&t.w.lg, { 5 * MS, "create took", 5 * MS }, { 10 * MS + 32768, "wrote", 4096 },
		 { 10 * MS + 32768, "write took", 5 * MS + 32768 });
}

/* --- descriptors of a client that ends --- */

static void leaver(struct thread *self, void *arg)
{
	struct fsw *t = arg;
	struct fsc c = { .next_id = 0 };

	if (fsc_bind(self, &c) != UK_OK)
		t->w.bad++;
	h_note(&t->w.lg, self, "open", fsc_int(self, &c, "open", ARGS(S("/motd"), S("r"))));
	h_note(&t->w.lg, self, "open", fsc_int(self, &c, "open", ARGS(S("/motd"), S("r"))));
	/* ends with both open */
}

static void later(struct thread *self, void *arg)
{
	(void)arg;
	uk_sleep(self, 50 * MS);
}

/* The server asks for an exit notice on a client's first open, and closes
 * what the client left open when it ends. */
static void test_closed_on_exit(void **state)
{
	struct fsw t = { .server = NULL };
	struct machine *m = fs_machine(state, &t, FSRV_SINGLE, 0, 0);

	add(m, "leaver", 0, leaver, &t.w, 0);
	add(m, "later", 0, later, &t.w, 0);
	FINISH(m, &t.w, OUT_COMPLETED);
	H_EXPECT(&t.w.lg, { 0, "open", 3 }, { 0, "open", 4 });
	assert_int_equal(srvstat_get(m->srv[0], "closed_on_exit"), 2);
}

/* --- crash and restart through the respawn hook --- */

/* At crash_ns the server's process is killed and a new incarnation made
 * with p->respawn, as fault { crash, restart_after = 0 } does. */
static void crasher(struct thread *self, void *arg)
{
	struct fsw *t = arg;

	uk_sleep(self, t->crash_ns);
	proc_exit(t->server, 1, 0);
	t->second = t->server->respawn(t->server);
	if (!t->second)
		t->w.bad++;
}

static void before_after(struct thread *self, void *arg)
{
	struct fsw *t = arg;
	struct fsc c = { .next_id = 0 };
	int64_t fd;

	if (fsc_bind(self, &c) != UK_OK)
		t->w.bad++;
	fd = fsc_int(self, &c, "open", ARGS(S("/new"), S("w")));
	h_note(&t->w.lg, self, "open", fd);
	h_note(&t->w.lg, self, "write", fsc_int(self, &c, "fd_write", ARGS(I(fd), S("kept"))));
	t->handle = fsc_handle(self, &c, "/new");
	uk_sleep(self, 20 * MS - uk_now(self));
	/* the old port is dead */
	h_note(&t->w.lg, self, "old port", fsc_int(self, &c, "close", ARGS(I(fd))));
	h_note(&t->w.lg, self, "rebind", fsc_bind(self, &c));
	/* the open-file table was the process's: gone */
	h_note(&t->w.lg, self, "old fd", fsc_int(self, &c, "close", ARGS(I(fd))));
	/* the file system was the disk's: kept, and the handle still good */
	h_note(&t->w.lg, self, "by handle", fsc_read_is(self, &c, -1, t->handle, "kept"));
	fd = fsc_int(self, &c, "open", ARGS(S("/new"), S("r")));
	h_note(&t->w.lg, self, "reopen", fd);
	h_note(&t->w.lg, self, "read", fsc_read_is(self, &c, fd, 0, "kept"));
}

static void test_respawn(void **state)
{
	struct fsw t = { .crash_ns = 15 * MS };
	struct machine *m = fs_machine(state, &t, FSRV_POOL, 0, 0);

	add(m, "client", 0, before_after, &t.w, 0);
	add(m, "crasher", 0, crasher, &t.w, 0);
	FINISH(m, &t.w, OUT_COMPLETED);
	/* an open that creates and a write each wait 5 ms for the disk */
	H_EXPECT(&t.w.lg, { 5 * MS, "open", 3 }, { 10 * MS, "write", 4 },
		 { 20 * MS, "old port", -100 - 1 - UK_EDEADPORT }, { 20 * MS, "rebind", UK_OK },
		 { 20 * MS, "old fd", -RPC_EHANDLER }, { 25 * MS, "by handle", 1 },
		 { 25 * MS, "reopen", 3 }, { 30 * MS, "read", 1 });
	assert_non_null(t.second);
	assert_int_equal(t.second->incarnation, 2);
	assert_string_equal(t.second->name, "file");
	assert_int_equal(t.second->state, P_LIVE);
	assert_int_equal(t.server->state, P_EXITED);
	assert_int_equal(srvstat_get(m->srv[0], "incarnations"), 2);
	assert_int_equal(m->nsrv, 1);
}

static void waiting_reader(struct thread *self, void *arg)
{
	struct fsw *t = arg;
	struct fsc c = { .next_id = 0 };
	uint64_t h;

	if (fsc_bind(self, &c) != UK_OK)
		t->w.bad++;
	h = fsc_handle(self, &c, "/motd");
	uk_sleep(self, 8 * MS - uk_now(self));
	/* its read is at the disk (done at 13 ms) when the server dies at 10 */
	h_note(&t->w.lg, self, "cut short", fsc_read_is(self, &c, -1, h, "hello"));
	uk_sleep(self, 20 * MS - uk_now(self));
	h_note(&t->w.lg, self, "rebind", fsc_bind(self, &c));
	h_note(&t->w.lg, self, "again", fsc_read_is(self, &c, -1, h, "hello"));
}

/* A crash while requests wait for the disk: the caller learns "dead port"
 * at once; the event-driven server's timer notice, still due, is
 * discarded with its dead port (and under the sanitizers, nothing the
 * dead incarnation held leaks). The disk itself keeps its schedule. */
static void crash_at_disk(void **state, enum fsrv_arch arch)
{
	struct fsw t = { .crash_ns = 10 * MS };
	struct machine *m = fs_machine(state, &t, arch, 1, 0);

	add(m, "client", 0, waiting_reader, &t.w, 0);
	add(m, "crasher", 0, crasher, &t.w, 0);
	FINISH(m, &t.w, OUT_COMPLETED);
	/* the disk was still busy with the lost request until 13 ms */
	H_EXPECT(&t.w.lg, { 10 * MS, "cut short", -100 - 1 - UK_EDEADPORT },
		 { 20 * MS, "rebind", UK_OK }, { 25 * MS, "again", 1 });
}

static void test_crash_at_disk_event(void **state)
{
	crash_at_disk(state, FSRV_EVENT);
}

static void test_crash_at_disk_single(void **state)
{
	crash_at_disk(state, FSRV_SINGLE);
}

static void test_crash_at_disk_tpr(void **state)
{
	crash_at_disk(state, FSRV_THREAD_PER_REQUEST);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		H_TEST(test_single),
		H_TEST(test_pool),
		H_TEST(test_thread_per_request),
		H_TEST(test_event_driven),
		H_TEST(test_bandwidth),
		H_TEST(test_closed_on_exit),
		H_TEST(test_respawn),
		H_TEST(test_crash_at_disk_event),
		H_TEST(test_crash_at_disk_single),
		H_TEST(test_crash_at_disk_tpr),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
