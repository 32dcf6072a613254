/*
 * timemap.h - where a moment goes on screen: virtual time in a window
 * [from, to] mapped to x pixels, with long idle stretches collapsed, and the
 * time axis drawn from that mapping.
 *
 * The one idea: simulated runs are bursty - a client starts at 1 ms and
 * everything it does takes 12 us - so a plain linear axis shows two slivers
 * and a lot of nothing. A stretch with no record at all that takes a large
 * share of the window is drawn as a narrow band with its length written on
 * it; the rest stays linear (one scale everywhere), so lengths still
 * compare. A map is a handful of linear segments, computed per frame from
 * the index, the same way for drawing and for picking.
 *
 * Entry points: timemap_init, timemap_x, timemap_t, timemap_draw_grid,
 * timemap_draw_axis, fmt_time, fmt_dur.
 */
#ifndef UKERN_TIMEMAP_H
#define UKERN_TIMEMAP_H

#include <stddef.h>
#include <stdint.h>

#include "draw.h"
#include "trace_index.h"

enum { TM_MAXGAPS = 6 };

struct tm_seg {
	uint64_t t0, t1;          /* ns */
	double x0, x1;            /* px */
};

struct timemap {
	uint64_t from, to;        /* the window, ns */
	double x0, x1;            /* the plot's left and right edges, px */
	double px_per_ns;         /* the scale of every linear segment */
	int ngaps;                /* collapsed stretches; segments = ngaps + 1 */
	struct tm_seg seg[TM_MAXGAPS + 1];
	struct tm_seg gap[TM_MAXGAPS];
};

/* Map [from, to] (from < to) onto x0..x1. With collapse, idle stretches
 * (no record of ix inside, no CPU running, no thread sleeping or waiting
 * for an I/O) longer than 40% of the window are squeezed into gap_px each. */
void timemap_init(struct timemap *tm, const struct trace_index *ix, uint64_t from, uint64_t to,
		  double x0, double x1, int collapse, double gap_px);

/* The x of time t (beyond the edges for times outside the window). */
double timemap_x(const struct timemap *tm, uint64_t t);

/* The time at x (clamped to the window). */
uint64_t timemap_t(const struct timemap *tm, double x);

/* Vertical grid lines at the ticks and the collapsed bands, from y0 to y1. */
void timemap_draw_grid(struct draw *d, const struct timemap *tm, float y0, float y1);

/* The axis line at y with ticks, labels below it, the unit starting at
 * x = unit_x (in the gutter) and each collapsed band's length. */
void timemap_draw_axis(struct draw *d, const struct timemap *tm, float y, float unit_x);

/* "1.009589 ms": an exact time, as ukern export writes it; from a second
 * on in seconds, "1.023071883 s", as the rest of the viewer gives them. */
void fmt_time(uint64_t ns, char *buf, size_t len);

/* "2.44 µs", "993 µs", "12 ns": a duration to three significant digits. */
void fmt_dur(uint64_t ns, char *buf, size_t len);

#endif
