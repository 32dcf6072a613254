/*
 * evq.c - a binary heap of events. O(log n) push and pop; the array grows by
 * doubling and is never shrunk during a run.
 */
#include "evq.h"

#include <stdlib.h>

static int before(const struct event *a, const struct event *b)
{
	return a->time < b->time || (a->time == b->time && a->seq < b->seq);
}

void evq_init(struct evq *q)
{
	q->heap = NULL;
	q->n = q->cap = 0;
	q->next_seq = 0;
}

void evq_free(struct evq *q)
{
	free(q->heap);
	evq_init(q);
}

int evq_push(struct evq *q, uint64_t time, uint32_t kind, uint32_t gen, void *obj)
{
	struct event e = { time, q->next_seq, obj, kind, gen };
	size_t i;

	if (q->n == q->cap) {
		size_t cap = q->cap ? q->cap * 2 : 256;
		struct event *h = realloc(q->heap, cap * sizeof *h);
		if (!h)
			return -1;
		q->heap = h;
		q->cap = cap;
	}
	q->next_seq++;
	for (i = q->n++; i > 0; i = (i - 1) / 2) {
		struct event *parent = &q->heap[(i - 1) / 2];
		if (!before(&e, parent))
			break;
		q->heap[i] = *parent;
	}
	q->heap[i] = e;
	return 0;
}

int evq_pop(struct evq *q, struct event *out)
{
	struct event last;
	size_t i = 0;

	if (q->n == 0)
		return 0;
	*out = q->heap[0];
	last = q->heap[--q->n];
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= q->n)
			break;
		if (c + 1 < q->n && before(&q->heap[c + 1], &q->heap[c]))
			c++;
		if (!before(&q->heap[c], &last))
			break;
		q->heap[i] = q->heap[c];
		i = c;
	}
	q->heap[i] = last;
	return 1;
}

const struct event *evq_peek(const struct evq *q)
{
	return q->n ? &q->heap[0] : NULL;
}
