/*
 * view_cpu.c - the CPU view: a Gantt chart with a row per CPU and a bar for
 * every stretch a kernel thread ran on it, coloured by its process (later
 * threads of a process lighter), named when the bar is wide enough; under
 * it the scheduling chart of the textbooks, a row per thread: when it ran,
 * when it was ready and waited for a CPU, when it was blocked, and a tick
 * at each page fault it took, coloured by its kind. This file lays the rows
 * out, draws them, and picks in them; the words around them (the gutter's
 * names, the caption, the note on the rows shown) are view_cpu_labels.c.
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
#include "view_cpu.h"

enum { CPU_PER_COLUMN = 24, CPU_LEGEND_THREADS = 20 };

/* Sub-pixel runs of one column: how much was busy, and by whom the most;
 * the stretch looked at when the column was too crowded to see it all. */
struct col {
	float busy, best;         /* px */
	float x0, x1;             /* the runs looked at span x0 .. x1 */
	uint32_t th;
	int sampled;              /* the rest of the column was skipped */
};

/* Whether the nodes' CPUs follow each other from cpu0 on, node after node:
 * then they are grouped under their nodes. */
static int cpus_by_node(const struct trace_index *ix)
{
	uint32_t next = 0;

	for (size_t k = 0; k < ix->nnodes; k++) {
		if (ix->nodes[k].cpu0 != next || ix->nodes[k].cpus > ix->ncpus - next)
			return 0;
		next += ix->nodes[k].cpus;
	}
	return ix->nnodes > 0;
}

static float cpu_row_min(const struct vz_frame *f);

/* With nodes: the CPUs, then the threads, each under a header per node. */
static void layout_nodes(const struct vz_frame *f, struct cpu_layout *C)
{
	const struct trace_index *ix = f->ix;
	float u = draw_unit(f->d), title = (float)draw_font_h(f->d, FONT_BOLD) + 14 * u, rest;
	float head = (float)draw_font_h(f->d, FONT_BOLD) + 6 * u;
	float note = (float)draw_font_h(f->d, FONT_SMALL) + 6 * u, bx;
	size_t n = ix->ncpus ? ix->ncpus : 1, nth = ix->nnode_threads, heads, fit;
	size_t want = f->lane0 > 0 ? (size_t)f->lane0 : 0;

	rows_init(&C->cpus, ix->ncpus);
	if (cpus_by_node(ix)) {
		for (size_t k = 0; k < ix->nnodes; k++)
			rows_group(&C->cpus, (uint32_t)k, ix->nodes[k].cpu0);
		if (ix->nodes[ix->nnodes - 1].cpu0 + ix->nodes[ix->nnodes - 1].cpus < ix->ncpus)
			rows_group(&C->cpus, TI_NONE, ix->nodes[ix->nnodes - 1].cpu0 +
				   ix->nodes[ix->nnodes - 1].cpus);
	}
	rows_init(&C->threads, nth);
	for (size_t k = 0; k < ix->nnodes; k++)
		rows_group(&C->threads, (uint32_t)k, ix->nodes[k].th_first);
	if (ix->nonode_th_first < nth)
		rows_group(&C->threads, TI_NONE, ix->nonode_th_first);
	heads = C->cpus.ngroups + C->threads.ngroups;
	C->row_h = (C->T.lanes.h - (float)heads * head) / (float)(n + nth + 2);
	C->row_h = fminf(fmaxf(C->row_h, 22 * u), 56 * u);
	/* the CPU rows shrink to leave six thread rows (headers included),
	 * then are cut short to leave three */
	for (size_t want_th = 6; want_th >= 3; want_th -= 3) {
		fit = rows_count(&C->threads) < want_th ? rows_count(&C->threads) : want_th;
		rest = C->T.lanes.h - title - (nth ? (float)fit * fmaxf(14 * u, head) +
					      (fit < rows_count(&C->threads) ? note : 0) : 0) -
		       (float)C->cpus.ngroups * head;
		if ((float)n * C->row_h > rest && want_th == 6)
			C->row_h = fmaxf(rest / (float)n, cpu_row_min(f));
	}
	C->bar_h = C->row_h * 0.66f;
	C->cpus.item_h = C->row_h;
	C->cpus.head_h = head;
	C->cpus.y0 = C->T.lanes.y;
	rows_fit(&C->cpus, 0, (float)n * C->row_h > rest + 0.01f
		 ? rest + (float)C->cpus.ngroups * head - note : C->T.lanes.h);
	C->cpu_note = C->cpus.shown < rows_count(&C->cpus) ? note : 0;
	C->th_y = rows_y(&C->cpus, C->cpus.shown) + C->cpu_note + title;
	rest = C->T.lanes.y + C->T.lanes.h - C->th_y;
	C->th_h = nth ? fminf(fmaxf((rest - (float)C->threads.ngroups * head) / (float)nth, 14 * u),
			      36 * u) : 0;
	C->threads.item_h = C->th_h;
	C->threads.head_h = head;
	C->threads.y0 = C->th_y;
	rows_fit(&C->threads, want, rest > 0 ? rest : 0);
	C->note_beside = 0;
	if (C->threads.shown >= rows_count(&C->threads))
		note = 0;
	else if ((C->note_beside = cpu_note_beside_fits(f, C, rows_count(&C->threads), &bx)))
		note = 0;
	else                                    /* a row under them says which */
		rows_fit(&C->threads, want, rest - note > 0 ? rest - note : 0);
	if (C->threads.shown > 1 && !rows_at(&C->threads, C->threads.first + C->threads.shown - 1,
					      &fit, &heads))
		C->threads.shown--;             /* no header last, without its rows */
	if (!nth)
		C->threads.shown = 0;
	C->th_first = C->threads.first;
	C->th_shown = C->threads.shown;
	C->T.lanes.h = rows_y(&C->threads, C->th_first + C->th_shown) - C->T.lanes.y;
	C->T.gutter.h = C->T.lanes.h + (C->T.lanes.y - C->T.gutter.y);
	C->note = note;
	C->T.axis_y = C->T.lanes.y + C->T.lanes.h + note + 1;
}

/* The least height of a CPU row: its name. */
static float cpu_row_min(const struct vz_frame *f)
{
	return (float)draw_font_h(f->d, FONT_BOLD) + 2 * draw_unit(f->d);
}

int cpu_row_shown(const struct cpu_layout *C, size_t c)
{
	if (C->cpus.ngroups)
		return rows_of_item(&C->cpus, c) < C->cpus.first + C->cpus.shown;
	return c < C->cpus.shown;
}

void cpu_layout(const struct vz_frame *f, struct vz_rect p, struct cpu_layout *C)
{
	float u = draw_unit(f->d), head = (float)draw_font_h(f->d, FONT_BOLD) + 14 * u, rest;
	float note = (float)draw_font_h(f->d, FONT_SMALL) + 6 * u;
	size_t n = f->ix->ncpus ? f->ix->ncpus : 1, nth = f->ix->nthreads, fit;
	float bx;

	vz_time_layout(f, p, 150 * u, &C->T);
	C->ix = f->ix;
	if (f->ix->nnodes) {
		layout_nodes(f, C);
		return;
	}
	rows_init(&C->cpus, f->ix->ncpus);
	rows_init(&C->threads, nth);
	C->row_h = fminf(fmaxf(C->T.lanes.h / (float)(n + nth + 2), 22 * u), 56 * u);
	/* the CPU rows shrink, then are cut short, before the thread rows go */
	rest = C->T.lanes.h - (nth ? head + (float)(nth < 3 ? nth : 3) * 14 * u +
			       (nth > 3 ? note : 0) : 0);
	if ((float)n * C->row_h > rest)
		C->row_h = fmaxf(rest / (float)n, cpu_row_min(f));
	C->bar_h = C->row_h * 0.66f;
	C->cpus.first = 0;
	C->cpus.shown = n;
	C->cpu_note = 0;
	if ((float)n * C->row_h > rest + 0.01f) {
		C->cpu_note = note;
		C->cpus.shown = (size_t)fmaxf((rest - note) / C->row_h, 1);
	}
	C->th_y = C->T.lanes.y + (float)C->cpus.shown * C->row_h + C->cpu_note + head;
	rest = C->T.lanes.y + C->T.lanes.h - C->th_y;
	C->th_h = nth ? fminf(fmaxf(rest / (float)nth, 14 * u), 36 * u) : 0;
	fit = C->th_h > 0 && rest > 0 ? (size_t)(rest / C->th_h) : 0;
	C->note = 0;
	C->note_beside = nth > fit && cpu_note_beside_fits(f, C, nth, &bx);
	if (nth > fit && !C->note_beside) {     /* a row under the threads says which */
		C->note = (float)draw_font_h(f->d, FONT_SMALL) + 6 * u;
		fit = C->th_h > 0 && rest > C->note ? (size_t)((rest - C->note) / C->th_h) : 0;
	}
	C->th_first = f->lane0 > 0 ? (size_t)f->lane0 : 0;
	if (nth > fit && C->th_first > nth - fit)
		C->th_first = nth - fit;
	if (nth <= fit)
		C->th_first = 0;
	C->th_shown = nth - C->th_first < fit ? nth - C->th_first : fit;
	C->T.lanes.h = C->th_y + (float)C->th_shown * C->th_h - C->T.lanes.y;
	C->T.gutter.h = C->T.lanes.h + (C->T.lanes.y - C->T.gutter.y);
	C->T.axis_y = C->T.lanes.y + C->T.lanes.h + C->note + 1;
}

static float row_top(const struct cpu_layout *C, size_t c)
{
	if (C->cpus.ngroups)
		return rows_y(&C->cpus, rows_of_item(&C->cpus, c)) + (C->row_h - C->bar_h) / 2;
	return C->T.lanes.y + (float)c * C->row_h + (C->row_h - C->bar_h) / 2;
}

/* The top of thread row k (from th_first); its thread in *th, or TI_NONE
 * for a node's header (its node in *node). */
float cpu_th_row(const struct cpu_layout *C, size_t k, uint32_t *th, uint32_t *node)
{
	size_t item, g;

	if (!C->threads.ngroups) {
		*th = (uint32_t)(C->th_first + k);
		return C->th_y + (float)k * C->th_h;
	}
	if (rows_at(&C->threads, C->th_first + k, &item, &g))
		*th = C->ix->node_threads[item];
	else {
		*th = TI_NONE;
		*node = C->threads.gnode[g];
	}
	return rows_y(&C->threads, C->th_first + k);
}

/* The row (from th_first) of thread th, or -1 when it is not shown. */
static long th_row_of(const struct cpu_layout *C, uint32_t th)
{
	size_t r;

	if (!C->threads.ngroups)
		r = th;
	else if (C->ix->threads[th].lane == TI_NONE)
		return -1;
	else
		r = rows_of_item(&C->threads, C->ix->threads[th].lane);
	return r >= C->th_first && r < C->th_first + C->th_shown ? (long)(r - C->th_first) : -1;
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
		const struct ti_run *r = &ix->runs[i];
		double xa = fmax(timemap_x(tm, r->t0), tm->x0 - 2);
		double xb = fmin(timemap_x(tm, r[r->more].t1), tm->x1 + 2);
		i += r->more + 1;               /* with the runs that continue it: one bar */
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

/* The selected run's bar: with the runs that continue it, or that it
 * continues. */
static void draw_selected_run(const struct vz_frame *f, const struct cpu_layout *C)
{
	const struct ti_run *r;
	size_t c = 0;
	float xa, xb;

	while (c + 1 < f->ix->ncpus && f->ix->cpus[c + 1].run_first <= f->sel.i)
		c++;
	r = &f->ix->runs[trace_index_stretch_first(f->ix, (uint32_t)c, f->sel.i)];
	xa = floorf((float)fmax(timemap_x(&C->T.tm, r->t0), C->T.tm.x0 - 3));
	xb = ceilf((float)fmin(timemap_x(&C->T.tm, r[r->more].t1), C->T.tm.x1 + 3));
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
		uint32_t th, node = TI_NONE;
		float y = cpu_th_row(C, k, &th, &node);
		if (th == TI_NONE) {
			draw_fill(f->d, C->T.lanes.x, y, C->T.lanes.w, C->threads.head_h,
				  pal_node_tint(node));
			continue;
		}
		if (C->threads.ngroups ? C->ix->threads[th].lane % 2 : k % 2)
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
		long row = th_row_of(C, pf->thread);
		size_t k = (size_t)row;
		uint32_t th, node;
		float x;
		if (row < 0)
			continue;
		x = floorf((float)timemap_x(&C->T.tm, pf->ns));
		if (x < last[k] + w)
			continue;
		last[k] = x;
		draw_fill(f->d, x, cpu_th_row(C, k, &th, &node) + u, w, C->th_h * 0.45f,
			  pal_fault(pf->kind));
	}
	free(last);
}


static void cpu_draw(const struct vz_frame *f, struct vz_rect p)
{
	struct cpu_layout C;
	const struct vz_rect *r;
	int ncols;
	struct col *cols;

	cpu_layout(f, p, &C);
	r = &C.T.lanes;
	for (size_t c = 1; c < f->ix->ncpus && cpu_row_shown(&C, c); c += 2)
		draw_fill(f->d, C.T.gutter.x, row_top(&C, c) - (C.row_h - C.bar_h) / 2,
			  r->x + r->w - C.T.gutter.x, C.row_h, PAL_PANEL);
	cpu_draw_thread_names(f, &C);
	draw_clip(f->d, (int)r->x, (int)r->y, (int)ceilf(r->w), (int)ceilf(r->h));
	timemap_draw_grid(f->d, &C.T.tm, r->y, r->y + r->h);
	draw_threads(f, &C);
	draw_page_faults(f, &C);
	ncols = (int)ceilf(r->w) + 2;
	if ((cols = calloc((size_t)ncols, sizeof *cols))) {
		for (uint32_t c = 0; c < f->ix->ncpus && cpu_row_shown(&C, c); c++)
			draw_cpu(f, &C, c, cols, ncols);
		free(cols);
	}
	if (f->sel.kind == PICK_RUN && f->sel.i < f->ix->nruns)
		draw_selected_run(f, &C);
	cpu_draw_caption(f, &C);
	vz_draw_cursor(f, &C.T);
	draw_noclip(f->d);
	if (!f->ix->ncpus || !f->ix->nruns)
		draw_text_fit(f->d, FONT_TEXT, r->x + r->w / 2, r->y + r->h / 2, PAL_FAINT,
			      ALIGN_CENTER, "no thread ran for any length of time (a trace of the "
			      "zero cost profile?)", r->w);
	cpu_draw_gutter(f, &C);
	timemap_draw_axis(f->d, &C.T.tm, C.T.axis_y, C.T.gutter.x + 12 * draw_unit(f->d));
}

static size_t cpu_legend(const struct vz_frame *f, struct vz_legend *out, size_t max)
{
	size_t n = 0, th;

	for (th = 0; th < f->ix->nthreads && n + 4 < max && th < CPU_LEGEND_THREADS; th++) {
		if (f->ix->nnodes && f->ix->threads[th].lane == TI_NONE)
			continue;              /* the kernel's notices: no row */
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
	out[n++] = (struct vz_legend){ LEG_STROKE, PAL_BORDER, "blocked" };   /* th_colour's line */
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
	int gutter;

	cpu_layout(f, p, &C);
	if (vz_pick_axis(&C.T, x, y, pk))
		return 1;
	gutter = x < C.T.lanes.x;          /* with nodes: a header there picks its node */
	if ((gutter && !C.threads.ngroups) || x > C.T.lanes.x + C.T.lanes.w || y < C.T.lanes.y)
		return 0;
	if (y >= C.th_y) {                          /* a thread row: its interval there */
		size_t k = (size_t)((y - C.th_y) / C.th_h), j;
		uint32_t th = (uint32_t)(C.th_first + k), node = TI_NONE;
		t = timemap_t(&C.T.tm, x);
		for (k = 0; C.threads.ngroups && k < C.th_shown; k++) {
			float top = cpu_th_row(&C, k, &th, &node);
			if (y >= top && y < top + rows_h(&C.threads, C.th_first + k))
				break;
		}
		if (k >= C.th_shown)
			return 0;
		if (th == TI_NONE) {
			*pk = (struct vz_pick){ PICK_NODE, node, 0 };
			return 1;
		}
		if (gutter)
			return 0;
		j = trace_index_intervals_from(f->ix, th, t);
		if (j >= f->ix->threads[th].iv_first + f->ix->threads[th].iv_count ||
		    f->ix->ivs[j].t0 > t)
			return 0;
		*pk = (struct vz_pick){ PICK_IV, j, 0 };
		return 1;
	}
	c = (size_t)((y - C.T.lanes.y) / C.row_h);
	for (size_t r = 0; C.cpus.ngroups && r < rows_count(&C.cpus); r++) {
		float top = rows_y(&C.cpus, r);
		size_t g;
		if (y < top || y >= top + rows_h(&C.cpus, r))
			continue;
		if (!rows_at(&C.cpus, r, &c, &g)) {
			*pk = (struct vz_pick){ PICK_NODE, C.cpus.gnode[g], 0 };
			return g < f->ix->nnodes;
		}
		break;
	}
	if (gutter || c >= f->ix->ncpus || !cpu_row_shown(&C, c) || y < row_top(&C, c) || y > row_top(&C, c) + C.bar_h)
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

static int cpu_first_row(const struct vz_frame *f, struct vz_rect p)
{
	struct cpu_layout C;

	cpu_layout(f, p, &C);
	return (int)C.th_first;
}

const struct view_ops view_cpu = { "CPU", cpu_draw, cpu_legend, cpu_pick, cpu_time_layout,
				   cpu_first_row };
