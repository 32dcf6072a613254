/*
 * view_mem_space.c - the memory view's address spaces at the current time:
 * for each process that has memory then, its regions (text, heap, stack,
 * out-of-line data received) in address order, each a row of cells, one
 * per page: blank when the page has no frame, else in its process's
 * colour, with a dark edge when its frame is shared (copy-on-write with
 * another page, or held by a message in flight too).
 *
 * The one idea: a dark edge means shared in both panels, so the eye goes
 * from a page to its frame in the grid, where the sharers' colours split
 * the cell; the selected frame's pages and the selected page's frame are
 * ringed together. A region of more pages than
 * MEM_REGION_LINES rows hold groups pages into cells (faded by how many
 * have a frame). Up and Down scroll the processes.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "palette.h"
#include "view_mem.h"

static const char *const kind_name[] = { "region", "text", "heap", "stack", "shared" };

/* A region mapped at the current time. */
struct live_reg {
	uint32_t proc, reg;
	uint64_t start;
};

static int live_cmp(const void *a, const void *b)
{
	const struct live_reg *x = a, *y = b;

	if (x->proc != y->proc)
		return x->proc < y->proc ? -1 : 1;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->reg < y->reg ? -1 : x->reg > y->reg;
}

/* The regions mapped at t, by process and address; *n gets how many.
 * NULL when there are none or memory runs out. */
static struct live_reg *live_regions(const struct trace_index *ix, uint64_t t, size_t *n)
{
	const struct ti_vm *vm = &ix->vm;
	size_t r0 = trace_index_vm_regions_from(ix, t), k = 0;
	struct live_reg *lr;

	*n = 0;
	if (r0 >= vm->nregs || !(lr = malloc((vm->nregs - r0) * sizeof *lr)))
		return NULL;
	for (size_t r = r0; r < vm->nregs && vm->regs[r].map_ns <= t; r++)
		if (vm->regs[r].unmap_ns > t)
			lr[k++] = (struct live_reg){ vm->regs[r].proc, (uint32_t)r, vm->regs[r].start };
	qsort(lr, k, sizeof *lr, live_cmp);
	*n = k;
	return lr;
}

/* Place region reg at y: its row, or 0 when it does not fit above bottom. */
static int place_row(const struct vz_frame *f, struct mem_layout *L, uint32_t reg, float y,
		     float bottom)
{
	float u = draw_unit(f->d), x = L->space_area.x + 168 * u;
	float w = L->space_area.x + L->space_area.w - x, sh = (float)draw_font_h(f->d, FONT_SMALL);
	uint64_t np = f->ix->vm.regs[reg].npages, per_row = (uint64_t)fmaxf(1, floorf(w / L->page_pitch));
	uint64_t per_cell = 1, ncells, lines;
	struct mem_row *row = &L->row[L->nrows];

	if (np > TI_VM_MAX_PAGES)
		np = TI_VM_MAX_PAGES;
	if (np > MEM_REGION_LINES * per_row)
		per_cell = (np + MEM_REGION_LINES * per_row - 1) / (MEM_REGION_LINES * per_row);
	ncells = (np + per_cell - 1) / per_cell;
	lines = (ncells + per_row - 1) / per_row;
	*row = (struct mem_row){ reg, x, y + u, (float)per_row * L->page_pitch,
				 fmaxf(sh + 2 * u, (float)lines * L->page_pitch) + 4 * u,
				 (uint32_t)per_row, (uint32_t)ncells, per_cell };
	if (y + row->h > bottom || L->nrows >= MEM_ROWS)
		return 0;
	L->nrows++;
	return 1;
}

void mem_spaces_layout(const struct vz_frame *f, struct mem_layout *L)
{
	struct draw *d = f->d;
	float u = draw_unit(d), bh = (float)draw_font_h(d, FONT_BOLD);
	float y = L->space_area.y + bh + 10 * u;
	float bottom = L->space_area.y + L->space_area.h - (float)draw_font_h(d, FONT_SMALL) - 4 * u;
	size_t n, skip = 0;
	struct live_reg *lr = live_regions(f->ix, f->now, &n);

	L->page_pitch = floorf(10 * u);
	L->page_cell = L->page_pitch - 1;
	for (size_t i = 0; i < n; i++)
		L->spaces_total += i == 0 || lr[i].proc != lr[i - 1].proc;
	for (size_t i = 0, j; i < n; i = j) {
		struct mem_space *sp = &L->space[L->nspaces];
		for (j = i; j < n && lr[j].proc == lr[i].proc; j++)
			;
		if (skip++ < (size_t)(f->lane0 > 0 ? f->lane0 : 0) && skip < L->spaces_total)
			continue;
		if (L->nspaces == MEM_SPACES)
			break;
		*sp = (struct mem_space){ lr[i].proc, y, L->nrows, 0 };
		y += bh + 4 * u;
		for (size_t k = i; k < j && place_row(f, L, lr[k].reg, y, bottom); k++) {
			y += L->row[L->nrows - 1].h;
			sp->n++;
		}
		if (!sp->n)
			break;
		L->nspaces++;
		y += 8 * u;
		if (sp->n < j - i)
			break;
	}
	free(lr);
}

/* ---- drawing ---- */

/* The state of the pages [first, first + k) of region reg at the current
 * time: the frame use the cell shows (the first page with a frame), how
 * many have one (returned) and how many a shared one (added to *nshared).
 * *cur walks the region's pages (by number) from one cell to the next. */
static uint64_t pages_use(const struct vz_frame *f, const struct mem_layout *L, uint32_t reg,
			  uint64_t first, uint64_t k, size_t *cur, struct ti_frame_use *out,
			  uint32_t *frame, uint64_t *nshared)
{
	const struct ti_vmreg *g = &f->ix->vm.regs[reg];
	uint64_t resident = 0;
	int shared = 0;

	memset(out, 0, sizeof *out);
	*frame = 0;
	for (; L->use && *cur < g->page_first + g->page_count; ++*cur) {
		size_t p = *cur;
		const struct ti_vmstep *st;
		uint32_t idx = f->ix->vm.pages[p].idx;
		if (idx >= first + k)
			break;
		if (idx < first)
			continue;
		if (!(st = trace_index_vm_step_at(f->ix, p, f->now)) || st->frame > f->ix->vm.maxframe)
			continue;
		resident++;
		if (L->use[st->frame].maps + L->use[st->frame].held > 1) {
			shared = 1;
			++*nshared;
		}
		if (!*frame) {
			*frame = st->frame;
			*out = L->use[st->frame];
		}
	}
	if (shared && out->maps + out->held < 2)
		out->held++;
	return resident;
}

static int page_ringed(const struct vz_frame *f, const struct mem_layout *L, uint32_t reg,
		       uint64_t first, uint64_t k, uint32_t frame, uint32_t *rgb)
{
	const struct ti_vm *vm = &f->ix->vm;

	if (f->sel.kind == PICK_PAGE && f->sel.i == reg && f->sel.t >= first && f->sel.t < first + k) {
		*rgb = PAL_SELECT;
		return 1;
	}
	if (f->sel.kind == PICK_FRAME && frame && f->sel.i == frame) {
		*rgb = PAL_SELECT;
		return 1;
	}
	for (size_t i = L->just_first; L->just_ns != TI_NEVER && i < L->just_first + L->just_n; i++)
		if (vm->evs[i].reg == reg && vm->evs[i].page >= first && vm->evs[i].page < first + k &&
		    vm->evs[i].kind <= TI_VMEV_COW_REUSE) {
			*rgb = PAL_ACCENT;
			return 1;
		}
	return 0;
}

/* Region row's cells; adds its pages, those with a frame and those with
 * a shared one to n[0], n[1], n[2]. */
static void draw_row(const struct vz_frame *f, const struct mem_layout *L,
		     const struct mem_row *row, uint64_t n[3])
{
	struct draw *d = f->d;
	const struct ti_vmreg *g = &f->ix->vm.regs[row->reg];
	float u = draw_unit(d), s = L->page_cell;
	uint64_t np = g->npages < TI_VM_MAX_PAGES ? g->npages : TI_VM_MAX_PAGES;
	size_t cur = g->page_first;
	char label[64];

	snprintf(label, sizeof label, "%s 0x%llx",
		 g->flow ? "received" : kind_name[g->kind < 5 ? g->kind : 0], (unsigned long long)g->start);
	draw_text(d, FONT_SMALL, L->space_area.x + 20 * u, row->y - u, PAL_DIM, ALIGN_LEFT, label);
	for (uint32_t c = 0; c < row->ncells; c++) {
		float x = row->x + (float)(c % row->per_row) * L->page_pitch;
		float y = row->y + (float)(c / row->per_row) * L->page_pitch;
		uint64_t first = (uint64_t)c * row->per_cell;
		uint64_t k = first + row->per_cell > np ? np - first : row->per_cell;
		struct ti_frame_use use;
		uint32_t frame, rgb;
		uint64_t res = pages_use(f, L, row->reg, first, k, &cur, &use, &frame, &n[2]);
		n[0] += k;
		n[1] += res;
		if (!res) {
			draw_fill(d, x, y, s, s, PAL_BG);
			draw_frame(d, x, y, s, s, PAL_BORDER);
		} else {
			draw_fill(d, x, y, s, s, res < k ? pal_mix(pal_proc(f->ix, g->proc), PAL_BG,
				  0.8f * (float)(k - res) / (float)k) : pal_proc(f->ix, g->proc));
			if (use.maps + use.held > 1)
				draw_frame(d, x, y, s, s, MEM_SHARED_EDGE);
		}
		if (page_ringed(f, L, row->reg, first, k, frame, &rgb)) {
			draw_frame(d, x - 2 * u, y - 2 * u, s + 4 * u, s + 4 * u, rgb);
			draw_frame(d, x - u, y - u, s + 2 * u, s + 2 * u, rgb);
		}
	}
	if (row->ncells % row->per_row && row->ncells % row->per_row < row->per_row - 8) {
		if (row->per_cell > 1)
			snprintf(label, sizeof label, "%llu pages, %llu a cell", (unsigned long long)np,
				 (unsigned long long)row->per_cell);
		else
			snprintf(label, sizeof label, "%llu page%s", (unsigned long long)np,
				 np == 1 ? "" : "s");
		draw_text(d, FONT_SMALL, row->x + (float)(row->ncells % row->per_row) * L->page_pitch + 6 * u,
			  row->y + (float)(row->ncells / row->per_row) * L->page_pitch +
			  (s - (float)draw_font_h(d, FONT_SMALL)) / 2, PAL_FAINT, ALIGN_LEFT, label);
	}
}

static void draw_space(const struct vz_frame *f, const struct mem_layout *L,
		       const struct mem_space *sp)
{
	struct draw *d = f->d;
	float u = draw_unit(d), x = L->space_area.x, bh = (float)draw_font_h(d, FONT_BOLD);
	float right = L->space_area.x + L->space_area.w;
	uint64_t n[3] = { 0, 0, 0 };
	char buf[128], pid[32];

	for (size_t r = sp->first; r < sp->first + sp->n; r++)
		draw_row(f, L, &L->row[r], n);
	draw_fill(d, x, sp->y + 2 * u, 12 * u, bh - 4 * u, pal_proc(f->ix, sp->proc));
	x += 20 * u;
	/* the name, cut short where it would leave no room for the pid after it */
	snprintf(pid, sizeof pid, "  pid %llu", (unsigned long long)f->ix->procs[sp->proc].pid);
	x += (float)draw_text_fit(d, FONT_BOLD, x, sp->y, f->sel.kind == PICK_PROC &&
				  f->sel.i == sp->proc ? PAL_SELECT : PAL_TEXT, ALIGN_LEFT,
				  vz_proc_name(f->ix, sp->proc),
				  right - x - (float)draw_text_w(d, FONT_SMALL, pid));
	snprintf(buf, sizeof buf, "%s · %llu pages, %llu with a frame, %llu of them shared", pid,
		 (unsigned long long)n[0], (unsigned long long)n[1], (unsigned long long)n[2]);
	draw_text_fit(d, FONT_SMALL, x, sp->y + bh - (float)draw_font_h(d, FONT_SMALL) - u,
		      PAL_FAINT, ALIGN_LEFT, buf, right - x);
}

void mem_spaces_draw(const struct vz_frame *f, const struct mem_layout *L)
{
	struct draw *d = f->d;
	const struct vz_rect *a = &L->space_area;
	float u = draw_unit(d);
	char at[32], buf[96];

	fmt_dur(f->now, at, sizeof at);
	snprintf(buf, sizeof buf, "Address spaces at %s", at);
	draw_text(d, FONT_BOLD, a->x, a->y, PAL_TEXT, ALIGN_LEFT, buf);
	draw_line(d, a->x - 12 * u, a->y, a->x - 12 * u, a->y + a->h, PAL_BORDER);
	if (!L->spaces_total) {
		draw_text(d, FONT_SMALL, a->x, a->y + (float)draw_font_h(d, FONT_BOLD) + 10 * u,
			  PAL_FAINT, ALIGN_LEFT, "no process has memory at this time");
		return;
	}
	draw_clip(d, (int)(a->x - 4 * u), (int)a->y, (int)(a->w + 8 * u), (int)a->h);
	for (size_t i = 0; i < L->nspaces; i++)
		draw_space(f, L, &L->space[i]);
	draw_noclip(d);
	if (L->nspaces < L->spaces_total) {
		snprintf(buf, sizeof buf, "%zu of %zu processes shown%s", L->nspaces,
			 L->spaces_total, f->interactive ? " (Up, Down: scroll)" : "");
		draw_text(d, FONT_SMALL, a->x, a->y + a->h - (float)draw_font_h(d, FONT_SMALL), PAL_FAINT,
			  ALIGN_LEFT, buf);
	}
}

int mem_spaces_pick(const struct vz_frame *f, const struct mem_layout *L, float x, float y,
		    struct vz_pick *pk)
{
	float bh = (float)draw_font_h(f->d, FONT_BOLD);

	for (size_t i = 0; i < L->nspaces; i++) {
		const struct mem_space *sp = &L->space[i];
		if (y >= sp->y && y < sp->y + bh) {
			*pk = (struct vz_pick){ PICK_PROC, sp->proc, 0 };
			return 1;
		}
	}
	for (size_t r = 0; r < L->nrows; r++) {
		const struct mem_row *row = &L->row[r];
		uint32_t c;
		if (x < row->x || x >= row->x + row->w || y < row->y || y >= row->y + row->h)
			continue;
		c = (uint32_t)((y - row->y) / L->page_pitch) * row->per_row +
		    (uint32_t)((x - row->x) / L->page_pitch);
		if (c >= row->ncells)
			return 0;
		*pk = (struct vz_pick){ PICK_PAGE, row->reg, (uint64_t)c * row->per_cell };
		return 1;
	}
	return 0;
}
