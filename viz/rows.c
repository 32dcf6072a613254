/*
 * rows.c - rows grouped under headers (API: rows.h).
 */
#include "rows.h"

void rows_init(struct rows *R, size_t nitems)
{
	R->nitems = nitems;
	R->ngroups = 0;
	R->gfirst[0] = 0;
	R->item_h = R->head_h = 0;
	R->first = R->shown = 0;
	R->y0 = 0;
}

void rows_group(struct rows *R, uint32_t node, size_t first)
{
	if (R->ngroups == ROWS_GROUPS)
		return;
	R->gnode[R->ngroups] = node;
	R->gfirst[R->ngroups++] = first < R->nitems ? first : R->nitems;
	R->gfirst[R->ngroups] = R->nitems;
}

size_t rows_count(const struct rows *R)
{
	return R->nitems + R->ngroups;
}

/* The group holding item k (the last group that starts at or before it). */
static size_t group_of(const struct rows *R, size_t k)
{
	size_t g = 0;

	while (g + 1 < R->ngroups && R->gfirst[g + 1] <= k)
		g++;
	return g;
}

size_t rows_of_item(const struct rows *R, size_t k)
{
	return R->ngroups ? k + group_of(R, k) + 1 : k;
}

size_t rows_head(const struct rows *R, size_t g)
{
	return R->gfirst[g] + g;
}

int rows_at(const struct rows *R, size_t r, size_t *k, size_t *g)
{
	size_t j = 0;

	if (!R->ngroups) {
		*k = r;
		return 1;
	}
	while (j + 1 < R->ngroups && rows_head(R, j + 1) <= r)
		j++;
	*g = j;
	if (r == rows_head(R, j))
		return 0;
	*k = r - j - 1;
	return 1;
}

float rows_h(const struct rows *R, size_t r)
{
	size_t k, g;

	return rows_at(R, r, &k, &g) ? R->item_h : R->head_h;
}

/* Headers among rows 0 .. r - 1. */
static size_t heads_before(const struct rows *R, size_t r)
{
	size_t n = 0;

	for (size_t g = 0; g < R->ngroups && rows_head(R, g) < r; g++)
		n++;
	return n;
}

float rows_y(const struct rows *R, size_t r)
{
	double heads, items;

	if (!R->ngroups)
		return R->y0 + ((float)r - (float)R->first) * R->item_h;
	heads = (double)heads_before(R, r) - (double)heads_before(R, R->first);
	items = ((double)r - (double)R->first) - heads;
	return R->y0 + (float)(items * R->item_h + heads * R->head_h);
}

size_t rows_fit(struct rows *R, size_t want, float h)
{
	size_t n = rows_count(R), first = n, shown = 0;
	float used = 0;

	while (first > 0 && used + rows_h(R, first - 1) <= h + 0.01f)   /* the last rows */
		used += rows_h(R, --first);
	if (want < first)
		first = want;
	used = 0;
	while (first + shown < n && used + rows_h(R, first + shown) <= h + 0.01f)
		used += rows_h(R, first + shown++);
	if (!shown && first < n)
		shown = 1;
	R->first = first;
	R->shown = shown;
	return n;
}
