/*
 * view_mem_strip.c - the memory view's strip over the time window: a row
 * per process that has memory, with a mark at each page fault it took
 * (coloured by kind, as in the CPU view), each fork (a grey triangle) and
 * each out-of-line transfer (a teal diamond), each page moved to another
 * node's memory (an amber arrowhead pointing right); under the rows, the frames in
 * use and shared over time (from the trace's frames records); the current
 * time as a blue line, and the events just before it ringed.
 *
 * The one idea: the strip is where time is chosen - a click moves the
 * current time there, a click on a mark moves it to that event - and the
 * panels above show that moment. Marks follow the CPU view's level of
 * detail: one per pixel column and row, the latest winning.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "palette.h"
#include "view_mem.h"

/* The processes of the rows: those that have memory at some time, from
 * the first one shown (f->lane0), at most max. */
static void strip_procs(const struct vz_frame *f, struct mem_layout *L, size_t max)
{
	const struct ti_vm *vm = &f->ix->vm;
	size_t first = f->lane0 > 0 ? (size_t)f->lane0 : 0;

	L->sproc_total = vm->nprocs;
	if (first + max > vm->nprocs)
		first = vm->nprocs > max ? vm->nprocs - max : 0;
	for (size_t i = first; i < vm->nprocs && L->nsproc < max; i++)
		L->sproc[L->nsproc++] = vm->procs[i];
}

void mem_strip_layout(const struct vz_frame *f, struct vz_rect p, struct mem_layout *L)
{
	float u = draw_unit(f->d), axis_h = (float)draw_font_h(f->d, FONT_SMALL) + 14 * u;
	float chart = p.h < 560 * u ? 32 * u : 48 * u, rows, h, room;

	L->row_h = floorf(16 * u);
	/* the strip takes at most about two fifths of the plot */
	room = floorf((0.42f * p.h - 20 * u - chart - axis_h) / L->row_h);
	strip_procs(f, L, room < 1 ? 1 : room > MEM_STRIP_PROCS ? MEM_STRIP_PROCS : (size_t)room);
	rows = (float)(L->nsproc ? L->nsproc : 1);
	h = 10 * u + rows * L->row_h + 10 * u + chart + axis_h;
	vz_time_layout(f, (struct vz_rect){ p.x, p.y + p.h - h, p.w, h }, 150 * u, &L->T);
	L->rows_y = L->T.lanes.y;
	L->chart_y = L->rows_y + rows * L->row_h + 10 * u;
	L->chart_h = L->T.lanes.y + L->T.lanes.h - L->chart_y - 2 * u;
}

static int row_of(const struct mem_layout *L, uint32_t pr)
{
	for (size_t k = 0; k < L->nsproc; k++)
		if (L->sproc[k] == pr)
			return (int)k;
	return -1;
}

/* One event's mark at x in row k (hi: ringed, it just happened). */
static void mark(const struct vz_frame *f, const struct mem_layout *L, const struct ti_vmev *e,
		 float x, int k, int hi)
{
	struct draw *d = f->d;
	float u = draw_unit(d), y = L->rows_y + (float)k * L->row_h, w = fmaxf(2 * u, 1);
	float m = L->row_h / 2;
	uint32_t rgb = mem_event_colour(e->kind);

	if (e->kind == TI_VMEV_FORK) {
		draw_tri(d, x - 5 * u, y + 2 * u, x + 5 * u, y + 2 * u, x, y + L->row_h - 2 * u, rgb);
	} else if (e->kind == TI_VMEV_OOL_TAKE || e->kind == TI_VMEV_OOL_GIVE) {
		draw_tri(d, x - 4 * u, y + m, x, y + 2 * u, x + 4 * u, y + m, rgb);
		draw_tri(d, x - 4 * u, y + m, x + 4 * u, y + m, x, y + L->row_h - 2 * u, rgb);
	} else if (e->kind == TI_VMEV_MOVE) {
		draw_tri(d, x - 3 * u, y + 2 * u, x + 5 * u, y + m, x - 3 * u, y + L->row_h - 2 * u, rgb);
	} else {
		draw_fill(d, x, y + 2 * u, w, L->row_h - 4 * u, rgb);
	}
	if (hi)
		draw_frame(d, x - 5 * u, y, 10 * u + w, L->row_h, PAL_ACCENT);
}

static void draw_marks(const struct vz_frame *f, const struct mem_layout *L)
{
	const struct ti_vm *vm = &f->ix->vm;
	float u = draw_unit(f->d), w = fmaxf(2 * u, 1), last[MEM_STRIP_PROCS];

	for (size_t k = 0; k < MEM_STRIP_PROCS; k++)
		last[k] = -1e9f;
	for (size_t i = trace_index_vm_events_from(f->ix, f->from); i < vm->nevs && vm->evs[i].ns <= f->to;
	     i++) {
		const struct ti_vmev *e = &vm->evs[i];
		int k = row_of(L, e->proc);
		float x;
		if (k < 0)
			continue;
		x = floorf((float)timemap_x(&L->T.tm, e->ns));
		if (x < last[k] + w && e->ns != L->just_ns)
			continue;
		last[k] = x;
		mark(f, L, e, x, k, e->ns == L->just_ns);
	}
}

static float chart_y(const struct mem_layout *L, uint32_t v, uint32_t max)
{
	return L->chart_y + L->chart_h - L->chart_h * (float)v / (float)max;
}

/* The chart's pen: where it is, the counts there, and the pixel column
 * being summed (several changes within one pixel make one vertical bar). */
struct pen {
	float x;                  /* px: drawn up to here */
	uint32_t used, shared, max;
	int open;                 /* a column is being summed */
	float col;
	uint32_t umin, umax, smin, smax;
};

/* Constant counts from p->x to x: the area under in use, and both lines. */
static void chart_span(const struct vz_frame *f, const struct mem_layout *L, struct pen *p, float x)
{
	float u = draw_unit(f->d), yu = chart_y(L, p->used, p->max), ys = chart_y(L, p->shared, p->max);

	if (x <= p->x)
		return;
	draw_fill(f->d, p->x, yu, x - p->x, L->chart_y + L->chart_h - yu, 0xe4e8ec);
	draw_thick(f->d, p->x, yu, x, yu, 2 * u, MEM_USED_RGB);
	draw_thick(f->d, p->x, ys, x, ys, 2 * u, MEM_SHARED_RGB);
	p->x = x;
}

/* Close the summed column: a bar from the least to the most of each count. */
static void chart_column(const struct vz_frame *f, const struct mem_layout *L, struct pen *p)
{
	float w = fmaxf(2 * draw_unit(f->d), 1), ytop = chart_y(L, p->umax, p->max);

	draw_fill(f->d, p->col, ytop, w, L->chart_y + L->chart_h - ytop, 0xe4e8ec);
	draw_fill(f->d, p->col, ytop, w, chart_y(L, p->umin, p->max) - ytop + w, MEM_USED_RGB);
	ytop = chart_y(L, p->smax, p->max);
	draw_fill(f->d, p->col, ytop, w, chart_y(L, p->smin, p->max) - ytop + w, MEM_SHARED_RGB);
	p->open = 0;
	p->x = p->col + 1;
}

/* The counts change to (used, shared) at x. */
static void chart_step(const struct vz_frame *f, const struct mem_layout *L, struct pen *p, float x,
		       uint32_t used, uint32_t shared)
{
	if (p->open && x != p->col)
		chart_column(f, L, p);
	if (!p->open) {
		chart_span(f, L, p, x);
		p->open = 1;
		p->col = x;
		p->umin = p->umax = p->used;
		p->smin = p->smax = p->shared;
	}
	p->used = used;
	p->shared = shared;
	p->umin = used < p->umin ? used : p->umin;
	p->umax = used > p->umax ? used : p->umax;
	p->smin = shared < p->smin ? shared : p->smin;
	p->smax = shared > p->smax ? shared : p->smax;
}

/* The frames in use (a filled area and a line) and shared (a line), as the
 * frames records give them, from the window's start to the run's end; a
 * pixel column with several changes is one bar from the least to the most,
 * so the cost follows the pixels, not the records. */
static void draw_chart(const struct vz_frame *f, const struct mem_layout *L)
{
	const struct ti_vm *vm = &f->ix->vm;
	struct pen p = { floorf(L->T.lanes.x), 0, 0, vm->maxused ? vm->maxused : 1, 0, 0, 0, 0, 0, 0 };
	float xend = floorf((float)fmin(timemap_x(&L->T.tm, f->ix->end_ns), L->T.lanes.x + L->T.lanes.w));
	size_t lo = 0, hi = vm->ncounts;

	if (!vm->ncounts)
		return;
	while (lo < hi) {                      /* the first count after the window's start */
		size_t mid = lo + (hi - lo) / 2;
		if (vm->counts[mid].ns <= f->from)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo) {
		p.used = vm->counts[lo - 1].used;
		p.shared = vm->counts[lo - 1].shared;
	}
	for (size_t i = lo; i < vm->ncounts && vm->counts[i].ns <= f->to; i++)
		chart_step(f, L, &p, fminf(floorf((float)timemap_x(&L->T.tm, vm->counts[i].ns)), xend),
			   vm->counts[i].used, vm->counts[i].shared);
	if (p.open)
		chart_column(f, L, &p);
	chart_span(f, L, &p, xend);
	draw_line(f->d, L->T.lanes.x, L->chart_y + L->chart_h, L->T.lanes.x + L->T.lanes.w,
		  L->chart_y + L->chart_h, PAL_BORDER);
}

static void draw_gutter(const struct vz_frame *f, const struct mem_layout *L)
{
	struct draw *d = f->d;
	float u = draw_unit(d), sh = (float)draw_font_h(d, FONT_SMALL), x = L->T.gutter.x + 12 * u;
	char buf[64];

	for (size_t k = 0; k < L->nsproc; k++) {
		float y = L->rows_y + (float)k * L->row_h;
		if (k % 2)
			draw_fill(d, L->T.gutter.x, y, L->T.lanes.x + L->T.lanes.w - L->T.gutter.x, L->row_h,
				  PAL_PANEL);
		draw_fill(d, x, y + (L->row_h - 8 * u) / 2, 8 * u, 8 * u, pal_proc(f->ix, L->sproc[k]));
		draw_text_fit(d, FONT_SMALL, x + 12 * u, y + (L->row_h - sh) / 2, PAL_DIM, ALIGN_LEFT,
			      vz_proc_name(f->ix, L->sproc[k]), L->T.lanes.x - 6 * u - (x + 12 * u));
	}
	if (L->nsproc < L->sproc_total) {
		snprintf(buf, sizeof buf, "%zu of %zu processes", L->nsproc, L->sproc_total);
		draw_text(d, FONT_SMALL, x, L->rows_y - sh - 2 * u, PAL_FAINT, ALIGN_LEFT, buf);
	}
	draw_text(d, FONT_BOLD, x, L->chart_y, PAL_TEXT, ALIGN_LEFT, "frames");
	snprintf(buf, sizeof buf, "0 to %u", f->ix->vm.maxused);
	draw_text(d, FONT_SMALL, x, L->chart_y + (float)draw_font_h(d, FONT_BOLD), PAL_FAINT,
		  ALIGN_LEFT, buf);
}

void mem_strip_draw(const struct vz_frame *f, const struct mem_layout *L)
{
	struct draw *d = f->d;
	const struct vz_rect *r = &L->T.lanes;
	float u = draw_unit(d), x = 0;

	draw_line(d, 0, L->T.gutter.y - 4 * u, L->T.lanes.x + L->T.lanes.w + 20 * u,
		  L->T.gutter.y - 4 * u, PAL_BORDER);
	draw_gutter(f, L);
	draw_clip(d, (int)r->x, (int)r->y, (int)ceilf(r->w), (int)ceilf(r->h));
	timemap_draw_grid(d, &L->T.tm, r->y, r->y + r->h);
	draw_chart(f, L);
	draw_marks(f, L);
	if (f->now >= f->from && f->now <= f->to) {
		x = (float)(int)timemap_x(&L->T.tm, f->now) + 0.5f;
		draw_thick(d, x, r->y, x, r->y + r->h, 2 * u, PAL_ACCENT);
	}
	draw_noclip(d);
	if (f->now >= f->from && f->now <= f->to)
		draw_tri(d, x, r->y + 3 * u, x - 6 * u, r->y - 6 * u, x + 6 * u, r->y - 6 * u, PAL_ACCENT);
	timemap_draw_axis(d, &L->T.tm, L->T.axis_y, L->T.gutter.x + 12 * u);
}

/* The event of row k nearest to x, within a few pixels: its index, or -1. */
static long event_near(const struct vz_frame *f, const struct mem_layout *L, size_t k, float x)
{
	const struct ti_vm *vm = &f->ix->vm;
	float u = draw_unit(f->d), best = 6 * u;
	long found = -1;

	for (size_t i = trace_index_vm_events_from(f->ix, timemap_t(&L->T.tm, x - 6 * u));
	     i < vm->nevs && vm->evs[i].ns <= timemap_t(&L->T.tm, x + 6 * u); i++) {
		float dx = fabsf((float)timemap_x(&L->T.tm, vm->evs[i].ns) - x);
		if (vm->evs[i].proc == L->sproc[k] && dx <= best) {
			best = dx;
			found = (long)i;
		}
	}
	return found;
}

int mem_strip_pick(const struct vz_frame *f, const struct mem_layout *L, float x, float y,
		   struct vz_pick *pk)
{
	const struct vz_rect *r = &L->T.lanes;
	long e;

	if (vz_pick_axis(&L->T, x, y, pk))
		return 1;
	if (x < r->x || x > r->x + r->w || y < r->y || y > r->y + r->h)
		return 0;
	if (y < L->rows_y + (float)L->nsproc * L->row_h) {
		size_t k = (size_t)((y - L->rows_y) / L->row_h);
		if (k < L->nsproc && (e = event_near(f, L, k, x)) >= 0) {
			*pk = (struct vz_pick){ PICK_VMEV, (size_t)e, f->ix->vm.evs[e].ns };
			return 1;
		}
	}
	*pk = (struct vz_pick){ PICK_TIME, 0, timemap_t(&L->T.tm, x) };
	return 1;
}
