/*
 * msg.c - message allocation with a free list, because a busy client-server
 * run sends millions of messages and each would otherwise be two mallocs.
 */
#include "msg.h"

#include <stdlib.h>
#include <string.h>

#include "vm.h"

#define POOL_MAX 1024        /* free messages kept for reuse */
#define SMALL_PAYLOAD 256    /* payload capacity every pooled message keeps */

static struct msg *pool;
static unsigned pooled;
/* The messages C bodies hold (msg_hold). Only those: a message the kernel
 * lost would still show as a leak (LeakSanitizer, valgrind). */
static struct msg *held;

void msg_hold(struct msg *m)
{
	if (m->held)
		return;
	m->held = 1;
	m->held_prev = NULL;
	m->held_next = held;
	if (held)
		held->held_prev = m;
	held = m;
}

void msg_unhold(struct msg *m)
{
	if (!m->held)
		return;
	if (m->held_prev)
		m->held_prev->held_next = m->held_next;
	else
		held = m->held_next;
	if (m->held_next)
		m->held_next->held_prev = m->held_prev;
	m->held_prev = m->held_next = NULL;
	m->held = 0;
}

/* m as a new message of size payload bytes: every field but the payload
 * buffer as msg_new promises it. */
static inline struct msg *fresh(struct msg *m, uint32_t size)
{
	m->next = NULL;
	m->flow = m->sent_ns = m->reply_to = 0;
	m->sender_pid = m->sender_tid = 0;
	m->size = size;
	m->nvalues = 0;
	m->nnums = 0;
	m->sonce_flow = 0;
	m->kind = MSG_SEND;
	m->nrights = 0;
	m->reply = NULL;
	m->reply_name = 0;
	m->dest = NULL;
	m->ool_addr = m->ool_len = m->ool_pages = 0;
	m->ool = NULL;
	m->ool_failed = 0;
	m->npackets = m->from_node = m->to_node = 0;
	m->held = 0;
	m->held_prev = m->held_next = NULL;
	return m;
}

/* msg_new when the pool is empty or its first message is too small for
 * size bytes. Out of line: msg_new's common case then saves no registers
 * for the calls to malloc and realloc. */
static __attribute__((noinline)) struct msg *msg_new_grown(uint32_t size)
{
	struct msg *m = pool;

	if (m) {
		pool = m->next;
		pooled--;
	} else {
		m = malloc(sizeof *m);
		if (!m)
			return NULL;
		m->data = NULL;
		m->cap = 0;
	}
	if (size > m->cap) {
		uint32_t cap = size < SMALL_PAYLOAD ? SMALL_PAYLOAD : size;
		uint8_t *d = realloc(m->data, cap);
		if (!d) {
			free(m->data);
			free(m);
			return NULL;
		}
		m->data = d;
		m->cap = cap;
	}
	return fresh(m, size);
}

struct msg *msg_new(uint32_t size)
{
	struct msg *m = pool;

	if (!m || size > m->cap)
		return msg_new_grown(size);
	pool = m->next;
	pooled--;
	return fresh(m, size);
}

int msg_resize(struct msg *m, uint32_t size)
{
	if (size > m->cap) {
		uint32_t cap = m->cap * 2 > size ? m->cap * 2 : size;
		uint8_t *d = realloc(m->data, cap);
		if (!d)
			return -1;
		m->data = d;
		m->cap = cap;
	}
	m->size = size;
	return 0;
}

/* Does the pool take m back (else it goes back to malloc)? */
static inline int poolable(const struct msg *m)
{
	return pooled < POOL_MAX && m->cap <= 4 * SMALL_PAYLOAD;
}

static inline void pool_put(struct msg *m)
{
	m->next = pool;
	pool = m;
	pooled++;
}

/* msg_free of a message holding out-of-line pages, or one the pool does
 * not take. Out of line, as msg_new_grown. */
static __attribute__((noinline)) void msg_free_rare(struct msg *m)
{
	if (m->ool) {
		vm_ool_free(m->ool);
		m->ool = NULL;
	}
	if (poolable(m)) {
		pool_put(m);
		return;
	}
	free(m->data);
	free(m);
}

void msg_free(struct msg *m)
{
	if (!m)
		return;
	msg_unhold(m);
	if (m->ool || !poolable(m))
		msg_free_rare(m);
	else
		pool_put(m);
}

void msg_pool_drain(void)
{
	while (pool) {
		struct msg *m = pool;
		pool = m->next;
		free(m->data);
		free(m);
	}
	pooled = 0;
}

size_t msg_reclaim(void)
{
	size_t n = 0;

	while (held) {
		msg_free(held);
		n++;
	}
	return n;
}
