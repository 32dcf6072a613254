/*
 * test_view_fit.c: what gives way in a small picture (viz/view.c),
 * drawn on headless canvases.
 *
 * The legend takes at most a tenth of the height and at least a line:
 * at 480x320 one line, its sentences and last entries left out for a
 * "+N more"; at 1280x800 a short legend is whole.
 *
 * The one idea: the test calls the functions the drawing lays out with
 * (vz_legend_shown, vz_plot).
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
#include "trace_index.h"
#include "view.h"

static struct draw *canvas(int w, int h)
{
	char err[300];
	struct draw *d;

	ix_headless_env();
	if (!(d = draw_headless(w, h, err, sizeof err)))
		fail_msg("%s", err);
	return d;
}

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
		struct draw *d = canvas(sizes[s][0], sizes[s][1]);
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_legend),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
