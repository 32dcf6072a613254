/*
 * vm_move.c - bytes that go from one physical memory to another: an
 * address space whose process moves to another node, and out-of-line data
 * delivered on another node (see vm.h). Unlike the sharing of vm_share.c,
 * a frame never spans two memories: each page is copied into a frame of
 * the memory it goes to, and the old frame loses its reference.
 */
#include "vm.h"
#include "vm_impl.h"

#include <stdlib.h>
#include <string.h>

uint64_t as_frames_held(const struct as *as)
{
	uint64_t n = 0;

	for (uint32_t r = 0; r < as->nreg; r++)
		for (uint64_t i = 0; i < as->reg[r].npages; i++)
			n += as->reg[r].pte[i].frame != 0;
	return n;
}

/* n frames of to in *out (made here), or an error with none taken. */
static int take_frames(struct vm *to, uint64_t n, uint32_t **out)
{
	uint32_t *v;
	int host = 0;

	*out = NULL;
	if (n > to->nframes - to->used)
		return VM_EFAULT;
	if (!(v = malloc((n ? n : 1) * sizeof *v)))
		return VM_EHOST;
	for (uint64_t k = 0; k < n; k++)
		if (!(v[k] = vm_frame_get(to, &host))) {
			while (k--)
				vm_frame_unref(to, v[k]);
			free(v);
			return host ? VM_EHOST : VM_EFAULT;
		}
	*out = v;
	return VM_OK;
}

static void copy_frame(struct vm *to, uint32_t dst, const struct vm *from, uint32_t src)
{
	memcpy(vm_frame(to, dst)->data, vm_frame(from, src)->data, to->page_size);
}

/* Is the page at addr one of away's (sorted addresses)? Its index, or -1. */
static int64_t away_index(const uint64_t *away, uint64_t naway, uint64_t addr)
{
	uint64_t lo = 0, hi = naway;

	while (lo < hi) {
		uint64_t mid = lo + (hi - lo) / 2;
		if (away[mid] < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < naway && away[lo] == addr ? (int64_t)lo : -1;
}

int as_move_except(struct as *as, struct vm *to, const uint64_t *away, uint64_t naway,
		   uint32_t *frames)
{
	struct vm *from = as->vm;
	uint32_t *nf;
	uint64_t k = 0, held = as_frames_held(as), left = 0;
	int err;

	if (to == from)
		return naway ? VM_EINVAL : VM_OK;
	if (to->page_size != from->page_size)
		return VM_EFAULT;
	for (uint64_t i = 0; i < naway; i++) {
		const struct vm_pte *e = vm_pte_of(as, away[i]);
		if (i && away[i] <= away[i - 1])
			return VM_EINVAL;
		left += e && e->frame;
	}
	/* the pages left behind come later: there must be room for them too */
	if (held > to->nframes - to->used)
		return VM_EFAULT;
	if ((err = take_frames(to, held - left, &nf)) != VM_OK)
		return err;
	for (uint64_t i = 0; i < naway; i++)
		frames[i] = 0;
	as->vm = to;
	for (uint32_t r = 0; r < as->nreg; r++) {
		struct vm_region *g = &as->reg[r];
		for (uint64_t i = 0; i < g->npages; i++) {
			uint64_t addr = g->start + (i << to->shift);
			uint32_t old = g->pte[i].frame;
			int64_t a;
			if (!old)
				continue;
			if ((a = away_index(away, naway, addr)) >= 0) {
				frames[a] = old;        /* its reference is the caller's now */
				g->pte[i].frame = 0;
				g->pte[i].cow = 0;
				as->resident--;
				continue;
			}
			copy_frame(to, nf[k], from, old);
			vm_frame_unref(from, old);
			g->pte[i].frame = nf[k++];
			g->pte[i].cow = 0;
			vm_observe(as, VF_MOVE, addr, 0, g->pte[i].frame, old);
		}
	}
	free(nf);
	return VM_OK;
}

int as_move(struct as *as, struct vm *to)
{
	return as_move_except(as, to, NULL, 0, NULL);
}

int as_move_in(struct as *as, uint64_t addr, struct vm *from, uint32_t frame)
{
	struct vm_pte *e = vm_pte_of(as, addr);
	uint32_t nf;
	int host = 0;

	if (!e || e->frame || !frame || from->page_size != as->vm->page_size)
		return VM_EINVAL;
	if (!(nf = vm_frame_get(as->vm, &host)))
		return host ? VM_EHOST : VM_EFAULT;
	copy_frame(as->vm, nf, from, frame);
	vm_frame_unref(from, frame);
	e->frame = nf;
	e->cow = 0;
	vm_resident_add(as);
	vm_observe(as, VF_MOVE, addr & ~(uint64_t)(as->vm->page_size - 1), 0, nf, frame);
	return VM_OK;
}

void vm_frame_drop(struct vm *vm, uint32_t frame)
{
	if (frame)
		vm_frame_unref(vm, frame);
}

struct vm_ool *vm_ool_move(struct vm_ool *o, struct vm *to, int *err)
{
	size_t size = sizeof *o + o->npages * sizeof o->frame[0];
	struct vm_ool *d;
	uint32_t *nf;
	uint64_t n = 0, k = 0;

	for (uint64_t i = 0; i < o->npages; i++)
		n += o->frame[i] != 0;
	if (to->page_size != o->vm->page_size) {
		*err = VM_EFAULT;
		return NULL;
	}
	if (!(d = malloc(size))) {
		*err = VM_EHOST;
		return NULL;
	}
	if ((*err = take_frames(to, n, &nf)) != VM_OK) {
		free(d);
		return NULL;
	}
	memcpy(d, o, size);
	d->vm = to;
	for (uint64_t i = 0; i < o->npages; i++)
		if (o->frame[i]) {
			d->frame[i] = nf[k++];
			copy_frame(to, d->frame[i], o->vm, o->frame[i]);
		}
	free(nf);
	vm_ool_free(o);
	return d;
}
