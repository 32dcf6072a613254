/*
 * view_cpu_labels.c - the words of the CPU view, around its rows: in the
 * gutter the CPUs' names with how busy each was, the title "threads" and
 * the threads' names, and with nodes a header per node; over the thread
 * rows their caption (what the colours mean); and, when not all thread
 * rows fit, the note saying which are shown, beside the title or under
 * the rows. The rows themselves are view_cpu.c.
 *
 * The one idea: what goes where is worked out once, from the layout, by
 * the functions that draw it and by those that tell the tests where it
 * went (vz_cpu_caption, vz_cpu_note), so the two cannot disagree.
 */
#include <stdio.h>

#include "palette.h"
#include "view_cpu.h"

/* The note saying which thread rows are shown (of total) into buf: the
 * short form beside the title ("1–8 of 17") or the one under the rows
 * ("threads 1–8 of 17"); rows instead of threads with nodes. */
static void note_format(char *buf, size_t len, int beside, int nodes, size_t first,
			size_t last, size_t total)
{
	if (beside && !nodes)
		snprintf(buf, len, "%zu–%zu of %zu", first, last, total);
	else
		snprintf(buf, len, "%s %zu–%zu of %zu", nodes ? "rows" : "threads", first, last,
			 total);
}

/* Where the note beside the title "threads" starts, and whether the
 * longest it can be (total rows) fits between there and the lanes. */
int cpu_note_beside_fits(const struct vz_frame *f, const struct cpu_layout *C, size_t total,
			 float *x)
{
	float u = draw_unit(f->d);
	char buf[64];

	*x = C->T.gutter.x + 12 * u + (float)draw_text_w(f->d, FONT_BOLD, "threads") + 6 * u;
	note_format(buf, sizeof buf, 1, C->threads.ngroups > 0, total, total, total);
	return *x + (float)draw_text_w(f->d, FONT_SMALL, buf) <= C->T.lanes.x - 6 * u;
}

/* A node's header row at y in the gutter (and, with lanes, across the
 * CPU rows: the CPUs' header spans the plot). */
static void node_head(const struct vz_frame *f, const struct rows *R, uint32_t node, float y,
		      float x, int lanes)
{
	struct draw *d = f->d;
	float u = draw_unit(d), bh = (float)draw_font_h(d, FONT_BOLD);
	float sh = (float)draw_font_h(d, FONT_SMALL);
	char name[96], sub[VZ_LINE];
	int w, h;

	draw_size(d, &w, &h);
	draw_fill(d, x, y, lanes ? (float)w - x : 150 * u, R->head_h, pal_node_tint(node));
	draw_line(d, x, y + 0.5f, lanes ? (float)w : x + 150 * u, y + 0.5f, pal_node(node));
	vz_node_title(f->ix, node, name, sizeof name, sub, sizeof sub);
	y += (R->head_h - bh) / 2;
	x += 12 * u;
	x += (float)draw_text(d, FONT_BOLD, x, y, pal_node(node), ALIGN_LEFT, name) + 10 * u;
	if (lanes)
		draw_text(d, FONT_SMALL, x, y + bh - sh - 1, PAL_DIM, ALIGN_LEFT, sub);
}

/* The row under the thread rows when not all are shown ("threads 1–8 of
 * 17"): its text in buf; 0 when all are shown. */
static int note_text(const struct vz_frame *f, const struct cpu_layout *C, char *buf, size_t len)
{
	(void)f;
	if (C->th_shown >= rows_count(&C->threads) || (C->note <= 0 && !C->note_beside))
		return 0;
	note_format(buf, len, C->note_beside, C->threads.ngroups > 0, C->th_first + 1,
		    C->th_first + C->th_shown, rows_count(&C->threads));
	return 1;
}

/* Where that note's text goes: beside the title, on its baseline, or
 * under the last thread row, above the axis. */
static struct vz_rect note_rect(const struct vz_frame *f, const struct cpu_layout *C,
				const char *text)
{
	float u = draw_unit(f->d), sh = (float)draw_font_h(f->d, FONT_SMALL);
	float bh = (float)draw_font_h(f->d, FONT_BOLD), w = (float)draw_text_w(f->d, FONT_SMALL, text);
	float x;

	if (C->note_beside && cpu_note_beside_fits(f, C, rows_count(&C->threads), &x))
		return (struct vz_rect){ x, C->th_y - bh - 4 * u + bh - sh - 1, w, sh };
	return (struct vz_rect){ C->T.gutter.x + 12 * u, C->T.lanes.y + C->T.lanes.h + 3 * u, w, sh };
}

void cpu_draw_thread_names(const struct vz_frame *f, const struct cpu_layout *C)
{
	struct draw *d = f->d;
	float u = draw_unit(d), sh = (float)draw_font_h(d, FONT_SMALL);
	char more[64];

	draw_text(d, FONT_BOLD, C->T.gutter.x + 12 * u, C->th_y - (float)draw_font_h(d, FONT_BOLD) -
		  4 * u, PAL_TEXT, ALIGN_LEFT, "threads");
	for (size_t k = 0; k < C->th_shown; k++) {
		uint32_t th, node = TI_NONE;
		float y = cpu_th_row(C, k, &th, &node) + (C->th_h - sh) / 2;
		if (th == TI_NONE) {
			node_head(f, &C->threads, node, y - (C->th_h - sh) / 2, C->T.gutter.x, 0);
			continue;
		}
		if (C->threads.ngroups ? C->ix->threads[th].lane % 2 : k % 2)
			draw_fill(d, C->T.gutter.x, y - (C->th_h - sh) / 2, C->T.gutter.w, C->th_h,
				  PAL_PANEL);
		draw_fill(d, C->T.gutter.x + 12 * u, y + 2 * u, 8 * u, sh - 4 * u, pal_thread(f->ix, th));
		draw_text_fit(d, FONT_SMALL, C->T.gutter.x + 24 * u, y, PAL_DIM, ALIGN_LEFT,
			      vz_thread_name(f->ix, th), C->T.lanes.x - 6 * u - (C->T.gutter.x + 24 * u));
	}
	if (note_text(f, C, more, sizeof more)) {
		struct vz_rect r = note_rect(f, C, more);
		draw_text(d, FONT_SMALL, r.x, r.y, PAL_FAINT, ALIGN_LEFT, more);
	}
}

/* The caption of the thread rows as it fits the width of the lanes, in
 * buf: in full, else in its short form, else that cut short with "…". */
static void caption(const struct vz_frame *f, const struct cpu_layout *C, char *buf, size_t len)
{
	const char *full = f->ix->npfaults
		? "running · ready (waiting for a CPU) · blocked · ticks: page faults"
		: "running · ready (waiting for a CPU) · blocked";
	const char *brief = f->ix->npfaults ? "running · ready · blocked · ticks: page faults"
					    : "running · ready · blocked";

	if ((float)draw_text_w(f->d, FONT_SMALL, full) <= C->T.lanes.w)
		snprintf(buf, len, "%s", full);
	else
		draw_elide(f->d, FONT_SMALL, brief, C->T.lanes.w, buf, len);
}

static struct vz_rect caption_rect(const struct vz_frame *f, const struct cpu_layout *C,
				   char *buf, size_t len)
{
	float u = draw_unit(f->d), sh = (float)draw_font_h(f->d, FONT_SMALL);

	caption(f, C, buf, len);
	return (struct vz_rect){ C->T.lanes.x, C->th_y - sh - 5 * u,
				 (float)draw_text_w(f->d, FONT_SMALL, buf), sh };
}

/* The caption of the thread rows, over the grid and the collapsed
 * stretches' bands (which it interrupts). */
void cpu_draw_caption(const struct vz_frame *f, const struct cpu_layout *C)
{
	char text[VZ_LINE];
	struct vz_rect r = caption_rect(f, C, text, sizeof text);
	float u = draw_unit(f->d);

	if (!text[0])
		return;
	draw_fill(f->d, r.x, r.y, r.w + 4 * u, r.h, PAL_BG);
	draw_text(f->d, FONT_SMALL, r.x, r.y, PAL_FAINT, ALIGN_LEFT, text);
}

struct vz_rect vz_cpu_caption(const struct vz_frame *f, struct vz_rect p, char *text, size_t len)
{
	struct cpu_layout C;
	char buf[VZ_LINE];

	cpu_layout(f, p, &C);
	return caption_rect(f, &C, text ? text : buf, text ? len : sizeof buf);
}

struct vz_rect vz_cpu_note(const struct vz_frame *f, struct vz_rect p, char *text, size_t len)
{
	struct cpu_layout C;
	char buf[64];

	cpu_layout(f, p, &C);
	if (!note_text(f, &C, buf, sizeof buf)) {
		if (text && len)
			text[0] = 0;
		return (struct vz_rect){ 0, 0, 0, 0 };
	}
	if (text)
		snprintf(text, len, "%s", buf);
	return note_rect(f, &C, buf);
}

void cpu_draw_gutter(const struct vz_frame *f, const struct cpu_layout *C)
{
	struct draw *d = f->d;
	float u = draw_unit(d), bh = (float)draw_font_h(d, FONT_BOLD);
	float sh = (float)draw_font_h(d, FONT_SMALL);
	char name[32], busy[48];

	for (size_t g = 0; g < C->cpus.ngroups; g++)
		if (rows_head(&C->cpus, g) < C->cpus.first + C->cpus.shown)
			node_head(f, &C->cpus, C->cpus.gnode[g],
				  rows_y(&C->cpus, rows_head(&C->cpus, g)), C->T.gutter.x, 1);
	if (C->cpu_note > 0) {            /* the CPU rows cut short: which are shown */
		size_t last = 0;
		for (size_t c = 0; c < f->ix->ncpus && cpu_row_shown(C, c); c++)
			last = c;
		snprintf(busy, sizeof busy, "cpu0–cpu%zu of %zu CPUs", last, (size_t)f->ix->ncpus);
		draw_text(d, FONT_SMALL, C->T.gutter.x + 12 * u, C->th_y - C->cpu_note -
			  (float)draw_font_h(d, FONT_BOLD) - 14 * u + 3 * u, PAL_FAINT, ALIGN_LEFT, busy);
	}
	for (size_t c = 0; c < f->ix->ncpus && cpu_row_shown(C, c); c++) {
		float mid = C->T.lanes.y + ((float)c + 0.5f) * C->row_h;
		int two = C->row_h >= bh + sh + 2 * u;
		if (C->cpus.ngroups)
			mid = rows_y(&C->cpus, rows_of_item(&C->cpus, c)) + C->row_h / 2;
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
