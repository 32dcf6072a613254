/*
 * evq.h - the event queue: pending work ordered by (time, sequence number).
 *
 * The sequence number is handed out at insertion, so two events at the same
 * virtual time come out in the order they were posted. That tie-break is what
 * makes every run deterministic.
 *
 * Events are never removed early. Whoever posts one stamps it with a
 * generation number of the object it concerns; bumping that number makes
 * every older event for the object stale, and the consumer drops it.
 */
#ifndef UKERN_EVQ_H
#define UKERN_EVQ_H

#include <stddef.h>
#include <stdint.h>

struct event {
	uint64_t time;   /* ns of virtual time */
	uint64_t seq;    /* insertion order, the tie-break */
	void *obj;       /* what the event concerns (thread, process, ...) */
	uint32_t kind;   /* what to do; meaning owned by the poster */
	uint32_t gen;    /* obj's generation when posted */
};

struct evq {
	struct event *heap;  /* binary min-heap on (time, seq) */
	size_t n, cap;
	uint64_t next_seq;
};

void evq_init(struct evq *q);
void evq_free(struct evq *q);

/* Post an event. Returns 0, or -1 when memory runs out (queue unchanged). */
int evq_push(struct evq *q, uint64_t time, uint32_t kind, uint32_t gen, void *obj);

/* Remove the earliest event into *out. Returns 1, or 0 when the queue is empty. */
int evq_pop(struct evq *q, struct event *out);

/* The earliest event, or NULL when empty. */
const struct event *evq_peek(const struct evq *q);

static inline size_t evq_len(const struct evq *q)
{
	return q->n;
}

#endif
