/*
 * migrate_run.c - what a migration does while its process runs (see
 * migrate.h): pre-copy watches its writes, on-demand pulls the pages it
 * touches from the node it left, and messages for its ports that reach
 * that node are counted as forwarded. The state machine is migrate.c.
 */
#include "migrate.h"
#include "migrate_impl.h"

#include "machine.h"
#include "proc.h"
#include "thread.h"
#include "trace.h"

void migrate_wrote(struct proc *p, uint64_t addr, uint64_t len)
{
	struct migration *g = migrate_of(p->m, p);
	uint32_t shift = p->m->vm.shift;

	/* Rounds watch writes; so does the wait before the copy, in which its
	 * clients' LRPC calls may still write its pages. */
	if (!g || (g->phase != MP_ROUND && g->phase != MP_DRAINING) ||
	    g->req.mobility != MIG_STRONG || !len)
		return;
	for (uint64_t v = addr >> shift; v <= (addr + len - 1) >> shift; v++) {
		struct mig_page *e = migrate_page_add(g, v);
		if (!e) {
			p->m->oom = 1;
			return;
		}
		e->dirty = 1;
	}
}

uint64_t migrate_pull(struct thread *t, struct proc *p, uint64_t addr, uint64_t len)
{
	struct machine *m = p->m;
	struct migration *g = migrate_of(m, p);
	uint32_t shift = m->vm.shift;
	uint64_t last = 0, req;

	if (!g || g->phase != MP_RUNNING_REMOTE || !len)
		return 0;
	for (uint64_t v = addr >> shift; v <= (addr + len - 1) >> shift; v++) {
		struct mig_page *e = migrate_page_find(g, v);
		uint64_t when;

		if (!e || !e->remote)
			continue;
		/* A request to from; the page leaves when it has arrived. */
		req = migrate_ship(m, g, g->to, g->from, MIG_REQUEST, 0, m->now);
		when = migrate_move_pages(m, g, 1, 0, req);
		e->remote = 0;
		g->remote_faults++;
		TRACE(m, TR_MIGRATE_PULL, g->id, thread_actor(t)->tid, v << shift, when);
		if (when > last)
			last = when;
	}
	if (!last)
		return 0;
	{
		int left = 0;
		for (uint32_t i = 0; i < g->npg && !left; i++)
			left = g->pg[i].remote;
		if (!left) {
			g->phase = MP_DONE;
			g->end = last;
		}
	}
	return last - m->now;
}

void migrate_forwarded(struct machine *m, struct proc *owner, uint32_t at, uint64_t bytes,
		       uint64_t flow)
{
	struct migration *g = NULL;

	if (m->mig)
		for (uint32_t i = m->mig->n; i-- > 0 && !g;)
			if (m->mig->v[i]->p == owner && m->mig->v[i]->from == at)
				g = m->mig->v[i];
	if (g) {
		g->msgs_forwarded++;
		g->bytes_forwarded += bytes;
	}
	TRACE(m, TR_MIGRATE_FORWARD, g ? g->id : 0, flow, at, owner->node);
}
