/*
 * vm_impl.h - what vm.c and vm_share.c share: frame references, region
 * lookup and insertion, range checks and the observer. Not for other
 * modules, which use vm.h.
 */
#ifndef UKERN_VM_IMPL_H
#define UKERN_VM_IMPL_H

#include <stdint.h>

#include "vm.h"

/* Frame n (a number of vm's) itself. */
static inline struct vm_frame *vm_frame(const struct vm *vm, uint32_t n)
{
	return &vm->fr[n - vm->base - 1];
}

/* A zero-filled frame with one reference, or 0: none free (*host stays 0)
 * or the host ran out of memory (*host set to 1). */
uint32_t vm_frame_get(struct vm *vm, int *host);

/* One more reference to frame n; one fewer (a frame left with none is free). */
void vm_frame_ref(struct vm *vm, uint32_t n);
void vm_frame_unref(struct vm *vm, uint32_t n);

/* The region holding addr, or NULL; the address just past region g. */
struct vm_region *vm_find(const struct as *as, uint64_t addr);
uint64_t vm_region_end(const struct as *as, const struct vm_region *g);

/* Insert a region of npages pages at addr (free, page-aligned), every page
 * with permission perm and no frame. NULL when the host runs out of memory. */
struct vm_region *vm_insert(struct as *as, uint64_t addr, enum vm_kind kind, uint64_t npages,
			    uint8_t perm);

/* The page table entry of the page holding addr, or NULL if it is unmapped. */
struct vm_pte *vm_pte_of(const struct as *as, uint64_t addr);

/* Is [addr, addr + len) (len > 0) all mapped with at least perm? VM_OK, or
 * VM_EFAULT with r->fault (VF_UNMAPPED or VF_PROT) and r->addr set. */
int vm_check(const struct as *as, uint64_t addr, uint64_t len, uint8_t perm,
	     struct vm_access *r);

/* One more resident page in as (its peak follows). */
void vm_resident_add(struct as *as);

/* Tell the observer, if any, about a fault or a copy. */
void vm_observe(struct as *as, enum vm_fault_kind kind, uint64_t addr, int write, uint32_t frame,
		uint32_t from);

#endif
