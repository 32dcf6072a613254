/*
 * view_topo.c - the topology view at the current time: processes as boxes
 * (the name server on top, clients on the left, processes that serve a port
 * or an LRPC interface on the right), each with its threads' states; a port
 * that receives requests as a small queue on its owner's box showing how
 * many messages wait in it;
 * an edge from each sender to each port it sent to (how many messages since
 * the window's start), dashed edges for the replies, an edge in long dashes
 * from each caller into each server it entered by LRPC (how many calls),
 * a dotted link between two processes that mapped the same shared segment,
 * and the messages in flight as dots along them. A strip at the bottom
 * shows where the current time is in the window.
 *
 * The one idea: the picture is a function of one moment, so the same
 * layout is recomputed from the index every frame, and moving the current
 * time (clicking the strip, [ and ]) animates it. Where the boxes go is
 * view_topo_layout.c's; the edges and the messages in flight are drawn by
 * view_topo_edges.c.
 */
#include <math.h>
#include <stdio.h>

#include "palette.h"
#include "view_topo.h"

/* The queue glyph of port k of box b: its cells' rectangle (below the box,
 * or left of it for a server on the right). */
struct vz_rect topo_port_rect(const struct vz_frame *f, const struct topo_box *b, int k)
{
	float u = draw_unit(f->d), lh = (float)draw_font_h(f->d, FONT_SMALL);
	uint64_t q = f->ix->ports[b->port[k]].qlimit;
	float cells = (float)(q == 0 ? 1 : q < 8 ? q : 8), w = cells * 12 * u, h = 16 * u;

	if (b->compact) {                 /* a small queue at the box's left, level with its foot */
		w = cells * 8 * u;
		h = 10 * u;
		return (struct vz_rect){ b->x - w - 10 * u, b->y + b->h - h - 2 * u, w, h };
	}
	if (b->side)
		return (struct vz_rect){ b->x - w - 12 * u,
					 b->y + 8 * u + lh + (float)k * (h + 2 * lh + 8 * u), w, h };
	return (struct vz_rect){ b->x + b->w * (float)(k + 1) / (float)(b->nports + 1) - w / 2,
				 b->y + b->h + 10 * u, w, h };
}

int topo_port_approach(const struct vz_frame *f, const struct topo_box *b, int k, float sx,
		       float sy, float *px, float *py)
{
	struct vz_rect r = topo_port_rect(f, b, k), c = topo_port_caption(f, b, k, NULL, 0);
	float u = draw_unit(f->d), mid = r.y + r.h / 2, foot = c.y + c.h + 6 * u, cx;
	int left = b->side || sx < r.x + r.w / 2, n = 0;

	/* into the queue's end, level with it, from beside its caption: the
	 * line never crosses the caption and its arrowhead is clear of it */
	cx = left ? fminf(c.x, r.x) - 8 * u : fmaxf(c.x + c.w, r.x + r.w) + 8 * u;
	if (!b->side && sy > foot - 6 * u) {        /* from below: round the caption */
		px[n] = cx;
		py[n++] = foot;
	}
	if (b->side || sy > mid) {
		px[n] = cx;
		py[n++] = mid;
	}
	px[n] = left ? r.x - 3 * u : r.x + r.w + 3 * u;
	py[n++] = mid;
	return n;
}

/* The point where the line from the centre of b towards (tx, ty) leaves b. */
void topo_box_exit(const struct topo_box *b, float tx, float ty, float *x, float *y)
{
	float cx = b->x + b->w / 2, cy = b->y + b->h / 2, dx = tx - cx, dy = ty - cy;
	float sx = dx != 0 ? (b->w / 2) / fabsf(dx) : 1e9f, sy = dy != 0 ? (b->h / 2) / fabsf(dy) : 1e9f;
	float s = fminf(fminf(sx, sy), 1);

	*x = cx + dx * s;
	*y = cy + dy * s;
}

/* The category of thread th's state at t; -1 before it exists, -2 after. */
static int state_at(const struct trace_index *ix, uint32_t th, uint64_t t)
{
	size_t i = trace_index_intervals_from(ix, th, t);
	const struct ti_thread *tt = &ix->threads[th];

	if (t < tt->born)
		return -1;
	if (i == tt->iv_first + tt->iv_count && tt->iv_count && ix->ivs[i - 1].t1 >= t &&
	    (tt->died == TI_NEVER || t < tt->died))
		i--;                           /* the run's very end: its last state */
	if (i < tt->iv_first + tt->iv_count && ix->ivs[i].t0 <= t)
		return (int)pal_cat_of(ix->ivs[i].state, ix->ivs[i].reason);
	return tt->died != TI_NEVER && t >= tt->died ? -2 : (int)CAT_READY;
}

size_t topo_thread_lines(const struct vz_frame *f, const struct topo_box *b, size_t fit,
			 struct topo_thread_line *out)
{
	struct draw *d = f->d;
	float room = b->w - 34 * draw_unit(d);
	uint32_t total = f->ix->procs[b->pr].nthreads;
	size_t n = 0;
	char name[96], state[64];

	if (fit > TOPO_THREADS)
		fit = TOPO_THREADS;
	for (uint32_t th = 0; th < f->ix->nthreads && n < fit; th++) {
		struct topo_thread_line *l = &out[n];
		if (f->ix->threads[th].proc != b->pr)
			continue;
		if (n + 1 == fit && n + 1 < total) {    /* the last line says how many more */
			l->cat = TOPO_LINE_MORE;
			snprintf(l->text, sizeof l->text, "+%u more threads", total - (uint32_t)n);
			return n + 1;
		}
		l->cat = state_at(f->ix, th, f->now);
		snprintf(state, sizeof state, ": %s", l->cat == -1 ? "not started" : l->cat == -2 ?
			 "exited" : pal_cat_name((enum pal_cat)l->cat));
		/* a long name is cut short before its state */
		if (draw_elide(d, FONT_SMALL, vz_thread_name(f->ix, th),
			       room - (float)draw_text_w(d, FONT_SMALL, state), name, sizeof name) > 0)
			snprintf(l->text, sizeof l->text, "%s%s", name, state);
		else
			snprintf(l->text, sizeof l->text, "%s%s", vz_thread_name(f->ix, th), state);
		n++;
	}
	return n;
}

/* The threads' lines of box b from y, as many as fit above bottom; returns
 * where the next line would go. */
static float box_threads(const struct vz_frame *f, const struct topo_box *b, float y,
			 float bottom)
{
	struct draw *d = f->d;
	float u = draw_unit(d), sh = (float)draw_font_h(d, FONT_SMALL) + 2 * u;
	struct topo_thread_line lines[TOPO_THREADS];
	size_t fit = 0, n;

	for (float next = y; fit < TOPO_THREADS && next + sh <= bottom; next += sh)
		fit++;
	n = topo_thread_lines(f, b, fit, lines);
	for (size_t i = 0; i < n; i++, y += sh) {
		if (lines[i].cat >= 0)
			draw_fill(d, b->x + 10 * u, y + 3 * u, 9 * u, 9 * u,
				  pal_cat_colour((enum pal_cat)lines[i].cat));
		draw_text_fit(d, FONT_SMALL, b->x + 24 * u, y, lines[i].cat >= 0 ? PAL_DIM : PAL_FAINT,
			      ALIGN_LEFT, lines[i].text, b->w - 34 * u);
	}
	return y;
}

/* The names registered with the name server at f->now, as many as fit
 * above bottom. */
static void box_names(const struct vz_frame *f, const struct topo_box *b, float y, float bottom)
{
	float u = draw_unit(f->d), sh = (float)draw_font_h(f->d, FONT_SMALL) + 2 * u;
	int shown = 0;
	char buf[96];

	for (size_t i = 0; i < f->ix->nnames && shown < TOPO_NAMES && y + sh <= bottom; i++) {
		const struct ti_name *nm = &f->ix->names[i];
		if (!trace_index_name_live(f->ix, i, f->now))
			continue;
		snprintf(buf, sizeof buf, "\"%s\" → port %llu", trace_index_str(f->ix, nm->name),
			 (unsigned long long)f->ix->ports[nm->port].id);
		draw_text_fit(f->d, FONT_SMALL, b->x + 10 * u, y, PAL_DIM, ALIGN_LEFT, buf,
			      b->w - 20 * u);
		y += sh;
		shown++;
	}
}

void topo_draw_box(const struct vz_frame *f, const struct topo_box *b)
{
	struct draw *d = f->d;
	const struct ti_proc *p = &f->ix->procs[b->pr];
	float u = draw_unit(d), y = b->y + 8 * u, bottom = b->y + b->h - 4 * u;
	int alive = f->now >= p->born && (p->died == TI_NEVER || f->now < p->died);
	char sub[96];

	draw_fill_a(d, b->x + 3 * u, b->y + 3 * u, b->w, b->h, 0x000000, 18);
	draw_fill(d, b->x, b->y, b->w, b->h, alive ? PAL_BG : PAL_PANEL);
	draw_frame(d, b->x, b->y, b->w, b->h, f->sel.kind == PICK_PROC && f->sel.i == b->pr ?
		   PAL_SELECT : PAL_BORDER);
	draw_fill(d, b->x, b->y, b->w, 4 * u, pal_proc(f->ix, b->pr));
	draw_text_fit(d, FONT_BOLD, b->x + 10 * u, y - 2 * u * (float)b->compact,
		      alive ? PAL_TEXT : PAL_FAINT, ALIGN_LEFT, trace_index_str(f->ix, p->name),
		      b->w - 20 * u);
	if (b->compact)
		return;
	y += (float)draw_font_h(d, FONT_BOLD);
	snprintf(sub, sizeof sub, "%s · pid %llu%s", p->nameserver ? "name server" : b->net ?
		 "network server" : p->daemon ? "server (daemon)" : "process",
		 (unsigned long long)p->pid,
		 f->now < p->born ? " · not started" : !alive ? " · exited" : "");
	draw_text_fit(d, FONT_SMALL, b->x + 10 * u, y, PAL_FAINT, ALIGN_LEFT, sub, b->w - 20 * u);
	y += (float)draw_font_h(d, FONT_SMALL) + 2 * u;
	y = box_threads(f, b, y, bottom);
	if (p->nameserver)
		box_names(f, b, y, bottom);
}

struct vz_rect topo_port_caption(const struct vz_frame *f, const struct topo_box *b, int k,
				 char *line, size_t len)
{
	uint32_t pt = b->port[k], depth = trace_index_depth_at(f->ix, pt, f->now);
	uint64_t q = f->ix->ports[pt].qlimit;
	struct vz_rect r = topo_port_rect(f, b, k);
	float u = draw_unit(f->d), lh = (float)draw_font_h(f->d, FONT_SMALL), w;
	char label[64], buf[128], text[200];

	vz_port_label(f->ix, pt, label, sizeof label);
	if (f->now >= f->ix->ports[pt].died)
		snprintf(buf, sizeof buf, "dead");
	else if (q)
		snprintf(buf, sizeof buf, "%u of %llu queued%s", depth, (unsigned long long)q,
			 depth > 8 ? " (8 shown)" : "");
	else
		snprintf(buf, sizeof buf, "rendezvous (no queue)");
	snprintf(text, sizeof text, "%s · %s", label, buf);
	if (line)
		snprintf(line, len, "%s", text);
	w = (float)draw_text_w(f->d, FONT_SMALL, text);
	if (b->side)
		return (struct vz_rect){ r.x + r.w - w, r.y - lh - 2 * u, w, lh };
	return (struct vz_rect){ r.x + r.w / 2 - w / 2, r.y + r.h + 2 * u, w, lh };
}

void topo_draw_port(const struct vz_frame *f, const struct topo_box *b, int k)
{
	struct draw *d = f->d;
	uint32_t pt = b->port[k], depth = trace_index_depth_at(f->ix, pt, f->now);
	uint64_t q = f->ix->ports[pt].qlimit;
	struct vz_rect r = topo_port_rect(f, b, k), cap;
	float u = draw_unit(d), cw = 12 * u * (b->compact ? 8.0f / 12 : 1);
	int dead = f->now >= f->ix->ports[pt].died;
	uint32_t rgb = dead ? PAL_FAINT : pal_port(f->ix, pt);
	uint32_t ink = dead ? PAL_FAINT : pal_mix(rgb, PAL_TEXT, 0.3f);
	char line[200];

	if (f->now < f->ix->ports[pt].born)
		return;         /* not made yet: its slot stays empty */
	if (b->side)
		draw_line(d, r.x + r.w, r.y + r.h / 2, b->x, r.y + r.h / 2, rgb);
	else
		draw_line(d, r.x + r.w / 2, b->y + b->h, r.x + r.w / 2, r.y, rgb);
	for (int c = 0; c < (q == 0 ? 1 : q < 8 ? (int)q : 8); c++) {
		float x = b->side ? r.x + r.w - (float)(c + 1) * cw : r.x + (float)c * cw;
		draw_fill(d, x + u, r.y, cw - 2 * u, r.h, (uint32_t)c < depth ? rgb
			  : pal_mix(rgb, PAL_BG, 0.88f));
		draw_frame(d, x + u, r.y, cw - 2 * u, r.h, rgb);
	}
	cap = topo_port_caption(f, b, k, line, sizeof line);
	draw_fill(d, cap.x - 2 * u, cap.y, cap.w + 4 * u, cap.h, PAL_BG);     /* over the edges */
	draw_text(d, FONT_SMALL, cap.x, cap.y, ink, ALIGN_LEFT, line);
}

static void draw_strip(const struct vz_frame *f, const struct topo_layout *L)
{
	const struct vz_rect *r = &L->strip;
	float u = draw_unit(f->d), x = (float)timemap_x(&L->T.tm, f->now);

	draw_fill(f->d, r->x, r->y, r->w, r->h, PAL_PANEL);
	timemap_draw_grid(f->d, &L->T.tm, r->y, r->y + r->h);
	draw_fill_a(f->d, r->x, r->y, fminf(x, r->x + r->w) - r->x, r->h, PAL_ACCENT, 40);
	draw_thick(f->d, x, r->y - 2 * u, x, r->y + r->h, 2 * u, PAL_ACCENT);
	draw_tri(f->d, x, r->y + 4 * u, x - 6 * u, r->y - 5 * u, x + 6 * u, r->y - 5 * u, PAL_ACCENT);
	draw_text(f->d, FONT_BOLD, L->T.gutter.x + 12 * u, r->y + (r->h - (float)draw_font_h(f->d,
		  FONT_BOLD)) / 2, PAL_TEXT, ALIGN_LEFT, "time");
	timemap_draw_axis(f->d, &L->T.tm, L->T.axis_y, L->T.gutter.x + 12 * u);
}

struct vz_rect topo_note(const struct vz_frame *f, const struct topo_layout *L, struct vz_rect p,
			 size_t counts, size_t wanted, char *buf, size_t len)
{
	const struct trace_index *ix = f->ix;
	float u = draw_unit(f->d), w, h = (float)draw_font_h(f->d, FONT_SMALL);
	size_t n = 0, all = 0, shown = 0;

	buf[0] = 0;
#define NOTE(...) (n += (size_t)snprintf(buf + n, n < len ? len - n : 0, __VA_ARGS__), \
		   n = n < len ? n : len - 1)
	for (uint32_t pr = 0; !L->nnodes && pr < ix->nprocs && pr < TOPO_BOXES; pr++)
		all += topo_proc_column(ix, pr) >= 0;
	if (!L->nnodes && L->n < all)   /* a clients' grid cut short: the boxes drawn, of those drawable */
		NOTE("%zu of %zu processes shown", L->n,
		     all + (ix->nprocs > TOPO_BOXES ? ix->nprocs - TOPO_BOXES : 0));
	else if (ix->nprocs > TOPO_BOXES)
		NOTE("the first %d of %zu processes", TOPO_BOXES, ix->nprocs);
	all = 0;
	if (L->nnodes) {            /* the processes on the nodes drawn at the current time */
		for (uint32_t pr = 0; pr < ix->nprocs && pr < TOPO_BOXES; pr++) {
			uint32_t nd = trace_index_node_at(ix, pr, f->now);
			if (!ix->procs[pr].pid || nd == TI_NONE || nd >= L->nnodes)
				continue;
			all++;
			shown += L->box_of[pr] >= 0;
		}
		if (shown < all)
			NOTE("%s%zu of %zu processes shown", n ? " · " : "", shown, all);
		if (ix->nlinks && !L->ncharts)
			NOTE("%slink charts: no room", n ? " · " : "");
		if ((all = topo_node_labels_left_out(f, L)))
			NOTE("%s%zu label%s of links or moves left out", n ? " · " : "", all,
			     all == 1 ? "" : "s");
	}
	if (L->ports_left_out)
		NOTE("%s%d queue%s not shown", n ? " · " : "", L->ports_left_out,
		     L->ports_left_out == 1 ? "" : "s");
	if (counts < wanted)
		NOTE("%sedge counts: %zu of %zu", n ? " · " : "", counts, wanted);
#undef NOTE
	topo_fit_parts(f->d, buf, L->nnodes ? L->area.w : p.w - 24 * u);   /* the first that fit */
	w = (float)draw_text_w(f->d, FONT_SMALL, buf);
	if (!buf[0])
		return (struct vz_rect){ p.x, p.y, 0, 0 };
	if (L->nnodes)                  /* between the nodes and the charts, on the right */
		return (struct vz_rect){ L->area.x + L->area.w - w, L->area.y + L->area.h + u, w, h };
	return (struct vz_rect){ p.x + 12 * u, p.y + 4 * u, w, h };
}

static void topo_draw(const struct vz_frame *f, struct vz_rect p)
{
	struct topo_layout L;
	struct topo_label lab[TOPO_EDGES];
	size_t nlab, wanted;
	struct vz_rect r;
	char note[200];

	topo_layout(f, p, &L);
	if (L.nnodes)
		topo_draw_nodes(f, &L);
	nlab = topo_draw_edges(f, &L, lab, TOPO_EDGES, &wanted);
	for (size_t i = 0; i < L.n; i++) {
		topo_draw_box(f, &L.box[i]);
		for (int k = 0; k < L.box[i].nports; k++)
			topo_draw_port(f, &L.box[i], k);
	}
	topo_draw_labels(f, lab, nlab);
	topo_draw_in_flight(f, &L);
	if (L.nnodes) {
		topo_draw_moves(f, &L);
		topo_draw_packets(f, &L);
	}
	draw_strip(f, &L);
	r = topo_note(f, &L, p, nlab, wanted, note, sizeof note);
	if (note[0]) {
		draw_fill(f->d, r.x - 2, r.y, r.w + 4, r.h, PAL_BG);
		draw_text(f->d, FONT_SMALL, r.x, r.y, PAL_DIM, ALIGN_LEFT, note);
	}
}

static size_t topo_legend(const struct vz_frame *f, struct vz_legend *out, size_t max)
{
	size_t n = 0, need = 5;

	need += f->ix->nlrpcs != 0;
	need += f->ix->vm.nshmregs != 0;
	if (max < need)
		return 0;
	out[n++] = (struct vz_legend){ LEG_LINE, PAL_DIM, "requests sent to a port (count)" };
	out[n++] = (struct vz_legend){ LEG_DASH, PAL_DIM, "replies" };
	if (f->ix->nlrpcs)
		out[n++] = (struct vz_legend){ LEG_LONG_DASH, PAL_DIM,
					       "LRPCs into a server's domain (count)" };
	if (f->ix->vm.nshmregs)
		out[n++] = (struct vz_legend){ LEG_DOTS, PAL_DIM,
					       "shared segments both processes mapped (count)" };
	out[n++] = (struct vz_legend){ LEG_BOX, PAL_ACCENT, "queued message (cells: queue limit)" };
	out[n++] = (struct vz_legend){ LEG_BOX, PAL_BG, "free slot" };
	out[n++] = (struct vz_legend){ LEG_TEXT, 0, "dots: messages in flight at the current time" };
	if (f->ix->nnodes && max >= n + 3) {
		out[n++] = (struct vz_legend){ LEG_STROKE, 0xc9d1d9,
					       "link between two nodes' network servers" };
		out[n++] = (struct vz_legend){ LEG_BOX, PAL_DROP,
					       "red: a lost packet (its message is lost)" };
		out[n] = (struct vz_legend){ LEG_TEXT, 0, "" };
		snprintf(out[n++].label, sizeof out[0].label, "%s",
			 f->ix->nmoves ? "charts: packets and migrations' pages, departure to arrival"
				       : "charts: each packet from its departure to its arrival");
	}
	return n;
}

static int inside(struct vz_rect r, float x, float y)
{
	return x >= r.x && y >= r.y && x < r.x + r.w && y < r.y + r.h;
}

static int topo_pick(const struct vz_frame *f, struct vz_rect p, float x, float y,
		     struct vz_pick *pk)
{
	struct topo_layout L;
	size_t pi;

	topo_layout(f, p, &L);
	if (vz_pick_axis(&L.T, x, y, pk))
		return 1;
	if (L.nnodes && topo_pick_packet(f, &L, x, y, &pi)) {   /* on a link or in a chart */
		*pk = (struct vz_pick){ PICK_PACKET, pi, 0 };
		return 1;
	}
	if (inside(L.T.lanes, x, y)) {                 /* the strip: move the current time */
		*pk = (struct vz_pick){ PICK_TIME, 0, timemap_t(&L.T.tm, x) };
		return 1;
	}
	for (size_t i = 0; i < L.n; i++) {
		const struct topo_box *b = &L.box[i];
		for (int k = 0; k < b->nports; k++) {
			struct vz_rect r = topo_port_rect(f, b, k);
			r.h += (float)draw_font_h(f->d, FONT_SMALL) + 4;
			if (inside(r, x, y)) {
				*pk = (struct vz_pick){ PICK_PORT, b->port[k], 0 };
				return 1;
			}
		}
		if (inside((struct vz_rect){ b->x, b->y, b->w, b->h }, x, y)) {
			*pk = (struct vz_pick){ PICK_PROC, b->pr, 0 };
			return 1;
		}
	}
	return L.nnodes ? topo_pick_nodes(f, &L, x, y, pk) : 0;
}

static void topo_time_layout(const struct vz_frame *f, struct vz_rect p,
			     struct vz_time_layout *L)
{
	struct topo_layout T;

	topo_layout(f, p, &T);
	*L = T.T;
}

const struct view_ops view_topo = { "Topology", topo_draw, topo_legend, topo_pick,
				    topo_time_layout, NULL };
