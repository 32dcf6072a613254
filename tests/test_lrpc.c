/*
 * test_lrpc.c - lightweight RPC through the kernel (kernel/lrpc.h): the
 * kernel's checks of a binding, A-stacks mapped into both domains and
 * reused, E-stacks tied lazily and then reused, a caller waiting for a
 * free A-stack, revocation when the server ends (a caller blocked, or
 * computing, in its domain is thrown back at once), the exchange of
 * processors of domain caching, memory calls acting on the server's
 * address space, what a call costs on the zero, modern and
 * firefly-1990 profiles, and a binding made a global reference (its client
 * migrating, or its server) and rebound.
 *
 * Bodies are C functions (tests/harness.h): a client body makes the call
 * (SYS_LRPC_CALL), then does the procedure's work itself - it is the
 * thread that runs in the server's domain - and returns (SYS_LRPC_RETURN),
 * which is what the Lua stubs do around a procedure.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "ipc_world.h"
#include "lrpc.h"
#include "machine.h"
#include "msg.h"
#include "proc.h"
#include "syscall.h"
#include "thread.h"
#include "uk.h"
#include "uk_err.h"
#include "vm.h"

#define US H_US

/* What the bodies of one test share with it. */
struct lw {
	struct world w;
	uint32_t binding;        /* the client's binding */
	uint32_t astacks;        /* A-stacks per procedure the server exports */
	uint64_t nap_ns;         /* how long a procedure sleeps (0: not at all) */
	uint64_t work_ns;        /* how long a procedure computes */
	uint64_t die_ns;         /* when the server ends (0: never) */
	int calls;               /* calls the client makes */
	uint64_t call_ns[8];     /* how long each took */
	int mp[8];               /* whether each came in by an exchange */
	uint32_t cpu_in[8];      /* the CPU the procedure ran on */
	struct proc *server;
};

/* --- the system calls, as the stubs make them --- */

static int t_export(struct thread *self, int32_t port, uint32_t astacks)
{
	static const char *const names[] = { "Echo", "Null" };
	struct lrpc_export *ex = calloc(1, sizeof *ex + 2 * sizeof ex->procs[0]);

	if (!ex)
		return UK_ENOMEM;
	strcpy(ex->name, "calc");
	ex->nprocs = 2;
	for (int i = 0; i < 2; i++) {
		strcpy(ex->procs[i].name, names[i]);
		ex->procs[i].args = i == 0 ? 16 : 0;
		ex->procs[i].results = i == 0 ? 16 : 0;
		ex->procs[i].astacks = astacks;
	}
	self->sc.op = SYS_LRPC_EXPORT;
	self->sc.name = port;
	self->sc.ptr = ex;
	body_c_trap(self);
	return self->sc.err;
}

static int t_bind(struct thread *self, int32_t port, uint32_t *id)
{
	self->sc.op = SYS_LRPC_BIND;
	self->sc.name = port;
	body_c_trap(self);
	*id = (uint32_t)self->sc.val;
	return self->sc.err;
}

#define ECHO 1
#define NUL 2

static int t_call(struct thread *self, uint32_t b, uint32_t proc, const char *args)
{
	struct msg *m = args ? msg_new((uint32_t)strlen(args)) : NULL;

	if (m)
		memcpy(m->data, args, strlen(args));
	self->sc.op = SYS_LRPC_CALL;
	self->sc.arg = b;
	self->sc.name = (int32_t)proc;
	self->sc.m = m;
	self->sc.val = args ? 1 : 0;
	body_c_trap(self);
	return self->sc.err;
}

static int t_return(struct thread *self, const char *res, int *mp)
{
	struct msg *m = res ? msg_new((uint32_t)strlen(res)) : NULL;

	if (m)
		memcpy(m->data, res, strlen(res));
	self->sc.op = SYS_LRPC_RETURN;
	self->sc.m = m;
	self->sc.val = res ? 1 : 0;
	self->sc.arg = 0;
	body_c_trap(self);
	if (mp)
		*mp = (int)self->sc.val;
	return self->sc.err;
}

static void t_exit(struct thread *self, int code)
{
	self->sc.op = SYS_PEXIT;
	self->sc.arg = (uint64_t)(int64_t)code;
	body_c_trap(self);
}

/* --- the bodies --- */

/* The server: a clerk port, the interface on it, registered as "calc";
 * then it waits for messages that never come (or ends at die_ns). */
static void server(struct thread *self, void *arg)
{
	struct lw *v = arg;
	int32_t pn = 0;
	int err;

	if (uk_port(self, 16, &pn) != UK_OK || t_export(self, pn, v->astacks) != UK_OK ||
	    h_register(self, "calc", pn) != UK_OK)
		v->w.bad++;
	if (v->die_ns) {
		uk_sleep(self, v->die_ns - uk_now(self));
		t_exit(self, 0);
	}
	msg_free(uk_recv(self, pn, UK_FOREVER, &err));
}

/* One call of Echo (or Null when args is NULL) and its procedure: sleep
 * nap_ns, compute work_ns, answer res. Notes what it saw. */
static void one_call(struct thread *self, struct lw *v, int k, const char *args, const char *res)
{
	uint64_t t0 = uk_now(self);
	int err = t_call(self, v->binding, args ? ECHO : NUL, args), mp = -1;

	h_note(&v->w.lg, self, "call", err);
	if (err)
		return;
	v->cpu_in[k] = self->cpu->id;
	h_note(&v->w.lg, self, "in server domain", thread_domain(self) == v->server);
	if (v->nap_ns)
		uk_sleep(self, v->nap_ns);
	if (v->work_ns)
		uk_compute(self, v->work_ns);
	err = t_return(self, res, &mp);
	h_note(&v->w.lg, self, "return", err);
	v->call_ns[k] = uk_now(self) - t0;
	v->mp[k] = mp;
}

static void client(struct thread *self, void *arg)
{
	struct lw *v = arg;
	int32_t pn = find(self, &v->w, "calc");

	h_note(&v->w.lg, self, "bind", t_bind(self, pn, &v->binding));
	for (int k = 0; k < v->calls; k++)
		one_call(self, v, k, NULL, NULL);
}

static struct machine *lrpc_machine(void **state, struct lw *v, unsigned cpus, const char *costs)
{
	struct machine *m = world_machine(state, cpus);

	if (costs)
		assert_int_equal(h_costs(m, costs), 0);
	if (!v->astacks)
		v->astacks = 2;
	v->server = add(m, "server", 0, server, &v->w, 1);
	return m;
}

/* --- costs --- */

/* One CPU: a Null LRPC costs proc_call + lrpc_stub + trap + lrpc_transfer +
 * as_switch in, trap + as_switch back. */
static void null_cost(void **state, const char *profile, uint64_t want)
{
	struct lw v = { .calls = 3 };
	struct machine *m = lrpc_machine(state, &v, 1, profile);

	add(m, "client", 10 * MS, client, &v.w, 0);
	FINISH(m, &v.w, OUT_COMPLETED);
	for (int k = 0; k < 3; k++) {
		assert_int_equal(v.call_ns[k], want);
		assert_int_equal(v.mp[k], 0);
	}
	assert_int_equal(m->lrpc->calls, 3);
	assert_int_equal(m->lrpc->mp_calls, 0);
}

static void test_cost_zero(void **state)
{
	null_cost(state, NULL, 0);
}

static void test_cost_modern(void **state)
{
	null_cost(state, "modern", 2 + 20 + 100 + 150 + 500 + 100 + 500);
}

static void test_cost_firefly(void **state)
{
	null_cost(state, "firefly-1990", 157 * US);
}

/* --- the A-stacks: one copy, in frames both domains map --- */

static void echo_client(struct thread *self, void *arg)
{
	struct lw *v = arg;
	int32_t pn = find(self, &v->w, "calc");
	const struct lrpc_binding *b;
	char seen[8] = "";

	h_note(&v->w.lg, self, "bind", t_bind(self, pn, &v->binding));
	b = lrpc_binding_get(self->m, v->binding);
	h_note(&v->w.lg, self, "call", t_call(self, v->binding, ECHO, "hello"));
	/* In the server's domain: its memory calls act on the server's address
	 * space, where the A-stack holds the arguments the client copied. */
	h_note(&v->w.lg, self, "read A-stack there", uk_mem_read(self, b->saddr, seen, 5));
	h_note(&v->w.lg, self, "as copied", memcmp(seen, "hello", 5) == 0);
	h_note(&v->w.lg, self, "return", t_return(self, "olleh", NULL));
	/* Back home: the results are on the same A-stack, seen through the
	 * client's own mapping. */
	h_note(&v->w.lg, self, "read A-stack here", uk_mem_read(self, b->caddr, seen, 5));
	h_note(&v->w.lg, self, "results there", memcmp(seen, "olleh", 5) == 0);
	h_note(&v->w.lg, self, "shared frames", self->m->vm.shared);
}

static void test_astack_shared(void **state)
{
	struct lw v = { 0 };
	struct machine *m = lrpc_machine(state, &v, 1, NULL);
	const struct lrpc_binding *b;

	add(m, "client", MS, echo_client, &v.w, 0);
	FINISH(m, &v.w, OUT_COMPLETED);
	H_EXPECT(&v.w.lg, { MS, "bind", UK_OK }, { MS, "call", UK_OK },
		 { MS, "read A-stack there", UK_OK }, { MS, "as copied", 1 },
		 { MS, "return", UK_OK }, { MS, "read A-stack here", UK_OK },
		 { MS, "results there", 1 }, { MS, "shared frames", 1 });
	b = lrpc_binding_get(m, v.binding);
	assert_non_null(b);
	/* Echo's and Null's A-stacks, 2 each: 16, 16, 8, 8 bytes in one page. */
	assert_int_equal(b->nas, 4);
	assert_int_equal(b->as[0].size, 16);
	assert_int_equal(b->as[2].off, 32);
	assert_int_equal(b->as[2].size, 8);
	assert_int_equal(b->pages, 1);
	/* The client ended: its A-stacks left the server, no frame is held. */
	assert_true(b->gone);
	assert_int_equal(m->vm.used, 0);
	assert_int_equal(m->vm.shared, 0);
}

/* --- E-stacks: tied at the first call on an A-stack, then reused --- */

static void test_estack_lazy(void **state)
{
	struct lw v = { .calls = 4 };
	struct machine *m = lrpc_machine(state, &v, 1, NULL);

	add(m, "client", MS, client, &v.w, 0);
	FINISH(m, &v.w, OUT_COMPLETED);
	/* Four calls, one after the other: the same A-stack every time, one E-stack. */
	assert_int_equal(m->lrpc->calls, 4);
	assert_int_equal(m->lrpc->estacks, 1);
	assert_int_equal(m->lrpc->associations, 1);
	assert_int_equal(lrpc_binding_get(m, v.binding)->as[2].estack, 0);   /* released */
}

/* Two clients one after the other: the second's first call reuses the
 * E-stack the first client's binding gave back when it ended. */
static void test_estack_reused(void **state)
{
	struct lw v = { .calls = 2 };
	struct lw v2 = { .calls = 1 };
	struct machine *m = lrpc_machine(state, &v, 1, NULL);

	add(m, "client", MS, client, &v.w, 0);
	add(m, "client2", 5 * MS, client, &v2.w, 0);
	v2.server = v.server;
	FINISH(m, &v.w, OUT_COMPLETED);
	assert_int_equal(v2.w.bad, 0);
	assert_int_equal(m->lrpc->nbindings, 2);
	assert_int_equal(m->lrpc->estacks, 1);
	assert_int_equal(m->lrpc->associations, 2);
}

/* --- a caller that finds every A-stack in use waits --- */

static void napper(struct thread *self, void *arg)
{
	struct lw *v = arg;

	one_call(self, v, 1, "b", "B");
}

static void two_callers(struct thread *self, void *arg)
{
	struct lw *v = arg;
	int32_t pn = find(self, &v->w, "calc");
	uint32_t tid = 0;

	h_note(&v->w.lg, self, "bind", t_bind(self, pn, &v->binding));
	if (uk_spawn(self, napper, v, &tid) != UK_OK)
		v->w.bad++;
	one_call(self, v, 0, "a", "A");
	uk_join(self, tid);
}

static void test_astack_wait(void **state)
{
	struct lw v = { .astacks = 1, .nap_ns = 2 * MS };
	struct machine *m = lrpc_machine(state, &v, 1, NULL);

	add(m, "client", MS, two_callers, &v.w, 0);
	FINISH(m, &v.w, OUT_COMPLETED);
	/* The first takes the one A-stack and naps 2 ms; the second waits for
	 * it (reason astack), enters when it is given back, and naps in turn. */
	H_EXPECT(&v.w.lg, { MS, "bind", UK_OK }, { MS, "call", UK_OK },
		 { MS, "in server domain", 1 }, { 3 * MS, "return", UK_OK },
		 { 3 * MS, "call", UK_OK }, { 3 * MS, "in server domain", 1 },
		 { 5 * MS, "return", UK_OK });
	assert_int_equal(v.call_ns[0], 2 * MS);
	assert_int_equal(v.call_ns[1], 4 * MS);
	assert_int_equal(m->lrpc->waits, 1);
	/* One A-stack, so one E-stack served both. */
	assert_int_equal(m->lrpc->estacks, 1);
}

/* --- the kernel checks the binding on every call --- */

static void misuser(struct thread *self, void *arg)
{
	struct lw *v = arg;
	int32_t ns = UK_NAME_NAMESERVER;
	uint32_t id = 0;
	char big[32];

	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	/* A port that serves messages is not an interface. */
	h_note(&v->w.lg, self, "bind the name server", t_bind(self, ns, &id));
	h_note(&v->w.lg, self, "bind no right", t_bind(self, 999, &id));
	/* v->binding is another process's binding: not a right of this one. */
	h_note(&v->w.lg, self, "call another's binding", t_call(self, v->binding, NUL, NULL));
	h_note(&v->w.lg, self, "bind", t_bind(self, find(self, &v->w, "calc"), &id));
	h_note(&v->w.lg, self, "no such procedure", t_call(self, id, 3, NULL));
	h_note(&v->w.lg, self, "arguments too large", t_call(self, id, ECHO, big));
	h_note(&v->w.lg, self, "return without a call", t_return(self, NULL, NULL));
	h_note(&v->w.lg, self, "still home", thread_domain(self) == self->p);
}

static void test_binding_checks(void **state)
{
	struct lw v = { .calls = 1 };
	struct machine *m = lrpc_machine(state, &v, 1, NULL);

	add(m, "client", MS, client, &v.w, 0);
	add(m, "misuser", 2 * MS, misuser, &v.w, 0);
	FINISH(m, &v.w, OUT_COMPLETED);
	H_EXPECT(&v.w.lg, { MS, "bind", UK_OK }, { MS, "call", UK_OK },
		 { MS, "in server domain", 1 }, { MS, "return", UK_OK },
		 { 2 * MS, "bind the name server", UK_ENOTLRPC },
		 { 2 * MS, "bind no right", UK_ENORIGHT },
		 { 2 * MS, "call another's binding", UK_ENORIGHT }, { 2 * MS, "bind", UK_OK },
		 { 2 * MS, "no such procedure", UK_EINVAL },
		 { 2 * MS, "arguments too large", UK_EINVAL },
		 { 2 * MS, "return without a call", UK_EINVAL }, { 2 * MS, "still home", 1 });
	assert_int_equal(m->lrpc->calls, 1);
}

/* --- revocation --- */

static void revoked_client(struct thread *self, void *arg)
{
	struct lw *v = arg;
	int32_t pn = find(self, &v->w, "calc");
	uint64_t id;

	h_note(&v->w.lg, self, "bind", t_bind(self, pn, &v->binding));
	h_note(&v->w.lg, self, "call", t_call(self, v->binding, ECHO, "x"));
	id = lrpc_current(self)->id;
	if (v->nap_ns)
		uk_sleep(self, v->nap_ns);
	else
		uk_compute(self, v->work_ns);
	/* Thrown back when the server ended: home, the call revoked. */
	h_note(&v->w.lg, self, "home", thread_domain(self) == self->p);
	h_note(&v->w.lg, self, "call state", lrpc_call_state(self, id));
	h_note(&v->w.lg, self, "no call left", lrpc_current(self) == NULL);
	h_note(&v->w.lg, self, "call again", t_call(self, v->binding, NUL, NULL));
}

static void revocation(void **state, uint64_t nap, uint64_t work, unsigned cpus)
{
	struct lw v = { .die_ns = 3 * MS, .nap_ns = nap, .work_ns = work };
	struct machine *m = lrpc_machine(state, &v, cpus, NULL);
	const struct lrpc_binding *b;

	add(m, "client", MS, revoked_client, &v.w, 0);
	FINISH(m, &v.w, OUT_COMPLETED);
	H_EXPECT(&v.w.lg, { MS, "bind", UK_OK }, { MS, "call", UK_OK }, { 3 * MS, "home", 1 },
		 { 3 * MS, "call state", 0 }, { 3 * MS, "no call left", 1 },
		 { 3 * MS, "call again", UK_EREVOKED });
	b = lrpc_binding_get(m, v.binding);
	assert_true(b->revoked);
	assert_null(b->as[0].holder);
	assert_int_equal(m->lrpc->revoked, 2);
}

/* Asleep in the server's domain when it ends: woken at once. */
static void test_revoked_blocked(void **state)
{
	revocation(state, 5 * MS, 0, 1);
}

/* Computing there (the server ends on the other CPU): the rest of the
 * work is dropped, it goes on at once. */
static void test_revoked_running(void **state)
{
	revocation(state, 0, 5 * MS, 2);
}

/* --- domain caching --- */

static void test_domain_caching(void **state)
{
	struct lw v = { .calls = 3 };
	struct machine *m = lrpc_machine(state, &v, 2, "modern");

	add(m, "client", 10 * MS, client, &v.w, 0);
	FINISH(m, &v.w, OUT_COMPLETED);
	/* The first call finds no processor idling in the server's domain: it
	 * switches address spaces, and the idle one is moved there. The next
	 * ones are taken by it: the processors are exchanged both ways. */
	assert_int_equal(v.mp[0], 0);
	assert_int_equal(v.call_ns[0], 2 + 20 + 100 + 150 + 500 + 100 + 500);
	for (int k = 1; k < 3; k++) {
		assert_int_equal(v.mp[k], 1);
		assert_int_equal(v.call_ns[k], 2 + 20 + 100 + 150 + 300 + 100 + 300);
		assert_int_not_equal(v.cpu_in[k], v.cpu_in[0]);
	}
	assert_int_equal(m->lrpc->prods, 1);
	assert_int_equal(m->lrpc->mp_calls, 2);
	assert_int_equal(m->lrpc->mp_returns, 2);
}

/* --- memory calls act on the server's address space --- */

static void allocator(struct thread *self, void *arg)
{
	struct lw *v = arg;
	uint64_t a = 0;

	h_note(&v->w.lg, self, "bind", t_bind(self, find(self, &v->w, "calc"), &v->binding));
	h_note(&v->w.lg, self, "call", t_call(self, v->binding, NUL, NULL));
	h_note(&v->w.lg, self, "alloc there", uk_mem_alloc(self, 4096, VM_R | VM_W, &a));
	h_note(&v->w.lg, self, "write there", uk_mem_write(self, a, "s", 1));
	h_note(&v->w.lg, self, "return", t_return(self, NULL, NULL));
	h_note(&v->w.lg, self, "unmapped here", uk_mem_write(self, a, "c", 1) == UK_OK);
}

static void test_memory_in_server(void **state)
{
	struct lw v = { 0 };
	struct machine *m = lrpc_machine(state, &v, 1, NULL);
	struct proc *c = add(m, "client", MS, allocator, &v.w, 0);

	FINISH(m, &v.w, OUT_COMPLETED);
	/* The region allocated inside the call is the server's: its heap
	 * region, beside the A-stacks; the client's write to that address
	 * found nothing there and killed the client (a segmentation fault). */
	assert_int_equal(v.w.lg.n, 5);
	assert_int_equal(v.server->as->zero_faults, 1);
	assert_true(c->faulted);
	assert_int_equal(m->segfaults, 1);
	assert_int_equal(v.server->state, P_LIVE);
}

/* --- migration: a global reference, then rebound --- */

/* The client binds and calls; then, as a migration to node 1 would, the
 * kernel makes its binding a global reference (lrpc_globalize); a call is
 * refused with UK_EREMOTE (the stubs then call the clerk by message); back
 * on the server's node the binding is rebound (lrpc_rebind) and calls are
 * LRPCs again. */
static void mover(struct thread *self, void *arg)
{
	struct lw *v = arg;
	struct lrpc_binding *b;

	h_note(&v->w.lg, self, "bind", t_bind(self, find(self, &v->w, "calc"), &v->binding));
	b = lrpc_binding_get(self->m, v->binding);
	h_note(&v->w.lg, self, "exports (client, server)",
	       lrpc_exports(self->p) * 10 + lrpc_exports(v->server));
	h_note(&v->w.lg, self, "call", t_call(self, v->binding, NUL, NULL));
	h_note(&v->w.lg, self, "in a call", lrpc_in_call(self->p));
	h_note(&v->w.lg, self, "return", t_return(self, NULL, NULL));
	h_note(&v->w.lg, self, "in a call", lrpc_in_call(self->p));
	/* The server stays on node 0: one binding becomes a global reference. */
	h_note(&v->w.lg, self, "to the server's node", (int)lrpc_globalize(self->p, 0));
	h_note(&v->w.lg, self, "to node 1", (int)lrpc_globalize(self->p, 1));
	h_note(&v->w.lg, self, "global, unmapped", b->global && !b->caddr && !b->pages);
	h_note(&v->w.lg, self, "shared frames", (int)self->m->vm.shared);
	h_note(&v->w.lg, self, "E-stacks back", (int)b->iface->nfree);
	h_note(&v->w.lg, self, "call", t_call(self, v->binding, NUL, NULL));
	h_note(&v->w.lg, self, "again", (int)lrpc_globalize(self->p, 1));
	h_note(&v->w.lg, self, "rebound", (int)lrpc_rebind(self->p));
	h_note(&v->w.lg, self, "rebound twice", (int)lrpc_rebind(self->p));
	h_note(&v->w.lg, self, "mapped", !b->global && b->caddr && b->pages == 1);
	h_note(&v->w.lg, self, "shared frames", (int)self->m->vm.shared);
	h_note(&v->w.lg, self, "call", t_call(self, v->binding, NUL, NULL));
	h_note(&v->w.lg, self, "in server domain", thread_domain(self) == v->server);
	h_note(&v->w.lg, self, "return", t_return(self, NULL, NULL));
}

static void test_global_reference(void **state)
{
	struct lw v = { 0 };
	struct machine *m = lrpc_machine(state, &v, 1, NULL);

	add(m, "client", MS, mover, &v.w, 0);
	FINISH(m, &v.w, OUT_COMPLETED);
	H_EXPECT(&v.w.lg, { MS, "bind", UK_OK }, { MS, "exports (client, server)", 1 },
		 { MS, "call", UK_OK }, { MS, "in a call", 1 }, { MS, "return", UK_OK },
		 { MS, "in a call", 0 }, { MS, "to the server's node", 0 }, { MS, "to node 1", 1 },
		 { MS, "global, unmapped", 1 }, { MS, "shared frames", 0 },
		 { MS, "E-stacks back", 1 }, { MS, "call", UK_EREMOTE }, { MS, "again", 0 },
		 { MS, "rebound", 1 }, { MS, "rebound twice", 0 }, { MS, "mapped", 1 },
		 { MS, "shared frames", 1 }, { MS, "call", UK_OK }, { MS, "in server domain", 1 },
		 { MS, "return", UK_OK });
	/* The client ended: its rebound A-stacks left the server too. */
	assert_int_equal(m->vm.shared, 0);
	assert_int_equal(m->lrpc->calls, 2);
}

/* --- migration of the server: its clients' bindings global, rebound --- */

/* As a migration of the server would: while the client is in its domain
 * the server is serving (its stop waits); stopped, a call into it is
 * refused with UK_EREMOTE (the stubs call the clerk by message), a new
 * binding is a global reference at once, and the client's rebind does not
 * map into it; then every binding to it becomes a global reference
 * (lrpc_globalize_served), and, where it runs again, those of clients on
 * its node are rebound (lrpc_rebind_served). */
static void served(struct thread *self, void *arg)
{
	struct lw *v = arg;
	struct proc *srv = v->server;
	struct lrpc_binding *b, *b2;
	uint32_t id2 = 0;

	h_note(&v->w.lg, self, "bind", t_bind(self, find(self, &v->w, "calc"), &v->binding));
	b = lrpc_binding_get(self->m, v->binding);
	h_note(&v->w.lg, self, "call", t_call(self, v->binding, NUL, NULL));
	h_note(&v->w.lg, self, "serving", lrpc_serving(srv) * 10 + lrpc_serving(self->p));
	h_note(&v->w.lg, self, "busy: none made global", (int)lrpc_globalize_served(srv));
	h_note(&v->w.lg, self, "return", t_return(self, NULL, NULL));
	h_note(&v->w.lg, self, "serving", lrpc_serving(srv));
	srv->mig_stopped = 1;
	h_note(&v->w.lg, self, "call while stopped", t_call(self, v->binding, NUL, NULL));
	h_note(&v->w.lg, self, "bind while stopped",
	       t_bind(self, find(self, &v->w, "calc"), &id2));
	b2 = lrpc_binding_get(self->m, id2);
	h_note(&v->w.lg, self, "new binding global", b2->global && !b2->pages);
	h_note(&v->w.lg, self, "made global", (int)lrpc_globalize_served(srv));
	h_note(&v->w.lg, self, "again", (int)lrpc_globalize_served(srv));
	h_note(&v->w.lg, self, "global, unmapped", b->global && !b->caddr && !b->pages);
	h_note(&v->w.lg, self, "shared frames", (int)self->m->vm.shared);
	h_note(&v->w.lg, self, "client rebind while stopped", (int)lrpc_rebind(self->p));
	srv->mig_stopped = 0;
	h_note(&v->w.lg, self, "rebound", (int)lrpc_rebind_served(srv));
	h_note(&v->w.lg, self, "rebound twice", (int)lrpc_rebind_served(srv));
	h_note(&v->w.lg, self, "mapped", !b->global && b->pages == 1 && !b2->global);
	h_note(&v->w.lg, self, "shared frames", (int)self->m->vm.shared);
	h_note(&v->w.lg, self, "call", t_call(self, v->binding, NUL, NULL));
	h_note(&v->w.lg, self, "in server domain", thread_domain(self) == srv);
	h_note(&v->w.lg, self, "return", t_return(self, NULL, NULL));
}

static void test_server_moves(void **state)
{
	struct lw v = { 0 };
	struct machine *m = lrpc_machine(state, &v, 1, NULL);

	add(m, "client", MS, served, &v.w, 0);
	FINISH(m, &v.w, OUT_COMPLETED);
	H_EXPECT(&v.w.lg, { MS, "bind", UK_OK }, { MS, "call", UK_OK }, { MS, "serving", 10 },
		 { MS, "busy: none made global", 0 }, { MS, "return", UK_OK }, { MS, "serving", 0 },
		 { MS, "call while stopped", UK_EREMOTE }, { MS, "bind while stopped", UK_OK },
		 { MS, "new binding global", 1 }, { MS, "made global", 1 }, { MS, "again", 0 },
		 { MS, "global, unmapped", 1 }, { MS, "shared frames", 0 },
		 { MS, "client rebind while stopped", 0 }, { MS, "rebound", 2 },
		 { MS, "rebound twice", 0 }, { MS, "mapped", 1 }, { MS, "shared frames", 2 },
		 { MS, "call", UK_OK }, { MS, "in server domain", 1 }, { MS, "return", UK_OK });
	assert_int_equal(m->lrpc->calls, 2);
	assert_int_equal(m->lrpc->globals, 2);   /* the new binding, and the first */
	assert_int_equal(m->lrpc->rebinds, 2);
	assert_int_equal(m->vm.shared, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		H_TEST(test_cost_zero),        H_TEST(test_cost_modern),
		H_TEST(test_cost_firefly),     H_TEST(test_astack_shared),
		H_TEST(test_estack_lazy),      H_TEST(test_estack_reused),
		H_TEST(test_astack_wait),      H_TEST(test_binding_checks),
		H_TEST(test_revoked_blocked),  H_TEST(test_revoked_running),
		H_TEST(test_domain_caching),   H_TEST(test_memory_in_server),
		H_TEST(test_global_reference), H_TEST(test_server_moves),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
