/*
 * trace_index_vm.c - replaying the memory records into the trace index
 * (API: trace_index_vm.h; sealing and the queries: trace_index_vmq.c).
 *
 * The one idea: the loader keeps what the kernel kept - each process's
 * mapped regions, each touched page's frame and copy-on-write bit, the
 * frames each out-of-line message holds - and turns every change into a
 * step in that page's history, stamped with the record's time:
 *
 *   vm_map, vm_unmap         a region starts, ends (its pages' frames go)
 *   page_fault zero_fill     the page gets its first frame
 *   page_fault cow_copy      the page moves to a new frame, private
 *   page_fault cow_reuse     the page stays, private again
 *   fork                     the child gets a copy of every region; each
 *                            resident page shares its frame, copy-on-write
 *                            on both sides
 *   ool taken                the message holds the sender's frames of the
 *                            range, whose pages turn copy-on-write
 *   ool mapped, vm_map       the receiver's new region maps those frames
 *   msg_deliver, msg_drop    the message no longer holds them
 *   node_memory              a node's memory: a range of the frame numbers
 *   page_move                the page moves to a frame of another node's
 *                            memory (a migration; out-of-line data
 *                            delivered on another node, after its vm_map)
 *   shm_frame, shm_map       a shared segment's pages map its frames, in
 *                            every region that maps it (trace_index_shm.c)
 *   page_frame               the page maps a frame the kernel gave without
 *                            a fault (an LRPC binding's A-stacks, in the
 *                            client's region and the server's), never
 *                            copy-on-write
 *
 * Identifiers and numbers come from the file: regions and pages are made
 * for what the records touch, so memory grows with the records, and a
 * frame number out of range is ignored.
 */
#include "trace_index_impl.h"

#include <stdlib.h>
#include <string.h>

#define GROW(arr, cap, n) ti_grow((void **)&(arr), &(cap), (n), sizeof *(arr))

/* The kernel's placement (kernel/vm.h): a stack region of 16 pages ends
 * here, which tells the page size of a trace without a memory record. */
#define STACK_TOP 0x7ff000000000ull
#define STACK_PAGES 16

/* A process's mapped regions, by start address. */
struct ti_vmlive {
	uint32_t *reg;
	size_t n, cap;
};

/* A touched page now: its frame, copy-on-write bit, and the page of the
 * same region made before it (a list per region, for forks and takes). */
struct ti_vmcur {
	uint32_t frame, prev;
	uint8_t cow;
};

struct ti_vmbuild {
	struct ti_vmlive *live;      size_t livecap;      /* per process index */
	struct ti_map pagemap;       /* (region << 21) | page number -> page */
	struct ti_map snapmap;       /* flow -> snapshot */
	uint32_t *reg_last;          size_t reglastcap;   /* per region: its newest page */
	struct ti_vmcur *cur;        size_t curcap;       /* per page */
	uint32_t *step_page;         size_t steppagecap;  /* per step: its page */
	size_t regcap, pagecap, stepcap, snapcap, snapfrcap, protcap, evcap, countcap, memcap;
	int give;                    /* out-of-line data was mapped: its region comes next */
	uint64_t give_flow, give_addr;
	uint32_t give_proc;
	uint32_t given;              /* the region that received it, + 1 (0: none yet)... */
	uint64_t given_ns;           /* ...and when: its page moves follow at that time */
	int ps_told;                 /* the page size came in a memory record */
	int frames_told;             /* the frame count came in a memory record */
	struct ti_shm *shm;          /* shared segments (trace_index_shm.c) */
};

static struct ti_vmbuild *vmb(struct trace_index *ix)
{
	if (!ix->b->vm)
		ix->b->vm = calloc(1, sizeof *ix->b->vm);
	return ix->b->vm;
}

void ti_vm_build_free(struct ti_vmbuild *v)
{
	if (!v)
		return;
	for (size_t i = 0; i < v->livecap; i++)
		free(v->live[i].reg);
	free(v->live);
	free(v->pagemap.e);
	free(v->snapmap.e);
	free(v->reg_last);
	free(v->cur);
	free(v->step_page);
	ti_shm_free(v->shm);
	free(v);
}

static void set_page_size(struct ti_vm *vm, uint64_t ps)
{
	vm->page_size = (uint32_t)ps;
	for (vm->shift = 0; (1ull << vm->shift) < ps; vm->shift++)
		;
}

static int pow2(uint64_t v)
{
	return v >= 64 && v <= (1u << 20) && !(v & (v - 1));
}

/* The frame number v if it is one, else 0. */
static uint32_t frame_ok(const struct trace_index *ix, uint64_t v)
{
	uint64_t limit = ix->vm.frames ? ix->vm.frames : TI_VM_MAX_FRAME;

	return v == 0 || v > limit ? 0 : (uint32_t)v;
}

/* ---- regions ---- */

static uint64_t reg_end(const struct ti_vm *vm, const struct ti_vmreg *g)
{
	uint64_t n = g->npages < TI_VM_MAX_PAGES ? g->npages : TI_VM_MAX_PAGES;

	return g->start + (n << vm->shift) < g->start ? UINT64_MAX : g->start + (n << vm->shift);
}

static struct ti_vmlive *live_of(struct trace_index *ix, uint32_t pr)
{
	struct ti_vmbuild *v = ix->b->vm;
	size_t old = v->livecap;

	if (GROW(v->live, v->livecap, (size_t)pr + 1) != 0)
		return NULL;
	memset(v->live + old, 0, (v->livecap - old) * sizeof *v->live);
	return &v->live[pr];
}

/* The mapped region of process pr holding addr, or TI_NONE. */
static uint32_t live_find(struct trace_index *ix, uint32_t pr, uint64_t addr)
{
	struct ti_vmbuild *v = ix->b->vm;
	const struct ti_vmlive *l = pr < v->livecap ? &v->live[pr] : NULL;

	for (size_t i = 0; l && i < l->n; i++) {
		const struct ti_vmreg *g = &ix->vm.regs[l->reg[i]];
		if (addr >= g->start && addr < reg_end(&ix->vm, g))
			return l->reg[i];
	}
	return TI_NONE;
}

static int live_add(struct trace_index *ix, uint32_t pr, uint32_t r)
{
	struct ti_vmlive *l = live_of(ix, pr);
	size_t at = 0;

	if (!l || GROW(l->reg, l->cap, l->n + 1) != 0)
		return -1;
	while (at < l->n && ix->vm.regs[l->reg[at]].start <= ix->vm.regs[r].start)
		at++;
	memmove(l->reg + at + 1, l->reg + at, (l->n - at) * sizeof *l->reg);
	l->reg[at] = r;
	l->n++;
	return 0;
}

static void live_remove(struct trace_index *ix, uint32_t pr, uint32_t r)
{
	struct ti_vmlive *l = &ix->b->vm->live[pr];

	for (size_t i = 0; i < l->n; i++)
		if (l->reg[i] == r) {
			memmove(l->reg + i, l->reg + i + 1, (l->n - i - 1) * sizeof *l->reg);
			l->n--;
			return;
		}
}

/* A new mapped region; its index, or TI_NONE when memory runs out. */
static uint32_t region_new(struct trace_index *ix, uint64_t ns, uint32_t pr,
			   const struct ti_vmreg *like)
{
	struct ti_vmbuild *v = ix->b->vm;
	struct ti_vm *vm = &ix->vm;
	uint32_t r = (uint32_t)vm->nregs;

	if (vm->nregs >= UINT32_MAX - 1 || GROW(vm->regs, v->regcap, vm->nregs + 1) != 0 ||
	    GROW(v->reg_last, v->reglastcap, vm->nregs + 1) != 0)
		return TI_NONE;
	vm->regs[r] = *like;
	vm->regs[r].proc = pr;
	vm->regs[r].map_ns = ns;
	vm->regs[r].unmap_ns = TI_NEVER;
	vm->regs[r].page_first = vm->regs[r].page_count = 0;
	v->reg_last[r] = TI_NONE;
	vm->nregs++;
	return live_add(ix, pr, r) == 0 ? r : TI_NONE;
}

/* ---- pages and their steps ---- */

/* Page idx of region r, made when new: 0 and *pg, or -1 (out of memory).
 * *pg is TI_NONE for a page number past what the replay follows. */
static int page_get(struct trace_index *ix, uint32_t r, uint64_t idx, uint32_t *pg)
{
	struct ti_vmbuild *v = ix->b->vm;
	struct ti_vm *vm = &ix->vm;
	uint64_t key = (uint64_t)r << 21 | idx;
	uint32_t p;

	*pg = TI_NONE;
	if (idx >= TI_VM_MAX_PAGES || idx >= vm->regs[r].npages)
		return 0;
	if ((p = ti_map_get(&v->pagemap, key)) != TI_NONE) {
		*pg = p;
		return 0;
	}
	p = (uint32_t)vm->npages;
	if (vm->npages >= UINT32_MAX - 1 || GROW(vm->pages, v->pagecap, vm->npages + 1) != 0 ||
	    GROW(v->cur, v->curcap, vm->npages + 1) != 0 || ti_map_put(&v->pagemap, key, p) != 0)
		return -1;
	vm->pages[p] = (struct ti_vmpage){ r, (uint32_t)idx, 0, 0 };
	v->cur[p] = (struct ti_vmcur){ 0, v->reg_last[r], 0 };
	v->reg_last[r] = p;
	vm->npages++;
	*pg = p;
	return 0;
}

/* Page idx of region r if the replay made it, else TI_NONE. */
static uint32_t page_peek(struct trace_index *ix, uint32_t r, uint64_t idx)
{
	return idx >= TI_VM_MAX_PAGES ? TI_NONE
				      : ti_map_get(&ix->b->vm->pagemap, (uint64_t)r << 21 | idx);
}

/* Page pg maps frame with the copy-on-write bit cow from ns on, because of cause. */
static int step(struct trace_index *ix, uint32_t pg, uint64_t ns, uint32_t frame, int cow,
		enum ti_vm_cause cause)
{
	struct ti_vmbuild *v = ix->b->vm;
	struct ti_vm *vm = &ix->vm;

	if (pg == TI_NONE || !frame)
		return 0;
	if (GROW(vm->steps, v->stepcap, vm->nsteps + 1) != 0 ||
	    GROW(v->step_page, v->steppagecap, vm->nsteps + 1) != 0)
		return -1;
	if (frame > vm->maxframe)
		vm->maxframe = frame;
	vm->steps[vm->nsteps] = (struct ti_vmstep){ ns, frame, (uint8_t)cow, (uint8_t)cause };
	v->step_page[vm->nsteps++] = pg;
	v->cur[pg].frame = frame;
	v->cur[pg].cow = (uint8_t)cow;
	return 0;
}

/* Where addr is in process pr now: region (TI_NONE if unmapped) and page number. */
static void locate(struct trace_index *ix, uint32_t pr, uint64_t addr, uint32_t *r, uint64_t *idx)
{
	*r = live_find(ix, pr, addr);
	*idx = *r == TI_NONE ? 0 : (addr - ix->vm.regs[*r].start) >> ix->vm.shift;
}

static int event(struct trace_index *ix, const struct ti_vmev *e)
{
	struct ti_vm *vm = &ix->vm;

	if (GROW(vm->evs, ix->b->vm->evcap, vm->nevs + 1) != 0)
		return -1;
	vm->evs[vm->nevs++] = *e;
	vm->ev_seen |= 1u << e->kind;
	return 0;
}

/* ---- one function per record kind ---- */

static int rec_memory(struct trace_index *ix, uint64_t ns, const uint64_t *a)
{
	(void)ns;
	if (!pow2(a[1]) || a[0] == 0 || a[0] > TI_VM_MAX_FRAME)
		return 0;                      /* damage: keep the defaults */
	ix->vm.frames = (uint32_t)a[0];
	set_page_size(&ix->vm, a[1]);
	ix->b->vm->ps_told = 1;
	ix->b->vm->frames_told = 1;
	return 0;
}

/* A node's memory: frames a[1] .. a[1] + a[2] - 1 of node a[0]. Ignored
 * when empty, out of range, overlapping one already given, or a second
 * one for the same node (damage). */
static int rec_node_memory(struct trace_index *ix, uint64_t ns, const uint64_t *a)
{
	struct ti_vm *vm = &ix->vm;
	uint64_t first = a[1], n = a[2];

	(void)ns;
	if (!first || !n || first > TI_VM_MAX_FRAME || n > TI_VM_MAX_FRAME - first + 1 ||
	    (ix->b->vm->frames_told && first + n - 1 > vm->frames) || vm->nmems >= TI_MAX_NODES)
		return 0;
	for (size_t i = 0; i < vm->nmems; i++)
		if (vm->mems[i].id == a[0] ||
		    (first < (uint64_t)vm->mems[i].first + vm->mems[i].frames &&
		     vm->mems[i].first < first + n))
			return 0;
	if (GROW(vm->mems, ix->b->vm->memcap, vm->nmems + 1) != 0)
		return -1;
	vm->mems[vm->nmems++] = (struct ti_vmmem){ a[0], TI_NONE, (uint32_t)first, (uint32_t)n, 1 };
	return 0;
}

/* Out-of-line data announced for the region being mapped: its pages map
 * the frames the message held. */
static int fill_from_message(struct trace_index *ix, uint64_t ns, uint32_t r)
{
	struct ti_vmbuild *v = ix->b->vm;
	uint32_t s = ti_map_get(&v->snapmap, v->give_flow), pg;

	ix->vm.regs[r].flow = v->give_flow;
	v->give = 0;
	if (s == TI_NONE)
		return 0;
	v->given = r + 1;
	v->given_ns = ns;
	for (size_t i = 0; i < ix->vm.snaps[s].fr_count; i++) {
		const struct ti_vmsnapfr *f = &ix->vm.snapfr[ix->vm.snaps[s].fr_first + i];
		if (page_get(ix, r, f->idx, &pg) != 0 || step(ix, pg, ns, f->frame, 1, TI_VM_OOL_GIVE) != 0)
			return -1;
	}
	if (ix->vm.snaps[s].t1 == TI_NEVER)
		ix->vm.snaps[s].t1 = ns;
	return 0;
}

static int rec_vm_map(struct trace_index *ix, uint64_t ns, const uint64_t *a)
{
	struct ti_vmbuild *v = ix->b->vm;
	uint32_t pr = ti_proc_get(ix, a[0], ns), r;
	struct ti_vmreg like = { 0 };

	if (pr == TI_NONE)
		return -1;
	if (!v->ps_told && a[3] == 3 && a[2] == STACK_PAGES && a[1] < STACK_TOP &&
	    pow2((STACK_TOP - a[1]) / STACK_PAGES))
		set_page_size(&ix->vm, (STACK_TOP - a[1]) / STACK_PAGES);
	like.start = a[1];
	like.npages = a[2];
	like.kind = (uint8_t)(a[3] < 256 ? a[3] : 0);
	like.perm = (uint8_t)(a[4] & 3);
	like.from = TI_NONE;
	if ((r = region_new(ix, ns, pr, &like)) == TI_NONE)
		return -1;
	if (v->give && v->give_proc == pr && v->give_addr >= a[1] &&
	    v->give_addr < reg_end(&ix->vm, &ix->vm.regs[r]))
		return fill_from_message(ix, ns, r);
	return 0;
}

static int rec_vm_unmap(struct trace_index *ix, uint64_t ns, const uint64_t *a)
{
	uint32_t pr = ti_proc_get(ix, a[0], ns), r;

	if (pr == TI_NONE)
		return -1;
	r = live_find(ix, pr, a[1]);
	if (r != TI_NONE && ix->vm.regs[r].start == a[1]) {
		ix->vm.regs[r].unmap_ns = ns;
		live_remove(ix, pr, r);
	}
	return 0;
}

static int rec_vm_protect(struct trace_index *ix, uint64_t ns, const uint64_t *a)
{
	struct ti_vm *vm = &ix->vm;
	uint32_t pr = ti_proc_get(ix, a[0], ns), r;
	uint64_t idx, n = a[2] < TI_VM_MAX_PAGES ? a[2] : TI_VM_MAX_PAGES;

	if (pr == TI_NONE)
		return -1;
	locate(ix, pr, a[1], &r, &idx);
	if (r == TI_NONE || GROW(vm->prots, ix->b->vm->protcap, vm->nprots + 1) != 0)
		return r == TI_NONE ? 0 : -1;
	vm->prots[vm->nprots++] = (struct ti_vmprot){ ns, r, (uint32_t)idx, (uint32_t)n,
						      (uint8_t)(a[3] & 3) };
	return 0;
}

static int rec_page_fault(struct trace_index *ix, uint64_t ns, const uint64_t *a)
{
	uint32_t pr = ti_proc_get(ix, a[1], ns), th = TI_NONE, r, pg = TI_NONE;
	uint32_t frame = frame_ok(ix, a[4]);
	struct ti_vmev e = { 0 };
	uint64_t idx;
	int rc = 0;

	if (pr == TI_NONE || (a[0] && (th = ti_thread_get(ix, a[0], a[1], ns)) == TI_NONE))
		return -1;
	locate(ix, pr, a[2], &r, &idx);
	if (r != TI_NONE && a[3] >= TI_VMEV_ZERO && a[3] <= TI_VMEV_COW_REUSE &&
	    page_get(ix, r, idx, &pg) != 0)
		return -1;
	e = (struct ti_vmev){ ns, a[2], 0, pr, th, r, (uint32_t)idx, frame, 0,
			      (uint8_t)(a[3] < TI_VMEV_FORK ? a[3] : 0) };
	if (pg != TI_NONE) {
		struct ti_vmcur *c = &ix->b->vm->cur[pg];
		if (a[3] == TI_VMEV_COW_COPY)
			e.from = c->frame;
		if (a[3] == TI_VMEV_COW_REUSE && !frame)
			frame = c->frame;
		rc = step(ix, pg, ns, frame, 0, (enum ti_vm_cause)a[3]);
	}
	return rc != 0 ? -1 : e.kind ? event(ix, &e) : 0;
}

static int rec_frames(struct trace_index *ix, uint64_t ns, const uint64_t *a)
{
	struct ti_vm *vm = &ix->vm;
	uint32_t used = (uint32_t)(a[0] < UINT32_MAX ? a[0] : UINT32_MAX);

	if (GROW(vm->counts, ix->b->vm->countcap, vm->ncounts + 1) != 0)
		return -1;
	vm->counts[vm->ncounts++] = (struct ti_vmcount){ ns, used,
							 (uint32_t)(a[1] < UINT32_MAX ? a[1] : UINT32_MAX) };
	if (used > vm->maxused)
		vm->maxused = used;
	return 0;
}

/* Region r of the parent, copied into the child cp at a fork: every page
 * with a frame shares it, copy-on-write on both sides. Adds the pages
 * shared to *n. */
static int fork_region(struct trace_index *ix, uint64_t ns, uint32_t r, uint32_t cp,
		       uint64_t *n)
{
	struct ti_vmbuild *v = ix->b->vm;
	struct ti_vmreg like = ix->vm.regs[r];
	int cow = like.kind != 4;      /* a shared region stays shared, never copy-on-write */
	uint32_t c, pg;

	like.from = r;
	like.flow = 0;
	if ((c = region_new(ix, ns, cp, &like)) == TI_NONE)
		return -1;
	for (uint32_t p = v->reg_last[r]; p != TI_NONE; p = v->cur[p].prev) {
		uint32_t frame = v->cur[p].frame;
		if (!frame)
			continue;
		if (page_get(ix, c, ix->vm.pages[p].idx, &pg) != 0 ||
		    step(ix, pg, ns, frame, cow, TI_VM_FORK) != 0 ||
		    (!v->cur[p].cow && cow && step(ix, p, ns, frame, 1, TI_VM_FORK) != 0))
			return -1;
		(*n)++;
	}
	return 0;
}

static int rec_fork(struct trace_index *ix, uint64_t ns, const uint64_t *a)
{
	uint32_t pr = ti_proc_get(ix, a[0], ns), cp = ti_proc_get(ix, a[1], ns);
	struct ti_vmlive *l;
	uint32_t *regs;
	uint64_t n = 0;
	size_t k;

	if (pr == TI_NONE || cp == TI_NONE || !(l = live_of(ix, pr)))
		return -1;
	if (cp == pr)
		return 0;                      /* damage: a process is not its own child */
	k = l->n;
	if (!(regs = malloc((k ? k : 1) * sizeof *regs)))
		return -1;
	if (k)
		memcpy(regs, l->reg, k * sizeof *regs);   /* (the live lists may move) */
	for (size_t i = 0; i < k; i++)
		if (fork_region(ix, ns, regs[i], cp, &n) != 0) {
			free(regs);
			return -1;
		}
	free(regs);
	return event(ix, &(struct ti_vmev){ ns, 0, cp, pr, TI_NONE, TI_NONE, 0,
					    (uint32_t)(n < UINT32_MAX ? n : UINT32_MAX), 0,
					    TI_VMEV_FORK });
}

/* The pages of region r inside [base, end) that have a frame go into the
 * snapshot being made (numbered from base) and turn copy-on-write. */
static int take_region(struct trace_index *ix, uint64_t ns, uint32_t r, uint64_t base,
		       uint64_t end)
{
	struct ti_vmbuild *v = ix->b->vm;
	struct ti_vm *vm = &ix->vm;

	for (uint32_t p = v->reg_last[r]; p != TI_NONE; p = v->cur[p].prev) {
		uint64_t at = vm->regs[r].start + ((uint64_t)vm->pages[p].idx << vm->shift);
		if (at < base || at >= end || !v->cur[p].frame)
			continue;
		if (GROW(vm->snapfr, v->snapfrcap, vm->nsnapfr + 1) != 0)
			return -1;
		vm->snapfr[vm->nsnapfr++] = (struct ti_vmsnapfr){ (uint32_t)((at - base) >> vm->shift),
								  v->cur[p].frame };
		if (!v->cur[p].cow && step(ix, p, ns, v->cur[p].frame, 1, TI_VM_OOL_TAKE) != 0)
			return -1;
	}
	return 0;
}

/* ool op 1: message flow takes [addr, addr + len) of process pr. */
static int ool_take(struct trace_index *ix, uint64_t ns, uint32_t pr, const uint64_t *a)
{
	struct ti_vmbuild *v = ix->b->vm;
	struct ti_vm *vm = &ix->vm;
	uint64_t base = a[2] & ~((uint64_t)vm->page_size - 1);
	uint64_t end = a[3] > UINT64_MAX - a[2] ? UINT64_MAX : a[2] + a[3];
	const struct ti_vmlive *l = live_of(ix, pr);
	size_t s = vm->nsnaps, first = vm->nsnapfr;

	if (!l || GROW(vm->snaps, v->snapcap, vm->nsnaps + 1) != 0 ||
	    ti_map_put(&v->snapmap, a[0], (uint32_t)s) != 0)
		return -1;
	for (size_t i = 0; i < v->live[pr].n; i++) {
		uint32_t r = v->live[pr].reg[i];
		if (vm->regs[r].start < end && reg_end(vm, &vm->regs[r]) > base &&
		    take_region(ix, ns, r, base, end) != 0)
			return -1;
	}
	vm->snaps[s] = (struct ti_vmsnap){ a[0], pr, ns, TI_NEVER, first, vm->nsnapfr - first };
	vm->nsnaps++;
	return 0;
}

static int rec_ool(struct trace_index *ix, uint64_t ns, const uint64_t *a)
{
	struct ti_vmbuild *v = ix->b->vm;
	uint32_t pr = ti_proc_get(ix, a[1], ns);

	if (pr == TI_NONE)
		return -1;
	if (a[4] == 1 && ool_take(ix, ns, pr, a) != 0)
		return -1;
	if (a[4] == 2) {
		v->give = 1;
		v->give_flow = a[0];
		v->give_proc = pr;
		v->give_addr = a[2];
	}
	if (a[4] != 1 && a[4] != 2)
		return 0;
	return event(ix, &(struct ti_vmev){ ns, a[2], a[3], pr, TI_NONE, TI_NONE, 0, 0, 0,
					    a[4] == 1 ? TI_VMEV_OOL_TAKE : TI_VMEV_OOL_GIVE });
}

/* Page a[1] of process a[0] moved from frame a[2] to frame a[3] of another
 * node's memory. Ignored when the page has no frame, or another than a[2],
 * or a[3] is out of range (damage). A process that migrated gets private
 * pages (as the kernel copies them); out-of-line data just mapped keeps its
 * copy-on-write bit. */
static int rec_page_move(struct trace_index *ix, uint64_t ns, const uint64_t *a)
{
	struct ti_vmbuild *v = ix->b->vm;
	uint32_t pr = ti_proc_get(ix, a[0], ns), to = frame_ok(ix, a[3]), r, pg;
	uint64_t idx;
	int ool, cow;

	if (pr == TI_NONE)
		return -1;
	locate(ix, pr, a[1], &r, &idx);
	if (!to || r == TI_NONE || (pg = page_peek(ix, r, idx)) == TI_NONE ||
	    !v->cur[pg].frame || v->cur[pg].frame != a[2] || to == a[2])
		return 0;
	ool = v->given == r + 1 && v->given_ns == ns;
	cow = ool && v->cur[pg].cow;
	if (step(ix, pg, ns, to, cow, TI_VM_MOVE) != 0)
		return -1;
	return event(ix, &(struct ti_vmev){ ns, a[1], ool ? TI_MOVE_OOL : TI_MOVE_MIGRATE, pr,
					    TI_NONE, r, (uint32_t)idx, to, (uint32_t)a[2],
					    TI_VMEV_MOVE });
}

/* A message was delivered or dropped: out-of-line data it held is no
 * longer in flight (a delivery maps it right after, at the same time). */
static int rec_msg_end(struct trace_index *ix, uint64_t ns, const uint64_t *a)
{
	uint32_t s = ti_map_get(&ix->b->vm->snapmap, a[0]);

	if (s != TI_NONE && ix->vm.snaps[s].t1 == TI_NEVER)
		ix->vm.snaps[s].t1 = ns;
	return 0;
}

/* Page a[1] of process a[0] maps frame a[2], given by the kernel with no
 * fault (an LRPC binding's A-stacks, after their vm_map), shared with the
 * other side's page, not copy-on-write. Ignored for a process no record
 * made, an address no region of it holds, a frame out of range (damage). */
static int rec_page_frame(struct trace_index *ix, uint64_t ns, const uint64_t *a)
{
	uint32_t pr = ti_map_get(&ix->b->pids, a[0]), frame = frame_ok(ix, a[2]);

	if (pr == TI_NONE || !frame)
		return 0;
	return ti_vm_step_addr(ix, pr, a[1], ns, frame, 0, TI_VM_LRPC);
}

typedef int (*vm_fn)(struct trace_index *ix, uint64_t ns, const uint64_t *a);

static const vm_fn vm_handlers[TR_KIND_COUNT] = {
	[TR_MEMORY] = rec_memory,
	[TR_VM_MAP] = rec_vm_map,
	[TR_VM_UNMAP] = rec_vm_unmap,
	[TR_VM_PROTECT] = rec_vm_protect,
	[TR_PAGE_FAULT] = rec_page_fault,
	[TR_FRAMES] = rec_frames,
	[TR_FORK] = rec_fork,
	[TR_OOL] = rec_ool,
	[TR_MSG_DELIVER] = rec_msg_end,
	[TR_MSG_DROP] = rec_msg_end,
	[TR_NODE_MEMORY] = rec_node_memory,
	[TR_PAGE_MOVE] = rec_page_move,
	[TR_SHM_NEW] = ti_shm_new,
	[TR_SHM_FRAME] = ti_shm_frame,
	[TR_SHM_MAP] = ti_shm_map,
	[TR_PAGE_FRAME] = rec_page_frame,
};

struct ti_shm **ti_vm_shm(struct trace_index *ix)
{
	return &ix->b->vm->shm;
}

uint32_t ti_vm_region_of(struct trace_index *ix, uint32_t pr, uint64_t addr)
{
	return live_find(ix, pr, addr);
}

int ti_vm_step_addr(struct trace_index *ix, uint32_t pr, uint64_t addr, uint64_t ns,
		    uint32_t frame, int cow, enum ti_vm_cause cause)
{
	uint32_t r, pg;
	uint64_t idx;

	locate(ix, pr, addr, &r, &idx);
	if (r == TI_NONE || !(frame = frame_ok(ix, frame)))
		return 0;
	if (page_get(ix, r, idx, &pg) != 0)
		return -1;
	return step(ix, pg, ns, frame, cow, cause);
}

const uint32_t *ti_vm_step_pages(const struct trace_index *ix)
{
	return ix->b->vm->step_page;
}

int ti_vm_record(struct trace_index *ix, uint64_t ns, unsigned kind, const uint64_t *a)
{
	if (kind >= TR_KIND_COUNT || !vm_handlers[kind])
		return 0;
	if (!ix->b->vm) {
		if ((kind == TR_MSG_DELIVER || kind == TR_MSG_DROP))
			return 0;                  /* no memory so far: nothing in flight */
		if (!vmb(ix))
			return -1;
		if (!ix->vm.page_size)
			set_page_size(&ix->vm, 4096);  /* until a record says otherwise */
	}
	return vm_handlers[kind](ix, ns, a);
}
