/*
 * recbuf.c - the records of a run in memory (API: recbuf.h).
 */
#include "recbuf.h"

#include <stdlib.h>
#include <string.h>

#include "trace_index.h"

struct rec {
	uint64_t ns;
	uint64_t args[TRACE_MAX_ARGS];
	size_t str, len;        /* the string argument: offset in strs, bytes */
	unsigned kind;
};

struct viz_recbuf {
	struct rec *v;
	size_t n, cap;
	char *strs;
	size_t nstrs, strcap;
	char **hdr;             /* key at 2i, value at 2i + 1 */
	size_t nhdr, hdrcap;
	int failed;
};

static int grow(void **p, size_t *cap, size_t need, size_t size)
{
	size_t c = *cap ? *cap : 64;
	void *q;

	if (need <= *cap)
		return 0;
	while (c < need) {
		if (c > SIZE_MAX / 2 / size)
			return -1;
		c *= 2;
	}
	if (!(q = realloc(*p, c * size)))
		return -1;
	*p = q;
	*cap = c;
	return 0;
}

struct viz_recbuf *viz_recbuf_new(void)
{
	return calloc(1, sizeof(struct viz_recbuf));
}

void viz_recbuf_free(struct viz_recbuf *rb)
{
	if (!rb)
		return;
	for (size_t i = 0; i < rb->nhdr; i++)
		free(rb->hdr[i]);
	free(rb->hdr);
	free(rb->v);
	free(rb->strs);
	free(rb);
}

int viz_recbuf_header(struct viz_recbuf *rb, const char *key, const char *value)
{
	char *k, *v;

	if (grow((void **)&rb->hdr, &rb->hdrcap, rb->nhdr + 2, sizeof *rb->hdr) != 0)
		return -1;
	k = strdup(key);
	v = strdup(value);
	if (!k || !v) {
		free(k);
		free(v);
		return -1;
	}
	rb->hdr[rb->nhdr++] = k;
	rb->hdr[rb->nhdr++] = v;
	return 0;
}

static void record(void *ctx, uint64_t ns, unsigned kind, const uint64_t *args, const char *s,
		   size_t len)
{
	struct viz_recbuf *rb = ctx;
	struct rec *r;
	unsigned nargs = kind < TR_KIND_COUNT ? trace_kinds[kind].nargs : 0;

	if (rb->failed || grow((void **)&rb->v, &rb->cap, rb->n + 1, sizeof *rb->v) != 0 ||
	    (len && grow((void **)&rb->strs, &rb->strcap, rb->nstrs + len, 1) != 0)) {
		rb->failed = 1;
		return;
	}
	r = &rb->v[rb->n++];
	memset(r, 0, sizeof *r);
	r->ns = ns;
	r->kind = kind;
	memcpy(r->args, args, nargs * sizeof *args);
	r->str = rb->nstrs;
	r->len = len;
	if (len) {
		memcpy(rb->strs + rb->nstrs, s, len);
		rb->nstrs += len;
	}
}

struct trace_sink viz_recbuf_sink(struct viz_recbuf *rb)
{
	return (struct trace_sink){ record, rb };
}

size_t viz_recbuf_count(const struct viz_recbuf *rb)
{
	return rb->n;
}

int viz_recbuf_failed(const struct viz_recbuf *rb)
{
	return rb->failed;
}

struct trace_index *viz_recbuf_index(const struct viz_recbuf *rb, uint64_t end_ns)
{
	struct trace_index *ix = trace_index_new();
	uint64_t last = 0;

	if (!ix)
		return NULL;
	for (size_t i = 0; i + 1 < rb->nhdr; i += 2)
		if (trace_index_header_add(ix, rb->hdr[i], rb->hdr[i + 1]) != 0)
			goto fail;
	for (size_t i = 0; i < rb->n; i++) {
		const struct rec *r = &rb->v[i];
		if (trace_index_add(ix, r->ns, r->kind, r->args, r->len ? rb->strs + r->str : "",
				    r->len) != 0)
			goto fail;
		last = r->ns;
	}
	if (trace_index_seal(ix, end_ns > last ? end_ns : last) != 0)
		goto fail;
	return ix;
fail:
	trace_index_free(ix);
	return NULL;
}
