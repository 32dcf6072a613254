/*
 * stack.c: a pool of C stacks for simulated threads.
 *
 * The one idea: stacks are mapped once and then recycled through a LIFO
 * free list, so the most recently used stack, whose pages are resident and
 * cached, is the next one handed out.  Memory comes from mmap with
 * MAP_NORESERVE: a stack costs only the pages it actually touches.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE		/* MAP_ANONYMOUS, MAP_NORESERVE, MAP_STACK */
#endif
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "stack.h"

/* Under valgrind, switched-to stacks must be registered to avoid noise. */
#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#endif
#endif
#ifndef VALGRIND_STACK_REGISTER
#define VALGRIND_STACK_REGISTER(lo, hi) 0u
#define VALGRIND_STACK_DEREGISTER(id) ((void)(id))
#endif

/* Round the stack size up to pages; see stack.h. */
void stackpool_init(struct stackpool *sp, size_t size, size_t guard_limit)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);

	/* Nothing that large can be mapped anyway; clamping keeps the sums below from wrapping. */
	if (size > SIZE_MAX / 2)
		size = SIZE_MAX / 2;
	size = (size + page - 1) & ~(page - 1);
	*sp = (struct stackpool){
		.size = size ? size : page,
		.page = page,
		.guard_limit = guard_limit,
	};
}

/* Make room for one more stack in both arrays, so stackpool_put cannot fail. */
static int stackpool_grow(struct stackpool *sp)
{
	size_t cap = sp->cap ? 2 * sp->cap : 16;
	struct stackpool_map *maps;
	void **list;

	if (sp->nmaps < sp->cap)
		return 0;
	maps = realloc(sp->maps, cap * sizeof *maps);
	if (maps == NULL)
		return -1;
	sp->maps = maps;
	list = realloc(sp->free, cap * sizeof *list);
	if (list == NULL)
		return -1;	/* maps is merely larger than needed: harmless */
	sp->free = list;
	sp->cap = cap;
	return 0;
}

/* Map len bytes, the lowest guard bytes of them inaccessible; NULL on failure. */
static char *stackpool_map(size_t len, size_t guard)
{
	char *m = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);

	if (m == MAP_FAILED)
		return NULL;
	if (guard != 0 && mprotect(m, guard, PROT_NONE) != 0) {
		munmap(m, len);
		return NULL;
	}
	return m;
}

/* A brand-new stack, guarded if the budget allows. */
static int stackpool_new(struct stackpool *sp, struct stack *out)
{
	size_t guard = sp->nguarded < sp->guard_limit ? sp->page : 0;
	struct stackpool_map *m;
	char *start;

	if (stackpool_grow(sp) != 0)
		return -1;
	start = stackpool_map(guard + sp->size, guard);
	if (start == NULL)
		return -1;
	m = &sp->maps[sp->nmaps++];
	m->start = start;
	m->len = guard + sp->size;
	m->vgid = VALGRIND_STACK_REGISTER(start + guard, start + m->len);
	sp->nguarded += guard != 0;
	out->base = start + guard;
	out->size = sp->size;
	return 0;
}

/* Reuse the warmest free stack, else map a new one. */
int stackpool_get(struct stackpool *sp, struct stack *out)
{
	if (sp->nfree == 0)
		return stackpool_new(sp, out);
	out->base = sp->free[--sp->nfree];
	out->size = sp->size;
	return 0;
}

/* Push on the free list; never allocates, since cap covers every stack. */
void stackpool_put(struct stackpool *sp, const struct stack *s)
{
	assert(sp->nfree < sp->nmaps);
	sp->free[sp->nfree++] = s->base;
}

/* Unmap all stacks and forget them. */
void stackpool_free(struct stackpool *sp)
{
	for (size_t i = 0; i < sp->nmaps; i++) {
		VALGRIND_STACK_DEREGISTER(sp->maps[i].vgid);
		munmap(sp->maps[i].start, sp->maps[i].len);
	}
	free(sp->maps);
	free(sp->free);
	stackpool_init(sp, sp->size, sp->guard_limit);
}

/* Every stack ever mapped is either on the free list or handed out. */
size_t stackpool_live(const struct stackpool *sp)
{
	return sp->nmaps - sp->nfree;
}
