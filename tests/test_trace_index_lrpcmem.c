/*
 * test_trace_index_lrpcmem.c: unit tests for the frames of LRPC A-stacks
 * in the memory replay of the trace index (record page_frame, replayed by
 * viz/trace_index_vm.c): records fed by hand - a client binds a server
 * (two pages of A-stacks, the same two frames in both), forks, the server
 * lets the binding go, the client and its child end - and the frames asked
 * at several times: the same frame in both regions, never copy-on-write,
 * counted as the frames records count them; then records a damaged trace
 * could hold (a process never seen, an address nothing maps, frame 0 or
 * out of range).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "ix_fixture.h"
#include "trace.h"
#include "trace_index.h"

#define HEAP 0x10000000ull
#define SADDR (HEAP + 0x3000)

/* pid 2 (the client) binds pid 3 (the server): A-stacks of two pages at
 * HEAP in the client and at SADDR in the server, frames 1 and 2; frame 3
 * is a private heap page of the server. The client forks pid 4 (whose copy
 * keeps the frames shared), ends (the server's region goes with it, as
 * lrpc.c's release does), then the child ends: the frames are free. */
static const struct ix_rec run[] = {
	{ 0, TR_PROC_NEW, { 2, 0 }, "client" },
	{ 0, TR_PROC_NEW, { 3, 0 }, "server" },
	{ 10, TR_MEMORY, { 16, 4096 }, NULL },
	{ 10, TR_VM_MAP, { 3, HEAP, 1, 2, 3 }, NULL },
	{ 10, TR_PAGE_FAULT, { 3, 3, HEAP, 1, 3 }, NULL },
	{ 10, TR_FRAMES, { 1, 0 }, NULL },
	{ 20, TR_VM_MAP, { 2, HEAP, 2, 4, 3 }, NULL },
	{ 20, TR_PAGE_FRAME, { 2, HEAP, 1 }, NULL },
	{ 20, TR_PAGE_FRAME, { 2, HEAP + 0x1000, 2 }, NULL },
	{ 20, TR_VM_MAP, { 3, SADDR, 2, 4, 3 }, NULL },
	{ 20, TR_PAGE_FRAME, { 3, SADDR, 1 }, NULL },
	{ 20, TR_PAGE_FRAME, { 3, SADDR + 0x1000, 2 }, NULL },
	{ 20, TR_FRAMES, { 3, 2 }, NULL },
	{ 20, TR_LRPC_BIND, { 1, 1, 2, HEAP, SADDR, 2 }, NULL },
	{ 30, TR_FORK, { 2, 4, 2 }, NULL },
	{ 30, TR_PROC_NEW, { 4, 0 }, "client.fork1" },
	{ 40, TR_PROC_EXIT, { 2, 2147483648ull, 0 }, NULL },
	{ 40, TR_VM_UNMAP, { 3, SADDR, 2 }, NULL },
	{ 40, TR_VM_UNMAP, { 2, HEAP, 2 }, NULL },
	{ 40, TR_FRAMES, { 3, 0 }, NULL },
	{ 50, TR_PROC_EXIT, { 4, 2147483648ull, 0 }, NULL },
	{ 50, TR_VM_UNMAP, { 4, HEAP, 2 }, NULL },
	{ 50, TR_FRAMES, { 1, 0 }, NULL },
};

/* The frames in use and shared at t in the replay are the last frames
 * record's at or before t. */
static void counts_as_recorded(const struct trace_index *ix, uint64_t t)
{
	const struct ti_vmcount *c = NULL;
	uint32_t used, shared;

	for (size_t i = 0; i < ix->vm.ncounts && ix->vm.counts[i].ns <= t; i++)
		c = &ix->vm.counts[i];
	assert_non_null(c);
	assert_int_equal(trace_index_vm_counts(ix, t, &used, &shared), 0);
	assert_int_equal(used, c->used);
	assert_int_equal(shared, c->shared);
}

static void test_bind_shares_frames(void **state)
{
	struct trace_index *ix = IX_LOAD(run, 100);
	struct ti_frame_use *u;

	(void)state;
	assert_int_equal(ix->vm.maxframe, 3);
	u = ix_frames_at(ix, 15);                       /* before the bind: the server's heap */
	assert_int_equal(u[1].maps, 0);
	assert_int_equal(u[3].maps, 1);
	free(u);
	u = ix_frames_at(ix, 25);                       /* client and server map frames 1, 2 */
	for (int f = 1; f <= 2; f++) {
		assert_int_equal(u[f].maps, 2);
		assert_int_equal(u[f].nproc, 2);
		assert_int_equal(u[f].proc[0], 0);      /* client, the first process */
		assert_int_equal(u[f].proc[1], 1);      /* server */
		assert_int_equal(u[f].cow, 0);
	}
	assert_int_equal(u[3].maps, 1);
	free(u);
	for (uint64_t t = 10; t <= 60; t += 5)
		counts_as_recorded(ix, t);
	trace_index_free(ix);
}

static void test_fork_and_ends(void **state)
{
	struct trace_index *ix = IX_LOAD(run, 100);
	struct ti_frame_use *u;

	(void)state;
	u = ix_frames_at(ix, 35);                       /* the child's copy stays shared */
	assert_int_equal(u[1].maps, 3);
	assert_int_equal(u[1].nproc, 3);
	assert_int_equal(u[1].cow, 0);
	assert_int_equal(u[2].cow, 0);
	free(u);
	u = ix_frames_at(ix, 45);                       /* the client ended: the child alone */
	assert_int_equal(u[1].maps, 1);
	assert_int_equal(u[1].proc[0], 2);
	assert_int_equal(u[2].maps, 1);
	free(u);
	u = ix_frames_at(ix, 55);                       /* the child ended: free */
	assert_int_equal(u[1].maps, 0);
	assert_int_equal(u[2].maps, 0);
	assert_int_equal(u[3].maps, 1);
	free(u);
	trace_index_free(ix);
}

static void test_page_cause(void **state)
{
	struct trace_index *ix = IX_LOAD(run, 100);
	uint32_t server = TI_NONE, r = TI_NONE, pg;
	const struct ti_vmstep *st;

	(void)state;
	for (uint32_t i = 0; i < ix->nprocs; i++)
		if (ix->procs[i].pid == 3)
			server = i;
	r = trace_index_vm_region_at(ix, server, SADDR + 0x1000, 25);
	assert_int_not_equal(r, TI_NONE);
	assert_int_equal(ix->vm.regs[r].kind, 4);
	pg = trace_index_vm_page(ix, r, 1);
	assert_int_not_equal(pg, TI_NONE);
	st = trace_index_vm_step_at(ix, pg, 25);
	assert_non_null(st);
	assert_int_equal(st->frame, 2);
	assert_int_equal(st->cow, 0);
	assert_int_equal(st->cause, TI_VM_LRPC);
	assert_string_equal(trace_index_vm_cause_name(st->cause), "an LRPC binding's A-stack");
	assert_null(trace_index_vm_step_at(ix, pg, 15));   /* no frame before the bind */
	trace_index_free(ix);
}

/* Damage: a process no record made, an address no region holds (between
 * two regions, past the end of one), frame 0, a frame past the machine's
 * 16 and one past any frame number: ignored, the one good record kept. */
static const struct ix_rec damaged[] = {
	{ 0, TR_PROC_NEW, { 2, 0 }, "client" },
	{ 10, TR_MEMORY, { 16, 4096 }, NULL },
	{ 10, TR_VM_MAP, { 2, HEAP, 1, 4, 3 }, NULL },
	{ 10, TR_PAGE_FRAME, { 9, HEAP, 5 }, NULL },
	{ 10, TR_PAGE_FRAME, { 2, HEAP + 0x1000, 6 }, NULL },
	{ 10, TR_PAGE_FRAME, { 2, 0, 7 }, NULL },
	{ 10, TR_PAGE_FRAME, { 2, UINT64_MAX, 8 }, NULL },
	{ 10, TR_PAGE_FRAME, { 2, HEAP, 0 }, NULL },
	{ 10, TR_PAGE_FRAME, { 2, HEAP, 17 }, NULL },
	{ 10, TR_PAGE_FRAME, { 2, HEAP, (1ull << 32) + 1 }, NULL },
	{ 10, TR_PAGE_FRAME, { 2, HEAP, 4 }, NULL },
	{ 20, TR_VM_UNMAP, { 2, HEAP, 1 }, NULL },
	{ 20, TR_PAGE_FRAME, { 2, HEAP, 5 }, NULL },   /* after its region went */
};

static void test_damage(void **state)
{
	struct trace_index *ix = IX_LOAD(damaged, 30);
	struct ti_frame_use *u;

	(void)state;
	assert_int_equal(ix->nprocs, 1);               /* pid 9 made no process */
	assert_int_equal(ix->vm.maxframe, 4);
	assert_int_equal(ix->vm.nsteps, 1);
	u = ix_frames_at(ix, 15);
	assert_int_equal(u[4].maps, 1);
	assert_int_equal(u[1].maps, 0);
	free(u);
	u = ix_frames_at(ix, 25);
	assert_int_equal(u[4].maps, 0);
	free(u);
	trace_index_free(ix);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bind_shares_frames),
		cmocka_unit_test(test_fork_and_ends),
		cmocka_unit_test(test_page_cause),
		cmocka_unit_test(test_damage),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
