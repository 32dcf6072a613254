/*
 * view_topo_edges.c - the edges of the topology view: from each sender to
 * each port it sent requests to (thicker for more, labelled with the count
 * of calls or sends), dashed from a server back to each caller it replied
 * to, and the messages in flight at the current time as squares along them.
 *
 * The one idea: edges are counted afresh each frame from the messages of
 * the window up to the current time (a small table of sender, destination
 * and kind), so moving the current time grows them. With many boxes the
 * counts and the reply edges are left out: they would hide the boxes.
 */
#include <math.h>
#include <stdio.h>

#include "palette.h"
#include "view_topo.h"

struct topo_edge {
	uint32_t from;            /* sender proc */
	uint32_t to;              /* port (requests) or proc (replies, or a network server) */
	uint32_t rgb;
	uint8_t reply;
	uint8_t box;              /* a request to a process's box: to a network server, on
				   * its way to another node */
	uint64_t count, calls;    /* messages; how many of them calls */
};

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

/* Count one more message on the edge (from, to, rep, box). */
static size_t add_edge(struct topo_edge *e, size_t n, struct topo_edge x, int call)
{
	size_t k;

	for (k = 0; k < n && (e[k].from != x.from || e[k].to != x.to || e[k].reply != x.reply ||
			      e[k].box != x.box); k++)
		;
	if (k == n && n == TOPO_EDGES)
		return n;
	if (k == n)
		e[n++] = x;
	e[k].count++;
	e[k].calls += (uint64_t)call;
	return n;
}

/* Count the messages of the window up to now into edges; returns how many.
 * With nodes a message to another node makes two: from its sender to its
 * node's network server, and from the other node's to its destination. */
static size_t count_edges(const struct vz_frame *f, struct topo_edge *e)
{
	const struct trace_index *ix = f->ix;
	size_t n = 0;

	for (size_t i = trace_index_msgs_from(ix, f->from);
	     i < ix->nmsgs && ix->msgs[i].send_ns <= f->now; i++) {
		const struct ti_msg *m = &ix->msgs[i];
		uint32_t from = ix->threads[m->from].proc, to, out, in;
		uint8_t rep = m->kind == TI_REPLY;
		int call = m->kind == TI_CALL;
		if (m->send_ns < f->from)
			continue;
		to = rep ? dest_proc(ix, m) : m->port;
		if (to == TI_NONE)
			continue;
		if (via_net(f, m, &out, &in)) {
			n = add_edge(e, n, (struct topo_edge){ from, out, pal_msg(ix, m), rep, !rep,
							       0, 0 }, call);
			from = in;
		}
		n = add_edge(e, n, (struct topo_edge){ from, to, pal_msg(ix, m), rep, 0, 0, 0 }, call);
	}
	return n;
}

/* The ends of an edge on screen; 0 when an end is not shown. */
static int edge_ends(const struct vz_frame *f, const struct topo_layout *L,
		     const struct topo_edge *e, float *x0, float *y0, float *x1, float *y1)
{
	const struct trace_index *ix = f->ix;
	uint32_t owner = e->reply || e->box ? e->to : ix->ports[e->to].owner;
	float u = draw_unit(f->d);
	const struct topo_box *a, *b;
	int k;

	if (e->from >= TOPO_BOXES || owner >= TOPO_BOXES || L->box_of[e->from] < 0 ||
	    L->box_of[owner] < 0)
		return 0;
	a = &L->box[L->box_of[e->from]];
	b = &L->box[L->box_of[owner]];
	if (a == b)
		return 0;
	if (e->reply) {                 /* box to box, beside the request's line */
		float bx, by, ax, ay, dx, dy, len;
		topo_box_exit(b, a->x + a->w / 2, a->y + a->h / 2, &bx, &by);
		topo_box_exit(a, b->x + b->w / 2, b->y + b->h / 2, &ax, &ay);
		dx = bx - ax;
		dy = by - ay;
		len = sqrtf(dx * dx + dy * dy) + 1e-3f;
		*x0 = ax + dy / len * 14 * u;
		*y0 = ay - dx / len * 14 * u;
		*x1 = bx + dy / len * 14 * u;
		*y1 = by - dx / len * 14 * u;
		return 1;
	}
	if (b->compact || e->box) {     /* no queue drawn: to the box itself */
		topo_box_exit(b, a->x + a->w / 2, a->y + a->h / 2, x1, y1);
		topo_box_exit(a, *x1, *y1, x0, y0);
		return 1;
	}
	for (k = 0; k < b->nports && b->port[k] != e->to; k++)
		;
	if (k == b->nports)
		return 0;
	topo_port_entry(f, b, k, x1, y1);
	topo_box_exit(a, *x1, *y1, x0, y0);
	return 1;
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

/* The count beside the middle of an edge: above a flat one, right of a steep
 * one, so that the squares of messages in flight on it stay visible. */
static void label(struct draw *d, float x0, float y0, float x1, float y1, const char *s,
		  uint32_t rgb)
{
	float u = draw_unit(d), w = (float)draw_text_w(d, FONT_SMALL, s);
	float h = (float)draw_font_h(d, FONT_SMALL), x = (x0 + x1) / 2, y = (y0 + y1) / 2;

	if (fabsf(x1 - x0) > fabsf(y1 - y0))
		y -= h + 5 * u;
	else
		x += w / 2 + 8 * u;
	draw_fill(d, x - w / 2 - 3 * u, y - 1, w + 6 * u, h + 2, PAL_BG);
	draw_text(d, FONT_SMALL, x, y, rgb, ALIGN_CENTER, s);
}

void topo_draw_edges(const struct vz_frame *f, const struct topo_layout *L)
{
	struct topo_edge e[TOPO_EDGES];
	size_t n = count_edges(f, e);
	float u = draw_unit(f->d), x0, y0, x1, y1;
	char buf[48];

	for (size_t k = 0; k < n; k++) {
		if (!edge_ends(f, L, &e[k], &x0, &y0, &x1, &y1))
			continue;
		if (e[k].reply && L->n > TOPO_CROWDED)
			continue;
		tip(f->d, x0, y0, x1, y1, e[k].rgb);
		if (e[k].reply) {
			draw_dashed(f->d, x0, y0, x1, y1, 5 * u, 4 * u, e[k].rgb);
			continue;
		}
		draw_thick(f->d, x0, y0, x1, y1, fminf(1.2f + log2f((float)e[k].count) / 3, 4) * u,
			   e[k].rgb);
		snprintf(buf, sizeof buf, "%llu %s%s", (unsigned long long)e[k].count,
			 e[k].calls == e[k].count ? "call" : e[k].calls ? "message" : "send",
			 e[k].count == 1 ? "" : "s");
		if (L->n <= TOPO_CROWDED)
			label(f->d, x0, y0, x1, y1, buf, pal_mix(e[k].rgb, PAL_TEXT, 0.3f));
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

/* Messages sent but not yet delivered at now, as dots along their edge. */
void topo_draw_in_flight(const struct vz_frame *f, const struct topo_layout *L)
{
	const struct trace_index *ix = f->ix;
	float u = draw_unit(f->d), x0, y0, x1, y1;
	size_t shown = 0;

	for (size_t i = trace_index_msgs_from(ix, f->now + 1);
	     i < ix->nmsgs && ix->msgs[i].send_ns <= f->now && shown < TOPO_DOTS; i++) {
		const struct ti_msg *m = &ix->msgs[i];
		uint8_t rep = m->kind == TI_REPLY;
		uint32_t to = rep ? (m->to != TI_NONE ? ix->threads[m->to].proc
				     : ix->ports[m->port].owner) : m->port;
		struct topo_edge e = { ix->threads[m->from].proc, to, 0, rep, 0, 1, 0 };
		double t;
		if (m->end_ns <= f->now || to == TI_NONE)
			continue;
		t = m->end_ns == TI_NEVER ? 0.5 :
		    (double)(f->now - m->send_ns) / (double)(m->end_ns - m->send_ns);
		if (remote_leg(f, m, i, &e, &t) == 0 ||
		    !edge_ends(f, L, &e, &x0, &y0, &x1, &y1))
			continue;
		float x = x0 + (x1 - x0) * (float)t, y = y0 + (y1 - y0) * (float)t;
		draw_fill(f->d, x - 4 * u, y - 4 * u, 8 * u, 8 * u, pal_msg(ix, m));
		draw_frame(f->d, x - 4 * u, y - 4 * u, 8 * u, 8 * u, PAL_TEXT);
		shown++;
	}
}
