/*
 * bands.c - state bands with level of detail by pixel columns (API:
 * bands.h).
 */
#include "bands.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct bands {
	float *cover;             /* [col * BANDS_CATS + cat]: px of the column covered */
	int ncols;
	int lo, hi;               /* columns touched: lo .. hi - 1 */
};

struct bands *bands_new(int ncols)
{
	struct bands *b = calloc(1, sizeof *b);

	if (!b || !(b->cover = calloc((size_t)ncols * BANDS_CATS, sizeof *b->cover))) {
		free(b);
		return NULL;
	}
	b->ncols = ncols;
	b->lo = ncols;
	return b;
}

void bands_free(struct bands *b)
{
	if (b)
		free(b->cover);
	free(b);
}

/* A piece of category cat from x, w wide, in the band top .. top + h. */
static void fill(const struct vz_frame *f, float x, float w, float top, float h,
		 const struct bands_style *st, uint32_t th, int cat)
{
	float k = st->height ? st->height[cat] : 1;

	draw_fill(f->d, x, top + h * (1 - k) / 2, w, h * k, st->colour(f->ix, th, cat));
}

static void cover_add(struct bands *b, int col, int cat, float px)
{
	if (col < 0 || col >= b->ncols)
		return;
	b->cover[col * BANDS_CATS + cat] += px;
	b->lo = col < b->lo ? col : b->lo;
	b->hi = col + 1 > b->hi ? col + 1 : b->hi;
}

/* Paint each touched column in the colours of the categories that covered
 * it, blended by how much of it each covered (of what was looked at: a
 * crowded column is only sampled). A blend, not the largest share: a
 * thread that alternates quickly between two states shows an even mix
 * instead of a moire of whichever state won each column. */
static void cover_flush(const struct vz_frame *f, struct bands *b, uint32_t th, float x0,
			float top, float h, const struct bands_style *st)
{
	for (int col = b->lo; col < b->hi; col++) {
		float *cv = &b->cover[col * BANDS_CATS], total = 0, mix[3] = { 0, 0, 0 };
		float k = 0;
		int last = -1;
		for (int c = 0; c < BANDS_CATS; c++) {
			uint32_t rgb;
			if (cv[c] <= 0)
				continue;
			rgb = st->colour(f->ix, th, c);
			for (int i = 0; i < 3; i++)
				mix[i] += cv[c] * (float)((rgb >> (16 - 8 * i)) & 0xff);
			total += cv[c];
			k += cv[c] * (st->height ? st->height[c] : 1);
			last = c;
		}
		memset(cv, 0, BANDS_CATS * sizeof *cv);
		if (last < 0)
			continue;
		k /= total;
		draw_fill(f->d, x0 + (float)col, top + h * (1 - k) / 2, 1, h * k,
			  (uint32_t)(mix[0] / total + 0.5f) << 16 | (uint32_t)(mix[1] / total + 0.5f) << 8 |
			  (uint32_t)(mix[2] / total + 0.5f));
	}
	b->lo = b->ncols;
	b->hi = 0;
}

/* The first interval in [i, end) that ends after t, searched forward from i
 * by doubling steps (it is usually near: the next pixel column), then by
 * halving - far fewer cache misses than a search of the whole thread. */
static size_t gallop(const struct ti_interval *iv, size_t i, size_t end, uint64_t t)
{
	size_t step = 1, lo = i, hi;

	while (i + step < end && iv[i + step].t1 <= t) {
		lo = i + step;
		step *= 2;
	}
	hi = i + step < end ? i + step + 1 : end;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (iv[mid].t1 <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

void bands_draw(const struct vz_frame *f, const struct timemap *tm, struct bands *b,
		uint32_t th, float top, float h, const struct bands_style *st)
{
	const struct trace_index *ix = f->ix;
	size_t i = trace_index_intervals_from(ix, th, f->from);
	size_t end = ix->threads[th].iv_first + ix->threads[th].iv_count;
	float x0 = (float)tm->x0;
	int col_seen = -1, in_col = 0;

	while (i < end && ix->ivs[i].t0 < f->to) {
		const struct ti_interval *iv = &ix->ivs[i++];
		double xa = fmax(timemap_x(tm, iv->t0), tm->x0 - 2);
		double xb = fmin(timemap_x(tm, iv->t1), tm->x1 + 2);
		int cat = st->cat(ix, th, iv), col;
		if (xb - xa >= 1.5) {
			if (cat >= 0)
				fill(f, (float)floor(xa), (float)(ceil(xb) - floor(xa)), top, h, st,
				     th, cat);
			continue;
		}
		col = (int)(xa - x0);
		if (cat >= 0)
			cover_add(b, col, cat, (float)(xb - xa));
		in_col = col == col_seen ? in_col + 1 : 0;
		col_seen = col;
		if (in_col >= BANDS_PER_COLUMN) {        /* skip the rest of this column */
			i = gallop(ix->ivs, i, end, timemap_t(tm, x0 + col + 1));
		}
	}
	cover_flush(f, b, th, x0, top, h, st);
}
