/*
 * fault_repeat.c - counting the script errors by their text (see
 * fault_repeat.h): a table of distinct texts in the order first raised,
 * found by an FNV-1a hash in an open-addressing index.
 */
#include "fault_repeat.h"

#include <stdlib.h>
#include <string.h>

static uint64_t hash(const char *s)
{
	uint64_t h = 14695981039346656037u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211u;
	return h;
}

/* Rebuild the index with room for twice as many; -1 when out of memory. */
static int grow_index(struct fault_repeat *r)
{
	size_t n = r->nslot ? r->nslot * 2 : 64;
	size_t *slot = calloc(n, sizeof *slot);

	if (!slot)
		return -1;
	for (size_t i = 0; i < r->n; i++) {
		size_t k = (size_t)r->v[i].hash & (n - 1);
		while (slot[k])
			k = (k + 1) & (n - 1);
		slot[k] = i + 1;
	}
	free(r->slot);
	r->slot = slot;
	r->nslot = n;
	return 0;
}

/* The entry for text, added with count 0 when new; NULL when out of memory. */
static struct fault_repeat_entry *entry(struct fault_repeat *r, const char *text)
{
	uint64_t h = hash(text);
	size_t k;

	if ((r->n + 1) * 2 > r->nslot && grow_index(r) != 0)
		return NULL;
	for (k = (size_t)h & (r->nslot - 1); r->slot[k]; k = (k + 1) & (r->nslot - 1)) {
		struct fault_repeat_entry *e = &r->v[r->slot[k] - 1];
		if (e->hash == h && strcmp(e->text, text) == 0)
			return e;
	}
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 16;
		struct fault_repeat_entry *v = realloc(r->v, cap * sizeof *v);
		if (!v)
			return NULL;
		r->v = v;
		r->cap = cap;
	}
	r->v[r->n].text = strdup(text);
	if (!r->v[r->n].text)
		return NULL;
	r->v[r->n].hash = h;
	r->v[r->n].count = 0;
	r->slot[k] = ++r->n;
	return &r->v[r->n - 1];
}

int fault_repeat_seen(struct fault_repeat *r, const char *text)
{
	struct fault_repeat_entry *e = entry(r, text);

	return !e || ++e->count <= FAULT_REPEAT_SHOWN;
}

/* The length of the "FILE:LINE" text starts with (a colon, digits, a colon
 * and a space after a file name), or 0. */
static size_t position(const char *text)
{
	for (const char *c = strchr(text, ':'); c; c = strchr(c + 1, ':')) {
		size_t d = strspn(c + 1, "0123456789");
		if (c > text && d > 0 && c[1 + d] == ':' && c[2 + d] == ' ')
			return (size_t)(c - text) + 1 + d;
		if (strchr(" \n", c[1]))
			return 0;       /* a message's own colon comes before any position */
	}
	return 0;
}

void fault_repeat_summary(const struct fault_repeat *r, FILE *out, const char *prefix)
{
	for (size_t i = 0; i < r->n; i++) {
		const struct fault_repeat_entry *e = &r->v[i];
		uint64_t more = e->count - FAULT_REPEAT_SHOWN;
		size_t at = position(e->text);

		if (e->count <= FAULT_REPEAT_SHOWN)
			continue;
		fprintf(out, "%s%llu more %s the same error ", prefix, (unsigned long long)more,
			more == 1 ? "thread raised" : "threads raised");
		if (at)
			fprintf(out, "at %.*s\n", (int)at, e->text);
		else
			fprintf(out, "\"%s\"\n", e->text);
	}
}

void fault_repeat_free(struct fault_repeat *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->v[i].text);
	free(r->v);
	free(r->slot);
	memset(r, 0, sizeof *r);
}
