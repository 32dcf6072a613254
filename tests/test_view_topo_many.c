/*
 * test_view_topo_many.c: the topology view with many processes and with
 * nodes at small sizes (viz/view_topo.c, viz/view_topo_edges.c,
 * viz/view_topo_nodes.c), drawn on headless canvases.
 *
 * fileserver-architectures (24 clients, 4 servers, the name server), from
 * 800x600 to 3000x2000: no edge from a client crosses a box other than its
 * own two, nor a queue's caption; no arrowhead meets a caption;
 * each server keeps its queue; edge counts are drawn, and when some find
 * no room the note says how many. With nodes at 480x320 (two-nodes-rpc's
 * loss part), the note says how many processes are shown and that the
 * link charts found no room; at 640x400 (migration) no node's caption is
 * cut to a stub; in migration (640x400 to 1280x800) and peer-to-peer's
 * flood part, the labels of the links and of the moves meet no other
 * label, no link and no move's arc, and a move's label no frame of a node
 * other than the two its process went between (migration from 45 ms too,
 * where worker.od's was in node B's). Forty servers and three clients,
 * from 800x600 to 1600x1000, and twenty servers with twenty-four clients
 * (480 edges of calls), and forty servers each calling the next: the
 * servers' grid has several columns, every
 * server gets an edge into its side, and no edge into or out of the grid
 * crosses a box other than its own two. A box's thread lines end in
 * "+2 more threads" when threads are left out. A reply from box to box
 * starts and ends on the boxes' edges.
 *
 * The one idea: the view lays out with functions the test calls too
 * (topo_layout, topo_edge_paths, topo_edge_labels, topo_note,
 * topo_node_labels, topo_move_arcs, topo_thread_lines), so the test checks the geometry the drawing uses.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "ix_fixture.h"
#include "view_canvas.h"
#include "trace_index.h"
#include "view.h"
#include "view_topo.h"

static struct vz_frame frame_of(const struct ix_run *run, struct draw *d, uint64_t from,
				uint64_t now)
{
	return (struct vz_frame){ .ix = run->ix, .d = d, .view = VIZ_TOPOLOGY, .from = from,
				  .to = now, .now = now, .collapse = 1, .title = "t.lua" };
}

/* r shrunk by m on every side. */
static struct vz_rect shrink(struct vz_rect r, float m)
{
	return (struct vz_rect){ r.x + m, r.y + m, r.w - 2 * m, r.h - 2 * m };
}

static int path_meets(const struct topo_path *P, struct vz_rect r)
{
	for (int i = 0; i + 1 < P->n; i++)
		if (vz_seg_meets(r, P->x[i], P->y[i], P->x[i + 1], P->y[i + 1]))
			return 1;
	return 0;
}

/* The rectangle around the arrowhead at P's end (9 long, 8 wide). */
static struct vz_rect tip_rect(const struct topo_path *P, float u)
{
	float x1 = P->x[P->n - 1], y1 = P->y[P->n - 1], dx = x1 - P->x[P->n - 2];
	float dy = y1 - P->y[P->n - 2], len = sqrtf(dx * dx + dy * dy) + 1e-6f;
	float ux = dx / len, uy = dy / len, xs[3], ys[3], x0, y0, xa, ya;

	xs[0] = x1;
	ys[0] = y1;
	xs[1] = x1 - ux * 9 * u - uy * 4 * u;
	ys[1] = y1 - uy * 9 * u + ux * 4 * u;
	xs[2] = x1 - ux * 9 * u + uy * 4 * u;
	ys[2] = y1 - uy * 9 * u - ux * 4 * u;
	x0 = xa = xs[0];
	y0 = ya = ys[0];
	for (int i = 1; i < 3; i++) {
		x0 = fminf(x0, xs[i]);
		xa = fmaxf(xa, xs[i]);
		y0 = fminf(y0, ys[i]);
		ya = fmaxf(ya, ys[i]);
	}
	return (struct vz_rect){ x0, y0, xa - x0, ya - y0 };
}

/* The box whose rectangle holds (x, y) (within m), or -1. */
static int box_at(const struct topo_layout *L, float x, float y, float m)
{
	for (size_t i = 0; i < L->n; i++) {
		const struct topo_box *b = &L->box[i];
		if (x >= b->x - m && x <= b->x + b->w + m && y >= b->y - m && y <= b->y + b->h + m)
			return (int)i;
	}
	return -1;
}

static void fileserver_at(const struct ix_run *run, int w, int h)
{
	struct draw *d = view_canvas(w, h);
	struct vz_frame f = frame_of(run, d, 0, run->ix->end_ns);
	struct topo_layout L;
	struct topo_path P[TOPO_EDGES];
	struct topo_label lab[TOPO_EDGES];
	size_t n, nlab, wanted, servers = 0, grid = 0;
	float u = draw_unit(d);
	char note[200];

	topo_layout(&f, vz_plot(&f), &L);
	assert_int_equal(L.n, 29);
	n = topo_edge_paths(&f, &L, P, TOPO_EDGES);
	assert_true(n >= 28);
	for (size_t i = 0; i < n; i++) {
		int from = box_at(&L, P[i].x[0], P[i].y[0], 1);
		assert_true(from >= 0);
		if (!L.box[from].grid)
			continue;
		grid++;
		for (size_t b = 0; b < L.n; b++) {
			const struct topo_box *x = &L.box[b];
			if ((int)b == from || (int)b == box_at(&L, P[i].x[P[i].n - 1],
							      P[i].y[P[i].n - 1], 12 * u))
				continue;
			if (path_meets(&P[i], shrink((struct vz_rect){ x->x, x->y, x->w, x->h }, 1)))
				fail_msg("%dx%d: the edge from box %d crosses box %zu", w, h, from, b);
		}
	}
	assert_true(grid >= 24);
	for (size_t b = 0; b < L.n; b++) {
		const struct topo_box *x = &L.box[b];
		servers += !x->grid && !f.ix->procs[x->pr].nameserver && x->nports == 1;
		for (int k = 0; k < x->nports; k++) {
			struct vz_rect c = shrink(topo_port_caption(&f, x, k, NULL, 0), 0.5f);
			for (size_t i = 0; i < n; i++) {
				const struct topo_path *p = &P[i];
				/* a client's edge goes round it (others pass under it) */
				if (L.box[box_at(&L, p->x[0], p->y[0], 1)].grid && path_meets(p, c))
					fail_msg("%dx%d: edge %zu crosses the caption of box %zu", w, h, i, b);
				if (vz_rects_meet(c, tip_rect(p, u)))
					fail_msg("%dx%d: edge %zu's arrowhead meets the caption of box %zu", w,
						 h, i, b);
			}
		}
	}
	assert_int_equal(servers, 4);                     /* each server keeps its queue */
	nlab = topo_edge_labels(&f, &L, lab, TOPO_EDGES, &wanted);
	assert_true(nlab >= 2);
	assert_true(wanted >= nlab);
	topo_note(&f, &L, vz_plot(&f), nlab, wanted, note, sizeof note);
	if (nlab < wanted) {
		char want[64];
		snprintf(want, sizeof want, "edge counts: %zu of %zu", nlab, wanted);
		assert_non_null(strstr(note, want));
	}
	draw_free(d);
}

static void test_fileserver(void **state)
{
	struct ix_run run;

	(void)state;
	ix_run(&run, "scenarios/fileserver-architectures.lua", NULL, NULL, 0, UINT64_MAX);
	fileserver_at(&run, 800, 600);
	fileserver_at(&run, 1024, 700);
	fileserver_at(&run, 1280, 800);
	fileserver_at(&run, 3000, 2000);
	ix_run_free(&run);
}

/* Servers that register, clients that call each of them (forty and three). */
static const char servers_src[] =
	"machine { cpus = 2 }\n"
	"local ns, nc = param(\"servers\", 40), param(\"clients\", 3)\n"
	"local chain = param(\"chain\", false)   -- each server calls the next\n"
	"for s = 1, ns do\n"
	"  process { \"srv\" .. s, daemon = true, main = function()\n"
	"    local p = port()\n"
	"    register(\"srv\" .. s, p)\n"
	"    while true do\n"
	"      local m = recv(p)\n"
	"      if chain and s < ns then call(lookup(\"srv\" .. (s + 1)), { n = m.n }) end\n"
	"      reply(m, m.n)\n"
	"    end\n"
	"  end }\n"
	"end\n"
	"for c = 1, nc do\n"
	"  process { \"cli\" .. c, main = function()\n"
	"    for s = 1, ns do\n"
	"      local p = lookup(\"srv\" .. s)\n"
	"      while not p do yield(); p = lookup(\"srv\" .. s) end\n"
	"      call(p, { n = s })\n"
	"    end\n"
	"  end }\n"
	"end\n";

static void servers_at(const struct ix_run *run, int w, int h, size_t servers)
{
	struct draw *d = view_canvas(w, h);
	struct vz_frame f = frame_of(run, d, 0, run->ix->end_ns);
	struct topo_layout L;
	struct topo_path P[TOPO_EDGES];
	int into[TOPO_BOXES] = { 0 };
	size_t n, grid = 0;
	float u;

	topo_layout(&f, vz_plot(&f), &L);
	u = draw_unit(d);
	if (L.sgrid.cols < 2)
		fail_msg("%dx%d: the servers' grid has %d columns", w, h, L.sgrid.cols);
	n = topo_edge_paths(&f, &L, P, TOPO_EDGES);
	for (size_t i = 0; i < n; i++) {
		int from = box_at(&L, P[i].x[0], P[i].y[0], 1);
		int to = box_at(&L, P[i].x[P[i].n - 1], P[i].y[P[i].n - 1], 12 * u);
		assert_true(from >= 0 && to >= 0);
		if (!L.box[from].sgrid && !L.box[to].sgrid)
			continue;
		if (L.box[to].sgrid && fabsf(P[i].x[P[i].n - 1] - L.box[to].x) < 0.5f)
			into[to]++;
		for (size_t b = 0; b < L.n; b++) {
			const struct topo_box *x = &L.box[b];
			if ((int)b != from && (int)b != to &&
			    path_meets(&P[i], shrink((struct vz_rect){ x->x, x->y, x->w, x->h }, 1)))
				fail_msg("%dx%d: the edge from box %d to box %d crosses box %zu", w, h,
					 from, to, b);
		}
	}
	for (size_t b = 0; b < L.n; b++) {
		if (!L.box[b].sgrid)
			continue;
		grid++;
		if (!into[b])
			fail_msg("%dx%d: no edge into the side of server box %zu", w, h, b);
	}
	assert_int_equal(grid, servers);
	draw_free(d);
}

static void test_servers_grid(void **state)
{
	static const char *const both[] = { "servers=20", "clients=24" };
	static const char *const chain[] = { "chain=true" };
	struct ix_run run;

	(void)state;
	ix_run(&run, "servers.lua", servers_src, NULL, 0, UINT64_MAX);
	servers_at(&run, 800, 600, 40);
	servers_at(&run, 1280, 800, 40);
	servers_at(&run, 1600, 1000, 40);
	ix_run_free(&run);
	/* with a clients' grid too: 480 edges of calls, each server's drawn */
	ix_run(&run, "servers.lua", servers_src, both, 2, UINT64_MAX);
	servers_at(&run, 1280, 800, 20);
	ix_run_free(&run);
	/* servers calling servers: their edges go round the boxes too */
	ix_run(&run, "servers.lua", servers_src, chain, 1, UINT64_MAX);
	servers_at(&run, 1280, 800, 40);
	ix_run_free(&run);
}

/* fileserver-architectures at 480x320 and 640x400: the clients' grid keeps
 * boxes wide enough for a name (90 px a column), leaves out the rest, and
 * the note says how many boxes are drawn. */
static void test_grid_small(void **state)
{
	static const int sizes[][2] = { { 480, 320 }, { 640, 400 } };
	struct ix_run run;

	(void)state;
	ix_run(&run, "scenarios/fileserver-architectures.lua", NULL, NULL, 0, UINT64_MAX);
	for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
		struct draw *d = view_canvas(sizes[s][0], sizes[s][1]);
		struct vz_frame f = frame_of(&run, d, 0, run.ix->end_ns);
		struct topo_layout L;
		size_t grid = 0;
		char note[200], want[64];

		topo_layout(&f, vz_plot(&f), &L);
		assert_true(L.n < 29);
		for (size_t b = 0; b < L.n; b++)
			if (L.box[b].grid) {
				grid++;
				if (L.box[b].w < 76 * draw_unit(d))
					fail_msg("%dx%d: grid box %zu is %.0f px wide", sizes[s][0],
						 sizes[s][1], b, (double)L.box[b].w);
			}
		assert_true(grid >= 4);
		topo_note(&f, &L, vz_plot(&f), 0, 0, note, sizeof note);
		snprintf(want, sizeof want, "%zu of 29 processes shown", L.n);
		if (!strstr(note, want))
			fail_msg("%dx%d: note \"%s\", not \"%s\"", sizes[s][0], sizes[s][1], note, want);
		draw_free(d);
	}
	ix_run_free(&run);
}

/* two-nodes-rpc's loss part at 480x320: the boxes that find no room in
 * their node's frames and the link charts are left out, and the note
 * says so. */
static void test_nodes_small(void **state)
{
	static const char *const sets[] = { "part=loss" };
	struct ix_run run;
	struct draw *d = view_canvas(480, 320);
	struct vz_frame f;
	struct topo_layout L;
	size_t all = 0, nlab, wanted;
	char note[200], want[64];
	struct vz_rect r;

	(void)state;
	ix_run(&run, "scenarios/two-nodes-rpc.lua", NULL, sets, 1, UINT64_MAX);
	f = frame_of(&run, d, 0, run.ix->end_ns);
	topo_layout(&f, vz_plot(&f), &L);
	for (size_t pr = 0; pr < run.ix->nprocs; pr++)
		all += run.ix->procs[pr].pid != 0;
	assert_int_equal(all, 6);
	assert_true(L.n < all);                           /* B's and C's boxes: no room */
	assert_int_equal(L.ncharts, 0);
	nlab = topo_edge_labels(&f, &L, NULL, 0, &wanted);
	r = topo_note(&f, &L, vz_plot(&f), nlab, wanted, note, sizeof note);
	snprintf(want, sizeof want, "%zu of %zu processes shown", L.n, all);
	assert_non_null(strstr(note, want));
	assert_non_null(strstr(note, "link charts: no room"));
	assert_true(r.x >= L.area.x && r.x + r.w <= L.area.x + L.area.w + 0.5f);
	assert_true(r.y >= L.area.y + L.area.h && r.y + r.h <= L.charts.y);
	draw_free(d);
	ix_run_free(&run);
}

/* A node's caption keeps its first parts that fit, or none: never a stub
 * cut with "…" (the migration at 640x400 showed `1…`). */
static void test_caption_parts(void **state)
{
	struct draw *d = view_canvas(640, 400);
	const char *full = "1 CPU (cpu0) · little-endian · 2 processes";
	char s[96];
	float two;

	(void)state;
	snprintf(s, sizeof s, "%s", full);
	topo_fit_parts(d, s, (float)draw_text_w(d, FONT_SMALL, full));
	assert_string_equal(s, full);
	two = (float)draw_text_w(d, FONT_SMALL, "1 CPU (cpu0) · little-endian");
	snprintf(s, sizeof s, "%s", full);
	topo_fit_parts(d, s, two + 1);
	assert_string_equal(s, "1 CPU (cpu0) · little-endian");
	snprintf(s, sizeof s, "%s", full);
	topo_fit_parts(d, s, two - 1);
	assert_string_equal(s, "1 CPU (cpu0)");
	snprintf(s, sizeof s, "%s", full);
	topo_fit_parts(d, s, 20);
	assert_string_equal(s, "");
	draw_free(d);
}

/* The labels of the links and the moves meet no other, no link's band and
 * no move's arc; returns how many there are. */
static size_t node_labels_clear(const struct vz_frame *f, const struct topo_layout *L)
{
	struct vz_rect r[TOPO_TAKEN];
	struct topo_link arcs[TOPO_TAKEN];
	float u = draw_unit(f->d);
	size_t n = topo_node_labels(f, L, r, TOPO_TAKEN), na = topo_move_arcs(f, L, arcs, TOPO_TAKEN);

	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < i; j++)
			if (vz_rects_meet(r[i], r[j]))
				fail_msg("label %zu meets label %zu", i, j);
		for (size_t k = 0; k < L->nlinks; k++)
			if (topo_meets_curve(shrink(r[i], 0.5f), &L->link[k], 5 * u))
				fail_msg("label %zu meets link %zu", i, k);
		for (size_t k = 0; k < na; k++)
			if (topo_meets_curve(shrink(r[i], 0.5f), &arcs[k], u))
				fail_msg("label %zu meets the arc of move %zu", i, k);
	}
	return n;
}

/* Each move's label (the last of topo_node_labels, in the order of the
 * moves shown) meets no frame but those of the two nodes its process went
 * between. */
static void move_labels_own_nodes(const struct vz_frame *f, const struct topo_layout *L)
{
	const struct trace_index *ix = f->ix;
	struct vz_rect r[TOPO_TAKEN];
	struct topo_link arcs[TOPO_TAKEN];
	size_t n = topo_node_labels(f, L, r, TOPO_TAKEN), na = topo_move_arcs(f, L, arcs, TOPO_TAKEN);
	size_t a = 0;

	assert_int_equal(topo_node_labels_left_out(f, L), 0);
	for (size_t i = 0; i < ix->nmoves; i++) {
		const struct ti_move *mv = &ix->moves[i];
		if (mv->ns < f->from || mv->ns > f->now || L->box_of[mv->proc] < 0)
			continue;
		assert_true(a < na);
		for (size_t k = 0; k < L->nnodes; k++) {
			const struct topo_node *nd = &L->node[k];
			if (nd->n != mv->from && nd->n != mv->to &&
			    vz_rects_meet(r[n - na + a], (struct vz_rect){ nd->x, nd->y, nd->w, nd->h }))
				fail_msg("the label of %s's move is in node %s",
					 vz_proc_name(ix, mv->proc),
					 trace_index_str(ix, ix->nodes[nd->n].name));
		}
		a++;
	}
	assert_int_equal(a, na);
}

/* migration at 80 ms, 640x400 and the default size: every label of a link
 * or a move placed, clear of the others, the links and the arcs. */
static void test_migration_labels(void **state)
{
	static const int sizes[][2] = { { 640, 400 }, { 800, 600 }, { 1280, 800 } };
	struct ix_run run;

	(void)state;
	ix_run(&run, "scenarios/migration.lua", NULL, NULL, 0, 80000000);
	for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
		struct draw *d = view_canvas(sizes[s][0], sizes[s][1]);
		struct vz_frame f = frame_of(&run, d, 0, run.ix->end_ns);
		struct topo_layout L;
		struct topo_link arcs[8];
		topo_layout(&f, vz_plot(&f), &L);
		assert_true(L.nlinks >= 4);
		assert_int_equal(topo_move_arcs(&f, &L, arcs, 8), 3);
		assert_int_equal(node_labels_clear(&f, &L), L.nlinks + 3);
		assert_int_equal(topo_node_labels_left_out(&f, &L), 0);
		move_labels_own_nodes(&f, &L);
		draw_free(d);
	}
	ix_run_free(&run);
}

/* migration from 45 to 80 ms at 1280x800: worker.od's label (A to D) is
 * not drawn in node B's frame. */
static void test_migration_move_labels(void **state)
{
	struct ix_run run;
	struct draw *d = view_canvas(1280, 800);
	struct vz_frame f;
	struct topo_layout L;
	struct topo_link arcs[8];

	(void)state;
	ix_run(&run, "scenarios/migration.lua", NULL, NULL, 0, 80000000);
	f = frame_of(&run, d, 45000000, 80000000);
	topo_layout(&f, vz_plot(&f), &L);
	assert_int_equal(topo_move_arcs(&f, &L, arcs, 8), 3);
	move_labels_own_nodes(&f, &L);
	draw_free(d);
	ix_run_free(&run);
}

/* peer-to-peer's flood part as doc/img/peer-to-peer-flood-topology.png:
 * the labels of the two diagonal links do not meet. */
static void test_p2p_labels(void **state)
{
	static const char *const sets[] = { "part=flood" };
	struct ix_run run;
	struct draw *d = view_canvas(1100, 800);
	struct vz_frame f;
	struct topo_layout L;

	(void)state;
	ix_run(&run, "scenarios/peer-to-peer.lua", NULL, sets, 1, 306000000);
	f = frame_of(&run, d, 299990000, 306000000);
	topo_layout(&f, vz_plot(&f), &L);
	assert_int_equal(L.nlinks, 6);
	assert_int_equal(node_labels_clear(&f, &L), 6);
	draw_free(d);
	ix_run_free(&run);
}

/* The box of the process named name, or -1. */
static int box_named(const struct ix_run *run, const struct topo_layout *L, const char *name)
{
	for (size_t i = 0; i < L->n; i++)
		if (strcmp(vz_proc_name(run->ix, L->box[i].pr), name) == 0)
			return (int)i;
	return -1;
}

/* Whether (x, y) is on the edge of box b (within half a pixel). */
static int on_edge(const struct topo_box *b, float x, float y)
{
	float in = fminf(fminf(x - b->x, b->x + b->w - x), fminf(y - b->y, b->y + b->h - y));

	return in > -0.5f && in < 0.5f;
}

/* A reply edge from box to box starts on the replier's edge and ends on
 * the caller's, so that its arrowhead touches the box (hello.lua: the name
 * server's replies to echo and to the client, down to their tops; echo's
 * to the client, sideways). */
static void test_reply_ends(void **state)
{
	static const char *const pairs[][2] = { { "name", "echo" }, { "name", "client" },
						{ "echo", "client" } };
	struct ix_run run;
	struct draw *d = view_canvas(1280, 800);
	struct topo_layout L;
	struct topo_path P;
	struct vz_frame f;

	(void)state;
	ix_run(&run, "scenarios/hello.lua", NULL, NULL, 0, UINT64_MAX);
	f = frame_of(&run, d, 0, run.ix->end_ns);
	topo_layout(&f, vz_plot(&f), &L);
	for (size_t i = 0; i < 3; i++) {
		int a = box_named(&run, &L, pairs[i][0]), b = box_named(&run, &L, pairs[i][1]);
		struct topo_edge e = { .from = L.box[a].pr, .to = L.box[b].pr, .reply = 1 };
		assert_true(a >= 0 && b >= 0);
		assert_int_equal(topo_edge_path(&f, &L, &e, &P), 1);
		assert_int_equal(P.n, 2);
		if (!on_edge(&L.box[a], P.x[0], P.y[0]) || !on_edge(&L.box[b], P.x[1], P.y[1]))
			fail_msg("the reply %s -> %s goes from (%.1f, %.1f) to (%.1f, %.1f)",
				 pairs[i][0], pairs[i][1], P.x[0], P.y[0], P.x[1], P.y[1]);
	}
	ix_run_free(&run);
	draw_free(d);
}

/* A box lists at most TOPO_THREADS lines of threads; when some are left
 * out the last line says how many: thread-models.lua's many-to-one process
 * has five threads (its LWP, app, app.1 to app.3), so its box lists three
 * and "+2 more threads"; with room for two lines, one and "+4 more". The
 * client of hello.lua has one thread and its line. */
static void test_thread_lines(void **state)
{
	static const char *const m2o[] = { "model=many-to-one" };
	struct ix_run run;
	struct draw *d = view_canvas(1280, 800);
	struct topo_layout L;
	struct topo_thread_line lines[TOPO_THREADS];
	struct vz_frame f;
	int b;

	(void)state;
	ix_run(&run, "scenarios/thread-models.lua", NULL, m2o, 1, UINT64_MAX);
	f = frame_of(&run, d, 0, run.ix->end_ns);
	topo_layout(&f, vz_plot(&f), &L);
	assert_true((b = box_named(&run, &L, "app")) >= 0);
	assert_int_equal(run.ix->procs[L.box[b].pr].nthreads, 5);
	assert_int_equal(topo_thread_lines(&f, &L.box[b], TOPO_THREADS, lines), TOPO_THREADS);
	assert_string_equal(lines[0].text, "app/lwp0: exited");
	assert_string_equal(lines[2].text, "app.1: exited");
	assert_int_equal(lines[2].cat, -2);
	assert_string_equal(lines[3].text, "+2 more threads");
	assert_int_equal(lines[3].cat, TOPO_LINE_MORE);
	assert_int_equal(topo_thread_lines(&f, &L.box[b], 2, lines), 2);
	assert_string_equal(lines[1].text, "+4 more threads");
	ix_run_free(&run);
	ix_run(&run, "scenarios/hello.lua", NULL, NULL, 0, UINT64_MAX);
	f = frame_of(&run, d, 0, run.ix->end_ns);
	topo_layout(&f, vz_plot(&f), &L);
	assert_true((b = box_named(&run, &L, "client")) >= 0);
	assert_int_equal(topo_thread_lines(&f, &L.box[b], TOPO_THREADS, lines), 1);
	assert_string_equal(lines[0].text, "client: exited");
	ix_run_free(&run);
	draw_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fileserver),
		cmocka_unit_test(test_grid_small),
		cmocka_unit_test(test_servers_grid),
		cmocka_unit_test(test_nodes_small),
		cmocka_unit_test(test_caption_parts),
		cmocka_unit_test(test_migration_labels),
		cmocka_unit_test(test_migration_move_labels),
		cmocka_unit_test(test_p2p_labels),
		cmocka_unit_test(test_thread_lines),
		cmocka_unit_test(test_reply_ends),
	};

	ix_headless_env();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
