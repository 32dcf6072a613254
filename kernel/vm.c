/*
 * vm.c - frames, regions and the fault path (see vm.h).
 *
 * Frames are made on demand up to the machine's count, each with its bytes
 * on the host (within the group's max_bytes, when it has one); a released
 * frame goes on a free list and is zeroed when it is handed out again.
 * Regions of an address space sit in an array sorted by address, found by
 * binary search; each has a flat page table.
 * Sharing (fork, out-of-line data) is in vm_share.c.
 */
#include "vm.h"
#include "vm_impl.h"

#include <stdlib.h>
#include <string.h>

#include "uk_limits.h"

int vm_init_at(struct vm *vm, uint32_t base, uint32_t nframes, uint32_t page_size)
{
	memset(vm, 0, sizeof *vm);
	if (nframes == 0 || page_size == 0 || (page_size & (page_size - 1)) ||
	    nframes > UINT32_MAX - base)
		return -1;
	vm->base = base;
	vm->nframes = nframes;
	vm->page_size = page_size;
	while ((1u << vm->shift) < page_size)
		vm->shift++;
	return 0;
}

int vm_init(struct vm *vm, uint32_t nframes, uint32_t page_size)
{
	return vm_init_at(vm, 0, nframes, page_size);
}

void vm_fini(struct vm *vm)
{
	for (uint32_t i = 0; i < vm->nmade; i++)
		free(vm->fr[i].data);
	if (vm->group)
		vm->group->bytes -= (uint64_t)vm->nmade * vm->page_size;
	free(vm->fr);
	vm->fr = NULL;
	vm->nmade = vm->cap = 0;
}

uint32_t vm_frame_refs(const struct vm *vm, uint32_t n)
{
	return n > vm->base && n - vm->base <= vm->nmade ? vm_frame(vm, n)->refs : 0;
}

uint64_t vm_span(const struct vm *vm, uint64_t addr, uint64_t len)
{
	uint64_t last;

	if (len == 0)
		return 0;
	last = len - 1 > UINT64_MAX - addr ? UINT64_MAX : addr + len - 1;
	return (last >> vm->shift) - (addr >> vm->shift) + 1;
}

/* --- frames --- */

uint32_t vm_frame_get(struct vm *vm, int *host)
{
	struct vm_frame *f;
	uint32_t n;

	if (vm->free_head) {
		n = vm->free_head;
		f = vm_frame(vm, n);
		vm->free_head = f->next_free;
		memset(f->data, 0, vm->page_size);
	} else {
		struct vm_group *g = vm->group;
		if (vm->nmade == vm->nframes)
			return 0;
		/* A new frame's bytes would go past the host memory the frames may hold. */
		if (g && g->max_bytes && g->bytes + vm->page_size > g->max_bytes) {
			if (g->refused)
				g->refused(g->ctx);
			*host = 1;
			return 0;
		}
		if (vm->nmade == vm->cap) {
			uint32_t cap = vm->cap ? vm->cap * 2 : 64;
			struct vm_frame *a;
			if (cap > vm->nframes)
				cap = vm->nframes;
			a = realloc(vm->fr, (size_t)cap * sizeof *a);
			if (!a) {
				*host = 1;
				return 0;
			}
			vm->fr = a;
			vm->cap = cap;
		}
		f = &vm->fr[vm->nmade];
		f->data = calloc(1, vm->page_size);
		if (!f->data) {
			*host = 1;
			return 0;
		}
		n = vm->base + ++vm->nmade;
		if (g)
			g->bytes += vm->page_size;
	}
	f->refs = 1;
	f->next_free = 0;
	if (++vm->used > vm->peak)
		vm->peak = vm->used;
	if (vm->group && ++vm->group->used > vm->group->peak)
		vm->group->peak = vm->group->used;
	return n;
}

void vm_frame_ref(struct vm *vm, uint32_t n)
{
	if (++vm_frame(vm, n)->refs == 2)
		vm->shared++;
}

void vm_frame_unref(struct vm *vm, uint32_t n)
{
	struct vm_frame *f = vm_frame(vm, n);

	if (--f->refs == 1)
		vm->shared--;
	if (f->refs == 0) {
		vm->used--;
		if (vm->group)
			vm->group->used--;
		f->next_free = vm->free_head;
		vm->free_head = n;
	}
}

/* --- regions --- */

struct as *as_new(struct vm *vm, void *owner)
{
	struct as *as = calloc(1, sizeof *as);

	if (as) {
		as->vm = vm;
		as->owner = owner;
	}
	return as;
}

static void region_release(struct as *as, struct vm_region *g)
{
	for (uint64_t i = 0; i < g->npages; i++) {
		if (g->pte[i].frame) {
			vm_frame_unref(as->vm, g->pte[i].frame);
			as->resident--;
		}
	}
	as->npages -= g->npages;
	free(g->pte);
	if (g->seg)
		g->seg->maps--;      /* 0: the last mapping went, and its frames with it */
}

void as_clear(struct as *as)
{
	for (uint32_t i = 0; i < as->nreg; i++)
		region_release(as, &as->reg[i]);
	free(as->reg);
	as->reg = NULL;
	as->nreg = as->cap = 0;
}

void as_free(struct as *as)
{
	if (!as)
		return;
	as_clear(as);
	free(as);
}

/* Index of the last region starting at or below addr, or -1. */
static int64_t below(const struct as *as, uint64_t addr)
{
	int64_t lo = 0, hi = (int64_t)as->nreg - 1, found = -1;

	while (lo <= hi) {
		int64_t mid = lo + (hi - lo) / 2;
		if (as->reg[mid].start <= addr) {
			found = mid;
			lo = mid + 1;
		} else {
			hi = mid - 1;
		}
	}
	return found;
}

uint64_t vm_region_end(const struct as *as, const struct vm_region *g)
{
	return g->start + (g->npages << as->vm->shift);
}

struct vm_region *vm_find(const struct as *as, uint64_t addr)
{
	int64_t i = below(as, addr);

	if (i < 0 || addr >= vm_region_end(as, &as->reg[i]))
		return NULL;
	return &as->reg[i];
}

const struct vm_region *as_region(const struct as *as, uint64_t addr)
{
	return vm_find(as, addr);
}

struct vm_region *vm_insert(struct as *as, uint64_t addr, enum vm_kind kind, uint64_t npages,
			    uint8_t perm)
{
	struct vm_pte *pte = calloc(npages, sizeof *pte);
	uint32_t at = (uint32_t)(below(as, addr) + 1);
	struct vm_region *g;

	if (!pte)
		return NULL;
	if (as->nreg == as->cap) {
		uint32_t cap = as->cap ? as->cap * 2 : 8;
		struct vm_region *a = realloc(as->reg, cap * sizeof *a);
		if (!a) {
			free(pte);
			return NULL;
		}
		as->reg = a;
		as->cap = cap;
	}
	memmove(&as->reg[at + 1], &as->reg[at], (as->nreg - at) * sizeof *as->reg);
	as->nreg++;
	g = &as->reg[at];
	g->start = addr;
	g->npages = npages;
	g->kind = (uint8_t)kind;
	g->perm = perm;
	g->pte = pte;
	g->seg = NULL;
	for (uint64_t i = 0; i < npages; i++)
		pte[i].perm = perm;
	as->npages += npages;
	return g;
}

int as_map_at(struct as *as, uint64_t addr, enum vm_kind kind, uint64_t npages, uint8_t perm)
{
	uint64_t bytes = npages << as->vm->shift;
	int64_t i = below(as, addr + bytes - 1);

	if (npages == 0 || addr & (as->vm->page_size - 1) || addr > UINT64_MAX - bytes)
		return VM_EINVAL;
	if (i >= 0 && vm_region_end(as, &as->reg[i]) > addr)
		return VM_EINVAL;
	if (npages > UK_AS_MAX_PAGES - as->npages)
		return VM_ENOSPACE;
	return vm_insert(as, addr, kind, npages, perm) ? VM_OK : VM_EHOST;
}

/*
 * First fit in the heap area: the lowest address with room for the region
 * and an unmapped guard page on each side (between two heap regions), so
 * that running off the end of an allocation is a segmentation fault.
 */
int as_map(struct as *as, enum vm_kind kind, uint64_t npages, uint8_t perm, uint64_t *addr)
{
	uint64_t ps = as->vm->page_size, bytes = npages << as->vm->shift, cand = VM_HEAP_BASE;

	if (npages == 0)
		return VM_EINVAL;
	if (npages > UK_AS_MAX_PAGES - as->npages)
		return VM_ENOSPACE;
	for (uint32_t i = 0; i < as->nreg; i++) {
		const struct vm_region *g = &as->reg[i];
		uint64_t end = vm_region_end(as, g);
		if (end + ps <= cand)
			continue;
		if (g->start >= VM_HEAP_END || cand + bytes + ps <= g->start)
			break;
		cand = end + ps;
	}
	if (cand + bytes > VM_HEAP_END)
		return VM_ENOSPACE;
	if (!vm_insert(as, cand, kind, npages, perm))
		return VM_EHOST;
	*addr = cand;
	return VM_OK;
}

int as_unmap(struct as *as, uint64_t addr, enum vm_kind kind)
{
	struct vm_region *g = vm_find(as, addr);
	uint32_t at;

	if (!g || g->start != addr || (kind && g->kind != kind))
		return VM_EINVAL;
	at = (uint32_t)(g - as->reg);
	region_release(as, g);
	memmove(&as->reg[at], &as->reg[at + 1], (as->nreg - at - 1) * sizeof *as->reg);
	as->nreg--;
	return VM_OK;
}

/* The page table entry of the page holding addr, or NULL if unmapped. */
struct vm_pte *vm_pte_of(const struct as *as, uint64_t addr)
{
	struct vm_region *g = vm_find(as, addr);

	return g ? &g->pte[(addr - g->start) >> as->vm->shift] : NULL;
}

/* Check [addr, addr + len) for an access needing perm: VM_OK, or
 * VM_EFAULT with r->fault and r->addr set. */
int vm_check(const struct as *as, uint64_t addr, uint64_t len, uint8_t perm,
	     struct vm_access *r)
{
	uint64_t ps = as->vm->page_size, cur = addr, last = addr + len - 1;

	if (len - 1 > UINT64_MAX - addr)
		last = UINT64_MAX;
	for (;;) {
		struct vm_pte *e = vm_pte_of(as, cur);
		if (!e || (e->perm & perm) != perm) {
			r->fault = e ? VF_PROT : VF_UNMAPPED;
			r->addr = cur;
			return VM_EFAULT;
		}
		if ((cur | (ps - 1)) >= last)
			return VM_OK;
		cur = (cur | (ps - 1)) + 1;
	}
}

int as_protect(struct as *as, uint64_t addr, uint64_t len, uint8_t perm)
{
	struct vm_access r;
	uint64_t n;

	if (len == 0 || addr & (as->vm->page_size - 1) || vm_check(as, addr, len, 0, &r) != VM_OK)
		return VM_EINVAL;
	n = vm_span(as->vm, addr, len);
	for (uint64_t i = 0; i < n; i++)
		vm_pte_of(as, addr + (i << as->vm->shift))->perm = perm;
	return VM_OK;
}

/* --- the fault path --- */

void vm_observe(struct as *as, enum vm_fault_kind kind, uint64_t addr, int write, uint32_t frame,
		uint32_t from)
{
	struct vm_event e = { kind, addr, write, frame, from };

	if (as->vm->observer)
		as->vm->observer(as->vm->ctx, as, &e);
}

static int no_frame(struct as *as, uint64_t addr, int write, int host, struct vm_access *r)
{
	if (host)
		return VM_EHOST;
	r->fault = VF_NOFRAME;
	r->addr = addr;
	vm_observe(as, VF_NOFRAME, addr, write, 0, 0);
	return VM_EFAULT;
}

void vm_resident_add(struct as *as)
{
	if (++as->resident > as->peak)
		as->peak = as->resident;
}

/* Make the page at page (its first byte) of entry e ready for the access. */
static int fault_in(struct as *as, struct vm_pte *e, uint64_t page, int write, struct vm_access *r)
{
	struct vm *vm = as->vm;
	int host = 0;
	uint32_t n;

	if (!e->frame) {
		if (!(n = vm_frame_get(vm, &host)))
			return no_frame(as, page, write, host, r);
		e->frame = n;
		e->cow = 0;
		vm_resident_add(as);
		as->zero_faults++;
		vm->zero_faults++;
		r->faults++;
		vm_observe(as, VF_ZERO, page, write, n, 0);
	}
	if (!write || !e->cow)
		return VM_OK;
	as->cow_faults++;
	vm->cow_faults++;
	r->faults++;
	if (vm_frame(vm, e->frame)->refs == 1) {
		e->cow = 0;
		vm_observe(as, VF_COW_REUSE, page, write, e->frame, 0);
		return VM_OK;
	}
	if (!(n = vm_frame_get(vm, &host)))
		return no_frame(as, page, write, host, r);
	/* vm->fr may have moved: index it only now. */
	memcpy(vm_frame(vm, n)->data, vm_frame(vm, e->frame)->data, vm->page_size);
	vm_frame_unref(vm, e->frame);
	vm_observe(as, VF_COW_COPY, page, write, n, e->frame);
	e->frame = n;
	e->cow = 0;
	as->pages_copied++;
	vm->pages_copied++;
	r->copies++;
	return VM_OK;
}

int as_access(struct as *as, uint64_t addr, void *buf, uint64_t len, int write,
	      struct vm_access *r)
{
	uint64_t ps = as->vm->page_size, done = 0;
	uint8_t *b = buf;

	memset(r, 0, sizeof *r);
	if (len == 0)
		return VM_OK;
	if (vm_check(as, addr, len, write ? VM_W : VM_R, r) != VM_OK) {
		vm_observe(as, r->fault, r->addr, write, 0, 0);
		return VM_EFAULT;
	}
	while (done < len) {
		uint64_t a = addr + done, off = a & (ps - 1), n = ps - off;
		struct vm_pte *e = vm_pte_of(as, a);
		uint8_t *data;
		int err = fault_in(as, e, a - off, write, r);
		if (err)
			return err;
		if (n > len - done)
			n = len - done;
		data = vm_frame(as->vm, e->frame)->data + off;
		if (write)
			memcpy(data, b + done, n);
		else
			memcpy(b + done, data, n);
		done += n;
	}
	return VM_OK;
}
