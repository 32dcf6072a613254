/*
 * fuzz_decl.c - fuzz target "decl": the scenario declarations (machine,
 * process, job, server, fault, param) fed fuzzed values through a fixed
 * template, so that the fuzzer spends its time on the values the loader
 * checks rather than on Lua syntax.
 *
 * Input: a stream of choices. Each declaration takes one byte for its kind
 * and one for its number of fields; each field a byte for its key (one of
 * the declaration's known keys, now and then an unknown one) and a value:
 * nil, a boolean, an integer (small, or any 64-bit one), a float (any 64
 * bits: NaN, infinities, -0.0, denormals), a duration or rate as people
 * write them ("-1.5ms", "50us/s", "20ppm", "3x"), a word the API knows
 * ("many-to-many", "at-most-once", a declared process's name), a string
 * of raw bytes, a function, a handle an earlier declaration returned, or a
 * list or table of such values. The text reads, for instance,
 *
 *   local h1 = process { "p1", main = function() end, start = "2.5us", lwps = -3 }
 *   local h2 = fault { crash = h1, at = 0x1.8p+3, every = "1ms", count = {} }
 *
 * and is loaded and built as fuzz_scenario does (fuzz_lua.c), with the
 * same properties. Missing bytes read as zeros, so every input is a
 * scenario.
 */
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "fuzz.h"
#include "fuzz_lua.h"

enum { MAX_DECLS = 8, MAX_FIELDS = 10, MAX_DEPTH = 3, TEXT_MAX = 64 * 1024 };

/* The choices, a byte at a time; zeros once they run out. */
struct choices {
	const uint8_t *p;
	size_t left;
};

static unsigned byte(struct choices *c)
{
	if (!c->left)
		return 0;
	c->left--;
	return *c->p++;
}

static uint64_t word(struct choices *c)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | byte(c);
	return v;
}

/* The scenario text being written; output past TEXT_MAX is dropped, and
 * the declaration it cuts short is then a syntax error like any other. */
struct text {
	char buf[TEXT_MAX];
	size_t len;
};

static void put(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (t->len >= sizeof t->buf - 1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(t->buf + t->len, sizeof t->buf - t->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		t->len = t->len + (size_t)n < sizeof t->buf ? t->len + (size_t)n : sizeof t->buf - 1;
}

/* ---- the declarations and their keys ---- */

static const char *const machine_keys[] = {
	"cpus", "sched", "quantum", "costs", "qlimit", "seed", "threads", "lwps", "activations",
	"user_quantum", "aging", "queues", "allotment", "boost", "io_stay", "io_front", "latency",
	"min_granularity", "switch", "io_done", "io_length", "balance", "balance_every", "drift",
	"offset", NULL,
};
static const char *const process_keys[] = {
	"name", "main", "start", "daemon", "priority", "tickets", "nice", "affinity", "threads",
	"lwps", "activations", "user_quantum", "byte_order", "drift", "offset", NULL,
};
static const char *const job_keys[] = {
	"name", "arrive", "run", "io_every", "io_time", "priority", "tickets", "nice", "affinity",
	"program", NULL,
};
static const char *const server_keys[] = { "drift", "offset", NULL };
static const char *const fault_keys[] = {
	"name", "process", "drop", "duplicate", "delay", "jitter", "crash", "at", "restart_after",
	"every", "count", "check", "backoff_max", NULL,
};
/* Keys of a costs table and of a scheduler written in Lua. */
static const char *const inner_keys[] = {
	"profile", "trap", "kernel_switch", "as_switch", "user_switch", "upcall", "msg",
	"copy_kernel", "copy_stub", "marshal_arg", "page_fault", "page_copy", "proc_call",
	"lrpc_transfer", "disk", "migrate", "byteswap", "pick", "add", "remove", "tick", "quantum",
	"name", NULL,
};

enum decl_kind { D_MACHINE, D_PROCESS, D_JOB, D_SERVER, D_FAULT, D_PARAM, D_COUNT };

static const struct decl {
	const char *fn;
	const char *const *keys;
	int named;          /* takes a name as its first, positional, element */
} decls[D_COUNT] = {
	[D_MACHINE] = { "machine", machine_keys, 0 },
	[D_PROCESS] = { "process", process_keys, 1 },
	[D_JOB] = { "job", job_keys, 1 },
	[D_SERVER] = { "server", server_keys, 1 },
	[D_FAULT] = { "fault", fault_keys, 0 },
	[D_PARAM] = { "param", NULL, 0 },
};

/* Words the declarations take as values. */
static const char *const words[] = {
	"rr", "fifo", "sjf", "stcf", "priority", "mlfq", "lottery", "stride", "cfs", "process-run",
	"one-to-one", "many-to-one", "many-to-many", "modern", "zero", "firefly-1990", "little",
	"big", "on-io", "on-end", "later", "immediate", "global", "per-cpu", "stealing",
	"periodic", "none", "time", "name", "file", "c3,i,c1", "c1", "i", "c100000,i", "c0",
	"at-most-once", "at-least-once", "maybe", "p1", "p2", "p3", "j1", "",
};
static const char *const units[] = {
	"", "ns", "us", "ms", "s", "m", "ppm", "ppb", "us/s", "ms/s", "ns/ms", "/s", "x",
};
static const char *const functions[] = {
	"function() end",
	"function() compute(1) end",
	"function() error('body') end",
	"function() return 1 end",
	"function(...) return select('#', ...) end",
	"print",
};

static size_t count(const char *const *v)
{
	size_t n = 0;

	while (v[n])
		n++;
	return n;
}

#define NELEMS(a) (sizeof(a) / sizeof((a)[0]))

/* ---- values ---- */

static void value(struct text *t, struct choices *c, int depth, int handles);

static void put_float(struct text *t, double d)
{
	if (isnan(d))
		put(t, "(0/0)");
	else if (isinf(d))
		put(t, d < 0 ? "(-1/0)" : "(1/0)");
	else
		put(t, "%a", d);
}

static void put_integer(struct text *t, int64_t v)
{
	if (v == INT64_MIN)
		put(t, "math.mininteger");
	else
		put(t, "%" PRId64, v);
}

/* A number with an optional sign, fraction and unit: "-1.5ms", "20ppm". */
static void put_duration(struct text *t, struct choices *c)
{
	unsigned shape = byte(c), digits = byte(c) % 24 + 1;

	put(t, "\"%s", shape & 1 ? "-" : shape & 2 ? "+" : "");
	for (unsigned i = 0; i < digits; i++) {
		if (i == digits / 2 && (shape & 4) && i > 0)
			put(t, ".");
		put(t, "%u", byte(c) % 10);
	}
	put(t, "%s\"", units[(shape >> 3) % NELEMS(units)]);
}

/* A string of raw bytes, each written as \ddd. */
static void put_raw(struct text *t, struct choices *c)
{
	unsigned n = byte(c) % 24;

	put(t, "\"");
	for (unsigned i = 0; i < n; i++)
		put(t, "\\%u", byte(c));
	put(t, "\"");
}

/* A list { v, ... } or a table { key = v, ... } (keys of a costs table or
 * a Lua scheduler). */
static void put_table(struct text *t, struct choices *c, int depth, int handles)
{
	unsigned shape = byte(c), n = shape % 6;

	put(t, "{ ");
	for (unsigned i = 0; i < n; i++) {
		if (shape & 0x80)
			put(t, "%s = ", inner_keys[byte(c) % count(inner_keys)]);
		value(t, c, depth + 1, handles);
		put(t, ", ");
	}
	put(t, "}");
}

/* handles: how many declarations before this one returned h1, h2, ... */
static void value(struct text *t, struct choices *c, int depth, int handles)
{
	switch (byte(c) % 13) {
	case 0: put(t, "nil"); break;
	case 1: put(t, byte(c) & 1 ? "true" : "false"); break;
	case 2: put(t, "%d", (int)(int8_t)byte(c)); break;
	case 3: put_integer(t, (int64_t)word(c)); break;
	case 4: {
		uint64_t bits = word(c);
		double d;
		memcpy(&d, &bits, sizeof d);
		put_float(t, d);
		break;
	}
	case 5: case 6: put_duration(t, c); break;
	case 7: case 8: put(t, "\"%s\"", words[byte(c) % NELEMS(words)]); break;
	case 9: put_raw(t, c); break;
	case 10: put(t, "%s", functions[byte(c) % NELEMS(functions)]); break;
	case 11:
		if (handles > 0)
			put(t, "h%u", byte(c) % (unsigned)handles + 1);
		else
			put(t, "nil");
		break;
	default:
		if (depth < MAX_DEPTH)
			put_table(t, c, depth, handles);
		else
			put(t, "{}");
		break;
	}
}

/* One declaration, returning into local hN (N = handles + 1). */
static void declaration(struct text *t, struct choices *c, int handles, int *named)
{
	unsigned kind = byte(c) % D_COUNT, shape = byte(c);
	const struct decl *d = &decls[kind];
	unsigned nfields = shape % (MAX_FIELDS + 1);

	put(t, "local h%d = %s", handles + 1, d->fn);
	if (kind == D_PARAM) {
		put(t, "(\"%s\", ", words[byte(c) % NELEMS(words)]);
		value(t, c, MAX_DEPTH, handles);
		put(t, ")\n");
		return;
	}
	if (kind == D_SERVER && (shape & 0x80)) {
		put(t, " \"%s\"\n", byte(c) & 1 ? "time" : "name");
		return;
	}
	put(t, " { ");
	if (d->named && !(shape & 0x40)) {
		if (kind == D_SERVER)
			put(t, "\"time\", ");
		else
			put(t, "\"%c%d\", ", kind == D_JOB ? 'j' : 'p', ++*named);
	}
	/* Most processes get a main, so that more of them get past it. */
	if (kind == D_PROCESS && !(shape & 0x20))
		put(t, "main = function() end, ");
	for (unsigned i = 0; i < nfields; i++) {
		unsigned k = byte(c), nkeys = (unsigned)count(d->keys);
		if (k % 16 == 15)
			put(t, "bogus_%u = ", k >> 4);
		else
			put(t, "%s = ", d->keys[k % nkeys]);
		value(t, c, 0, handles);
		put(t, ", ");
	}
	put(t, "}\n");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct text t;
	struct choices c = { data, size };
	unsigned ndecls = byte(&c) % MAX_DECLS + 1;
	int named = 0;

	t.len = 0;
	t.buf[0] = '\0';
	for (unsigned i = 0; i < ndecls; i++)
		declaration(&t, &c, (int)i, &named);
	/* A process for the machine to run, unless the input declared one. */
	if (!named)
		put(&t, "process { \"main\", main = function() end }\n");
	if (getenv("FUZZ_DECL_SHOW"))
		fputs(t.buf, stderr);
	fuzz_load(t.buf);
	return 0;
}
