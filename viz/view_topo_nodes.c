/*
 * view_topo_nodes.c - the topology view of a run with several machines:
 * each node a frame around its processes' boxes, with its network server
 * on the side its links leave from; the links between the network servers,
 * labelled with their latency, bandwidth, MTU and loss and the packets they
 * carried so far; a process that moved to another node drawn with a dashed
 * arc from the node it left. The labels of the links and of the moves are
 * view_topo_labels.c's; the packets themselves, on the links and in the
 * links' charts, view_topo_packets.c's.
 *
 * The one idea: a message to another node is drawn as the path it takes -
 * to its node's network server, over the link, from the other node's
 * server to its port: the edges of view_topo_edges.c are split at the
 * servers, and the links join the servers' boxes, so the packets between
 * them ride on what is drawn here.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "palette.h"
#include "view_topo.h"

/* Node k's cell of n in area a, gx and gy apart: a grid as square as can
 * be; with three nodes the first takes the whole left column. */
static struct vz_rect node_cell(size_t n, size_t k, struct vz_rect a, float gx, float gy)
{
	size_t cols = 1, rows, col = k, row = 0, span = 1;
	float cw, ch;

	while (cols * cols < n)
		cols++;
	rows = (n + cols - 1) / cols;
	if (n == 3) {
		cols = rows = 2;
		col = k ? 1 : 0;
		row = k ? k - 1 : 0;
		span = k ? 1 : 2;
	} else {
		col = k % cols;
		row = k / cols;
	}
	cw = (a.w - gx * (float)(cols - 1)) / (float)cols;
	ch = (a.h - gy * (float)(rows - 1)) / (float)rows;
	return (struct vz_rect){ a.x + (cw + gx) * (float)col, a.y + (ch + gy) * (float)row, cw,
				 ch * (float)span + gy * (float)(span - 1) };
}

/* The grid cell of node k of n: their order, except that in a grid of three
 * columns a hub - the node with the most links, three at least and more
 * than any other - takes the cell next to every other (the top row's middle in two rows, the
 * centre in three), so that its links reach the others without crossing a
 * node; the node of that cell takes its place. */
static size_t cell_of(const struct trace_index *ix, size_t n, size_t k)
{
	size_t hub = 0, best = 0, second = 0, cell = n <= 6 ? 1 : 4;

	if (n < 5 || n > 9)
		return k;
	for (size_t i = 0; i < n; i++) {
		size_t deg = 0;
		for (size_t l = 0; l < ix->nlinks; l++)
			deg += ix->links[l].a == i || ix->links[l].b == i;
		if (deg > best) {
			second = best;
			best = deg;
			hub = i;
		} else if (deg > second) {
			second = deg;
		}
	}
	if (best < 3 || best == second)
		return k;               /* no hub (a chain, a ring): their order */
	return k == hub ? cell : k == cell ? hub : k;
}

/* The frame of node n in the layout, or NULL when it is not shown. */
const struct topo_node *topo_frame_of(const struct topo_layout *L, uint32_t n)
{
	for (size_t i = 0; i < L->nnodes; i++)
		if (L->node[i].n == n)
			return &L->node[i];
	return NULL;
}

/* The side of node frame k its links leave from, towards the nodes at
 * their other ends: 0 right, 1 left, 2 bottom, 3 top; -1 without links. */
static int link_side(const struct trace_index *ix, const struct topo_layout *L, size_t k)
{
	const struct topo_node *a = &L->node[k];
	float dx = 0, dy = 0;
	int n = 0;

	for (size_t i = 0; i < ix->nlinks; i++) {
		const struct ti_link *l = &ix->links[i];
		const struct topo_node *o;
		if (l->a != a->n && l->b != a->n)
			continue;
		if (!(o = topo_frame_of(L, l->a == a->n ? l->b : l->a)) || o == a)
			continue;
		dx += o->x + o->w / 2 - a->x - a->w / 2;
		dy += o->y + o->h / 2 - a->y - a->h / 2;
		n++;
	}
	if (!n)
		return -1;
	if (fabsf(dx) >= fabsf(dy))
		return dx >= 0 ? 0 : 1;
	return dy >= 0 ? 2 : 3;
}

/* A new box for process pr, or NULL when there is no room. */
static struct topo_box *new_box(struct topo_layout *L, uint32_t pr)
{
	struct topo_box *b;

	if (L->n == TOPO_BOXES || pr >= TOPO_BOXES)
		return NULL;
	b = &L->box[L->n];
	memset(b, 0, sizeof *b);
	b->pr = pr;
	L->box_of[pr] = (int)L->n++;
	return b;
}

/* Node k's network server's box, on side (of its frame's inner rectangle
 * *in, which it narrows). */
static void place_net(const struct vz_frame *f, struct topo_layout *L, size_t k, int side,
		      struct vz_rect *in)
{
	float u = draw_unit(f->d), w, h;
	uint32_t pr = f->ix->nodes[L->node[k].n].net;
	struct topo_box *b;

	if (pr == TI_NONE || trace_index_node_at(f->ix, pr, f->now) != L->node[k].n ||
	    !(b = new_box(L, pr)))
		return;
	b->net = 1;
	w = fminf(200 * u, in->w * (side < 2 ? 0.4f : 0.8f));
	h = topo_box_height(f, pr);
	if (h + 8 * u > in->h || w < 140 * u) {   /* no room: its name only */
		b->compact = 1;
		h = (float)draw_font_h(f->d, FONT_BOLD) + 12 * u;
	}
	if (h > in->h || w <= 0) {                /* not even that: no box */
		L->box_of[pr] = -1;
		L->n--;
		return;
	}
	if (side < 0)
		side = 2;
	b->w = w;
	b->h = h;
	b->x = side == 0 ? in->x + in->w - w : side == 1 ? in->x : in->x + (in->w - w) / 2;
	b->y = side == 2 ? in->y + in->h - h : side == 3 ? in->y : in->y + (in->h - h) / 2;
	if (side == 0 || side == 1) {
		in->w -= w + 16 * u;
		in->x += side == 1 ? w + 16 * u : 0;
	} else {
		in->h -= h + 14 * u;
		in->y += side == 3 ? h + 14 * u : 0;
	}
	L->node[k].net = L->box_of[pr];
}

/* The boxes of node k's other processes in a grid inside in: unfolded
 * (threads, queues) when they fit, else compact. */
static void place_procs(const struct vz_frame *f, struct topo_layout *L, size_t k,
			struct vz_rect in)
{
	const struct trace_index *ix = f->ix;
	float u = draw_unit(f->d), ports = 44 * u, tall = 0, small;
	size_t cnt = 0, cols, rows, i = 0;
	uint32_t n = L->node[k].n;
	int compact;

	for (uint32_t pr = 0; pr < ix->nprocs && pr < TOPO_BOXES; pr++)
		if (L->box_of[pr] < 0 && ix->procs[pr].pid && trace_index_node_at(ix, pr, f->now) == n) {
			float h = topo_box_height(f, pr);
			tall = h > tall ? h : tall;
			cnt++;
		}
	if (!cnt)
		return;
	for (cols = 1; cols < cnt; cols++) {        /* the fewest columns whose rows fit */
		rows = (cnt + cols - 1) / cols;
		if (in.h / (float)rows >= tall + ports + 8 * u)
			break;
	}
	rows = (cnt + cols - 1) / cols;
	compact = in.h / (float)rows < tall + ports + 8 * u || in.w / (float)cols < 150 * u;
	small = (float)draw_font_h(f->d, FONT_BOLD) + 12 * u;
	if (compact) {
		cols = (size_t)fmaxf(1, in.w / (170 * u));
		rows = (cnt + cols - 1) / cols;
	}
	for (uint32_t pr = 0; pr < ix->nprocs && pr < TOPO_BOXES; pr++) {
		float cw = in.w / (float)cols, ch = in.h / (float)rows, need;
		if (compact)                          /* rows apart; those past in left out */
			ch = fmaxf(ch, small + 3 * u);
		struct topo_box *b;
		if (L->box_of[pr] >= 0 || !ix->procs[pr].pid ||
		    trace_index_node_at(ix, pr, f->now) != n || !(b = new_box(L, pr)))
			continue;
		b->compact = compact;
		b->w = fminf(compact ? 170 * u : 240 * u, cw - 16 * u);
		b->h = compact ? small : topo_box_height(f, pr);
		if (!compact)
			topo_place_ports(ix, b);
		need = b->h + (b->nports ? ports : 0);
		b->x = in.x + cw * (float)(i % cols) + (cw - b->w) / 2;
		b->y = in.y + ch * (float)(i / cols) + (compact ? 3 * u : fmaxf(0, (ch - need) / 2));
		i++;
		if (b->y + b->h > in.y + in.h || b->w <= 0) {   /* out of its node: not shown */
			L->box_of[pr] = -1;
			L->n--;
		}
	}
}

/* Whether the point (x, y) is inside a node frame other than a and b. */
static int hits_other(const struct topo_layout *L, float x, float y, const struct topo_node *a,
		      const struct topo_node *b)
{
	for (size_t i = 0; i < L->nnodes; i++) {
		const struct topo_node *o = &L->node[i];
		if (o != a && o != b && x > o->x - 4 && x < o->x + o->w + 4 && y > o->y - 4 &&
		    y < o->y + o->h + 4)
			return 1;
	}
	return 0;
}

void topo_link_at(const struct topo_link *k, float t, float *x, float *y, float *nx, float *ny)
{
	float s = 1 - t, dx, dy, len;

	*x = s * s * k->x0 + 2 * s * t * k->cx + t * t * k->x1;
	*y = s * s * k->y0 + 2 * s * t * k->cy + t * t * k->y1;
	dx = 2 * s * (k->cx - k->x0) + 2 * t * (k->x1 - k->cx);
	dy = 2 * s * (k->cy - k->y0) + 2 * t * (k->y1 - k->cy);
	len = sqrtf(dx * dx + dy * dy) + 1e-6f;
	*nx = -dy / len;
	*ny = dx / len;
}

/* The point of node n's network server's box (or frame) where a link to
 * (tx, ty) leaves it. */
static void link_end(const struct topo_layout *L, const struct topo_node *a, float tx, float ty,
		     float *x, float *y)
{
	struct topo_box fr = { 0 };

	if (a->net >= 0) {
		topo_box_exit(&L->box[a->net], tx, ty, x, y);
		return;
	}
	fr.x = a->x;
	fr.y = a->y;
	fr.w = a->w;
	fr.h = a->h;
	topo_box_exit(&fr, tx, ty, x, y);
}

static void centre(const struct topo_layout *L, const struct topo_node *a, float *x, float *y)
{
	const struct topo_box *b = a->net >= 0 ? &L->box[a->net] : NULL;

	*x = b ? b->x + b->w / 2 : a->x + a->w / 2;
	*y = b ? b->y + b->h / 2 : a->y + a->h / 2;
}

/* Does curve k cross a node frame other than a and b, or (within: 1)
 * leave the area of the boxes? */
static int curve_hits(const struct topo_layout *L, const struct topo_link *k,
		      const struct topo_node *a, const struct topo_node *b, int within)
{
	for (int s = 1; s < CURVE_STEPS; s++) {
		float x, y, nx, ny;
		topo_link_at(k, (float)s / CURVE_STEPS, &x, &y, &nx, &ny);
		if (hits_other(L, x, y, a, b) ||
		    (within && (x < L->area.x || y < L->area.y || x > L->area.x + L->area.w ||
				y > L->area.y + L->area.h)))
			return 1;
	}
	return 0;
}

/* Curve k as it is when it crosses no other node (and, within, stays in
 * the area of the boxes); else bent one way or the other from its chord
 * until it does (as it is when no bend helps). */
void topo_bend_clear(const struct topo_layout *L, struct topo_link *k,
		     const struct topo_node *a, const struct topo_node *b, float u, int within)
{
	static const float bends[] = { 1, -1, 2, -2, 3, -3, 4, -4, 5, -5, 6, -6 };
	float dx = k->x1 - k->x0, dy = k->y1 - k->y0, len = sqrtf(dx * dx + dy * dy) + 1e-6f;
	float cx = k->cx, cy = k->cy;

	if (!curve_hits(L, k, a, b, within))
		return;
	for (size_t i = 0; i < sizeof bends / sizeof bends[0]; i++) {
		k->cx = (k->x0 + k->x1) / 2 - dy / len * bends[i] * 70 * u;
		k->cy = (k->y0 + k->y1) / 2 + dx / len * bends[i] * 70 * u;
		if (!curve_hits(L, k, a, b, within))
			return;
	}
	k->cx = cx;
	k->cy = cy;
}

/* Link l between the network servers of its nodes, bent around the other
 * nodes in its way, inside the area of the boxes. */
static void place_link(const struct vz_frame *f, struct topo_layout *L, uint32_t l)
{
	const struct ti_link *k = &f->ix->links[l];
	const struct topo_node *a = topo_frame_of(L, k->a), *b = topo_frame_of(L, k->b);
	struct topo_link *t;
	float ax, ay, bx, by;

	if (!a || !b || a == b || L->nlinks == TOPO_LINKS)
		return;
	t = &L->link[L->nlinks++];
	t->l = l;
	centre(L, a, &ax, &ay);
	centre(L, b, &bx, &by);
	link_end(L, a, bx, by, &t->x0, &t->y0);
	link_end(L, b, ax, ay, &t->x1, &t->y1);
	t->cx = (t->x0 + t->x1) / 2;            /* straight, unless a node is in the way */
	t->cy = (t->y0 + t->y1) / 2;
	topo_bend_clear(L, t, a, b, draw_unit(f->d), 1);
}

void topo_layout_nodes(const struct vz_frame *f, struct vz_rect p, struct topo_layout *L)
{
	const struct trace_index *ix = f->ix;
	float u = draw_unit(f->d), strip = 44 * u + (float)draw_font_h(f->d, FONT_SMALL);
	float bottom, gap = 0, head = (float)draw_font_h(f->d, FONT_BOLD) + 14 * u;
	size_t n = ix->nnodes < TOPO_NODES ? ix->nnodes : TOPO_NODES;
	struct vz_rect a;

	L->chart_h = 42 * u;
	L->ncharts = ix->nlinks < TOPO_CHARTS ? ix->nlinks : TOPO_CHARTS;
	while (L->ncharts && (float)L->ncharts * L->chart_h > 0.3f * p.h - strip)
		L->ncharts--;                  /* the nodes keep most of the height */
	if (L->ncharts)
		gap = 8 * u;
	bottom = strip + (float)L->ncharts * L->chart_h + gap;
	vz_time_layout(f, (struct vz_rect){ p.x, p.y + p.h - bottom, p.w, bottom }, 120 * u, &L->T);
	L->charts = (struct vz_rect){ L->T.lanes.x, L->T.lanes.y, L->T.lanes.w,
				      (float)L->ncharts * L->chart_h };
	L->strip = (struct vz_rect){ L->T.lanes.x, L->T.lanes.y + L->charts.h + gap, L->T.lanes.w,
				     L->T.lanes.h - L->charts.h - gap };
	L->area = a = (struct vz_rect){ p.x + 16 * u, p.y + 14 * u, p.w - 32 * u,
					p.h - bottom - 30 * u };
	L->n = 0;
	for (size_t i = 0; i < TOPO_BOXES; i++)
		L->box_of[i] = -1;
	L->nnodes = n;
	for (size_t k = 0; k < n; k++) {
		struct vz_rect c = node_cell(n, cell_of(ix, n, k), a, 150 * u, 56 * u);
		L->node[k] = (struct topo_node){ (uint32_t)k, c.x, c.y, c.w, c.h, head, -1 };
	}
	for (size_t k = 0; k < n; k++) {
		const struct topo_node *nd = &L->node[k];
		struct vz_rect in = { nd->x + 10 * u, nd->y + head, nd->w - 20 * u,
				      nd->h - head - 10 * u };
		place_net(f, L, k, link_side(ix, L, k), &in);
		place_procs(f, L, k, in);
	}
	L->nlinks = 0;
	for (uint32_t l = 0; l < ix->nlinks; l++)
		place_link(f, L, l);
}

/* ---- drawing ---- */

static void draw_frame2(struct draw *d, float x, float y, float w, float h, uint32_t rgb)
{
	draw_frame(d, x, y, w, h, rgb);
	draw_frame(d, x + 1, y + 1, w - 2, h - 2, rgb);
}

static void draw_curve(struct draw *d, const struct topo_link *k, float width, uint32_t rgb)
{
	float px = k->x0, py = k->y0;

	for (int s = 1; s <= CURVE_STEPS; s++) {
		float x, y, nx, ny;
		topo_link_at(k, (float)s / CURVE_STEPS, &x, &y, &nx, &ny);
		draw_thick(d, px, py, x, y, width, rgb);
		px = x;
		py = y;
	}
}

void topo_draw_nodes(const struct vz_frame *f, const struct topo_layout *L)
{
	const struct trace_index *ix = f->ix;
	struct draw *d = f->d;
	float u = draw_unit(d), bh = (float)draw_font_h(d, FONT_BOLD), x;
	float sh = (float)draw_font_h(d, FONT_SMALL);
	char name[96], sub[VZ_LINE];

	for (size_t i = 0; i < L->nnodes; i++) {
		const struct topo_node *nd = &L->node[i];
		draw_fill(d, nd->x, nd->y, nd->w, nd->h, pal_mix(pal_node_tint(nd->n), PAL_BG, 0.4f));
	}
	for (size_t i = 0; i < L->nlinks; i++) {
		const struct topo_link *k = &L->link[i];
		int sel = f->sel.kind == PICK_LINK && f->sel.i == k->l;
		if (sel)
			draw_curve(d, k, 16 * u, pal_mix(PAL_SELECT, PAL_BG, 0.4f));
		draw_curve(d, k, 11 * u, 0xc9d1d9);
		draw_curve(d, k, 8 * u, 0xeef1f4);
	}
	for (size_t i = 0; i < L->nnodes; i++) {      /* over the links: their titles */
		const struct topo_node *nd = &L->node[i];
		int sel = f->sel.kind == PICK_NODE && f->sel.i == nd->n;
		draw_fill(d, nd->x, nd->y, nd->w, nd->head_h - 4 * u, pal_node_tint(nd->n));
		draw_frame2(d, nd->x, nd->y, nd->w, nd->h, sel ? PAL_SELECT : pal_node(nd->n));
		vz_node_title(ix, nd->n, name, sizeof name, sub, sizeof sub);
		x = nd->x + 10 * u;              /* the title, and what the node is where it fits */
		x += (float)draw_text_fit(d, FONT_BOLD, x, nd->y + 5 * u, pal_node(nd->n), ALIGN_LEFT,
					  name, nd->w - 20 * u) + 10 * u;
		topo_fit_parts(d, sub, nd->x + nd->w - 10 * u - x);
		draw_text(d, FONT_SMALL, x, nd->y + 5 * u + bh - sh - 1, PAL_DIM, ALIGN_LEFT, sub);
	}
	if (ix->nnodes > TOPO_NODES) {
		char buf[64];
		snprintf(buf, sizeof buf, "the first %d of %zu nodes", TOPO_NODES, ix->nnodes);
		draw_text(d, FONT_SMALL, L->T.gutter.x + 12 * u, L->node[0].y - sh - 2 * u,
			  PAL_FAINT, ALIGN_LEFT, buf);
	}
}

/* The link drawn for ix->links[l], or NULL. */
/* ---- picking ---- */

/* Distance from (x, y) to the segment (x0, y0) - (x1, y1). */
float topo_seg_dist(float x0, float y0, float x1, float y1, float x, float y)
{
	float dx = x1 - x0, dy = y1 - y0, l2 = dx * dx + dy * dy, t = 0;

	if (l2 > 0)
		t = fmaxf(0, fminf(1, ((x - x0) * dx + (y - y0) * dy) / l2));
	dx = x0 + t * dx - x;
	dy = y0 + t * dy - y;
	return sqrtf(dx * dx + dy * dy);
}

/* A packet on a link at the current time, or in a chart, near (x, y). */
int topo_pick_nodes(const struct vz_frame *f, const struct topo_layout *L, float x, float y,
		    struct vz_pick *pk)
{
	float u = draw_unit(f->d);

	for (size_t k = 0; k < L->nlinks; k++) {
		float px = L->link[k].x0, py = L->link[k].y0;
		for (int s = 1; s <= CURVE_STEPS; s++) {
			float qx, qy, nx, ny;
			topo_link_at(&L->link[k], (float)s / CURVE_STEPS, &qx, &qy, &nx, &ny);
			if (topo_seg_dist(px, py, qx, qy, x, y) < 7 * u) {
				*pk = (struct vz_pick){ PICK_LINK, L->link[k].l, 0 };
				return 1;
			}
			px = qx;
			py = qy;
		}
	}
	for (size_t k = 0; k < L->nnodes; k++) {
		const struct topo_node *nd = &L->node[k];
		if (x >= nd->x && y >= nd->y && x < nd->x + nd->w && y < nd->y + nd->h) {
			*pk = (struct vz_pick){ PICK_NODE, nd->n, 0 };
			return 1;
		}
	}
	return 0;
}
