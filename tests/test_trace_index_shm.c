/*
 * test_trace_index_shm.c: unit tests for shared segments in the memory
 * replay of the trace index (viz/trace_index_shm.c): records fed by hand -
 * a process shares two pages, another maps them, the first forks, the
 * mappings go one by one - and the frames asked at several times: the same
 * frame in every mapping, never copy-on-write, counted once; then records
 * a damaged trace could hold (a segment never made, made twice, a page or
 * a frame out of range); and which segment each region maps, the regions
 * grouped by it.
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

/* pid 2 shares two pages (frames 1, 2); pid 3 maps them at its own HEAP
 * + 2 pages; pid 2 forks pid 4 (which keeps them shared); pid 2 unmaps,
 * then pid 4 ends, then pid 3 unmaps: the segment is dead. */
static const struct ix_rec run[] = {
	{ 0, TR_PROC_NEW, { 2, 0 }, "a" },
	{ 0, TR_PROC_NEW, { 3, 0 }, "b" },
	{ 10, TR_MEMORY, { 16, 4096 }, NULL },
	{ 10, TR_VM_MAP, { 2, HEAP, 2, 4, 3 }, NULL },
	{ 10, TR_SHM_NEW, { 1, 2, HEAP, 2, 3, 5 }, NULL },
	{ 10, TR_SHM_FRAME, { 1, 0, 1 }, NULL },
	{ 10, TR_SHM_FRAME, { 1, 1, 2 }, NULL },
	{ 10, TR_FRAMES, { 2, 0 }, NULL },
	{ 20, TR_VM_MAP, { 3, HEAP + 0x2000, 2, 4, 1 }, NULL },
	{ 20, TR_SHM_MAP, { 1, 3, HEAP + 0x2000, 2, 1 }, NULL },
	{ 20, TR_FRAMES, { 2, 2 }, NULL },
	{ 30, TR_FORK, { 2, 4, 2 }, NULL },
	{ 30, TR_PROC_NEW, { 4, 0 }, "a.fork1" },
	{ 40, TR_VM_UNMAP, { 2, HEAP, 2 }, NULL },
	{ 40, TR_SHM_UNMAP, { 1, 2, HEAP, 2 }, NULL },
	{ 50, TR_PROC_EXIT, { 4, 2147483648ull, 0 }, NULL },
	{ 50, TR_VM_UNMAP, { 4, HEAP, 2 }, NULL },
	{ 50, TR_SHM_UNMAP, { 1, 4, HEAP, 1 }, NULL },
	{ 60, TR_VM_UNMAP, { 3, HEAP + 0x2000, 2 }, NULL },
	{ 60, TR_SHM_UNMAP, { 1, 3, HEAP + 0x2000, 0 }, NULL },
	{ 60, TR_FRAMES, { 0, 0 }, NULL },
};

static void test_mappings(void **state)
{
	struct trace_index *ix = IX_LOAD(run, 100);
	struct ti_frame_use *u;

	(void)state;
	assert_int_equal(ix->vm.maxframe, 2);
	u = ix_frames_at(ix, 15);                              /* the maker's alone */
	assert_int_equal(u[1].maps, 1);
	assert_int_equal(u[2].maps, 1);
	assert_int_equal(u[1].proc[0], 0);
	free(u);
	u = ix_frames_at(ix, 25);                              /* both map both frames, not copy-on-write */
	for (int f = 1; f <= 2; f++) {
		assert_int_equal(u[f].maps, 2);
		assert_int_equal(u[f].nproc, 2);
		assert_int_equal(u[f].cow, 0);
	}
	free(u);
	u = ix_frames_at(ix, 35);                              /* the fork's child maps them too */
	assert_int_equal(u[1].maps, 3);
	assert_int_equal(u[1].nproc, 3);
	assert_int_equal(u[1].cow, 0);
	free(u);
	u = ix_frames_at(ix, 45);                              /* the maker unmapped */
	assert_int_equal(u[2].maps, 2);
	free(u);
	u = ix_frames_at(ix, 55);
	assert_int_equal(u[2].maps, 1);
	assert_int_equal(u[2].proc[0], 1);           /* b, the second process */
	free(u);
	u = ix_frames_at(ix, 65);                              /* dead: nobody maps them */
	assert_int_equal(u[1].maps, 0);
	assert_int_equal(u[2].maps, 0);
	free(u);
	trace_index_free(ix);
}

static void test_page_cause(void **state)
{
	struct trace_index *ix = IX_LOAD(run, 100);
	uint32_t r = TI_NONE, pg;
	const struct ti_vmstep *st;

	(void)state;
	for (uint32_t i = 0; i < ix->vm.nregs; i++)
		if (ix->vm.regs[i].start == HEAP + 0x2000)
			r = i;
	assert_int_not_equal(r, TI_NONE);
	pg = trace_index_vm_page(ix, r, 1);
	assert_int_not_equal(pg, TI_NONE);
	st = trace_index_vm_step_at(ix, pg, 25);
	assert_non_null(st);
	assert_int_equal(st->frame, 2);
	assert_int_equal(st->cow, 0);
	assert_int_equal(st->cause, TI_VM_SHM);
	assert_string_equal(trace_index_vm_cause_name(st->cause), "a shared segment's frame");
	trace_index_free(ix);
}

/* The maker's region, the mapping's and the forked child's copy are
 * marked with the segment, listed in the order they were mapped. */
static void test_marks(void **state)
{
	struct trace_index *ix = IX_LOAD(run, 100);
	const struct ti_vm *vm = &ix->vm;

	(void)state;
	assert_int_equal(vm->nshmregs, 3);
	for (size_t i = 0; i < 3; i++) {
		const struct ti_vmreg *g = &vm->regs[vm->shmregs[i]];
		static const char *const who[] = { "a", "b", "a.fork1" };
		assert_int_equal(g->seg, 1);
		assert_string_equal(trace_index_str(ix, ix->procs[g->proc].name), who[i]);
	}
	assert_int_equal(vm->regs[vm->shmregs[2]].from, vm->shmregs[0]);
	trace_index_free(ix);
}

/* Two segments, each made by one process and mapped by the other, the
 * mappings interleaved in time: the regions by segment, then by time; a
 * heap region is not among them. */
static const struct ix_rec two[] = {
	{ 0, TR_PROC_NEW, { 2, 0 }, "a" },
	{ 0, TR_PROC_NEW, { 3, 0 }, "b" },
	{ 10, TR_MEMORY, { 16, 4096 }, NULL },
	{ 10, TR_VM_MAP, { 2, HEAP, 1, 4, 3 }, NULL },
	{ 10, TR_SHM_NEW, { 1, 2, HEAP, 1, 3, 5 }, NULL },
	{ 10, TR_SHM_FRAME, { 1, 0, 1 }, NULL },
	{ 12, TR_VM_MAP, { 2, HEAP + 0x4000, 1, 2, 3 }, NULL },
	{ 15, TR_VM_MAP, { 3, HEAP, 1, 4, 3 }, NULL },
	{ 15, TR_SHM_NEW, { 2, 3, HEAP, 1, 3, 6 }, NULL },
	{ 15, TR_SHM_FRAME, { 2, 0, 2 }, NULL },
	{ 20, TR_VM_MAP, { 2, HEAP + 0x1000, 1, 4, 3 }, NULL },
	{ 20, TR_SHM_MAP, { 2, 2, HEAP + 0x1000, 1, 3 }, NULL },
	{ 25, TR_VM_MAP, { 3, HEAP + 0x1000, 1, 4, 3 }, NULL },
	{ 25, TR_SHM_MAP, { 1, 3, HEAP + 0x1000, 1, 3 }, NULL },
};

static void test_grouped(void **state)
{
	struct trace_index *ix = IX_LOAD(two, 100);
	const struct ti_vm *vm = &ix->vm;
	static const uint64_t when[] = { 10, 25, 15, 20 };
	static const uint32_t seg[] = { 1, 1, 2, 2 };

	(void)state;
	assert_int_equal(vm->nregs, 5);
	assert_int_equal(vm->nshmregs, 4);
	for (size_t i = 0; i < 4; i++) {
		assert_int_equal(vm->regs[vm->shmregs[i]].map_ns, when[i]);
		assert_int_equal(vm->regs[vm->shmregs[i]].seg, seg[i]);
	}
	trace_index_free(ix);
}

/* Damage: a map or a frame of a segment never made, a segment made twice,
 * a page and a frame out of range: ignored, the rest as it was. */
static const struct ix_rec damaged[] = {
	{ 0, TR_PROC_NEW, { 2, 0 }, "a" },
	{ 10, TR_MEMORY, { 16, 4096 }, NULL },
	{ 10, TR_VM_MAP, { 2, HEAP, 1, 4, 3 }, NULL },
	{ 10, TR_SHM_FRAME, { 9, 0, 3 }, NULL },
	{ 10, TR_SHM_MAP, { 9, 2, HEAP, 1, 3 }, NULL },
	{ 10, TR_SHM_NEW, { 1, 2, HEAP, 1, 3, 5 }, NULL },
	{ 10, TR_SHM_NEW, { 1, 2, HEAP + 0x5000, 1, 3, 5 }, NULL },
	{ 10, TR_SHM_FRAME, { 1, 0, 1 }, NULL },
	{ 10, TR_SHM_FRAME, { 1, 1ull << 40, 1 }, NULL },
	{ 10, TR_SHM_FRAME, { 1, 5, 1ull << 40 }, NULL },
	{ 10, TR_SHM_UNMAP, { 7, 2, HEAP, 0 }, NULL },
};

static void test_damage(void **state)
{
	struct trace_index *ix = IX_LOAD(damaged, 20);
	struct ti_frame_use *u;

	(void)state;
	assert_int_equal(ix->vm.maxframe, 1);
	u = ix_frames_at(ix, 15);
	assert_int_equal(u[1].maps, 1);
	free(u);
	assert_int_equal(ix->vm.nshmregs, 1);             /* the segment made first */
	assert_int_equal(ix->vm.regs[ix->vm.shmregs[0]].seg, 1);
	trace_index_free(ix);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mappings),
		cmocka_unit_test(test_page_cause),
		cmocka_unit_test(test_marks),
		cmocka_unit_test(test_grouped),
		cmocka_unit_test(test_damage),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
