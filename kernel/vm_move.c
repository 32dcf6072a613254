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

int as_move(struct as *as, struct vm *to)
{
	struct vm *from = as->vm;
	uint32_t *nf;
	uint64_t k = 0;
	int err;

	if (to == from)
		return VM_OK;
	if (to->page_size != from->page_size)
		return VM_EFAULT;
	if ((err = take_frames(to, as_frames_held(as), &nf)) != VM_OK)
		return err;
	as->vm = to;
	for (uint32_t r = 0; r < as->nreg; r++) {
		struct vm_region *g = &as->reg[r];
		for (uint64_t i = 0; i < g->npages; i++) {
			uint32_t old = g->pte[i].frame;
			if (!old)
				continue;
			copy_frame(to, nf[k], from, old);
			vm_frame_unref(from, old);
			g->pte[i].frame = nf[k++];
			g->pte[i].cow = 0;
			vm_observe(as, VF_MOVE, g->start + (i << to->shift), 0, g->pte[i].frame, old);
		}
	}
	free(nf);
	return VM_OK;
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
