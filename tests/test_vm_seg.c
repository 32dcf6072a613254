/*
 * test_vm_seg.c - shared segments (kernel/vm.h, vm_seg.c): the same frames
 * in two address spaces, a write through one read through the other with
 * no fault and no copy, the frames counted once and freed with the last
 * mapping, a fork keeping a segment shared, and the refusals (a dead
 * segment, another memory, more permission than the segment allows, too
 * few frames, a read-only mapping made writable).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "vm.h"
#include "vm_helpers.h"

#define PS 256u

static uint32_t frame_at(const struct as *as, uint64_t addr)
{
	const struct vm_region *g = as_region(as, addr);

	assert_non_null(g);
	return g->pte[(addr - g->start) / PS].frame;
}

static void test_share_and_map(void **state)
{
	struct vm vm;
	struct as *a, *b;
	struct vm_seg *s;
	struct vm_access r;
	uint64_t sa = 0, sb = 0;
	char buf[8];
	int err;

	(void)state;
	assert_int_equal(vm_init(&vm, 8, PS), 0);
	a = as_new(&vm, NULL);
	b = as_new(&vm, NULL);
	s = vm_seg_new(a, 2, VM_R | VM_W, 1, &sa, &err);
	assert_non_null(s);
	assert_int_equal(err, VM_OK);
	assert_int_equal(vm.used, 2);                   /* its frames, taken at once */
	assert_int_equal(a->resident, 2);
	assert_int_equal(as_region(a, sa)->kind, VM_SHARED);
	assert_int_equal(as_seg_map(b, s, VM_R | VM_W, &sb), VM_OK);
	assert_int_equal(vm.used, 2);                   /* counted once */
	assert_int_equal(vm.shared, 2);
	assert_int_equal(s->maps, 2);
	assert_int_equal(frame_at(a, sa + PS), frame_at(b, sb + PS));
	/* b writes, a reads at once: no fault, no copy */
	assert_int_equal(as_access(b, sb + PS + 3, "shared", 6, 1, &r), VM_OK);
	assert_int_equal(r.faults, 0);
	assert_int_equal(r.copies, 0);
	assert_int_equal(as_access(a, sa + PS + 3, buf, 6, 0, &r), VM_OK);
	assert_memory_equal(buf, "shared", 6);
	assert_int_equal(as_seg_pages(a), 2);
	/* a unmaps: b keeps the frames */
	assert_int_equal(as_unmap(a, sa, VM_SHARED), VM_OK);
	assert_int_equal(s->maps, 1);
	assert_int_equal(vm.used, 2);
	assert_int_equal(vm.shared, 0);
	assert_string_equal(get(b, sb + PS + 3, 6), "shared");
	/* the last mapping goes: the frames are free, the segment is dead */
	as_free(b);
	assert_int_equal(s->maps, 0);
	assert_int_equal(vm.used, 0);
	assert_int_equal(as_seg_map(a, s, VM_R, &sb), VM_EINVAL);
	assert_int_equal(s->maps_made, 2);
	vm_seg_free(s);
	as_free(a);
	vm_fini(&vm);
}

static void test_fork_keeps_it_shared(void **state)
{
	struct vm vm;
	struct as *p, *c;
	struct vm_seg *s;
	uint64_t sa = 0, shared = 0;
	int err;

	(void)state;
	assert_int_equal(vm_init(&vm, 8, PS), 0);
	p = as_new(&vm, NULL);
	s = vm_seg_new(p, 1, VM_R | VM_W, 1, &sa, &err);
	assert_non_null(s);
	c = as_fork(p, NULL, &shared);
	assert_non_null(c);
	assert_int_equal(shared, 1);
	assert_int_equal(s->maps, 2);
	put(c, sa, "child");                            /* not copy-on-write: the same frame */
	assert_int_equal(c->cow_faults, 0);
	assert_string_equal(get(p, sa, 5), "child");
	assert_int_equal(vm.used, 1);
	as_free(p);
	assert_int_equal(s->maps, 1);
	assert_string_equal(get(c, sa, 5), "child");
	as_free(c);
	assert_int_equal(s->maps, 0);
	assert_int_equal(vm.used, 0);
	vm_seg_free(s);
	vm_fini(&vm);
}

static void test_refusals(void **state)
{
	struct vm vm, other;
	struct as *a, *b, *x;
	struct vm_seg *s, *ro;
	uint64_t sa = 0, ra = 0, m = 0;
	int err;

	(void)state;
	assert_int_equal(vm_init(&vm, 4, PS), 0);
	assert_int_equal(vm_init_at(&other, 4, 4, PS), 0);
	a = as_new(&vm, NULL);
	b = as_new(&vm, NULL);
	x = as_new(&other, NULL);
	assert_null(vm_seg_new(a, 0, VM_R | VM_W, 1, &sa, &err));
	assert_int_equal(err, VM_EINVAL);
	assert_null(vm_seg_new(a, 1, 0, 1, &sa, &err));
	assert_int_equal(err, VM_EINVAL);
	assert_null(vm_seg_new(a, 5, VM_R | VM_W, 1, &sa, &err));   /* 4 frames in all */
	assert_int_equal(err, VM_EFAULT);
	assert_int_equal(vm.used, 0);                   /* nothing taken */
	assert_int_equal(a->nreg, 0);
	s = vm_seg_new(a, 2, VM_R | VM_W, 1, &sa, &err);
	ro = vm_seg_new(a, 1, VM_R, 2, &ra, &err);
	assert_non_null(s);
	assert_non_null(ro);
	assert_int_equal(as_seg_map(x, s, VM_R | VM_W, &m), VM_EINVAL);   /* another memory */
	assert_int_equal(as_seg_map(b, ro, VM_R | VM_W, &m), VM_EINVAL);  /* more than "r" */
	assert_int_equal(as_seg_map(b, s, 0, &m), VM_EINVAL);
	assert_int_equal(as_seg_map(b, s, VM_R, &m), VM_OK);
	/* a read-only mapping cannot be made writable; the rw one can be made read-only */
	assert_int_equal(as_seg_protect_ok(b, m, PS, VM_R | VM_W), 0);
	assert_int_equal(as_seg_protect_ok(b, m, PS, VM_R), 1);
	assert_int_equal(as_seg_protect_ok(a, sa, 2 * PS, VM_R | VM_W), 1);
	/* the maker's own mapping of a segment shared "r" is read-write: it fills it */
	assert_int_equal(as_region(a, ra)->perm, VM_R | VM_W);
	assert_int_equal(as_seg_protect_ok(a, ra, UINT64_MAX, VM_R | VM_W), 1);
	/* a shared region never travels out of line: it would become copy-on-write */
	assert_null(as_take(a, sa, 4, &err));
	assert_int_equal(err, VM_EFAULT);
	as_free(a);
	as_free(b);
	as_free(x);
	assert_int_equal(vm.used, 0);
	vm_seg_free(s);
	vm_seg_free(ro);
	vm_fini(&vm);
	vm_fini(&other);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_share_and_map),
		cmocka_unit_test(test_fork_keeps_it_shared),
		cmocka_unit_test(test_refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
