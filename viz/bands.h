/*
 * bands.h - a thread's state intervals drawn as a horizontal band, with
 * level of detail by pixel columns (used by the sequence and CPU views).
 *
 * The one idea: an interval wider than a pixel is drawn as it is; narrower
 * ones are summed per pixel column by category, and the column takes the
 * colours of the categories in it, blended by how much of it each covered.
 * After BANDS_PER_COLUMN intervals in one column the rest of the column is
 * skipped by a forward search, so a frame costs about the number of
 * pixels, not of records.
 *
 * Entry points: bands_new, bands_free, bands_draw.
 */
#ifndef UKERN_BANDS_H
#define UKERN_BANDS_H

#include "timemap.h"
#include "view.h"

enum { BANDS_PER_COLUMN = 12, BANDS_CATS = 16 };

/* The category of an interval (below BANDS_CATS), or -1 to leave it out;
 * the colour of each category; and optionally the share of the band's
 * height each category fills, centred (NULL: all of it). */
struct bands_style {
	int (*cat)(const struct trace_index *ix, uint32_t th, const struct ti_interval *iv);
	uint32_t (*colour)(const struct trace_index *ix, uint32_t th, int cat);
	const float *height;
};

struct bands;

/* Scratch for a plot ncols pixels wide; NULL when memory runs out. */
struct bands *bands_new(int ncols);
void bands_free(struct bands *b);

/* Draw thread th's intervals inside f's window, between top and top + h. */
void bands_draw(const struct vz_frame *f, const struct timemap *tm, struct bands *b,
		uint32_t th, float top, float h, const struct bands_style *st);

#endif
