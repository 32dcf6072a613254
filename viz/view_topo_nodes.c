/*
 * view_topo_nodes.c - the topology view of a run with several machines:
 * each node a frame around its processes' boxes, with its network server
 * on the side its links leave from; the links between the network servers,
 * labelled with their latency, bandwidth, MTU and loss and the packets they
 * carried so far; the packets on them at the current time, moving as the
 * current time moves (one its message loses edged in red, and a red cross
 * where it was lost); under the nodes a chart per link of the packets of
 * the time window, each a line from its departure at one end to its
 * arrival at the other; a process that moved to another node drawn with a
 * dashed arrow from the node it left.
 *
 * The one idea: a message to another node is drawn as the path it takes -
 * to its node's network server, over the link in packets, from the other
 * node's server to its port: the edges of view_topo_edges.c are split at
 * the servers, and the packets between them come from the index, which
 * knows from each packet's record where it is at any time.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "palette.h"
#include "view_topo.h"

enum { SCAN_MAX = 200000, CURVE_STEPS = 24 };

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

/* Link l between the network servers of its nodes, bent around the other
 * nodes in its way. */
static void place_link(const struct vz_frame *f, struct topo_layout *L, uint32_t l)
{
	static const float bends[] = { 0, 1, -1, 2, -2, 3, -3 };
	const struct ti_link *k = &f->ix->links[l];
	const struct topo_node *a = frame_of(L, k->a), *b = frame_of(L, k->b);
	struct topo_link *t;
	float u = draw_unit(f->d), ax, ay, bx, by, dx, dy, len;

	if (!a || !b || a == b || L->nlinks == TOPO_LINKS)
		return;
	t = &L->link[L->nlinks++];
	t->l = l;
	centre(L, a, &ax, &ay);
	centre(L, b, &bx, &by);
	link_end(L, a, bx, by, &t->x0, &t->y0);
	link_end(L, b, ax, ay, &t->x1, &t->y1);
	dx = t->x1 - t->x0;
	dy = t->y1 - t->y0;
	len = sqrtf(dx * dx + dy * dy) + 1e-6f;
	for (size_t i = 0; i < sizeof bends / sizeof bends[0]; i++) {
		int hit = 0;
		t->cx = (t->x0 + t->x1) / 2 - dy / len * bends[i] * 70 * u;
		t->cy = (t->y0 + t->y1) / 2 + dx / len * bends[i] * 70 * u;
		for (int s = 1; s < CURVE_STEPS && !hit; s++) {
			float x, y, nx, ny;
			topo_link_at(t, (float)s / CURVE_STEPS, &x, &y, &nx, &ny);
			hit = hits_other(L, x, y, a, b);
		}
		if (!hit)
			return;
	}
	t->cx = (t->x0 + t->x1) / 2;            /* no way around: straight through */
	t->cy = (t->y0 + t->y1) / 2;
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
	while (L->ncharts && (float)L->ncharts * L->chart_h > 0.3f * p.h)
		L->ncharts--;
	if (L->ncharts)
		gap = 8 * u;
	bottom = strip + (float)L->ncharts * L->chart_h + gap;
	vz_time_layout(f, (struct vz_rect){ p.x, p.y + p.h - bottom, p.w, bottom }, 120 * u, &L->T);
	L->charts = (struct vz_rect){ L->T.lanes.x, L->T.lanes.y, L->T.lanes.w,
				      (float)L->ncharts * L->chart_h };
	L->strip = (struct vz_rect){ L->T.lanes.x, L->T.lanes.y + L->charts.h + gap, L->T.lanes.w,
				     L->T.lanes.h - L->charts.h - gap };
	a = (struct vz_rect){ p.x + 16 * u, p.y + 14 * u, p.w - 32 * u,
			      p.h - bottom - 30 * u };
	L->n = 0;
	for (size_t i = 0; i < TOPO_BOXES; i++)
		L->box_of[i] = -1;
	L->nnodes = n;
	for (size_t k = 0; k < n; k++) {
		struct vz_rect c = node_cell(n, k, a, 150 * u, 56 * u);
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

/* The link's figures and its traffic so far, beside its middle. */
static void link_label(const struct vz_frame *f, const struct topo_link *k)
{
	const struct trace_index *ix = f->ix;
	const struct ti_link *l = &ix->links[k->l];
	struct draw *d = f->d;
	float u = draw_unit(d), lh = (float)draw_font_h(d, FONT_SMALL) + u, w = 0, x, y, nx, ny;
	char name[96], lines[3][VZ_LINE];
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
	for (int i = 0; i < 3; i++) {
		float tw = (float)draw_text_w(d, FONT_SMALL, lines[i]);
		w = tw > w ? tw : w;
	}
	topo_link_at(k, 0.5f, &x, &y, &nx, &ny);
	if (ny > 0 || (ny == 0 && nx > 0)) {     /* the normal that points up (or left) */
		nx = -nx;
		ny = -ny;
	}
	x += nx * (w / 2 + 10 * u) * fabsf(nx);
	y += ny * (3 * lh / 2 + 10 * u) * fabsf(ny);
	draw_fill_a(d, x - w / 2 - 4 * u, y - 3 * lh / 2 - 2 * u, w + 8 * u, 3 * lh + 4 * u, PAL_BG,
		    225);
	for (int i = 0; i < 3; i++)
		draw_text(d, FONT_SMALL, x, y - 3 * lh / 2 + lh * (float)i,
			  i == 2 && lost[0] + lost[1] ? PAL_DROP : i ? PAL_DIM : PAL_TEXT,
			  ALIGN_CENTER, lines[i]);
}

/* A dashed arrow from the node a process left to its box, for each move
 * in the window up to now. */
static void draw_moves(const struct vz_frame *f, const struct topo_layout *L)
{
	const struct trace_index *ix = f->ix;
	float u = draw_unit(f->d), sh = (float)draw_font_h(f->d, FONT_SMALL), tw;

	for (size_t i = 0; i < ix->nmoves && ix->moves[i].ns <= f->now; i++) {
		const struct ti_move *mv = &ix->moves[i];
		const struct topo_node *o = frame_of(L, mv->from);
		struct topo_box fr = { 0 };
		const struct topo_box *b;
		struct topo_link arc;
		float x0, y0, x1, y1;
		char buf[VZ_LINE], at[32];
		if (mv->ns < f->from || !o || mv->proc >= TOPO_BOXES || L->box_of[mv->proc] < 0)
			continue;
		b = &L->box[L->box_of[mv->proc]];
		fr.x = o->x;
		fr.y = o->y;
		fr.w = o->w;
		fr.h = o->h;
		topo_box_exit(&fr, b->x + b->w / 2, b->y, &x0, &y0);
		x1 = b->x + b->w / 2;
		y1 = b->y;
		/* a dashed arc over the boxes between, from the node left to the box's top */
		arc = (struct topo_link){ 0, x0, y0, x1, y1, (x0 + x1) / 2,
					  fminf(y0, y1) - 90 * u };
		for (int s = 0; s < CURVE_STEPS; s += 2) {
			float xa, ya, xb, yb, nx, ny;
			topo_link_at(&arc, (float)s / CURVE_STEPS, &xa, &ya, &nx, &ny);
			topo_link_at(&arc, (float)(s + 1) / CURVE_STEPS, &xb, &yb, &nx, &ny);
			draw_thick(f->d, xa, ya, xb, yb, 2 * u, pal_node(mv->to));
		}
		draw_tri(f->d, x1, y1, x1 - 5 * u, y1 - 9 * u, x1 + 5 * u, y1 - 9 * u,
			 pal_node(mv->to));
		fmt_time(mv->ns, at, sizeof at);
		snprintf(buf, sizeof buf, "%s moved from %s at %s", vz_proc_name(ix, mv->proc),
			 trace_index_str(ix, ix->nodes[mv->from].name), at);
		tw = (float)draw_text_w(f->d, FONT_SMALL, buf);
		topo_link_at(&arc, 0.5f, &x0, &y0, &x1, &y1);
		draw_fill_a(f->d, x0 - tw / 2 - 3 * u, y0 - sh - 5 * u, tw + 6 * u, sh + 2 * u,
			    PAL_BG, 230);
		draw_text(f->d, FONT_SMALL, x0, y0 - sh - 4 * u, pal_node(mv->to), ALIGN_CENTER, buf);
	}
}

void topo_draw_nodes(const struct vz_frame *f, const struct topo_layout *L)
{
	const struct trace_index *ix = f->ix;
	struct draw *d = f->d;
	float u = draw_unit(d), bh = (float)draw_font_h(d, FONT_BOLD);
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
		draw_text(d, FONT_BOLD, nd->x + 10 * u, nd->y + 5 * u, pal_node(nd->n), ALIGN_LEFT,
			  name);
		draw_text(d, FONT_SMALL, nd->x + 20 * u + (float)draw_text_w(d, FONT_BOLD, name),
			  nd->y + 5 * u + bh - sh - 1, PAL_DIM, ALIGN_LEFT, sub);
	}
	for (size_t i = 0; i < L->nlinks; i++)
		link_label(f, &L->link[i]);
	if (ix->nnodes > TOPO_NODES) {
		char buf[64];
		snprintf(buf, sizeof buf, "the first %d of %zu nodes", TOPO_NODES, ix->nnodes);
		draw_text(d, FONT_SMALL, L->T.gutter.x + 12 * u, L->node[0].y - sh - 2 * u,
			  PAL_FAINT, ALIGN_LEFT, buf);
	}
}

/* The link drawn for ix->links[l], or NULL. */
static const struct topo_link *drawn_link(const struct topo_layout *L, uint32_t l)
{
	for (size_t i = 0; i < L->nlinks; i++)
		if (L->link[i].l == l)
			return &L->link[i];
	return NULL;
}

static void draw_cross(struct draw *d, float x, float y, float r, float u)
{
	draw_thick(d, x - r, y - r, x + r, y + r, 2 * u, PAL_DROP);
	draw_thick(d, x - r, y + r, x + r, y - r, 2 * u, PAL_DROP);
}

/* Where packet p is on its link at time t: 0 at the sender's server, 1 at
 * the receiver's (queued packets wait at 0); and the point. */
static float pkt_pos(const struct ti_packet *p, const struct topo_link *k, uint64_t t, float off,
		     float *x, float *y)
{
	float s = t <= p->depart ? 0 : t >= p->arrive ? 1
		  : (float)((double)(t - p->depart) / (double)(p->arrive - p->depart));
	float nx, ny, at = p->dir ? 1 - s : s;

	topo_link_at(k, at, x, y, &nx, &ny);
	*x += nx * (p->dir ? -off : off);
	*y += ny * (p->dir ? -off : off);
	return s;
}

/* The colour of packet p: its message's. */
static uint32_t pkt_colour(const struct trace_index *ix, const struct ti_packet *p)
{
	return p->msg != TI_NONE ? pal_msg(ix, &ix->msgs[p->msg]) : PAL_DIM;
}

/* How long a lost packet's cross stays at the end of its link: a 40th of
 * the window. */
static uint64_t linger(const struct vz_frame *f)
{
	uint64_t l = (f->to - f->from) / 40;

	return l ? l : 1;
}

/* The packets on the links at the current time. */
static void draw_on_links(const struct vz_frame *f, const struct topo_layout *L)
{
	const struct trace_index *ix = f->ix;
	float u = draw_unit(f->d), r = 4 * u;
	size_t shown = 0, n = 0;
	uint64_t back = linger(f), t = f->now;

	for (size_t i = trace_index_pkts_from(ix, t > back ? t - back : 0);
	     i < ix->npkts && ix->pkts[i].sent_ns <= t && shown < TOPO_DOTS && n < SCAN_MAX;
	     i++, n++) {
		const struct ti_packet *p = &ix->pkts[i];
		const struct topo_link *k = drawn_link(L, p->link);
		float x, y;
		if (!k || p->arrive + (p->fate == TI_PKT_LOST ? back : 0) < t ||
		    (p->arrive <= t && p->fate != TI_PKT_LOST))
			continue;
		pkt_pos(p, k, t, 2.5f * u, &x, &y);
		shown++;
		if (p->arrive <= t) {                      /* lost: a cross where it ended */
			draw_cross(f->d, x, y, 5 * u, u);
			continue;
		}
		draw_fill(f->d, x - r, y - r, 2 * r, 2 * r, pkt_colour(ix, p));
		if (p->fate == TI_PKT_LOST) {
			draw_frame(f->d, x - r - u, y - r - u, 2 * r + 2 * u, 2 * r + 2 * u, PAL_DROP);
			draw_frame(f->d, x - r, y - r, 2 * r, 2 * r, PAL_DROP);
		} else {
			draw_frame(f->d, x - r, y - r, 2 * r, 2 * r, PAL_TEXT);
		}
		if (f->sel.kind == PICK_PACKET && f->sel.i == i)
			draw_frame(f->d, x - r - 3 * u, y - r - 3 * u, 2 * r + 6 * u, 2 * r + 6 * u,
				   PAL_SELECT);
	}
}

void topo_chart_ends(const struct topo_layout *L, size_t i, float u, float *ya, float *yb)
{
	float top = L->charts.y + (float)i * L->chart_h;

	*ya = top + 9 * u;
	*yb = top + L->chart_h - 11 * u;
}

/* Chart i's link and the y of its two ends (a's line, b's line). */
static const struct topo_link *chart(const struct topo_layout *L, size_t i, float u, float *ya,
				     float *yb)
{
	topo_chart_ends(L, i, u, ya, yb);
	return &L->link[i];
}

/* The segment of packet p in a chart: from its departure at its sender's
 * line to its arrival at the other's, cut at now; 0 when it is outside. */
static int pkt_segment(const struct vz_frame *f, const struct timemap *tm,
		       const struct ti_packet *p, float ya, float yb, float *x0, float *y0,
		       float *x1, float *y1)
{
	uint64_t end = p->arrive < f->now ? p->arrive : f->now;

	if (p->sent_ns > f->now || p->arrive < f->from || p->depart > f->to || end < p->depart)
		return 0;
	*x0 = (float)timemap_x(tm, p->depart);
	*y0 = p->dir ? yb : ya;
	*x1 = (float)timemap_x(tm, end);
	*y1 = *y0 + ((p->dir ? ya : yb) - *y0) * (p->arrive > p->depart ? (float)((double)(end -
		p->depart) / (double)(p->arrive - p->depart)) : 1);
	return 1;
}

static void draw_charts(const struct vz_frame *f, const struct topo_layout *L)
{
	const struct trace_index *ix = f->ix;
	struct draw *d = f->d;
	float u = draw_unit(d), sh = (float)draw_font_h(d, FONT_SMALL);
	float bh = (float)draw_font_h(d, FONT_BOLD);
	const struct vz_rect *r = &L->charts;
	size_t n = 0, inwin = 0;
	int last[TOPO_CHARTS][2][2];
	int thin;

	for (size_t i = 0; i < L->ncharts; i++) {
		float ya, yb;
		const struct topo_link *k = chart(L, i, u, &ya, &yb);
		const struct ti_link *l = &ix->links[k->l];
		const char *profile = trace_index_str(ix, l->profile);
		char name[96], fig[VZ_LINE], more[VZ_LINE];
		if (i % 2)
			draw_fill(d, L->T.gutter.x, ya - 9 * u, r->x + r->w - L->T.gutter.x,
				  L->chart_h, PAL_PANEL);
		draw_line(d, r->x, ya, r->x + r->w, ya, PAL_BORDER);
		draw_line(d, r->x, yb, r->x + r->w, yb, PAL_BORDER);
		vz_link_title(ix, k->l, name, sizeof name, fig, sizeof fig, more, sizeof more);
		draw_text(d, FONT_BOLD, L->T.gutter.x + 12 * u, ya - 4 * u, PAL_TEXT, ALIGN_LEFT,
			  name);
		draw_text(d, FONT_SMALL, L->T.gutter.x + 12 * u, ya - 4 * u + bh, PAL_FAINT,
			  ALIGN_LEFT, *profile ? profile : "packets");
		draw_text(d, FONT_SMALL, r->x - 6 * u, ya - sh / 2, pal_node(l->a), ALIGN_RIGHT,
			  trace_index_str(ix, ix->nodes[l->a].name));
		draw_text(d, FONT_SMALL, r->x - 6 * u, yb - sh / 2, pal_node(l->b), ALIGN_RIGHT,
			  trace_index_str(ix, ix->nodes[l->b].name));
		for (int dir = 0; dir < 2; dir++)
			last[i][dir][0] = last[i][dir][1] = INT32_MIN;
	}
	for (size_t i = trace_index_pkts_from(ix, f->from);
	     i < ix->npkts && ix->pkts[i].sent_ns <= f->to && n < SCAN_MAX; i++, n++)
		inwin++;
	thin = (float)inwin > r->w / 2;
	draw_clip(d, (int)r->x, (int)r->y, (int)ceilf(r->w), (int)ceilf(r->h));
	n = 0;
	for (size_t i = trace_index_pkts_from(ix, f->from);
	     i < ix->npkts && ix->pkts[i].sent_ns <= f->to && n < SCAN_MAX; i++, n++) {
		const struct ti_packet *p = &ix->pkts[i];
		float ya, yb, x0, y0, x1, y1;
		size_t c;
		uint32_t rgb;
		int *seen;
		for (c = 0; c < L->ncharts && L->link[c].l != p->link; c++)
			;
		if (c == L->ncharts)
			continue;
		chart(L, c, u, &ya, &yb);
		if (!pkt_segment(f, &L->T.tm, p, ya, yb, &x0, &y0, &x1, &y1))
			continue;
		seen = last[c][p->dir];
		if (seen[0] == (int)x0 && seen[1] == (int)x1 && p->fate != TI_PKT_LOST)
			continue;                  /* the same pixels as the one before */
		seen[0] = (int)x0;
		seen[1] = (int)x1;
		rgb = p->fate == TI_PKT_LOST ? PAL_DROP : pkt_colour(ix, p);
		if (thin) {
			draw_line(d, x0, y0, x1, y1, pal_mix(rgb, PAL_BG, 0.5f));
			continue;
		}
		draw_thick(d, x0, y0, fmaxf((float)timemap_x(&L->T.tm, p->tx_end), x0 + u), y0,
			   3 * u, rgb);
		draw_thick(d, x0, y0, x1, y1, 1.3f * u, rgb);
		if (p->fate == TI_PKT_LOST && p->arrive <= f->now)
			draw_cross(d, x1, y1, 3.5f * u, u);
		if (f->sel.kind == PICK_PACKET && f->sel.i == i)
			draw_thick(d, x0, y0, x1, y1, 4 * u, pal_mix(PAL_SELECT, PAL_BG, 0.3f));
	}
	vz_draw_cursor(f, &L->T);
	draw_noclip(d);
	if (ix->nlinks > L->ncharts) {
		char more[96];
		snprintf(more, sizeof more, "charts of links 1–%zu of %zu", L->ncharts, ix->nlinks);
		draw_text(d, FONT_SMALL, L->T.gutter.x + 12 * u, r->y - sh - 2 * u, PAL_FAINT,
			  ALIGN_LEFT, more);
	}
}

void topo_draw_packets(const struct vz_frame *f, const struct topo_layout *L)
{
	draw_moves(f, L);
	draw_on_links(f, L);
	if (L->ncharts)
		draw_charts(f, L);
}

/* ---- picking ---- */

/* Distance from (x, y) to the segment (x0, y0) - (x1, y1). */
static float seg_dist(float x0, float y0, float x1, float y1, float x, float y)
{
	float dx = x1 - x0, dy = y1 - y0, l2 = dx * dx + dy * dy, t = 0;

	if (l2 > 0)
		t = fmaxf(0, fminf(1, ((x - x0) * dx + (y - y0) * dy) / l2));
	dx = x0 + t * dx - x;
	dy = y0 + t * dy - y;
	return sqrtf(dx * dx + dy * dy);
}

/* A packet on a link at the current time, or in a chart, near (x, y). */
static int pick_packet(const struct vz_frame *f, const struct topo_layout *L, float x, float y,
		       size_t *out)
{
	const struct trace_index *ix = f->ix;
	float u = draw_unit(f->d), best = 7 * u;
	int in_charts = y >= L->charts.y && y < L->charts.y + L->charts.h && x >= L->charts.x;
	uint64_t from = in_charts ? f->from : f->now > linger(f) ? f->now - linger(f) : 0;
	size_t n = 0;
	int found = 0;

	for (size_t i = trace_index_pkts_from(ix, from);
	     i < ix->npkts && ix->pkts[i].sent_ns <= (in_charts ? f->to : f->now) && n < SCAN_MAX;
	     i++, n++) {
		const struct ti_packet *p = &ix->pkts[i];
		float px, py, x0, y0, x1, y1, dist, ya, yb;
		const struct topo_link *k = drawn_link(L, p->link);
		size_t c;
		if (!k)
			continue;
		if (in_charts) {
			for (c = 0; c < L->ncharts && L->link[c].l != p->link; c++)
				;
			if (c == L->ncharts)
				continue;
			chart(L, c, u, &ya, &yb);
			if (!pkt_segment(f, &L->T.tm, p, ya, yb, &x0, &y0, &x1, &y1))
				continue;
			dist = seg_dist(x0, y0, x1, y1, x, y);
		} else {
			if (p->arrive + (p->fate == TI_PKT_LOST ? linger(f) : 0) < f->now ||
			    (p->arrive <= f->now && p->fate != TI_PKT_LOST))
				continue;
			pkt_pos(p, k, f->now, 2.5f * u, &px, &py);
			dist = sqrtf((px - x) * (px - x) + (py - y) * (py - y));
		}
		if (dist < best) {
			best = dist;
			*out = i;
			found = 1;
		}
	}
	return found;
}

int topo_pick_nodes(const struct vz_frame *f, const struct topo_layout *L, float x, float y,
		    struct vz_pick *pk)
{
	float u = draw_unit(f->d);
	size_t i;

	if (pick_packet(f, L, x, y, &i)) {
		*pk = (struct vz_pick){ PICK_PACKET, i, 0 };
		return 1;
	}
	for (size_t k = 0; k < L->nlinks; k++) {
		float px = L->link[k].x0, py = L->link[k].y0;
		for (int s = 1; s <= CURVE_STEPS; s++) {
			float qx, qy, nx, ny;
			topo_link_at(&L->link[k], (float)s / CURVE_STEPS, &qx, &qy, &nx, &ny);
			if (seg_dist(px, py, qx, qy, x, y) < 7 * u) {
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
