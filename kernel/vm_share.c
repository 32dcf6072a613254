/*
 * vm_share.c - sharing frames between address spaces without copying:
 * a copy-on-write fork, and out-of-line data taken from one address space
 * and mapped into another (see vm.h).
 *
 * Both only add references to frames and set the copy-on-write bit on the
 * pages involved; the copying, if any, happens later, page by page, in the
 * fault path (vm.c). A shared region (LRPC's A-stacks) is the exception:
 * its frames are mapped into two address spaces for both to write, so it
 * is never made copy-on-write.
 */
#include "vm.h"
#include "vm_impl.h"

#include <stdlib.h>
#include <string.h>

/* A copy of region g's page table, or NULL. */
static struct vm_pte *pte_copy(const struct vm_region *g)
{
	struct vm_pte *p = malloc(g->npages * sizeof *p);

	if (p)
		memcpy(p, g->pte, g->npages * sizeof *p);
	return p;
}

struct as *as_fork(struct as *parent, void *owner, uint64_t *shared)
{
	struct as *c = as_new(parent->vm, owner);
	uint64_t n = 0;

	*shared = 0;
	if (!c)
		return NULL;
	c->reg = malloc((parent->nreg ? parent->nreg : 1) * sizeof *c->reg);
	if (!c->reg) {
		free(c);
		return NULL;
	}
	c->cap = parent->nreg ? parent->nreg : 1;
	/* Copy every page table first: on failure the parent is untouched. */
	for (uint32_t i = 0; i < parent->nreg; i++) {
		c->reg[i] = parent->reg[i];
		c->reg[i].pte = pte_copy(&parent->reg[i]);
		if (!c->reg[i].pte) {
			while (i--)
				free(c->reg[i].pte);
			free(c->reg);
			free(c);
			return NULL;
		}
	}
	c->nreg = parent->nreg;
	for (uint32_t i = 0; i < parent->nreg; i++) {
		struct vm_region *pg = &parent->reg[i], *cg = &c->reg[i];
		if (pg->seg) {          /* a segment stays shared: one more mapping of it */
			pg->seg->maps++;
			pg->seg->maps_made++;
		}
		for (uint64_t k = 0; k < pg->npages; k++) {
			if (!pg->pte[k].frame)
				continue;
			vm_frame_ref(parent->vm, pg->pte[k].frame);
			if (pg->kind != VM_SHARED)
				pg->pte[k].cow = cg->pte[k].cow = 1;
			n++;
		}
	}
	c->npages = parent->npages;
	c->resident = c->peak = parent->resident;
	*shared = n;
	return c;
}

int as_takeable(const struct as *as, uint64_t addr, uint64_t len)
{
	struct vm_access r;
	uint64_t n = vm_span(as->vm, addr, len), ps = as->vm->page_size;

	if (len == 0 || vm_check(as, addr, len, VM_R, &r) != VM_OK)
		return 0;
	for (uint64_t i = 0; i < n; i++)
		if (vm_find(as, (addr & ~(ps - 1)) + (i << as->vm->shift))->kind == VM_SHARED)
			return 0;
	return 1;
}

struct vm_ool *as_take(struct as *as, uint64_t addr, uint64_t len, int *err)
{
	uint64_t n = vm_span(as->vm, addr, len), ps = as->vm->page_size;
	struct vm_ool *o;

	if (!as_takeable(as, addr, len)) {
		*err = VM_EFAULT;
		return NULL;
	}
	o = malloc(sizeof *o + n * sizeof o->frame[0]);
	if (!o) {
		*err = VM_EHOST;
		return NULL;
	}
	o->vm = as->vm;
	o->off = addr & (ps - 1);
	o->len = len;
	o->npages = n;
	for (uint64_t i = 0; i < n; i++) {
		struct vm_pte *e = vm_pte_of(as, (addr & ~(ps - 1)) + (i << as->vm->shift));
		o->frame[i] = e->frame;
		if (e->frame) {
			vm_frame_ref(as->vm, e->frame);
			e->cow = 1;
		}
	}
	*err = VM_OK;
	return o;
}

int as_give(struct as *as, struct vm_ool *o, uint64_t *addr)
{
	uint64_t start;
	struct vm_region *g;
	int err = as_map(as, VM_HEAP, o->npages, VM_R | VM_W, &start);

	if (err)
		return err;
	g = vm_find(as, start);
	for (uint64_t i = 0; i < o->npages; i++) {
		/* The snapshot's reference becomes the page table's. */
		g->pte[i].frame = o->frame[i];
		g->pte[i].cow = o->frame[i] != 0;
		if (o->frame[i])
			vm_resident_add(as);
	}
	*addr = start + o->off;
	free(o);
	return VM_OK;
}

struct vm_ool *vm_ool_dup(const struct vm_ool *o)
{
	size_t size = sizeof *o + o->npages * sizeof o->frame[0];
	struct vm_ool *d = malloc(size);

	if (!d)
		return NULL;
	memcpy(d, o, size);
	for (uint64_t i = 0; i < d->npages; i++)
		if (d->frame[i])
			vm_frame_ref(d->vm, d->frame[i]);
	return d;
}

void vm_ool_free(struct vm_ool *o)
{
	if (!o)
		return;
	for (uint64_t i = 0; i < o->npages; i++)
		if (o->frame[i])
			vm_frame_unref(o->vm, o->frame[i]);
	free(o);
}

int as_populate(struct as *as, uint64_t addr)
{
	struct vm_region *g = vm_find(as, addr);
	int host = 0;

	if (!g || g->start != addr)
		return VM_EINVAL;
	for (uint64_t i = 0; i < g->npages; i++) {
		uint32_t n;
		if (g->pte[i].frame)
			continue;
		if (!(n = vm_frame_get(as->vm, &host)))
			return host ? VM_EHOST : VM_EFAULT;
		g->pte[i].frame = n;
		g->pte[i].cow = 0;
		vm_resident_add(as);
	}
	return VM_OK;
}

int as_share(struct as *from, uint64_t addr, struct as *to, uint64_t *to_addr)
{
	const struct vm_region *src = vm_find(from, addr);
	struct vm_region *g;
	uint64_t start;
	int err;

	if (!src || src->start != addr)
		return VM_EINVAL;
	err = as_map(to, VM_SHARED, src->npages, src->perm, &start);
	if (err)
		return err;
	/* as_map may have moved from's regions only if from == to: look again. */
	src = vm_find(from, addr);
	g = vm_find(to, start);
	for (uint64_t i = 0; i < g->npages; i++) {
		g->pte[i] = src->pte[i];
		g->pte[i].cow = 0;
		if (g->pte[i].frame) {
			vm_frame_ref(to->vm, g->pte[i].frame);
			vm_resident_add(to);
		}
	}
	*to_addr = start;
	return VM_OK;
}
