/*
 * test_lrpc_fail.c - an LRPC bind that runs out of host memory leaves the
 * books as they were: for every allocation the kernel makes while it
 * binds (kernel/lrpc.c: the binding, the address spaces, the A-stack
 * regions in the client and the server, their frames, the table of
 * bindings), a run in which that one allocation is refused. Then the bind
 * answers UK_ENOMEM and the run goes on (the client binds again, calls,
 * ends), or, for a frame the host could not give, the run stops as a
 * run does when the host runs out of memory; either way:
 *
 *  - the address spaces the trace describes (vm_map, vm_unmap) are the
 *    kernel's, region for region, and every page_frame record names the
 *    frame the kernel's page maps;
 *  - the frames in use and shared are what they were before the bind, and
 *    the last frames record, the viewer's memory replay
 *    (viz/trace_index_vm.c) and the kernel agree on them and on the peak;
 *  - the statistics count the bindings the trace has an lrpc_bind for.
 *
 * And one structural check on a bind that succeeds: every allocation the
 * bind makes comes before the first record of its A-stacks, so nothing
 * can fail once the mapping is in the trace.
 *
 * Allocations are refused through the linker (-Wl,--wrap=malloc, calloc,
 * realloc, lrpc_bind; see Makefile.am): the wrappers count the
 * allocations made inside lrpc_bind and refuse the chosen one.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "ipc_world.h"
#include "lrpc.h"
#include "machine.h"
#include "msg.h"
#include "proc.h"
#include "stats.h"
#include "syscall.h"
#include "thread.h"
#include "trace.h"
#include "trace_index.h"
#include "uk.h"
#include "uk_err.h"
#include "uk_limits.h"
#include "vm.h"
#include "vmsys.h"

/* --- refusing one allocation of the bind --- */

void *__real_malloc(size_t size);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t size);
void __real_lrpc_bind(struct thread *t);
void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t size);
void __wrap_lrpc_bind(struct thread *t);

enum { MAX_ALLOCS = 64, MAX_RECS = 4096 };

/* What the wrappers see, for the first bind of a run only. */
static struct {
	unsigned binds;             /* lrpc_bind calls so far in this run */
	int armed;                  /* inside the first one */
	unsigned fail_at;           /* the allocation to refuse, from 1 (0: none) */
	unsigned n;                 /* allocations made inside it */
	size_t recs_at[MAX_ALLOCS]; /* per allocation: trace records written before it */
	int refused;                /* the chosen one was refused */
} al;

/* The trace of the run, kept without allocating (the sink runs inside the bind). */
struct rec {
	uint64_t ns;
	unsigned kind;
	uint64_t a[TRACE_MAX_ARGS];
	char s[48];
	size_t len;
};
static struct rec recs[MAX_RECS];
static size_t nrecs;
static int recs_lost;

static int refuse(void)
{
	if (!al.armed)
		return 0;
	if (al.n < MAX_ALLOCS)
		al.recs_at[al.n] = nrecs;
	if (++al.n != al.fail_at)
		return 0;
	al.refused = 1;
	return 1;
}

void *__wrap_malloc(size_t size)
{
	return refuse() ? NULL : __real_malloc(size);
}

void *__wrap_calloc(size_t n, size_t size)
{
	return refuse() ? NULL : __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t size)
{
	return refuse() ? NULL : __real_realloc(p, size);
}

void __wrap_lrpc_bind(struct thread *t)
{
	al.armed = al.binds++ == 0;
	__real_lrpc_bind(t);
	al.armed = 0;
}

static void record(void *ctx, uint64_t ns, unsigned kind, const uint64_t *args, const char *s,
		   size_t len)
{
	struct rec *r = &recs[nrecs];

	(void)ctx;
	if (nrecs == MAX_RECS) {
		recs_lost = 1;
		return;
	}
	r->ns = ns;
	r->kind = kind;
	memset(r->a, 0, sizeof r->a);
	memcpy(r->a, args, trace_kinds[kind].nargs * sizeof *args);
	r->len = len < sizeof r->s ? len : sizeof r->s;
	if (len)
		memcpy(r->s, s, r->len);
	nrecs++;
}

/* --- the run: a server exports, a client binds --- */

struct fw {
	struct world w;
	uint32_t binding;
};

/* Echo takes a page of arguments, Null nothing: one A-stack each, two
 * pages of A-stacks (so the bind takes two frames, one at a time). */
static int t_export(struct thread *self, int32_t port)
{
	struct lrpc_export *ex = calloc(1, sizeof *ex + 2 * sizeof ex->procs[0]);

	if (!ex)
		return UK_ENOMEM;
	strcpy(ex->name, "calc");
	ex->nprocs = 2;
	strcpy(ex->procs[0].name, "Echo");
	ex->procs[0].args = ex->procs[0].results = 4096;
	strcpy(ex->procs[1].name, "Null");
	ex->procs[0].astacks = ex->procs[1].astacks = 1;
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

static int t_lrpc(struct thread *self, unsigned op, uint32_t b)
{
	self->sc.op = op;
	self->sc.arg = op == SYS_LRPC_CALL ? b : 0;
	self->sc.name = 2;              /* Null */
	self->sc.m = NULL;
	self->sc.val = 0;
	body_c_trap(self);
	return self->sc.err;
}

static void server(struct thread *self, void *arg)
{
	struct fw *v = arg;
	int32_t pn = 0;
	int err;

	if (uk_port(self, 16, &pn) != UK_OK || t_export(self, pn) != UK_OK ||
	    h_register(self, "calc", pn) != UK_OK)
		v->w.bad++;
	msg_free(uk_recv(self, pn, UK_FOREVER, &err));
}

static void client(struct thread *self, void *arg)
{
	struct fw *v = arg;
	int32_t pn = find(self, &v->w, "calc");
	const struct machine *m = self->m;
	uint32_t used = vmsys_used_total(m), shared = vmsys_shared_total(m);
	int err = t_bind(self, pn, &v->binding);

	h_note(&v->w.lg, self, "bind", err);
	h_note(&v->w.lg, self, "frames as before",
	       vmsys_used_total(m) == used && vmsys_shared_total(m) == shared);
	if (err)
		h_note(&v->w.lg, self, "bind again", t_bind(self, pn, &v->binding));
	h_note(&v->w.lg, self, "call", t_lrpc(self, SYS_LRPC_CALL, v->binding));
	h_note(&v->w.lg, self, "in server domain", thread_domain(self) != self->p);
	h_note(&v->w.lg, self, "return", t_lrpc(self, SYS_LRPC_RETURN, 0));
}

/* A new machine in *state, its records kept in recs, run to its end with
 * the fail_at-th allocation of the first bind refused (0: none). */
static enum outcome run(void **state, struct fw *v, unsigned fail_at)
{
	struct trace_sink sink = { record, NULL };
	struct machine *m = world_machine(state, 1);

	memset(&al, 0, sizeof al);
	al.fail_at = fail_at;
	nrecs = 0;
	recs_lost = 0;
	assert_int_equal(machine_add_sink(m, &sink), 0);
	add(m, "server", 0, server, &v->w, 1);
	add(m, "client", MS, client, &v->w, 0);
	return machine_run(m);
}

/* --- what must hold after every run --- */

/* A region the trace has mapped and not unmapped. */
struct live {
	uint64_t pid, addr, pages;
};

static struct live *live_find(struct live *lv, size_t n, uint64_t pid, uint64_t addr)
{
	for (size_t i = 0; i < n; i++)
		if (lv[i].pid == pid && lv[i].addr <= addr &&
		    addr < lv[i].addr + lv[i].pages * UK_DEFAULT_PAGE_SIZE)
			return &lv[i];
	return NULL;
}

/* The regions of the trace (vm_map, vm_unmap) are the kernel's, each
 * page_frame record of a region still mapped names the frame the kernel's
 * page maps, and the last frames record counts what the kernel counts. */
static void trace_is_kernel(const struct machine *m)
{
	static struct live lv[256];
	size_t n = 0, last_frames = SIZE_MAX;

	assert_false(recs_lost);
	for (size_t i = 0; i < nrecs; i++) {
		const struct rec *r = &recs[i];
		struct live *l = live_find(lv, n, r->a[0], r->a[1]);
		if (r->kind == TR_VM_MAP) {
			assert_null(l);                 /* no region mapped over another */
			assert_true(n < 256);
			lv[n++] = (struct live){ r->a[0], r->a[1], r->a[2] };
		} else if (r->kind == TR_VM_UNMAP) {
			assert_non_null(l);             /* only what is mapped is unmapped */
			assert_int_equal(l->addr, r->a[1]);
			assert_int_equal(l->pages, r->a[2]);
			*l = lv[--n];
		} else if (r->kind == TR_PAGE_FRAME) {
			assert_non_null(l);             /* after its region's vm_map */
		} else if (r->kind == TR_FRAMES) {
			last_frames = i;
		}
	}
	for (uint32_t i = 0; i < m->nprocs; i++) {
		const struct proc *p = m->procs[i];
		size_t mine = 0;
		for (size_t k = 0; k < n; k++)
			mine += lv[k].pid == p->pid;
		assert_int_equal(mine, p->as ? p->as->nreg : 0);
		for (uint32_t k = 0; p->as && k < p->as->nreg; k++) {
			const struct vm_region *g = &p->as->reg[k];
			const struct live *l = live_find(lv, n, p->pid, g->start);
			assert_non_null(l);
			assert_int_equal(l->addr, g->start);
			assert_int_equal(l->pages, g->npages);
		}
	}
	/* The frames of the page_frame records of regions still mapped. */
	for (size_t i = 0; i < nrecs; i++) {
		const struct rec *r = &recs[i];
		const struct proc *p = r->kind == TR_PAGE_FRAME ? m->procs[r->a[0] - 1] : NULL;
		const struct vm_region *g = p && p->as ? as_region(p->as, r->a[1]) : NULL;
		if (g && g->kind == VM_SHARED)
			assert_int_equal(g->pte[(r->a[1] - g->start) / UK_DEFAULT_PAGE_SIZE].frame, r->a[2]);
	}
	if (last_frames == SIZE_MAX) {
		assert_int_equal(vmsys_used_total(m), 0);
	} else {
		assert_int_equal(recs[last_frames].a[0], vmsys_used_total(m));
		assert_int_equal(recs[last_frames].a[1], vmsys_shared_total(m));
	}
}

/* The viewer's memory replay of the same records: it takes them, and
 * its frames in use, shared and at most, and the regions mapped at the
 * end, are the kernel's. */
static void replay_is_kernel(const struct machine *m, bool completed)
{
	struct trace_index *ix = trace_index_new();
	uint32_t used = 0, shared = 0, regs = 0, mapped = 0;

	assert_non_null(ix);
	for (size_t i = 0; i < nrecs; i++)
		assert_int_equal(trace_index_add(ix, recs[i].ns, recs[i].kind, recs[i].a, recs[i].s,
						 recs[i].len), 0);
	assert_int_equal(trace_index_seal(ix, m->now), 0);
	assert_int_equal(trace_index_vm_counts(ix, m->now, &used, &shared), 0);
	assert_int_equal(used, vmsys_used_total(m));
	assert_int_equal(shared, vmsys_shared_total(m));
	/* A run the host stopped may have taken a frame of the failed bind for
	 * an instant (its peak counts it) and given it back unrecorded. */
	if (completed)
		assert_int_equal(ix->vm.maxused, m->vm_all.peak);
	else
		assert_true(ix->vm.maxused <= m->vm_all.peak);
	for (size_t i = 0; i < ix->vm.nregs; i++)
		mapped += ix->vm.regs[i].unmap_ns == TI_NEVER;
	for (uint32_t i = 0; i < m->nprocs; i++)
		regs += m->procs[i]->as ? m->procs[i]->as->nreg : 0;
	assert_int_equal(mapped, regs);
	trace_index_free(ix);
}

/* The statistics count the bindings the trace has an lrpc_bind for. */
static void stats_count_bindings(const struct machine *m)
{
	char *text = NULL, want[64];
	size_t len = 0, binds = 0;
	FILE *f = open_memstream(&text, &len);

	for (size_t i = 0; i < nrecs; i++)
		binds += recs[i].kind == TR_LRPC_BIND;
	assert_int_equal(binds, m->lrpc->nbindings);
	assert_non_null(f);
	stats_json(f, m);
	fclose(f);
	snprintf(want, sizeof want, "\"bindings\": %zu,", binds);
	assert_non_null(strstr(text, want));
	snprintf(want, sizeof want, "\"frames_peak\": %u, ", m->vm_all.peak);
	assert_non_null(strstr(text, "\"vm\": {"));
	assert_non_null(strstr(strstr(text, "\"vm\": {"), want));
	free(text);
}

static void next_machine(void **state)
{
	struct machine *m = *state;

	machine_free(m);
	memset(m, 0, sizeof *m);
}

/* A run whose bind succeeds: the allocations the bind makes (counted in
 * al), its records checked. */
static unsigned bind_allocations(void **state)
{
	struct fw v = { 0 };

	assert_int_equal(run(state, &v, 0), OUT_COMPLETED);
	assert_int_equal(v.w.bad, 0);
	H_EXPECT(&v.w.lg, { MS, "bind", UK_OK }, { MS, "frames as before", 0 },
		 { MS, "call", UK_OK }, { MS, "in server domain", 1 }, { MS, "return", UK_OK });
	assert_true(al.n > 0 && al.n <= MAX_ALLOCS);
	trace_is_kernel(*state);
	replay_is_kernel(*state, true);
	stats_count_bindings(*state);
	return al.n;
}

/* Every allocation of the bind comes before the first record of its
 * A-stacks (the client's vm_map): once they are in the trace, nothing of
 * the bind can fail. */
static void test_bind_allocates_before_mapping(void **state)
{
	unsigned n = bind_allocations(state);
	size_t first = SIZE_MAX;

	for (size_t i = 0; i < nrecs && first == SIZE_MAX; i++)
		if (recs[i].kind == TR_VM_MAP && recs[i].a[3] == VM_SHARED)
			first = i;
	assert_true(first != SIZE_MAX);
	for (unsigned k = 0; k < n; k++)
		if (al.recs_at[k] > first)
			fail_msg("allocation %u of %u of the bind comes after its A-stacks' vm_map", k + 1,
				 n);
}

static void test_bind_fails_at_each_allocation(void **state)
{
	unsigned n = bind_allocations(state), stopped = 0, refused = 0;

	next_machine(state);
	for (unsigned k = 1; k <= n; k++) {
		struct fw v = { 0 };
		enum outcome out = run(state, &v, k);
		const struct machine *m = *state;

		assert_true(al.refused);
		assert_int_equal(v.w.bad, 0);
		if (out == OUT_COMPLETED) {
			/* Refused, and nothing of it left: the client binds again. */
			H_EXPECT(&v.w.lg, { MS, "bind", UK_ENOMEM }, { MS, "frames as before", 1 },
				 { MS, "bind again", UK_OK }, { MS, "call", UK_OK },
				 { MS, "in server domain", 1 }, { MS, "return", UK_OK });
			assert_int_equal(m->lrpc->nbindings, 1);
			refused++;
		} else {
			/* A frame the host could not give: the run stops at the end
			 * of the instant (what the client did in it is kept). */
			assert_int_equal(out, OUT_LIMIT);
			assert_true(m->oom);
			for (unsigned i = 0; i < v.w.lg.n && i < H_LOG_MAX; i++) {
				if (strcmp(v.w.lg.ev[i].what, "bind") == 0)
					assert_int_equal(v.w.lg.ev[i].val, UK_ENOMEM);
				if (strcmp(v.w.lg.ev[i].what, "frames as before") == 0)
					assert_int_equal(v.w.lg.ev[i].val, 1);
			}
			stopped++;
		}
		trace_is_kernel(m);
		replay_is_kernel(m, out == OUT_COMPLETED);
		stats_count_bindings(m);
		next_machine(state);
	}
	/* Both kinds were tried. */
	assert_true(refused > 0);
	assert_true(stopped > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		H_TEST(test_bind_allocates_before_mapping),
		H_TEST(test_bind_fails_at_each_allocation),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
