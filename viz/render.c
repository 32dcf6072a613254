/*
 * render.c - the headless renderer: one frame of a view into a PNG (API:
 * viz_render and viz_available in viz.h).
 *
 * The one idea: the same frame the window would show (vz_draw_frame), drawn
 * on an off-screen canvas with SDL's software renderer, needs no display
 * and gives the same bytes every time. With o->frames it doubles as the
 * renderer's benchmark: the frame is drawn that many times and the mean
 * time per frame is reported.
 */
#include <stdio.h>
#include <time.h>

#include "draw.h"
#include "view.h"
#include "viz.h"

int viz_available(void)
{
	return 1;
}

static double clock_ms(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Draw the frame o->frames times and report the time per frame: wall-clock
 * (mean and fastest) and the process's CPU time (what a busy host does not
 * inflate). */
static void bench(const struct vz_frame *fr, const struct viz_opts *o)
{
	double t0 = clock_ms(CLOCK_MONOTONIC), c0 = clock_ms(CLOCK_PROCESS_CPUTIME_ID);
	double best = 1e30;

	for (unsigned i = 0; i < o->frames; i++) {
		double t = clock_ms(CLOCK_MONOTONIC);
		vz_draw_frame(fr);
		draw_sync(fr->d);
		t = clock_ms(CLOCK_MONOTONIC) - t;
		best = t < best ? t : best;
	}
	fprintf(stderr, "ukern render: %s view, %dx%d, %llu records: %u frames, %.2f ms per "
		"frame on average (%.2f ms of CPU time), %.2f ms the fastest\n",
		viz_view_name(o->view), o->width, o->height,
		(unsigned long long)fr->ix->nrecords, o->frames,
		(clock_ms(CLOCK_MONOTONIC) - t0) / o->frames,
		(clock_ms(CLOCK_PROCESS_CPUTIME_ID) - c0) / o->frames, best);
}

int viz_render(const struct trace_index *ix, const struct viz_opts *o, FILE *out,
	       char *err, size_t errlen)
{
	struct draw *d = draw_headless(o->width, o->height, err, errlen);
	struct vz_frame fr = { 0 };
	int rc;

	if (!d)
		return -1;
	fr.ix = ix;
	fr.d = d;
	fr.view = o->view;
	fr.from = o->from;
	fr.to = o->to;
	fr.now = o->to;
	fr.collapse = !o->linear;
	fr.lane0 = o->first_row > 0 ? o->first_row - 1 : 0;
	fr.title = o->title;
	fr.sel.kind = PICK_NONE;
	if (o->frames)
		bench(&fr, o);
	vz_draw_frame(&fr);
	rc = draw_save_png(d, out, err, errlen);
	draw_free(d);
	return rc;
}
