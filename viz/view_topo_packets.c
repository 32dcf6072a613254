/*
 * view_topo_packets.c - the packets of the topology view of several
 * machines: those on the links at the current time, each a square in its
 * message's colour placed by how far along its link it is (queued ones at
 * the sending end; one whose message will be lost edged in red, and a red
 * cross where it was lost), and under the nodes a chart per link of the
 * packets of the time window, each a line from its departure at one end to
 * its arrival at the other. A migration's transfers
 * (kernel/migrate_move.c: a reliable stream of pages) are drawn as packets
 * too, one per round or page pulled, in the colour of the node the process
 * goes to.
 *
 * The one idea: the index knows from each packet's send record when it
 * leaves, when its transmission ends and when it arrives, so its place at
 * any time is a division - the same for drawing and for picking, in a
 * window that plays a live run and in a picture of a time window.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "palette.h"
#include "view_topo.h"

enum { SCAN_MAX = 200000 };

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

/* The colour of packet p: its message's; a migration's stream has the
 * colour of the node it goes to, as the migration's arc. */
static uint32_t pkt_colour(const struct trace_index *ix, const struct ti_packet *p)
{
	if (p->mig)
		return pal_node(p->dir ? ix->links[p->link].a : ix->links[p->link].b);
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
	draw_on_links(f, L);
	if (L->ncharts)
		draw_charts(f, L);
}

int topo_pick_packet(const struct vz_frame *f, const struct topo_layout *L, float x, float y,
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
			dist = topo_seg_dist(x0, y0, x1, y1, x, y);
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
