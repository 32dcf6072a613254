/*
 * results.c - a scenario's own figures (API: results.h): a growing array
 * in the order of first record, for the outputs, and a small open-addressed
 * table of indices into it, so that recording under a known name costs a
 * hash and not a scan. Only the array's order ever reaches an output.
 */
#include "results.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Table slots: a power of two at least twice UK_MAX_RESULTS. */
#define RESULTS_SLOTS 2048
_Static_assert(RESULTS_SLOTS >= 2 * UK_MAX_RESULTS, "results: too few slots");
_Static_assert(UK_MAX_RESULTS < UINT16_MAX, "results: slots hold 16-bit indices");

static int is_letter(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

const char *results_check_name(const char *name, size_t len)
{
	if (len == 0)
		return "it is empty";
	if (len >= UK_RESULT_NAME_MAX)
		return "it is longer than 63 characters";
	if (!is_letter(name[0]))
		return "it does not start with a letter";
	for (size_t i = 0; i < len; i++)
		if (!is_letter(name[i]) && !(name[i] >= '0' && name[i] <= '9') &&
		    name[i] != '_' && name[i] != '.' && name[i] != '-')
			return "it holds a character other than a letter, a digit, '_', '.' or '-'";
	return NULL;
}

/* FNV-1a, 32 bits. */
static uint32_t hash(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* The slot that holds name, or the empty slot where it would go. */
static uint16_t *slot_of(const struct results *r, const char *name)
{
	uint32_t k = hash(name) & (RESULTS_SLOTS - 1);

	while (r->slot[k] && strcmp(r->v[r->slot[k] - 1].name, name) != 0)
		k = (k + 1) & (RESULTS_SLOTS - 1);
	return &r->slot[k];
}

const struct result *results_find(const struct results *r, const char *name)
{
	uint16_t *s;

	if (!r->slot)
		return NULL;
	s = slot_of(r, name);
	return *s ? &r->v[*s - 1] : NULL;
}

/* The entry for name, made at the end when it is new; NULL with *why set
 * (-1 out of memory, -2 too many names) on failure. */
static struct result *entry(struct results *r, const char *name, int *why)
{
	uint16_t *s;

	assert(results_check_name(name, strlen(name)) == NULL && "results: invalid name");
	if (!r->slot && !(r->slot = calloc(RESULTS_SLOTS, sizeof *r->slot))) {
		*why = -1;
		return NULL;
	}
	s = slot_of(r, name);
	if (*s)
		return &r->v[*s - 1];
	if (r->n == UK_MAX_RESULTS) {
		*why = -2;
		return NULL;
	}
	if (r->n == r->cap) {
		uint32_t cap = r->cap ? 2 * r->cap : 16;
		struct result *v = realloc(r->v, cap * sizeof *v);
		if (!v) {
			*why = -1;
			return NULL;
		}
		r->v = v;
		r->cap = cap;
	}
	memset(&r->v[r->n], 0, sizeof r->v[r->n]);
	memcpy(r->v[r->n].name, name, strlen(name) + 1);
	*s = (uint16_t)++r->n;
	return &r->v[r->n - 1];
}

int results_set_int(struct results *r, const char *name, int64_t v)
{
	int why = 0;
	struct result *e = entry(r, name, &why);

	if (!e)
		return why;
	e->is_float = 0;
	e->i = v;
	return 0;
}

int results_set_float(struct results *r, const char *name, double v)
{
	int why = 0;
	struct result *e = entry(r, name, &why);

	if (!e)
		return why;
	e->is_float = 1;
	e->f = v;
	return 0;
}

const char *results_format(const struct result *e, char *buf, size_t len)
{
	size_t n;

	if (!e->is_float) {
		snprintf(buf, len, "%lld", (long long)e->i);
		return buf;
	}
	/* As lua_Number2str and tostringbuff do (the C locale's point). */
	snprintf(buf, len, "%.14g", e->f);
	n = strlen(buf);
	if (buf[strspn(buf, "-0123456789")] == '\0' && n + 2 < len)
		memcpy(buf + n, ".0", 3);
	return buf;
}

static int taken_by(const char *col, const char *const *taken, size_t ntaken)
{
	for (size_t i = 0; i < ntaken; i++)
		if (strcmp(taken[i], col) == 0)
			return 1;
	return 0;
}

const char *results_column(const char *name, const char *const *taken, size_t ntaken, char *buf,
			   size_t len)
{
	snprintf(buf, len, "%s", name);
	/* Each round makes the column 7 bytes longer, and the taken columns
	 * are finitely long: it ends. */
	while (taken_by(buf, taken, ntaken) && strlen(buf) + 8 <= len) {
		memmove(buf + 7, buf, strlen(buf) + 1);
		memcpy(buf, "result.", 7);
	}
	return buf;
}

void results_free(struct results *r)
{
	free(r->v);
	free(r->slot);
	memset(r, 0, sizeof *r);
}
