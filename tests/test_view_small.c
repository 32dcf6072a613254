/*
 * test_view_small.c: the viewer at small sizes and with long names
 * (viz/view.c, viz/view_topo.c, viz/view_seq.c, viz/draw_text.c), drawn on
 * headless canvases from 480x320 (the smallest `--size`) to 1280x800.
 * The header's title, parameters and time window never meet the tabs, and
 * the window keeps its full form at the default size; the topology view of
 * a single process keeps its boxes, queues and captions inside the area
 * above the time strip; names of 60 characters are cut short with "…"
 * inside their boxes (topology) and before the lanes (sequence), so no
 * text shows outside them and the edge counts, placed clear of the boxes,
 * meet none of it.
 *
 * In crowded lanes of processes with several threads, the sequence view's
 * second line ("daemon · pid 2") and the process's name meet no thread's
 * name; the CPU view's caption fits the lanes' width and the note saying
 * which thread rows are shown stays clear of the time axis and its label;
 * with nodes, the topology view's edge counts meet no link's label and no
 * move's label.
 *
 * The one idea: the views lay out with functions the test calls too
 * (vz_header_layout, topo_layout, seq_layout, seq_words, seq_thread_word,
 * vz_cpu_caption, vz_cpu_note, topo_node_labels, draw_elide), so the test
 * checks the rectangles the drawing uses, then reads the pixels there.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "draw.h"
#include "draw_impl.h"
#include "ix_fixture.h"
#include "view_canvas.h"
#include "palette.h"
#include "trace_index.h"
#include "view.h"
#include "view_seq.h"
#include "view_topo.h"

static const char one[] =
	"machine { cpus = 1, costs = \"modern\" }\n"
	"process { name = \"solo\", main = function() compute(\"1ms\") end }\n";

#define SRV "a_server_process_with_a_remarkably_long_name_for_testing_xyz"
#define CLI "the_client_process_that_also_has_a_very_long_name_indeed_abc"

static const char longnames[] =
	"machine { cpus = 2, costs = \"modern\" }\n"
	"process { name = \"" SRV "\", daemon = true, main = function()\n"
	"  local p = port()\n"
	"  assert(register(\"svc\", p))\n"
	"  thread(function() while true do sleep(\"100us\") end end)\n"
	"  while true do\n"
	"    local m = recv(p)\n"
	"    compute(\"20us\")\n"
	"    reply(m, { y = 1 })\n"
	"  end\n"
	"end }\n"
	"process { name = \"" CLI "\", start = \"10us\", main = function()\n"
	"  local s = assert(lookup(\"svc\"))\n"
	"  local t = thread(function() for i = 1, 2 do call(s, { x = i }) end end)\n"
	"  for i = 1, 3 do call(s, { x = i }) end\n"
	"  join(t)\n"
	"end }\n"
	"process { name = \"short\", start = \"20us\", main = function()\n"
	"  call(assert(lookup(\"svc\")), { x = 0 })\n"
	"end }\n";

static const int sizes[][2] = {
	{ 480, 320 }, { 520, 340 }, { 560, 380 }, { 640, 480 }, { 800, 500 }, { 1024, 640 },
	{ 1280, 800 },
};

static struct vz_frame frame_of(const struct ix_run *run, struct draw *d, enum viz_view v,
				const char *title)
{
	return (struct vz_frame){ .ix = run->ix, .d = d, .view = v, .from = 0,
				  .to = run->ix->end_ns, .now = run->ix->end_ns, .collapse = 1,
				  .title = title };
}

/* How many pixels of r (clipped to the canvas) are one of rgb[0 .. n-1]. */
static size_t count_px(struct draw *d, struct vz_rect r, const uint32_t *rgb, size_t n)
{
	int w, h;
	SDL_Rect sr;
	uint32_t *px;
	size_t hits = 0;

	draw_size(d, &w, &h);
	sr = (SDL_Rect){ (int)r.x, (int)r.y, (int)r.w, (int)r.h };
	if (sr.x < 0) {
		sr.w += sr.x;
		sr.x = 0;
	}
	if (sr.x + sr.w > w)
		sr.w = w - sr.x;
	if (sr.y + sr.h > h)
		sr.h = h - sr.y;
	if (sr.w <= 0 || sr.h <= 0)
		return 0;
	px = calloc((size_t)sr.w * (size_t)sr.h, sizeof *px);
	assert_non_null(px);
	assert_int_equal(SDL_RenderReadPixels(d->r, &sr, SDL_PIXELFORMAT_RGB888, px, sr.w * 4), 0);
	for (size_t i = 0; i < (size_t)sr.w * (size_t)sr.h; i++)
		for (size_t k = 0; k < n; k++)
			hits += (px[i] & 0xffffff) == rgb[k];
	free(px);
	return hits;
}

static void inside(struct vz_rect r, struct vz_rect a, const char *what)
{
	if (r.x < a.x - 0.5f || r.y < a.y - 0.5f || r.x + r.w > a.x + a.w + 0.5f ||
	    r.y + r.h > a.y + a.h + 0.5f)
		fail_msg("%s (%.0f,%.0f %.0fx%.0f) is not inside (%.0f,%.0f %.0fx%.0f)", what, r.x,
			 r.y, r.w, r.h, a.x, a.y, a.w, a.h);
}

static void apart(struct vz_rect a, struct vz_rect b, const char *what)
{
	if (a.w > 0 && vz_rects_meet(a, b))
		fail_msg("%s (%.0f,%.0f %.0fx%.0f) meets the tabs (%.0f,%.0f %.0fx%.0f)", what, a.x,
			 a.y, a.w, a.h, b.x, b.y, b.w, b.h);
}

/* draw_elide: a name that fits is itself; a longer one is cut at a
 * character and ends with "…" within the width; no room, nothing. */
static void test_elide(void **state)
{
	struct draw *d = view_canvas(480, 320);
	char buf[160];
	int w;

	(void)state;
	w = draw_elide(d, FONT_BOLD, "short", 200, buf, sizeof buf);
	assert_string_equal(buf, "short");
	assert_int_equal(w, draw_text_w(d, FONT_BOLD, "short"));
	w = draw_elide(d, FONT_BOLD, CLI, 120, buf, sizeof buf);
	assert_true(w > 60 && w <= 120);
	assert_int_equal(w, draw_text_w(d, FONT_BOLD, buf));
	assert_true(strlen(buf) > 3 && strcmp(buf + strlen(buf) - 3, "…") == 0);
	assert_memory_equal(buf, CLI, strlen(buf) - 3);
	/* two-byte characters are never split */
	w = draw_elide(d, FONT_SMALL, "ééééééééééééééééééééééééééééé", 40, buf, sizeof buf);
	assert_true(w > 0 && w <= 40);
	for (size_t i = 0; i + 3 < strlen(buf); i += 2)
		assert_memory_equal(buf + i, "é", 2);
	assert_int_equal(draw_elide(d, FONT_BOLD, CLI, 3, buf, sizeof buf), 0);
	assert_string_equal(buf, "");
	/* a small buffer: the cut fits it */
	w = draw_elide(d, FONT_BOLD, CLI, 1000, buf, 20);
	assert_true(strlen(buf) < 20 && strcmp(buf + strlen(buf) - 3, "…") == 0);
	draw_free(d);
}

/* The header in every view at every size from the smallest to the
 * default, with a long title: nothing meets the tabs, everything is on the
 * canvas, and the window's text (dark grey) shows no pixel over the tabs. */
static void test_header(void **state)
{
	struct ix_run run;
	static const uint32_t dim[] = { PAL_DIM };

	(void)state;
	ix_run(&run, "one.lua", one, NULL, 0, UINT64_MAX);
	for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
		struct draw *d = view_canvas(sizes[s][0], sizes[s][1]);
		struct vz_rect all = { 0, 0, (float)sizes[s][0], (float)sizes[s][1] };
		for (int v = 0; v < VIZ_VIEW_COUNT; v++)
			for (int t = 0; t < 2; t++) {
				struct vz_frame f = frame_of(&run, d, (enum viz_view)v, t ?
						"fileserver-architectures-in-a-longer-name.lua" : "one.lua");
				struct vz_header H;
				vz_header_layout(&f, &H);
				apart(H.title, H.tabs, "the title");
				apart(H.params, H.tabs, "the parameters");
				apart(H.window, H.tabs, "the window");
				inside(H.title, all, "the title");
				inside(H.window, all, "the window");
				assert_true(H.title_text[0]);
				if (sizes[s][0] == 1280) {      /* the default: all of it */
					assert_non_null(strstr(H.window_text, " – "));
					assert_true(H.window_font == FONT_TEXT);
					if (!t)
						assert_string_equal(H.title_text, "one.lua");
				}
				if (sizes[s][0] == 480 && v == VIZ_TOPOLOGY)    /* a shorter form */
					assert_null(strstr(H.window_text, " – "));
				vz_draw_frame(&f);
				assert_int_equal(count_px(d, H.tabs, dim, 1), 0);
				if (H.window_text[0])
					assert_true(count_px(d, H.window, dim, 1) > 5);
			}
		draw_free(d);
	}
	ix_run_free(&run);
}

/* The boxes, queues and captions of the topology view inside its area
 * (above the time strip), each box's text inside the box, and the edge
 * counts clear of the boxes. */
static void topo_inside(struct vz_frame *f, const char *what)
{
	struct topo_layout L;
	struct topo_label lab[TOPO_EDGES];
	size_t n;
	char msg[160];

	topo_layout(f, vz_plot(f), &L);
	assert_true(L.n >= 2);
	assert_true(L.area.y + L.area.h <= L.strip.y);
	for (size_t i = 0; i < L.n; i++) {
		const struct topo_box *b = &L.box[i];
		snprintf(msg, sizeof msg, "%s: box %zu", what, i);
		inside((struct vz_rect){ b->x, b->y, b->w, b->h }, L.area, msg);
		for (int k = 0; k < b->nports; k++) {
			snprintf(msg, sizeof msg, "%s: queue %d of box %zu", what, k, i);
			inside(topo_port_rect(f, b, k), L.area, msg);
			inside(topo_port_caption(f, b, k, NULL, 0), L.area, msg);
		}
	}
	n = topo_edge_labels(f, &L, lab, TOPO_EDGES, NULL);
	for (size_t i = 0; i < n; i++)
		for (size_t b = 0; b < L.n; b++)
			assert_false(vz_rects_meet(lab[i].r, (struct vz_rect){ L.box[b].x, L.box[b].y,
									      L.box[b].w, L.box[b].h }));
}

static void test_topology_one(void **state)
{
	struct ix_run run;

	(void)state;
	ix_run(&run, "one.lua", one, NULL, 0, UINT64_MAX);
	for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
		struct draw *d = view_canvas(sizes[s][0], sizes[s][1]);
		struct vz_frame f = frame_of(&run, d, VIZ_TOPOLOGY, "one.lua");
		struct topo_layout L;
		static const uint32_t ink[] = { PAL_TEXT, PAL_FAINT };
		char what[64];
		snprintf(what, sizeof what, "one.lua at %dx%d", sizes[s][0], sizes[s][1]);
		topo_inside(&f, what);
		/* drawn: no name shows in the strip or on the axis under it */
		topo_layout(&f, vz_plot(&f), &L);
		vz_draw_frame(&f);
		assert_int_equal(count_px(d, (struct vz_rect){ L.T.lanes.x, L.strip.y, L.T.lanes.w,
							      L.T.axis_y - L.strip.y }, ink, 2), 0);
		draw_free(d);
	}
	ix_run_free(&run);
}

/* Long names: inside the boxes (no name's ink right of its box), and, in
 * the sequence view, none in the lanes. */
static void test_long_names(void **state)
{
	struct ix_run run;
	static const uint32_t ink[] = { PAL_TEXT, PAL_FAINT, PAL_DIM };

	(void)state;
	ix_run(&run, "long.lua", longnames, NULL, 0, UINT64_MAX);
	for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
		struct draw *d = view_canvas(sizes[s][0], sizes[s][1]);
		struct vz_frame f = frame_of(&run, d, VIZ_TOPOLOGY, "long.lua");
		float u = draw_unit(d);
		struct topo_layout L;
		struct seq_layout S;
		char what[64];
		snprintf(what, sizeof what, "long.lua at %dx%d", sizes[s][0], sizes[s][1]);
		topo_inside(&f, what);
		topo_layout(&f, vz_plot(&f), &L);
		vz_draw_frame(&f);
		for (size_t i = 0; i < L.n; i++) {       /* beside each box, its rows */
			const struct topo_box *b = &L.box[i];
			struct vz_rect r = { b->x + b->w + 4 * u, b->y + 4 * u, 8 * u, b->h - 4 * u };
			if (b->side == 0 || b->nports == 0)
				assert_int_equal(count_px(d, r, ink, 2), 0);
		}
		f.view = VIZ_SEQUENCE;
		seq_layout(&f, vz_plot(&f), &S);
		vz_draw_frame(&f);
		assert_int_equal(count_px(d, S.T.lanes, ink, 3), 0);
		draw_free(d);
	}
	ix_run_free(&run);
}

/* Processes of two and three threads among single ones, enough of them
 * that the lanes are short at the small sizes. */
static const char crowd[] =
	"machine { cpus = 2, costs = \"modern\" }\n"
	"for i = 1, 5 do\n"
	"  process { name = \"pair\" .. i, daemon = true, main = function()\n"
	"    thread(function() while true do sleep(\"100us\") end end)\n"
	"    if i % 2 == 1 then thread(function() while true do sleep(\"70us\") end end) end\n"
	"    while true do sleep(\"50us\") end\n"
	"  end }\n"
	"  process { name = \"one\" .. i, start = \"5us\", main = function()\n"
	"    for k = 1, 3 do compute(\"20us\") sleep(\"30us\") end\n"
	"  end }\n"
	"end\n";

/* The sequence view's words in the gutter: each thread's name drawn meets
 * neither its process's name nor its second line, inside the lane; and no
 * ink of the name (PAL_TEXT) or of the second line (PAL_FAINT) shows where
 * a thread's name is. At the default size the thread names and the second
 * lines are there. */
static void test_seq_words(void **state)
{
	struct ix_run run;
	static const uint32_t other[] = { PAL_TEXT, PAL_FAINT }, dim[] = { PAL_DIM };

	(void)state;
	ix_run(&run, "crowd.lua", crowd, NULL, 0, 400000);
	for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
		struct draw *d = view_canvas(sizes[s][0], sizes[s][1]);
		struct vz_frame f = frame_of(&run, d, VIZ_SEQUENCE, "crowd.lua");
		struct seq_layout S;
		size_t words = 0, subs = 0;
		seq_layout(&f, vz_plot(&f), &S);
		vz_draw_frame(&f);
		for (uint32_t pr = 0; pr < run.ix->nprocs; pr++) {
			struct seq_words W;
			float mid, top;
			if (!seq_proc_shown(&S, pr))
				continue;
			seq_words(&f, &S, pr, &W);
			mid = seq_lane_mid(&S, pr);
			top = mid - S.lane_h / 2;
			assert_true(W.name.y >= top - 0.5f);
			if (W.sub.h > 0) {
				subs++;
				assert_true(W.sub.y + W.sub.h <= top + S.lane_h + 0.5f);
				assert_int_equal(count_px(d, W.sub, dim, 1), 0);
			}
			for (uint32_t th = 0; th < run.ix->nthreads; th++) {
				struct vz_rect r;
				if (run.ix->threads[th].proc != pr)
					continue;
				r = seq_thread_word(&f, &S, th, &W);
				if (r.h <= 0)
					continue;
				words++;
				if (vz_rects_meet(r, W.name) || (W.sub.h > 0 && vz_rects_meet(r, W.sub)))
					fail_msg("%dx%d: thread %u's name meets its process's words",
						 sizes[s][0], sizes[s][1], th);
				assert_true(r.y >= top - 2 && r.y + r.h <= top + S.lane_h + 2);
				assert_int_equal(count_px(d, r, other, 2), 0);
				assert_true(count_px(d, r, dim, 1) > 0);
			}
		}
		if (sizes[s][0] == 1280)
			assert_true(words >= 10 && subs >= 5);
		draw_free(d);
	}
	ix_run_free(&run);
}

/* The CPU view's caption within the lanes' width at every size (its short
 * form at the smallest), and the note on the thread rows shown clear of
 * the time axis and its label, inside the plot. */
static void test_cpu_caption_note(void **state)
{
	struct ix_run run;
	static const uint32_t faint[] = { PAL_FAINT };

	(void)state;
	ix_run(&run, "crowd.lua", crowd, NULL, 0, 400000);
	for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
		struct draw *d = view_canvas(sizes[s][0], sizes[s][1]);
		struct vz_frame f = frame_of(&run, d, VIZ_CPU, "crowd.lua");
		struct vz_rect p = vz_plot(&f), cap, note, label;
		struct vz_time_layout T;
		float u = draw_unit(d);
		char text[VZ_LINE], more[64];
		view_cpu.time_layout(&f, p, &T);
		cap = vz_cpu_caption(&f, p, text, sizeof text);
		assert_true(text[0]);
		assert_true(cap.x + cap.w <= T.lanes.x + T.lanes.w + 0.5f);
		if (sizes[s][0] == 1280)
			assert_string_equal(text, "running · ready (waiting for a CPU) · blocked");
		if ((float)draw_text_w(d, FONT_SMALL, "running · ready (waiting for a CPU) · blocked")
		    > T.lanes.w)
			assert_string_equal(text, "running · ready · blocked");
		if (sizes[s][0] == 480) {          /* with page faults: a longer caption */
			struct ix_run cow;
			ix_run(&cow, "scenarios/cow-fork.lua", NULL, NULL, 0, UINT64_MAX);
			f.ix = cow.ix;
			f.to = f.now = cow.ix->end_ns;
			view_cpu.time_layout(&f, p, &T);
			cap = vz_cpu_caption(&f, p, text, sizeof text);
			assert_non_null(strstr(text, "page faults"));
			assert_null(strstr(text, "waiting"));
			assert_true(cap.x + cap.w <= T.lanes.x + T.lanes.w + 0.5f);
			ix_run_free(&cow);
			f = frame_of(&run, d, VIZ_CPU, "crowd.lua");
			view_cpu.time_layout(&f, p, &T);
		}
		note = vz_cpu_note(&f, p, more, sizeof more);
		vz_draw_frame(&f);
		if (sizes[s][1] <= 340) {          /* the threads do not all fit */
			char of[32];
			snprintf(of, sizeof of, " of %zu", run.ix->nthreads);
			assert_true(note.w > 0);
			assert_non_null(strstr(more, of));
		}
		if (note.w <= 0) {
			draw_free(d);
			continue;
		}
		label = (struct vz_rect){ T.gutter.x, T.axis_y - 2 * u, T.lanes.x + T.lanes.w,
					  (float)draw_font_h(d, FONT_SMALL) + 8 * u };
		if (vz_rects_meet(note, label))
			fail_msg("%dx%d: the note (%.0f,%.0f %.0fx%.0f) meets the axis (%.0f,%.0f)",
				 sizes[s][0], sizes[s][1], note.x, note.y, note.w, note.h, label.x,
				 label.y);
		inside(note, p, "the note");
		assert_true(count_px(d, note, faint, 1) > 0);
		draw_free(d);
	}
	ix_run_free(&run);
}

/* With nodes (tests/view/moves.lua, and the shipped scenarios of a
 * migration and of two nodes' RPC): the edge counts meet no label of a link or of a move, at every
 * size and at several moments. */
static void test_topology_nodes_labels(void **state)
{
	static const char *const files[] = { "tests/view/moves.lua", "scenarios/migration.lua",
					     "scenarios/two-nodes-rpc.lua" };
	size_t counted = 0, moves = 0;

	(void)state;
	for (size_t sc = 0; sc < 3; sc++) {
	struct ix_run run;
	ix_run(&run, files[sc], NULL, NULL, 0, UINT64_MAX);
	assert_true(run.ix->nnodes >= 2 && run.ix->nlinks >= 1);
	for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++)
		for (int t = 1; t <= 8; t++) {
			struct draw *d = view_canvas(sizes[s][0], sizes[s][1]);
			struct vz_frame f = frame_of(&run, d, VIZ_TOPOLOGY, files[sc]);
			struct topo_layout L;
			struct topo_label lab[TOPO_EDGES];
			struct vz_rect taken[TOPO_TAKEN];
			size_t n, nt, left;
			f.now = run.ix->end_ns / 8 * (uint64_t)t;
			topo_layout(&f, vz_plot(&f), &L);
			n = topo_edge_labels(&f, &L, lab, TOPO_EDGES, NULL);
			nt = topo_node_labels(&f, &L, taken, TOPO_TAKEN);
			left = topo_node_labels_left_out(&f, &L);   /* no place: said in the note */
			assert_true(nt + left >= L.nlinks);
			moves += nt + left - L.nlinks;
			counted += n;
			for (size_t i = 0; i < n; i++)
				for (size_t j = 0; j < nt; j++)
					if (vz_rects_meet(lab[i].r, taken[j]))
						fail_msg("%s %dx%d at %d/8: \"%s\" meets a link's or "
							 "move's label", files[sc], sizes[s][0],
							 sizes[s][1], t, lab[i].text);
			draw_free(d);
		}
	ix_run_free(&run);
	}
	assert_true(counted > 0 && moves > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_elide),
		cmocka_unit_test(test_header),
		cmocka_unit_test(test_topology_one),
		cmocka_unit_test(test_long_names),
		cmocka_unit_test(test_seq_words),
		cmocka_unit_test(test_cpu_caption_note),
		cmocka_unit_test(test_topology_nodes_labels),
	};

	ix_headless_env();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
