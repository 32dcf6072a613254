/*
 * view_seq.c - the message sequence (space-time) diagram: a lane per
 * process, time from left to right; in each lane a band per thread coloured
 * by its state (running, ready, blocked and why); arrows from every send to
 * its delivery (view_seq_msgs.c); LRPCs as the caller's thread visiting the
 * server's lane (view_seq_lrpc.c).
 *
 * The one idea: the lanes are laid out per frame from the number of
 * processes (tall when there are few, scrolled when they do not fit), and
 * everything in them is drawn at the level of detail of pixel columns
 * (bands.c for the states, view_seq_msgs.c for the arrows), so the cost of a
 * frame follows the number of pixels, not of records.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bands.h"
#include "palette.h"
#include "view_seq.h"

static float gutter_width(const struct vz_frame *f)
{
	float u = draw_unit(f->d), w = 0;

	for (size_t i = 0; i < f->ix->nprocs && i < 200; i++) {
		float tw = (float)draw_text_w(f->d, FONT_BOLD, vz_proc_name(f->ix, (uint32_t)i));
		w = tw > w ? tw : w;
	}
	w += 30 * u;
	return w < 110 * u ? 110 * u : w > 220 * u ? 220 * u : w;
}

/* With nodes: the lanes under a header per node, scrolled by rows. */
static void layout_nodes(const struct vz_frame *f, struct seq_layout *S)
{
	const struct trace_index *ix = f->ix;
	float u = draw_unit(f->d), note = (float)draw_font_h(f->d, FONT_SMALL) + 6 * u;
	float head = (float)draw_font_h(f->d, FONT_BOLD) + 8 * u, h = S->T.lanes.h;
	size_t want = f->lane0 > 0 ? (size_t)f->lane0 : 0, n = ix->nnode_procs;

	rows_init(&S->R, n);
	for (size_t k = 0; k < ix->nnodes; k++)
		rows_group(&S->R, (uint32_t)k, ix->nodes[k].proc_first);
	if (ix->nonode_first < n)
		rows_group(&S->R, TI_NONE, ix->nonode_first);
	S->lane_h = (h - (float)S->R.ngroups * head) / (float)(n ? n : 1);
	S->lane_h = fminf(fmaxf(S->lane_h, 22 * u), 240 * u);
	S->R.item_h = S->lane_h;
	S->R.head_h = head;
	S->R.y0 = S->T.lanes.y;
	S->nlanes = rows_fit(&S->R, want, h);
	if (S->R.shown < S->nlanes)            /* a row under the lanes says which are shown */
		rows_fit(&S->R, want, h - note);
	else
		note = 0;
	S->first = S->R.first;
	S->shown = S->R.shown;
	S->T.lanes.h = rows_y(&S->R, S->first + S->shown) - S->T.lanes.y;
	S->T.gutter.h = S->T.lanes.h + (S->T.lanes.y - S->T.gutter.y);
	S->T.axis_y = S->T.lanes.y + S->T.lanes.h + note + 1;
	S->bar_h = fminf(S->lane_h * 0.42f, 26 * u);
}

void seq_layout(const struct vz_frame *f, struct vz_rect p, struct seq_layout *S)
{
	float u = draw_unit(f->d), note = 0;
	size_t fit;

	vz_time_layout(f, p, gutter_width(f), &S->T);
	S->ix = f->ix;
	if (f->ix->nnodes) {
		layout_nodes(f, S);
		return;
	}
	S->nlanes = f->ix->nprocs;
	S->lane_h = S->nlanes ? S->T.lanes.h / (float)S->nlanes : S->T.lanes.h;
	S->lane_h = fminf(fmaxf(S->lane_h, 22 * u), 240 * u);
	fit = (size_t)(S->T.lanes.h / S->lane_h);
	if (S->nlanes > fit) {                 /* a row under the lanes says which are shown */
		note = (float)draw_font_h(f->d, FONT_SMALL) + 6 * u;
		fit = (size_t)((S->T.lanes.h - note) / S->lane_h);
	}
	fit = fit ? fit : 1;
	S->first = f->lane0 > 0 ? (size_t)f->lane0 : 0;
	if (S->nlanes <= fit)
		S->first = 0;
	else if (S->first > S->nlanes - fit)
		S->first = S->nlanes - fit;
	S->shown = S->nlanes - S->first < fit ? S->nlanes - S->first : fit;
	S->T.lanes.h = (float)S->shown * S->lane_h;   /* the axis right below the lanes */
	S->T.gutter.h = S->T.lanes.h + (S->T.lanes.y - S->T.gutter.y);
	S->T.axis_y = S->T.lanes.y + S->T.lanes.h + note + 1;
	S->bar_h = fminf(S->lane_h * 0.42f, 26 * u);
	rows_init(&S->R, S->nlanes);
	S->R.item_h = S->lane_h;
	S->R.first = S->first;
	S->R.shown = S->shown;
	S->R.y0 = S->T.lanes.y;
}

float seq_lane_mid(const struct seq_layout *S, uint32_t pr)
{
	uint32_t lane;

	if (!S->R.ngroups)
		return S->T.lanes.y + ((float)pr - (float)S->first + 0.5f) * S->lane_h;
	lane = pr < S->ix->nprocs ? S->ix->procs[pr].lane : TI_NONE;
	if (lane == TI_NONE)
		return -1e6f;                  /* no lane: far off screen */
	return rows_y(&S->R, rows_of_item(&S->R, lane)) + S->lane_h / 2;
}

int seq_proc_shown(const struct seq_layout *S, uint32_t pr)
{
	size_t r;

	if (!S->R.ngroups)
		return pr >= S->first && pr < S->first + S->shown;
	if (pr >= S->ix->nprocs || S->ix->procs[pr].lane == TI_NONE)
		return 0;
	r = rows_of_item(&S->R, S->ix->procs[pr].lane);
	return r >= S->first && r < S->first + S->shown;
}

uint32_t seq_row_proc(const struct seq_layout *S, size_t r, uint32_t *node)
{
	size_t k, g;

	if (!S->R.ngroups)
		return (uint32_t)r;
	if (rows_at(&S->R, r, &k, &g))
		return S->ix->node_procs[k];
	*node = S->R.gnode[g];
	return TI_NONE;
}

int seq_node_row(const struct seq_layout *S, uint32_t n, float *top, float *h)
{
	for (size_t g = 0; g < S->R.ngroups; g++)
		if (S->R.gnode[g] == n) {
			*top = rows_y(&S->R, rows_head(&S->R, g));
			*h = S->R.head_h;
			return 1;
		}
	return 0;
}

/* The height of the bands of a process with k threads: one band, or up to
 * 22 px a thread (room for their names) within the lane. */
static float band_height(const struct seq_layout *S, uint32_t k, float u)
{
	if (k <= 1)
		return S->bar_h;
	return fmaxf(S->bar_h, fminf(S->lane_h - 10 * u, (float)k * 22 * u));
}

void seq_thread_band(const struct vz_frame *f, const struct seq_layout *S, uint32_t th,
		     float *top, float *h)
{
	const struct ti_thread *t = &f->ix->threads[th];
	uint32_t k = f->ix->procs[t->proc].nthreads;
	float band = band_height(S, k, draw_unit(f->d));

	*h = band / (float)(k ? k : 1);
	*top = seq_lane_mid(S, t->proc) - band / 2 + *h * (float)t->sub;
	if (k > 1 && *h > 3)
		*h -= 1;                       /* a hairline between threads */
}

/* ---- state bands ---- */

static int band_cat(const struct trace_index *ix, uint32_t th, const struct ti_interval *iv)
{
	(void)ix, (void)th;
	return (int)pal_cat_of(iv->state, iv->reason);
}

static uint32_t band_colour(const struct trace_index *ix, uint32_t th, int cat)
{
	(void)ix, (void)th;
	return pal_cat_colour((enum pal_cat)cat);
}

static const struct bands_style seq_bands = { band_cat, band_colour, NULL };

static void draw_selected_iv(const struct vz_frame *f, const struct seq_layout *S)
{
	const struct ti_interval *iv = &f->ix->ivs[f->sel.i];
	size_t lo = 0, hi = f->ix->nthreads;
	float top, h, xa, xb;

	while (hi - lo > 1) {                       /* the thread holding the interval */
		size_t mid = (lo + hi) / 2;
		if (f->ix->threads[mid].iv_first <= f->sel.i)
			lo = mid;
		else
			hi = mid;
	}
	seq_thread_band(f, S, (uint32_t)lo, &top, &h);
	xa = (float)fmax(timemap_x(&S->T.tm, iv->t0), S->T.tm.x0 - 3);
	xb = (float)fmin(timemap_x(&S->T.tm, iv->t1), S->T.tm.x1 + 3);
	draw_frame(f->d, floorf(xa) - 2, top - 2, ceilf(xb) - floorf(xa) + 4, h + 4, PAL_SELECT);
	draw_frame(f->d, floorf(xa) - 1, top - 1, ceilf(xb) - floorf(xa) + 2, h + 2, PAL_SELECT);
}

static void draw_lanes_bg(const struct vz_frame *f, const struct seq_layout *S)
{
	const struct vz_rect *r = &S->T.lanes;

	for (size_t k = 0; k < S->shown; k++) {
		float y = r->y + (float)k * S->lane_h;
		size_t row = S->first + k, item, g;
		if (S->R.ngroups) {
			y = rows_y(&S->R, row);
			if (!rows_at(&S->R, row, &item, &g)) {
				draw_fill(f->d, S->T.gutter.x, y, r->x + r->w - S->T.gutter.x,
					  S->R.head_h, pal_node_tint(S->R.gnode[g]));
				draw_line(f->d, S->T.gutter.x, y + 0.5f, r->x + r->w, y + 0.5f,
					  pal_node(S->R.gnode[g]));
				continue;
			}
			row = item - S->R.gfirst[g];   /* alternate within the node */
		}
		if (row % 2)
			draw_fill(f->d, S->T.gutter.x, y, r->x + r->w - S->T.gutter.x, S->lane_h,
				  PAL_PANEL);
	}
}

/* Node n's header: its name, CPUs and byte order, over the whole width.
 * Drawn after the arrows, on the header's colour: the arrows that cross
 * the header, or start from it, pass under the words. */
static void draw_node_head(const struct vz_frame *f, const struct seq_layout *S, uint32_t n,
			   float y, float x)
{
	struct draw *d = f->d;
	float u = draw_unit(d), bh = (float)draw_font_h(d, FONT_BOLD);
	float sh = (float)draw_font_h(d, FONT_SMALL), w;
	char name[96], sub[VZ_LINE];

	vz_node_title(f->ix, n, name, sizeof name, sub, sizeof sub);
	w = (float)(draw_text_w(d, FONT_BOLD, name) + draw_text_w(d, FONT_SMALL, sub)) + 16 * u;
	draw_fill(d, S->T.gutter.x, y, x + w - S->T.gutter.x, S->R.head_h, pal_node_tint(n));
	draw_line(d, S->T.gutter.x, y + 0.5f, x + w, y + 0.5f, pal_node(n));
	y += (S->R.head_h - bh) / 2;
	x += (float)draw_text(d, FONT_BOLD, x, y, pal_node(n), ALIGN_LEFT, name) + 10 * u;
	draw_text(d, FONT_SMALL, x, y + bh - sh - 1, PAL_DIM, ALIGN_LEFT, sub);
}

float seq_name_right(const struct vz_frame *f, const struct seq_layout *S)
{
	return S->T.lanes.x - 2 * draw_unit(f->d);
}

/* A line of the gutter from x to where the names end, its top at y. */
static struct vz_rect gutter_line(const struct vz_frame *f, const struct seq_layout *S, float x,
				  float y, float h)
{
	return (struct vz_rect){ x, y, seq_name_right(f, S) - x, h };
}

struct vz_rect seq_thread_word(const struct vz_frame *f, const struct seq_layout *S,
			       uint32_t th, const struct seq_words *W)
{
	float u = draw_unit(f->d), sm_h = (float)draw_font_h(f->d, FONT_SMALL), top, h, row;
	uint32_t k = f->ix->procs[f->ix->threads[th].proc].nthreads;
	struct vz_rect r;

	seq_thread_band(f, S, th, &top, &h);
	row = band_height(S, k, u) / (float)(k ? k : 1);      /* h and the hairline */
	r = gutter_line(f, S, S->T.gutter.x + 20 * u, top + (h - sm_h) / 2, sm_h);
	if (k <= 1 || h + 3 < sm_h)
		return (struct vz_rect){ r.x, r.y, r.w, 0 };
	if (vz_rects_meet(r, W->name)) {        /* under the process's name, in its row */
		r.y = W->name.y + W->name.h;
		if (r.y + sm_h > top + row)
			r.h = 0;
	}
	return r;
}

void seq_words(const struct vz_frame *f, const struct seq_layout *S, uint32_t pr,
	       struct seq_words *W)
{
	const struct trace_index *ix = f->ix;
	const struct ti_proc *p = &ix->procs[pr];
	float u = draw_unit(f->d), th_h = (float)draw_font_h(f->d, FONT_BOLD);
	float sm_h = (float)draw_font_h(f->d, FONT_SMALL), x = S->T.gutter.x + 12 * u;
	float mid = seq_lane_mid(S, pr), top = mid - S->lane_h / 2;
	float band = band_height(S, p->nthreads, u), y;
	int two = S->lane_h >= th_h + sm_h + 4 * u;
	int named = p->nthreads > 1 && band / (float)p->nthreads + 2 >= sm_h;

	if (p->nthreads > 1 && (two || named))  /* above the bands, else at the lane's top */
		y = fmaxf(mid - band / 2 - th_h - sm_h - 2 * u, top);
	else
		y = two ? mid - th_h + 1 : mid - th_h / 2;
	W->name = gutter_line(f, S, x, y, th_h);
	W->sub = gutter_line(f, S, x, y + th_h - 1, two ? sm_h : 0);
	if (W->sub.y + W->sub.h > top + S->lane_h)
		W->sub.h = 0;
	for (uint32_t th = 0; W->sub.h > 0 && p->nthreads > 1 && th < ix->nthreads; th++)
		if (ix->threads[th].proc == pr && vz_rects_meet(W->sub, seq_thread_word(f, S, th, W)))
			W->sub.h = 0;           /* the thread names first: no second line */
}

/* The names of a process's threads beside their bands, where they fit. */
static void thread_names(const struct vz_frame *f, const struct seq_layout *S, uint32_t pr,
			 const struct seq_words *W)
{
	for (uint32_t th = 0; th < f->ix->nthreads; th++) {
		struct vz_rect r;
		if (f->ix->threads[th].proc != pr)
			continue;
		r = seq_thread_word(f, S, th, W);
		if (r.h > 0)
			draw_text_fit(f->d, FONT_SMALL, r.x, r.y, PAL_DIM, ALIGN_LEFT,
				      vz_thread_name(f->ix, th), r.w);
	}
}

/* Process names (and thread names when a lane has several) in the gutter. */
static void draw_gutter(const struct vz_frame *f, const struct seq_layout *S)
{
	const struct trace_index *ix = f->ix;
	struct draw *d = f->d;
	float u = draw_unit(d), x = S->T.gutter.x + 12 * u;
	char more[64];

	for (size_t k = 0; k < S->shown; k++) {
		uint32_t node = TI_NONE, pr = seq_row_proc(S, S->first + k, &node);
		const struct ti_proc *p;
		struct seq_words W;
		float mid, band;
		char sub[64];
		if (pr == TI_NONE) {
			draw_node_head(f, S, node, rows_y(&S->R, S->first + k), x - 6 * u);
			continue;
		}
		p = &ix->procs[pr];
		mid = seq_lane_mid(S, pr);
		band = band_height(S, p->nthreads, u);
		seq_words(f, S, pr, &W);
		draw_fill(d, S->T.gutter.x + 3 * u, mid - band / 2, 3 * u, band, pal_proc(ix, pr));
		draw_text_fit(d, FONT_BOLD, W.name.x, W.name.y, PAL_TEXT, ALIGN_LEFT,
			      trace_index_str(ix, p->name), W.name.w);
		if (W.sub.h > 0) {
			snprintf(sub, sizeof sub, "%spid %llu", p->nameserver ? "name server · " :
				 p->daemon ? "daemon · " : "", (unsigned long long)p->pid);
			draw_text_fit(d, FONT_SMALL, W.sub.x, W.sub.y, PAL_FAINT, ALIGN_LEFT, sub,
				      W.sub.w);
		}
		if (p->nthreads > 1)
			thread_names(f, S, pr, &W);
	}
	if (seq_rows_note(f, S, more, sizeof more))
		draw_text(d, FONT_SMALL, x, S->T.lanes.y + S->T.lanes.h + 3 * u,
			  PAL_FAINT, ALIGN_LEFT, more);
}

int seq_rows_note(const struct vz_frame *f, const struct seq_layout *S, char *buf, size_t len)
{
	if (S->shown >= S->nlanes) {
		if (len)
			buf[0] = '\0';
		return 0;
	}
	snprintf(buf, len, "%s %zu–%zu of %zu%s", S->R.ngroups ? "rows" : "lanes", S->first + 1,
		 S->first + S->shown, S->nlanes,
		 f->interactive ? " (Up, Down)" : "");    /* the keys only in a window */
	return 1;
}

/* The y where an arrow to what edge w waits for ends: the thread's band
 * when one thread is waited for, else the middle of the process's lane. */
static float wait_target_y(const struct vz_frame *f, const struct seq_layout *S,
			   const struct ti_wait *w)
{
	float top, h;

	if (w->on_thread != TI_NONE) {
		seq_thread_band(f, S, w->on_thread, &top, &h);
		return top + h / 2;
	}
	return seq_lane_mid(S, w->proc);
}

/* The x of the deadlock's line; 0 when the window does not show it. */
static int deadlock_x(const struct vz_frame *f, const struct seq_layout *S, float *x)
{
	const struct trace_index *ix = f->ix;
	const struct vz_rect *r = &S->T.lanes;

	if (ix->deadlock_ns == TI_NEVER || ix->deadlock_ns < f->from || ix->deadlock_ns > f->to)
		return 0;
	*x = (float)timemap_x(&S->T.tm, ix->deadlock_ns);
	if (*x > r->x + r->w - 2 * draw_unit(f->d))
		*x = r->x + r->w - 2 * draw_unit(f->d);
	return 1;
}

/* The step from the deadlock's line at x to its wait-for arrows, one after
 * the other: positive when they go right of it, in the time after the run
 * stopped, where the window leaves room for them all; else negative, over
 * the last moments before it. */
static float wait_step(const struct vz_frame *f, const struct seq_layout *S, float x)
{
	const struct vz_rect *r = &S->T.lanes;
	float u = draw_unit(f->d), slots = (float)(f->ix->nwaitfor + 1);
	float after = (r->x + r->w - x) / slots;

	if (after >= 6 * u)
		return fminf(12 * u, after);
	return -fminf(12 * u, (x - r->x) / slots);
}

int seq_deadlock_area(const struct vz_frame *f, const struct seq_layout *S,
		      struct vz_rect *strip, struct vz_rect *title)
{
	const struct vz_rect *r = &S->T.lanes;
	float u = draw_unit(f->d), x, far;

	if (!deadlock_x(f, S, &x))
		return 0;
	far = x + (float)(f->ix->nwaitfor + 1) * wait_step(f, S, x);
	*strip = far > x ? (struct vz_rect){ x - 3 * u, r->y, far - x + 9 * u, r->h }
			 : (struct vz_rect){ far - 6 * u, r->y, x + 9 * u - far, r->h };
	*title = (struct vz_rect){ r->x, r->y, x - r->x, 6 * u + (float)draw_font_h(f->d, FONT_BOLD) };
	return 1;
}

/* The deadlock, when the window shows the moment it was found: a red line
 * there, an arrow from every thread of the report to what it waits for
 * (the wait-for graph) beside it, and the cycle spelled out at the top. */
static void draw_deadlock(const struct vz_frame *f, const struct seq_layout *S)
{
	const struct trace_index *ix = f->ix;
	const struct vz_rect *r = &S->T.lanes;
	float u = draw_unit(f->d), x, step;
	char text[VZ_LINE];
	size_t len;

	if (!deadlock_x(f, S, &x))
		return;
	draw_thick(f->d, x, r->y, x, r->y + r->h, 2 * u, PAL_DEADLOCK);
	step = wait_step(f, S, x);
	for (size_t k = 0; k < ix->nwaitfor; k++) {
		const struct ti_wait *w = &ix->waitfor[k];
		float top, h, y0, y1, xa = x + (float)(k + 1) * step, dir;
		if (w->proc == TI_NONE)
			continue;
		seq_thread_band(f, S, w->thread, &top, &h);
		y0 = top + h / 2;
		y1 = wait_target_y(f, S, w);
		dir = y1 >= y0 ? 1.0f : -1.0f;
		draw_fill(f->d, xa - 3 * u, y0 - 3 * u, 6 * u, 6 * u, PAL_DEADLOCK);
		if (fabsf(y1 - y0) < 8 * u)
			continue;                  /* waits for its own lane: the dot says it */
		draw_thick(f->d, xa, y0, xa, y1 - dir * 7 * u, 2 * u, PAL_DEADLOCK);
		draw_tri(f->d, xa, y1, xa - 5 * u, y1 - dir * 9 * u, xa + 5 * u, y1 - dir * 9 * u,
			 PAL_DEADLOCK);
	}
	len = (size_t)snprintf(text, sizeof text, "deadlock");
	for (size_t k = 0; k < ix->nwaitfor && len < sizeof text; k++) {
		const struct ti_wait *w = &ix->waitfor[k];
		len += (size_t)snprintf(text + len, sizeof text - len, "%s%s", k ? " → " : ": ",
					vz_thread_name(ix, w->thread));
		if (k + 1 == ix->nwaitfor && w->proc != TI_NONE && len < sizeof text)
			len += (size_t)snprintf(text + len, sizeof text - len, " → %s",
						w->on_thread != TI_NONE
							? vz_thread_name(ix, w->on_thread)
							: vz_proc_name(ix, w->proc));
	}
	draw_text(f->d, FONT_BOLD, x - 6 * u, r->y + 4 * u, PAL_DEADLOCK, ALIGN_RIGHT, text);
}

/* A process that moved to another node (a later proc_node record): a mark
 * in its lane at that time, with the node it went to. */
static void draw_moves(const struct vz_frame *f, const struct seq_layout *S)
{
	const struct trace_index *ix = f->ix;
	float u = draw_unit(f->d), sh = (float)draw_font_h(f->d, FONT_SMALL);

	for (size_t i = 0; i < ix->nmoves && ix->moves[i].ns <= f->to; i++) {
		const struct ti_move *mv = &ix->moves[i];
		float x, y;
		char buf[96];
		if (mv->ns < f->from || !seq_proc_shown(S, mv->proc))
			continue;
		x = (float)timemap_x(&S->T.tm, mv->ns);
		y = seq_lane_mid(S, mv->proc) - S->bar_h / 2 - 3 * u;
		draw_thick(f->d, x, y, x, y + S->bar_h + 6 * u, 2 * u, pal_node(mv->to));
		draw_tri(f->d, x + 8 * u, y, x, y - 5 * u, x, y + 5 * u, pal_node(mv->to));
		snprintf(buf, sizeof buf, "→ node %s", trace_index_str(ix, ix->nodes[mv->to].name));
		draw_text(f->d, FONT_SMALL, x + 10 * u, y - sh / 2, pal_node(mv->to), ALIGN_LEFT, buf);
	}
}

static void seq_draw(const struct vz_frame *f, struct vz_rect p)
{
	struct seq_layout S;
	struct bands *b;
	const struct vz_rect *r;

	seq_layout(f, p, &S);
	r = &S.T.lanes;
	draw_lanes_bg(f, &S);
	draw_clip(f->d, (int)r->x, (int)r->y, (int)ceilf(r->w), (int)ceilf(r->h));
	timemap_draw_grid(f->d, &S.T.tm, r->y, r->y + r->h);
	if ((b = bands_new((int)ceilf(r->w) + 2))) {
		for (uint32_t th = 0; th < f->ix->nthreads; th++) {
			float top, h;
			if (!seq_proc_shown(&S, f->ix->threads[th].proc))
				continue;
			seq_thread_band(f, &S, th, &top, &h);
			bands_draw(f, &S.T.tm, b, th, top, h, &seq_bands);
		}
		bands_free(b);
	}
	if (f->sel.kind == PICK_IV && f->sel.i < f->ix->nivs)
		draw_selected_iv(f, &S);
	seq_draw_lrpcs(f, &S);
	seq_draw_msgs(f, &S);
	draw_moves(f, &S);
	draw_deadlock(f, &S);
	vz_draw_cursor(f, &S.T);
	draw_noclip(f->d);
	draw_gutter(f, &S);
	timemap_draw_axis(f->d, &S.T.tm, S.T.axis_y, S.T.gutter.x + 12 * draw_unit(f->d));
}

/* Running, ready, and the blocking reasons this trace has. */
static size_t seq_legend(const struct vz_frame *f, struct vz_legend *out, size_t max)
{
	static const enum pal_cat cats[] = { CAT_RUNNING, CAT_READY, CAT_RECV, CAT_REPLY,
					     CAT_SEND, CAT_SLEEP, CAT_JOIN, CAT_LOCK, CAT_IO,
					     CAT_IDLE, CAT_OTHER };
	uint32_t seen = 3;                      /* running and ready: always */
	size_t n = 0;

	for (int r = 0; r < 32; r++)
		if (f->ix->blocked_seen & (1u << r))
			seen |= 1u << pal_cat_of(TI_BLOCKED, (uint8_t)r);
	for (size_t i = 0; i < sizeof cats / sizeof cats[0] && n + 3 < max; i++) {
		if (!(seen & (1u << cats[i])))
			continue;
		out[n].kind = LEG_BOX;
		out[n].rgb = pal_cat_colour(cats[i]);
		snprintf(out[n++].label, sizeof out->label, "%s", pal_cat_name(cats[i]));
	}
	out[n++] = (struct vz_legend){ LEG_LINE, PAL_DIM, "call / send" };
	out[n++] = (struct vz_legend){ LEG_DASH, PAL_DIM, "reply" };
	out[n++] = (struct vz_legend){ LEG_TEXT, 0, "arrows take the colour of the port called" };
	if (f->ix->nlrpcs && n < max)
		out[n++] = (struct vz_legend){ LEG_BOX, pal_thread(f->ix, f->ix->lrpcs[0].thread),
					       "LRPC: the caller's thread in the server's lane" };
	if (f->ix->nnodes && n < max)
		out[n++] = (struct vz_legend){ LEG_TEXT, 0,
					       "lanes under their node; from a node's row: its kernel's notices" };
	if (f->ix->ndeadlocks && n < max)
		out[n++] = (struct vz_legend){ LEG_LINE, PAL_DEADLOCK, "deadlock: waits for" };
	return n;
}

/* The state interval under (x, y), if any. */
static int pick_interval(const struct vz_frame *f, const struct seq_layout *S, float x, float y,
			 struct vz_pick *pk)
{
	uint64_t t = timemap_t(&S->T.tm, x);

	for (uint32_t th = 0; th < f->ix->nthreads; th++) {
		float top, h;
		size_t i;
		if (!seq_proc_shown(S, f->ix->threads[th].proc))
			continue;
		seq_thread_band(f, S, th, &top, &h);
		if (y < top - 2 || y > top + h + 2)
			continue;
		i = trace_index_intervals_from(f->ix, th, t);
		if (i < f->ix->threads[th].iv_first + f->ix->threads[th].iv_count &&
		    f->ix->ivs[i].t0 <= t) {
			*pk = (struct vz_pick){ PICK_IV, i, 0 };
			return 1;
		}
	}
	return 0;
}

/* With nodes: the row at y, a node's header (PICK_NODE) or a process
 * (PICK_PROC); 0 when none. */
static int pick_row(const struct seq_layout *S, float y, struct vz_pick *pk)
{
	for (size_t k = 0; k < S->shown; k++) {
		float top = rows_y(&S->R, S->first + k);
		uint32_t node = TI_NONE, pr = seq_row_proc(S, S->first + k, &node);
		if (y < top || y >= top + rows_h(&S->R, S->first + k))
			continue;
		*pk = pr == TI_NONE ? (struct vz_pick){ PICK_NODE, node, 0 }
				    : (struct vz_pick){ PICK_PROC, pr, 0 };
		return 1;
	}
	return 0;
}

static int seq_pick(const struct vz_frame *f, struct vz_rect p, float x, float y,
		    struct vz_pick *pk)
{
	struct seq_layout S;
	size_t i;

	seq_layout(f, p, &S);
	if (vz_pick_axis(&S.T, x, y, pk))
		return 1;
	if (S.R.ngroups && (x < S.T.lanes.x || y < S.T.lanes.y + S.T.lanes.h)) {
		struct vz_pick row;
		if (!pick_row(&S, y, &row))
			return 0;
		if (x < S.T.lanes.x || row.kind == PICK_NODE) {
			*pk = row;
			return 1;
		}
	} else if (x < S.T.lanes.x) {
		float k = (y - S.T.lanes.y) / S.lane_h;
		if (k < 0 || k >= (float)S.shown)
			return 0;
		*pk = (struct vz_pick){ PICK_PROC, S.first + (size_t)k, 0 };
		return 1;
	}
	if (y > S.T.lanes.y + S.T.lanes.h || x > S.T.lanes.x + S.T.lanes.w)
		return 0;
	if (seq_pick_msg(f, &S, x, y, &i)) {
		*pk = (struct vz_pick){ PICK_MSG, i, 0 };
		return 1;
	}
	return pick_interval(f, &S, x, y, pk);
}

static void seq_time_layout(const struct vz_frame *f, struct vz_rect p,
			    struct vz_time_layout *L)
{
	struct seq_layout S;

	seq_layout(f, p, &S);
	*L = S.T;
}

static int seq_first_row(const struct vz_frame *f, struct vz_rect p)
{
	struct seq_layout S;

	seq_layout(f, p, &S);
	return (int)S.first;
}

const struct view_ops view_seq = { "Sequence", seq_draw, seq_legend, seq_pick, seq_time_layout,
				   seq_first_row };
