/*
 * test_view_labels.c: where the viewer puts its words (viz/view_seq_msgs.c,
 * viz/view_topo_edges.c, viz/view_topo.c, viz/view_cpu_labels.c) on a front
 * that hands four clients' requests to a pool of three workers, drawn on a
 * headless canvas. The topology view's edge counts meet no box, no queue,
 * no port's caption and no other count, and show (they are drawn over the
 * boxes); the port captions show over the edges; the sequence view's
 * message labels meet no other label, no arrow, no band and no collapsed
 * stretch; the CPU view's caption of the thread rows shows none of the
 * collapsed stretch's band it lies across.
 *
 * The one idea: the views place their labels with functions the test
 * calls too (topo_edge_labels, seq_msg_labels, vz_cpu_caption), so the
 * test checks the rectangles the drawing uses, then reads the pixels there.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "draw_impl.h"
#include "ix_fixture.h"
#include "palette.h"
#include "timemap.h"
#include "trace_index.h"
#include "view.h"
#include "view_seq.h"
#include "view_topo.h"

static const char pool[] =
	"machine { cpus = 2, costs = \"modern\" }\n"
	"process { name = \"front\", daemon = true, main = function()\n"
	"  local p = port()\n"
	"  assert(register(\"front\", p))\n"
	"  local wq = port()\n"
	"  assert(register(\"workq\", wq))\n"
	"  while true do\n"
	"    local m = recv(p)\n"
	"    local w = recv(wq)\n"
	"    local r = call(w.port, { x = m.x })\n"
	"    reply(m, { y = r.y, by = w.id })\n"
	"  end\n"
	"end }\n"
	"for i = 1, 3 do\n"
	"  process { name = \"worker\" .. i, daemon = true, start = \"5us\", main = function()\n"
	"    local wq = assert(lookup(\"workq\"))\n"
	"    local mine = port()\n"
	"    while true do\n"
	"      send(wq, { id = i, port = mine })\n"
	"      local m = recv(mine)\n"
	"      compute(\"100us\")\n"
	"      reply(m, { y = m.x * m.x })\n"
	"    end\n"
	"  end }\n"
	"end\n"
	"for c = 1, 4 do\n"
	"  process { name = \"client\" .. c, start = \"1ms\", main = function()\n"
	"    local f = assert(lookup(\"front\"))\n"
	"    local r = call(f, { x = c })\n"
	"  end }\n"
	"end\n";

struct world {
	struct ix_run run;
	struct draw *d;
	struct vz_frame f;
};

static int setup(void **state)
{
	struct world *w = calloc(1, sizeof *w);
	char err[300];

	ix_headless_env();
	assert_non_null(w);
	ix_run(&w->run, "pool.lua", pool, NULL, 0, UINT64_MAX);
	if (!(w->d = draw_headless(1280, 800, err, sizeof err)))
		fail_msg("%s", err);
	w->f = (struct vz_frame){ .ix = w->run.ix, .d = w->d, .from = 0, .to = w->run.ix->end_ns,
				  .now = w->run.ix->end_ns, .collapse = 1, .title = "pool.lua" };
	*state = w;
	return 0;
}

static int teardown(void **state)
{
	struct world *w = *state;

	draw_free(w->d);
	ix_run_free(&w->run);
	free(w);
	return 0;
}

/* The pixels of r (inside the canvas) in what was drawn last: how many are
 * one of the colours in rgb[0 .. n - 1]. */
static size_t count_px(const struct world *w, struct vz_rect r, const uint32_t *rgb, size_t n)
{
	SDL_Rect sr = { (int)r.x + 1, (int)r.y + 1, (int)r.w - 2, (int)r.h - 2 };
	uint32_t *px;
	size_t hits = 0;

	assert_true(sr.w > 0 && sr.h > 0);
	px = calloc((size_t)sr.w * (size_t)sr.h, sizeof *px);
	assert_non_null(px);
	assert_int_equal(SDL_RenderReadPixels(w->d->r, &sr, SDL_PIXELFORMAT_RGB888, px, sr.w * 4),
			 0);
	for (size_t i = 0; i < (size_t)sr.w * (size_t)sr.h; i++)
		for (size_t k = 0; k < n; k++)
			hits += (px[i] & 0xffffff) == rgb[k];
	free(px);
	return hits;
}

static size_t text_px(const struct world *w, struct vz_rect r)
{
	static const uint32_t bg[] = { PAL_BG };

	return (size_t)((int)r.w - 2) * (size_t)((int)r.h - 2) - count_px(w, r, bg, 1);
}

static void no_overlap(struct vz_rect a, struct vz_rect b, const char *what, size_t i)
{
	if (vz_rects_meet(a, b))
		fail_msg("label %zu (%.0f,%.0f %.0fx%.0f) meets %s (%.0f,%.0f %.0fx%.0f)", i, a.x, a.y,
			 a.w, a.h, what, b.x, b.y, b.w, b.h);
}

/* The topology view at the end: every count placed clear of the boxes, the
 * queues, their captions and each other, inside the area of the boxes; most
 * edges have theirs; each is drawn and shows; each caption shows. */
static void test_topology_counts(void **state)
{
	struct world *w = *state;
	struct topo_layout L;
	struct topo_label lab[TOPO_EDGES];
	size_t n;

	w->f.view = VIZ_TOPOLOGY;
	topo_layout(&w->f, vz_plot(&w->f), &L);
	assert_int_equal(L.n, 9);
	n = topo_edge_labels(&w->f, &L, lab, TOPO_EDGES, NULL);
	assert_true(n >= 12);       /* 4 clients and 3 workers look up, 4 call front, ... */
	vz_draw_frame(&w->f);
	for (size_t i = 0; i < n; i++) {
		struct vz_rect r = lab[i].r;
		assert_true(strstr(lab[i].text, "call") || strstr(lab[i].text, "send"));
		assert_true(r.x >= L.area.x && r.y >= L.area.y && r.x + r.w <= L.area.x + L.area.w &&
			    r.y + r.h <= L.area.y + L.area.h);
		for (size_t j = 0; j < i; j++)
			no_overlap(r, lab[j].r, "another label", i);
		for (size_t b = 0; b < L.n; b++) {
			const struct topo_box *x = &L.box[b];
			no_overlap(r, (struct vz_rect){ x->x, x->y, x->w, x->h }, "a box", i);
			for (int k = 0; k < x->nports; k++) {
				no_overlap(r, topo_port_rect(&w->f, x, k), "a queue", i);
				no_overlap(r, topo_port_caption(&w->f, x, k, NULL, 0), "a caption", i);
			}
		}
		assert_true(text_px(w, r) > 20);                 /* drawn, over the boxes */
	}
	for (size_t b = 0; b < L.n; b++) {
		const struct topo_box *x = &L.box[b];
		for (int k = 0; k < x->nports; k++) {
			char line[200];
			struct vz_rect c = topo_port_caption(&w->f, x, k, line, sizeof line);
			static const uint32_t edge[] = { PAL_NAMESERVER };
			assert_true(strstr(line, "queued") || strstr(line, "rendezvous"));
			assert_true(text_px(w, c) > 20);
			if (w->run.ix->procs[x->pr].nameserver)   /* eleven lookups end under it */
				assert_int_equal(count_px(w, c, edge, 1), 0);
		}
	}
}

/* The sequence view of the whole run: its labels meet no other label, no
 * arrow, no thread band and no collapsed stretch, and stay in the lanes. */
static void test_sequence_labels(void **state)
{
	struct world *w = *state;
	struct seq_layout S;
	struct seq_label lab[SEQ_LABELS];
	float seg[SEQ_LABELS][4];
	size_t n, nseg;

	w->f.view = VIZ_SEQUENCE;
	seq_layout(&w->f, vz_plot(&w->f), &S);
	assert_true(S.T.tm.ngaps >= 1);                   /* the idle millisecond */
	n = seq_msg_labels(&w->f, &S, lab, seg, &nseg);
	assert_true(nseg >= 30);
	assert_true(n >= 12);
	vz_draw_frame(&w->f);
	for (size_t i = 0; i < n; i++) {
		struct vz_rect r = lab[i].r;
		assert_true(r.x >= S.T.lanes.x && r.x + r.w <= S.T.lanes.x + S.T.lanes.w);
		for (size_t j = 0; j < i; j++)
			no_overlap(r, lab[j].r, "another label", i);
		for (size_t j = 0; j < nseg; j++)
			if (vz_seg_meets(r, seg[j][0], seg[j][1], seg[j][2], seg[j][3]))
				fail_msg("label %zu (message %zu) meets arrow %zu", i, lab[i].msg,
					 j);
		for (uint32_t pr = 0; pr < w->run.ix->nprocs; pr++) {
			float mid = seq_lane_mid(&S, pr);
			if (seq_proc_shown(&S, pr))
				no_overlap(r, (struct vz_rect){ S.T.lanes.x, mid - S.bar_h / 2,
								 S.T.lanes.w, S.bar_h }, "a band", i);
		}
		for (int g = 0; g < S.T.tm.ngaps; g++)
			no_overlap(r, (struct vz_rect){ (float)S.T.tm.gap[g].x0, S.T.lanes.y,
							 (float)(S.T.tm.gap[g].x1 - S.T.tm.gap[g].x0),
							 S.T.lanes.h }, "the collapsed stretch", i);
		assert_true(text_px(w, r) > 20);
	}
}

/* The CPU view: the caption over the thread rows lies across the collapsed
 * stretch's band, and none of the band shows through it. */
static void test_cpu_caption(void **state)
{
	struct world *w = *state;
	struct vz_time_layout T;
	struct vz_rect c, band;
	const uint32_t gap[] = { PAL_GAP, pal_mix(PAL_GAP, PAL_BORDER, 0.6f) };

	w->f.view = VIZ_CPU;
	view_cpu.time_layout(&w->f, vz_plot(&w->f), &T);
	c = vz_cpu_caption(&w->f, vz_plot(&w->f), NULL, 0);
	assert_int_equal(T.tm.ngaps, 1);
	band = (struct vz_rect){ (float)T.tm.gap[0].x0, T.lanes.y, (float)(T.tm.gap[0].x1 -
				 T.tm.gap[0].x0), T.lanes.h };
	assert_true(vz_rects_meet(c, band));              /* it does lie across */
	vz_draw_frame(&w->f);
	assert_int_equal(count_px(w, c, gap, 2), 0);
	assert_true(text_px(w, c) > 100);
	band.y = c.y + c.h + 4;                           /* the band is there, under it */
	band.h = 10;
	assert_true(count_px(w, band, gap, 2) > 50);
}

/* Time past the end of the trace (a live run paused before the window's
 * end) is not an idle stretch: nothing past the end is collapsed, and the
 * end stays where a linear axis puts it, short of the idle millisecond
 * inside the run. */
static void test_no_gap_past_end(void **state)
{
	struct world *w = *state;
	struct timemap tm;
	uint64_t end = w->run.ix->end_ns;

	timemap_init(&tm, w->run.ix, 0, 4 * end, 0, 1200, 1, 44);
	for (int g = 0; g < tm.ngaps; g++)
		assert_true(tm.gap[g].t1 <= end);
	assert_true(timemap_x(&tm, end) < 400);
	timemap_init(&tm, w->run.ix, 0, end, 0, 1200, 1, 44);
	assert_int_equal(tm.ngaps, 1);                    /* inside the run: as before */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_topology_counts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sequence_labels, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cpu_caption, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_gap_past_end, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
