/*
 * view_seq_lrpc.c - LRPCs in the message sequence view: the caller's own
 * thread crossing into the server's lane for the duration of the call.
 *
 * Each call is a band in the server's lane, under its threads' bands, in
 * the caller's colour, from the moment the thread entered the server's
 * domain to the moment it was back; an arrow goes down (or up) from the
 * caller's band into it at the call, and a dashed one back at the return.
 * A call whose server ended is closed with a red cross. The label
 * ("service.procedure") is written in the band where it fits.
 *
 * The one idea, as for the arrows: bands that touch on screen in one lane
 * merge, and arrows are left out when the window holds more calls than a
 * quarter of its width in pixels, so a million calls draw as a texture.
 */
#include <math.h>
#include <stdlib.h>

#include "palette.h"
#include "view_seq.h"

enum { SCAN_MAX = 400000 };

/* The band of lane pr where its threads' visitors are drawn: its top and
 * height (0 when the lane is too short for one). */
static void visitor_band(const struct vz_frame *f, const struct seq_layout *S, uint32_t pr,
			 float *top, float *h)
{
	const struct ti_proc *p = &f->ix->procs[pr];
	float u = draw_unit(f->d), mid = seq_lane_mid(S, pr), ttop, th, room;

	/* Under the last thread band of the process. */
	ttop = mid + S->bar_h / 2;
	for (uint32_t k = 0; k < f->ix->nthreads; k++)
		if (f->ix->threads[k].proc == pr) {
			seq_thread_band(f, S, k, top, &th);
			if (*top + th > ttop)
				ttop = *top + th;
		}
	(void)p;
	room = mid + S->lane_h / 2 - ttop - 3 * u;
	*top = ttop + 2 * u;
	*h = fminf(room, (float)draw_font_h(f->d, FONT_SMALL) + 2 * u);
	if (*h < 3 * u)
		*h = 0;
}

static int shown(const struct seq_layout *S, uint32_t pr)
{
	return seq_proc_shown(S, pr);
}

/* The arrows of call l: into the band at x0, back (dashed) at x1. */
static void arrows(const struct vz_frame *f, const struct seq_layout *S, const struct ti_lrpc *l,
		   float x0, float x1, float btop, float bh, uint32_t rgb)
{
	float u = draw_unit(f->d), ct, ch, ys, ye, dir;

	seq_thread_band(f, S, l->thread, &ct, &ch);
	if (l->from == l->to)
		return;
	if (btop > ct) {
		ys = ct + ch;
		ye = btop;
	} else {
		ys = ct;
		ye = btop + bh;
	}
	dir = ye > ys ? 1.0f : -1.0f;
	draw_thick(f->d, x0, ys, x0, ye - dir * 6 * u, 1.5f * u, rgb);
	draw_tri(f->d, x0, ye, x0 - 3.5f * u, ye - dir * 8 * u, x0 + 3.5f * u, ye - dir * 8 * u, rgb);
	if (l->how_out == 2) {          /* revoked: its server ended */
		float r = 4 * u;
		draw_thick(f->d, x1 - r, ye - r, x1 + r, ye + r, 2 * u, PAL_DROP);
		draw_thick(f->d, x1 - r, ye + r, x1 + r, ye - r, 2 * u, PAL_DROP);
		return;
	}
	draw_dashed(f->d, x1, ye, x1, ys + dir * 6 * u, 4 * u, 3 * u, rgb);
	draw_tri(f->d, x1, ys, x1 - 3.5f * u, ys + dir * 8 * u, x1 + 3.5f * u, ys + dir * 8 * u, rgb);
}

static void band(const struct vz_frame *f, const struct seq_layout *S, const struct ti_lrpc *l,
		 float x0, float x1, float top, float h, uint32_t rgb, int labels)
{
	float u = draw_unit(f->d);
	const char *name = trace_index_str(f->ix, l->label);

	draw_fill(f->d, x0, top, fmaxf(x1 - x0, 2 * u), h, rgb);
	if (labels && h >= (float)draw_font_h(f->d, FONT_SMALL) &&
	    (float)draw_text_w(f->d, FONT_SMALL, name) + 6 * u < x1 - x0)
		draw_text(f->d, FONT_SMALL, x0 + 3 * u, top + 1 * u, 0xffffff, ALIGN_LEFT, name);
	(void)S;
}

void seq_draw_lrpcs(const struct vz_frame *f, const struct seq_layout *S)
{
	const struct trace_index *ix = f->ix;
	const struct timemap *tm = &S->T.tm;
	size_t i = trace_index_lrpcs_from(ix, f->from), n = 0, scanned = 0;
	float *last = calloc(ix->nprocs ? ix->nprocs : 1, sizeof *last);
	int detail;

	if (!ix->nlrpcs || !last) {
		free(last);
		return;
	}
	/* How many calls the window holds, to choose the level of detail. */
	for (size_t k = i; k < ix->nlrpcs && ix->lrpcs[k].t0 <= f->to && n <= 4096; k++)
		n++;
	detail = (float)n * 4 < S->T.lanes.w;
	for (; i < ix->nlrpcs && ix->lrpcs[i].t0 <= f->to && scanned++ < SCAN_MAX; i++) {
		const struct ti_lrpc *l = &ix->lrpcs[i];
		float x0, x1, top, h;
		uint32_t rgb;
		if (l->t1 < f->from || !shown(S, l->to))
			continue;
		visitor_band(f, S, l->to, &top, &h);
		if (h <= 0)
			continue;
		x0 = (float)timemap_x(tm, l->t0);
		x1 = (float)timemap_x(tm, l->t1);
		if (!detail && x1 <= last[l->to])
			continue;                /* inside what this lane shows already */
		last[l->to] = fmaxf(x1, x0 + 1);
		rgb = pal_thread(ix, l->thread);
		band(f, S, l, x0, x1, top, h, rgb, detail);
		if (detail && shown(S, l->from))
			arrows(f, S, l, x0, x1, top, h, rgb);
	}
	free(last);
}
