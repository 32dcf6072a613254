/*
 * timemap.c - time to pixels with collapsed idle stretches, and the axis
 * (API: timemap.h).
 *
 * Choosing the stretches: the index lists the longest record-free stretches
 * in the window; each one longer than 40% of the window in which no CPU
 * ran anything and no thread slept or waited for an I/O (time passing on
 * purpose is the lesson: a many-to-one process stalled by one thread's
 * I/O) is collapsed (so at most two), as long as a real linear part is
 * left; time past the trace's end is not idle, only not known. Regular
 * pauses (a consumer that sleeps 10 ms five times) stay linear: their
 * rhythm is the point.
 * Ticks fall on round numbers (1, 2, 5 x 10^k ns) about 110 px apart in
 * every linear segment, labelled in the unit of the window's end.
 */
#include "timemap.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "palette.h"

enum { GAP_CANDIDATES = 16 };

/* Whether some CPU ran a thread during (a, b): then the stretch is not
 * idle, only quiet (threads computing), and keeps its length. */
static int busy_during(const struct trace_index *ix, uint64_t a, uint64_t b)
{
	for (uint32_t c = 0; c < ix->ncpus; c++) {
		size_t j = trace_index_runs_from(ix, c, a);
		if (j < ix->cpus[c].run_first + ix->cpus[c].run_count && ix->runs[j].t0 < b)
			return 1;
	}
	return 0;
}

/* The accepted stretches from the index's candidates (longest first):
 * written to acc[] sorted by start; returns how many. */
static int pick_gaps(const struct trace_index *ix, uint64_t from, uint64_t to, uint64_t *acc)
{
	uint64_t cand[2 * GAP_CANDIDATES], span = to - from, cut = 0;
	/* Only what the trace holds can be idle: past its end (a live run
	 * paused before the window's end) nothing is known yet. */
	uint64_t known = to < ix->end_ns ? to : ix->end_ns;
	size_t n = known > from ? trace_index_gaps(ix, from, known, span / 64, cand, GAP_CANDIDATES)
				: 0;
	int k = 0;

	for (size_t i = 0; i < n && k < TM_MAXGAPS; i++) {
		uint64_t len = cand[2 * i + 1] - cand[2 * i];
		if ((double)len <= 0.4 * (double)span || span - cut - len < span / 100 + 1 ||
		    busy_during(ix, cand[2 * i], cand[2 * i + 1]) ||
		    trace_index_waiting(ix, cand[2 * i], cand[2 * i + 1]))
			continue;
		int j = k++;
		for (; j > 0 && acc[2 * (j - 1)] > cand[2 * i]; j--) {
			acc[2 * j] = acc[2 * (j - 1)];
			acc[2 * j + 1] = acc[2 * (j - 1) + 1];
		}
		acc[2 * j] = cand[2 * i];
		acc[2 * j + 1] = cand[2 * i + 1];
		cut += len;
	}
	return k;
}

void timemap_init(struct timemap *tm, const struct trace_index *ix, uint64_t from, uint64_t to,
		  double x0, double x1, int collapse, double gap_px)
{
	uint64_t acc[2 * TM_MAXGAPS], cut = 0, t = from;
	double x = x0;
	int k = 0;

	memset(tm, 0, sizeof *tm);
	tm->from = from;
	tm->to = to > from ? to : from + 1;
	tm->x0 = x0;
	tm->x1 = x1;
	if (collapse && ix && x1 - x0 > 3 * gap_px * TM_MAXGAPS)
		k = pick_gaps(ix, from, tm->to, acc);
	for (int i = 0; i < k; i++)
		cut += acc[2 * i + 1] - acc[2 * i];
	tm->ngaps = k;
	tm->px_per_ns = (x1 - x0 - k * gap_px) / (double)(tm->to - from - cut);
	for (int i = 0; i <= k; i++) {
		uint64_t end = i < k ? acc[2 * i] : tm->to;
		tm->seg[i] = (struct tm_seg){ t, end, x, x + (double)(end - t) * tm->px_per_ns };
		x = tm->seg[i].x1;
		if (i < k) {
			tm->gap[i] = (struct tm_seg){ acc[2 * i], acc[2 * i + 1], x, x + gap_px };
			x += gap_px;
			t = acc[2 * i + 1];
		}
	}
}

double timemap_x(const struct timemap *tm, uint64_t t)
{
	const struct tm_seg *s = &tm->seg[0];

	if (t < tm->from)
		return tm->x0 - (double)(tm->from - t) * tm->px_per_ns;
	for (int i = 0; i < tm->ngaps; i++) {
		const struct tm_seg *g = &tm->gap[i];
		if (t < g->t0)
			break;
		if (t < g->t1)
			return g->x0 + (g->x1 - g->x0) * (double)(t - g->t0) / (double)(g->t1 - g->t0);
		s = &tm->seg[i + 1];
	}
	if (t >= s->t0)
		return s->x0 + (double)(t - s->t0) * tm->px_per_ns;
	return s->x0 - (double)(s->t0 - t) * tm->px_per_ns;
}

/* The time at x within segment or band s. */
static uint64_t seg_t(const struct tm_seg *s, double x)
{
	double f = s->x1 > s->x0 ? (x - s->x0) / (s->x1 - s->x0) : 0;

	f = f < 0 ? 0 : f > 1 ? 1 : f;
	return s->t0 + (uint64_t)(f * (double)(s->t1 - s->t0) + 0.5);
}

uint64_t timemap_t(const struct timemap *tm, double x)
{
	for (int i = 0; i < tm->ngaps; i++) {
		if (x < tm->gap[i].x0)
			return seg_t(&tm->seg[i], x);
		if (x < tm->gap[i].x1)
			return seg_t(&tm->gap[i], x);
	}
	return seg_t(&tm->seg[tm->ngaps], x);
}

/* A round step (1, 2 or 5 x 10^k ns) near px_target pixels. */
static uint64_t tick_step(const struct timemap *tm, double px_target)
{
	double want = px_target / tm->px_per_ns;
	uint64_t step = 1;

	while ((double)step * 10 <= want && step < UINT64_MAX / 10)
		step *= 10;
	if ((double)step * 5 <= want)
		return step * 5;
	if ((double)step * 2 <= want)
		return step * 2;
	return step;
}

static const struct unit {
	uint64_t ns;
	const char *name;
} units[] = { { 1000000000ull, "s" }, { 1000000, "ms" }, { 1000, "µs" }, { 1, "ns" } };

/* The unit for labels in a window ending at to. */
static const struct unit *unit_for(uint64_t to)
{
	size_t i = 0;

	while (i + 1 < sizeof units / sizeof units[0] && to < units[i].ns)
		i++;
	return &units[i];
}

/* Calls fn for each tick (a multiple of step inside a linear segment). */
static void each_tick(const struct timemap *tm, uint64_t step,
		      void (*fn)(const struct timemap *tm, uint64_t t, void *ctx), void *ctx)
{
	for (int i = 0; i <= tm->ngaps; i++) {
		const struct tm_seg *s = &tm->seg[i];
		uint64_t r = s->t0 % step, t;
		/* Near the end of virtual time the next multiple may not exist. */
		if (r && step - r > UINT64_MAX - s->t0)
			continue;
		for (t = r ? s->t0 + (step - r) : s->t0; t <= s->t1; t += step) {
			fn(tm, t, ctx);
			if (s->t1 - t < step)
				break;
		}
	}
}

struct grid_ctx {
	struct draw *d;
	float y0, y1;
};

static void grid_line(const struct timemap *tm, uint64_t t, void *ctx)
{
	struct grid_ctx *g = ctx;
	float x = (float)floor(timemap_x(tm, t)) + 0.5f;

	draw_line(g->d, x, g->y0, x, g->y1, PAL_GRID);
}

void timemap_draw_grid(struct draw *d, const struct timemap *tm, float y0, float y1)
{
	struct grid_ctx g = { d, y0, y1 };

	each_tick(tm, tick_step(tm, 110 * draw_unit(d)), grid_line, &g);
	for (int i = 0; i < tm->ngaps; i++) {
		const struct tm_seg *b = &tm->gap[i];
		draw_fill(d, (float)b->x0, y0, (float)(b->x1 - b->x0), y1 - y0, PAL_GAP);
		for (float y = y0 - 4; y < y1; y += 9)        /* a break pattern */
			draw_line(d, (float)b->x0 + 3, y + 8, (float)b->x1 - 3, y,
				  pal_mix(PAL_GAP, PAL_BORDER, 0.6f));
	}
}

struct axis_ctx {
	struct draw *d;
	float y, last_right;
	const struct unit *u;
	int decimals;
	float taken[TM_MAXGAPS][2];   /* x extents of the bands' labels */
	int ntaken;
};

static int free_at(const struct axis_ctx *a, float x0, float x1)
{
	float gap = 6 * draw_unit(a->d);

	if (x0 < a->last_right + gap)
		return 0;
	for (int i = 0; i < a->ntaken; i++)
		if (x0 < a->taken[i][1] + gap && a->taken[i][0] < x1 + gap)
			return 0;
	return 1;
}

static void axis_tick(const struct timemap *tm, uint64_t t, void *ctx)
{
	struct axis_ctx *a = ctx;
	float x = (float)floor(timemap_x(tm, t)) + 0.5f, u = draw_unit(a->d);
	char buf[48];
	int w;

	draw_line(a->d, x, a->y, x, a->y + 4 * u, PAL_AXIS);
	snprintf(buf, sizeof buf, "%.*f", a->decimals, (double)t / (double)a->u->ns);
	w = draw_text_w(a->d, FONT_SMALL, buf);
	if (!free_at(a, x - (float)w / 2, x + (float)w / 2) ||
	    x + (float)w / 2 > (float)tm->x1 + 20 * u)
		return;                           /* would overlap a neighbour */
	draw_text(a->d, FONT_SMALL, x, a->y + 6 * u, PAL_DIM, ALIGN_CENTER, buf);
	a->last_right = x + (float)w / 2;
}

/* Each collapsed band's length under it ("993 µs"), remembered in a so
 * that tick labels keep clear of it. */
static void band_labels(struct draw *d, const struct timemap *tm, struct axis_ctx *a)
{
	float u = draw_unit(d);
	char buf[32];

	for (int i = 0; i < tm->ngaps; i++) {
		const struct tm_seg *b = &tm->gap[i];
		float cx = (float)(b->x0 + b->x1) / 2, w;
		fmt_dur(b->t1 - b->t0, buf, sizeof buf);
		w = (float)draw_text_w(d, FONT_SMALL, buf);
		draw_fill(d, (float)b->x0, a->y - 1, (float)(b->x1 - b->x0), 3, PAL_BG);
		draw_text(d, FONT_SMALL, cx, a->y + 6 * u, PAL_FAINT, ALIGN_CENTER, buf);
		a->taken[a->ntaken][0] = cx - w / 2;
		a->taken[a->ntaken++][1] = cx + w / 2;
	}
}

void timemap_draw_axis(struct draw *d, const struct timemap *tm, float y, float unit_x)
{
	uint64_t step = tick_step(tm, 110 * draw_unit(d));
	struct axis_ctx a = { d, y, -1e9f, unit_for(tm->to), 0, { { 0, 0 } }, 0 };
	char buf[64];

	while (a.decimals < 9 && (double)step * pow(10, a.decimals) < (double)a.u->ns)
		a.decimals++;
	draw_line(d, (float)tm->x0, y + 0.5f, (float)tm->x1, y + 0.5f, PAL_AXIS);
	band_labels(d, tm, &a);
	each_tick(tm, step, axis_tick, &a);
	snprintf(buf, sizeof buf, "time (%s)", a.u->name);
	draw_text(d, FONT_SMALL, unit_x, y + 6 * draw_unit(d), PAL_DIM, ALIGN_LEFT, buf);
}

void fmt_time(uint64_t ns, char *buf, size_t len)
{
	if (ns >= 1000000000)
		snprintf(buf, len, "%llu.%09llu s", (unsigned long long)(ns / 1000000000),
			 (unsigned long long)(ns % 1000000000));
	else
		snprintf(buf, len, "%llu.%06llu ms", (unsigned long long)(ns / 1000000),
			 (unsigned long long)(ns % 1000000));
}

void fmt_dur(uint64_t ns, char *buf, size_t len)
{
	size_t i = 0;
	double v;

	while (i + 1 < sizeof units / sizeof units[0] && ns < units[i].ns)
		i++;
	v = (double)ns / (double)units[i].ns;
	if (i > 0 && v >= 999.5) {                /* rounds up into the next unit */
		i--;
		v = (double)ns / (double)units[i].ns;
	}
	if (units[i].ns == 1 || v >= 99.95)
		snprintf(buf, len, "%.0f %s", v, units[i].name);
	else if (v >= 9.995)
		snprintf(buf, len, "%.1f %s", v, units[i].name);
	else
		snprintf(buf, len, "%.2f %s", v, units[i].name);
}
