/*
 * trace_index_shm.c - shared segments in the memory replay (see
 * trace_index_vm.c): which frames a segment has, and the regions that map
 * them.
 *
 *   shm_new   seg, pid, addr ...   the segment and its maker's region (its
 *                                  vm_map came just before)
 *   shm_frame seg, page, frame     page of the segment is that frame: the
 *                                  maker's page steps to it
 *   shm_map   seg, pid, addr ...   another region maps the segment (its
 *                                  vm_map came just before): each page
 *                                  steps to the segment's frame
 *
 * The maker's region and each mapping's are marked with the segment (seg,
 * from 1 in the order made). None of them is copy-on-write. A forked
 * child's copy of a shared region keeps the frames and the mark as they
 * are (trace_index_vm.c). Segment ids come from
 * the file: a record naming a segment not made is ignored, and the frames
 * kept grow with the shm_frame records only.
 */
#include "trace_index_impl.h"

#include <stdlib.h>

struct ti_shmseg {
	uint32_t proc;          /* the maker (process index) */
	uint64_t addr;          /* its region */
	uint32_t *frame;        /* by page, as the shm_frame records said (0: not said) */
	uint32_t nframe, cap;
};

struct ti_shm {
	struct ti_map ids;      /* segment id -> index in seg */
	struct ti_shmseg *seg;
	size_t n, cap;
};

void ti_shm_free(struct ti_shm *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++)
		free(s->seg[i].frame);
	free(s->seg);
	free(s->ids.e);
	free(s);
}

static struct ti_shm *state(struct trace_index *ix)
{
	struct ti_shm **s = ti_vm_shm(ix);

	if (!*s)
		*s = calloc(1, sizeof **s);
	return *s;
}

static struct ti_shmseg *seg_of(struct trace_index *ix, uint64_t id)
{
	struct ti_shm *s = state(ix);
	uint32_t i = s ? ti_map_get(&s->ids, id) : TI_NONE;

	return i == TI_NONE ? NULL : &s->seg[i];
}

/* The region of process pr at addr maps segment seg (from 1). */
static void mark(struct trace_index *ix, uint32_t pr, uint64_t addr, uint32_t seg)
{
	uint32_t r = ti_vm_region_of(ix, pr, addr);

	if (r != TI_NONE)
		ix->vm.regs[r].seg = seg;
}

int ti_shm_new(struct trace_index *ix, uint64_t ns, const uint64_t *a)
{
	struct ti_shm *s = state(ix);
	uint32_t pr = ti_proc_get(ix, a[1], ns);

	if (!s || pr == TI_NONE)
		return -1;
	if (ti_map_get(&s->ids, a[0]) != TI_NONE)
		return 0;                      /* damage: made twice */
	if (ti_grow((void **)&s->seg, &s->cap, s->n + 1, sizeof *s->seg) != 0 ||
	    ti_map_put(&s->ids, a[0], (uint32_t)s->n) != 0)
		return -1;
	s->seg[s->n++] = (struct ti_shmseg){ pr, a[2], NULL, 0, 0 };
	mark(ix, pr, a[2], (uint32_t)s->n);
	return 0;
}

int ti_shm_frame(struct trace_index *ix, uint64_t ns, const uint64_t *a)
{
	struct ti_shmseg *g = seg_of(ix, a[0]);
	uint32_t page = (uint32_t)a[1];

	if (!g || a[1] >= TI_VM_MAX_PAGES)
		return 0;
	if (page >= g->nframe) {
		size_t cap = g->cap;
		if (ti_grow((void **)&g->frame, &cap, (size_t)page + 1, sizeof *g->frame) != 0)
			return -1;
		for (uint32_t i = g->nframe; i <= page; i++)
			g->frame[i] = 0;
		g->cap = (uint32_t)cap;
		g->nframe = page + 1;
	}
	g->frame[page] = (uint32_t)(a[2] <= TI_VM_MAX_FRAME ? a[2] : 0);
	return ti_vm_step_addr(ix, g->proc, g->addr + ((uint64_t)page << ix->vm.shift), ns,
			       g->frame[page], 0, TI_VM_SHM);
}

int ti_shm_map(struct trace_index *ix, uint64_t ns, const uint64_t *a)
{
	struct ti_shmseg *g = seg_of(ix, a[0]);
	uint32_t pr = ti_proc_get(ix, a[1], ns);

	if (pr == TI_NONE)
		return -1;
	if (g)
		mark(ix, pr, a[2], (uint32_t)(g - state(ix)->seg) + 1);
	for (uint32_t i = 0; g && i < g->nframe && i < a[3]; i++)
		if (ti_vm_step_addr(ix, pr, a[2] + ((uint64_t)i << ix->vm.shift), ns, g->frame[i], 0,
				    TI_VM_SHM) != 0)
			return -1;
	return 0;
}
