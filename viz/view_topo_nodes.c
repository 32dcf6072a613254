/*
 * view_topo_nodes.c - the topology view of a run with several machines:
 * each node a frame around its processes' boxes, with its network server
 * on the side its links leave from; the links between the network servers,
 * labelled with their latency, bandwidth, MTU and loss and the packets they
 * carried so far; a process that moved to another node drawn with a dashed
 * arc from the node it left. The packets themselves, on the links and in
 * the links' charts, are view_topo_packets.c's.
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

enum { SCAN_MAX = 200000 };

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
static const struct topo_node *frame_of(const struct topo_layout *L, uint32_t n)
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
		if (!(o = frame_of(L, l->a == a->n ? l->b : l->a)) || o == a)
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
static void bend_clear(const struct topo_layout *L, struct topo_link *k,
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
	const struct topo_node *a = frame_of(L, k->a), *b = frame_of(L, k->b);
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
	bend_clear(L, t, a, b, draw_unit(f->d), 1);
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
static int meets_curve(struct vz_rect r, const struct topo_link *k, float pad)
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
		if (!meets_curve(r, k, 6 * u))
			break;
	}
	return r;
}

/* Move i (of ix->moves) as drawn: the dashed arc from the node the process
 * left to its box, and its label ("worker moved from A at ...") in buf,
 * ("worker from A" when brief) centred on (*x, *y) above (or below) the
 * arc at t along it; the rectangle
 * the label's background covers. 0 when the window does not show the move. */
static int move_at(const struct vz_frame *f, const struct topo_layout *L, size_t i, float t,
		   int below, int brief, struct topo_link *arc, char *buf, size_t len, float *x, float *y,
		   struct vz_rect *r)
{
	const struct trace_index *ix = f->ix;
	const struct ti_move *mv = &ix->moves[i];
	const struct topo_node *o = frame_of(L, mv->from);
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
	bend_clear(L, arc, o, frame_of(L, mv->to), u, 0);
	fmt_time(mv->ns, at, sizeof at);
	if (brief)
		snprintf(buf, len, "%s from %s", vz_proc_name(ix, mv->proc),
			 trace_index_str(ix, ix->nodes[mv->from].name));
	else
		snprintf(buf, len, "%s moved from %s at %s", vz_proc_name(ix, mv->proc),
			 trace_index_str(ix, ix->nodes[mv->from].name), at);
	tw = (float)draw_text_w(f->d, FONT_SMALL, buf);
	topo_link_at(arc, t, &x0, &y0, &x1, &y1);
	for (float dist = 4 * u; dist < 80 * u; dist += 3 * u) {   /* clear of its arc */
		*x = x0;
		*y = below ? y0 + dist : y0 - sh - dist;
		*r = (struct vz_rect){ *x - tw / 2 - 3 * u, *y - u, tw + 6 * u, sh + 2 * u };
		if (!meets_curve(*r, arc, 2 * u))
			break;
	}
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

/* Is r clear of the nodes' titles (and for a link's label, own >= 0, their
 * frames' edges), the boxes, the links (own: the link r labels, whose middle
 * line only counts), the moves' arcs
 * and the labels placed so far (out[0 .. n - 1]), and inside the area? */
static int label_clear(const struct vz_frame *f, const struct topo_layout *L, struct vz_rect r,
		       const struct topo_link *arcs, size_t narcs, const struct node_label *out,
		       size_t n, int own)
{
	float u = draw_unit(f->d);

	if (r.x < L->area.x || r.y < L->area.y || r.x + r.w > L->area.x + L->area.w ||
	    r.y + r.h > L->area.y + L->area.h)
		return 0;
	for (size_t i = 0; i < L->nnodes; i++) {   /* its title; a link's: across its edge */
		const struct topo_node *nd = &L->node[i];
		if (vz_rects_meet(r, (struct vz_rect){ nd->x, nd->y, nd->w, nd->head_h }) ||
		    (own >= 0 && vz_rects_meet(r, (struct vz_rect){ nd->x, nd->y, nd->w, nd->h }) &&
		     (r.x < nd->x || r.y < nd->y || r.x + r.w > nd->x + nd->w ||
		      r.y + r.h > nd->y + nd->h)))
			return 0;
	}
	for (size_t i = 0; i < L->n; i++)
		if (vz_rects_meet(r, (struct vz_rect){ L->box[i].x, L->box[i].y, L->box[i].w + 3 * u,
						       L->box[i].h + 3 * u }))
			return 0;
	for (size_t i = 0; i < L->nlinks; i++)       /* its own link: its middle line only */
		if (meets_curve(r, &L->link[i], (int)i == own ? 0 : 6 * u))
			return 0;
	for (size_t i = 0; i < narcs; i++)
		if (meets_curve(r, &arcs[i], 2 * u))
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
	size_t n = 0, na = 0;

	for (size_t i = 0; i < ix->nmoves && ix->moves[i].ns <= f->now && na < TOPO_TAKEN; i++) {
		char buf[VZ_LINE];
		float x, y;
		struct vz_rect r;
		if (move_at(f, L, i, 0.5f, 0, 0, &arcs[na], buf, sizeof buf, &x, &y, &r))
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
				done = label_clear(f, L, o->r, arcs, na, out, n, (int)i);
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
		for (int k = 0; k < 4 * NSPOTS && !done; k++) {   /* in full, then shorter */
			move_at(f, L, move_of[a], spots[k % (2 * NSPOTS) / 2], k % 2,
				k >= 2 * NSPOTS, &arc, o->lines[0], VZ_LINE, &o->x, &o->y, &o->r);
			done = label_clear(f, L, o->r, arcs, na, out, n, -1);
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
