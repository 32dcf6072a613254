/*
 * migrate_impl.h - what migrate.c (the migration's state machine) and
 * migrate_run.c (what a migration does while the process runs: writes
 * watched, pages pulled, messages forwarded) share. Not for other modules,
 * which use migrate.h.
 */
#ifndef UKERN_MIGRATE_IMPL_H
#define UKERN_MIGRATE_IMPL_H

#include <stdint.h>

#include "migrate.h"

struct machine;
struct proc;

/* The migration under way for p, or NULL. */
struct migration *migrate_of(const struct machine *m, const struct proc *p);

/* Put payload bytes on the link from -> to at time start (or after what
 * its direction is sending then): packets of mtu bytes, header included.
 * Returns when the last one arrives. count: the bytes are the migration's
 * (a page request is not). */
uint64_t migrate_ship(struct machine *m, struct migration *g, uint32_t from, uint32_t to,
		      uint64_t payload, int count, uint64_t start);

/* Send npages pages of g's process from its node to the target, leaving at
 * start (with extra bytes of code or state in the same transfer). Returns
 * when the last packet arrives. */
uint64_t migrate_move_pages(struct machine *m, struct migration *g, uint64_t npages,
			    uint64_t extra, uint64_t start);

/* The entry of page vpn, or NULL; added (kept sorted) by migrate_page_add,
 * NULL when memory runs out. */
struct mig_page *migrate_page_find(struct migration *g, uint64_t vpn);
struct mig_page *migrate_page_add(struct migration *g, uint64_t vpn);

#endif
