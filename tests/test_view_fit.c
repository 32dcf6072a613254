/*
 * test_view_fit.c: what gives way in a small picture (viz/view.c,
 * viz/view_cpu.c, viz/view_seq.c, viz/view_seq_msgs.c), drawn on headless
 * canvases.
 *
 * The legend takes at most a tenth of the height and at least a line:
 * at 480x320 one line, its sentences and last entries left out for a
 * "+N more"; at 1280x800 a short legend is whole. The CPU view of a run of
 * 8 CPUs and 219 threads (fileserver-architectures) at 480x320 keeps all
 * its CPU rows, shrunk, and at least three thread rows, and its note says
 * which ("threads 1–3 of 219"); with nodes (two-nodes-rpc) at least four
 * rows and never a node's header last without its rows. The sequence
 * view's note on the rows shown gives the keys that scroll them in a
 * window only. Sequence labels: the first send of buffering (at the left
 * edge of the lanes) has its label like the four others, and in
 * nested-servers' deadlock no two labels stack (half a line apart at
 * least); its wait-for arrows go right of its line when the window goes on
 * past it, and left of it, still in the lanes, when the window ends there.
 *
 * The one idea: the test calls the functions the drawing lays out with
 * (vz_legend_shown, vz_plot, cpu_layout, seq_rows_note,
 * seq_msg_labels).
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
#include "draw_impl.h"
#include "ix_fixture.h"
#include "palette.h"
#include "view_canvas.h"
#include "timemap.h"
#include "trace_index.h"
#include "view.h"
#include "view_cpu.h"
#include "view_seq.h"

static struct vz_frame frame_of(const struct ix_run *run, struct draw *d, enum viz_view v)
{
	return (struct vz_frame){ .ix = run->ix, .d = d, .view = v, .from = 0,
				  .to = run->ix->end_ns, .now = run->ix->end_ns, .collapse = 1,
				  .title = "t.lua" };
}

/* The legend of every view: one line at 480x320 (the plot reaches down to
 * it), with "+N more" when entries were left out; whole at 1280x800 when
 * it is short. */
static void test_legend(void **state)
{
	struct ix_run run;
	static const int sizes[][2] = { { 480, 320 }, { 640, 400 }, { 1280, 800 } };

	(void)state;
	ix_run(&run, "scenarios/two-nodes-rpc.lua", NULL, NULL, 0, UINT64_MAX);
	for (size_t s = 0; s < 3; s++) {
		struct draw *d = view_canvas(sizes[s][0], sizes[s][1]);
		float u = draw_unit(d), line = (float)draw_font_h(d, FONT_SMALL) + 6 * u;
		for (int v = 0; v < VIZ_VIEW_COUNT; v++) {
			struct vz_frame f = frame_of(&run, d, (enum viz_view)v);
			struct vz_legend lg[VZ_LEGEND_MAX + 2], all[VZ_LEGEND_MAX];
			size_t n = vz_legend_shown(&f, lg), nall;
			struct vz_rect p = vz_plot(&f);
			float legend_h = (float)sizes[s][1] - (p.y + p.h);
			nall = vz_views[v]->legend(&f, all, VZ_LEGEND_MAX);
			if (!nall) {                     /* a view with nothing to say */
				assert_int_equal(n, 0);
				continue;
			}
			assert_true(legend_h <= fmaxf((float)sizes[s][1] / 10, line + 10 * u) + 0.5f);
			if (v == VIZ_CPU) {              /* the thread rows' states, all named */
				int ready = 0, blocked = 0;
				for (size_t i = 0; i < nall; i++) {
					ready |= strcmp(all[i].label, "ready") == 0;
					blocked |= strcmp(all[i].label, "blocked") == 0;
				}
				assert_true(ready && blocked);
			}
			if (sizes[s][1] == 320) {
				assert_true(legend_h <= line + 10 * u + 0.5f);
				assert_true(n < nall);           /* every view has more */
				assert_non_null(strstr(lg[n - 1].label, " more"));
				for (size_t i = 0; i + 1 < n; i++)
					assert_int_not_equal(lg[i].kind, LEG_TEXT);
			}
			if (sizes[s][1] == 800 && v == VIZ_SEQUENCE)
				assert_int_equal(n, nall);
			vz_draw_frame(&f);
		}
		draw_free(d);
	}
	ix_run_free(&run);
}

/* The CPU view keeps thread rows: 8 CPUs shrunk, three threads at least. */
static void test_cpu_rows(void **state)
{
	struct ix_run run;
	struct draw *d = view_canvas(480, 320);
	struct cpu_layout C;
	char note[64];

	(void)state;
	ix_run(&run, "scenarios/fileserver-architectures.lua", NULL, NULL, 0, UINT64_MAX);
	{
		struct vz_frame f = frame_of(&run, d, VIZ_CPU);
		struct vz_rect p = vz_plot(&f);
		assert_int_equal(run.ix->ncpus, 8);
		cpu_layout(&f, p, &C);
		assert_int_equal(C.cpus.shown, 8);
		assert_true(C.cpu_note == 0);
		assert_true(C.th_shown >= 3);
		assert_true(C.th_y + (float)C.th_shown * C.th_h <= C.T.axis_y + 0.5f);
		vz_cpu_note(&f, p, note, sizeof note);
		snprintf(note + 40, 24, " of %zu", run.ix->nthreads);
		assert_non_null(strstr(note, note + 40));
		assert_null(strstr(note, "–0 "));
		vz_draw_frame(&f);
	}
	ix_run_free(&run);
	ix_run(&run, "scenarios/two-nodes-rpc.lua", NULL, NULL, 0, UINT64_MAX);
	{
		struct vz_frame f = frame_of(&run, d, VIZ_CPU);
		size_t item, g;
		cpu_layout(&f, vz_plot(&f), &C);
		assert_int_equal(C.cpus.shown, rows_count(&C.cpus));   /* every CPU */
		if (C.th_shown < 4)
			fail_msg("%zu thread rows of %zu, CPU rows %zu, row %.1f", C.th_shown,
				 rows_count(&C.threads), C.cpus.shown, C.row_h);
		assert_true(rows_at(&C.threads, C.th_first + C.th_shown - 1, &item, &g));
		vz_draw_frame(&f);
	}
	ix_run_free(&run);
	draw_free(d);
}

/* The sequence view's note on the rows shown names the keys that scroll
 * them in a window only (fileserver-architectures: 28 processes). */
static void test_seq_note(void **state)
{
	struct ix_run run;
	struct draw *d = view_canvas(480, 320);
	struct seq_layout S;
	char note[64];

	(void)state;
	ix_run(&run, "scenarios/fileserver-architectures.lua", NULL, NULL, 0, UINT64_MAX);
	{
		struct vz_frame f = frame_of(&run, d, VIZ_SEQUENCE);
		seq_layout(&f, vz_plot(&f), &S);
		assert_true(S.shown < S.nlanes);
		assert_int_equal(seq_rows_note(&f, &S, note, sizeof note), 1);
		assert_non_null(strstr(note, "lanes 1–"));
		assert_null(strstr(note, "Up"));
		assert_null(strstr(note, "("));
		vz_draw_frame(&f);
		f.interactive = 1;
		seq_layout(&f, vz_plot(&f), &S);
		assert_int_equal(seq_rows_note(&f, &S, note, sizeof note), 1);
		assert_non_null(strstr(note, " (Up, Down)"));
	}
	ix_run_free(&run);
	draw_free(d);
}

/* Scrolling (vz_first_row, what Up, Down, PageUp and PageDown start from):
 * the CPU view of fileserver-architectures (219 threads of 29 processes)
 * goes down to its last thread row, past the number of processes, and its
 * sequence view to its last lane (at 640x400); the views of hello.lua,
 * whose rows all fit, do not move. */
static void test_first_row(void **state)
{
	struct ix_run run;
	struct draw *d = view_canvas(640, 400);
	struct cpu_layout C;
	struct seq_layout S;

	(void)state;
	ix_run(&run, "scenarios/fileserver-architectures.lua", NULL, NULL, 0, UINT64_MAX);
	{
		struct vz_frame f = frame_of(&run, d, VIZ_CPU);
		f.interactive = 1;
		f.lane0 = 1000;
		f.lane0 = vz_first_row(&f);
		assert_true(f.lane0 > (int)(run.ix->nprocs + 1));
		cpu_layout(&f, vz_plot(&f), &C);
		assert_int_equal(C.th_first, (size_t)f.lane0);
		assert_int_equal(C.th_first + C.th_shown, run.ix->nthreads);
		f.lane0 = 0;
		assert_int_equal(vz_first_row(&f), 0);
		f.view = VIZ_SEQUENCE;
		f.lane0 = 1000;
		f.lane0 = vz_first_row(&f);
		seq_layout(&f, vz_plot(&f), &S);
		assert_true(S.shown < S.nlanes);
		assert_int_equal(S.first, (size_t)f.lane0);
		assert_int_equal(S.first + S.shown, S.nlanes);
	}
	ix_run_free(&run);
	ix_run(&run, "scenarios/hello.lua", NULL, NULL, 0, UINT64_MAX);
	{
		struct vz_frame f = frame_of(&run, d, VIZ_SEQUENCE);
		f.interactive = 1;
		f.lane0 = 3;
		assert_int_equal(vz_first_row(&f), 0);
		f.view = VIZ_CPU;
		assert_int_equal(vz_first_row(&f), 0);
	}
	ix_run_free(&run);
	draw_free(d);
}

/* The middle of the time axis (vz_time_mid, what + and - zoom around): in
 * hello.lua the idle millisecond before the client starts is collapsed,
 * so the middle of the picture shows the client's part, after 1 ms, where
 * the middle of the window's times (0.506 ms) is in that idle stretch;
 * without collapsing, the two are the same to a pixel. */
static void test_time_mid(void **state)
{
	struct ix_run run;
	struct draw *d = view_canvas(1280, 800);

	(void)state;
	ix_run(&run, "scenarios/hello.lua", NULL, NULL, 0, UINT64_MAX);
	for (int v = 0; v < VIZ_VIEW_COUNT; v++) {
		struct vz_frame f = frame_of(&run, d, (enum viz_view)v);
		uint64_t half = (f.from + f.to) / 2, mid;
		f.interactive = 1;
		mid = vz_time_mid(&f);
		if (mid <= 1000000 || mid >= f.to)
			fail_msg("view %d: the middle of the axis at %llu ns", v,
				 (unsigned long long)mid);
		f.collapse = 0;
		mid = vz_time_mid(&f);
		assert_true((double)(mid > half ? mid - half : half - mid) <=
			    vz_ns_per_px(&f) + 1);
	}
	ix_run_free(&run);
	draw_free(d);
}

/* Labels of the sequence view. */
static size_t labels(const char *path, const char *const *sets, size_t nsets,
		     struct seq_label *lab, struct ix_run *run, struct draw *d)
{
	struct vz_frame f;
	struct seq_layout S;
	float (*seg)[4] = calloc(SEQ_LABELS, sizeof *seg);
	size_t n, nseg;

	assert_non_null(seg);
	ix_run(run, path, NULL, sets, nsets, UINT64_MAX);
	f = frame_of(run, d, VIZ_SEQUENCE);
	seq_layout(&f, vz_plot(&f), &S);
	n = seq_msg_labels(&f, &S, lab, seg, &nseg);
	for (size_t i = 0; i < n; i++)
		assert_true(lab[i].r.x >= S.T.lanes.x &&
			    lab[i].r.x + lab[i].r.w <= S.T.lanes.x + S.T.lanes.w + 0.5f);
	free(seg);
	return n;
}

static void test_seq_labels(void **state)
{
	static const char *const buf_sets[] = { "async=true", "work=30" };
	static const char *const dl_sets[] = { "deadlock=true" };
	struct seq_label lab[SEQ_LABELS];
	struct draw *d = view_canvas(1280, 800);
	struct ix_run run;
	size_t n, sends = 0, first = 0;
	uint64_t t0 = UINT64_MAX;
	float h = (float)draw_font_h(d, FONT_SMALL);

	(void)state;
	n = labels("scenarios/buffering.lua", buf_sets, 2, lab, &run, d);
	for (size_t i = 0; i < run.ix->nmsgs; i++)
		if (run.ix->msgs[i].kind == TI_SEND && run.ix->msgs[i].size == 36 &&
		    run.ix->msgs[i].send_ns < t0)
			t0 = run.ix->msgs[i].send_ns;
	for (size_t i = 0; i < n; i++) {
		const struct ti_msg *m = &run.ix->msgs[lab[i].msg];
		if (m->kind != TI_SEND || m->size != 36)
			continue;
		sends++;
		first += m->send_ns == t0;
	}
	assert_int_equal(sends, 5);
	assert_int_equal(first, 1);          /* the first one, at the left edge */
	ix_run_free(&run);
	n = labels("scenarios/nested-servers.lua", dl_sets, 1, lab, &run, d);
	assert_true(n >= 8);
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < i; j++) {
			struct vz_rect a = lab[i].r, b = lab[j].r;
			if (a.x < b.x + b.w && b.x < a.x + a.w && fabsf(a.y - b.y) < h * 1.5f - 0.5f)
				fail_msg("labels %zu and %zu stack (y %.0f and %.0f)", i, j, a.y, b.y);
		}
	ix_run_free(&run);
	draw_free(d);
}

/* The pixels of r in the deadlock's red in what was drawn last. */
static size_t red_px(struct draw *d, struct vz_rect r)
{
	SDL_Rect sr = { (int)r.x, (int)r.y, (int)r.w, (int)r.h };
	uint32_t *px;
	size_t hits = 0;

	assert_true(sr.w > 0 && sr.h > 0);
	px = calloc((size_t)sr.w * (size_t)sr.h, sizeof *px);
	assert_non_null(px);
	assert_int_equal(SDL_RenderReadPixels(d->r, &sr, SDL_PIXELFORMAT_RGB888, px, sr.w * 4), 0);
	for (size_t i = 0; i < (size_t)sr.w * (size_t)sr.h; i++)
		hits += (px[i] & 0xffffff) == PAL_DEADLOCK;
	free(px);
	return hits;
}

/* nested-servers' deadlock (2.034 ms) from 1.55 to 2.05 ms at 1100x620, as
 * doc/img/nested-deadlock.png: the wait-for arrows go right of the red
 * line, in the time after the run stopped, and nothing red but the title
 * is drawn over the moments before it (back's lookup at 2.02 ms); in the
 * window that ends at the deadlock they go left of the line, in the lanes. */
static void test_deadlock_arrows(void **state)
{
	static const char *const sets[] = { "deadlock=true" };
	struct draw *d = view_canvas(1100, 620);
	float u = draw_unit(d), x;
	struct ix_run run;
	struct vz_frame f;
	struct seq_layout S;
	struct vz_rect strip, title, before;

	(void)state;
	ix_run(&run, "scenarios/nested-servers.lua", NULL, sets, 1, UINT64_MAX);
	assert_int_equal(run.ix->nwaitfor, 3);
	f = frame_of(&run, d, VIZ_SEQUENCE);
	f.from = 1550000;
	f.to = f.now = 2050000;
	seq_layout(&f, vz_plot(&f), &S);
	assert_true(seq_deadlock_area(&f, &S, &strip, &title));
	x = (float)timemap_x(&S.T.tm, run.ix->deadlock_ns);
	assert_true(strip.x >= x - 3 * u);           /* after the line, arrowheads inside */
	assert_true(strip.x + strip.w <= S.T.lanes.x + S.T.lanes.w + 6 * u);
	vz_draw_frame(&f);
	before = (struct vz_rect){ S.T.lanes.x, title.y + title.h, x - 2 * u - S.T.lanes.x,
				   S.T.lanes.y + S.T.lanes.h - title.y - title.h };
	assert_int_equal(red_px(d, before), 0);
	assert_true(red_px(d, strip) > 0);
	f = frame_of(&run, d, VIZ_SEQUENCE);
	seq_layout(&f, vz_plot(&f), &S);
	assert_true(seq_deadlock_area(&f, &S, &strip, &title));
	x = (float)timemap_x(&S.T.tm, run.ix->deadlock_ns);
	assert_true(strip.x >= S.T.lanes.x && strip.x < x);
	ix_run_free(&run);
	draw_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_legend),
		cmocka_unit_test(test_cpu_rows),
		cmocka_unit_test(test_seq_note),
		cmocka_unit_test(test_first_row),
		cmocka_unit_test(test_time_mid),
		cmocka_unit_test(test_seq_labels),
		cmocka_unit_test(test_deadlock_arrows),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
