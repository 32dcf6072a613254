/*
 * view_topo_labels.c - the words on the nodes' picture of the topology
 * view: each link's label (its latency, bandwidth, MTU and loss, and the
 * packets it carried so far) and each move's ("worker moved from A at
 * 52 ms"), placed together so that none meets another label, a link, a
 * move's arc, a box or a node's title - moved along its line, to its other
 * side, or shortened, and left out (and counted) when no place is clear;
 * and the dashed arcs of the moves themselves. The frames, boxes and links
 * they label are laid out in view_topo_nodes.c.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "palette.h"
#include "view_topo.h"

enum { SCAN_MAX = 200000 };

/* Packets each way on link l sent in the window up to now, and those lost. */
static void link_counts(const struct vz_frame *f, uint32_t l, uint64_t *pk, uint64_t *lost)
{
	const struct trace_index *ix = f->ix;
	size_t n = 0;

	pk[0] = pk[1] = lost[0] = lost[1] = 0;
	for (size_t i = trace_index_pkts_from(ix, f->from);
	     i < ix->npkts && ix->pkts[i].sent_ns <= f->now && n < SCAN_MAX; i++, n++) {
		const struct ti_packet *p = &ix->pkts[i];
		if (p->link != l || p->sent_ns < f->from)
			continue;
		pk[p->dir]++;
		lost[p->dir] += p->fate == TI_PKT_LOST && p->arrive <= f->now;
	}
}

/* Does r meet curve k (as wide as pad on each side)? */
int topo_meets_curve(struct vz_rect r, const struct topo_link *k, float pad)
{
	float px = k->x0, py = k->y0;
	struct vz_rect m = { r.x - pad, r.y - pad, r.w + 2 * pad, r.h + 2 * pad };

	for (int s = 1; s <= CURVE_STEPS; s++) {
		float x, y, nx, ny;
		topo_link_at(k, (float)s / CURVE_STEPS, &x, &y, &nx, &ny);
		if (vz_seg_meets(m, px, py, x, y))
			return 1;
		px = x;
		py = y;
	}
	return 0;
}

/* Link k's label: its figures and its traffic so far (lines[0 .. *nl - 1],
 * line 2 in red when packets were lost; at most maxl lines), centred on
 * (*x, *y) beside the link at t along it, on the side of its normal that
 * points up (or left; side 1: the other); the rectangle its background
 * covers. */
static struct vz_rect link_label_at(const struct vz_frame *f, const struct topo_layout *L,
				    const struct topo_link *k, float t, int side, int maxl,
				    char (*lines)[VZ_LINE], int *nl, float *x, float *y,
				    int *lost_any)
{
	const struct trace_index *ix = f->ix;
	const struct ti_link *l = &ix->links[k->l];
	struct draw *d = f->d;
	float u = draw_unit(d), lh = (float)draw_font_h(d, FONT_SMALL) + u, w = 0, nx, ny, px, py;
	struct vz_rect r = { 0, 0, 0, 0 };
	char name[96];
	uint64_t pk[2], lost[2];
	const char *na = trace_index_str(ix, ix->nodes[l->a].name);
	const char *nb = trace_index_str(ix, ix->nodes[l->b].name);
	size_t len;

	vz_link_title(ix, k->l, name, sizeof name, lines[0], VZ_LINE, lines[1], VZ_LINE);
	link_counts(f, k->l, pk, lost);
	len = (size_t)snprintf(lines[2], VZ_LINE, "%s→%s %llu · %s→%s %llu packets", na, nb,
			       (unsigned long long)pk[0], nb, na, (unsigned long long)pk[1]);
	if (lost[0] + lost[1] && len < VZ_LINE)
		snprintf(lines[2] + len, VZ_LINE - len, " · %llu lost",
			 (unsigned long long)(lost[0] + lost[1]));
	*lost_any = lost[0] + lost[1] > 0;
	*nl = L->node[0].h < 240 * u ? 1 : 3;       /* a small picture: the figures only */
	*nl = *nl < maxl ? *nl : maxl;
	for (int i = 0; i < *nl; i++) {
		float tw = (float)draw_text_w(d, FONT_SMALL, lines[i]);
		w = tw > w ? tw : w;
	}
	topo_link_at(k, t, &px, &py, &nx, &ny);
	if ((ny > 0 || (ny == 0 && nx > 0)) != side) {     /* the normal that points up (or left) */
		nx = -nx;
		ny = -ny;
	}
	/* along the normal, just far enough that the link's band misses it */
	for (float dist = 8 * u; dist < 160 * u; dist += 3 * u) {
		*x = px + nx * dist;
		*y = py + ny * dist;
		r = (struct vz_rect){ *x - w / 2 - 4 * u, *y - (float)*nl * lh / 2 - 2 * u, w + 8 * u,
				      (float)*nl * lh + 4 * u };
		if (!topo_meets_curve(r, k, 6 * u))
			break;
	}
	return r;
}

/* Move i (of ix->moves) as drawn: the dashed arc from the node the process
 * left to its box, and its label ("worker moved from A at ...") in buf,
 * ("worker from A" when brief) centred on (*x, *y) dist px above (or below)
 * the arc at t along it; the rectangle the label's background covers. 0
 * when the window does not show the move. */
static int move_at(const struct vz_frame *f, const struct topo_layout *L, size_t i, float t,
		   int below, int brief, float dist, struct topo_link *arc, char *buf, size_t len,
		   float *x, float *y, struct vz_rect *r)
{
	const struct trace_index *ix = f->ix;
	const struct ti_move *mv = &ix->moves[i];
	const struct topo_node *o = topo_frame_of(L, mv->from);
	float u = draw_unit(f->d), sh = (float)draw_font_h(f->d, FONT_SMALL), tw, x0, y0, x1, y1;
	struct topo_box fr = { 0 };
	const struct topo_box *b;
	char at[32];

	if (mv->ns < f->from || mv->ns > f->now || !o || mv->proc >= TOPO_BOXES ||
	    L->box_of[mv->proc] < 0)
		return 0;
	b = &L->box[L->box_of[mv->proc]];
	fr.x = o->x;
	fr.y = o->y;
	fr.w = o->w;
	fr.h = o->h;
	topo_box_exit(&fr, b->x + b->w / 2, b->y, &x0, &y0);
	x1 = b->x + b->w / 2;
	y1 = b->y;
	/* a dashed arc over the boxes between, from the node left to the box's top */
	*arc = (struct topo_link){ 0, x0, y0, x1, y1, (x0 + x1) / 2, fminf(y0, y1) - 90 * u };
	topo_bend_clear(L, arc, o, topo_frame_of(L, mv->to), u, 0);
	fmt_time(mv->ns, at, sizeof at);
	if (brief)
		snprintf(buf, len, "%s from %s", vz_proc_name(ix, mv->proc),
			 trace_index_str(ix, ix->nodes[mv->from].name));
	else
		snprintf(buf, len, "%s moved from %s at %s", vz_proc_name(ix, mv->proc),
			 trace_index_str(ix, ix->nodes[mv->from].name), at);
	tw = (float)draw_text_w(f->d, FONT_SMALL, buf);
	topo_link_at(arc, t, &x0, &y0, &x1, &y1);
	*x = x0;
	*y = below ? y0 + dist : y0 - sh - dist;
	*r = (struct vz_rect){ *x - tw / 2 - 3 * u, *y - u, tw + 6 * u, sh + 2 * u };
	return 1;
}

/* A label of the nodes' picture: a link's figures or a move's words, where
 * it is drawn. */
struct node_label {
	struct vz_rect r;         /* its background */
	float x, y;               /* its text's centre (top) */
	size_t i;                 /* L->link index, or ix->moves index */
	int move, nl, lost;
	char lines[3][VZ_LINE];
};

/* Is r clear of the nodes' titles (for a link's label, own >= 0, of their
 * frames' edges; for move mv's, of the frames of the nodes other than the
 * two it went between), the boxes, the links (own: the link r labels, whose
 * middle line only counts), the moves' arcs and the labels placed so far
 * (out[0 .. n - 1]), and inside the area? */
static int label_clear(const struct vz_frame *f, const struct topo_layout *L, struct vz_rect r,
		       const struct topo_link *arcs, size_t narcs, const struct node_label *out,
		       size_t n, int own, const struct ti_move *mv)
{
	float u = draw_unit(f->d);

	if (r.x < L->area.x || r.y < L->area.y || r.x + r.w > L->area.x + L->area.w ||
	    r.y + r.h > L->area.y + L->area.h)
		return 0;
	for (size_t i = 0; i < L->nnodes; i++) {
		const struct topo_node *nd = &L->node[i];
		int meets = vz_rects_meet(r, (struct vz_rect){ nd->x, nd->y, nd->w, nd->h });
		if (vz_rects_meet(r, (struct vz_rect){ nd->x, nd->y, nd->w, nd->head_h }))
			return 0;
		if (meets && own >= 0 &&          /* a link's label: across the frame's edge */
		    (r.x < nd->x || r.y < nd->y || r.x + r.w > nd->x + nd->w ||
		     r.y + r.h > nd->y + nd->h))
			return 0;
		if (meets && mv && nd->n != mv->from && nd->n != mv->to)   /* a third node's */
			return 0;
	}
	for (size_t i = 0; i < L->n; i++)
		if (vz_rects_meet(r, (struct vz_rect){ L->box[i].x, L->box[i].y, L->box[i].w + 3 * u,
						       L->box[i].h + 3 * u }))
			return 0;
	for (size_t i = 0; i < L->nlinks; i++)       /* its own link: its middle line only */
		if (topo_meets_curve(r, &L->link[i], (int)i == own ? 0 : 6 * u))
			return 0;
	for (size_t i = 0; i < narcs; i++)
		if (topo_meets_curve(r, &arcs[i], 2 * u))
			return 0;
	for (size_t i = 0; i < n; i++)
		if (vz_rects_meet(r, out[i].r))
			return 0;
	return 1;
}

static const float spots[] = { 0.5f, 0.45f, 0.55f, 0.4f, 0.6f, 0.35f, 0.65f, 0.3f, 0.7f,
				0.2f, 0.8f };
enum { NSPOTS = sizeof spots / sizeof spots[0] };

/* The labels of the links and of the moves in the window up to now, each
 * where it meets no title, box, link, arc or other label: a link's beside
 * its middle or further along, on either side, with fewer lines if need
 * be; a move's above or below its arc. One with no such place is left
 * out. Returns how many (at most max); the moves' arcs in arcs (*narcs of
 * them, move_of[k] the index in ix->moves of arc k). */
static size_t place_node_labels(const struct vz_frame *f, const struct topo_layout *L,
				struct node_label *out, size_t max, struct topo_link *arcs,
				size_t *move_of, size_t *narcs)
{
	const struct trace_index *ix = f->ix;
	float u = draw_unit(f->d);
	size_t n = 0, na = 0;

	for (size_t i = 0; i < ix->nmoves && ix->moves[i].ns <= f->now && na < TOPO_TAKEN; i++) {
		char buf[VZ_LINE];
		float x, y;
		struct vz_rect r;
		if (move_at(f, L, i, 0.5f, 0, 0, 0, &arcs[na], buf, sizeof buf, &x, &y, &r))
			move_of[na++] = i;
	}
	*narcs = na;
	for (size_t i = 0; i < L->nlinks && n < max; i++) {
		struct node_label *o = &out[n];
		int done = 0;
		for (int maxl = 3; maxl >= 1 && !done; maxl--)
			for (int k = 0; k < 2 * NSPOTS && !done; k++) {
				o->r = link_label_at(f, L, &L->link[i], spots[k / 2], k % 2, maxl,
						     o->lines, &o->nl, &o->x, &o->y, &o->lost);
				done = label_clear(f, L, o->r, arcs, na, out, n, (int)i, NULL);
			}
		if (!done)
			continue;
		o->i = i;
		o->move = 0;
		n++;
	}
	for (size_t a = 0; a < na && n < max; a++) {
		struct node_label *o = &out[n];
		struct topo_link arc;
		int done = 0;
		for (int k = 0; k < 4 * NSPOTS && !done; k++)     /* in full, then shorter */
			for (float dist = 4 * u; dist < 80 * u && !done; dist += 3 * u) {
				move_at(f, L, move_of[a], spots[k % (2 * NSPOTS) / 2], k % 2,
					k >= 2 * NSPOTS, dist, &arc, o->lines[0], VZ_LINE, &o->x,
					&o->y, &o->r);
				done = label_clear(f, L, o->r, arcs, na, out, n, -1,
						   &f->ix->moves[move_of[a]]);
			}
		if (!done)
			continue;
		o->i = move_of[a];
		o->move = 1;
		o->nl = 1;
		n++;
	}
	return n;
}

/* A dashed arrow from the node a process left to its box, for each move
 * in the window up to now; and the labels of the links and of the moves,
 * drawn over the boxes' edges. */
void topo_draw_moves(const struct vz_frame *f, const struct topo_layout *L)
{
	struct draw *d = f->d;
	float u = draw_unit(d), lh = (float)draw_font_h(d, FONT_SMALL) + u;
	struct node_label lab[TOPO_TAKEN];
	struct topo_link arcs[TOPO_TAKEN];
	size_t move_of[TOPO_TAKEN], na, n = place_node_labels(f, L, lab, TOPO_TAKEN, arcs, move_of,
							     &na);

	for (size_t a = 0; a < na; a++) {
		const struct topo_link *arc = &arcs[a];
		uint32_t to = f->ix->moves[move_of[a]].to;
		for (int s = 0; s < CURVE_STEPS; s += 2) {
			float xa, ya, xb, yb, nx, ny;
			topo_link_at(arc, (float)s / CURVE_STEPS, &xa, &ya, &nx, &ny);
			topo_link_at(arc, (float)(s + 1) / CURVE_STEPS, &xb, &yb, &nx, &ny);
			draw_thick(d, xa, ya, xb, yb, 2 * u, pal_node(to));
		}
		draw_tri(d, arc->x1, arc->y1, arc->x1 - 5 * u, arc->y1 - 9 * u, arc->x1 + 5 * u,
			 arc->y1 - 9 * u, pal_node(to));
	}
	for (size_t i = 0; i < n; i++) {
		const struct node_label *o = &lab[i];
		if (o->move) {
			draw_fill_a(d, o->r.x, o->r.y, o->r.w, o->r.h, PAL_BG, 230);
			draw_text(d, FONT_SMALL, o->x, o->y, pal_node(f->ix->moves[o->i].to),
				  ALIGN_CENTER, o->lines[0]);
			continue;
		}
		draw_fill_a(d, o->r.x, o->r.y, o->r.w, o->r.h, PAL_BG, 225);
		for (int k = 0; k < o->nl; k++)
			draw_text(d, FONT_SMALL, o->x, o->y - (float)o->nl * lh / 2 + lh * (float)k,
				  k == 2 && o->lost ? PAL_DROP : k ? PAL_DIM : PAL_TEXT, ALIGN_CENTER,
				  o->lines[k]);
	}
}

size_t topo_move_arcs(const struct vz_frame *f, const struct topo_layout *L,
		      struct topo_link *out, size_t max)
{
	struct node_label lab[TOPO_TAKEN];
	struct topo_link arcs[TOPO_TAKEN];
	size_t move_of[TOPO_TAKEN], na;

	place_node_labels(f, L, lab, TOPO_TAKEN, arcs, move_of, &na);
	na = na < max ? na : max;
	for (size_t i = 0; i < na; i++)
		out[i] = arcs[i];
	return na;
}

size_t topo_node_labels_left_out(const struct vz_frame *f, const struct topo_layout *L)
{
	struct node_label lab[TOPO_TAKEN];
	struct topo_link arcs[TOPO_TAKEN];
	size_t move_of[TOPO_TAKEN], na, n = place_node_labels(f, L, lab, TOPO_TAKEN, arcs, move_of,
							     &na);

	return L->nlinks + na - n;
}

size_t topo_node_labels(const struct vz_frame *f, const struct topo_layout *L,
			struct vz_rect *out, size_t max)
{
	struct node_label lab[TOPO_TAKEN];
	struct topo_link arcs[TOPO_TAKEN];
	size_t move_of[TOPO_TAKEN], na, n = place_node_labels(f, L, lab, TOPO_TAKEN, arcs, move_of,
							     &na);

	n = n < max ? n : max;
	for (size_t i = 0; i < n; i++)
		out[i] = lab[i].r;
	return n;
}

void topo_fit_parts(struct draw *d, char *s, float room)
{
	char *cut;

	while ((float)draw_text_w(d, FONT_SMALL, s) > room) {
		if (!(cut = strrchr(s, 0xb7)) || cut - s < 2) {   /* the first part: all or none */
			s[0] = 0;
			return;
		}
		cut[-2] = 0;                  /* " · " is ' ', 0xc2 0xb7, ' ' */
	}
}
