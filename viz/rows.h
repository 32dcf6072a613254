/*
 * rows.h - rows of a time view grouped under headers: the lanes of the
 * sequence view, the CPU rows and thread rows of the CPU view, each group
 * the things of one node under a row that names it.
 *
 * The one idea: a header row is one more row, shorter than the others, so
 * scrolling, drawing and picking all go by row number; the y of a row is
 * counted from the first row shown. Without groups the rows are the items
 * themselves, one after the other, as in a run of one machine.
 *
 * Entry points: rows_init, rows_group, rows_fit, rows_count, rows_y,
 * rows_h, rows_at, rows_of_item, rows_head.
 */
#ifndef UKERN_ROWS_H
#define UKERN_ROWS_H

#include <stddef.h>
#include <stdint.h>

#include "trace_index.h"

enum { ROWS_GROUPS = TI_MAX_NODES + 1 };

struct rows {
	size_t nitems;            /* items in display order */
	size_t ngroups;           /* 0: no headers */
	size_t gfirst[ROWS_GROUPS + 1];  /* group g holds items gfirst[g] .. gfirst[g + 1] - 1 */
	uint32_t gnode[ROWS_GROUPS];     /* its node (nodes index), or TI_NONE: on no node */
	float item_h, head_h;     /* px */
	size_t first, shown;      /* the rows on screen: first .. first + shown - 1 */
	float y0;                 /* the top of row first */
};

/* nitems items, no groups yet. */
void rows_init(struct rows *R, size_t nitems);

/* Start a group of node at item first (groups in order; a later group
 * starting at the same item leaves the one before it empty). */
void rows_group(struct rows *R, uint32_t node, size_t first);

/* Rows, headers included. */
size_t rows_count(const struct rows *R);

/* The row of item k, and of group g's header. */
size_t rows_of_item(const struct rows *R, size_t k);
size_t rows_head(const struct rows *R, size_t g);

/* Row r: 1 and its item in *k, or 0 and the group it heads in *g. */
int rows_at(const struct rows *R, size_t r, size_t *k, size_t *g);

/* The height of row r, and its top (above y0 for rows before first). */
float rows_h(const struct rows *R, size_t r);
float rows_y(const struct rows *R, size_t r);

/* Show from row want on (clamped so that the last rows fill the height),
 * as many rows as fit in height h; returns how many rows there are. */
size_t rows_fit(struct rows *R, size_t want, float h);

#endif
