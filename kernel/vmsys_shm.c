/*
 * vmsys_shm.c - shared memory a process maps itself: mem.share makes a
 * segment and a right to it, mem.map maps it, mem.free and the end of a
 * process unmap it (see vmsys.h; the frames and regions: vm_seg.c).
 *
 * A segment is named by a port that nobody receives on: a right to that
 * port (RIGHT_MAP) is the capability to map the segment, and it travels in
 * messages exactly as a send right does (ipc.c gives the receiver a
 * RIGHT_MAP right for it). It sends nothing: send and call through it find
 * no send right. Mapping costs a trap and page_map per page, to the caller;
 * so does making one (its frames are taken and mapped at once).
 *
 * Each port that names a segment carries the most a mapping made through
 * its rights may have (port.seg_perm): the segment's own permission for the
 * port mem.share makes. mem.restrict gives a right to a second port, the
 * segment's read-only port (Mach's memory entry made with VM_PROT_READ: a
 * new port for the same memory), which the kernel makes at the first
 * restriction and every later one names again; a right that is read-only
 * already is its own restriction. Both ports die with the segment.
 */
#include "vmsys.h"
#include "vmsys_impl.h"

#include <inttypes.h>
#include <stdlib.h>

#include "machine.h"
#include "migrate.h"
#include "net.h"
#include "port.h"
#include "proc.h"
#include "syscall.h"
#include "thread.h"
#include "uk_err.h"
#include "uk_limits.h"

static void frames_live(struct machine *m, int64_t delta)
{
	m->shm_frames = (uint64_t)((int64_t)m->shm_frames + delta);
	if (m->shm_frames > m->shm_frames_peak)
		m->shm_frames_peak = m->shm_frames;
}

/* Keep s in the machine's list (for vmsys_fini). 0, or -1 without memory. */
static int keep(struct machine *m, struct vm_seg *s)
{
	if (m->nsegs == m->segcap) {
		uint32_t cap = m->segcap ? m->segcap * 2 : 8;
		struct vm_seg **v = realloc(m->segs, cap * sizeof *v);
		if (!v)
			return -1;
		m->segs = v;
		m->segcap = cap;
	}
	m->segs[m->nsegs++] = s;
	return 0;
}

void vmsys_share(struct thread *t)
{
	struct machine *m = t->m;
	struct proc *p = t->p;
	struct as *as = vmsys_as(p);
	uint64_t addr = 0, n = vm_span(&m->vm, 0, t->sc.arg);
	struct vm_seg *s = NULL;
	struct port *pt = NULL;
	int32_t name = 0;
	int err = VM_EHOST;

	t->sc.err = UK_ENOMEM;
	if (m->mig && migrate_of(m, p)) {
		t->sc.err = UK_EMOVING;     /* its pages are on their way to another node */
		return;
	}
	if (!as)
		return;
	if (n > UK_AS_MAX_PAGES)
		return;
	s = vm_seg_new(as, n, (uint8_t)t->sc.name, m->nsegs + 1, &addr, &err);
	if (!s) {
		if (err == VM_EHOST)
			m->oom = 1;
		return;
	}
	if (keep(m, s) != 0 || !(pt = port_new(m, NULL, 0)) ||
	    !(name = proc_add_new_port(p, pt, RIGHT_MAP))) {
		if (m->nsegs && m->segs[m->nsegs - 1] == s)
			m->nsegs--;
		if (pt)
			pt->dead = 1;   /* nobody holds a right to it */
		as_unmap(as, addr, VM_SHARED);
		vm_seg_free(s);
		m->oom = 1;
		vmsys_frames(m);
		return;
	}
	pt->seg = s;
	pt->seg_perm = s->perm;
	s->port = pt;
	vmsys_traced_map(p, as_region(as, addr));
	TRACE(m, TR_SHM_NEW, s->id, p->pid, addr, n, s->perm, pt->id);
	for (uint64_t i = 0; i < n; i++)
		TRACE(m, TR_SHM_FRAME, s->id, i, s->frame[i]);
	vmsys_frames(m);
	frames_live(m, (int64_t)n);
	m->shm_pages += n;
	t->work_ns += net_costs(m, p)->page_map_ns * n;
	t->sc.err = UK_OK;
	t->sc.val = (int64_t)addr;
	t->sc.name = name;
}

void vmsys_map(struct thread *t)
{
	struct machine *m = t->m;
	struct proc *p = t->p;
	struct right *r = proc_right(p, t->sc.name);
	struct vm_seg *s = r && (r->kinds & RIGHT_MAP) ? r->pt->seg : NULL;
	struct as *as;
	uint64_t addr = 0;
	uint8_t perm, max;
	int err;

	if (!s) {
		t->sc.err = UK_ENORIGHT;
		return;
	}
	max = r->pt->seg_perm;          /* the right's: the segment's, or "r" if restricted */
	perm = t->sc.arg ? (uint8_t)t->sc.arg : max;
	if (s->maps == 0) {
		t->sc.err = UK_EDEADSEG;
		return;
	}
	if (m->mig && migrate_of(m, p)) {
		t->sc.err = UK_EMOVING;
		return;
	}
	if (s->vm != vmsys_vm(m, p->node)) {
		t->sc.err = UK_EREMOTE;
		return;
	}
	if (perm & ~max) {
		t->sc.err = UK_EINVAL;
		return;
	}
	if (!(as = vmsys_as(p))) {
		t->sc.err = UK_ENOMEM;
		return;
	}
	err = as_seg_map(as, s, perm, &addr);
	if (err != VM_OK) {
		if (err == VM_EHOST)
			m->oom = 1;
		t->sc.err = UK_ENOMEM;
		return;
	}
	vmsys_traced_map(p, as_region(as, addr));
	TRACE(m, TR_SHM_MAP, s->id, p->pid, addr, s->npages, perm);
	vmsys_frames(m);
	m->shm_maps++;
	m->shm_pages += s->npages;
	t->work_ns += net_costs(m, p)->page_map_ns * s->npages;
	t->sc.err = UK_OK;
	t->sc.val = (int64_t)addr;
}

void vmsys_restrict(struct thread *t)
{
	struct machine *m = t->m;
	struct proc *p = t->p;
	struct right *r = proc_right(p, t->sc.name);
	struct vm_seg *s = r && (r->kinds & RIGHT_MAP) ? r->pt->seg : NULL;
	uint8_t perm = (uint8_t)t->sc.arg;
	struct port *pt;
	int32_t name;

	if (!s) {
		t->sc.err = UK_ENORIGHT;
		return;
	}
	/* Only "r" can be asked for: a restriction takes write access away. */
	if (perm != VM_R) {
		t->sc.err = UK_EINVAL;
		return;
	}
	if (s->maps == 0) {
		t->sc.err = UK_EDEADSEG;
		return;
	}
	if (!(r->pt->seg_perm & ~perm)) {
		/* Read-only already (an "r" segment's port, or the read-only
		 * port): the right is its own restriction. */
		t->sc.err = UK_OK;
		return;
	}
	if (!(pt = s->port_r)) {
		if (!(pt = port_new(m, NULL, 0))) {
			m->oom = 1;
			t->sc.err = UK_ENOMEM;
			return;
		}
		pt->seg = s;
		pt->seg_perm = perm;
		s->port_r = pt;
		TRACE(m, TR_SHM_RESTRICT, s->id, p->pid, pt->id, perm);
	}
	if (!(name = proc_add_right(p, pt, RIGHT_MAP, 0))) {
		m->oom = 1;
		t->sc.err = UK_ENOMEM;
		return;
	}
	t->sc.err = UK_OK;
	t->sc.name = name;
}

int vmsys_shm_unmap(struct proc *p, uint64_t addr)
{
	struct machine *m = p->m;
	const struct vm_region *g = p->as ? as_region(p->as, addr) : NULL;
	struct vm_seg *s = g && g->start == addr ? g->seg : NULL;
	uint64_t pages;

	if (!s)
		return -1;
	pages = g->npages;
	as_unmap(p->as, addr, VM_SHARED);
	TRACE(m, TR_VM_UNMAP, p->pid, addr, pages);
	TRACE(m, TR_SHM_UNMAP, s->id, p->pid, addr, s->maps);
	if (s->maps == 0) {
		m->shm_dead++;
		frames_live(m, -(int64_t)s->npages);
		/* Its port dies too: a name it was registered under is freed
		 * (the name server's dead-name notice), as for a message port. */
		if (s->port)
			port_kill(s->port);
		if (s->port_r)
			port_kill(s->port_r);
	}
	vmsys_frames(m);
	return 0;
}

void vmsys_shm_exit(struct proc *p)
{
	for (uint32_t i = 0; p->as && i < p->as->nreg;) {
		if (p->as->reg[i].seg)
			vmsys_shm_unmap(p, p->as->reg[i].start);   /* the next slides into i */
		else
			i++;
	}
}

int vmsys_shm_mapped(const struct proc *p)
{
	return as_seg_pages(p->as) > 0;
}

void vmsys_shm_fini(struct machine *m)
{
	for (uint32_t i = 0; i < m->nsegs; i++)
		vm_seg_free(m->segs[i]);
	free(m->segs);
	m->segs = NULL;
	m->nsegs = m->segcap = 0;
}

const struct vm_seg *vmsys_seg_of(const struct proc *p, int32_t name)
{
	const struct right *r = proc_right((struct proc *)p, name);

	return r && (r->kinds & RIGHT_MAP) ? r->pt->seg : NULL;
}

int vmsys_restrict_makes_port(const struct proc *p, int32_t name)
{
	const struct right *r = proc_right((struct proc *)p, name);
	const struct vm_seg *s = r && (r->kinds & RIGHT_MAP) ? r->pt->seg : NULL;

	return s && s->maps && !s->port_r && (r->pt->seg_perm & ~VM_R);
}

void vmsys_shm_stats(FILE *out, const struct machine *m, char format)
{
	if (!m->nsegs)
		return;
	if (format == 'j')
		fprintf(out, "  \"shm\": { \"segments\": %u, \"maps\": %" PRIu64
			", \"pages_mapped\": %" PRIu64 ", \"dead\": %" PRIu64 ", \"frames\": %" PRIu64
			", \"frames_peak\": %" PRIu64 " },\n", m->nsegs, m->shm_maps, m->shm_pages,
			m->shm_dead, m->shm_frames, m->shm_frames_peak);
	else
		fprintf(out, "shm    %u shared segment%s, %" PRIu64 " mapped by mem.map; %" PRIu64
			" pages mapped; %" PRIu64 " frames in segments at the end (peak %" PRIu64
			"); %" PRIu64 " segment%s unmapped by all\n", m->nsegs, m->nsegs == 1 ? "" : "s",
			m->shm_maps, m->shm_pages, m->shm_frames, m->shm_frames_peak, m->shm_dead,
			m->shm_dead == 1 ? "" : "s");
}
