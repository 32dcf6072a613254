/*
 * view_topo_edges.c - the edges of the topology view: from each sender to
 * each port it sent requests to (thicker for more, labelled with the count
 * of calls or sends), dashed from a server back to each caller it replied
 * to, in long thick dashes from each domain to each server its LRPCs
 * entered (labelled with their count), dotted between two processes that
 * mapped the same shared segment (labelled with how many), and the
 * messages in flight at the current time as squares along them.
 *
 * The one idea: edges are counted afresh each frame from the messages,
 * LRPCs and mappings of the window up to the current time (a small table
 * of sender, destination and kind), so moving the current time grows them. With many boxes the
 * counts and the reply edges are left out: they would hide the boxes. A
 * count is drawn over the boxes, where it meets no box, queue, caption or
 * other count and crosses as few edges as can be, or not at all. The way
 * each edge takes on screen is view_topo_paths.c's.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "palette.h"
#include "view_topo.h"

/* The process a message goes to: its receiver, or its port's owner. */
static uint32_t dest_proc(const struct trace_index *ix, const struct ti_msg *m)
{
	return m->to != TI_NONE ? ix->threads[m->to].proc : ix->ports[m->port].owner;
}

/* With nodes, a message from a process on one node to one on another: the
 * network servers of both ends (*out, *in), at the time it was sent. 0 for
 * a message that stays on its node (or one whose path is not known). */
static int via_net(const struct vz_frame *f, const struct ti_msg *m, uint32_t *out,
		   uint32_t *in)
{
	const struct trace_index *ix = f->ix;
	uint32_t to = dest_proc(ix, m), a, b;

	if (!ix->nnodes || to == TI_NONE)
		return 0;
	a = trace_index_node_at(ix, ix->threads[m->from].proc, m->send_ns);
	b = trace_index_node_at(ix, to, m->send_ns);
	if (a == TI_NONE || b == TI_NONE || a == b || ix->nodes[a].net == TI_NONE ||
	    ix->nodes[b].net == TI_NONE)
		return 0;
	*out = ix->nodes[a].net;
	*in = ix->nodes[b].net;
	return 1;
}

/* The table of edges being counted: the edges in the order of their first
 * message, and a hash of them (slots of indices, -1 free). */
enum { EDGE_SLOTS = 4 * TOPO_EDGES };     /* a power of two */
struct edge_table {
	struct topo_edge *e;
	size_t n;
	int16_t slot[EDGE_SLOTS];
};

static int same_edge(const struct topo_edge *a, const struct topo_edge *b)
{
	return a->from == b->from && a->to == b->to && a->reply == b->reply && a->box == b->box &&
	       a->lrpc == b->lrpc && a->shm == b->shm;
}

/* Count n more messages (LRPCs, segments) on the edge (from, to, rep, box,
 * lrpc, shm), calls of them calls; a new edge when the table is full is
 * left out. */
static void add_edge(struct edge_table *t, struct topo_edge x, uint64_t n, uint64_t calls)
{
	uint64_t key = ((uint64_t)x.from << 32 | x.to) ^
		       (uint64_t)(x.reply | x.box << 1 | x.lrpc << 2 | x.shm << 3) << 60;
	size_t s = (size_t)((key * 0x9E3779B97F4A7C15u) >> 50) & (EDGE_SLOTS - 1);
	int16_t k;

	while (t->slot[s] >= 0 && !same_edge(&t->e[t->slot[s]], &x))
		s = (s + 1) & (EDGE_SLOTS - 1);
	if (t->slot[s] < 0) {
		if (t->n == TOPO_EDGES)
			return;
		t->slot[s] = (int16_t)t->n;
		t->e[t->n++] = x;
	}
	k = t->slot[s];
	t->e[k].count += n;
	t->e[k].calls += calls;
}

/* Whether process pr has a box in L. */
static int shown(const struct topo_layout *L, uint32_t pr)
{
	return pr < TOPO_BOXES && L->box_of[pr] >= 0;
}

/* The shared segments that two processes of L both mapped at some time
 * in the window up to now, each pair (the lower proc first) a link
 * counting them. */
static void count_shares(const struct vz_frame *f, const struct topo_layout *L,
			 struct edge_table *t)
{
	const struct ti_vm *vm = &f->ix->vm;

	for (size_t i = 0; i < vm->nshmregs;) {
		uint32_t seg = vm->regs[vm->shmregs[i]].seg;
		uint64_t mask = 0;               /* the processes (< TOPO_BOXES) that mapped it */
		for (; i < vm->nshmregs && vm->regs[vm->shmregs[i]].seg == seg; i++) {
			const struct ti_vmreg *g = &vm->regs[vm->shmregs[i]];
			if (g->map_ns <= f->now && g->unmap_ns > f->from && shown(L, g->proc))
				mask |= 1ull << g->proc;
		}
		for (uint32_t a = 0; a < TOPO_BOXES; a++)
			for (uint32_t b = a + 1; mask >> a & 1 && b < TOPO_BOXES; b++)
				if (mask >> b & 1)
					add_edge(t, (struct topo_edge){ .from = a, .to = b,
									.rgb = PAL_DIM, .box = 1,
									.shm = 1 }, 1, 0);
	}
}

/* Count the messages of the window up to now into edges, those between
 * two boxes of L only (and replies only when they are drawn: the table
 * holds TOPO_EDGES), then the LRPCs (by the two domains) and the shared
 * segments; returns how many. With nodes a message to another node makes two: from its sender
 * to its node's network server, and from the other node's to its
 * destination. */
static size_t count_edges(const struct vz_frame *f, const struct topo_layout *L,
			  struct topo_edge *e, int replies)
{
	const struct trace_index *ix = f->ix;
	struct edge_table t;

	t.e = e;
	t.n = 0;
	memset(t.slot, 0xff, sizeof t.slot);

	for (size_t i = trace_index_msgs_from(ix, f->from);
	     i < ix->nmsgs && ix->msgs[i].send_ns <= f->now; i++) {
		const struct ti_msg *m = &ix->msgs[i];
		uint32_t from = ix->threads[m->from].proc, to, out, in;
		uint8_t rep = m->kind == TI_REPLY;
		uint64_t call = m->kind == TI_CALL;
		if (m->send_ns < f->from || (rep && !replies))
			continue;
		to = rep ? dest_proc(ix, m) : m->port;
		if (to == TI_NONE)
			continue;
		if (via_net(f, m, &out, &in)) {
			if (shown(L, from) && shown(L, out))
				add_edge(&t, (struct topo_edge){ .from = from, .to = out,
								 .rgb = pal_msg(ix, m), .reply = rep,
								 .box = !rep }, 1, call);
			from = in;
		}
		if (shown(L, from) && shown(L, rep ? to : ix->ports[to].owner))
			add_edge(&t, (struct topo_edge){ .from = from, .to = to, .rgb = pal_msg(ix, m),
							 .reply = rep }, 1, call);
	}
	for (size_t k = 0; k < ix->nlrpc_pairs; k++) {
		const struct ti_lrpc_pair *p = &ix->lrpc_pairs[k];
		struct topo_edge x = { .from = p->from, .to = p->to, .rgb = pal_proc(ix, p->to),
				       .box = 1, .lrpc = 1 };
		size_t n = trace_index_lrpc_count(ix, k, f->from, f->now);
		if (n && p->from != p->to && shown(L, p->from) && shown(L, p->to))
			add_edge(&t, x, n, n);
	}
	count_shares(f, L, &t);
	return t.n;
}

/* An arrowhead at (x1, y1) for the line from (x0, y0). */
static void tip(struct draw *d, float x0, float y0, float x1, float y1, uint32_t rgb)
{
	float u = draw_unit(d), dx = x1 - x0, dy = y1 - y0, len = sqrtf(dx * dx + dy * dy);
	float ux, uy;

	if (len < 12 * u)
		return;
	ux = dx / len;
	uy = dy / len;
	draw_tri(d, x1, y1, x1 - ux * 9 * u - uy * 4 * u, y1 - uy * 9 * u + ux * 4 * u,
		 x1 - ux * 9 * u + uy * 4 * u, y1 - uy * 9 * u - ux * 4 * u, rgb);
}

/* Where a label may not go: the boxes (and their shadows), the ports'
 * queues and captions, the nodes' titles. */
static int on_something(const struct vz_frame *f, const struct topo_layout *L, struct vz_rect r)
{
	float u = draw_unit(f->d);

	for (size_t i = 0; i < L->n; i++) {
		const struct topo_box *b = &L->box[i];
		if (vz_rects_meet(r, (struct vz_rect){ b->x, b->y, b->w + 3 * u, b->h + 3 * u }))
			return 1;
		for (int k = 0; k < b->nports; k++) {
			struct vz_rect q = topo_port_rect(f, b, k);
			struct vz_rect c = topo_port_caption(f, b, k, NULL, 0);
			if (b->side) {                   /* and the line to the box */
				q.w = b->x - q.x;
			} else {
				q.h += q.y - (b->y + b->h);
				q.y = b->y + b->h;
			}
			if (vz_rects_meet(r, q) || vz_rects_meet(r, c))
				return 1;
		}
	}
	for (size_t i = 0; i < L->nnodes; i++)
		if (vz_rects_meet(r, (struct vz_rect){ L->node[i].x, L->node[i].y, L->node[i].w,
						       L->node[i].head_h }))
			return 1;
	return 0;
}

/* Spot k of the label (w x h) of the edge (x0, y0) - (x1, y1), in *r: at
 * a point along it (half way first), beside it (first for a steep one) or
 * above or below it (first for a flat one), just clear of it. Returns 0
 * when there is no such spot. */
enum { SPOTS = 9 * 4 };

static int label_spot(float x0, float y0, float x1, float y1, int k, float w, float h, float u,
		      struct vz_rect *r)
{
	static const float along[] = { 0.5f, 0.4f, 0.6f, 0.3f, 0.7f, 0.2f, 0.8f, 0.15f, 0.85f };
	float t = along[k / 4], dx = x1 - x0, dy = y1 - y0, px = x0 + dx * t, py = y0 + dy * t;
	int side = k % 4, flat = fabsf(dx) > fabsf(dy);
	float run, rise;

	if (flat)                                 /* above, below, right, left */
		side = (side + 2) % 4;
	if (side < 2) {                           /* right or left */
		if (fabsf(dy) < 1e-3f || (run = fabsf(dx / dy) * h / 2) > 40 * u)
			return 0;
		*r = (struct vz_rect){ side ? px - run - 8 * u - w : px + run + 8 * u, py - h / 2,
				       w, h };
		return 1;
	}
	if (fabsf(dx) < 1e-3f || (rise = fabsf(dy / dx) * w / 2) > 40 * u)
		return 0;                         /* above or below */
	*r = (struct vz_rect){ px - w / 2, side == 2 ? py - rise - 5 * u - h : py + rise + 5 * u,
			       w, h };
	return 1;
}

/* Does r meet path P (one of its legs, or the arrowhead at its end)? */
static int meets_path(struct vz_rect r, const struct topo_path *P, float u)
{
	for (int i = 0; i + 1 < P->n; i++)
		if (vz_seg_meets(r, P->x[i], P->y[i], P->x[i + 1], P->y[i + 1]))
			return 1;
	return P->n && vz_rects_meet(r, (struct vz_rect){ P->x[P->n - 1] - 10 * u,
							 P->y[P->n - 1] - 10 * u, 20 * u, 20 * u });
}

/* Place the labels of the n edges of paths P (want[i] the text of edge i,
 * empty for none) along their label legs: each where it meets no box,
 * queue, caption, title, link's or move's label (topo_node_labels) or
 * other label, nor its own edge or an arrowhead, and crosses as few other
 * edges as can be; an edge with no such spot goes without. Returns how
 * many. */
static size_t place_labels(const struct vz_frame *f, const struct topo_layout *L,
			   const struct topo_path *P, const struct topo_label *want, size_t n,
			   struct topo_label *out, size_t max)
{
	float u = draw_unit(f->d), h = (float)draw_font_h(f->d, FONT_SMALL);
	struct vz_rect taken[TOPO_TAKEN];
	size_t np = 0, nt = L->nnodes ? topo_node_labels(f, L, taken, TOPO_TAKEN) : 0;

	for (size_t i = 0; i < n && np < max; i++) {
		float w = (float)draw_text_w(f->d, FONT_SMALL, want[i].text);
		const float *x = &P[i].x[P[i].lab], *y = &P[i].y[P[i].lab];
		size_t best_cross = SIZE_MAX;
		struct vz_rect best = { 0, 0, 0, 0 };
		if (!want[i].text[0])
			continue;
		for (int k = 0; k < SPOTS && best_cross; k++) {
			struct vz_rect r, m;
			size_t cross = 0, j;
			if (!label_spot(x[0], y[0], x[1], y[1], k, w, h, u, &r))
				continue;
			m = (struct vz_rect){ r.x - 3 * u, r.y - 2 * u, r.w + 6 * u, r.h + 4 * u };
			if (m.x < L->area.x || m.y < L->area.y || m.x + m.w > L->area.x + L->area.w ||
			    m.y + m.h > L->area.y + L->area.h || on_something(f, L, m) ||
			    meets_path(m, &P[i], u))
				continue;
			for (j = 0; j < np && !vz_rects_meet(m, out[j].r); j++)
				;
			if (j < np)
				continue;
			for (j = 0; j < nt && !vz_rects_meet(m, taken[j]); j++)
				;
			if (j < nt)
				continue;
			for (j = 0; j < n; j++) {
				struct vz_rect tipr = { P[j].x[P[j].n - 1] - 10 * u,
							P[j].y[P[j].n - 1] - 10 * u, 20 * u, 20 * u };
				if (j != i && vz_rects_meet(m, tipr))
					break;
				cross += j != i && meets_path(m, &P[j], u);
			}
			if (j < n || (cross > 1 && n > TOPO_CROWDED))
				continue;          /* under an arrowhead; over edges, many */
			if (cross < best_cross) {
				best_cross = cross;
				best = r;
			}
		}
		if (best_cross == SIZE_MAX)
			continue;
		out[np] = want[i];
		out[np++].r = best;
	}
	return np;
}

/* The path of every edge that is drawn (replies too unless crowded), with
 * its count (edges ending in the same leg - a bundle - merged into the
 * first's; the others' counts 0). Returns how many. */
static size_t paths(const struct vz_frame *f, const struct topo_layout *L,
		    struct topo_edge *e, struct topo_path *P)
{
	size_t n = count_edges(f, L, e, L->n <= TOPO_CROWDED), ns = 0;

	for (size_t k = 0; k < n; k++) {
		if (e[k].reply && L->n > TOPO_CROWDED)
			continue;
		if (!topo_edge_path(f, L, &e[k], &P[ns]))
			continue;
		e[ns] = e[k];
		for (size_t j = 0; j < ns && !e[ns].reply && !e[ns].shm; j++) {
			const struct topo_path *a = &P[j], *b = &P[ns];
			if (e[j].reply || e[j].to != e[ns].to || e[j].lrpc != e[ns].lrpc ||
			    e[j].shm || !e[j].count ||
			    fabsf(a->x[a->lab] - b->x[b->lab]) > 0.5f ||
			    fabsf(a->y[a->lab] - b->y[b->lab]) > 0.5f ||
			    fabsf(a->x[a->lab + 1] - b->x[b->lab + 1]) > 0.5f ||
			    fabsf(a->y[a->lab + 1] - b->y[b->lab + 1]) > 0.5f)
				continue;
			e[j].count += e[ns].count;       /* the same bundle */
			e[j].calls += e[ns].calls;
			e[ns].count = e[ns].calls = 0;
			break;
		}
		ns++;
	}
	return ns;
}

size_t topo_edge_paths(const struct vz_frame *f, const struct topo_layout *L,
		       struct topo_path *out, size_t max)
{
	struct topo_edge e[TOPO_EDGES];
	struct topo_path P[TOPO_EDGES];
	size_t n = paths(f, L, e, P);

	n = n < max ? n : max;
	for (size_t i = 0; i < n; i++)
		out[i] = P[i];
	return n;
}

/* The edges: drawn when draw is set; their labels placed in out (at most
 * max), how many were wanted in *wanted. Returns how many labels. */
static size_t edges(const struct vz_frame *f, const struct topo_layout *L, int draw,
		    struct topo_label *out, size_t max, size_t *wanted)
{
	struct topo_edge e[TOPO_EDGES];
	struct topo_label want[TOPO_EDGES];
	struct topo_path P[TOPO_EDGES];
	size_t n = paths(f, L, e, P), nw = 0;
	float u = draw_unit(f->d);

	for (size_t k = 0; k < n; k++) {
		const struct topo_path *p = &P[k];
		float wd = fminf(1.2f + log2f((float)(e[k].count ? e[k].count : 1)) / 3, 4) * u;
		want[k].text[0] = 0;
		want[k].rgb = pal_mix(e[k].rgb, PAL_TEXT, 0.3f);
		if (e[k].shm) {
			snprintf(want[k].text, sizeof want[k].text, "shares %llu segment%s",
				 (unsigned long long)e[k].count, e[k].count == 1 ? "" : "s");
			nw++;
		} else if (e[k].lrpc && e[k].count) {
			snprintf(want[k].text, sizeof want[k].text, "%llu LRPC call%s",
				 (unsigned long long)e[k].count, e[k].count == 1 ? "" : "s");
			nw++;
		} else if (!e[k].reply && e[k].count) {
			snprintf(want[k].text, sizeof want[k].text, "%llu %s%s",
				 (unsigned long long)e[k].count, e[k].calls == e[k].count ? "call"
				 : e[k].calls ? "message" : "send", e[k].count == 1 ? "" : "s");
			nw++;
		}
		if (!draw)
			continue;
		if (!e[k].shm)
			tip(f->d, p->x[p->n - 2], p->y[p->n - 2], p->x[p->n - 1], p->y[p->n - 1],
			    e[k].rgb);
		for (int i = 0; i + 1 < p->n; i++) {
			if (e[k].shm)
				draw_dashed_thick(f->d, p->x[i], p->y[i], p->x[i + 1], p->y[i + 1],
						  2 * u, 3 * u, 2 * u, e[k].rgb);
			else if (e[k].reply)
				draw_dashed(f->d, p->x[i], p->y[i], p->x[i + 1], p->y[i + 1], 5 * u,
					    4 * u, e[k].rgb);
			else if (e[k].lrpc)
				draw_dashed_thick(f->d, p->x[i], p->y[i], p->x[i + 1], p->y[i + 1],
						  10 * u, 4 * u, fmaxf(wd, 2 * u), e[k].rgb);
			else
				draw_thick(f->d, p->x[i], p->y[i], p->x[i + 1], p->y[i + 1],
					   p->n > 2 ? fminf(wd, 2 * u) : wd, e[k].rgb);
		}
	}
	if (wanted)
		*wanted = nw;
	return place_labels(f, L, P, want, n, out, max);
}

size_t topo_draw_edges(const struct vz_frame *f, const struct topo_layout *L,
		       struct topo_label *out, size_t max, size_t *wanted)
{
	return edges(f, L, 1, out, max, wanted);
}

size_t topo_edge_labels(const struct vz_frame *f, const struct topo_layout *L,
			struct topo_label *out, size_t max, size_t *wanted)
{
	return edges(f, L, 0, out, max, wanted);
}

void topo_draw_labels(const struct vz_frame *f, const struct topo_label *lab, size_t n)
{
	float u = draw_unit(f->d);

	for (size_t i = 0; i < n; i++) {
		const struct vz_rect *r = &lab[i].r;
		draw_fill(f->d, r->x - 3 * u, r->y - 1, r->w + 6 * u, r->h + 2, PAL_BG);
		draw_text(f->d, FONT_SMALL, r->x, r->y, lab[i].rgb, ALIGN_LEFT, lab[i].text);
	}
}

/* With nodes, where a message to another node is at now: on the edge to
 * its node's network server until its first packet is sent, on the link
 * (drawn as packets: returns 0) until the last one arrives, then on the edge
 * from the other node's server. *e and *t say which edge and how far. */
static int remote_leg(const struct vz_frame *f, const struct ti_msg *m, size_t i,
		      struct topo_edge *e, double *t)
{
	const struct trace_index *ix = f->ix;
	uint32_t out, in, p0 = ix->msg_pkt ? ix->msg_pkt[i] : TI_NONE, p1;
	uint64_t a, b;

	if (!via_net(f, m, &out, &in))
		return -1;                       /* not remote: its own edge */
	if (p0 == TI_NONE) {                     /* no packet yet: in its network server */
		e->to = out;
		e->box = e->reply ? 0 : 1;
		*t = 0.5;
		return 1;
	}
	for (p1 = p0; p1 + 1 < ix->npkts && !ix->pkts[p1].last && ix->pkts[p1 + 1].flow == m->flow;
	     p1++)
		;
	if (f->now < ix->pkts[p0].sent_ns) {
		a = m->send_ns;
		b = ix->pkts[p0].sent_ns;
		e->to = out;
		e->box = e->reply ? 0 : 1;
	} else if (f->now < ix->pkts[p1].arrive) {
		return 0;                        /* on the link */
	} else {
		a = ix->pkts[p1].arrive;
		b = m->end_ns;
		e->from = in;
	}
	*t = b == TI_NEVER || b <= a ? 0.5 : (double)(f->now - a) / (double)(b - a);
	return 1;
}

/* The point at t (0 .. 1) of the way along path P. */
static void along(const struct topo_path *P, float t, float *x, float *y)
{
	float len = 0, at;

	for (int i = 0; i + 1 < P->n; i++)
		len += hypotf(P->x[i + 1] - P->x[i], P->y[i + 1] - P->y[i]);
	at = len * t;
	*x = P->x[P->n - 1];
	*y = P->y[P->n - 1];
	for (int i = 0; i + 1 < P->n; i++) {
		float l = hypotf(P->x[i + 1] - P->x[i], P->y[i + 1] - P->y[i]);
		if (at <= l && l > 0) {
			*x = P->x[i] + (P->x[i + 1] - P->x[i]) * at / l;
			*y = P->y[i] + (P->y[i + 1] - P->y[i]) * at / l;
			return;
		}
		at -= l;
	}
}

/* Messages sent but not yet delivered at now, as dots along their edge. */
void topo_draw_in_flight(const struct vz_frame *f, const struct topo_layout *L)
{
	const struct trace_index *ix = f->ix;
	float u = draw_unit(f->d), x, y;
	struct topo_path P;
	size_t shown = 0;

	for (size_t i = trace_index_msgs_from(ix, f->now + 1);
	     i < ix->nmsgs && ix->msgs[i].send_ns <= f->now && shown < TOPO_DOTS; i++) {
		const struct ti_msg *m = &ix->msgs[i];
		uint8_t rep = m->kind == TI_REPLY;
		uint32_t to = rep ? (m->to != TI_NONE ? ix->threads[m->to].proc
				     : ix->ports[m->port].owner) : m->port;
		struct topo_edge e = { .from = ix->threads[m->from].proc, .to = to, .reply = rep,
				       .count = 1 };
		double t;
		if (m->end_ns <= f->now || to == TI_NONE)
			continue;
		t = m->end_ns == TI_NEVER ? 0.5 :
		    (double)(f->now - m->send_ns) / (double)(m->end_ns - m->send_ns);
		if (remote_leg(f, m, i, &e, &t) == 0 || !topo_edge_path(f, L, &e, &P))
			continue;
		along(&P, (float)t, &x, &y);
		draw_fill(f->d, x - 4 * u, y - 4 * u, 8 * u, 8 * u, pal_msg(ix, m));
		draw_frame(f->d, x - 4 * u, y - 4 * u, 8 * u, 8 * u, PAL_TEXT);
		shown++;
	}
}
