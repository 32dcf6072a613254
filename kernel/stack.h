/*
 * stack.h: a pool of C stacks for simulated threads.
 *
 * The one idea: mapping and first-touching stack pages is what makes
 * threads expensive, so stacks are never unmapped while the pool lives;
 * a freed stack goes on a LIFO list and is the next one handed out,
 * its pages still warm.
 */
#ifndef UKERN_STACK_H
#define UKERN_STACK_H

#include <stddef.h>

struct stack {
	void *base;		/* lowest usable address, page aligned */
	size_t size;		/* usable bytes */
};

/* One mapping made by the pool; internal, but stackpool must embed it. */
struct stackpool_map {
	char *start;		/* the guard page if any, else the stack base */
	size_t len;
	unsigned vgid;		/* valgrind's stack id, 0 without valgrind */
};

struct stackpool {
	size_t size;		/* usable bytes per stack, a page multiple */
	size_t page;
	size_t guard_limit;	/* guard at most this many stacks */
	size_t nguarded;
	struct stackpool_map *maps;	/* every stack ever mapped */
	size_t nmaps;
	void **free;		/* bases ready for reuse, last put on top */
	size_t nfree;
	size_t cap;		/* room in both maps and free, so put never allocates */
};

/*
 * Make an empty pool of stacks of at least size usable bytes (rounded up
 * to pages).  Each stack gets an inaccessible guard page below it while
 * fewer than guard_limit stacks have one; after that, plain memory.  A
 * guarded stack costs two kernel mappings, and the default vm.max_map_count
 * (65,530) allows only ~32,000 of them per process.
 */
void stackpool_init(struct stackpool *sp, size_t size, size_t guard_limit);

/* Hand out a stack into *out: 0, or -1 when out of memory (*out untouched). */
int stackpool_get(struct stackpool *sp, struct stack *out);

/* Give back a stack from stackpool_get; it will be the next one handed out. */
void stackpool_put(struct stackpool *sp, const struct stack *s);

/* Unmap every stack, including those still handed out; sp may be re-inited. */
void stackpool_free(struct stackpool *sp);

/* How many stacks are handed out and not yet put back. */
size_t stackpool_live(const struct stackpool *sp);

#endif /* UKERN_STACK_H */
