/*
 * vm_seg.c - shared segments: frames mapped into several address spaces
 * for all of them to read and write (mem.share, mem.map; see vm.h).
 *
 * Unlike a fork or out-of-line data, nothing here is copy-on-write: every
 * region that maps a segment has page table entries naming the segment's
 * very frames, each entry one reference. The frames are all taken when the
 * segment is made, so that every mapping finds them (a page filled at its
 * first touch would get a frame in one address space only). A region knows
 * its segment (vm_region.seg); unmapping it (vm.c) counts the mapping off,
 * and the frames go with the last one.
 */
#include "vm.h"
#include "vm_impl.h"

#include <stdlib.h>

struct vm_seg *vm_seg_new(struct as *as, uint64_t npages, uint8_t perm, uint32_t id,
			  uint64_t *addr, int *err)
{
	struct vm *vm = as->vm;
	struct vm_seg *s;
	struct vm_region *g;
	uint64_t start;
	int host = 0;

	if (npages == 0 || perm == 0) {
		*err = VM_EINVAL;
		return NULL;
	}
	if (npages > vm->nframes - vm->used) {
		*err = VM_EFAULT;
		return NULL;
	}
	s = calloc(1, sizeof *s);
	if (!s || !(s->frame = calloc(npages, sizeof *s->frame))) {
		free(s);
		*err = VM_EHOST;
		return NULL;
	}
	/* The maker's own mapping is read-write, so that it can fill the
	 * segment; perm bounds the mappings made from its handle. */
	if ((*err = as_map(as, VM_SHARED, npages, VM_R | VM_W, &start)) != VM_OK) {
		vm_seg_free(s);
		return NULL;
	}
	g = vm_find(as, start);
	for (uint64_t i = 0; i < npages; i++) {
		uint32_t n = vm_frame_get(vm, &host);
		if (!n) {
			/* Only the host (or the cap on its memory) can fail here: the
			 * frames were counted. */
			as_unmap(as, start, VM_SHARED);
			vm_seg_free(s);
			*err = VM_EHOST;
			return NULL;
		}
		g->pte[i].frame = s->frame[i] = n;
		vm_resident_add(as);
	}
	s->vm = vm;
	s->id = id;
	s->perm = perm;
	s->npages = npages;
	s->maps = 1;
	s->maps_made = 1;
	g->seg = s;
	*addr = start;
	*err = VM_OK;
	return s;
}

int as_seg_map(struct as *as, struct vm_seg *s, uint8_t perm, uint64_t *addr)
{
	struct vm_region *g;
	uint64_t start;
	int err;

	if (s->maps == 0 || s->vm != as->vm || perm == 0 || (perm & ~s->perm))
		return VM_EINVAL;
	if ((err = as_map(as, VM_SHARED, s->npages, perm, &start)) != VM_OK)
		return err;
	g = vm_find(as, start);
	for (uint64_t i = 0; i < s->npages; i++) {
		g->pte[i].frame = s->frame[i];
		vm_frame_ref(as->vm, s->frame[i]);
		vm_resident_add(as);
	}
	g->seg = s;
	s->maps++;
	s->maps_made++;
	*addr = start;
	return VM_OK;
}

void vm_seg_free(struct vm_seg *s)
{
	if (!s)
		return;
	free(s->frame);
	free(s);
}

uint64_t as_seg_pages(const struct as *as)
{
	uint64_t n = 0;

	for (uint32_t i = 0; as && i < as->nreg; i++)
		if (as->reg[i].seg)
			n += as->reg[i].npages;
	return n;
}

int as_seg_protect_ok(const struct as *as, uint64_t addr, uint64_t len, uint8_t perm)
{
	uint64_t end = len > UINT64_MAX - addr ? UINT64_MAX : addr + len;

	if (!(perm & VM_W))
		return 1;
	for (uint32_t i = 0; i < as->nreg; i++) {
		const struct vm_region *g = &as->reg[i];
		if (g->seg && !(g->perm & VM_W) && g->start < end && vm_region_end(as, g) > addr)
			return 0;
	}
	return 1;
}
