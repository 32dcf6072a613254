/*
 * test_vm_move.c - pages that change physical memories (kernel/vm.h,
 * vm_move.c): two memories numbered one after the other, an address space
 * moved from one to the other with its bytes intact and its old frames
 * freed, a move refused when the target is too small (nothing changes),
 * a move that leaves pages behind (on-demand) and brings them in one by
 * one, and out-of-line data copied into another memory before it is mapped.
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

struct mems {
	struct vm a, b;
	struct vm_group all;
	struct vm_event ev[32];
	unsigned nev;
};

static void observe(void *ctx, struct as *as, const struct vm_event *e)
{
	struct mems *f = ctx;

	(void)as;
	if (f->nev < 32)
		f->ev[f->nev] = *e;
	f->nev++;
}

static struct mems *setup(uint32_t na, uint32_t nb)
{
	struct mems *f = calloc(1, sizeof *f);

	assert_non_null(f);
	assert_int_equal(vm_init_at(&f->a, 0, na, PS), 0);
	assert_int_equal(vm_init_at(&f->b, na, nb, PS), 0);
	f->a.group = f->b.group = &f->all;
	f->a.observer = f->b.observer = observe;
	f->a.ctx = f->b.ctx = f;
	return f;
}

static void teardown(struct mems *f)
{
	vm_fini(&f->a);
	vm_fini(&f->b);
	free(f);
}

static uint32_t frame_at(const struct as *as, uint64_t addr)
{
	const struct vm_region *g = as_region(as, addr);

	assert_non_null(g);
	return g->pte[(addr - g->start) / PS].frame;
}

static void test_numbering(void **state)
{
	struct mems *f = setup(4, 3);
	struct as *x = as_new(&f->a, NULL), *y = as_new(&f->b, NULL);
	uint64_t p = map(x, 1), q = map(y, 1);
	struct vm v;

	(void)state;
	put(x, p, "a");
	put(y, q, "b");
	assert_int_equal(frame_at(x, p), 1);     /* A's frames are 1..4 */
	assert_int_equal(frame_at(y, q), 5);     /* B's are 5..7 */
	assert_int_equal(vm_frame_refs(&f->b, 5), 1);
	assert_int_equal(vm_frame_refs(&f->b, 1), 0);   /* not one of B's */
	assert_int_equal(vm_frame_refs(&f->a, 5), 0);
	assert_int_equal(f->all.used, 2);
	assert_int_equal(f->all.peak, 2);
	as_free(x);
	as_free(y);
	assert_int_equal(f->all.used, 0);
	assert_int_equal(f->all.peak, 2);
	assert_int_equal(vm_init_at(&v, UINT32_MAX - 2, 3, PS), -1);   /* past the numbers */
	teardown(f);
}

static void test_move_keeps_bytes_frees_old(void **state)
{
	struct mems *f = setup(8, 4);
	struct as *x = as_new(&f->a, NULL), *child;
	uint64_t p = map(x, 3), shared;

	(void)state;
	put(x, p, "first page");
	put(x, p + PS, "second");
	child = as_fork(x, NULL, &shared);       /* A's two frames now shared with a child */
	assert_non_null(child);
	assert_int_equal(shared, 2);
	assert_int_equal(f->a.shared, 2);
	assert_int_equal(as_frames_held(x), 2);
	f->nev = 0;
	assert_int_equal(as_move(x, &f->b), VM_OK);
	assert_ptr_equal(x->vm, &f->b);
	assert_int_equal(f->nev, 2);
	assert_int_equal(f->ev[0].kind, VF_MOVE);
	assert_int_equal(f->ev[0].addr, p);
	assert_int_equal(f->ev[0].from, 1);
	assert_int_equal(f->ev[0].frame, 9);
	assert_int_equal(f->ev[1].addr, p + PS);
	assert_int_equal(frame_at(x, p), 9);
	assert_int_equal(frame_at(x, p + PS), 10);
	assert_int_equal(frame_at(x, p + 2 * PS), 0);   /* never touched: still no frame */
	assert_string_equal(get(x, p, 10), "first page");
	assert_string_equal(get(x, p + PS, 6), "second");
	/* A keeps the child's frames only, no longer shared; B has the moved ones. */
	assert_int_equal(f->a.used, 2);
	assert_int_equal(f->a.shared, 0);
	assert_int_equal(f->b.used, 2);
	assert_int_equal(f->all.used, 4);
	/* The moved pages are private: a write takes no fault and the child keeps its bytes. */
	f->nev = 0;
	put(x, p, "FIRST");
	assert_int_equal(f->nev, 0);
	assert_string_equal(get(child, p, 10), "first page");
	assert_int_equal(x->resident, 2);
	as_free(x);
	as_free(child);
	assert_int_equal(f->all.used, 0);
	teardown(f);
}

static void test_move_refused_when_too_small(void **state)
{
	struct mems *f = setup(8, 2);
	struct as *x = as_new(&f->a, NULL), *y = as_new(&f->b, NULL);
	uint64_t p = map(x, 3), q = map(y, 1);

	(void)state;
	put(x, p, "1");
	put(x, p + PS, "2");
	put(y, q, "y");                          /* B: one frame left */
	f->nev = 0;
	assert_int_equal(as_move(x, &f->b), VM_EFAULT);
	assert_ptr_equal(x->vm, &f->a);
	assert_int_equal(f->nev, 0);
	assert_int_equal(frame_at(x, p), 1);
	assert_int_equal(f->a.used, 2);
	assert_int_equal(f->b.used, 1);
	assert_string_equal(get(x, p + PS, 1), "2");
	assert_int_equal(as_move(x, &f->a), VM_OK);     /* to where it is: nothing to do */
	as_free(x);
	as_free(y);
	teardown(f);
}

/* On-demand: the pages left behind keep their frames in the old memory,
 * held by the caller, until each comes in (as_move_in), with its VF_MOVE
 * then; the target must have room for them all from the start. */
static void test_move_except_then_one_by_one(void **state)
{
	struct mems *f = setup(8, 4);
	struct as *x = as_new(&f->a, NULL);
	uint64_t p = map(x, 3), away[2];
	uint32_t frames[2];

	(void)state;
	put(x, p, "hot");
	put(x, p + PS, "cold one");
	put(x, p + 2 * PS, "cold two");
	away[0] = p + PS;
	away[1] = p + 2 * PS;
	f->nev = 0;
	assert_int_equal(as_move_except(x, &f->b, away, 2, frames), VM_OK);
	assert_ptr_equal(x->vm, &f->b);
	assert_int_equal(f->nev, 1);                    /* the hot page alone moved */
	assert_int_equal(f->ev[0].addr, p);
	assert_int_equal(frame_at(x, p), 9);
	assert_int_equal(frame_at(x, p + PS), 0);       /* away: no frame in x */
	assert_int_equal(frames[0], 2);
	assert_int_equal(frames[1], 3);
	assert_int_equal(f->a.used, 2);                 /* A still holds the two */
	assert_int_equal(f->b.used, 1);
	assert_int_equal(x->resident, 1);
	assert_int_equal(as_move_in(x, p + PS, &f->a, frames[0]), VM_OK);
	assert_int_equal(f->nev, 2);
	assert_int_equal(f->ev[1].kind, VF_MOVE);
	assert_int_equal(f->ev[1].addr, p + PS);
	assert_int_equal(f->ev[1].from, 2);
	assert_int_equal(f->ev[1].frame, 10);
	assert_string_equal(get(x, p + PS, 8), "cold one");
	assert_int_equal(f->a.used, 1);
	assert_int_equal(x->resident, 2);
	/* a page with a frame cannot come in again */
	assert_int_equal(as_move_in(x, p + PS, &f->a, frames[1]), VM_EINVAL);
	/* one never wanted: its reference dropped, the page stays without a frame */
	vm_frame_drop(&f->a, frames[1]);
	assert_int_equal(f->a.used, 0);
	assert_int_equal(f->b.used, 2);
	assert_string_equal(get(x, p + 2 * PS, 1), "");   /* zero-filled on this touch */
	as_free(x);
	assert_int_equal(f->all.used, 0);
	teardown(f);
}

/* The pages to come count: a target with room for the moved ones only is
 * refused, and nothing changes; unsorted addresses are refused. */
static void test_move_except_needs_room_for_all(void **state)
{
	struct mems *f = setup(8, 2);
	struct as *x = as_new(&f->a, NULL);
	uint64_t p = map(x, 3), away[2];
	uint32_t frames[2];

	(void)state;
	put(x, p, "1");
	put(x, p + PS, "2");
	put(x, p + 2 * PS, "3");
	away[0] = p + 2 * PS;
	away[1] = p + PS;
	assert_int_equal(as_move_except(x, &f->b, away, 2, frames), VM_EINVAL);
	away[0] = p + PS;
	away[1] = p + 2 * PS;
	f->nev = 0;
	assert_int_equal(as_move_except(x, &f->b, away, 2, frames), VM_EFAULT);
	assert_ptr_equal(x->vm, &f->a);
	assert_int_equal(f->nev, 0);
	assert_int_equal(frame_at(x, p + PS), 2);
	assert_int_equal(f->b.used, 0);
	as_free(x);
	teardown(f);
}

static void test_out_of_line_into_another_memory(void **state)
{
	struct mems *f = setup(8, 8);
	struct as *x = as_new(&f->a, NULL), *y = as_new(&f->b, NULL);
	uint64_t p = map(x, 2), got = 0;
	struct vm_ool *o, *moved;
	int err;

	(void)state;
	put(x, p + 10, "out of line");
	o = as_take(x, p + 10, 11, &err);
	assert_non_null(o);
	assert_int_equal(f->a.shared, 1);        /* the page and the snapshot */
	moved = vm_ool_move(o, &f->b, &err);
	assert_non_null(moved);
	assert_int_equal(err, VM_OK);
	assert_ptr_equal(moved->vm, &f->b);
	assert_int_equal(moved->frame[0], 9);
	assert_int_equal(f->a.shared, 0);        /* the snapshot's reference went */
	assert_int_equal(f->b.used, 1);
	assert_int_equal(as_give(y, moved, &got), VM_OK);
	assert_string_equal(get(y, got, 11), "out of line");
	put(y, got, "changed");                  /* the sender's bytes stay */
	assert_string_equal(get(x, p + 10, 11), "out of line");
	as_free(x);
	as_free(y);
	assert_int_equal(f->all.used, 0);
	teardown(f);
}

static void test_out_of_line_refused_when_full(void **state)
{
	struct mems *f = setup(8, 1);
	struct as *x = as_new(&f->a, NULL), *y = as_new(&f->b, NULL);
	uint64_t p = map(x, 2), q = map(y, 1);
	struct vm_ool *o;
	int err;

	(void)state;
	put(x, p, "a");
	put(x, p + PS, "b");
	put(y, q, "full");
	o = as_take(x, p, 2 * PS, &err);
	assert_non_null(o);
	assert_null(vm_ool_move(o, &f->b, &err));
	assert_int_equal(err, VM_EFAULT);
	assert_ptr_equal(o->vm, &f->a);          /* unchanged: still A's frames */
	assert_int_equal(o->frame[0], 1);
	assert_int_equal(f->b.used, 1);
	vm_ool_free(o);
	as_free(x);
	as_free(y);
	assert_int_equal(f->all.used, 0);
	teardown(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_numbering),
		cmocka_unit_test(test_move_keeps_bytes_frees_old),
		cmocka_unit_test(test_move_refused_when_too_small),
		cmocka_unit_test(test_move_except_then_one_by_one),
		cmocka_unit_test(test_move_except_needs_room_for_all),
		cmocka_unit_test(test_out_of_line_into_another_memory),
		cmocka_unit_test(test_out_of_line_refused_when_full),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
