/*
 * migrate_impl.h - what migrate.c (the migration's state machine),
 * migrate_move.c (the mechanics it drives: transfers, pages, stopping and
 * starting the process) and migrate_run.c (what a migration does while the
 * process runs: writes watched, pages pulled, messages forwarded) share.
 * Not for other modules, which use migrate.h.
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

/* Add to g's pages every page of its process's heap and stack that has a
 * frame. 0, or -1 when memory runs out. */
int migrate_collect(struct migration *g);

/* How many of g's pages were written since they were last sent; forget
 * that they were (pre-copy). */
uint64_t migrate_count_dirty(const struct migration *g);
void migrate_clear_dirty(struct migration *g);

/* Stop g's process: its kernel threads leave their CPUs (those inside an
 * LRPC server's domain go on until their calls return), and none runs
 * until the move lets it. */
void migrate_stop(struct migration *g);

/* Bytes of p's execution state (MIG_THREAD_STATE, MIG_UTHREAD_STATE). */
uint64_t migrate_state_bytes(const struct proc *p);

/* Strong mobility: g's process lives on the target from now on and may
 * run again: its pages take frames of the target's memory (but those that
 * on-demand leaves behind, which take theirs as they arrive), its ready
 * kernel threads go to the target's scheduler, its LRPC bindings are
 * rebound and the messages queued on its ports follow it. UK_OK, or
 * UK_ENOMEM when the target has too few free frames for its pages: it then
 * runs where it was again. */
int migrate_restart_here(struct machine *m, struct migration *g);

/* Weak mobility: g's process ends where it was and a new incarnation
 * starts on the target. 0, or -1 when memory runs out. */
int migrate_restart_fresh(struct machine *m, struct migration *g);

#endif
