/*
 * trace_index_vmq.c - sealing the memory replay and answering the
 * questions a view asks of it (API: trace_index_vm.h; the replay itself:
 * trace_index_vm.c).
 *
 * The one idea: the replay appends pages as they are touched and steps as
 * they happen; sealing sorts the pages by region and number and groups the
 * steps by page (stably, so each history stays in time order). A question
 * about time t is then a walk over the regions mapped at t - found from a
 * running maximum of unmapping times, as messages are found - with one
 * binary search per page.
 */
#include "trace_index_impl.h"

#include <stdlib.h>
#include <string.h>

/* ---- sealing ---- */

struct page_key {
	uint32_t reg, idx, old;
};

static int page_key_cmp(const void *a, const void *b)
{
	const struct page_key *x = a, *y = b;

	if (x->reg != y->reg)
		return x->reg < y->reg ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* reach[i]: the latest of end(0..i); NULL when memory runs out. */
static uint64_t *reach_of(size_t n, const void *base, size_t stride, size_t end_off)
{
	uint64_t *reach = malloc((n + 1) * sizeof *reach), r = 0, e;

	for (size_t i = 0; reach && i < n; i++) {
		memcpy(&e, (const char *)base + i * stride + end_off, sizeof e);
		r = e > r ? e : r;
		reach[i] = r;
	}
	return reach;
}

/* Sort the pages by region and number, and group the steps by page. */
static int group_pages(struct trace_index *ix, const uint32_t *step_page)
{
	struct ti_vm *vm = &ix->vm;
	size_t n = vm->npages, *first = NULL, *count = NULL;
	struct page_key *k = malloc((n + 1) * sizeof *k);
	uint32_t *newid = malloc((n + 1) * sizeof *newid), *key = NULL;
	int rc = -1;

	if (!k || !newid || !(key = malloc((vm->nsteps + 1) * sizeof *key)) ||
	    !(first = malloc((n + 1) * sizeof *first)) || !(count = malloc((n + 1) * sizeof *count)))
		goto out;
	for (size_t i = 0; i < n; i++)
		k[i] = (struct page_key){ vm->pages[i].reg, vm->pages[i].idx, (uint32_t)i };
	qsort(k, n, sizeof *k, page_key_cmp);
	for (size_t i = 0; i < n; i++) {
		newid[k[i].old] = (uint32_t)i;
		vm->pages[i] = (struct ti_vmpage){ k[i].reg, k[i].idx, 0, 0 };
		if (i == 0 || k[i - 1].reg != k[i].reg)
			vm->regs[k[i].reg].page_first = i;
		vm->regs[k[i].reg].page_count++;
	}
	for (size_t s = 0; s < vm->nsteps; s++)
		key[s] = newid[step_page[s]];
	if (ti_group_by((void **)&vm->steps, vm->nsteps, sizeof *vm->steps, key, n, first,
			count) != 0)
		goto out;
	for (size_t i = 0; i < n; i++) {
		vm->pages[i].step_first = first[i];
		vm->pages[i].step_count = count[i];
	}
	rc = 0;
out:
	free(k);
	free(newid);
	free(key);
	free(first);
	free(count);
	return rc;
}

/* The processes with memory at some time: a region or an event. */
static int list_procs(struct trace_index *ix)
{
	struct ti_vm *vm = &ix->vm;
	uint8_t *has = calloc(ix->nprocs + 1, 1);

	if (!has || !(vm->procs = malloc((ix->nprocs + 1) * sizeof *vm->procs))) {
		free(has);
		return -1;
	}
	for (size_t r = 0; r < vm->nregs; r++)
		has[vm->regs[r].proc] = 1;
	for (size_t e = 0; e < vm->nevs; e++)
		has[vm->evs[e].proc] = 1;
	for (uint32_t pr = 0; pr < ix->nprocs; pr++)
		if (has[pr])
			vm->procs[vm->nprocs++] = pr;
	free(has);
	return 0;
}

static int mem_cmp(const void *a, const void *b)
{
	const struct ti_vmmem *x = a, *y = b;

	return x->first < y->first ? -1 : x->first > y->first;
}

/* The node memories by first frame, past vm->frames dropped, each its
 * node's index; the gaps (and the frames after the last) as entries of no
 * node, so that they tile 1 .. frames. None unless two or more remain. */
static int tile_mems(struct trace_index *ix)
{
	struct ti_vm *vm = &ix->vm;
	struct ti_vmmem *t;
	size_t n = 0, k = 0;
	uint32_t next = 1;

	for (size_t i = 0; i < vm->nmems; i++)
		if ((uint64_t)vm->mems[i].first + vm->mems[i].frames - 1 <= vm->frames)
			vm->mems[n++] = vm->mems[i];
	vm->nmems = n;
	if (n < 2) {
		free(vm->mems);
		vm->mems = NULL;
		vm->nmems = 0;
		return 0;
	}
	qsort(vm->mems, n, sizeof *vm->mems, mem_cmp);
	if (!(t = malloc((2 * n + 1) * sizeof *t)))
		return -1;
	for (size_t i = 0; i <= n; i++) {
		uint32_t end = i < n ? vm->mems[i].first : vm->frames + 1;
		if (end > next)
			t[k++] = (struct ti_vmmem){ 0, TI_NONE, next, end - next, 0 };
		if (i == n)
			break;
		t[k] = vm->mems[i];
		for (size_t d = 0; d < ix->nnodes; d++)
			if (ix->nodes[d].id == t[k].id)
				t[k].node = (uint32_t)d;
		next = t[k].first + t[k].frames;
		k++;
	}
	free(vm->mems);
	vm->mems = t;
	vm->nmems = k;
	return 0;
}

/* vm->shmregs: the regions with a segment, grouped by it. */
static int list_shm(struct trace_index *ix)
{
	struct ti_vm *vm = &ix->vm;
	uint32_t *key = NULL, nsegs = 0;
	size_t *first = NULL, *count = NULL;
	int rc = -1;

	for (size_t r = 0; r < vm->nregs; r++)
		if (vm->regs[r].seg) {
			vm->nshmregs++;
			nsegs = vm->regs[r].seg > nsegs ? vm->regs[r].seg : nsegs;
		}
	if (!vm->nshmregs)
		return 0;
	if (!(vm->shmregs = malloc(vm->nshmregs * sizeof *vm->shmregs)) ||
	    !(key = malloc(vm->nshmregs * sizeof *key)) || !(first = malloc(nsegs * sizeof *first)) ||
	    !(count = malloc(nsegs * sizeof *count)))
		goto out;
	for (size_t r = 0, n = 0; r < vm->nregs; r++)
		if (vm->regs[r].seg) {
			vm->shmregs[n] = (uint32_t)r;
			key[n++] = vm->regs[r].seg - 1;
		}
	rc = ti_group_by((void **)&vm->shmregs, vm->nshmregs, sizeof *vm->shmregs, key, nsegs,
			 first, count);
out:
	free(key);
	free(first);
	free(count);
	return rc;
}

int ti_vm_seal(struct trace_index *ix)
{
	struct ti_vm *vm = &ix->vm;
	if (!ix->b->vm)
		return 0;
	if (!vm->frames) {
		vm->frames = vm->maxframe;
		for (size_t i = 0; i < vm->nmems; i++)
			if (vm->mems[i].first + vm->mems[i].frames - 1 > vm->frames)
				vm->frames = vm->mems[i].first + vm->mems[i].frames - 1;
	}
	if (vm->maxframe > vm->frames)
		vm->maxframe = vm->frames;
	if (group_pages(ix, ti_vm_step_pages(ix)) != 0 || list_procs(ix) != 0 ||
	    tile_mems(ix) != 0 || list_shm(ix) != 0)
		return -1;
	vm->reg_reach = reach_of(vm->nregs, vm->regs, sizeof *vm->regs,
				 offsetof(struct ti_vmreg, unmap_ns));
	vm->snap_reach = reach_of(vm->nsnaps, vm->snaps, sizeof *vm->snaps,
				  offsetof(struct ti_vmsnap, t1));
	return vm->reg_reach && vm->snap_reach ? 0 : -1;
}

void ti_vm_free(struct ti_vm *vm)
{
	free(vm->regs);
	free(vm->reg_reach);
	free(vm->pages);
	free(vm->steps);
	free(vm->snaps);
	free(vm->snap_reach);
	free(vm->snapfr);
	free(vm->prots);
	free(vm->evs);
	free(vm->counts);
	free(vm->procs);
	free(vm->shmregs);
	free(vm->mems);
	memset(vm, 0, sizeof *vm);
}

/* ---- queries ---- */

/* The least i < n with reach[i] > t, else n. */
static size_t reach_from(const uint64_t *reach, size_t n, uint64_t t)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (reach[mid] <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

size_t trace_index_vm_regions_from(const struct trace_index *ix, uint64_t t)
{
	return reach_from(ix->vm.reg_reach, ix->vm.nregs, t);
}

const struct ti_vmstep *trace_index_vm_step_at(const struct trace_index *ix, size_t pg,
					       uint64_t t)
{
	const struct ti_vmpage *p = &ix->vm.pages[pg];
	size_t lo = p->step_first, hi = lo + p->step_count;

	while (lo < hi) {                      /* the first step after t */
		size_t mid = lo + (hi - lo) / 2;
		if (ix->vm.steps[mid].ns <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo > p->step_first ? &ix->vm.steps[lo - 1] : NULL;
}

uint32_t trace_index_vm_page(const struct trace_index *ix, uint32_t reg, uint64_t idx)
{
	const struct ti_vmreg *g = &ix->vm.regs[reg];
	size_t lo = g->page_first, hi = lo + g->page_count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ix->vm.pages[mid].idx < idx)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < g->page_first + g->page_count && ix->vm.pages[lo].idx == idx ? (uint32_t)lo
										 : TI_NONE;
}

/* Count process pr once among u's sharers. */
static void add_sharer(struct ti_frame_use *u, uint32_t pr)
{
	for (uint32_t i = 0; i < u->nproc && i < TI_SHARERS; i++)
		if (u->proc[i] == pr)
			return;
	if (u->nproc < TI_SHARERS)
		u->proc[u->nproc] = pr;
	u->nproc++;
}

void trace_index_vm_at(const struct trace_index *ix, uint64_t t, struct ti_frame_use *use)
{
	const struct ti_vm *vm = &ix->vm;

	memset(use, 0, ((size_t)vm->maxframe + 1) * sizeof *use);
	for (size_t r = trace_index_vm_regions_from(ix, t); r < vm->nregs && vm->regs[r].map_ns <= t;
	     r++) {
		const struct ti_vmreg *g = &vm->regs[r];
		if (g->unmap_ns <= t)
			continue;
		for (size_t p = g->page_first; p < g->page_first + g->page_count; p++) {
			const struct ti_vmstep *st = trace_index_vm_step_at(ix, p, t);
			struct ti_frame_use *u;
			if (!st || st->frame > vm->maxframe)
				continue;
			u = &use[st->frame];
			if (!u->maps++)
				u->page = (uint32_t)p;
			u->cow += st->cow;
			add_sharer(u, g->proc);
		}
	}
	for (size_t s = reach_from(vm->snap_reach, vm->nsnaps, t);
	     s < vm->nsnaps && vm->snaps[s].t0 <= t; s++) {
		const struct ti_vmsnap *sn = &vm->snaps[s];
		if (sn->t1 <= t)
			continue;
		for (size_t i = 0; i < sn->fr_count; i++)
			if (vm->snapfr[sn->fr_first + i].frame <= vm->maxframe)
				use[vm->snapfr[sn->fr_first + i].frame].held++;
	}
}

int trace_index_vm_counts(const struct trace_index *ix, uint64_t t, uint32_t *used,
			  uint32_t *shared)
{
	struct ti_frame_use *use = malloc(((size_t)ix->vm.maxframe + 1) * sizeof *use);

	*used = *shared = 0;
	if (!use)
		return -1;
	trace_index_vm_at(ix, t, use);
	for (size_t f = 1; f <= ix->vm.maxframe; f++) {
		uint32_t refs = use[f].maps + use[f].held;
		*used += refs > 0;
		*shared += refs > 1;
	}
	free(use);
	return 0;
}

uint8_t trace_index_vm_perm(const struct trace_index *ix, uint32_t reg, uint64_t idx,
			    uint64_t t)
{
	const struct ti_vm *vm = &ix->vm;

	for (;;) {
		const struct ti_vmreg *g = &vm->regs[reg];
		for (size_t i = vm->nprots; i-- > 0;) {
			const struct ti_vmprot *pp = &vm->prots[i];
			if (pp->ns <= t && pp->reg == reg && idx >= pp->first && idx - pp->first < pp->n)
				return pp->perm;
		}
		if (g->from == TI_NONE)
			return g->perm;
		t = g->map_ns;                 /* a forked copy: the parent's at the fork */
		reg = g->from;
	}
}

uint32_t trace_index_vm_region_at(const struct trace_index *ix, uint32_t pr, uint64_t addr,
				  uint64_t t)
{
	const struct ti_vm *vm = &ix->vm;

	for (size_t r = trace_index_vm_regions_from(ix, t); r < vm->nregs && vm->regs[r].map_ns <= t;
	     r++) {
		const struct ti_vmreg *g = &vm->regs[r];
		uint64_t n = g->npages < TI_VM_MAX_PAGES ? g->npages : TI_VM_MAX_PAGES;
		if (g->proc == pr && g->unmap_ns > t && addr >= g->start &&
		    (addr - g->start) >> vm->shift < n)
			return (uint32_t)r;
	}
	return TI_NONE;
}

size_t trace_index_vm_events_from(const struct trace_index *ix, uint64_t t)
{
	size_t lo = 0, hi = ix->vm.nevs;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ix->vm.evs[mid].ns < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const char *trace_index_vm_cause_name(uint8_t cause)
{
	static const char *const names[] = {
		[TI_VM_ZERO] = "zero-fill fault", [TI_VM_COW_COPY] = "copy-on-write copy",
		[TI_VM_COW_REUSE] = "copy-on-write fault, no copy (last sharer)",
		[TI_VM_FORK] = "shared by a fork", [TI_VM_OOL_TAKE] = "sent out of line",
		[TI_VM_OOL_GIVE] = "received out of line",
		[TI_VM_MOVE] = "moved to another node's memory",
		[TI_VM_SHM] = "a shared segment's frame",
		[TI_VM_LRPC] = "an LRPC binding's A-stack",
	};

	return cause < sizeof names / sizeof names[0] && names[cause] ? names[cause] : "?";
}

uint32_t trace_index_vm_mem_of(const struct trace_index *ix, uint64_t fr)
{
	const struct ti_vm *vm = &ix->vm;
	size_t lo = 0, hi = vm->nmems;

	while (lo < hi) {                      /* the first memory past fr */
		size_t mid = lo + (hi - lo) / 2;
		if (vm->mems[mid].first <= fr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo > 0 && fr - vm->mems[lo - 1].first < vm->mems[lo - 1].frames ? (uint32_t)(lo - 1)
										: TI_NONE;
}
