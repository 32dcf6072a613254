/*
 * migrate_run.c - what a migration does while its process runs (see
 * migrate.h): pre-copy watches its writes, on-demand pulls the pages it
 * touches from the node it left, and messages for its ports that reach
 * that node are counted as forwarded. The state machine is migrate.c.
 */
#include "migrate.h"
#include "migrate_impl.h"

#include <inttypes.h>

#include "machine.h"
#include "net.h"
#include "proc.h"
#include "thread.h"
#include "trace.h"
#include "vm.h"
#include "vmsys.h"

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

/* The page of e takes a frame of the process's new memory now: it has
 * arrived. */
static void move_in(struct machine *m, struct migration *g, struct mig_page *e)
{
	struct vm *from = vmsys_vm(m, g->from);
	char doing[2 * UK_NAME_MAX + 32];
	int err;

	snprintf(doing, sizeof doing, "migrate '%s' to '%s'", g->p->name, m->net->nodes[g->to].name);
	m->vm_doing = doing;      /* for the cap on the frames' host memory */
	m->vm_doing_where = g->where;
	err = as_move_in(g->p->as, e->vpn << m->vm.shift, from, e->frame);
	m->vm_doing = m->vm_doing_where = NULL;

	if (err != VM_OK) {
		/* no frame for it there any more (others took them since the
		 * move): it is lost; the access finds no frame either */
		vm_frame_drop(from, e->frame);
		if (err == VM_EHOST)
			m->oom = 1;
		else
			machine_log(m, "%smigrate '%s' to '%s': page 0x%" PRIx64 " lost: no free "
				    "frame there when it arrived", g->where, g->p->name,
				    m->net->nodes[g->to].name, e->vpn << m->vm.shift);
	}
	e->frame = 0;
}

void migrate_arrived(struct machine *m, struct migration *g)
{
	int left = 0, moved = 0;

	if (g->phase != MP_RUNNING_REMOTE)
		return;
	for (uint32_t i = 0; i < g->npg; i++) {
		struct mig_page *e = &g->pg[i];
		if (e->frame && !e->remote && e->arrive <= m->now) {
			move_in(m, g, e);
			moved = 1;
		}
		left |= e->remote || e->frame;
	}
	if (moved)
		vmsys_frames(m);
	if (!left) {
		g->phase = MP_DONE;
		g->end = m->now;
	}
}

uint64_t migrate_pull(struct thread *t, struct proc *p, uint64_t addr, uint64_t len)
{
	struct machine *m = p->m;
	struct migration *g = migrate_of(m, p);
	uint32_t shift = m->vm.shift;
	uint64_t last = 0, req, lo, hi;

	if (!g || g->phase != MP_RUNNING_REMOTE || !len)
		return 0;
	lo = addr >> shift;
	hi = (len - 1 > UINT64_MAX - addr ? UINT64_MAX : addr + len - 1) >> shift;
	migrate_arrived(m, g);          /* those that have come are here now */
	for (uint32_t i = 0; i < g->npg && g->phase == MP_RUNNING_REMOTE; i++) {
		struct mig_page *e = &g->pg[i];

		if (e->vpn < lo || e->vpn > hi)
			continue;
		if (e->remote) {
			/* A request to from; the page leaves when it has arrived,
			 * and takes a frame here when it arrives. */
			req = migrate_ship(m, g, g->to, g->from, MIG_REQUEST, 0, m->now);
			e->arrive = migrate_move_pages(m, g, 1, 0, req);
			e->remote = 0;
			g->remote_faults++;
			TRACE(m, TR_MIGRATE_PULL, g->id, thread_actor(t)->tid, e->vpn << shift,
			      e->arrive);
			if (evq_push(&m->evq, e->arrive, EV_MIGRATE, 0, g) != 0)
				m->oom = 1;
		}
		/* asked for (now, or by another thread before): wait for it */
		if (e->frame && e->arrive > last)
			last = e->arrive;
	}
	return last ? last - m->now : 0;
}

void migrate_unmapped(struct proc *p, uint64_t addr, uint64_t npages)
{
	struct machine *m = p->m;
	struct migration *g = migrate_of(m, p);
	uint64_t lo = addr >> m->vm.shift;

	if (!g || g->phase != MP_RUNNING_REMOTE)
		return;
	for (uint32_t i = 0; i < g->npg; i++) {
		struct mig_page *e = &g->pg[i];
		if (e->vpn < lo || e->vpn - lo >= npages)
			continue;
		vm_frame_drop(vmsys_vm(m, g->from), e->frame);
		e->frame = 0;
		e->remote = 0;
	}
	migrate_arrived(m, g);
}

void migrate_exited(struct proc *p)
{
	struct machine *m = p->m;
	struct migration *g = migrate_of(m, p);

	if (!g || g->phase != MP_RUNNING_REMOTE)
		return;
	/* what never came stays counted as left (pages_left) */
	for (uint32_t i = 0; i < g->npg; i++) {
		vm_frame_drop(vmsys_vm(m, g->from), g->pg[i].frame);
		g->pg[i].frame = 0;
	}
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
