/*
 * view_topo_paths.c - the way each edge of the topology view takes on
 * screen (view_topo_edges.c counts, draws and labels them): box to box,
 * round a queue's caption into the queue; from a clients' grid through the
 * gaps between its columns and the channel above it; into, out of and
 * within a servers' grid through the gaps left of its columns and its own
 * channel; a reply, the request's way back; a shared segment's link
 * between two boxes of a column, round the column's outer side.
 */
#include <math.h>

#include "view_topo.h"

/* Append (x, y) to path P (a point equal to the last one is not). */
static void put(struct topo_path *P, float x, float y)
{
	if (P->n && fabsf(P->x[P->n - 1] - x) < 0.01f && fabsf(P->y[P->n - 1] - y) < 0.01f)
		return;
	if (P->n < TOPO_PATH) {
		P->x[P->n] = x;
		P->y[P->n++] = y;
	}
}

/* The way into box b from (sx, sy): round its port k's caption into its
 * queue, or (k < 0: no queue drawn) to the box's side. */
static int way_in(const struct vz_frame *f, const struct topo_box *b, int k, float sx, float sy,
		  float *px, float *py)
{
	if (k >= 0)
		return topo_port_approach(f, b, k, sx, sy, px, py);
	topo_box_exit(b, sx, sy, px, py);
	return 1;
}

/* The x of lane j's trunk in the gutter right of the grid's column c. */
static float trunk_x(const struct topo_layout *L, int c, int j)
{
	const struct topo_grid *g = &L->grid;
	int n = g->lanes < 8 ? g->lanes : 8;

	j = j < 0 ? 0 : j >= n ? n - 1 : j;
	return g->x + g->cw * (float)(c + 1) - g->gap / 2 + g->gap / 2 * (float)(j + 1) /
	       (float)(n + 1);
}

/* The y of lane j in the channel above the grid. */
static float channel_y(const struct topo_layout *L, int j, float u)
{
	return L->grid.top - 4 * u - 3 * u * (float)(j < 0 ? 0 : j > 7 ? 7 : j);
}

/* The x of lane j in the gutter left of the servers' grid's column c: in
 * its left part, the rest being the arrowheads' room. */
static float sgutter_x(const struct topo_layout *L, int c, int j, float u)
{
	const struct topo_grid *g = &L->sgrid;
	int n = g->lanes < 8 ? g->lanes : 8;

	j = j < 0 ? 0 : j >= n ? n - 1 : j;
	return g->x + g->cw * (float)c - g->gap / 2 +
	       (g->gap - 14 * u) * (float)(j + 1) / (float)(n + 1);
}

/* From client a of the grid to box b (its port k, or k < 0): out of a's
 * right side into the gutter, along the lane's trunk; to a box above the
 * grid up to the channel and across to it; to a server on the right, along
 * the channel over the grid's other columns and down the last gutter to
 * the server's level, or, to a server in the servers' grid, down the gap
 * left of its column and into its side. The count goes on the last leg
 * that is the lane's alone: the one out of the channel, or the one into
 * the queue or the side. */
static void grid_path(const struct vz_frame *f, const struct topo_layout *L,
		      const struct topo_box *a, const struct topo_box *b, int k, struct topo_path *P)
{
	float u = draw_unit(f->d), tx[4], ty[4], ay = a->y + a->h / 2, xt, yc;
	int c = a->grid - 1, last = L->grid.cols - 1, n;

	xt = trunk_x(L, c, b->lane);
	yc = channel_y(L, b->lane, u);
	put(P, a->x + a->w, ay);
	put(P, xt, ay);
	if (b->y + b->h <= L->grid.top) {               /* above the grid */
		put(P, xt, yc);
		P->lab = P->n - 1;
		n = way_in(f, b, k, xt, yc, tx, ty);
	} else if (b->sgrid) {                          /* in the servers' grid */
		float gx = sgutter_x(L, b->sgrid - 1, a->slane, u), gy = b->y + b->h / 2;
		put(P, xt, yc);
		put(P, gx, yc);
		put(P, gx, gy);
		put(P, b->x, gy);
		P->lab = P->n - 2;
		return;
	} else {                                        /* on the right */
		float xl = trunk_x(L, last, b->lane);
		n = way_in(f, b, k, xl, ay, tx, ty);
		if (c != last) {
			put(P, xt, yc);
			put(P, xl, yc);
		}
		put(P, xl, ty[0]);
		P->lab = P->n - 1;
	}
	for (int i = 0; i < n; i++)
		put(P, tx[i], ty[i]);
}

/* The way between box s, outside the servers' grid, and box g, in it, from
 * s's end (not included) to the middle of g's left side: into the gutter
 * left of the grid on s's lane, and to a box of a further column along the
 * channel above the grid and down the gutter left of g's column; from a box
 * above the grid, straight to the channel. Returns how many points. */
static int sgrid_way(const struct vz_frame *f, const struct topo_layout *L,
		     const struct topo_box *s, const struct topo_box *g, float *x, float *y)
{
	float u = draw_unit(f->d), gy = g->y + g->h / 2, sy = s->y + s->h / 2;
	float yc = L->sgrid.top - 4 * u - 3 * u * (float)(s->slane < 0 ? 0 : s->slane > 7 ? 7 : s->slane);
	float gx = sgutter_x(L, g->sgrid - 1, s->slane, u);
	int n = 0;

	if (s->y + s->h <= L->sgrid.top) {              /* above the grid */
		x[n] = gx, y[n++] = yc;
	} else if (g->sgrid > 1) {                      /* on the left, to a further column */
		float x0 = sgutter_x(L, 0, s->slane, u);
		x[n] = x0, y[n++] = sy;
		x[n] = x0, y[n++] = yc;
		x[n] = gx, y[n++] = yc;
	} else {
		x[n] = gx, y[n++] = sy;
	}
	x[n] = gx, y[n++] = gy;
	x[n] = g->x, y[n++] = gy;
	return n;
}

/* An edge between box s outside the servers' grid and box g in it: from s
 * to g when to_grid, else from g to s (into s's port k, or k < 0: its
 * side), along sgrid_way. The count goes on the leg into g's side, or,
 * from g, on the one out of it. */
static void sgrid_path(const struct vz_frame *f, const struct topo_layout *L,
		       const struct topo_box *s, const struct topo_box *g, int k, int to_grid,
		       struct topo_path *P)
{
	float wx[6], wy[6], tx[4], ty[4], x0, y0;
	int n = sgrid_way(f, L, s, g, wx, wy), m;

	if (to_grid) {
		topo_box_exit(s, wx[0], wy[0], &x0, &y0);
		put(P, x0, y0);
		for (int i = 0; i < n; i++)
			put(P, wx[i], wy[i]);
		P->lab = P->n - 2;
		return;
	}
	for (int i = n - 1; i >= 0; i--)
		put(P, wx[i], wy[i]);
	P->lab = 0;
	m = way_in(f, s, k, wx[0], wy[0], tx, ty);
	for (int i = 0; i < m; i++)
		put(P, tx[i], ty[i]);
}

/* An edge between two boxes of the servers' grid: out of a's left side
 * into the gap left of its column, up to the channel above the grid (the
 * first lane: such edges share it), along it to the gap left of b's
 * column, down and into b's side. */
static void sgrid_within(const struct vz_frame *f, const struct topo_layout *L,
			 const struct topo_box *a, const struct topo_box *b, struct topo_path *P)
{
	float u = draw_unit(f->d), ya = a->y + a->h / 2, yb = b->y + b->h / 2;
	float xa = sgutter_x(L, a->sgrid - 1, 0, u), xb = sgutter_x(L, b->sgrid - 1, 0, u);
	float yc = L->sgrid.top - 4 * u;

	put(P, a->x, ya);
	put(P, xa, ya);
	if (a->sgrid != b->sgrid) {
		put(P, xa, yc);
		put(P, xb, yc);
	}
	put(P, xb, yb);
	put(P, b->x, yb);
	P->lab = P->n - 2;
}

/* A link between boxes a and b one above the other: out of a's outer side
 * (the right for a server's, whose queues hang on its left; else the
 * left), along the column as far out as the boxes are apart, so that
 * links spanning more boxes go round those of fewer, into b's side. The
 * count goes on the leg along the column. */
static void side_link(const struct vz_frame *f, const struct topo_box *a,
		      const struct topo_box *b, struct topo_path *P)
{
	float u = draw_unit(f->d), ay = a->y + a->h / 2, by = b->y + b->h / 2;
	float off = 12 * u + fabsf(by - ay) / 10;
	float ax = a->side ? a->x + a->w : a->x, bx = b->side ? b->x + b->w : b->x;
	float x = a->side ? fmaxf(ax, bx) + off : fminf(ax, bx) - off;

	put(P, ax, ay);
	put(P, x, ay);
	put(P, x, by);
	put(P, bx, by);
	P->lab = 1;
}

/* Where a line from (px, py), moved inside box b if it is not, going in
 * the direction (dx, dy), leaves b. */
static void box_leave(const struct topo_box *b, float px, float py, float dx, float dy,
		      float *x, float *y)
{
	float sx, sy, s;

	px = fminf(fmaxf(px, b->x), b->x + b->w);
	py = fminf(fmaxf(py, b->y), b->y + b->h);
	sx = dx > 0 ? (b->x + b->w - px) / dx : dx < 0 ? (b->x - px) / dx : 1e9f;
	sy = dy > 0 ? (b->y + b->h - py) / dy : dy < 0 ? (b->y - py) / dy : 1e9f;
	s = fminf(sx, sy);
	*x = px + dx * s;
	*y = py + dy * s;
}

int topo_edge_path(const struct vz_frame *f, const struct topo_layout *L,
		   const struct topo_edge *e, struct topo_path *P)
{
	const struct trace_index *ix = f->ix;
	uint32_t owner = e->reply || e->box ? e->to : ix->ports[e->to].owner;
	float u = draw_unit(f->d), tx[4], ty[4], x0, y0;
	const struct topo_box *a, *b;
	int k = -1, n;

	P->n = P->lab = 0;
	if (e->from >= TOPO_BOXES || owner >= TOPO_BOXES || L->box_of[e->from] < 0 ||
	    L->box_of[owner] < 0)
		return 0;
	a = &L->box[L->box_of[e->from]];
	b = &L->box[L->box_of[owner]];
	if (a == b || (e->shm && a->grid && b->grid))
		return 0;               /* (two clients of the grid: no way between them) */
	if (e->shm && !a->grid && !b->grid && !a->sgrid && !b->sgrid && a->side == b->side &&
	    a->x < b->x + b->w && b->x < a->x + a->w) {
		side_link(f, a, b, P);
		return P->n >= 2;
	}
	if (a->sgrid && b->sgrid) {                /* within the servers' grid */
		sgrid_within(f, L, a, b, P);
		return P->n >= 2;
	}
	if (!a->grid && !b->grid && !a->sgrid != !b->sgrid) {   /* into or out of the servers' grid */
		int into = b->sgrid != 0;
		if (!into && !e->reply && !e->box)
			for (k = 0; k < b->nports && b->port[k] != e->to; k++)
				;
		sgrid_path(f, L, into ? a : b, into ? b : a, k < b->nports ? k : -1, into, P);
		return P->n >= 2;
	}
	if (e->reply && (a->grid || b->grid)) {  /* the request's way back */
		struct topo_path R = { .n = 0 };
		if (b->grid)
			grid_path(f, L, b, a, -1, &R);
		else
			grid_path(f, L, a, b, -1, &R);
		for (int i = 0; i < R.n; i++)
			put(P, b->grid ? R.x[R.n - 1 - i] : R.x[i], b->grid ? R.y[R.n - 1 - i] : R.y[i]);
		P->lab = b->grid ? R.n - 2 - R.lab : R.lab;
		return P->n >= 2;
	}
	if (e->reply) {    /* box to box, beside the line between their middles */
		float ax = a->x + a->w / 2, ay = a->y + a->h / 2, bx = b->x + b->w / 2;
		float by = b->y + b->h / 2, dx = bx - ax, dy = by - ay;
		float len = sqrtf(dx * dx + dy * dy) + 1e-3f, ox = dy / len * 14 * u;
		float oy = -dx / len * 14 * u, x, y;
		box_leave(a, ax + ox, ay + oy, dx, dy, &x, &y);
		put(P, x, y);
		box_leave(b, bx + ox, by + oy, -dx, -dy, &x, &y);
		put(P, x, y);
		return P->n == 2;
	}
	if (!e->box)
		for (k = 0; k < b->nports && b->port[k] != e->to; k++)
			;
	if (k == b->nports)
		k = -1;                 /* its queue is not drawn: to the box */
	if (a->grid) {
		grid_path(f, L, a, b, k, P);
		return P->n >= 2;
	}
	n = way_in(f, b, k, a->x + a->w / 2, a->y + a->h / 2, tx, ty);
	topo_box_exit(a, tx[0], ty[0], &x0, &y0);
	put(P, x0, y0);
	for (int i = 0; i < n; i++)
		put(P, tx[i], ty[i]);
	return P->n >= 2;
}
