/*
 * trace_index_lrpc.c - the LRPCs of a trace in the index (trace_index.h):
 * each call from the record of its entry into the server's domain to the
 * record of its return, nested calls inside the call they were made from.
 *
 * A thread's open calls form a stack (lrpc_top and each call's outer); a
 * return closes the innermost. A revocation returns once, from the
 * outermost call it throws the thread out of: every call above it closes
 * then too. Labels ("service.procedure") are pooled once per binding and
 * procedure, so a million calls cost no more strings than a few. Sealing
 * groups the calls' times by the two domains, so that how many went from
 * one into the other in a window takes two binary searches.
 */
#include "trace_index_impl.h"

#include <stdlib.h>

#define GROW(arr, cap, n) ti_grow((void **)&(arr), &(cap), (n), sizeof *(arr))

/* The innermost open call of thread th, made addressable; TI_NONE if none.
 * NULL when memory runs out. */
static uint32_t *top_of(struct trace_index *ix, uint32_t th)
{
	struct ti_build *b = ix->b;

	if (th >= b->nlrpctop) {
		if (GROW(b->lrpc_top, b->lrpctopcap, (size_t)th + 1) != 0)
			return NULL;
		for (size_t i = b->nlrpctop; i <= th; i++)
			b->lrpc_top[i] = TI_NONE;
		b->nlrpctop = (size_t)th + 1;
	}
	return &b->lrpc_top[th];
}

/* The label of procedure proc of binding b, pooled at its first call. */
static uint32_t label(struct trace_index *ix, uint64_t b, uint64_t proc, const char *s,
		      size_t len)
{
	uint64_t key = b << 32 | (proc & 0xffffffffu);
	uint32_t off = ti_map_get(&ix->b->lrpc_labels, key);

	if (off != TI_NONE)
		return off;
	off = ti_pool_add(ix, s ? s : "", s ? len : 0, 2 * 64 + 2);
	return ti_map_put(&ix->b->lrpc_labels, key, off) == 0 ? off : 0;
}

int ti_rec_lrpc_call(struct trace_index *ix, uint64_t ns, const uint64_t *a, const char *s,
		     size_t len)
{
	uint32_t th = ti_thread_get(ix, a[0], 0, ns), from, to, *top;

	if (th == TI_NONE || (from = ti_proc_get(ix, a[1], ns)) == TI_NONE ||
	    (to = ti_proc_get(ix, a[2], ns)) == TI_NONE || !(top = top_of(ix, th)) ||
	    GROW(ix->lrpcs, ix->b->lrpccap, ix->nlrpcs + 1) != 0)
		return -1;
	ix->lrpcs[ix->nlrpcs] = (struct ti_lrpc){ ns, TI_NEVER, th, from, to,
						   label(ix, a[3], a[4], s, len), *top,
						   (uint8_t)(a[5] < 3 ? a[5] : 0), 0 };
	*top = (uint32_t)ix->nlrpcs++;
	ix->procs[to].lrpc_server = 1;
	return 0;
}

int ti_rec_lrpc_return(struct trace_index *ix, uint64_t ns, const uint64_t *a, const char *s,
		       size_t len)
{
	uint32_t th = ti_thread_get(ix, a[0], 0, ns), to, *top;

	(void)s, (void)len;
	if (th == TI_NONE || (to = ti_proc_get(ix, a[2], ns)) == TI_NONE || !(top = top_of(ix, th)))
		return -1;
	while (*top != TI_NONE) {
		struct ti_lrpc *l = &ix->lrpcs[*top];
		l->t1 = ns;
		l->how_out = (uint8_t)(a[5] < 3 ? a[5] : 0);
		*top = l->outer;
		/* A return closes one call; a revocation every call up to the one
		 * that came from the domain the thread is thrown back to. */
		if (a[5] != 2 || l->from == to)
			break;
	}
	return 0;
}

/* The pairs of domains of the calls, and their calls' times. */
static int seal_pairs(struct trace_index *ix)
{
	struct ti_map pair = { 0 };       /* from << 32 | to -> lrpc_pairs index */
	size_t cap = 0, first = 0;
	int rc = -1;

	for (size_t i = 0; i < ix->nlrpcs; i++) {
		uint64_t key = (uint64_t)ix->lrpcs[i].from << 32 | ix->lrpcs[i].to;
		uint32_t k = ti_map_get(&pair, key);
		if (k == TI_NONE) {
			if (GROW(ix->lrpc_pairs, cap, ix->nlrpc_pairs + 1) != 0 ||
			    ti_map_put(&pair, key, (uint32_t)ix->nlrpc_pairs) != 0)
				goto out;
			k = (uint32_t)ix->nlrpc_pairs++;
			ix->lrpc_pairs[k] = (struct ti_lrpc_pair){ ix->lrpcs[i].from, ix->lrpcs[i].to,
								   0, 0 };
		}
		ix->lrpc_pairs[k].count++;
	}
	for (size_t k = 0; k < ix->nlrpc_pairs; k++) {
		ix->lrpc_pairs[k].first = first;
		first += ix->lrpc_pairs[k].count;
		ix->lrpc_pairs[k].count = 0;      /* counted again as the times go in */
	}
	if (!(ix->lrpc_pair_t0 = malloc(ix->nlrpcs * sizeof *ix->lrpc_pair_t0)))
		goto out;
	for (size_t i = 0; i < ix->nlrpcs; i++) {
		struct ti_lrpc_pair *p = &ix->lrpc_pairs[ti_map_get(&pair, (uint64_t)ix->lrpcs[i].from
								    << 32 | ix->lrpcs[i].to)];
		ix->lrpc_pair_t0[p->first + p->count++] = ix->lrpcs[i].t0;
	}
	rc = 0;
out:
	free(pair.e);
	return rc;
}

int ti_seal_lrpcs(struct trace_index *ix, uint64_t end_ns)
{
	uint64_t reach = 0;

	if (!ix->nlrpcs)
		return 0;
	if (!(ix->lrpc_reach = malloc(ix->nlrpcs * sizeof *ix->lrpc_reach)) ||
	    seal_pairs(ix) != 0)
		return -1;
	for (size_t i = 0; i < ix->nlrpcs; i++) {
		if (ix->lrpcs[i].t1 == TI_NEVER || ix->lrpcs[i].t1 > end_ns)
			ix->lrpcs[i].t1 = end_ns;
		if (ix->lrpcs[i].t1 > reach)
			reach = ix->lrpcs[i].t1;
		ix->lrpc_reach[i] = reach;
	}
	return 0;
}

/* The first of the n ascending times t that is at or after at. */
static size_t first_at(const uint64_t *t, size_t n, uint64_t at)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (t[mid] < at)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

size_t trace_index_lrpcs_from(const struct trace_index *ix, uint64_t t)
{
	return first_at(ix->lrpc_reach, ix->nlrpcs, t);
}

size_t trace_index_lrpc_count(const struct trace_index *ix, size_t k, uint64_t t0, uint64_t t1)
{
	const uint64_t *t = ix->lrpc_pair_t0 + ix->lrpc_pairs[k].first;
	size_t n = ix->lrpc_pairs[k].count, end = t1 == UINT64_MAX ? n : first_at(t, n, t1 + 1);

	return t0 > t1 ? 0 : end - first_at(t, n, t0);
}
