/*
 * test_vm.c - the virtual-memory data structures (kernel/vm.h) on their
 * own: zero-fill, copy-on-write sharing after a fork and after taking data
 * out of line, exactly one copy per page written while shared, data kept
 * apart, reference counts back to zero, permission and out-of-frame faults,
 * the cap on the frames' host memory, and where regions go.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "uk_limits.h"
#include "vm.h"
#include "vm_helpers.h"

#define PS 256u       /* a small page: the tests write whole pages */

struct fixture {
	struct vm vm;
	struct vm_event ev[64];
	unsigned nev;
};

static void observe(void *ctx, struct as *as, const struct vm_event *e)
{
	struct fixture *f = ctx;

	(void)as;
	if (f->nev < 64)
		f->ev[f->nev] = *e;
	f->nev++;
}

static struct fixture *setup_frames(uint32_t frames)
{
	struct fixture *f = calloc(1, sizeof *f);

	assert_non_null(f);
	assert_int_equal(vm_init(&f->vm, frames, PS), 0);
	f->vm.observer = observe;
	f->vm.ctx = f;
	return f;
}

static void teardown(struct fixture *f)
{
	vm_fini(&f->vm);
	free(f);
}

/* Every frame made is free again, and the free list holds them all. */
static void assert_no_frames_held(const struct vm *vm)
{
	uint32_t n = 0;

	assert_int_equal(vm->used, 0);
	assert_int_equal(vm->shared, 0);
	for (uint32_t i = 0; i < vm->nmade; i++)
		assert_int_equal(vm->fr[i].refs, 0);
	for (uint32_t k = vm->free_head; k; k = vm->fr[k - vm->base - 1].next_free)
		n++;
	assert_int_equal(n, vm->nmade);
}

static void test_init_checks(void **state)
{
	struct vm vm;

	(void)state;
	assert_int_equal(vm_init(&vm, 16, 1000), -1);
	assert_int_equal(vm_init(&vm, 0, 4096), -1);
	assert_int_equal(vm_init(&vm, 16, 4096), 0);
	assert_int_equal(vm.shift, 12);
	assert_int_equal(vm_span(&vm, 4095, 2), 2);
	assert_int_equal(vm_span(&vm, 4096, 4096), 1);
	assert_int_equal(vm_span(&vm, 0, 0), 0);
	/* A huge memory costs nothing until touched. */
	assert_int_equal(vm_init(&vm, UK_MAX_FRAMES, UK_MAX_PAGE_SIZE), 0);
	assert_int_equal(vm.nmade, 0);
	assert_null(vm.fr);
	vm_fini(&vm);
}

static void test_zero_fill(void **state)
{
	struct fixture *f = setup_frames(16);
	struct as *as = as_new(&f->vm, NULL);
	uint64_t a = map(as, 4);
	struct vm_access r;
	char buf[8];

	(void)state;
	assert_int_equal(f->vm.used, 0);
	assert_int_equal(as_access(as, a + PS + 3, "abc", 3, 1, &r), VM_OK);
	assert_int_equal(r.faults, 1);
	assert_int_equal(r.copies, 0);
	assert_int_equal(f->vm.used, 1);
	assert_int_equal(as->resident, 1);
	assert_int_equal(f->nev, 1);
	assert_int_equal(f->ev[0].kind, VF_ZERO);
	assert_int_equal(f->ev[0].addr, a + PS);
	assert_int_equal(f->ev[0].frame, 1);
	/* A read of a page never touched gets zeros, and a frame. */
	memset(buf, 'x', sizeof buf);
	assert_int_equal(as_access(as, a + 2 * PS, buf, 8, 0, &r), VM_OK);
	assert_int_equal(r.faults, 1);
	for (int i = 0; i < 8; i++)
		assert_int_equal(buf[i], 0);
	assert_string_equal(get(as, a + PS + 3, 3), "abc");
	assert_int_equal(as->zero_faults, 2);
	/* Touching it again takes no fault. */
	assert_int_equal(as_access(as, a + PS, buf, 8, 0, &r), VM_OK);
	assert_int_equal(r.faults, 0);
	as_free(as);
	assert_no_frames_held(&f->vm);
	teardown(f);
}

static void test_fork_shares_until_a_write(void **state)
{
	struct fixture *f = setup_frames(16);
	struct as *p = as_new(&f->vm, NULL), *c;
	uint64_t a = map(p, 4), shared = 0;
	struct vm_access r;

	(void)state;
	for (int i = 0; i < 4; i++)
		put(p, a + (uint64_t)i * PS, "parent");
	c = as_fork(p, NULL, &shared);
	assert_non_null(c);
	assert_int_equal(shared, 4);
	assert_int_equal(f->vm.used, 4);      /* nothing copied */
	assert_int_equal(f->vm.shared, 4);
	assert_int_equal(c->resident, 4);
	/* Reading shares: no fault on either side. */
	assert_string_equal(get(c, a + 2 * PS, 6), "parent");
	f->nev = 0;
	/* The child's write copies exactly that page. */
	assert_int_equal(as_access(c, a + 2 * PS, "child", 5, 1, &r), VM_OK);
	assert_int_equal(r.faults, 1);
	assert_int_equal(r.copies, 1);
	assert_int_equal(f->vm.used, 5);
	assert_int_equal(f->vm.shared, 3);
	assert_int_equal(f->nev, 1);
	assert_int_equal(f->ev[0].kind, VF_COW_COPY);
	assert_int_equal(f->ev[0].addr, a + 2 * PS);
	assert_int_equal(f->ev[0].frame, 5);
	assert_int_equal(f->ev[0].from, 3);
	/* Each side keeps its own data. */
	assert_string_equal(get(c, a + 2 * PS, 6), "childt");
	assert_string_equal(get(p, a + 2 * PS, 6), "parent");
	/* The page is the child's alone now: writing it again takes no fault. */
	assert_int_equal(as_access(c, a + 2 * PS, "C", 1, 1, &r), VM_OK);
	assert_int_equal(r.faults, 0);
	/* The parent is the last sharer of page 2's old frame: it regains
	 * write access without a copy. */
	assert_int_equal(as_access(p, a + 2 * PS, "P", 1, 1, &r), VM_OK);
	assert_int_equal(r.faults, 1);
	assert_int_equal(r.copies, 0);
	assert_int_equal(f->ev[f->nev - 1].kind, VF_COW_REUSE);
	assert_int_equal(f->vm.used, 5);
	assert_int_equal(p->cow_faults, 1);
	assert_int_equal(p->pages_copied, 0);
	assert_int_equal(c->cow_faults, 1);
	assert_int_equal(c->pages_copied, 1);
	as_free(c);
	assert_int_equal(f->vm.used, 4);
	assert_int_equal(f->vm.shared, 0);
	as_free(p);
	assert_no_frames_held(&f->vm);
	teardown(f);
}

static void test_one_copy_per_page_written(void **state)
{
	struct fixture *f = setup_frames(32);
	struct as *p = as_new(&f->vm, NULL), *c;
	uint64_t a = map(p, 8), shared;
	char big[3 * PS];
	struct vm_access r;

	(void)state;
	memset(big, 'p', sizeof big);
	assert_int_equal(as_access(p, a, big, sizeof big, 1, &r), VM_OK);
	assert_int_equal(r.faults, 3);
	c = as_fork(p, NULL, &shared);
	assert_int_equal(shared, 3);
	/* A write from the middle of page 0 to the middle of page 3: the three
	 * shared pages are copied once each, page 3 (never touched) zero-filled. */
	memset(big, 'c', sizeof big);
	assert_int_equal(as_access(c, a + PS / 2, big, 3 * PS, 1, &r), VM_OK);
	assert_int_equal(r.copies, 3);
	assert_int_equal(r.faults, 4);
	assert_int_equal(f->vm.used, 7);
	/* Written again: no fault, no copy. */
	assert_int_equal(as_access(c, a, big, 3 * PS, 1, &r), VM_OK);
	assert_int_equal(r.faults, 0);
	assert_int_equal(c->pages_copied, 3);
	assert_int_equal(c->cow_faults, 3);
	assert_int_equal(c->zero_faults, 1);
	/* The copy kept the bytes the write did not cover; the parent kept all. */
	assert_string_equal(get(p, a + PS - 1, 2), "pp");
	as_free(c);
	as_free(p);
	assert_no_frames_held(&f->vm);
	teardown(f);
}

static void test_refcounts_to_zero(void **state)
{
	struct fixture *f = setup_frames(64);
	struct as *p = as_new(&f->vm, NULL), *kids[3];
	uint64_t a = map(p, 6), shared;

	(void)state;
	for (int i = 0; i < 6; i++)
		put(p, a + (uint64_t)i * PS, "x");
	for (int k = 0; k < 3; k++) {
		kids[k] = as_fork(p, NULL, &shared);
		assert_non_null(kids[k]);
	}
	assert_int_equal(f->vm.fr[0].refs, 4);
	put(kids[0], a, "k0");
	put(kids[1], a + PS, "k1");
	put(kids[2], a, "k2");
	assert_int_equal(f->vm.used, 9);
	assert_int_equal(f->vm.fr[0].refs, 2);   /* the parent and kids[1] */
	/* The parent goes first: the children still hold the frames. */
	as_free(p);
	assert_int_equal(f->vm.used, 9);
	assert_string_equal(get(kids[1], a, 1), "x");
	as_free(kids[1]);
	as_free(kids[0]);
	assert_int_equal(f->vm.used, 6);   /* kids[2]: five shared ones and its copy */
	as_free(kids[2]);
	assert_no_frames_held(&f->vm);
	assert_int_equal(f->vm.peak, 9);
	teardown(f);
}

static void test_permission_faults(void **state)
{
	struct fixture *f = setup_frames(16);
	struct as *as = as_new(&f->vm, NULL);
	uint64_t a = map(as, 2), ro = 0;
	struct vm_access r;
	char buf[4];

	(void)state;
	assert_int_equal(as_map(as, VM_HEAP, 1, VM_R, &ro), VM_OK);
	/* A write to a read-only page: nothing happens, not even a frame. */
	assert_int_equal(as_access(as, ro + 5, "x", 1, 1, &r), VM_EFAULT);
	assert_int_equal(r.fault, VF_PROT);
	assert_int_equal(r.addr, ro + 5);
	assert_int_equal(f->vm.used, 0);
	assert_int_equal(f->ev[0].kind, VF_PROT);
	/* Unmapped: the guard page after a region, and far away. */
	assert_int_equal(as_access(as, a + 2 * PS, buf, 1, 0, &r), VM_EFAULT);
	assert_int_equal(r.fault, VF_UNMAPPED);
	assert_int_equal(as_access(as, 0, buf, 1, 0, &r), VM_EFAULT);
	/* A range running off the end faults at the first unmapped byte,
	 * before touching the mapped pages. */
	assert_int_equal(as_access(as, a + 2 * PS - 2, "abcd", 4, 1, &r), VM_EFAULT);
	assert_int_equal(r.fault, VF_UNMAPPED);
	assert_int_equal(r.addr, a + 2 * PS);
	assert_int_equal(f->vm.used, 0);
	/* mem.protect: no access at all, then read-only, then back. */
	put(as, a, "data");
	assert_int_equal(as_protect(as, a, 1, 0), VM_OK);
	assert_int_equal(as_access(as, a, buf, 4, 0, &r), VM_EFAULT);
	assert_int_equal(r.fault, VF_PROT);
	assert_int_equal(as_protect(as, a, 2 * PS, VM_R), VM_OK);
	assert_string_equal(get(as, a, 4), "data");
	assert_int_equal(as_access(as, a + PS, "x", 1, 1, &r), VM_EFAULT);
	assert_int_equal(as_protect(as, a, 2 * PS, VM_R | VM_W), VM_OK);
	put(as, a + PS, "y");
	/* Protecting what is not all mapped changes nothing. */
	assert_int_equal(as_protect(as, a, 3 * PS, VM_R), VM_EINVAL);
	put(as, a, "z");
	assert_int_equal(as_protect(as, a + 1, 1, VM_R), VM_EINVAL);   /* not page-aligned */
	as_free(as);
	assert_no_frames_held(&f->vm);
	teardown(f);
}

static void test_out_of_frames(void **state)
{
	struct fixture *f = setup_frames(4);
	struct as *p = as_new(&f->vm, NULL), *c;
	uint64_t a = map(p, 8), shared;
	char big[6 * PS];
	struct vm_access r;

	(void)state;
	memset(big, 'a', sizeof big);
	assert_int_equal(as_access(p, a, big, sizeof big, 1, &r), VM_EFAULT);
	assert_int_equal(r.fault, VF_NOFRAME);
	assert_int_equal(r.addr, a + 4 * PS);
	assert_int_equal(r.faults, 4);           /* the first four pages were done */
	assert_int_equal(f->vm.used, 4);
	assert_int_equal(f->ev[f->nev - 1].kind, VF_NOFRAME);
	/* A copy-on-write copy needs a frame too; reading shared pages does not. */
	c = as_fork(p, NULL, &shared);
	assert_string_equal(get(c, a, 2), "aa");
	assert_int_equal(as_access(c, a, "b", 1, 1, &r), VM_EFAULT);
	assert_int_equal(r.fault, VF_NOFRAME);
	assert_string_equal(get(c, a, 2), "aa");
	/* Once the parent is gone, the child is the last sharer: no frame needed. */
	as_free(p);
	assert_int_equal(as_access(c, a, "b", 1, 1, &r), VM_OK);
	assert_int_equal(r.copies, 0);
	assert_string_equal(get(c, a, 2), "ba");
	/* Frames released are handed out again, zeroed. */
	as_unmap(c, a, VM_HEAP);
	assert_int_equal(f->vm.used, 0);
	a = map(c, 1);
	assert_string_equal(get(c, a, 1), "");
	assert_int_equal(f->vm.nmade, 4);
	as_free(c);
	assert_no_frames_held(&f->vm);
	teardown(f);
}

static void count_refusal(void *ctx)
{
	(*(int *)ctx)++;
}

/* A group's max_bytes caps the host memory of the frames made, every memory
 * of the group together: past it a frame is refused as if the host ran out
 * (VM_EHOST, the group's hook told), nothing half done. Frames freed and
 * handed out again cost nothing more; a copy-on-write copy counts. */
static void test_host_memory_cap(void **state)
{
	struct fixture *f = setup_frames(16);
	struct vm other;
	int refused = 0;
	struct vm_group g = { .max_bytes = 4 * PS + PS / 2, .refused = count_refusal,
			      .ctx = &refused };
	struct as *p = as_new(&f->vm, NULL), *q, *c;
	uint64_t a = map(p, 8), b, shared;
	char big[6 * PS];
	struct vm_access r;

	(void)state;
	f->vm.group = &g;
	assert_int_equal(vm_init_at(&other, 16, 16, PS), 0);
	other.group = &g;
	q = as_new(&other, NULL);
	b = map(q, 4);
	memset(big, 'a', sizeof big);
	/* Four pages fit (4.5 pages of bytes), the fifth is refused. */
	assert_int_equal(as_access(p, a, big, sizeof big, 1, &r), VM_EHOST);
	assert_int_equal(refused, 1);
	assert_int_equal(r.faults, 4);
	assert_int_equal(f->vm.nmade, 4);
	assert_int_equal(f->vm.used, 4);
	assert_int_equal(g.bytes, 4 * PS);
	assert_string_equal(get(p, a + 3 * PS, 2), "aa");
	/* The other memory of the group is refused too; its own frames are free. */
	assert_int_equal(as_access(q, b, "x", 1, 1, &r), VM_EHOST);
	assert_int_equal(refused, 2);
	assert_int_equal(other.nmade, 0);
	/* A fork shares frames (no bytes); its first write needs a copy: refused. */
	c = as_fork(p, NULL, &shared);
	assert_non_null(c);
	assert_int_equal(as_access(c, a, "b", 1, 1, &r), VM_EHOST);
	assert_int_equal(refused, 3);
	assert_string_equal(get(c, a, 2), "aa");
	as_free(c);
	/* Freed frames are handed out again at no cost, in either memory's own. */
	as_unmap(p, a, VM_HEAP);
	assert_int_equal(f->vm.used, 0);
	a = map(p, 4);
	assert_int_equal(as_access(p, a, big, 4 * PS, 1, &r), VM_OK);
	assert_int_equal(g.bytes, 4 * PS);
	assert_int_equal(refused, 3);
	/* Room given back by a memory's end is room for the other's frames. */
	as_free(p);
	vm_fini(&f->vm);
	assert_int_equal(g.bytes, 0);
	assert_int_equal(as_access(q, b, big, 4 * PS, 1, &r), VM_OK);
	assert_int_equal(g.bytes, 4 * PS);
	/* No cap: max_bytes 0. */
	g.max_bytes = 0;
	assert_int_equal(vm_init(&f->vm, 16, PS), 0);
	f->vm.group = &g;
	p = as_new(&f->vm, NULL);
	a = map(p, 8);
	assert_int_equal(as_access(p, a, big, sizeof big, 1, &r), VM_OK);
	assert_int_equal(g.bytes, 10 * PS);
	assert_int_equal(refused, 3);
	as_free(p);
	as_free(q);
	vm_fini(&other);
	teardown(f);
	assert_int_equal(g.bytes, 0);
}

static void test_placement(void **state)
{
	struct fixture *f = setup_frames(16);
	struct as *as = as_new(&f->vm, NULL);
	uint64_t a, b, c, d, e;

	(void)state;
	a = map(as, 2);
	b = map(as, 1);
	c = map(as, 3);
	assert_int_equal(a, VM_HEAP_BASE);
	assert_int_equal(b, a + 3 * PS);        /* a guard page between */
	assert_int_equal(c, b + 2 * PS);
	assert_int_equal(as_unmap(as, b + PS, 0), VM_EINVAL);   /* not a region's start */
	assert_int_equal(as_unmap(as, b, VM_TEXT), VM_EINVAL);  /* not of that kind */
	assert_int_equal(as_unmap(as, b, VM_HEAP), VM_OK);
	assert_int_equal(as_unmap(as, b, VM_HEAP), VM_EINVAL);  /* twice */
	d = map(as, 1);
	assert_int_equal(d, b);                 /* first fit reuses the hole */
	e = map(as, 2);
	assert_int_equal(e, c + 4 * PS);        /* too big for any hole */
	assert_int_equal(as_map_at(as, VM_TEXT_BASE, VM_TEXT, VM_TEXT_PAGES, VM_R), VM_OK);
	assert_int_equal(as_map_at(as, VM_TEXT_BASE + PS, VM_TEXT, 1, VM_R), VM_EINVAL);
	assert_int_equal(as_map_at(as, VM_TEXT_BASE + 1, VM_TEXT, 1, VM_R), VM_EINVAL);
	assert_non_null(as_region(as, VM_TEXT_BASE + 3 * PS));
	assert_null(as_region(as, VM_TEXT_BASE + 4 * PS));
	assert_int_equal(as_region(as, c + 5)->npages, 3);
	assert_int_equal(as->npages, 2 + 1 + 3 + 2 + VM_TEXT_PAGES);
	/* The address space's page limit. */
	assert_int_equal(as_map(as, VM_HEAP, UK_AS_MAX_PAGES, VM_R, &a), VM_ENOSPACE);
	assert_int_equal(as_map(as, VM_HEAP, 0, VM_R, &a), VM_EINVAL);
	as_free(as);
	teardown(f);
}

static void test_out_of_line(void **state)
{
	struct fixture *f = setup_frames(32);
	struct as *s = as_new(&f->vm, NULL), *d = as_new(&f->vm, NULL);
	uint64_t a = map(s, 4), got = 0;
	struct vm_ool *o, *o2;
	int err;

	(void)state;
	put(s, a, "page0");
	put(s, a + PS, "page1");
	/* Pages 0-2 from an address inside page 0; page 2 was never touched. */
	o = as_take(s, a + 2, 2 * PS, &err);
	assert_non_null(o);
	assert_int_equal(err, VM_OK);
	assert_int_equal(o->npages, 3);
	assert_int_equal(o->off, 2);
	assert_int_equal(o->frame[2], 0);
	assert_int_equal(f->vm.shared, 2);
	assert_int_equal(f->vm.used, 2);
	/* The sender writes after sending: it copies, the message keeps the old data. */
	put(s, a, "PAGE0");
	assert_int_equal(s->pages_copied, 1);
	o2 = vm_ool_dup(o);
	assert_non_null(o2);
	assert_int_equal(as_give(d, o, &got), VM_OK);
	assert_int_equal(got % PS, 2);
	assert_string_equal(get(d, got - 2, 5), "page0");
	assert_string_equal(get(d, got - 2 + PS, 5), "page1");
	assert_string_equal(get(d, got - 2 + 2 * PS, 1), "");   /* zero-filled */
	assert_int_equal(as_region(d, got)->kind, VM_HEAP);
	/* The receiver writes page 1, still shared with the sender: a copy. */
	put(d, got - 2 + PS, "mine1");
	assert_int_equal(d->pages_copied, 1);
	assert_string_equal(get(s, a + PS, 5), "page1");
	/* A dropped duplicate releases its references. */
	vm_ool_free(o2);
	/* Taking what is not mapped or not readable fails. */
	assert_null(as_take(s, a + 4 * PS, 1, &err));
	assert_int_equal(err, VM_EFAULT);
	assert_int_equal(as_protect(s, a + 3 * PS, PS, 0), VM_OK);
	assert_null(as_take(s, a, 4 * PS, &err));
	assert_int_equal(err, VM_EFAULT);
	as_free(s);
	as_free(d);
	assert_no_frames_held(&f->vm);
	teardown(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_checks),
		cmocka_unit_test(test_zero_fill),
		cmocka_unit_test(test_fork_shares_until_a_write),
		cmocka_unit_test(test_one_copy_per_page_written),
		cmocka_unit_test(test_refcounts_to_zero),
		cmocka_unit_test(test_permission_faults),
		cmocka_unit_test(test_out_of_frames),
		cmocka_unit_test(test_host_memory_cap),
		cmocka_unit_test(test_placement),
		cmocka_unit_test(test_out_of_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
