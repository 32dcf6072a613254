/*
 * test_trace_index_vm.c: unit tests for the memory replay of the trace
 * index (viz/trace_index_vm*.c): records fed by hand - a parent fills two
 * pages and forks, the child copies one on write, the parent protects and
 * reuses; out-of-line data sent, duplicated, delivered and dropped - and
 * the state asked at several times: which process maps which frame, the
 * pages' histories, the frame counts, permissions and events; then
 * records a damaged trace could hold; two nodes, each with its memory, a
 * process that migrates and out-of-line data delivered on the other node.
 *
 * The one idea: the memory view draws what these queries answer, so each
 * answer is checked against what the kernel would have had at that time.
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

#define TWO31 2147483648ull
#define HEAP 0x10000000ull
#define TEXT 0x400000ull
#define STACK 0x7fefffff0000ull           /* 16 pages of 4096 below 0x7ff000000000 */

static void counts_are(const struct trace_index *ix, uint64_t t, uint32_t used, uint32_t shared)
{
	uint32_t u, s;

	assert_int_equal(trace_index_vm_counts(ix, t, &u, &s), 0);
	assert_int_equal(u, used);
	assert_int_equal(s, shared);
}

/* The region of process pr starting at start (mapped at some time). */
static uint32_t region(const struct trace_index *ix, uint32_t pr, uint64_t start)
{
	for (uint32_t r = 0; r < ix->vm.nregs; r++)
		if (ix->vm.regs[r].proc == pr && ix->vm.regs[r].start == start)
			return r;
	fail_msg("no region at 0x%llx", (unsigned long long)start);
	return TI_NONE;
}

/* The state of page idx of region r at t: frame and cow (frame 0: none). */
static void page_is(const struct trace_index *ix, uint32_t r, uint64_t idx, uint64_t t,
		    uint32_t frame, int cow, int cause)
{
	uint32_t pg = trace_index_vm_page(ix, r, idx);
	const struct ti_vmstep *st = pg == TI_NONE ? NULL : trace_index_vm_step_at(ix, pg, t);

	if (!frame) {
		assert_null(st);
		return;
	}
	assert_non_null(st);
	assert_int_equal(st->frame, frame);
	assert_int_equal(st->cow, cow);
	assert_int_equal(st->cause, cause);
}

/* A parent (pid 2) fills two of three heap pages, forks pid 3, which
 * copies page 0 on write; the parent protects page 2 read-only and reads
 * it; the child exits; the parent writes page 1 again (no copy: the last
 * sharer); then a segmentation fault. */
static const struct ix_rec fork_run[] = {
	{ 0, TR_PROC_NEW, { 2, 0 }, "p" },
	{ 0, TR_THREAD_NEW, { 2, 2 }, "p" },
	{ 10, TR_MEMORY, { 16, 4096 }, NULL },
	{ 10, TR_VM_MAP, { 2, TEXT, 4, 1, 1 }, NULL },
	{ 10, TR_VM_MAP, { 2, STACK, 16, 3, 3 }, NULL },
	{ 10, TR_VM_MAP, { 2, HEAP, 3, 2, 3 }, NULL },
	{ 20, TR_PAGE_FAULT, { 2, 2, HEAP, 1, 1 }, NULL },
	{ 20, TR_PAGE_FAULT, { 2, 2, HEAP + 0x1000, 1, 2 }, NULL },
	{ 20, TR_FRAMES, { 2, 0 }, NULL },
	{ 30, TR_FORK, { 2, 3, 2 }, NULL },
	{ 30, TR_FRAMES, { 2, 2 }, NULL },
	{ 30, TR_PROC_NEW, { 3, 0 }, "p.fork1" },
	{ 30, TR_THREAD_NEW, { 3, 3 }, "p.fork1" },
	{ 40, TR_PAGE_FAULT, { 3, 3, HEAP, 2, 3 }, NULL },
	{ 40, TR_PAGE_COPY, { 3, HEAP, 1, 3 }, NULL },
	{ 40, TR_FRAMES, { 3, 1 }, NULL },
	{ 50, TR_VM_PROTECT, { 2, HEAP + 0x2000, 1, 1 }, NULL },
	{ 60, TR_PAGE_FAULT, { 2, 2, HEAP + 0x2000, 1, 4 }, NULL },
	{ 60, TR_FRAMES, { 4, 1 }, NULL },
	{ 70, TR_PROC_EXIT, { 3, TWO31 + 0, 0 }, NULL },
	{ 70, TR_VM_UNMAP, { 3, TEXT, 4 }, NULL },
	{ 70, TR_VM_UNMAP, { 3, HEAP, 3 }, NULL },
	{ 70, TR_VM_UNMAP, { 3, STACK, 16 }, NULL },
	{ 70, TR_FRAMES, { 3, 0 }, NULL },
	{ 80, TR_PAGE_FAULT, { 2, 2, HEAP + 0x1000, 3, 2 }, NULL },
	{ 90, TR_PAGE_FAULT, { 2, 2, 0x5000, 4, 0 }, NULL },
};

static void test_fork_frames(void **state)
{
	struct trace_index *ix = IX_LOAD(fork_run, 100);
	struct ti_frame_use *u;

	(void)state;
	assert_int_equal(ix->vm.page_size, 4096);
	assert_int_equal(ix->vm.frames, 16);
	assert_int_equal(ix->vm.maxframe, 4);
	assert_int_equal(ix->vm.nregs, 6);          /* three, and the child's copies */
	assert_int_equal(ix->vm.ncounts, 5);
	u = ix_frames_at(ix, 25);                              /* before the fork: the parent's */
	assert_int_equal(u[1].maps, 1);
	assert_int_equal(u[1].nproc, 1);
	assert_int_equal(u[1].proc[0], 0);
	assert_int_equal(u[1].cow, 0);
	assert_int_equal(u[3].maps, 0);
	free(u);
	u = ix_frames_at(ix, 30);                              /* the fork shares both, copy-on-write */
	for (int f = 1; f <= 2; f++) {
		assert_int_equal(u[f].maps, 2);
		assert_int_equal(u[f].nproc, 2);
		assert_int_equal(u[f].proc[0], 0);
		assert_int_equal(u[f].proc[1], 1);
		assert_int_equal(u[f].cow, 2);
	}
	free(u);
	u = ix_frames_at(ix, 45);                              /* the child copied page 0 into frame 3 */
	assert_int_equal(u[1].maps, 1);
	assert_int_equal(u[1].proc[0], 0);
	assert_int_equal(u[3].maps, 1);
	assert_int_equal(u[3].proc[0], 1);
	assert_int_equal(u[3].cow, 0);
	assert_int_equal(u[2].nproc, 2);
	assert_int_equal(ix->vm.pages[u[3].page].reg, region(ix, 1, HEAP));
	free(u);
	counts_are(ix, 25, 2, 0);
	counts_are(ix, 30, 2, 2);
	counts_are(ix, 45, 3, 1);
	counts_are(ix, 65, 4, 1);
	counts_are(ix, 70, 3, 0);                    /* the child's end freed frame 3 */
	counts_are(ix, 100, 3, 0);
	trace_index_free(ix);
}

static void test_fork_pages(void **state)
{
	struct trace_index *ix = IX_LOAD(fork_run, 100);
	uint32_t ph = region(ix, 0, HEAP), ch = region(ix, 1, HEAP);

	(void)state;
	assert_int_equal(ix->vm.regs[ch].from, ph);
	assert_int_equal(ix->vm.regs[ch].map_ns, 30);
	assert_int_equal(ix->vm.regs[ch].unmap_ns, 70);
	assert_int_equal(ix->vm.regs[ph].unmap_ns, TI_NEVER);
	assert_int_equal(ix->vm.regs[ph].page_count, 3);      /* pages 0, 1, 2 had frames */
	page_is(ix, ph, 0, 15, 0, 0, 0);
	page_is(ix, ph, 0, 20, 1, 0, TI_VM_ZERO);
	page_is(ix, ph, 0, 30, 1, 1, TI_VM_FORK);
	page_is(ix, ch, 0, 35, 1, 1, TI_VM_FORK);
	page_is(ix, ch, 0, 40, 3, 0, TI_VM_COW_COPY);
	page_is(ix, ch, 2, 45, 0, 0, 0);                      /* never touched */
	page_is(ix, ph, 1, 75, 2, 1, TI_VM_FORK);
	page_is(ix, ph, 1, 80, 2, 0, TI_VM_COW_REUSE);
	assert_int_equal(trace_index_vm_perm(ix, ph, 2, 45), 3);
	assert_int_equal(trace_index_vm_perm(ix, ph, 2, 55), 1);
	assert_int_equal(trace_index_vm_perm(ix, ph, 1, 55), 3);
	assert_int_equal(trace_index_vm_perm(ix, ch, 2, 55), 3);  /* protected after the fork */
	assert_int_equal(trace_index_vm_perm(ix, region(ix, 0, TEXT), 0, 55), 1);
	assert_int_equal(trace_index_vm_region_at(ix, 0, HEAP + 0x1fff, 50), ph);
	assert_int_equal(trace_index_vm_region_at(ix, 1, HEAP, 50), ch);
	assert_int_equal(trace_index_vm_region_at(ix, 1, HEAP, 70), TI_NONE);   /* unmapped */
	assert_int_equal(trace_index_vm_region_at(ix, 0, HEAP + 0x3000, 50), TI_NONE);
	assert_int_equal(trace_index_vm_regions_from(ix, 80), 0);
	trace_index_free(ix);
}

static void test_fork_events(void **state)
{
	struct trace_index *ix = IX_LOAD(fork_run, 100);
	const struct ti_vmev *e = ix->vm.evs;

	(void)state;
	assert_int_equal(ix->vm.nevs, 7);            /* six faults and the fork */
	assert_int_equal(e[0].kind, TI_VMEV_ZERO);
	assert_int_equal(e[0].frame, 1);
	assert_int_equal(e[0].page, 0);
	assert_string_equal(trace_index_str(ix, ix->threads[e[0].thread].name), "p");
	assert_int_equal(e[2].kind, TI_VMEV_FORK);
	assert_int_equal(e[2].proc, 0);
	assert_int_equal(e[2].other, 1);
	assert_int_equal(e[2].frame, 2);             /* pages shared */
	assert_int_equal(e[3].kind, TI_VMEV_COW_COPY);
	assert_int_equal(e[3].proc, 1);
	assert_int_equal(e[3].from, 1);
	assert_int_equal(e[3].frame, 3);
	assert_int_equal(e[5].kind, TI_VMEV_COW_REUSE);
	assert_int_equal(e[5].page, 1);
	assert_int_equal(e[6].kind, TI_VMEV_UNMAPPED);
	assert_int_equal(e[6].reg, TI_NONE);
	assert_int_equal(trace_index_vm_events_from(ix, 41), 4);
	assert_int_equal(trace_index_vm_events_from(ix, 91), 7);
	assert_int_equal(ix->vm.counts[1].ns, 30);
	assert_int_equal(ix->vm.counts[1].shared, 2);
	assert_int_equal(ix->vm.maxused, 4);
	trace_index_free(ix);
}

/* The client (pid 2) sends two pages out of line (flow 5) to the server
 * (pid 3); the network duplicates it (flow 6); the client writes page 0
 * (copied: the messages hold the frame); flow 5 is delivered and mapped,
 * flow 6 is lost; the server frees what it got. */
static const struct ix_rec ool_run[] = {
	{ 0, TR_PROC_NEW, { 2, 0 }, "client" },
	{ 0, TR_THREAD_NEW, { 2, 2 }, "client" },
	{ 0, TR_PROC_NEW, { 3, 1 }, "server" },
	{ 0, TR_THREAD_NEW, { 3, 3 }, "server" },
	{ 10, TR_MEMORY, { 8, 4096 }, NULL },
	{ 10, TR_VM_MAP, { 2, TEXT, 4, 1, 1 }, NULL },
	{ 10, TR_VM_MAP, { 2, STACK, 16, 3, 3 }, NULL },
	{ 10, TR_VM_MAP, { 2, HEAP, 2, 2, 3 }, NULL },
	{ 10, TR_PAGE_FAULT, { 2, 2, HEAP, 1, 1 }, NULL },
	{ 10, TR_PAGE_FAULT, { 2, 2, HEAP + 0x1000, 1, 2 }, NULL },
	{ 10, TR_FRAMES, { 2, 0 }, NULL },
	{ 20, TR_FRAMES, { 2, 2 }, NULL },
	{ 20, TR_MSG_SEND, { 5, 2, 9, 20, 0, 0 }, NULL },
	{ 20, TR_OOL, { 5, 2, HEAP + 0x800, 4096, 1 }, NULL },
	{ 20, TR_MSG_SEND, { 6, 2, 9, 20, 0, 0 }, NULL },
	{ 20, TR_OOL, { 6, 2, HEAP + 0x800, 4096, 1 }, NULL },
	{ 20, TR_MSG_ENQUEUE, { 5, 9, 1 }, NULL },
	{ 20, TR_MSG_ENQUEUE, { 6, 9, 2 }, NULL },
	{ 30, TR_PAGE_FAULT, { 2, 2, HEAP, 2, 3 }, NULL },
	{ 30, TR_PAGE_COPY, { 2, HEAP, 1, 3 }, NULL },
	{ 30, TR_FRAMES, { 3, 2 }, NULL },
	{ 40, TR_MSG_DELIVER, { 5, 3, 9 }, NULL },
	{ 40, TR_VM_MAP, { 3, TEXT, 4, 1, 1 }, NULL },
	{ 40, TR_VM_MAP, { 3, STACK, 16, 3, 3 }, NULL },
	{ 40, TR_OOL, { 5, 3, HEAP + 0x800, 4096, 2 }, NULL },
	{ 40, TR_VM_MAP, { 3, HEAP, 2, 2, 3 }, NULL },
	{ 50, TR_MSG_DROP, { 6, 9, 4 }, NULL },
	{ 50, TR_FRAMES, { 3, 1 }, NULL },
	{ 60, TR_VM_UNMAP, { 3, HEAP, 2 }, NULL },
	{ 60, TR_FRAMES, { 2, 0 }, NULL },
};

static void test_ool(void **state)
{
	struct trace_index *ix = IX_LOAD(ool_run, 100);
	struct ti_frame_use *u;
	uint32_t ch = region(ix, 0, HEAP), sh = region(ix, 1, HEAP);

	(void)state;
	assert_int_equal(ix->vm.nsnaps, 2);
	assert_int_equal(ix->vm.snaps[0].flow, 5);
	assert_int_equal(ix->vm.snaps[0].fr_count, 2);
	assert_int_equal(ix->vm.snaps[0].t1, 40);
	assert_int_equal(ix->vm.snaps[1].flow, 6);
	assert_int_equal(ix->vm.snaps[1].t1, 50);
	u = ix_frames_at(ix, 25);                              /* both messages hold both frames */
	assert_int_equal(u[1].maps, 1);
	assert_int_equal(u[1].held, 2);
	assert_int_equal(u[1].cow, 1);
	assert_int_equal(u[2].held, 2);
	free(u);
	u = ix_frames_at(ix, 35);                              /* the client's page 0 is frame 3 now */
	assert_int_equal(u[1].maps, 0);
	assert_int_equal(u[1].held, 2);
	assert_int_equal(u[3].maps, 1);
	free(u);
	u = ix_frames_at(ix, 45);                              /* flow 5 is the server's region */
	assert_int_equal(u[1].maps, 1);
	assert_int_equal(u[1].proc[0], 1);
	assert_int_equal(u[1].held, 1);
	assert_int_equal(u[2].nproc, 2);
	free(u);
	page_is(ix, ch, 0, 20, 1, 1, TI_VM_OOL_TAKE);
	page_is(ix, ch, 0, 30, 3, 0, TI_VM_COW_COPY);
	page_is(ix, sh, 0, 40, 1, 1, TI_VM_OOL_GIVE);
	page_is(ix, sh, 1, 40, 2, 1, TI_VM_OOL_GIVE);
	assert_int_equal(ix->vm.regs[sh].flow, 5);
	assert_int_equal(ix->vm.regs[ch].flow, 0);
	counts_are(ix, 15, 2, 0);
	counts_are(ix, 25, 2, 2);
	counts_are(ix, 35, 3, 2);
	counts_are(ix, 45, 3, 2);
	counts_are(ix, 55, 3, 1);
	counts_are(ix, 65, 2, 0);
	assert_int_equal(ix->vm.nevs, 6);            /* 3 faults, 2 taken, 1 mapped */
	trace_index_free(ix);
}

/* Damage: frame numbers past the machine's, a fork into itself, unknown
 * ool ops and processes never made load without harm; without a memory
 * record the page size comes from the stack region (8192 here). */
static void test_damage(void **state)
{
	static const struct ix_rec bad[] = {
		{ 0, TR_VM_MAP, { 4, 0x7ff000000000ull - 16 * 8192, 16, 3, 3 }, NULL },
		{ 0, TR_VM_MAP, { 4, HEAP, 1000000000, 2, 3 }, NULL },
		{ 1, TR_PAGE_FAULT, { 9, 4, HEAP + 8192, 1, 7 }, NULL },
		{ 2, TR_PAGE_FAULT, { 9, 4, HEAP, 1, 99999999999ull }, NULL },
		{ 2, TR_PAGE_FAULT, { 9, 4, HEAP + (1ull << 40), 1, 8 }, NULL },
		{ 3, TR_FORK, { 4, 4, 1 }, NULL },
		{ 3, TR_OOL, { 1, 4, HEAP, UINT64_MAX, 1 }, NULL },
		{ 3, TR_OOL, { 1, 4, HEAP, 5, 9 }, NULL },
		{ 4, TR_VM_UNMAP, { 4, 0x1234, 1 }, NULL },
		{ 4, TR_VM_PROTECT, { 5, HEAP, 3, 1 }, NULL },
		{ 5, TR_MSG_DELIVER, { 1, 9, 1 }, NULL },
		{ 6, TR_PAGE_FAULT, { 9, 4, HEAP + 8192, 77, 7 }, NULL },
	};
	struct trace_index *ix = IX_LOAD(bad, 10);
	struct ti_frame_use *u;
	uint32_t h = region(ix, 0, HEAP);

	(void)state;
	assert_int_equal(ix->vm.page_size, 8192);
	assert_int_equal(ix->vm.maxframe, 7);        /* 99999999999 ignored */
	assert_int_equal(ix->vm.frames, 7);          /* no memory record: the highest seen */
	page_is(ix, h, 1, 5, 7, 1, TI_VM_OOL_TAKE);
	page_is(ix, h, 0, 5, 0, 0, 0);
	assert_int_equal(ix->vm.nsnaps, 1);
	assert_int_equal(ix->vm.snaps[0].fr_count, 1);
	u = ix_frames_at(ix, 4);
	assert_int_equal(u[7].maps, 1);
	assert_int_equal(u[7].held, 1);
	free(u);
	counts_are(ix, 6, 1, 0);
	trace_index_free(ix);
}

/* A run without memory has none: every query answers "nothing". */
static void test_no_memory(void **state)
{
	static const struct ix_rec r[] = {
		{ 0, TR_PROC_NEW, { 1, 0 }, "p" },
		{ 5, TR_MSG_DELIVER, { 1, 1, 1 }, NULL },
	};
	struct trace_index *ix = IX_LOAD(r, 10);
	struct ti_frame_use u[1];

	(void)state;
	assert_int_equal(ix->vm.page_size, 0);
	assert_int_equal(ix->vm.nregs, 0);
	assert_int_equal(ix->vm.maxframe, 0);
	trace_index_vm_at(ix, 5, u);
	assert_int_equal(u[0].maps, 0);
	counts_are(ix, 5, 0, 0);
	assert_int_equal(trace_index_vm_regions_from(ix, 5), 0);
	assert_int_equal(trace_index_vm_events_from(ix, 0), 0);
	trace_index_free(ix);
}

/* Two nodes, A (frames 1-8) and B (9-16). p (pid 2, on A) fills two heap
 * pages and migrates to B at 30: its pages move to frames 9 and 10. q
 * (pid 3, on A) sends a page out of line (flow 5) to r (pid 4, on B): at
 * 50 it is mapped into r from frame 3, then moved to frame 11. */
static const struct ix_rec nodes_run[] = {
	{ 0, TR_NODE, { 0, 1, 0, 0 }, "A" },
	{ 0, TR_NODE, { 1, 1, 1, 0 }, "B" },
	{ 0, TR_PROC_NEW, { 2, 0 }, "p" },
	{ 0, TR_THREAD_NEW, { 2, 2 }, "p" },
	{ 0, TR_PROC_NEW, { 3, 0 }, "q" },
	{ 0, TR_THREAD_NEW, { 3, 3 }, "q" },
	{ 0, TR_PROC_NEW, { 4, 0 }, "r" },
	{ 0, TR_THREAD_NEW, { 4, 4 }, "r" },
	{ 10, TR_MEMORY, { 16, 4096 }, NULL },
	{ 10, TR_NODE_MEMORY, { 0, 1, 8 }, NULL },
	{ 10, TR_NODE_MEMORY, { 1, 9, 8 }, NULL },
	{ 10, TR_VM_MAP, { 2, HEAP, 2, 2, 3 }, NULL },
	{ 20, TR_PAGE_FAULT, { 2, 2, HEAP, 1, 1 }, NULL },
	{ 20, TR_PAGE_FAULT, { 2, 2, HEAP + 0x1000, 1, 2 }, NULL },
	{ 20, TR_FRAMES, { 2, 0 }, NULL },
	{ 30, TR_PAGE_MOVE, { 2, HEAP, 1, 9 }, NULL },
	{ 30, TR_PAGE_MOVE, { 2, HEAP + 0x1000, 2, 10 }, NULL },
	{ 30, TR_PROC_NODE, { 2, 1 }, NULL },
	{ 40, TR_VM_MAP, { 3, HEAP, 1, 2, 3 }, NULL },
	{ 40, TR_PAGE_FAULT, { 3, 3, HEAP, 1, 3 }, NULL },
	{ 40, TR_FRAMES, { 3, 0 }, NULL },
	{ 45, TR_MSG_SEND, { 5, 3, 9, 20, 0, 0 }, NULL },
	{ 45, TR_OOL, { 5, 3, HEAP, 4096, 1 }, NULL },
	{ 50, TR_MSG_DELIVER, { 5, 4, 9 }, NULL },
	{ 50, TR_OOL, { 5, 4, 0x20000000, 4096, 2 }, NULL },
	{ 50, TR_VM_MAP, { 4, 0x20000000, 1, 2, 3 }, NULL },
	{ 50, TR_PAGE_MOVE, { 4, 0x20000000, 3, 11 }, NULL },
	{ 50, TR_FRAMES, { 4, 0 }, NULL },
};

/* The node memories: A's and B's ranges, and which holds a frame. */
static void test_node_memories(void **state)
{
	struct trace_index *ix = IX_LOAD(nodes_run, 100);

	(void)state;
	assert_int_equal(ix->vm.frames, 16);
	assert_int_equal(ix->vm.nmems, 2);
	assert_int_equal(ix->vm.mems[0].first, 1);
	assert_int_equal(ix->vm.mems[0].frames, 8);
	assert_int_equal(ix->vm.mems[0].node, 0);
	assert_int_equal(ix->vm.mems[1].first, 9);
	assert_int_equal(ix->vm.mems[1].frames, 8);
	assert_int_equal(ix->vm.mems[1].node, 1);
	assert_string_equal(trace_index_str(ix, ix->nodes[ix->vm.mems[1].node].name), "B");
	assert_int_equal(trace_index_vm_mem_of(ix, 1), 0);
	assert_int_equal(trace_index_vm_mem_of(ix, 8), 0);
	assert_int_equal(trace_index_vm_mem_of(ix, 9), 1);
	assert_int_equal(trace_index_vm_mem_of(ix, 16), 1);
	assert_int_equal(trace_index_vm_mem_of(ix, 17), TI_NONE);
	assert_int_equal(trace_index_vm_mem_of(ix, 0), TI_NONE);
	trace_index_free(ix);
}

/* A migration: the pages step to B's frames (private), A's are free. */
static void test_page_move(void **state)
{
	struct trace_index *ix = IX_LOAD(nodes_run, 100);
	uint32_t h = region(ix, 0, HEAP);
	struct ti_frame_use *u;
	const struct ti_vmev *e = ix->vm.evs;

	(void)state;
	page_is(ix, h, 0, 25, 1, 0, TI_VM_ZERO);
	page_is(ix, h, 0, 30, 9, 0, TI_VM_MOVE);
	page_is(ix, h, 1, 30, 10, 0, TI_VM_MOVE);
	assert_string_equal(trace_index_vm_cause_name(TI_VM_MOVE), "moved to another node's memory");
	u = ix_frames_at(ix, 25);
	assert_int_equal(u[1].maps, 1);
	assert_int_equal(u[9].maps, 0);
	free(u);
	u = ix_frames_at(ix, 35);                              /* A's frames free, B's used by p */
	assert_int_equal(u[1].maps + u[1].held, 0);
	assert_int_equal(u[2].maps + u[2].held, 0);
	assert_int_equal(u[9].maps, 1);
	assert_int_equal(u[9].proc[0], 0);
	assert_int_equal(u[10].maps, 1);
	free(u);
	counts_are(ix, 25, 2, 0);
	counts_are(ix, 35, 2, 0);
	assert_int_equal(e[2].kind, TI_VMEV_MOVE);   /* after the two zero fills */
	assert_int_equal(e[2].ns, 30);
	assert_int_equal(e[2].addr, HEAP);
	assert_int_equal(e[2].from, 1);
	assert_int_equal(e[2].frame, 9);
	assert_int_equal(e[2].other, TI_MOVE_MIGRATE);
	assert_int_equal(e[2].reg, h);
	assert_int_equal(e[3].page, 1);
	assert_true(ix->vm.ev_seen & (1u << TI_VMEV_MOVE));
	trace_index_free(ix);
}

/* Out-of-line data delivered on B: the receiver's page maps B's frame 11,
 * still copy-on-write as the kernel maps it; the sender keeps frame 3. */
static void test_page_move_ool(void **state)
{
	struct trace_index *ix = IX_LOAD(nodes_run, 100);
	uint32_t rh = region(ix, 2, 0x20000000), qh = region(ix, 1, HEAP);
	struct ti_frame_use *u;

	(void)state;
	page_is(ix, rh, 0, 50, 11, 1, TI_VM_MOVE);
	page_is(ix, qh, 0, 50, 3, 1, TI_VM_OOL_TAKE);
	u = ix_frames_at(ix, 47);                              /* the message holds frame 3 */
	assert_int_equal(u[3].maps, 1);
	assert_int_equal(u[3].held, 1);
	free(u);
	u = ix_frames_at(ix, 50);
	assert_int_equal(u[3].maps, 1);              /* the sender's only */
	assert_int_equal(u[3].held, 0);
	assert_int_equal(u[3].proc[0], 1);
	assert_int_equal(u[11].maps, 1);
	assert_int_equal(u[11].proc[0], 2);
	free(u);
	counts_are(ix, 50, 4, 0);
	assert_int_equal(ix->vm.evs[ix->vm.nevs - 1].kind, TI_VMEV_MOVE);
	assert_int_equal(ix->vm.evs[ix->vm.nevs - 1].other, TI_MOVE_OOL);
	trace_index_free(ix);
}

/* Damage: node memories that overlap, repeat a node, are empty or lie
 * past the machine's frames are ignored, and the gap they leave is a part
 * of no node; moves to frames out of range, of processes never seen, of
 * pages without a frame or from another frame than theirs are ignored. */
static void test_node_damage(void **state)
{
	static const struct ix_rec bad[] = {
		{ 0, TR_PROC_NEW, { 2, 0 }, "p" },
		{ 10, TR_MEMORY, { 32, 4096 }, NULL },
		{ 10, TR_NODE_MEMORY, { 0, 1, 8 }, NULL },
		{ 10, TR_NODE_MEMORY, { 1, 5, 8 }, NULL },          /* overlaps A's */
		{ 10, TR_NODE_MEMORY, { 0, 20, 4 }, NULL },         /* A again */
		{ 10, TR_NODE_MEMORY, { 2, 0, 4 }, NULL },          /* no frame 0 */
		{ 10, TR_NODE_MEMORY, { 3, 24, 0 }, NULL },         /* empty */
		{ 10, TR_NODE_MEMORY, { 4, 30, 8 }, NULL },         /* past frame 32 */
		{ 10, TR_NODE_MEMORY, { 5, UINT64_MAX, 2 }, NULL },
		{ 10, TR_NODE_MEMORY, { 6, 17, 16 }, NULL },        /* kept: 17-32 */
		{ 10, TR_VM_MAP, { 2, HEAP, 4, 2, 3 }, NULL },
		{ 20, TR_PAGE_FAULT, { 2, 2, HEAP, 1, 1 }, NULL },
		{ 20, TR_PAGE_FAULT, { 2, 2, HEAP + 0x1000, 1, 2 }, NULL },
		{ 30, TR_PAGE_MOVE, { 2, HEAP, 1, 33 }, NULL },     /* no frame 33 */
		{ 30, TR_PAGE_MOVE, { 2, HEAP, 1, 0 }, NULL },
		{ 30, TR_PAGE_MOVE, { 9, HEAP, 1, 17 }, NULL },     /* no process 9 */
		{ 30, TR_PAGE_MOVE, { 2, HEAP + 0x2000, 0, 18 }, NULL },   /* no frame yet */
		{ 30, TR_PAGE_MOVE, { 2, HEAP + 0x1000, 7, 19 }, NULL },   /* not from 2 */
		{ 30, TR_PAGE_MOVE, { 2, 0x90000000, 1, 20 }, NULL },      /* not mapped */
		{ 30, TR_PAGE_MOVE, { 2, HEAP, 1, 1 }, NULL },      /* nowhere */
		{ 40, TR_PAGE_MOVE, { 2, HEAP, 1, 17 }, NULL },     /* kept */
	};
	struct trace_index *ix = IX_LOAD(bad, 100);
	uint32_t h = region(ix, 0, HEAP);

	(void)state;
	assert_int_equal(ix->vm.nmems, 3);           /* A, the gap 9-16, node 6 */
	assert_int_equal(ix->vm.mems[0].first, 1);
	assert_int_equal(ix->vm.mems[0].frames, 8);
	assert_int_equal(ix->vm.mems[0].told, 1);
	assert_int_equal(ix->vm.mems[1].first, 9);
	assert_int_equal(ix->vm.mems[1].frames, 8);
	assert_int_equal(ix->vm.mems[1].told, 0);
	assert_int_equal(ix->vm.mems[1].node, TI_NONE);
	assert_int_equal(ix->vm.mems[2].first, 17);
	assert_int_equal(ix->vm.mems[2].frames, 16);
	assert_int_equal(ix->vm.mems[2].id, 6);
	assert_int_equal(ix->vm.mems[2].node, TI_NONE);  /* never declared by a node record */
	assert_int_equal(trace_index_vm_mem_of(ix, 12), 1);
	page_is(ix, h, 0, 35, 1, 0, TI_VM_ZERO);
	page_is(ix, h, 1, 35, 2, 0, TI_VM_ZERO);
	page_is(ix, h, 2, 35, 0, 0, 0);
	page_is(ix, h, 0, 40, 17, 0, TI_VM_MOVE);
	assert_int_equal(ix->vm.nevs, 3);            /* two faults, one move */
	counts_are(ix, 45, 2, 0);
	trace_index_free(ix);
}

/* One node memory is no grouping; frames of node memories past a memory
 * record that came later are dropped; without a memory record, the node
 * memories say how many frames there are. */
static void test_node_memory_alone(void **state)
{
	static const struct ix_rec one[] = {
		{ 10, TR_MEMORY, { 16, 4096 }, NULL },
		{ 10, TR_NODE_MEMORY, { 0, 1, 16 }, NULL },
	};
	static const struct ix_rec late[] = {
		{ 10, TR_NODE_MEMORY, { 0, 1, 8 }, NULL },
		{ 10, TR_NODE_MEMORY, { 1, 9, 8 }, NULL },
		{ 10, TR_NODE_MEMORY, { 2, 17, 8 }, NULL },
		{ 10, TR_MEMORY, { 16, 4096 }, NULL },
	};
	static const struct ix_rec untold[] = {
		{ 10, TR_NODE_MEMORY, { 0, 1, 8 }, NULL },
		{ 10, TR_NODE_MEMORY, { 1, 9, 24 }, NULL },
	};
	struct trace_index *ix = IX_LOAD(one, 100);

	(void)state;
	assert_int_equal(ix->vm.nmems, 0);
	assert_int_equal(trace_index_vm_mem_of(ix, 1), TI_NONE);
	trace_index_free(ix);
	ix = IX_LOAD(late, 100);
	assert_int_equal(ix->vm.frames, 16);
	assert_int_equal(ix->vm.nmems, 2);
	assert_int_equal(ix->vm.mems[1].first + ix->vm.mems[1].frames - 1, 16);
	trace_index_free(ix);
	ix = IX_LOAD(untold, 100);
	assert_int_equal(ix->vm.frames, 32);
	assert_int_equal(ix->vm.nmems, 2);
	trace_index_free(ix);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fork_frames),
		cmocka_unit_test(test_fork_pages),
		cmocka_unit_test(test_fork_events),
		cmocka_unit_test(test_ool),
		cmocka_unit_test(test_damage),
		cmocka_unit_test(test_no_memory),
		cmocka_unit_test(test_node_memories),
		cmocka_unit_test(test_page_move),
		cmocka_unit_test(test_page_move_ool),
		cmocka_unit_test(test_node_damage),
		cmocka_unit_test(test_node_memory_alone),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
