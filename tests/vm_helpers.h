/*
 * vm_helpers.h - what the tests of kernel/vm.h share: map a region, write a
 * string into memory, read bytes back. Include after cmocka.h and vm.h.
 */
#ifndef UKERN_TESTS_VM_HELPERS_H
#define UKERN_TESTS_VM_HELPERS_H

#include <string.h>

/* Map npages read-write pages in the heap; their address. */
static inline uint64_t map(struct as *as, uint64_t npages)
{
	uint64_t a = 0;

	assert_int_equal(as_map(as, VM_HEAP, npages, VM_R | VM_W, &a), VM_OK);
	return a;
}

static inline void put(struct as *as, uint64_t addr, const char *s)
{
	struct vm_access r;

	assert_int_equal(as_access(as, addr, (void *)s, strlen(s), 1, &r), VM_OK);
}

/* The string of n bytes at addr (a static buffer of up to 4 KiB). */
static inline const char *get(struct as *as, uint64_t addr, size_t n)
{
	static char buf[4096 + 1];
	struct vm_access r;

	assert_true(n < sizeof buf);
	assert_int_equal(as_access(as, addr, buf, n, 0, &r), VM_OK);
	buf[n] = '\0';
	return buf;
}

#endif
