/*
 * view_cpu.c - the CPU view: a Gantt chart with a row per CPU and a bar for
 * every stretch a kernel thread ran on it, coloured by its process (later
 * threads of a process lighter), named when the bar is wide enough; under
 * it the scheduling chart of the textbooks, a row per thread: when it ran,
 * when it was ready and waited for a CPU, when it was blocked, and a tick
 * at each page fault it took, coloured by its kind.
 *
 * The one idea: the same level of detail as the sequence view. A run wider
 * than a pixel is drawn as it is; narrower ones are summed per pixel column,
 * and the column shows the thread that ran longest in it, faded by how
 * little of the column was busy - so a busy stretch of tiny slices looks
 * busy, and an almost idle one looks almost white.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "bands.h"
#include "palette.h"
#include "view.h"

enum { CPU_PER_COLUMN = 24, CPU_LEGEND_THREADS = 20 };

struct cpu_layout {
	struct vz_time_layout T;
	float row_h, bar_h;       /* CPU rows, px */
	float th_y, th_h;         /* the thread rows: top of the first one, height */
	size_t th_first, th_shown;    /* threads shown */
};

/* Sub-pixel runs of one column: how much was busy, and by whom the most;
 * the stretch looked at when the column was too crowded to see it all. */
struct col {
	float busy, best;         /* px */
	float x0, x1;             /* the runs looked at span x0 .. x1 */
	uint32_t th;
	int sampled;              /* the rest of the column was skipped */
};

static void cpu_layout(const struct vz_frame *f, struct vz_rect p, struct cpu_layout *C)
{
	float u = draw_unit(f->d), head = (float)draw_font_h(f->d, FONT_BOLD) + 14 * u, rest;
	size_t n = f->ix->ncpus ? f->ix->ncpus : 1, nth = f->ix->nthreads, fit;

	vz_time_layout(f, p, 150 * u, &C->T);
	C->row_h = fminf(fmaxf(C->T.lanes.h / (float)(n + nth + 2), 22 * u), 56 * u);
	C->bar_h = C->row_h * 0.66f;
	C->th_y = C->T.lanes.y + (float)n * C->row_h + head;
	rest = C->T.lanes.y + C->T.lanes.h - C->th_y;
	C->th_h = nth ? fminf(fmaxf(rest / (float)nth, 14 * u), 36 * u) : 0;
	fit = C->th_h > 0 && rest > 0 ? (size_t)(rest / C->th_h) : 0;
	C->th_first = f->lane0 > 0 ? (size_t)f->lane0 : 0;
	if (nth > fit && C->th_first > nth - fit)
		C->th_first = nth - fit;
	if (nth <= fit)
		C->th_first = 0;
	C->th_shown = nth - C->th_first < fit ? nth - C->th_first : fit;
	C->T.lanes.h = C->th_y + (float)C->th_shown * C->th_h - C->T.lanes.y;
	C->T.gutter.h = C->T.lanes.h + (C->T.lanes.y - C->T.gutter.y);
	C->T.axis_y = C->T.lanes.y + C->T.lanes.h + 1;
}

static float row_top(const struct cpu_layout *C, size_t c)
{
	return C->T.lanes.y + (float)c * C->row_h + (C->row_h - C->bar_h) / 2;
}

/* Run r's bar from xa to xb; its label starts inside the plot (left). */
static void draw_run(const struct vz_frame *f, const struct ti_run *r, float xa, float xb,
		     float top, float h, float left)
{
	struct draw *d = f->d;
	uint32_t rgb = pal_thread(f->ix, r->thread);
	const char *name = vz_thread_name(f->ix, r->thread);
	float u = draw_unit(d), w = xb - xa;

	draw_fill(d, xa, top, w, h, rgb);
	if (w >= 4)
		draw_frame(d, xa, top, w, h, pal_mix(rgb, PAL_TEXT, 0.3f));
	if (xb - fmaxf(xa, left) > (float)draw_text_w(d, FONT_SMALL, name) + 8 * u &&
	    h >= (float)draw_font_h(d, FONT_SMALL))
		draw_text(d, FONT_SMALL, fmaxf(xa, left) + 4 * u,
			  top + (h - (float)draw_font_h(d, FONT_SMALL)) / 2, PAL_TEXT, ALIGN_LEFT, name);
}

static void flush_cols(const struct vz_frame *f, struct col *cols, int ncols, float x0, float top,
		       float h)
{
	for (int k = 0; k < ncols; k++) {
		struct col *c = &cols[k];
		float span = c->sampled ? c->x1 - c->x0 : 1, busy = span > 0 ? c->busy / span : 0;
		if (c->busy > 0) {
			busy = fminf(busy, 1);
			draw_fill(f->d, x0 + (float)k, top, 1, h,
				  pal_mix(PAL_BG, pal_thread(f->ix, c->th), 0.25f + 0.75f * busy));
		}
		*c = (struct col){ 0, 0, 0, 0, 0, 0 };
	}
}

/* The first run in [i, end) that ends after t, searched forward from i by
 * doubling steps, then by halving (the next column is usually near). */
static size_t gallop(const struct ti_run *r, size_t i, size_t end, uint64_t t)
{
	size_t step = 1, lo = i, hi;

	while (i + step < end && r[i + step].t1 <= t) {
		lo = i + step;
		step *= 2;
	}
	hi = i + step < end ? i + step + 1 : end;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (r[mid].t1 <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void draw_cpu(const struct vz_frame *f, const struct cpu_layout *C, uint32_t c,
		     struct col *cols, int ncols)
{
	const struct trace_index *ix = f->ix;
	const struct timemap *tm = &C->T.tm;
	size_t i = trace_index_runs_from(ix, c, f->from);
	size_t end = ix->cpus[c].run_first + ix->cpus[c].run_count;
	float top = row_top(C, c), x0 = (float)tm->x0;
	int col_seen = -1, in_col = 0;

	while (i < end && ix->runs[i].t0 < f->to) {
		const struct ti_run *r = &ix->runs[i++];
		double xa = fmax(timemap_x(tm, r->t0), tm->x0 - 2);
		double xb = fmin(timemap_x(tm, r->t1), tm->x1 + 2);
		if (xb - xa >= 1.5) {
			draw_run(f, r, (float)floor(xa), (float)ceil(xb), top, C->bar_h, x0);
			continue;
		}
		int k = (int)(xa - x0);
		struct col *cl = k >= 0 && k < ncols ? &cols[k] : NULL;
		if (cl && !cl->sampled) {                /* (after a skip: the rest is unseen) */
			if (cl->busy == 0)
				cl->x0 = (float)xa;
			cl->x1 = (float)xb;
			cl->busy += (float)(xb - xa);
			if ((float)(xb - xa) > cl->best) {
				cl->best = (float)(xb - xa);
				cl->th = r->thread;
			}
		}
		in_col = k == col_seen ? in_col + 1 : 0;
		col_seen = k;
		if (in_col >= CPU_PER_COLUMN) {         /* skip the rest of this column */
			i = gallop(ix->runs, i, end, timemap_t(tm, x0 + (float)k + 1));
			if (cl)
				cl->sampled = 1;
		}
	}
	flush_cols(f, cols, ncols, x0, top, C->bar_h);
}

static void draw_selected_run(const struct vz_frame *f, const struct cpu_layout *C)
{
	const struct ti_run *r = &f->ix->runs[f->sel.i];
	size_t c = 0;
	float xa, xb;

	while (c + 1 < f->ix->ncpus && f->ix->cpus[c + 1].run_first <= f->sel.i)
		c++;
	xa = floorf((float)fmax(timemap_x(&C->T.tm, r->t0), C->T.tm.x0 - 3));
	xb = ceilf((float)fmin(timemap_x(&C->T.tm, r->t1), C->T.tm.x1 + 3));
	draw_frame(f->d, xa - 2, row_top(C, c) - 2, xb - xa + 4, C->bar_h + 4, PAL_SELECT);
	draw_frame(f->d, xa - 1, row_top(C, c) - 1, xb - xa + 2, C->bar_h + 2, PAL_SELECT);
}

/* ---- thread rows: running in the thread's colour, ready amber, blocked a line ---- */

enum { TH_RUN, TH_READY, TH_BLOCKED };

static int th_cat(const struct trace_index *ix, uint32_t th, const struct ti_interval *iv)
{
	(void)ix, (void)th;
	return iv->state == TI_RUNNING ? TH_RUN : iv->state == TI_READY ? TH_READY : TH_BLOCKED;
}

static uint32_t th_colour(const struct trace_index *ix, uint32_t th, int cat)
{
	return cat == TH_RUN ? pal_thread(ix, th) : cat == TH_READY ? pal_cat_colour(CAT_READY)
								    : PAL_BORDER;
}

static const float th_heights[BANDS_CATS] = { [TH_RUN] = 1, [TH_READY] = 0.6f,
					      [TH_BLOCKED] = 0.14f };
static const struct bands_style th_bands = { th_cat, th_colour, th_heights };

static void draw_threads(const struct vz_frame *f, const struct cpu_layout *C)
{
	struct bands *b = bands_new((int)ceilf(C->T.lanes.w) + 2);
	float u = draw_unit(f->d);

	for (size_t k = 0; b && k < C->th_shown; k++) {
		uint32_t th = (uint32_t)(C->th_first + k);
		float y = C->th_y + (float)k * C->th_h;
		if (k % 2)
			draw_fill(f->d, C->T.lanes.x, y, C->T.lanes.w, C->th_h, PAL_PANEL);
		bands_draw(f, &C->T.tm, b, th, y + 3 * u, C->th_h - 6 * u, &th_bands);
	}
	bands_free(b);
}

/* A tick at the top of a thread's row for each page fault it took; one per
 * pixel column and row, the latest fault's colour winning. */
static void draw_page_faults(const struct vz_frame *f, const struct cpu_layout *C)
{
	const struct trace_index *ix = f->ix;
	float u = draw_unit(f->d), w = fmaxf(2 * u, 1), *last;
	size_t i = trace_index_pfaults_from(ix, f->from);

	if (!ix->npfaults || !C->th_shown || !(last = malloc(C->th_shown * sizeof *last)))
		return;
	for (size_t k = 0; k < C->th_shown; k++)
		last[k] = -1e9f;
	for (; i < ix->npfaults && ix->pfaults[i].ns <= f->to; i++) {
		const struct ti_pfault *pf = &ix->pfaults[i];
		size_t k = pf->thread - C->th_first;
		float x;
		if (pf->thread < C->th_first || k >= C->th_shown)
			continue;
		x = floorf((float)timemap_x(&C->T.tm, pf->ns));
		if (x < last[k] + w)
			continue;
		last[k] = x;
		draw_fill(f->d, x, C->th_y + (float)k * C->th_h + u, w, C->th_h * 0.45f,
			  pal_fault(pf->kind));
	}
	free(last);
}

static void draw_thread_names(const struct vz_frame *f, const struct cpu_layout *C)
{
	struct draw *d = f->d;
	float u = draw_unit(d), sh = (float)draw_font_h(d, FONT_SMALL);
	char more[64];

	draw_text(d, FONT_BOLD, C->T.gutter.x + 12 * u, C->th_y - (float)draw_font_h(d, FONT_BOLD) -
		  4 * u, PAL_TEXT, ALIGN_LEFT, "threads");
	draw_text(d, FONT_SMALL, C->T.lanes.x, C->th_y - sh - 5 * u, PAL_FAINT, ALIGN_LEFT,
		  f->ix->npfaults ? "running · ready (waiting for a CPU) · blocked · ticks: page faults"
				  : "running · ready (waiting for a CPU) · blocked");
	for (size_t k = 0; k < C->th_shown; k++) {
		uint32_t th = (uint32_t)(C->th_first + k);
		float y = C->th_y + (float)k * C->th_h + (C->th_h - sh) / 2;
		if (k % 2)
			draw_fill(d, C->T.gutter.x, y - (C->th_h - sh) / 2, C->T.gutter.w, C->th_h,
				  PAL_PANEL);
		draw_fill(d, C->T.gutter.x + 12 * u, y + 2 * u, 8 * u, sh - 4 * u, pal_thread(f->ix, th));
		draw_text(d, FONT_SMALL, C->T.gutter.x + 24 * u, y, PAL_DIM, ALIGN_LEFT,
			  vz_thread_name(f->ix, th));
	}
	if (C->th_shown < f->ix->nthreads) {
		snprintf(more, sizeof more, "threads %zu–%zu of %zu", C->th_first + 1,
			 C->th_first + C->th_shown, f->ix->nthreads);
		draw_text(d, FONT_SMALL, C->T.gutter.x + 12 * u, C->T.axis_y + 20 * u, PAL_FAINT,
			  ALIGN_LEFT, more);
	}
}

static void draw_gutter(const struct vz_frame *f, const struct cpu_layout *C)
{
	struct draw *d = f->d;
	float u = draw_unit(d), bh = (float)draw_font_h(d, FONT_BOLD);
	float sh = (float)draw_font_h(d, FONT_SMALL);
	char name[32], busy[48];

	for (size_t c = 0; c < f->ix->ncpus; c++) {
		float mid = C->T.lanes.y + ((float)c + 0.5f) * C->row_h;
		int two = C->row_h >= bh + sh + 2 * u;
		if (mid > C->T.lanes.y + C->T.lanes.h)
			break;
		snprintf(name, sizeof name, "cpu%zu", c);
		snprintf(busy, sizeof busy, "busy %.1f%% of the run", f->ix->end_ns ?
			 100.0 * (double)f->ix->cpus[c].busy_ns / (double)f->ix->end_ns : 0.0);
		draw_text(d, FONT_BOLD, C->T.gutter.x + 12 * u, two ? mid - bh + 1 : mid - bh / 2,
			  PAL_TEXT, ALIGN_LEFT, name);
		if (two)
			draw_text(d, FONT_SMALL, C->T.gutter.x + 12 * u, mid + 1, PAL_FAINT, ALIGN_LEFT,
				  busy);
	}
}

static void cpu_draw(const struct vz_frame *f, struct vz_rect p)
{
	struct cpu_layout C;
	const struct vz_rect *r;
	int ncols;
	struct col *cols;

	cpu_layout(f, p, &C);
	r = &C.T.lanes;
	for (size_t c = 1; c < f->ix->ncpus; c += 2)
		draw_fill(f->d, C.T.gutter.x, r->y + (float)c * C.row_h, r->x + r->w - C.T.gutter.x,
			  C.row_h, PAL_PANEL);
	draw_thread_names(f, &C);
	draw_clip(f->d, (int)r->x, (int)r->y, (int)ceilf(r->w), (int)ceilf(r->h));
	timemap_draw_grid(f->d, &C.T.tm, r->y, r->y + r->h);
	draw_threads(f, &C);
	draw_page_faults(f, &C);
	ncols = (int)ceilf(r->w) + 2;
	if ((cols = calloc((size_t)ncols, sizeof *cols))) {
		for (uint32_t c = 0; c < f->ix->ncpus; c++)
			draw_cpu(f, &C, c, cols, ncols);
		free(cols);
	}
	if (f->sel.kind == PICK_RUN && f->sel.i < f->ix->nruns)
		draw_selected_run(f, &C);
	vz_draw_cursor(f, &C.T);
	draw_noclip(f->d);
	if (!f->ix->ncpus || !f->ix->nruns)
		draw_text(f->d, FONT_TEXT, r->x + r->w / 2, r->y + r->h / 2, PAL_FAINT, ALIGN_CENTER,
			  "no thread ran for any length of time (a trace of the zero cost profile?)");
	draw_gutter(f, &C);
	timemap_draw_axis(f->d, &C.T.tm, C.T.axis_y, C.T.gutter.x + 12 * draw_unit(f->d));
}

static size_t cpu_legend(const struct vz_frame *f, struct vz_legend *out, size_t max)
{
	size_t n = 0, th;

	for (th = 0; th < f->ix->nthreads && n + 3 < max && th < CPU_LEGEND_THREADS; th++) {
		out[n].kind = LEG_BOX;
		out[n].rgb = pal_thread(f->ix, (uint32_t)th);
		snprintf(out[n++].label, sizeof out->label, "%s", vz_thread_name(f->ix, (uint32_t)th));
	}
	if (th < f->ix->nthreads) {
		out[n].kind = LEG_TEXT;
		snprintf(out[n++].label, sizeof out->label, "and %zu more threads",
			 f->ix->nthreads - th);
	}
	out[n++] = (struct vz_legend){ LEG_BOX, pal_cat_colour(CAT_READY), "ready" };
	out[n++] = (struct vz_legend){ LEG_TEXT, 0, "CPU rows: faded = partly busy, white = idle" };
	if (f->ix->npfaults) {
		static const struct { uint8_t kind; const char *label; } k[] = {
			{ 1, "page fault: zero-fill" }, { 2, "copy-on-write: page copied" },
			{ 3, "copy-on-write: no copy" }, { 4, "segfault, no free frame" },
		};
		for (size_t j = 0; j < sizeof k / sizeof k[0] && n < max; j++) {
			out[n].kind = LEG_BOX;
			out[n].rgb = pal_fault(k[j].kind);
			snprintf(out[n++].label, sizeof out->label, "%s", k[j].label);
		}
	}
	return n;
}

static int cpu_pick(const struct vz_frame *f, struct vz_rect p, float x, float y,
		    struct vz_pick *pk)
{
	struct cpu_layout C;
	uint64_t t;
	size_t c, i;

	cpu_layout(f, p, &C);
	if (vz_pick_axis(&C.T, x, y, pk))
		return 1;
	if (x < C.T.lanes.x || x > C.T.lanes.x + C.T.lanes.w || y < C.T.lanes.y)
		return 0;
	if (y >= C.th_y) {                          /* a thread row: its interval there */
		size_t k = (size_t)((y - C.th_y) / C.th_h), j;
		uint32_t th = (uint32_t)(C.th_first + k);
		t = timemap_t(&C.T.tm, x);
		if (k >= C.th_shown)
			return 0;
		j = trace_index_intervals_from(f->ix, th, t);
		if (j >= f->ix->threads[th].iv_first + f->ix->threads[th].iv_count ||
		    f->ix->ivs[j].t0 > t)
			return 0;
		*pk = (struct vz_pick){ PICK_IV, j, 0 };
		return 1;
	}
	c = (size_t)((y - C.T.lanes.y) / C.row_h);
	if (c >= f->ix->ncpus || y < row_top(&C, c) || y > row_top(&C, c) + C.bar_h)
		return 0;
	t = timemap_t(&C.T.tm, x);
	i = trace_index_runs_from(f->ix, (uint32_t)c, t);
	if (i >= f->ix->cpus[c].run_first + f->ix->cpus[c].run_count || f->ix->runs[i].t0 > t)
		return 0;
	*pk = (struct vz_pick){ PICK_RUN, i, 0 };
	return 1;
}

static void cpu_time_layout(const struct vz_frame *f, struct vz_rect p,
			    struct vz_time_layout *L)
{
	struct cpu_layout C;

	cpu_layout(f, p, &C);
	*L = C.T;
}

const struct view_ops view_cpu = { "CPU", cpu_draw, cpu_legend, cpu_pick, cpu_time_layout };
