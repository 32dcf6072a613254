/*
 * test_view_nodes.c: the viewer's views of several machines (viz/rows.c,
 * viz/view_seq.c, viz/view_cpu.c, viz/view_topo_nodes.c) on the loss part
 * of two-nodes-rpc.lua (nodes A, B and C; a client on B calls a server on
 * C over a link that loses a packet in ten) stopped just after the first
 * lost packet, drawn on a headless canvas: the lanes and the CPU and thread
 * rows under their nodes' headers, each process's box inside its node's
 * frame, the links between the network servers, a click on a header, a
 * link, the lost packet on its link and in its link's chart, and what the
 * details then say. Then a process that moves to another node, from records
 * written by hand.
 *
 * The one idea, as in test_view_mem.c: picking uses the drawing's own
 * layout, so the test finds where a thing is drawn from that layout and
 * clicks there, as a user would.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "draw_impl.h"
#include "ix_fixture.h"
#include "palette.h"
#include "trace.h"
#include "trace_index.h"
#include "view.h"
#include "view_seq.h"
#include "view_topo.h"

#define FROM 100000000ull             /* ns: the client's first call */
#define AT 115340000ull               /* just after the first packet lost (115.331555 ms) */

struct world {
	struct ix_run run;
	struct trace_index *hand;     /* the records by hand, or NULL */
	struct draw *d;
	struct vz_frame f;
};

static int setup(void **state)
{
	static const char *const sets[] = { "part=loss", "retries=5" };
	struct world *w = calloc(1, sizeof *w);
	char err[300];

	ix_headless_env();
	assert_non_null(w);
	ix_run(&w->run, "scenarios/two-nodes-rpc.lua", NULL, sets, 2, AT);
	if (!(w->d = draw_headless(1280, 800, err, sizeof err)))
		fail_msg("%s", err);
	w->f = (struct vz_frame){ .ix = w->run.ix, .d = w->d, .view = VIZ_SEQUENCE, .from = FROM,
				  .to = AT, .now = AT, .collapse = 1, .title = "two-nodes-rpc.lua" };
	*state = w;
	return 0;
}

static int teardown(void **state)
{
	struct world *w = *state;

	draw_free(w->d);
	if (w->hand)
		trace_index_free(w->hand);
	else
		ix_run_free(&w->run);
	free(w);
	return 0;
}

static uint32_t proc_named(const struct trace_index *ix, const char *name)
{
	for (uint32_t i = 0; i < ix->nprocs; i++)
		if (strcmp(trace_index_str(ix, ix->procs[i].name), name) == 0)
			return i;
	fail_msg("no process %s", name);
	return TI_NONE;
}

static void has_line(char lines[][VZ_LINE], int n, const char *want)
{
	for (int i = 0; i < n; i++)
		if (strstr(lines[i], want))
			return;
	for (int i = 0; i < n; i++)
		fprintf(stderr, "  %s\n", lines[i]);
	fail_msg("no line says \"%s\"", want);
}

/* The colour of pixel (x, y) of what was drawn last. */
static uint32_t pixel(const struct world *w, float x, float y)
{
	SDL_Rect r = { (int)x, (int)y, 1, 1 };
	uint32_t px = 0;

	assert_int_equal(SDL_RenderReadPixels(w->d->r, &r, SDL_PIXELFORMAT_RGB888, &px, 4), 0);
	return px & 0xffffff;
}

/* The sequence view: a header per node, then its processes' lanes; the
 * kernel, whose notices all go to network servers, has none; a click on a
 * header picks the node, on a name in the gutter its process. */
static void test_seq_lanes(void **state)
{
	struct world *w = *state;
	const struct trace_index *ix = w->run.ix;
	struct seq_layout S;
	struct vz_pick pk;
	float prev = -1, top, h;

	seq_layout(&w->f, vz_plot(&w->f), &S);
	assert_int_equal(S.R.ngroups, 3);
	assert_int_equal(S.nlanes, ix->nnode_procs + 3);
	assert_int_equal(S.shown, S.nlanes);             /* nine rows fit */
	for (uint32_t n = 0; n < 3; n++) {
		const struct ti_node *nd = &ix->nodes[n];
		assert_true(seq_node_row(&S, n, &top, &h));
		assert_true(top > prev);
		for (size_t k = nd->proc_first; k < nd->proc_first + nd->proc_count; k++) {
			uint32_t pr = ix->node_procs[k];
			assert_true(seq_proc_shown(&S, pr));
			assert_true(seq_lane_mid(&S, pr) > top + h);
			assert_int_equal(ix->procs[pr].node, n);
			prev = seq_lane_mid(&S, pr);
		}
		assert_true(vz_pick(&w->f, 20, top + h / 2, &pk));
		assert_int_equal(pk.kind, PICK_NODE);
		assert_int_equal(pk.i, n);
		assert_true(vz_pick(&w->f, 700, top + h / 2, &pk));  /* across the lanes too */
		assert_int_equal(pk.kind, PICK_NODE);
	}
	for (uint32_t pr = 0; pr < ix->nprocs; pr++)
		if (ix->procs[pr].pid == 0)
			assert_false(seq_proc_shown(&S, pr));
	assert_true(vz_pick(&w->f, 20, seq_lane_mid(&S, proc_named(ix, "counter")), &pk));
	assert_int_equal(pk.kind, PICK_PROC);
	assert_int_equal(pk.i, proc_named(ix, "counter"));
	assert_true(seq_lane_mid(&S, proc_named(ix, "client")) <
		    seq_lane_mid(&S, proc_named(ix, "counter")));   /* B's lanes above C's */
	vz_draw_frame(&w->f);
	seq_node_row(&S, 1, &top, &h);
	assert_int_equal(pixel(w, 800, top + h - 2), pal_node_tint(1));
}

/* The CPU view: scanning down its gutter meets the nodes' headers over the
 * CPUs, then again over the threads. */
static void test_cpu_rows(void **state)
{
	struct world *w = *state;
	struct vz_rect p;
	struct vz_pick pk;
	long last = -1;
	uint32_t seen[8];
	size_t n = 0;

	w->f.view = VIZ_CPU;
	p = vz_plot(&w->f);
	for (float y = p.y; y < p.y + p.h && n < 8; y += 1) {
		if (!vz_pick(&w->f, 20, y, &pk) || pk.kind != PICK_NODE) {
			last = -1;
			continue;
		}
		if ((long)pk.i != last)
			seen[n++] = (uint32_t)pk.i;
		last = (long)pk.i;
	}
	assert_int_equal(n, 6);
	for (size_t i = 0; i < 6; i++)
		assert_int_equal(seen[i], i % 3);
	assert_int_equal(trace_index_node_of_cpu(w->run.ix, 2), 2);
}

static int inside(float x, float y, float w, float h, const struct topo_box *b)
{
	return b->x >= x && b->y >= y && b->x + b->w <= x + w && b->y + b->h <= y + h;
}

/* The topology view: each box inside its node's frame, each node's
 * network server flagged and on the side of its links; three links, each
 * from one network server's box to another's; a chart per link. */
static void test_topology_layout(void **state)
{
	struct world *w = *state;
	const struct trace_index *ix = w->run.ix;
	struct topo_layout L;

	w->f.view = VIZ_TOPOLOGY;
	topo_layout_nodes(&w->f, vz_plot(&w->f), &L);
	assert_int_equal(L.nnodes, 3);
	assert_int_equal(L.nlinks, 3);
	assert_int_equal(L.ncharts, 3);
	assert_int_equal(L.n, ix->nnode_procs);          /* all but the kernel */
	assert_int_equal(L.n, 6);
	for (size_t i = 0; i < L.n; i++) {
		const struct topo_box *b = &L.box[i];
		const struct topo_node *nd = &L.node[ix->procs[b->pr].node];
		assert_true(inside(nd->x, nd->y, nd->w, nd->h, b));
		assert_int_equal(b->net, ix->nodes[nd->n].net == b->pr);
	}
	for (size_t k = 0; k < 3; k++) {
		const struct topo_box *net = &L.box[L.node[k].net];
		assert_int_equal(net->pr, ix->nodes[k].net);
	}
	/* A, alone on the left, has its network server on its right */
	assert_true(L.box[L.node[0].net].x + L.box[L.node[0].net].w >
		    L.node[0].x + L.node[0].w * 0.6f);
	for (size_t i = 0; i < L.nlinks; i++) {
		const struct topo_link *k = &L.link[i];
		const struct ti_link *l = &ix->links[k->l];
		const struct topo_box *a = &L.box[L.node[l->a].net], *b = &L.box[L.node[l->b].net];
		assert_true(k->x0 >= a->x - 1 && k->x0 <= a->x + a->w + 1 && k->y0 >= a->y - 1 &&
			    k->y0 <= a->y + a->h + 1);
		assert_true(k->x1 >= b->x - 1 && k->x1 <= b->x + b->w + 1 && k->y1 >= b->y - 1 &&
			    k->y1 <= b->y + b->h + 1);
	}
}

/* The packet lost at 115.331555 ms: the last of the link B-C so far. */
static size_t lost_packet(const struct trace_index *ix)
{
	for (size_t i = 0; i < ix->npkts; i++)
		if (ix->pkts[i].fate == TI_PKT_LOST)
			return i;
	fail_msg("no packet lost");
	return 0;
}

/* Clicks on a link, on the lost packet's cross at the end of its link and
 * on its line in the link's chart; the details of the link, the packet and
 * a node; the cross drawn in red. */
static void test_topology_picks(void **state)
{
	struct world *w = *state;
	const struct trace_index *ix = w->run.ix;
	char lines[VZ_DESCRIBE_LINES][VZ_LINE], want[VZ_LINE];
	size_t lost = lost_packet(ix), c;
	const struct ti_packet *p = &ix->pkts[lost];
	struct topo_layout L;
	struct vz_pick pk;
	float u = draw_unit(w->d), x, y, nx, ny, ya, yb, x0, x1;
	const struct topo_link *k = NULL;
	int n;

	w->f.view = VIZ_TOPOLOGY;
	topo_layout_nodes(&w->f, vz_plot(&w->f), &L);
	for (c = 0; c < L.nlinks; c++)
		if (L.link[c].l == p->link)
			k = &L.link[c];
	assert_non_null(k);
	assert_string_equal(trace_index_str(ix, ix->nodes[ix->links[p->link].a].name), "B");
	assert_int_equal(p->dir, 0);                        /* a call from B to C */
	/* the link itself, a third of the way */
	topo_link_at(k, 0.33f, &x, &y, &nx, &ny);
	assert_true(vz_pick(&w->f, x, y, &pk));
	assert_int_equal(pk.kind, PICK_LINK);
	assert_int_equal(pk.i, p->link);
	n = vz_describe(ix, &pk, AT, lines);
	has_line(lines, n, "link 3: B ⇄ C");
	has_line(lines, n, "lan · 1ms · 100 Mbit/s · MTU 1500 · loss 10%");
	snprintf(want, sizeof want, "B → C: %llu messages (1 lost), %llu packets",
		 (unsigned long long)ix->links[p->link].dir[0].msgs,
		 (unsigned long long)ix->links[p->link].dir[0].packets);
	has_line(lines, n, want);
	/* its cross, where it was lost: at C's end */
	topo_link_at(k, 1, &x, &y, &nx, &ny);
	x += nx * 2.5f * u;
	y += ny * 2.5f * u;
	assert_true(vz_pick(&w->f, x, y, &pk));
	assert_int_equal(pk.kind, PICK_PACKET);
	assert_int_equal(pk.i, lost);
	n = vz_describe(ix, &pk, AT, lines);
	has_line(lines, n, "packet 1 (the last) of flow");
	has_line(lines, n, "link 3, B → C");
	has_line(lines, n, "part of a call of");
	has_line(lines, n, "lost (its message with it) 115.331555 ms");
	vz_draw_frame(&w->f);
	assert_int_equal(pixel(w, x, y), PAL_DROP);
	/* its line in the chart: from B's line at its departure to C's */
	for (c = 0; c < L.ncharts && L.link[c].l != p->link; c++)
		;
	assert_true(c < L.ncharts);
	topo_chart_ends(&L, c, u, &ya, &yb);
	x0 = (float)timemap_x(&L.T.tm, p->depart);
	x1 = (float)timemap_x(&L.T.tm, p->arrive);
	assert_true(vz_pick(&w->f, (x0 + x1) / 2, (ya + yb) / 2, &pk));
	assert_int_equal(pk.kind, PICK_PACKET);
	assert_int_equal(pk.i, lost);
	/* a node's frame */
	assert_true(vz_pick(&w->f, L.node[2].x + 4 * u, L.node[2].y + L.node[2].h - 4 * u, &pk));
	assert_int_equal(pk.kind, PICK_NODE);
	assert_int_equal(pk.i, 2);
	n = vz_describe(ix, &pk, AT, lines);
	has_line(lines, n, "node C");
	has_line(lines, n, "network server net.C");
	/* the selected node's frame in the selection's colour */
	assert_int_equal(pixel(w, L.node[2].x, L.node[2].y + 100), pal_node(2));
	w->f.sel = pk;
	vz_draw_frame(&w->f);
	assert_int_equal(pixel(w, L.node[2].x, L.node[2].y + 100), PAL_SELECT);
}

/* Records by hand: p on A from 0, moved to B at 5 ms; the topology view
 * puts its box in A's frame before and in B's after, with the move's
 * arrow; the sequence view marks the move in p's lane. */
static void test_move(void **state)
{
	static const struct {
		uint64_t ns;
		unsigned kind;
		uint64_t a[6];
		const char *s;
	} rec[] = {
		{ 0, TR_PROC_NEW, { 1, 1 }, "name" },
		{ 0, TR_NODE, { 0, 1, 0, 0 }, "A" },
		{ 0, TR_NODE, { 1, 1, 1, 1 }, "B" },
		{ 0, TR_LINK, { 1, 0, 1, 1000000, 100000000, 1500 }, "lan" },
		{ 0, TR_LINK_LOSS, { 1, 0 }, NULL },
		{ 0, TR_PROC_NODE, { 1, 0 }, NULL },
		{ 0, TR_THREAD_NEW, { 1, 1 }, "name" },
		{ 0, TR_PROC_NEW, { 2, 1 }, "net.A" },
		{ 0, TR_PROC_NODE, { 2, 0 }, NULL },
		{ 0, TR_THREAD_NEW, { 2, 2 }, "net.A" },
		{ 0, TR_PROC_NEW, { 3, 1 }, "net.B" },
		{ 0, TR_PROC_NODE, { 3, 1 }, NULL },
		{ 0, TR_THREAD_NEW, { 3, 3 }, "net.B" },
		{ 0, TR_PROC_NEW, { 4, 0 }, "p" },
		{ 0, TR_PROC_NODE, { 4, 0 }, NULL },
		{ 0, TR_THREAD_NEW, { 4, 4 }, "p" },
		{ 0, TR_THREAD_STATE, { 4, 1, 4, 0 }, NULL },
		{ 5000000, TR_PROC_NODE, { 4, 1 }, NULL },
		{ 9000000, TR_THREAD_STATE, { 4, 3, 10, 0 }, NULL },
	};
	struct world *w = *state;
	struct trace_index *ix = trace_index_new();
	struct topo_layout L;
	struct seq_layout S;
	uint32_t p;
	const struct topo_box *b;
	float x;

	ix_run_free(&w->run);
	assert_non_null(ix);
	for (size_t i = 0; i < sizeof rec / sizeof rec[0]; i++)
		assert_int_equal(trace_index_add(ix, rec[i].ns, rec[i].kind, rec[i].a, rec[i].s,
						 rec[i].s ? strlen(rec[i].s) : 0), 0);
	assert_int_equal(trace_index_seal(ix, 10000000), 0);
	w->hand = ix;
	p = proc_named(ix, "p");
	w->f = (struct vz_frame){ .ix = ix, .d = w->d, .view = VIZ_TOPOLOGY, .from = 0,
				  .to = 10000000, .now = 4000000, .collapse = 0, .title = "moves" };
	topo_layout_nodes(&w->f, vz_plot(&w->f), &L);
	b = &L.box[L.box_of[p]];
	assert_true(inside(L.node[0].x, L.node[0].y, L.node[0].w, L.node[0].h, b));
	w->f.now = 6000000;
	topo_layout_nodes(&w->f, vz_plot(&w->f), &L);
	b = &L.box[L.box_of[p]];
	assert_true(inside(L.node[1].x, L.node[1].y, L.node[1].w, L.node[1].h, b));
	vz_draw_frame(&w->f);
	/* the arrow's head: in B's colour, on the box's top */
	assert_int_equal(pixel(w, b->x + b->w / 2, b->y - 3), pal_node(1));
	assert_int_not_equal(pixel(w, b->x + b->w / 2 + 40, b->y - 3), pal_node(1));
	w->f.view = VIZ_SEQUENCE;
	seq_layout(&w->f, vz_plot(&w->f), &S);
	vz_draw_frame(&w->f);
	x = (float)timemap_x(&S.T.tm, 5000000);
	assert_int_equal(pixel(w, x, seq_lane_mid(&S, p)), pal_node(1));
	assert_int_not_equal(pixel(w, x - 30, seq_lane_mid(&S, p)), pal_node(1));
}

/* Does the curve k pass through the frame of a node other than a and b? */
static int crosses_other(const struct topo_layout *L, const struct topo_link *k, uint32_t a,
			 uint32_t b)
{
	for (int s = 1; s < 64; s++) {
		float x, y, nx, ny;
		topo_link_at(k, (float)s / 64, &x, &y, &nx, &ny);
		for (size_t i = 0; i < L->nnodes; i++) {
			const struct topo_node *o = &L->node[i];
			if (o->n != a && o->n != b && x > o->x && x < o->x + o->w && y > o->y &&
			    y < o->y + o->h)
				return 1;
		}
	}
	return 0;
}

/* Five nodes, A linked to each of the others (migration.lua): A takes the
 * top row's middle, next to every other node, and no link crosses a node
 * it does not join. */
static void test_topology_star(void **state)
{
	struct world *w = *state;
	struct ix_run run;
	struct topo_layout L;

	ix_run(&run, "scenarios/migration.lua", NULL, NULL, 0, 100000000ull);
	w->f.ix = run.ix;
	w->f.view = VIZ_TOPOLOGY;
	w->f.from = 0;
	w->f.to = w->f.now = 100000000ull;
	topo_layout_nodes(&w->f, vz_plot(&w->f), &L);
	assert_int_equal(L.nnodes, 5);
	assert_int_equal(L.nlinks, 4);
	/* A between two nodes in the top row, two more below */
	assert_true(L.node[1].x < L.node[0].x && L.node[0].x < L.node[2].x);
	assert_true(L.node[0].y == L.node[1].y && L.node[0].y == L.node[2].y);
	assert_true(L.node[3].y > L.node[0].y + L.node[0].h);
	for (size_t i = 0; i < L.nlinks; i++) {
		const struct ti_link *l = &run.ix->links[L.link[i].l];
		assert_false(crosses_other(&L, &L.link[i], l->a, l->b));
	}
	/* The stop-and-copy move of worker.sc to B: one stream on the link A-B,
	 * from A, of its 4 code and 64 data pages and its thread's state, that
	 * arrives when the process starts on B. */
	{
		const struct trace_index *ix = run.ix;
		uint32_t sc = proc_named(ix, "worker.sc");
		uint64_t at = 0, pages = 0;
		int found = 0;
		for (size_t i = 0; i < ix->nmoves; i++)
			if (ix->moves[i].proc == sc)
				at = ix->moves[i].ns;
		assert_true(at > 0);
		for (size_t i = 0; i < ix->npkts; i++) {
			const struct ti_packet *p = &ix->pkts[i];
			const struct ti_link *l = &ix->links[p->link];
			if (!p->mig)
				continue;
			assert_int_equal(p->msg, TI_NONE);
			assert_true(p->depart <= p->tx_end && p->tx_end <= p->arrive);
			pages++;
			if (p->arrive == at && l->a == 0 && l->b == 1 && p->dir == 0) {
				assert_true(p->bytes >= (4 + 64) * 4096 + 1024);
				assert_int_equal(p->seq, ((4 + 64) * 4096 + 1024 + 1471) / 1472);
				found = 1;
			}
		}
		assert_true(found);
		assert_true(pages >= 5);     /* a round or more for each strong move, pages pulled */
	}
	w->f.ix = w->run.ix;
	ix_run_free(&run);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_seq_lanes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cpu_rows, setup, teardown),
		cmocka_unit_test_setup_teardown(test_topology_layout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_topology_picks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_move, setup, teardown),
		cmocka_unit_test_setup_teardown(test_topology_star, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
