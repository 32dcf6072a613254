/*
 * view_seq_msgs.c - the arrows of the message sequence view: one from each
 * send (sender's band, send time) to its delivery (receiver's band, delivery
 * time), in the colour of the port called; a reply dashed, in the colour of
 * the call it answers, so the two read as a pair; a drop ends in a red
 * cross; a message still pending at the end runs off the right edge.
 *
 * The one idea: an arrow is drawn only if it differs on screen from the last
 * one drawn between the same two lanes (same start and end pixel), and a
 * pixel column with many sends is cut short by a forward search, so a million
 * messages draw as fast as a few thousand. When the window holds more
 * messages than half its width in pixels, arrows turn into thin pale lines
 * (traffic as a texture); when few are on screen they get labels (kind,
 * port, size), each placed where it overlaps nothing: no other label, no
 * arrow, no band, no collapsed stretch (an arrow with no such spot goes
 * without).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "palette.h"
#include "view_seq.h"

enum { DEDUP = 4096, LABELS = SEQ_LABELS, SCAN_MAX = 400000 };

struct arrow {
	float xs, ys, xe, ye;     /* px */
	uint32_t from_lane, to_lane;
};

/* The lane a message goes to: its receiver's process, or the owner of the
 * port for one not delivered. TI_NONE when unknown. */
static uint32_t dest_lane(const struct trace_index *ix, const struct ti_msg *m)
{
	if (m->to != TI_NONE)
		return ix->threads[m->to].proc;
	return ix->ports[m->port].owner;
}

/* With nodes, a notice of the kernel, which has no lane: it starts from the
 * header of the node of its receiver (to, at the time it is sent) - that
 * node's kernel. Returns 1 and the header's middle (far off screen when
 * there is none) in *top, *h; 0 for a message from a lane. */
static int kernel_band(const struct vz_frame *f, const struct seq_layout *S,
		       const struct ti_msg *m, uint32_t to, float *top, float *h)
{
	uint32_t from = f->ix->threads[m->from].proc, n;
	float y, hh;

	if (!S->R.ngroups || f->ix->procs[from].lane != TI_NONE)
		return 0;
	n = trace_index_node_at(f->ix, to, m->send_ns);
	if (!seq_node_row(S, n, &y, &hh)) {
		*top = -1e6f;
		*h = 0;
		return 1;
	}
	*top = y + hh / 2 - 1;
	*h = 2;
	return 1;
}

/* The arrow of message m; 0 when it has nowhere to go. */
static int arrow_of(const struct vz_frame *f, const struct seq_layout *S, const struct ti_msg *m,
		    struct arrow *a)
{
	const struct timemap *tm = &S->T.tm;
	float st, sh, rt, rh;
	uint32_t to = dest_lane(f->ix, m);

	if (to == TI_NONE)
		return 0;
	if (!kernel_band(f, S, m, to, &st, &sh))
		seq_thread_band(f, S, m->from, &st, &sh);
	else if (st < -1e5f)
		return 0;
	if (m->to != TI_NONE) {
		seq_thread_band(f, S, m->to, &rt, &rh);
	} else {
		rt = seq_lane_mid(S, to) - S->bar_h / 2;
		rh = S->bar_h;
	}
	a->from_lane = f->ix->threads[m->from].proc;
	a->to_lane = to;
	a->xs = (float)timemap_x(tm, m->send_ns);
	a->xe = m->end_ns == TI_NEVER ? (float)tm->x1 + 40 : (float)timemap_x(tm, m->end_ns);
	if (rt > st) {
		a->ys = st + sh;
		a->ye = rt;
	} else if (rt < st) {
		a->ys = st;
		a->ye = rt + rh;
	} else {                               /* to its own lane: under the band */
		a->ys = a->ye = st + sh + 3;
	}
	return 1;
}

static void arrow_head(struct draw *d, const struct arrow *a, float u, uint32_t rgb)
{
	float dx = a->xe - a->xs, dy = a->ye - a->ys, len = sqrtf(dx * dx + dy * dy);
	float ux, uy, l = 8 * u, w = 3.5f * u;

	if (len < 12 * u)
		return;
	ux = dx / len;
	uy = dy / len;
	draw_tri(d, a->xe, a->ye, a->xe - ux * l - uy * w, a->ye - uy * l + ux * w,
		 a->xe - ux * l + uy * w, a->ye - uy * l - ux * w, rgb);
}

static void draw_cross(struct draw *d, float x, float y, float u)
{
	float r = 4 * u;

	draw_thick(d, x - r, y - r, x + r, y + r, 2 * u, PAL_DROP);
	draw_thick(d, x - r, y + r, x + r, y - r, 2 * u, PAL_DROP);
}

static void draw_arrow(const struct vz_frame *f, const struct ti_msg *m, const struct arrow *a,
		       uint32_t rgb)
{
	struct draw *d = f->d;
	float u = draw_unit(d);

	if (m->kind == TI_REPLY)
		draw_dashed(d, a->xs, a->ys, a->xe, a->ye, 5 * u, 3 * u, rgb);
	else
		draw_thick(d, a->xs, a->ys, a->xe, a->ye, 1.5f * u, rgb);
	if (m->kind == TI_SEND)
		draw_fill(d, a->xs - 2 * u, a->ys - 2 * u, 4 * u, 4 * u, rgb);
	if (m->fate == TI_DROPPED)
		draw_cross(d, a->xe, a->ye, u);
	else
		arrow_head(d, a, u, rgb);
}

/* "call echo · 37 B" */
static void label_text(const struct trace_index *ix, const struct ti_msg *m, char *buf,
		       size_t len)
{
	char port[48];

	if (m->kind == TI_REPLY) {
		snprintf(buf, len, "reply · %llu B", (unsigned long long)m->size);
		return;
	}
	vz_port_label(ix, m->port, port, sizeof port);
	snprintf(buf, len, "%s %s · %llu B", m->kind == TI_CALL ? "call" : "send", port,
		 (unsigned long long)m->size);
}

/* Whether r would cover part of a thread band (labels go between lanes),
 * a collapsed idle stretch or a deadlock's line, arrows and title. */
static int on_band(const struct vz_frame *f, const struct seq_layout *S, struct vz_rect r)
{
	struct vz_rect strip, title;

	if (seq_deadlock_area(f, S, &strip, &title) &&
	    (vz_rects_meet(r, strip) || vz_rects_meet(r, title)))
		return 1;
	for (int i = 0; i < S->T.tm.ngaps; i++)
		if (r.x < (float)S->T.tm.gap[i].x1 && (float)S->T.tm.gap[i].x0 < r.x + r.w)
			return 1;
	for (size_t k = 0; k < S->shown; k++) {
		uint32_t node, pr = seq_row_proc(S, S->first + k, &node);
		float mid = pr != TI_NONE ? seq_lane_mid(S, pr) : -1e6f, half = S->bar_h / 2 + 1;
		if (pr == TI_NONE) {                /* a node's header: its name stays readable */
			half = S->R.head_h / 2 + 1;
			mid = rows_y(&S->R, S->first + k) + S->R.head_h / 2;
		}
		if (r.y < mid + half && mid - half < r.y + r.h)
			return 1;
	}
	return 0;
}

/* Whether r, with a margin, meets another label (half a line apart, so
 * that labels never stack) or any arrow drawn (its own included: a label
 * goes beside its arrow, not on it). */
static int taken(const struct seq_label *p, size_t np, const struct arrow *arr, size_t n,
		 struct vz_rect r, float u)
{
	struct vz_rect m = { r.x - 3 * u, r.y - 2 * u, r.w + 6 * u, r.h + 4 * u };
	struct vz_rect ml = { m.x, r.y - r.h / 2, m.w, 2 * r.h };  /* half a line apart */

	for (size_t i = 0; i < np; i++)
		if (vz_rects_meet(ml, p[i].r))
			return 1;
	for (size_t i = 0; i < n; i++)
		if (vz_seg_meets(m, arr[i].xs, arr[i].ys, arr[i].xe, arr[i].ye))
			return 1;
	return 0;
}

/* Whether a label of the same text is already placed near r (less than
 * three lines above or below it, overlapping it across): stacked, they
 * would not say which arrow each names. */
static int twin(const struct vz_frame *f, const struct seq_label *p, size_t np,
		const char *text, struct vz_rect r, float h)
{
	char buf[96];

	for (size_t i = 0; i < np; i++) {
		struct vz_rect q = p[i].r;
		if (q.x >= r.x + r.w || r.x >= q.x + q.w || fabsf(q.y - r.y) >= 3 * h)
			continue;
		label_text(f->ix, &f->ix->msgs[p[i].msg], buf, sizeof buf);
		if (strcmp(buf, text) == 0)
			return 1;
	}
	return 0;
}

/* Spot k of a label (w x h) of arrow a, in *r: at a point along the arrow
 * (just past the sender's band, just before the receiver's, half way, then
 * between), right or left of it, or above or below it, just clear of it.
 * Returns 0 when there is no such spot (a steep arrow has none above or
 * below, a flat one none at its sides). */
enum { SPOTS = 13 * 4 };

static int label_spot(const struct arrow *a, int k, float w, float h, float u,
		      struct vz_rect *r)
{
	static const float along[] = { 0.12f, 0.88f, 0.5f, 0.25f, 0.75f, 0.06f, 0.94f,
				       0.375f, 0.625f, 0.19f, 0.81f, 0.44f, 0.56f };
	float t = along[k / 4], dx = a->xe - a->xs, dy = a->ye - a->ys, px, py, side, over;

	if (k / 4 == 0 && fabsf(dy) > 0)          /* just past the sender's band */
		t = fminf(0.5f, (4 * u + h / 2) / fabsf(dy));
	else if (k / 4 == 1 && fabsf(dy) > 0)     /* just before the receiver's */
		t = fmaxf(0.5f, 1 - (10 * u + h / 2) / fabsf(dy));
	px = a->xs + dx * t;
	py = a->ys + dy * t;

	if (k % 4 < 2) {                          /* beside: the arrow's run over h */
		if (fabsf(dy) < 1e-3f || (side = fabsf(dx / dy) * h / 2) > 40 * u)
			return 0;
		*r = (struct vz_rect){ k % 4 ? px - side - 4 * u - w : px + side + 4 * u,
				       py - h / 2, w, h };
		return 1;
	}
	if (fabsf(dx) < 1e-3f || (over = fabsf(dy / dx) * w / 2) > 30 * u)
		return 0;                         /* above or below: its rise over w */
	*r = (struct vz_rect){ px - w / 2, k % 4 == 2 ? py - over - 4 * u - h : py + over + 4 * u,
			       w, h };
	return 1;
}

/* Labels beside the n arrows drawn, where they overlap nothing: no other
 * label, no arrow, no band, no collapsed stretch; at most max, in out.
 * Returns how many; an arrow with no such spot goes without. */
static size_t place_labels(const struct vz_frame *f, const struct seq_layout *S,
			   const size_t *idx, const struct arrow *arr, size_t n,
			   struct seq_label *out, size_t max)
{
	struct draw *d = f->d;
	float u = draw_unit(d), h = (float)draw_font_h(d, FONT_SMALL);
	size_t np = 0;
	char buf[96];

	for (size_t i = 0; i < n && np < max; i++) {
		const struct arrow *a = &arr[i];
		const struct ti_msg *m = &f->ix->msgs[idx[i]];
		float w;
		label_text(f->ix, m, buf, sizeof buf);
		w = (float)draw_text_w(d, FONT_SMALL, buf);
		for (int k = 0; k < SPOTS; k++) {
			struct vz_rect r;
			if (!label_spot(a, k, w, h, u, &r))
				continue;
			if (k % 4 >= 2) {         /* above or below: kept inside the lanes */
				r.x = fmaxf(r.x, fminf(S->T.lanes.x + 2 * u, r.x + w / 2));
				r.x = fminf(r.x, fmaxf(S->T.lanes.x + S->T.lanes.w - 2 * u - w,
						       r.x - w / 2));
			}
			if (r.x < S->T.lanes.x || r.x + r.w > S->T.lanes.x + S->T.lanes.w ||
			    on_band(f, S, r) || taken(out, np, arr, n, r, u) ||
			    twin(f, out, np, buf, r, h))
				continue;
			out[np++] = (struct seq_label){ r, idx[i] };
			break;
		}
	}
	return np;
}

static void draw_labels(const struct vz_frame *f, const struct seq_label *p, size_t np)
{
	char buf[96];

	for (size_t i = 0; i < np; i++) {
		const struct ti_msg *m = &f->ix->msgs[p[i].msg];
		label_text(f->ix, m, buf, sizeof buf);
		draw_fill_a(f->d, p[i].r.x - 1, p[i].r.y, p[i].r.w + 2, p[i].r.h, PAL_BG, 210);
		draw_text(f->d, FONT_SMALL, p[i].r.x, p[i].r.y, pal_mix(pal_msg(f->ix, m), PAL_TEXT,
			  0.35f), ALIGN_LEFT, buf);
	}
}

/* Whether the arrow was drawn just before between the same lanes at the
 * same pixels (then it is skipped). */
static int seen_before(int32_t (*dedup)[4], const struct arrow *a)
{
	uint32_t key = (a->from_lane * 2654435761u ^ a->to_lane * 40503u) & (DEDUP - 1);
	int32_t xs = (int32_t)floorf(a->xs), xe = (int32_t)floorf(a->xe);
	int32_t *e = dedup[key];

	if (e[0] == xs && e[1] == xe && e[2] == (int32_t)a->from_lane && e[3] == (int32_t)a->to_lane)
		return 1;
	e[0] = xs;
	e[1] = xe;
	e[2] = (int32_t)a->from_lane;
	e[3] = (int32_t)a->to_lane;
	return 0;
}

/* The first message sent at t or later, at index i or after: searched
 * forward by doubling steps (it is usually near), then by halving. */
static size_t sent_from(const struct trace_index *ix, size_t i, uint64_t t)
{
	size_t step = 1, lo = i, hi;

	while (i + step < ix->nmsgs && ix->msgs[i + step].send_ns < t) {
		lo = i + step;
		step *= 2;
	}
	hi = i + step < ix->nmsgs ? i + step + 1 : ix->nmsgs;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ix->msgs[mid].send_ns < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void draw_selected(const struct vz_frame *f, const struct seq_layout *S)
{
	const struct trace_index *ix = f->ix;
	const struct ti_msg *m = &ix->msgs[f->sel.i];
	uint32_t pair = m->kind == TI_CALL ? m->reply : m->reply_to;
	struct arrow a;

	if (pair != TI_NONE && arrow_of(f, S, &ix->msgs[pair], &a)) {
		draw_thick(f->d, a.xs, a.ys, a.xe, a.ye, 4 * draw_unit(f->d), pal_mix(PAL_SELECT, PAL_BG, 0.5f));
		draw_arrow(f, &ix->msgs[pair], &a, pal_msg(ix, &ix->msgs[pair]));
	}
	if (arrow_of(f, S, m, &a)) {
		draw_thick(f->d, a.xs, a.ys, a.xe, a.ye, 6 * draw_unit(f->d), PAL_SELECT);
		draw_arrow(f, m, &a, pal_msg(ix, m));
	}
}

/* More sends in the window than about one per two pixels: arrows drawn
 * thin and pale, without heads or labels - a texture showing where the
 * traffic is, with the state bands still readable. */
static int dense(const struct vz_frame *f, const struct seq_layout *S, size_t first)
{
	size_t last = sent_from(f->ix, first, f->to + (f->to < TI_NEVER));

	return (double)(last - first) > S->T.lanes.w / 2;
}

static void draw_dense(const struct vz_frame *f, const struct ti_msg *m, const struct arrow *a)
{
	uint32_t rgb = pal_mix(pal_msg(f->ix, m), PAL_BG, 0.7f);

	draw_line(f->d, a->xs, a->ys, a->xe, a->ye, rgb);
}

/* The arrows of the window, drawn when draw is set; the first LABELS in
 * lab and labidx (their messages). Returns how many there are (LABELS + 1
 * for more), 0 when they are drawn as a texture (no labels then). */
static size_t walk_msgs(const struct vz_frame *f, const struct seq_layout *S, int draw,
			struct arrow *lab, size_t *labidx)
{
	int32_t dedup[DEDUP][4];
	const struct trace_index *ix = f->ix;
	const struct timemap *tm = &S->T.tm;
	size_t i = trace_index_msgs_from(ix, f->from), nlab = 0;
	struct arrow a;
	int col_seen = INT32_MIN, in_col = 0, thick = !dense(f, S, i);

	memset(dedup, 0xff, sizeof dedup);
	while (i < ix->nmsgs && ix->msgs[i].send_ns <= f->to) {
		const struct ti_msg *m = &ix->msgs[i];
		double xs = timemap_x(tm, m->send_ns);
		int col = (int)floor(xs);
		in_col = col == col_seen ? in_col + 1 : 0;
		col_seen = col;
		if (in_col >= SEQ_PER_COLUMN && xs >= tm->x0) {    /* skip the rest of the column */
			size_t j = sent_from(ix, i + 1, timemap_t(tm, (double)col + 1));
			i = j > i + 1 ? j : i + 1;
			continue;
		}
		i++;
		if (!arrow_of(f, S, m, &a) || (m->end_ns != TI_NEVER && m->end_ns < f->from) ||
		    seen_before(dedup, &a))
			continue;
		if (!thick) {
			if (draw)
				draw_dense(f, m, &a);
			continue;
		}
		if (draw)
			draw_arrow(f, m, &a, pal_msg(ix, m));
		if (nlab < LABELS) {
			lab[nlab] = a;
			labidx[nlab] = i - 1;
		}
		nlab += nlab <= LABELS;
	}
	return thick ? nlab : 0;
}

void seq_draw_msgs(const struct vz_frame *f, const struct seq_layout *S)
{
	size_t labidx[LABELS], n;
	struct arrow lab[LABELS];
	struct seq_label placed[LABELS];

	n = walk_msgs(f, S, 1, lab, labidx);
	if (n <= LABELS)
		draw_labels(f, placed, place_labels(f, S, labidx, lab, n, placed, LABELS));
	if (f->sel.kind == PICK_MSG && f->sel.i < f->ix->nmsgs)
		draw_selected(f, S);
}

size_t seq_msg_labels(const struct vz_frame *f, const struct seq_layout *S,
		      struct seq_label *out, float (*seg)[4], size_t *nseg)
{
	size_t labidx[LABELS], n;
	struct arrow lab[LABELS];

	n = walk_msgs(f, S, 0, lab, labidx);
	*nseg = 0;
	if (n > LABELS)
		return 0;
	for (size_t i = 0; i < n; i++) {
		seg[*nseg][0] = lab[i].xs;
		seg[*nseg][1] = lab[i].ys;
		seg[*nseg][2] = lab[i].xe;
		seg[(*nseg)++][3] = lab[i].ye;
	}
	return place_labels(f, S, labidx, lab, n, out, LABELS);
}

/* Distance from (x, y) to the segment of a. */
static float seg_dist(const struct arrow *a, float x, float y)
{
	float dx = a->xe - a->xs, dy = a->ye - a->ys, l2 = dx * dx + dy * dy, t = 0;

	if (l2 > 0)
		t = fmaxf(0, fminf(1, ((x - a->xs) * dx + (y - a->ys) * dy) / l2));
	dx = a->xs + t * dx - x;
	dy = a->ys + t * dy - y;
	return sqrtf(dx * dx + dy * dy);
}

int seq_pick_msg(const struct vz_frame *f, const struct seq_layout *S, float x, float y,
		 size_t *out)
{
	const struct trace_index *ix = f->ix;
	float u = draw_unit(f->d), best = 6 * u;
	uint64_t t_lo = timemap_t(&S->T.tm, x - 8 * u), t_hi = timemap_t(&S->T.tm, x + 8 * u);
	size_t i = trace_index_msgs_from(ix, t_lo), n = 0;
	struct arrow a;
	int found = 0;

	for (; i < ix->nmsgs && ix->msgs[i].send_ns <= t_hi && n < SCAN_MAX; i++, n++) {
		float dist;
		if (!arrow_of(f, S, &ix->msgs[i], &a) || (dist = seg_dist(&a, x, y)) >= best)
			continue;
		best = dist;
		*out = i;
		found = 1;
	}
	return found;
}
