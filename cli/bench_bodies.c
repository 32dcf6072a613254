/*
 * bench_bodies.c - the workloads "ukern bench" times: two C-bodied
 * processes making message round trips or yielding to each other (timed
 * inside the bodies), and the Lua scenarios of the Lua figures (run by
 * bench_run_lua in bench.c). API: bench.h.
 */
#include <stdint.h>
#include <string.h>

#include "bench.h"
#include "body_c.h"
#include "machine.h"
#include "name/name.h"
#include "proc.h"
#include "sched.h"
#include "syscall.h"
#include "thread.h"
#include "uk.h"

/* Shared between the C bodies of one run and the bench. */
struct cshared {
	uint64_t warm, n;         /* operations: warm-up, then timed */
	uint64_t t0, t1;          /* host ns: start and end of the timed part */
	int failed;               /* a body could not do its part */
};

/* ---- C bodies ---- */

/* There is no uk_yield: post SYS_YIELD through the gate directly. */
static void bench_yield(struct thread *self)
{
	self->sc.op = SYS_YIELD;
	body_c_trap(self);
}

/* A name-server call for BENCH_SERVICE: register right (op NS_REGISTER) or
 * look it up into *found (NS_LOOKUP). Returns UK_OK or an error code. */
static int ns_call(struct thread *self, uint32_t op, int32_t right, int32_t *found)
{
	struct ns_request rq = { op, sizeof BENCH_SERVICE - 1, { 0 } };
	struct ns_reply rp = { UK_EINVAL, 0 };
	struct msg *req = msg_new(sizeof rq), *rep;
	int err;

	if (!req)
		return UK_ENOMEM;
	memcpy(rq.name, BENCH_SERVICE, sizeof BENCH_SERVICE - 1);
	memcpy(req->data, &rq, sizeof rq);
	if (right) {
		req->nrights = 1;
		req->names[0] = right;
	}
	rep = uk_call(self, UK_NAME_NAMESERVER, req, UK_FOREVER, &err);
	if (!rep)
		return err;
	if (rep->size == sizeof rp)
		memcpy(&rp, rep->data, sizeof rp);
	if (rp.err == UK_OK && found)
		*found = rep->nrights == 1 ? rep->names[0] : 0;
	msg_free(rep);
	return rp.err;
}

/* Server: a port registered as BENCH_SERVICE; echo every request, each
 * reply and the next receive in one call (uk_reply_recv), as a server loop
 * in C would. */
static void rt_server(struct thread *self, void *arg)
{
	struct cshared *sh = arg;
	struct msg *req = NULL;
	int32_t pt;
	int err;

	if (uk_port(self, UINT64_MAX, &pt) != UK_OK || ns_call(self, NS_REGISTER, pt, NULL)) {
		sh->failed = 1;
		return;
	}
	for (;;) {
		struct msg *rep;
		int32_t reply_name;

		while (!req)
			req = uk_recv(self, pt, UK_FOREVER, &err);
		rep = msg_new(req->size);
		reply_name = req->reply_name;
		if (rep)
			memcpy(rep->data, req->data, req->size);
		msg_free(req);
		req = rep ? uk_reply_recv(self, reply_name, rep, pt, UK_FOREVER, &err) : NULL;
	}
}

/* n calls of an 8-byte message on srv; 0, or -1 when one fails. */
static int round_trips(struct thread *self, int32_t srv, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++) {
		struct msg *m = msg_new(sizeof i), *r;
		int err;
		if (!m)
			return -1;
		memcpy(m->data, &i, sizeof i);
		r = uk_call(self, srv, m, UK_FOREVER, &err);
		if (!r)
			return -1;
		msg_free(r);
	}
	return 0;
}

/* Client: look the server up (it may not have registered yet), warm up, time n calls. */
static void rt_client(struct thread *self, void *arg)
{
	struct cshared *sh = arg;
	int32_t srv = 0;

	for (int i = 0; i < 100 && ns_call(self, NS_LOOKUP, 0, &srv) == UK_ENOENT; i++)
		bench_yield(self);
	if (!srv || round_trips(self, srv, sh->warm) != 0) {
		sh->failed = 1;
		return;
	}
	sh->t0 = bench_host_ns();
	if (round_trips(self, srv, sh->n) != 0)
		sh->failed = 1;
	sh->t1 = bench_host_ns();
}

/* One of two yielders: the first past the warm-up starts the clock, the last to end stops it. */
static void sw_body(struct thread *self, void *arg)
{
	struct cshared *sh = arg;

	for (uint64_t i = 0; i < sh->warm; i++)
		bench_yield(self);
	if (!sh->t0)
		sh->t0 = bench_host_ns();
	for (uint64_t i = 0; i < sh->n; i++)
		bench_yield(self);
	sh->t1 = bench_host_ns();
}

/* Declare a process with C body fn(arg). 0, or -1 when memory runs out. */
static int c_proc(struct machine *m, const char *name, body_c_fn fn, void *arg, int daemon)
{
	void *body = body_c_new(m, fn, arg);
	struct proc *p = body ? proc_new(m, name, 0, &body_c_ops, body) : NULL;

	if (!p)
		return -1;
	p->daemon = daemon;
	return 0;
}

static int rt_setup(struct machine *m, struct cshared *sh)
{
	return c_proc(m, "server", rt_server, sh, 1) || c_proc(m, "client", rt_client, sh, 0);
}

static int sw_setup(struct machine *m, struct cshared *sh)
{
	return c_proc(m, "a", sw_body, sh, 0) || c_proc(m, "b", sw_body, sh, 0);
}

/* One repetition on a fresh machine: returns host ns per operation (the
 * timed span over ops), or -1 when the run failed. */
static double run_c_hooked(int (*setup)(struct machine *, struct cshared *), uint64_t n,
			   uint64_t ops, void (*hook)(struct machine *, void *), void *arg)
{
	struct machine_config cfg = {
		.cpus = 1, .sched = sched_find("fifo"), .quantum_ns = UK_DEFAULT_QUANTUM,
		.qlimit = UK_DEFAULT_QLIMIT, .seed = 1, .until_ns = UINT64_MAX,
		.max_events = UINT64_MAX,
	};
	struct cshared sh = { n / 10 < 10000 ? n / 10 : 10000, n, 0, 0, 0 };
	struct machine m;
	double r = -1;

	cost_profile("zero", &cfg.costs);
	if (machine_init(&m, &cfg) != 0)
		return -1;
	/* The hook (a trace file) comes after the machine is built, as in
	 * ukern run, so that the trace is one its readers take. */
	if (ns_install(&m) && setup(&m, &sh) == 0) {
		if (hook)
			hook(&m, arg);
		if (machine_run(&m) == OUT_COMPLETED && !sh.failed && sh.t1 > sh.t0)
			r = (double)(sh.t1 - sh.t0) / (double)ops;
	}
	machine_free(&m);
	return r;
}

double bench_run_c_switch(uint64_t n)
{
	return run_c_hooked(sw_setup, n, 2 * n, NULL, NULL);
}

double bench_run_c_roundtrip(uint64_t n, void (*hook)(struct machine *, void *), void *arg)
{
	return run_c_hooked(rt_setup, n, n, hook, arg);
}

/* ---- Lua bodies ---- */

/* The client of the round trips: finds the server (it may register a
 * moment later) and calls it n times. */
#define LUA_CLIENT \
	"process { \"client\", main = function()\n" \
	"  local p = lookup(\"" BENCH_SERVICE "\")\n" \
	"  for _ = 1, 100 do\n" \
	"    if p then break end\n" \
	"    yield()\n" \
	"    p = lookup(\"" BENCH_SERVICE "\")\n" \
	"  end\n" \
	"  assert(p, \"lookup failed\")\n" \
	"  for i = 1, n do call(p, { v = i }) end\n" \
	"end }\n"

/* The server of the round trips, answering each request with REPLY. */
#define LUA_SERVER(REPLY) \
	"machine { cpus = 1, sched = \"fifo\", costs = \"zero\" }\n" \
	"local n = param(\"n\", 1000)\n" \
	"process { \"server\", daemon = true, main = function()\n" \
	"  local p = port()\n" \
	"  assert(register(\"" BENCH_SERVICE "\", p))\n" \
	"  local m = recv(p)\n" \
	"  while true do\n" \
	"    m = reply_recv(m, " REPLY ", p)\n" \
	"  end\n" \
	"end }\n"

/* The request is a table of one number (a request is always a table);
 * the reply is that number, as SimGrid's pong sends its 8 bytes back. */
const char bench_lua_roundtrip[] = LUA_SERVER("m.v") LUA_CLIENT;

/* The same with a table each way: the reply a fresh table of one field. */
const char bench_lua_roundtrip_tables[] = LUA_SERVER("{ v = m.v }") LUA_CLIENT;

const char bench_lua_switch[] =
	"machine { cpus = 1, sched = \"fifo\", costs = \"zero\" }\n"
	"local n = param(\"n\", 1000)\n"
	"local function body() for _ = 1, n do yield() end end\n"
	"process { \"a\", main = body }\n"
	"process { \"b\", main = body }\n";

const char bench_lua_uswitch[] =
	"machine { cpus = 1, sched = \"fifo\", costs = \"zero\" }\n"
	"local n = param(\"n\", 1000)\n"
	"process { \"app\", threads = \"many-to-one\", main = function()\n"
	"  local function body() for _ = 1, n do yield() end end\n"
	"  local a, b = thread(body), thread(body)\n"
	"  join(a); join(b)\n"
	"end }\n";

const char bench_lua_idle[] =
	"machine { cpus = 1, sched = \"fifo\", costs = \"zero\" }\n"
	"local n = param(\"n\", 1000)\n"
	"process { \"app\", threads = \"many-to-one\", main = function()\n"
	"  local sem, ts = semaphore(0), {}\n"
	"  for i = 1, n do ts[i] = false end\n"
	"  collectgarbage(); collectgarbage(); log(\"mark\")\n"
	"  for i = 1, n do ts[i] = thread(function() sem:wait() end) end\n"
	"  yield()\n"
	"  collectgarbage(); collectgarbage(); log(\"mark\")\n"
	"  for _ = 1, n do sem:post() end\n"
	"  for i = 1, n do join(ts[i]) end\n"
	"end }\n";

const char bench_lua_cow[] =
	"local n = param(\"n\", 1000)\n"
	"machine { cpus = 1, sched = \"fifo\", costs = \"zero\", frames = 2 * n + 64 }\n"
	"process { \"parent\", main = function()\n"
	"  local a = mem.alloc(n * mem.page_size())\n"
	"  for i = 0, n - 1 do mem.write(a + i * mem.page_size(), \"p\") end\n"
	"  wait(fork(function()\n"
	"    log(\"mark\")\n"
	"    for i = 0, n - 1 do mem.write(a + i * mem.page_size(), \"c\") end\n"
	"    log(\"mark\")\n"
	"    assert(mem.stat().pages_copied == n, \"a write did not copy\")\n"
	"  end))\n"
	"end }\n";

const char bench_lua_lrpc[] =
	"machine { cpus = 1, sched = \"fifo\", costs = \"zero\" }\n"
	"local n = param(\"n\", 1000)\n"
	"process { \"server\", daemon = true, main = function()\n"
	"  lrpc.export(\"" BENCH_SERVICE "\", { Add = { function(a, b) return a + b end,\n"
	"    args = 8, results = 4 } })\n"
	"end }\n"
	"process { \"client\", main = function()\n"
	"  local b = lrpc.bind(\"" BENCH_SERVICE "\")\n"
	"  for _ = 1, 100 do\n"
	"    if b then break end\n"
	"    yield()\n"
	"    b = lrpc.bind(\"" BENCH_SERVICE "\")\n"
	"  end\n"
	"  assert(b, \"bind failed\")\n"
	"  b:call(\"Add\", 1, 2)\n"
	"  log(\"mark\")\n"
	"  for i = 1, n do b:call(\"Add\", i, 1) end\n"
	"  log(\"mark\")\n"
	"end }\n";

const char bench_lua_rpc[] =
	"machine { cpus = 1, sched = \"fifo\", costs = \"zero\" }\n"
	"local n = param(\"n\", 1000)\n"
	"process { \"server\", daemon = true, main = function()\n"
	"  rpc.serve(\"" BENCH_SERVICE "\", { Add = function(a, b) return a + b end })\n"
	"end }\n"
	"process { \"client\", main = function()\n"
	"  local b = rpc.bind(\"" BENCH_SERVICE "\")\n"
	"  for _ = 1, 100 do\n"
	"    if b then break end\n"
	"    yield()\n"
	"    b = rpc.bind(\"" BENCH_SERVICE "\")\n"
	"  end\n"
	"  assert(b, \"bind failed\")\n"
	"  for i = 1, n do assert(b:call(\"Add\", i, 1) == i + 1) end\n"
	"end }\n";

/* n threads asleep, one of them ending every microsecond while the main
 * thread joins them in turn, beside n round trips with a server that sleeps
 * a microsecond before it answers. Time moves at every step while no thread
 * of a process that keeps the run going can run, so the kernel looks for a
 * deadlock each time: a thread's end makes it look at the whole picture. */
const char bench_lua_sleepers[] =
	"machine { cpus = 1, sched = \"fifo\", costs = \"zero\" }\n"
	"local n = param(\"n\", 1000)\n"
	"process { \"server\", daemon = true, main = function()\n"
	"  local p = port()\n"
	"  assert(register(\"" BENCH_SERVICE "\", p))\n"
	"  while true do\n"
	"    local m = recv(p)\n"
	"    sleep(\"1us\")\n"
	"    reply(m, { v = m.v })\n"
	"  end\n"
	"end }\n"
	"process { \"sleepers\", main = function()\n"
	"  local ts = {}\n"
	"  for i = 1, n do ts[i] = thread(function() sleep((i * 1000 + 500) .. \"ns\") end) end\n"
	"  for i = 1, n do join(ts[i]) end\n"
	"end }\n"
	LUA_CLIENT;
