/*
 * view_topo_layout.c - where the topology view puts its boxes (without
 * nodes; view_topo_nodes.c lays out those with nodes): the name server's
 * row on top, the clients on the left, the processes that serve a port or
 * an LRPC interface on the right; a column whose boxes do not fit becomes
 * a grid of compact boxes, with a channel above it for the edges that go
 * round them (view_topo_edges.c); which ports show as queues, and how many
 * do not.
 */
#include <math.h>
#include <string.h>

#include "view_topo.h"

int topo_proc_column(const struct trace_index *ix, uint32_t pr)
{
	if (ix->procs[pr].pid == 0)
		return -1;
	if (ix->procs[pr].nameserver)
		return 0;
	if (ix->procs[pr].lrpc_server)
		return 2;
	for (size_t i = 0; i < ix->nports; i++)
		if (ix->ports[i].owner == pr && !ix->ports[i].reply_only)
			return 2;
	return 1;
}

static int registered_now(const struct vz_frame *f)
{
	int n = 0;

	for (size_t i = 0; i < f->ix->nnames && n < TOPO_NAMES; i++)
		n += trace_index_name_live(f->ix, i, f->now);
	return n;
}

float topo_box_height(const struct vz_frame *f, uint32_t pr)
{
	struct draw *d = f->d;
	float u = draw_unit(d), sh = (float)draw_font_h(d, FONT_SMALL) + 2 * u;
	uint32_t k = f->ix->procs[pr].nthreads;
	float lines = (float)(k < TOPO_THREADS ? k : TOPO_THREADS);

	if (f->ix->procs[pr].nameserver)
		lines += (float)registered_now(f);
	return 16 * u + (float)draw_font_h(d, FONT_BOLD) + sh * (1 + lines);
}

void topo_place_ports(const struct trace_index *ix, struct topo_box *b)
{
	b->nports = 0;
	for (size_t i = 0; i < ix->nports && b->nports < TOPO_PORTS; i++)
		if (ix->ports[i].owner == b->pr && !ix->ports[i].reply_only)
			b->port[b->nports++] = (uint32_t)i;
}

/* The width of a compact box in a column cw wide: servers in a grid of
 * several columns leave a wider gutter, room for the edges' lanes and
 * their arrowheads. */
static float compact_w(float cw, float u, int servers_grid)
{
	return fminf(200 * u, cw - (servers_grid ? 34 : 14) * u);
}

/* Room in a, above it, for the channel of a grid whose edges have lanes
 * lanes (at most 8 drawn apart), if the boxes keep a row of height small:
 * 1, or 0 (a unchanged). */
static int take_channel(struct vz_rect *a, int lanes, float u, float small)
{
	float chan = 6 * u + 3 * u * (float)(lanes < 8 ? lanes : 8);

	if (!lanes || a->h - chan < small)
		return 0;
	a->y += chan;
	a->h -= chan;
	return 1;
}

/* Grid g as cols columns of compact boxes across a (servers: the servers'
 * grid, with its wider gaps). */
static void set_grid(struct topo_grid *g, struct vz_rect a, size_t cols, float u, int servers)
{
	g->cols = (int)cols;
	g->x = a.x;
	g->cw = a.w / (float)cols;
	g->top = a.y;
	g->gap = g->cw - compact_w(g->cw, u, servers);
}

/* Box b of a crowded column: the k-th cell of a grid of rows x cols in a.
 * A server in a single column keeps its first queue, drawn small. */
static void place_compact(const struct vz_frame *f, struct topo_box *b, struct vz_rect a,
			  size_t k, size_t rows, size_t cols)
{
	float u = draw_unit(f->d), cw = a.w / (float)cols;

	b->compact = 1;
	b->nports = 0;
	b->h = (float)draw_font_h(f->d, FONT_BOLD) + 12 * u;
	b->w = compact_w(cw, u, b->side && cols > 1);
	b->x = a.x + cw * (float)(k / rows) + (cw - b->w) / 2;
	b->y = a.y + (b->h + 6 * u) * (float)(k % rows);
	if (b->side && cols == 1) {
		topo_place_ports(f->ix, b);
		if (b->nports > 1)
			b->nports = 1;
	}
}

/* The ports of b whose queues (and captions) end above bottom: those
 * that would hang out of the area are left out, as the ports after the
 * TOPO_PORTS-th are. */
static void ports_above(const struct vz_frame *f, struct topo_box *b, float bottom)
{
	while (b->nports) {
		struct vz_rect r = topo_port_rect(f, b, b->nports - 1);
		float end = b->side ? r.y + r.h : r.y + r.h + 2 * draw_unit(f->d) +
			    (float)draw_font_h(f->d, FONT_SMALL);
		if (end <= bottom)
			break;
		b->nports--;
	}
}

/* A box whose queues hang on its left: moved right, and narrowed, so that
 * they and their captions start inside a (when a box of 100 px is left). */
static void queues_inside(const struct vz_frame *f, struct topo_box *b, struct vz_rect a)
{
	float left = b->x, x, u = draw_unit(f->d);

	for (int k = 0; k < b->nports; k++) {
		struct vz_rect q = topo_port_rect(f, b, k), c = topo_port_caption(f, b, k, NULL, 0);
		left = fminf(left, fminf(q.x, c.x - 2 * u));
	}
	if (left >= a.x)
		return;
	x = b->x + a.x - left;
	if (a.x + a.w - x < 100 * u)
		return;
	b->w = fminf(b->w, a.x + a.w - x);
	b->x = x;
}

/* How many boxes the top row has (the name server's). */
static size_t count_top(const struct trace_index *ix)
{
	size_t n = 0;

	for (size_t i = 0; i < ix->nprocs && i < TOPO_BOXES; i++)
		n += topo_proc_column(ix, (uint32_t)i) == 0;
	return n;
}

/* Stack the boxes of one column (0 top row, 1 left, 2 right) in area a;
 * when they do not fit, a grid of compact boxes (the top row: its name
 * only, when squeeze is set). Every box stays in a. */
static void place_column(const struct vz_frame *f, struct topo_layout *L, int col,
			 struct vz_rect a, size_t count, int squeeze)
{
	float u = draw_unit(f->d), slot = col == 0 ? a.w / (float)count : a.h / (float)count;
	float small = (float)draw_font_h(f->d, FONT_BOLD) + 18 * u;
	float natural = 20 * u + (float)(draw_font_h(f->d, FONT_BOLD) + 2 * draw_font_h(f->d, FONT_SMALL));
	int compact = col != 0 && slot < natural + 12 * u;     /* one thread line would not fit */
	size_t k = 0, rows, cols;

	if (compact && col == 1)         /* the clients' grid: a channel above it, if room */
		take_channel(&a, L->grid.lanes, u, small);
	rows = (size_t)fmaxf(1, a.h / small);
	cols = (count + rows - 1) / rows;
	if (compact && col == 2 && cols > 1) {  /* the servers' grid: the same */
		if (take_channel(&a, L->sgrid.lanes, u, small)) {
			rows = (size_t)fmaxf(1, a.h / small);
			cols = (count + rows - 1) / rows;
		}
		set_grid(&L->sgrid, a, cols, u, 1);
	}
	if (compact && col == 1 && a.w / (float)cols < 90 * u)  /* boxes too narrow for a name: */
		cols = (size_t)fmaxf(1, a.w / (90 * u));        /* the first that fit are shown */
	if (compact && col == 1)
		set_grid(&L->grid, a, cols, u, 0);

	for (size_t i = 0; i < f->ix->nprocs && i < TOPO_BOXES; i++) {
		struct topo_box *b;
		float off;
		if (topo_proc_column(f->ix, (uint32_t)i) != col || (compact && col == 1 && k >= rows * cols))
			continue;
		b = &L->box[L->n];
		memset(b, 0, sizeof *b);
		b->pr = (uint32_t)i;
		b->side = col == 2;
		b->lane = col == 1 ? -1 : (int)(col == 2 ? count_top(f->ix) + k : k);
		b->slane = col == 2 ? -1 : (int)(col == 1 ? count_top(f->ix) + k : k);
		L->box_of[i] = (int)L->n++;
		if (compact) {
			b->grid = col == 1 ? 1 + (int)(k / rows) : 0;
			b->sgrid = col == 2 && L->sgrid.cols ? 1 + (int)(k / rows) : 0;
			place_compact(f, b, a, k++, rows, cols);
			if (b->nports) {        /* its queue and caption inside a, or none */
				queues_inside(f, b, a);
				if (topo_port_caption(f, b, 0, NULL, 0).x < a.x)
					b->nports = 0;
			}
			continue;
		}
		b->w = fminf(250 * u, (col == 0 ? slot : a.w) - 40 * u);
		b->h = topo_box_height(f, b->pr);
		if (col == 0) {
			b->x = a.x + slot * ((float)k + 0.5f) - b->w / 2;
			b->y = a.y;
			if (squeeze) {
				b->compact = 1;
				b->h = (float)draw_font_h(f->d, FONT_BOLD) + 12 * u;
				k++;
				continue;
			}
		} else {
			b->h = fminf(b->h, slot - 8 * u);       /* the threads that fit */
			off = fminf(40 * u, (a.w - b->w) / 2);
			b->x = a.x + (a.w - b->w) / 2 + (col == 2 ? off : -off);
			b->y = a.y + slot * ((float)k + 0.5f) - b->h / 2;
		}
		topo_place_ports(f->ix, b);
		if (col == 2) {
			ports_above(f, b, a.y + a.h);
			queues_inside(f, b, a);
		}
		k++;
	}
}

/* The name server's process (the top row's box), or TI_NONE. */
static uint32_t name_server(const struct trace_index *ix)
{
	for (uint32_t i = 0; i < ix->nprocs && i < TOPO_BOXES; i++)
		if (topo_proc_column(ix, i) == 0)
			return i;
	return TI_NONE;
}

void topo_layout(const struct vz_frame *f, struct vz_rect p, struct topo_layout *L)
{
	float u = draw_unit(f->d), strip = 44 * u + (float)draw_font_h(f->d, FONT_SMALL);
	float top_h = 0, half, lower;
	size_t count[3] = { 0 };
	uint32_t ns;
	int squeeze = 0;
	struct vz_rect a;

	L->nnodes = L->nlinks = L->ncharts = 0;
	memset(&L->grid, 0, sizeof L->grid);
	memset(&L->sgrid, 0, sizeof L->sgrid);
	if (f->ix->nnodes) {
		topo_layout_nodes(f, p, L);
		topo_count_left_out(f, L);
		return;
	}
	vz_time_layout(f, (struct vz_rect){ p.x, p.y + p.h - strip, p.w, strip }, 120 * u, &L->T);
	L->strip = L->T.lanes;
	L->area = a = (struct vz_rect){ p.x + 20 * u, p.y + 20 * u, p.w - 40 * u,
					p.h - strip - 28 * u };
	for (size_t i = 0; i < f->ix->nprocs && i < TOPO_BOXES; i++) {
		int col = topo_proc_column(f->ix, (uint32_t)i);
		if (col >= 0)
			count[col]++;
	}
	L->n = 0;
	for (size_t i = 0; i < TOPO_BOXES; i++)
		L->box_of[i] = -1;
	L->grid.lanes = (int)(count[0] + count[2]);
	L->sgrid.lanes = (int)(count[0] + count[1]);
	lower = (float)(count[1] > count[2] ? count[1] : count[2]) * 160 * u;
	if (count[0] && (ns = name_server(f->ix)) != TI_NONE) {
		/* the name server's box, then room for its queue and caption, and
		 * for a row of compact boxes below; in a small plot the gap
		 * narrows, and at last the box shows its name only */
		float cmp = (float)draw_font_h(f->d, FONT_BOLD) + 12 * u, box = topo_box_height(f, ns);
		float below = count[1] || count[2] ? cmp + 6 * u : 0;
		float half1 = count[1] && count[2] ? a.w / 2 : a.w;
		size_t cols1 = (size_t)fmaxf(1, half1 / (110 * u));
		/* the clients' grid with boxes wide enough for a name, the
		 * servers in a column (their queues kept), and the channel */
		below = fmaxf(below, (float)((count[1] + cols1 - 1) / cols1) * (cmp + 6 * u) +
			      (count[1] > cols1 ? 6 * u + 3 * u * (float)(count[0] + count[2]) : 0));
		below = fmaxf(below, (float)count[2] * (cmp + 6 * u));
		float gmin = 34 * u + (float)draw_font_h(f->d, FONT_SMALL);
		if (box + gmin + below > a.h) {
			squeeze = 1;
			box = cmp;
			gmin = 24 * u;
		}
		top_h = box + fmaxf(gmin, fminf(130 * u, a.h - box - below));
	}
	if (top_h + lower < a.h) {                 /* centre the drawing vertically */
		a.y += (a.h - top_h - lower) / 2;
		a.h = top_h + lower;
	}
	if (count[0])
		place_column(f, L, 0, a, count[0], squeeze);
	a.y += top_h;
	a.h -= top_h;
	half = count[1] && count[2] ? a.w / 2 : a.w;
	if (count[1])
		place_column(f, L, 1, (struct vz_rect){ a.x, a.y, half, a.h }, count[1], 0);
	if (count[2])
		place_column(f, L, 2, (struct vz_rect){ a.x + a.w - half, a.y, half, a.h }, count[2],
			     0);
	topo_count_left_out(f, L);
}

void topo_count_left_out(const struct vz_frame *f, struct topo_layout *L)
{
	L->ports_left_out = 0;
	for (size_t i = 0; i < L->n; i++) {
		struct topo_box all = L->box[i];
		topo_place_ports(f->ix, &all);
		if (!L->box[i].grid && !L->box[i].net)   /* by design: no queue */
			L->ports_left_out += all.nports - L->box[i].nports;
	}
}
