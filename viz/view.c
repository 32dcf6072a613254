/*
 * view.c - the frame around every view: the header (title, tabs, window),
 * the legend, the details of the selection, the help overlay and short
 * messages; and what the time views share (API: view.h).
 *
 * The one idea: the frame is laid out top to bottom from the fonts' sizes
 * - header, plot, legend - by one function used for drawing and for
 * picking, so the plot rectangle a view draws in is the one a click is
 * tested against.
 */
#include "view.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "palette.h"
#include "units.h"

const struct view_ops *const vz_views[VIZ_VIEW_COUNT] = {
	[VIZ_SEQUENCE] = &view_seq,
	[VIZ_CPU] = &view_cpu,
	[VIZ_TOPOLOGY] = &view_topo,
	[VIZ_MEMORY] = &view_mem,
};

const struct vz_help_key vz_help_keys[] = {
	{ "Tab, Shift+Tab", "next / previous view (1 2 3 4: sequence, CPU, topology, memory)" },
	{ "mouse wheel", "zoom in time around the pointer (+ and - around the middle)" },
	{ "drag", "pan in time (Left and Right too)" },
	{ "click", "details of a message, interval, CPU slice, process, port, frame or page" },
	{ "hover", "a tooltip: the first lines of those details" },
	{ "click on the time axis or strip", "move the current time there" },
	{ "[ and ]", "move the current time to the previous / next record" },
	{ "Up, Down, PageUp, PageDown", "scroll the rows when they do not all fit" },
	{ "g", "collapse long idle stretches of the time axis, or not" },
	{ "0, Home", "show the whole run again" },
	{ "s", "save a screenshot (PNG) in the current directory" },
	{ "h, ?, F1", "close this help (Esc too)" },
	{ "q, Esc", "quit" },
};
const size_t vz_help_key_count = sizeof vz_help_keys / sizeof vz_help_keys[0];

const struct vz_help_key vz_live_keys[] = {
	{ "Space", "play / pause the simulation" },
	{ "n", "step: run the next instant (the events of one virtual time)" },
	{ ". and ,", "play faster / slower (virtual time per second)" },
	{ "t", "run to a time: type it (25ms, 1.5s), then Enter (Esc gives up)" },
	{ "e", "run to the end" },
};
const size_t vz_live_key_count = sizeof vz_live_keys / sizeof vz_live_keys[0];

static float header_h(const struct vz_frame *f)
{
	return (float)draw_font_h(f->d, FONT_TITLE) + 18 * draw_unit(f->d);
}

/* Lay out the legend entries from y (or only measure when draw is 0);
 * returns the height used. */
static float legend_flow(const struct vz_frame *f, const struct vz_legend *lg, size_t n,
			 float y, int draw)
{
	struct draw *d = f->d;
	float u = draw_unit(d), x0 = 12 * u, x = x0, row = (float)draw_font_h(d, FONT_SMALL) + 6 * u;
	int w, h;

	draw_size(d, &w, &h);
	for (size_t i = 0; i < n; i++) {
		float sw = lg[i].kind == LEG_BOX ? 12 * u : lg[i].kind == LEG_TEXT ? 0 :
			   lg[i].kind == LEG_STROKE || lg[i].kind == LEG_DOTS ? 16 * u : 22 * u;
		float tw = (float)draw_text_w(d, FONT_SMALL, lg[i].label), iw = sw + 5 * u + tw;
		if (x > x0 && x + iw > (float)w - 12 * u) {
			x = x0;
			y += row;
		}
		if (draw) {
			float cy = y + row / 2 - 1;
			if (lg[i].kind == LEG_BOX) {
				draw_fill(d, x, cy - 5 * u, 12 * u, 11 * u, lg[i].rgb);
				draw_frame(d, x, cy - 5 * u, 12 * u, 11 * u, pal_mix(lg[i].rgb, PAL_TEXT, 0.25f));
			} else if (lg[i].kind == LEG_LINE) {
				draw_thick(d, x, cy, x + 16 * u, cy, 1.6f * u, lg[i].rgb);
				draw_tri(d, x + 22 * u, cy, x + 15 * u, cy - 3.5f * u, x + 15 * u, cy + 3.5f * u, lg[i].rgb);
			} else if (lg[i].kind == LEG_STROKE) {
				draw_thick(d, x, cy, x + 16 * u, cy, 2 * u, lg[i].rgb);
			} else if (lg[i].kind == LEG_DOTS) {
				draw_dashed_thick(d, x, cy, x + 16 * u, cy, 2 * u, 3 * u, 2 * u, lg[i].rgb);
			} else if (lg[i].kind == LEG_LONG_DASH) {
				draw_dashed_thick(d, x, cy, x + 16 * u, cy, 7 * u, 3 * u, 2 * u, lg[i].rgb);
				draw_tri(d, x + 22 * u, cy, x + 15 * u, cy - 3.5f * u, x + 15 * u, cy + 3.5f * u, lg[i].rgb);
			} else if (lg[i].kind == LEG_DASH) {
				draw_dashed(d, x, cy, x + 16 * u, cy, 4 * u, 3 * u, lg[i].rgb);
				draw_tri(d, x + 22 * u, cy, x + 15 * u, cy - 3.5f * u, x + 15 * u, cy + 3.5f * u, lg[i].rgb);
			}
			draw_text(d, FONT_SMALL, x + sw + 5 * u, y + 3 * u,
				  lg[i].kind == LEG_TEXT ? PAL_FAINT : PAL_DIM, ALIGN_LEFT, lg[i].label);
		}
		x += iw + 16 * u;
	}
	return y + row + 6 * u;
}

/* The lines legend_flow would take for the n entries lg. */
static int legend_lines(const struct vz_frame *f, const struct vz_legend *lg, size_t n)
{
	float u = draw_unit(f->d), row = (float)draw_font_h(f->d, FONT_SMALL) + 6 * u;

	return (int)lroundf((legend_flow(f, lg, n, 0, 0) - 6 * u) / row);
}

/* How many lines the legend may take: a tenth of the height, at least one. */
static int legend_room(const struct vz_frame *f)
{
	float u = draw_unit(f->d), row = (float)draw_font_h(f->d, FONT_SMALL) + 6 * u;
	int w, h, lines;

	draw_size(f->d, &w, &h);
	lines = (int)(((float)h / 10 - 10 * u) / row);
	return lines > 1 ? lines : 1;
}

size_t vz_legend_shown(const struct vz_frame *f, struct vz_legend *lg)
{
	struct vz_legend all[VZ_LEGEND_MAX], hint = { LEG_TEXT, 0, "" };
	size_t n = vz_views[f->view]->legend(f, all, VZ_LEGEND_MAX), k = 0, keep, more = 0;
	int room = legend_room(f), hinted = f->interactive;

	if (hinted)
		snprintf(hint.label, sizeof hint.label, "%s", f->live
			 ? "Space play/pause · n step · . , speed · t run to · h help"
			 : "h help · Tab views · s screenshot · q quit");
	/* all of it, the key hint last, when it fits */
	memcpy(lg, all, n * sizeof *lg);
	if (hinted)
		lg[n] = hint;
	if (legend_lines(f, lg, n + (size_t)hinted) <= room)
		return n + (size_t)hinted;
	/* else the sentences go, and the key hint shortens */
	snprintf(hint.label, sizeof hint.label, "h help");
	for (size_t i = 0; i < n; i++)
		if (all[i].kind != LEG_TEXT)
			all[k++] = all[i];
	/* then the entries at the end, "+N more" in their place */
	for (keep = k;; keep--) {
		size_t m = keep;
		memcpy(lg, all, keep * sizeof *lg);
		more = k - keep;
		if (more) {
			lg[m] = (struct vz_legend){ LEG_TEXT, 0, "" };
			snprintf(lg[m++].label, sizeof lg->label, "+%zu more", more);
		}
		if (hinted)
			lg[m++] = hint;
		if (keep == 0 || legend_lines(f, lg, m) <= room)
			return m;
	}
}

/* The top of the legend (the bottom of the plot). */
static float legend_top(const struct vz_frame *f)
{
	struct vz_legend lg[VZ_LEGEND_MAX + 2];
	size_t n = vz_legend_shown(f, lg);
	float used = legend_flow(f, lg, n, 0, 0);
	int w, h;

	draw_size(f->d, &w, &h);
	return (float)h - used - 4 * draw_unit(f->d);
}

struct vz_rect vz_plot(const struct vz_frame *f)
{
	int w, h;
	float top = header_h(f);

	draw_size(f->d, &w, &h);
	return (struct vz_rect){ 0, top, (float)w, legend_top(f) - top };
}

/* The width of the tabs together. */
static float tabs_width(const struct vz_frame *f)
{
	float u = draw_unit(f->d), total = 0;

	for (int v = 0; v < VIZ_VIEW_COUNT; v++)
		total += (float)draw_text_w(f->d, FONT_BOLD, vz_views[v]->title) + 28 * u;
	return total;
}

/* Where the tabs begin and end. */
static void tabs_span(const struct vz_frame *f, float *x0, float *x1)
{
	int w, h;

	draw_size(f->d, &w, &h);
	*x0 = ((float)w - tabs_width(f)) / 2;
	*x1 = *x0 + tabs_width(f);
}

/* The window, exactly ("1.0072ms"), and its length or the current time;
 * shorter forms for a narrow header: the first of *form that fits in
 * room (in font fonts[i]), or none. */
static size_t window_forms(const struct vz_frame *f, char form[][VZ_LINE], enum draw_font *fonts)
{
	char a[32], b[32], c[32];
	size_t n = 0;

	units_format_ns(f->from, a, sizeof a);
	units_format_ns(f->to, b, sizeof b);
	if (f->live) {
		snprintf(form[n++], VZ_LINE, "%s   ·   %s – %s", f->live, a, b);
		snprintf(form[n++], VZ_LINE, "%s", f->live);
	} else if (f->view == VIZ_TOPOLOGY || f->view == VIZ_MEMORY) {
		units_format_ns(f->now, c, sizeof c);
		snprintf(form[n++], VZ_LINE, "%s – %s   at %s", a, b, c);
		snprintf(form[n++], VZ_LINE, "at %s", c);
	} else {
		units_format_ns(f->to - f->from, c, sizeof c);
		snprintf(form[n++], VZ_LINE, "%s – %s   (%s)", a, b, c);
		snprintf(form[n++], VZ_LINE, "%s – %s", a, b);
	}
	for (size_t i = 0; i < n; i++)
		fonts[i] = FONT_TEXT;
	memcpy(form[n], form[n - 1], VZ_LINE);    /* the shortest again, smaller */
	fonts[n++] = FONT_SMALL;
	return n;
}

void vz_header_layout(const struct vz_frame *f, struct vz_header *H)
{
	struct draw *d = f->d;
	const char *seed = trace_index_header(f->ix, "seed");
	const char *costs = trace_index_header(f->ix, "costs");
	float u = draw_unit(d), y = 9 * u, x = 12 * u, t0, t1, room, tw;
	float th = (float)draw_font_h(d, FONT_TITLE), sh = (float)draw_font_h(d, FONT_SMALL);
	char form[4][VZ_LINE];
	enum draw_font fonts[4];
	size_t n;
	int w, h;

	memset(H, 0, sizeof *H);
	draw_size(d, &w, &h);
	tabs_span(f, &t0, &t1);
	H->tabs = (struct vz_rect){ t0 + 8 * u, y, t1 - t0 - 16 * u, header_h(f) - y };
	/* the title up to the tabs, cut short when it would run into them */
	tw = (float)draw_elide(d, FONT_TITLE, f->title, t0 - 4 * u - x, H->title_text,
			       sizeof H->title_text);
	H->title = (struct vz_rect){ x, y, tw, th };
	/* the run's parameters after it, where they leave the tabs room */
	x += tw + 10 * u;
	snprintf(H->params_text, sizeof H->params_text, "%s%s%s%s", seed ? "seed " : "",
		 seed ? seed : "", costs ? " · costs " : "", costs ? costs : "");
	tw = (float)draw_text_w(d, FONT_SMALL, H->params_text);
	if (*H->params_text && x + tw + 8 * u <= t0)
		H->params = (struct vz_rect){ x, y + th - sh - 1, tw, sh };
	else
		H->params_text[0] = '\0';
	/* the window at the right, in the first form that leaves the tabs room */
	room = (float)w - 12 * u - (t1 + 2 * u);
	n = window_forms(f, form, fonts);
	for (size_t i = 0; i < n; i++) {
		tw = (float)draw_text_w(d, fonts[i], form[i]);
		if (tw > room)
			continue;
		memcpy(H->window_text, form[i], VZ_LINE);
		H->window_font = fonts[i];
		H->window = (struct vz_rect){ (float)w - 12 * u - tw, y + 2 * u +
					      (float)(draw_font_h(d, FONT_TEXT) - draw_font_h(d, fonts[i])),
					      tw, (float)draw_font_h(d, fonts[i]) };
		break;
	}
}

/* The tabs, centred; the active one underlined. */
static void header_tabs(const struct vz_frame *f, float y, float bottom)
{
	struct draw *d = f->d;
	float u = draw_unit(d), x, x1;

	tabs_span(f, &x, &x1);
	for (int v = 0; v < VIZ_VIEW_COUNT; v++) {
		float tw = (float)draw_text_w(d, FONT_BOLD, vz_views[v]->title);
		int on = v == (int)f->view;
		draw_text(d, FONT_BOLD, x + 14 * u, y + 2 * u, on ? PAL_ACCENT : PAL_FAINT, ALIGN_LEFT,
			  vz_views[v]->title);
		if (on)
			draw_fill(d, x + 8 * u, bottom - 3 * u, tw + 12 * u, 3 * u, PAL_ACCENT);
		x += tw + 28 * u;
	}
}

static void draw_header(const struct vz_frame *f)
{
	struct draw *d = f->d;
	float hh = header_h(f);
	struct vz_header H;
	int w, h;

	draw_size(d, &w, &h);
	vz_header_layout(f, &H);
	draw_fill(d, 0, 0, (float)w, hh, PAL_PANEL);
	draw_line(d, 0, hh - 0.5f, (float)w, hh - 0.5f, PAL_BORDER);
	draw_text(d, FONT_TITLE, H.title.x, H.title.y, PAL_TEXT, ALIGN_LEFT, H.title_text);
	draw_text(d, FONT_SMALL, H.params.x, H.params.y, PAL_FAINT, ALIGN_LEFT, H.params_text);
	header_tabs(f, H.tabs.y, hh);
	draw_text(d, H.window_font, H.window.x, H.window.y, PAL_DIM, ALIGN_LEFT, H.window_text);
}

static void draw_legend(const struct vz_frame *f)
{
	struct vz_legend lg[VZ_LEGEND_MAX + 2];
	size_t n = vz_legend_shown(f, lg);
	float top = legend_top(f);
	int w, h;

	draw_size(f->d, &w, &h);
	draw_fill(f->d, 0, top, (float)w, (float)h - top, PAL_PANEL);
	draw_line(f->d, 0, top + 0.5f, (float)w, top + 0.5f, PAL_BORDER);
	legend_flow(f, lg, n, top + 4 * draw_unit(f->d), 1);
}

/* A panel of text lines with its top right corner at (right, y). */
static void text_panel(struct draw *d, float right, float y, char lines[][VZ_LINE], int n)
{
	float u = draw_unit(d), lh = (float)draw_font_h(d, FONT_TEXT) + 2 * u, w = 0;

	for (int i = 0; i < n; i++) {
		float tw = (float)draw_text_w(d, i ? FONT_TEXT : FONT_BOLD, lines[i]);
		w = tw > w ? tw : w;
	}
	w += 24 * u;
	draw_fill_a(d, right - w + 3 * u, y + 3 * u, w, lh * (float)n + 16 * u, 0x000000, 28);
	draw_fill(d, right - w, y, w, lh * (float)n + 16 * u, PAL_BG);
	draw_frame(d, right - w, y, w, lh * (float)n + 16 * u, PAL_BORDER);
	draw_fill(d, right - w, y, 3 * u, lh * (float)n + 16 * u, PAL_SELECT);
	for (int i = 0; i < n; i++)
		draw_text(d, i ? FONT_TEXT : FONT_BOLD, right - w + 12 * u, y + 8 * u + lh * (float)i,
			  i ? PAL_DIM : PAL_TEXT, ALIGN_LEFT, lines[i]);
}

static void draw_details(const struct vz_frame *f, struct vz_rect p)
{
	char lines[VZ_DESCRIBE_LINES][VZ_LINE];
	int n = vz_describe(f->ix, &f->sel, f->now, lines);

	if (n > 0)
		text_panel(f->d, p.x + p.w - 12 * draw_unit(f->d), p.y + 10 * draw_unit(f->d), lines, n);
}

/* A one- or two-line tooltip beside the pointer: the first lines of what a
 * click would describe, kept inside the plot. */
static void draw_tooltip(const struct vz_frame *f, struct vz_rect p)
{
	char lines[VZ_DESCRIBE_LINES][VZ_LINE];
	int n = vz_describe(f->ix, &f->hover, f->now, lines);
	struct draw *d = f->d;
	float u = draw_unit(d), lh = (float)draw_font_h(d, FONT_SMALL) + 2 * u, w = 0, h, x, y;

	if (n <= 0)
		return;
	n = n > 2 ? 2 : n;
	for (int i = 0; i < n; i++) {
		float tw = (float)draw_text_w(d, FONT_SMALL, lines[i]);
		w = tw > w ? tw : w;
	}
	w += 16 * u;
	h = lh * (float)n + 8 * u;
	x = f->hover_x + 14 * u;
	y = f->hover_y + 16 * u;
	if (x + w > p.x + p.w)
		x = f->hover_x - w - 6 * u;
	if (y + h > p.y + p.h)
		y = f->hover_y - h - 6 * u;
	draw_fill(d, x, y, w, h, 0x24292f);
	for (int i = 0; i < n; i++)
		draw_text(d, FONT_SMALL, x + 8 * u, y + 4 * u + lh * (float)i, i ? 0xd0d7de : 0xffffff,
			  ALIGN_LEFT, lines[i]);
}

/* The keys in two columns, centred on the plot (the live viewer's first). */
static void draw_help(const struct vz_frame *f, struct vz_rect p)
{
	struct draw *d = f->d;
	size_t nl = f->live ? vz_live_key_count : 0, n = nl + vz_help_key_count;
	float u = draw_unit(d), lh = (float)draw_font_h(d, FONT_TEXT) + 3 * u, kw = 0, dw = 0;
	float w, h, x, y;

	for (size_t i = 0; i < n; i++) {
		const struct vz_help_key *k = i < nl ? &vz_live_keys[i] : &vz_help_keys[i - nl];
		kw = fmaxf(kw, (float)draw_text_w(d, FONT_BOLD, k->keys));
		dw = fmaxf(dw, (float)draw_text_w(d, FONT_TEXT, k->what));
	}
	w = kw + dw + 56 * u;
	h = lh * (float)(n + 1) + 28 * u;
	x = p.x + (p.w - w) / 2;
	y = p.y + (p.h - h) / 2;
	draw_fill_a(d, p.x, p.y, p.w, p.h, 0xffffff, 150);
	draw_fill_a(d, x + 4 * u, y + 4 * u, w, h, 0x000000, 28);
	draw_fill(d, x, y, w, h, PAL_BG);
	draw_frame(d, x, y, w, h, PAL_BORDER);
	draw_fill(d, x, y, 3 * u, h, PAL_ACCENT);
	draw_text(d, FONT_TITLE, x + 20 * u, y + 12 * u, PAL_TEXT, ALIGN_LEFT, "Keys and mouse");
	for (size_t i = 0; i < n; i++) {
		const struct vz_help_key *k = i < nl ? &vz_live_keys[i] : &vz_help_keys[i - nl];
		float ly = y + 14 * u + lh * (float)(i + 1) + 4 * u;
		draw_text(d, FONT_BOLD, x + 20 * u, ly, PAL_TEXT, ALIGN_LEFT, k->keys);
		draw_text(d, FONT_TEXT, x + 36 * u + kw, ly, PAL_DIM, ALIGN_LEFT, k->what);
	}
}

static void draw_toast(const struct vz_frame *f, struct vz_rect p)
{
	struct draw *d = f->d;
	float u = draw_unit(d), tw = (float)draw_text_w(d, FONT_TEXT, f->toast) + 24 * u;
	float th = (float)draw_font_h(d, FONT_TEXT) + 12 * u, x = p.x + (p.w - tw) / 2;
	float y = p.y + p.h - th - 14 * u;

	draw_fill(d, x, y, tw, th, 0x24292f);
	draw_text(d, FONT_TEXT, x + 12 * u, y + 6 * u, 0xffffff, ALIGN_LEFT, f->toast);
}

void vz_draw_frame(const struct vz_frame *f)
{
	struct vz_rect p = vz_plot(f);

	draw_noclip(f->d);
	draw_clear(f->d, PAL_BG);
	vz_views[f->view]->draw(f, p);
	draw_noclip(f->d);
	draw_header(f);
	draw_legend(f);
	if (f->sel.kind != PICK_NONE)
		draw_details(f, p);
	if (f->hover.kind != PICK_NONE && f->hover.kind != PICK_TIME && !f->help &&
	    !(f->hover.kind == f->sel.kind && f->hover.i == f->sel.i && f->hover.t == f->sel.t))
		draw_tooltip(f, p);
	if (f->help)
		draw_help(f, p);
	if (f->toast)
		draw_toast(f, p);
}

uint64_t vz_time_at(const struct vz_frame *f, float x)
{
	struct vz_time_layout L;

	vz_views[f->view]->time_layout(f, vz_plot(f), &L);
	return timemap_t(&L.tm, x);
}

uint64_t vz_time_mid(const struct vz_frame *f)
{
	struct vz_time_layout L;

	vz_views[f->view]->time_layout(f, vz_plot(f), &L);
	return timemap_t(&L.tm, (L.tm.x0 + L.tm.x1) / 2);
}

int vz_first_row(const struct vz_frame *f)
{
	const struct view_ops *v = vz_views[f->view];
	int most = (int)f->ix->nprocs + (int)f->ix->nnodes + 1;    /* rows, with headers */

	if (v->first_row)
		return v->first_row(f, vz_plot(f));
	return f->lane0 < most ? f->lane0 : most;
}

double vz_ns_per_px(const struct vz_frame *f)
{
	struct vz_time_layout L;

	vz_views[f->view]->time_layout(f, vz_plot(f), &L);
	return 1.0 / L.tm.px_per_ns;
}

int vz_pick(const struct vz_frame *f, float x, float y, struct vz_pick *pk)
{
	struct vz_rect p = vz_plot(f);

	if (x < p.x || y < p.y || x >= p.x + p.w || y >= p.y + p.h)
		return 0;
	return vz_views[f->view]->pick(f, p, x, y, pk);
}

void vz_time_layout(const struct vz_frame *f, struct vz_rect p, float gutter_w,
		    struct vz_time_layout *L)
{
	float u = draw_unit(f->d), axis_h = (float)draw_font_h(f->d, FONT_SMALL) + 14 * u;

	L->gutter = (struct vz_rect){ p.x, p.y, gutter_w, p.h - axis_h };
	L->lanes = (struct vz_rect){ p.x + gutter_w, p.y + 8 * u, p.w - gutter_w - 20 * u,
				     p.h - axis_h - 8 * u };
	L->axis_y = L->lanes.y + L->lanes.h + 1;
	timemap_init(&L->tm, f->ix, f->from, f->to, L->lanes.x, L->lanes.x + L->lanes.w,
		     f->collapse, 44 * u);
}

int vz_rects_meet(struct vz_rect a, struct vz_rect b)
{
	return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

/* Liang-Barsky: the part of the segment inside r, if any. */
int vz_seg_meets(struct vz_rect r, float x0, float y0, float x1, float y1)
{
	float dx = x1 - x0, dy = y1 - y0, t0 = 0, t1 = 1;
	float p[4] = { -dx, dx, -dy, dy };
	float q[4] = { x0 - r.x, r.x + r.w - x0, y0 - r.y, r.y + r.h - y0 };

	for (int i = 0; i < 4; i++) {
		if (p[i] == 0) {
			if (q[i] < 0)
				return 0;
			continue;
		}
		float t = q[i] / p[i];
		if (p[i] < 0)
			t0 = fmaxf(t0, t);
		else
			t1 = fminf(t1, t);
		if (t0 > t1)
			return 0;
	}
	return 1;
}

int vz_pick_axis(const struct vz_time_layout *L, float x, float y, struct vz_pick *pk)
{
	if (x < L->lanes.x || x > L->lanes.x + L->lanes.w || y < L->axis_y ||
	    y > L->axis_y + 40)
		return 0;
	*pk = (struct vz_pick){ PICK_TIME, 0, timemap_t(&L->tm, x) };
	return 1;
}

void vz_draw_cursor(const struct vz_frame *f, const struct vz_time_layout *L)
{
	float x;

	if (!f->interactive || f->now < f->from || f->now > f->to)
		return;
	x = (float)(int)timemap_x(&L->tm, f->now) + 0.5f;
	draw_dashed(f->d, x, L->lanes.y, x, L->axis_y, 3, 3, PAL_ACCENT);
}

const char *vz_proc_name(const struct trace_index *ix, uint32_t pr)
{
	return pr < ix->nprocs ? trace_index_str(ix, ix->procs[pr].name) : "?";
}

const char *vz_thread_name(const struct trace_index *ix, uint32_t th)
{
	return th < ix->nthreads ? trace_index_str(ix, ix->threads[th].name) : "?";
}

void vz_port_label(const struct trace_index *ix, uint32_t pt, char *buf, size_t len)
{
	const struct ti_port *p = pt < ix->nports ? &ix->ports[pt] : NULL;

	if (!p)
		snprintf(buf, len, "?");
	else if (p->label)
		snprintf(buf, len, "%s", trace_index_str(ix, p->label));
	else if (p->owner != TI_NONE && ix->procs[p->owner].nameserver)
		snprintf(buf, len, "name server");
	else if (p->reply_only && p->owner != TI_NONE)
		snprintf(buf, len, "%s's reply port", vz_proc_name(ix, p->owner));
	else
		snprintf(buf, len, "port %llu", (unsigned long long)p->id);
}

void vz_node_title(const struct trace_index *ix, uint32_t n, char *name, size_t nlen, char *sub,
		   size_t slen)
{
	const struct ti_node *nd;
	size_t procs;

	if (n >= ix->nnodes) {
		procs = ix->nnode_procs - ix->nonode_first;
		snprintf(name, nlen, "no node");
		snprintf(sub, slen, "%zu process%s the trace places on no node", procs,
			 procs == 1 ? "" : "es");
		return;
	}
	nd = &ix->nodes[n];
	procs = nd->proc_count;
	snprintf(name, nlen, "node %s", trace_index_str(ix, nd->name));
	if (nd->cpus == 1)
		snprintf(sub, slen, "1 CPU (cpu%u) · %s-endian · %zu process%s", nd->cpu0,
			 nd->big_endian ? "big" : "little", procs, procs == 1 ? "" : "es");
	else
		snprintf(sub, slen, "%u CPUs (cpu%u–cpu%u) · %s-endian · %zu process%s", nd->cpus,
			 nd->cpu0, nd->cpu0 + nd->cpus - 1, nd->big_endian ? "big" : "little", procs,
			 procs == 1 ? "" : "es");
}

/* "100 Mbit/s", "1.5 Gbit/s", "56 kbit/s", "9600 bit/s". */
static void fmt_rate(uint64_t bps, char *buf, size_t len)
{
	static const struct { uint64_t per; const char *unit; } u[] = {
		{ 1000000000, "Gbit/s" }, { 1000000, "Mbit/s" }, { 1000, "kbit/s" }, { 1, "bit/s" },
	};
	size_t i = 0;

	while (i + 1 < sizeof u / sizeof u[0] && bps < u[i].per)
		i++;
	snprintf(buf, len, "%.4g %s", (double)bps / (double)u[i].per, u[i].unit);
}

void vz_link_title(const struct trace_index *ix, uint32_t l, char *name, size_t nlen, char *fig,
		   size_t flen, char *more, size_t mlen)
{
	const struct ti_link *k = &ix->links[l];
	const char *profile = trace_index_str(ix, k->profile);
	char lat[32], bw[32];

	snprintf(name, nlen, "%s ⇄ %s", trace_index_str(ix, ix->nodes[k->a].name),
		 trace_index_str(ix, ix->nodes[k->b].name));
	units_format_ns(k->latency_ns, lat, sizeof lat);
	fmt_rate(k->bandwidth_bps, bw, sizeof bw);
	snprintf(fig, flen, "%s%s%s · %s", profile, *profile ? " · " : "", lat, bw);
	if (k->loss_ppm)
		snprintf(more, mlen, "MTU %u · loss %.4g%%", k->mtu, (double)k->loss_ppm / 1e4);
	else
		snprintf(more, mlen, "MTU %u", k->mtu);
}
