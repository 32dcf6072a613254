/*
 * mkseeds.c - the seed inputs of the fuzz targets that are made by the
 * simulator's own writers rather than by running scenarios: messages as
 * marshal_encode writes them, RPC bodies as the stubs write them
 * (wire_put_*), a trace with a record of every kind as the trace writer
 * writes it, declaration choices for fuzz_decl, and clock numbers for
 * fuzz_units. tests/fuzz/mkcorpus.sh
 * runs it (make fuzz-corpus); the output is committed in tests/fuzz/corpus.
 *
 *   mkseeds DIR     writes DIR/marshal, DIR/wire, DIR/trace, DIR/decl, DIR/units
 *
 * Exit status 0, or 1 when a file cannot be written or a value does not
 * encode.
 */
#include <errno.h>
#include <lauxlib.h>
#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lua_sys.h"
#include "marshal.h"
#include "msg.h"
#include "rpc_proto.h"
#include "trace.h"
#include "wire.h"

static const char *outdir;

static void die(const char *what, const char *why)
{
	fprintf(stderr, "mkseeds: %s: %s\n", what, why);
	exit(1);
}

static void write_seed(const char *target, const char *name, const void *p, size_t n)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", outdir, target);
	if (mkdir(path, 0777) != 0 && errno != EEXIST)
		die(path, strerror(errno));
	snprintf(path, sizeof path, "%s/%s/%s", outdir, target, name);
	if (!(f = fopen(path, "wb")) || fwrite(p, 1, n, f) != n || fclose(f) != 0)
		die(path, strerror(errno));
}

/* ---- messages (fuzz_marshal: a settings byte, then the payload) ---- */

static const struct { const char *name, *expr; } messages[] = {
	{ "hello-request", "{ text = 'hello, microkernel' }" },
	{ "hello-reply", "{ text = 'hello, microkernel', from = 'echo' }" },
	{ "ping", "{ op = 'ping', n = 1 }" },
	{ "scalars", "{ 0, -1, math.maxinteger, math.mininteger, 0.5, -0.0, 1/0, -1/0, 0/0 }" },
	{ "mixed-keys", "{ [1] = 'a', [2.5] = 'b', x = true, [true] = false, [false] = 0 }" },
	{ "bytes", "'\\0\\1\\255 binary \\n'" },
	{ "nested", "{ a = { b = { c = { d = { 'deep' } } } } }" },
	{ "many-keys", "(function() local t = {} for i = 1, 40 do t['k' .. i] = i end return t end)()" },
	{ "deepest", "(function() local t = {} for i = 1, 31 do t = { t } end return t end)()" },
	{ "nil", "nil" },
	{ "number", "42" },
	{ "ports", "{ reply = PORT1, fwd = { PORT2, PORT1 } }" },
};

/* Encode expr (PORT1, PORT2: handles of process 7) as fuzz_marshal reads it. */
static void message_seed(lua_State *L, const char *name, const char *expr)
{
	char chunk[512];
	struct msg *m;
	uint8_t *buf;
	int err = 0;

	snprintf(chunk, sizeof chunk, "return %s", expr);
	if (luaL_dostring(L, chunk) != LUA_OK)
		die(name, lua_tostring(L, -1));
	if (!(m = marshal_encode(L, -1, 7, &err)) || err)
		die(name, "does not encode");
	if (!(buf = malloc(m->size + 1u)))
		die(name, "out of memory");
	buf[0] = m->nrights;
	memcpy(buf + 1, m->data, m->size);
	write_seed("marshal", name, buf, m->size + 1u);
	free(buf);
	msg_free(m);
	lua_settop(L, 0);
}

static void message_seeds(void)
{
	lua_State *L = luaL_newstate();

	luaL_openlibs(L);
	lu_open_ipc(L);
	lu_pushport(L, 7, 3);
	lua_setglobal(L, "PORT1");
	lu_pushport(L, 7, 4);
	lua_setglobal(L, "PORT2");
	for (size_t i = 0; i < sizeof messages / sizeof messages[0]; i++)
		message_seed(L, messages[i].name, messages[i].expr);
	lua_close(L);
	msg_pool_drain();
}

/* ---- RPC bodies (fuzz_wire) ---- */

static void wire_seed(const char *name, struct wbuf *w)
{
	if (w->err)
		die(name, w->err);
	write_seed("wire", name, w->p, w->len);
	wbuf_free(w);
}

/* A request of the protocol (rpc_proto.h): target, method, protocol,
 * then the arguments, written by the caller. */
static void request(struct wbuf *w, int64_t id, const char *target, int32_t method,
		    uint32_t nargs)
{
	wbuf_init(w, WIRE_LITTLE);
	wire_put_i32(w, RPC_REQUEST);
	wire_put_i64(w, id);
	wire_put_string(w, target, strlen(target));
	wire_put_i32(w, method);
	wire_put_i32(w, RPC_RR);
	wire_put_array(w, nargs);
}

static void reply(struct wbuf *w, int64_t id, int32_t status, uint32_t nresults)
{
	wbuf_init(w, WIRE_LITTLE);
	wire_put_i32(w, RPC_REPLY);
	wire_put_i64(w, id);
	wire_put_i32(w, status);
	wire_put_array(w, nresults);
}

/* Values as the Lua stubs write them. */
static void lua_value_seed(lua_State *L, const char *name, const char *expr)
{
	char chunk[512];
	struct wbuf w;

	snprintf(chunk, sizeof chunk, "return %s", expr);
	if (luaL_dostring(L, chunk) != LUA_OK)
		die(name, lua_tostring(L, -1));
	wbuf_init(&w, WIRE_BIG);
	wire_put_lua(L, -1, &w);
	wire_seed(name, &w);
	lua_settop(L, 0);
}

static void wire_seeds(void)
{
	lua_State *L = luaL_newstate();
	struct wbuf w;

	request(&w, 1, "calc", RPC_METHOD_INTERFACE, 0);
	wire_seed("interface-request", &w);
	reply(&w, 1, RPC_OK, 2);
	wire_put_string(&w, "Add", 3);
	wire_put_string(&w, "Deposit", 7);
	wire_seed("interface-reply", &w);
	request(&w, 2, "calc", 1, 2);
	wire_put_i32(&w, 1);
	wire_put_i32(&w, 2);
	wire_seed("add-request", &w);
	reply(&w, 2, RPC_OK, 1);
	wire_put_i64(&w, 3);
	wire_seed("add-reply", &w);
	reply(&w, 3, RPC_EHANDLER, 1);
	wire_put_string(&w, "calc.lua:3: boom", 16);
	wire_seed("error-reply", &w);
	wbuf_init(&w, WIRE_LITTLE);
	wire_put_i32(&w, RPC_ACK);
	wire_put_i64(&w, 2);
	wire_seed("ack", &w);
	luaL_openlibs(L);
	lua_value_seed(L, "lua-table", "{ op = 'add', [1] = true, n = 2.5, s = '\\255\\0' }");
	lua_value_seed(L, "lua-array", "{ 10, 20, { 'x', { false } }, math.mininteger }");
	lua_value_seed(L, "lua-holes", "{ 1, nil, 3, [-1] = 0/0, [0.5] = -0.0 }");
	lua_close(L);
}

/* ---- a trace with every kind of record (fuzz_trace) ---- */

static const struct rec {
	uint64_t ns;
	unsigned kind;
	uint64_t args[TRACE_MAX_ARGS];
	const char *s;
} records[] = {
	{ 0, TR_PROC_NEW, { 1, 1 }, "name" },
	{ 0, TR_THREAD_NEW, { 1, 1 }, "name" },
	{ 0, TR_PROC_NEW, { 2, 0 }, "client" },
	{ 0, TR_THREAD_NEW, { 2, 2 }, "client" },
	{ 0, TR_THREAD_NEW, { 3, 2 }, "client.1" },
	{ 0, TR_THREAD_KIND, { 3, 1 }, NULL },
	{ 0, TR_THREAD_KIND, { 2, 2 }, NULL },
	{ 0, TR_THREAD_STATE, { 1, 0, 0, 0 }, NULL },
	{ 0, TR_THREAD_STATE, { 2, 0, 0, 0 }, NULL },
	{ 100, TR_DISPATCH, { 0, 1 }, NULL },
	{ 100, TR_THREAD_STATE, { 1, 1, 4, 0 }, NULL },
	{ 150, TR_PORT_NEW, { 5, 1, 16 }, NULL },
	{ 150, TR_PORT_LABEL, { 5 }, "name" },
	{ 200, TR_THREAD_STATE, { 1, 2, 6, 5 }, NULL },
	{ 200, TR_IDLE, { 0 }, NULL },
	{ 300, TR_DISPATCH, { 1, 2 }, NULL },
	{ 300, TR_THREAD_STATE, { 2, 1, 4, 0 }, NULL },
	{ 310, TR_USWITCH, { 2, 0, 3 }, NULL },
	{ 320, TR_UPCALL, { 2, 3, 3 }, NULL },
	{ 400, TR_MSG_SEND, { 9, 2, 5, 48, 1, 0 }, NULL },
	{ 400, TR_MSG_ENQUEUE, { 9, 5, 1 }, NULL },
	{ 400, TR_THREAD_STATE, { 2, 2, 7, 5 }, NULL },
	{ 450, TR_MSG_DELAY, { 9, 5, 1000 }, NULL },
	{ 1450, TR_MSG_DELIVER, { 9, 1, 5 }, NULL },
	{ 1450, TR_THREAD_STATE, { 1, 0, 1, 0 }, NULL },
	{ 1500, TR_NAME, { 2, 5, 2, 1 }, "echo" },
	{ 1600, TR_MSG_SEND, { 10, 1, 6, 16, 2, 9 }, NULL },
	{ 1600, TR_MSG_DROP, { 10, 6, 4 }, NULL },
	{ 1700, TR_LOG, { 2 }, "x=1 \"quoted\" \\ \t tab" },
	{ 1800, TR_FAULT, { 2, 2 }, "client.lua:4: attempt to index a nil value" },
	{ 1900, TR_CRASH, { 2, 1 }, "client" },
	{ 1900, TR_PROC_EXIT, { 2, 2147483648u + 1, 2 }, NULL },
	{ 2000, TR_RESPAWN, { 1, 2, 3, 2 }, NULL },
	{ 2000, TR_PROC_NEW, { 3, 0 }, "client" },
	{ 2100, TR_WAIT, { 1, 7, 5, 3, 0 }, NULL },
	{ 2100, TR_DEADLOCK, { 1 }, "cycle: name -> client -> name" },
	{ 2200, TR_PORT_DEAD, { 5 }, NULL },
	{ 2200, TR_THREAD_STATE, { 1, 3, 10, 0 }, NULL },
};

static void trace_seed(void)
{
	static const char *const keys[] = { "scenario", "seed", "costs", "param.n" };
	static const char *const values[] = { "kinds.lua", "1", "modern", "3" };
	char path[4096];
	struct trace_file *f;
	struct trace_sink sink;

	snprintf(path, sizeof path, "%s/trace", outdir);
	if (mkdir(path, 0777) != 0 && errno != EEXIST)
		die(path, strerror(errno));
	snprintf(path, sizeof path, "%s/trace/kinds.uktrace", outdir);
	if (!(f = trace_file_open(path, keys, values, 4)))
		die(path, strerror(errno));
	sink = trace_file_sink(f);
	for (size_t i = 0; i < sizeof records / sizeof records[0]; i++) {
		const struct rec *r = &records[i];
		sink.record(sink.ctx, r->ns, r->kind, r->args, r->s ? r->s : "",
			    r->s ? strlen(r->s) : 0);
	}
	if (trace_file_close(f) != 0)
		die(path, strerror(errno));
}

/* ---- declaration choices (fuzz_decl) ---- */

static void decl_seeds(void)
{
	/* machine { cpus = 2, sched = "rr" }; process { "p1", main, start = "3.2ms" };
	 * fault { crash = h2, at = "10ms", restart_after = "5ms" } */
	static const uint8_t crash[] = {
		2,
		0, 2, 0, 2, 2, 1, 7, 0,
		1, 1, 2, 5, 28, 1, 3, 2,
		4, 3, 6, 11, 1, 7, 5, 24, 1, 1, 0, 8, 6, 24, 0, 5,
	};
	/* job { "j1", run = 7, io_every = "2ms" } */
	static const uint8_t job[] = { 0, 2, 2, 2, 2, 7, 3, 5, 24, 0, 2 };
	/* machine { sched = "mlfq", threads = "many-to-many", queues = 3 };
	 * process { "p1", main, affinity = { 0, 1 }, lwps = 2 };
	 * server { "time", drift = "50us/s" } */
	static const uint8_t models[] = {
		2,
		0, 3, 1, 7, 5, 6, 8, 12, 11, 2, 3,
		1, 2, 7, 12, 2, 2, 0, 2, 1, 9, 2, 2,
		3, 1, 0, 5, 64, 1, 5, 0,
	};

	write_seed("decl", "crash", crash, sizeof crash);
	write_seed("decl", "job", job, sizeof job);
	write_seed("decl", "models", models, sizeof models);
}

/* ---- the clock of fuzz_units: TEXT, NUL, big-endian words ---- */

static void units_seed(const char *name, const char *text, const uint64_t *w, size_t n)
{
	uint8_t buf[256];
	size_t len = strlen(text) + 1;

	memcpy(buf, text, len);
	for (size_t i = 0; i < n && len + 8 <= sizeof buf; i++)
		for (int b = 7; b >= 0; b--)
			buf[len++] = (uint8_t)(w[i] >> (8 * b));
	write_seed("units", name, buf, len);
}

static void units_seeds(void)
{
	/* The words: a double of ms and a count of ns to print (check_duration),
	 * the offset or drift the text does not give (a drift: 10^9 - 1 above
	 * it in ppb), then per step: the operation (0 step; 1 slew, its rate in
	 * the bits above 2), a time, a value (or the slew's delta), and two
	 * pairs of times to read at. */
	static const uint64_t step[] = {
		0x3ff8000000000000ull, 1500000, 1000000, 0, 1000000, 5000000, 7, 9, 100, 200,
	};
	static const uint64_t slew[] = {
		0x4000000000000000ull, 999, 1000099999, 500000ull << 2 | 1, 2000000, (uint64_t)-3000000,
		3000000, 9000000000ull, 2000000, 8000000000ull,
	};

	units_seed("clock-step", "50us/s", step, sizeof step / sizeof step[0]);
	units_seed("clock-slew", "-3ms", slew, sizeof slew / sizeof slew[0]);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: mkseeds DIR\n");
		return 1;
	}
	outdir = argv[1];
	message_seeds();
	wire_seeds();
	trace_seed();
	decl_seeds();
	units_seeds();
	return 0;
}
