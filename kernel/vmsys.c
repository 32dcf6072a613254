/*
 * vmsys.c - the memory system calls and out-of-line message data (see
 * vmsys.h); fork and wait are in vmsys_fork.c.
 *
 * Each call works on the address space of the caller's process, made at
 * its first use. The observer of vm.h turns every fault and copy into a
 * trace record; after each call the frame counts are traced if they
 * changed. Fault costs are added to the caller's CPU work after the access,
 * so the body goes on once they are worked off.
 */
#include "vmsys.h"
#include "vmsys_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "machine.h"
#include "migrate.h"
#include "msg.h"
#include "net.h"
#include "proc.h"
#include "syscall.h"
#include "thread.h"
#include "uk_err.h"
#include "uk_limits.h"
#include "units.h"

/* The vm observer: a trace record for each fault and copy. */
static void observe(void *ctx, struct as *as, const struct vm_event *e)
{
	struct machine *m = ctx;
	struct proc *p = as->owner;
	uint32_t tid = m->vm_thread ? m->vm_thread->tid : 0;

	if (e->kind == VF_MOVE) {
		TRACE(m, TR_PAGE_MOVE, p ? p->pid : 0, e->addr, e->from, e->frame);
		return;
	}
	TRACE(m, TR_PAGE_FAULT, tid, p ? p->pid : 0, e->addr, (uint64_t)e->kind, e->frame);
	if (e->kind == VF_COW_COPY)
		TRACE(m, TR_PAGE_COPY, p ? p->pid : 0, e->addr, e->from, e->frame);
}

void vmsys_limit_stop(struct machine *m, struct thread *t, const char *limit)
{
	char where[256] = "", when[32];
	char *text;
	int n;

	m->oom = 1;
	if (m->frames_report)
		return;
	units_format_ns(m->now, when, sizeof when);
	if (t && t->body && t->body->where)
		t->body->where(t, where, sizeof where);
	n = t ? asprintf(&text, "%s%s (process %s, thread %s, at %s): the run stopped there", where,
			 limit, t->p->name, t->name, when)
	    : m->vm_doing ? asprintf(&text, "%s%s (%s, at %s): the run stopped there",
				     m->vm_doing_where ? m->vm_doing_where : "", limit, m->vm_doing,
				     when)
	    : asprintf(&text, "%s: the run stopped at %s", limit, when);
	if (n < 0)
		return;   /* the host's own failure: reported as such */
	m->frames_report = text;
	TRACE_STR(m, TR_LOG, text, (size_t)n, 0);
}

/* The cap on the frames' host memory refused a frame (vm.h, vm_group): the
 * run stops (vmsys_limit_stop). A thread is named when the frame was for one
 * of its system calls (an access, a fork's copy, a segment, an A-stack); for
 * the kernel's own work (a migration's pages) m->vm_doing says what it was. */
static void frames_refused(void *ctx)
{
	struct machine *m = ctx;
	struct thread *t = m->vm_thread ? m->vm_thread
			   : m->in_effect ? thread_actor(m->in_effect) : NULL;
	uint64_t max = m->vm_all.max_bytes;
	int mib = max % (1u << 20) == 0;
	char limit[160];

	snprintf(limit, sizeof limit, "not enough frame memory (the frames may hold %llu%s of the "
		 "host's memory, ukern run --frame-memory)", (unsigned long long)(mib ? max >> 20 : max),
		 mib ? "MiB" : " bytes");
	vmsys_limit_stop(m, t, limit);
}

int vmsys_init(struct machine *m)
{
	uint32_t frames = m->cfg.frames ? m->cfg.frames : UK_DEFAULT_FRAMES;
	uint32_t ps = m->cfg.page_size ? m->cfg.page_size : UK_DEFAULT_PAGE_SIZE;

	if (frames > UK_MAX_FRAMES || ps < UK_MIN_PAGE_SIZE || ps > UK_MAX_PAGE_SIZE ||
	    vm_init(&m->vm, frames, ps) != 0)
		return -1;
	m->vm.observer = observe;
	m->vm.ctx = m;
	m->vm.group = &m->vm_all;
	m->vm_all.max_bytes = m->cfg.frame_memory ? m->cfg.frame_memory : UK_FRAME_MEMORY;
	m->vm_all.refused = frames_refused;
	m->vm_all.ctx = m;
	return 0;
}

struct vm *vmsys_vm(struct machine *m, uint32_t node)
{
	return node == 0 || node > m->vm_nnodes ? &m->vm : &m->vm_nodes[node - 1];
}

int vmsys_node_init(struct machine *m, uint32_t node, uint32_t frames)
{
	const struct vm *prev;
	struct vm *v;

	if (node == 0 || node > m->vm_nnodes + 1 || frames > UK_MAX_FRAMES)
		return -1;
	if (node == m->vm_nnodes + 1) {
		v = realloc(m->vm_nodes, node * sizeof *v);
		if (!v)
			return -1;
		m->vm_nodes = v;
		memset(&v[node - 1], 0, sizeof *v);
		m->vm_nnodes = node;
	}
	v = &m->vm_nodes[node - 1];
	prev = vmsys_vm(m, node - 1);   /* (the array may have moved) */
	vm_fini(v);
	if (vm_init_at(v, prev->base + prev->nframes, frames ? frames : m->vm.nframes,
		       m->vm.page_size) != 0)
		return -1;
	v->observer = observe;
	v->ctx = m;
	v->group = &m->vm_all;
	return 0;
}

uint32_t vmsys_frames_total(const struct machine *m)
{
	const struct vm *last = m->vm_nnodes ? &m->vm_nodes[m->vm_nnodes - 1] : &m->vm;

	return last->base + last->nframes;
}

uint32_t vmsys_used_total(const struct machine *m)
{
	return m->vm_all.used;
}

uint32_t vmsys_shared_total(const struct machine *m)
{
	uint32_t n = m->vm.shared;

	for (uint32_t i = 0; i < m->vm_nnodes; i++)
		n += m->vm_nodes[i].shared;
	return n;
}

void vmsys_totals(const struct machine *m, struct vm *sum)
{
	*sum = m->vm;
	sum->fr = NULL;
	sum->nframes = vmsys_frames_total(m);
	sum->used = m->vm_all.used;
	sum->peak = m->vm_all.peak;
	for (uint32_t i = 0; i < m->vm_nnodes; i++) {
		const struct vm *v = &m->vm_nodes[i];
		sum->shared += v->shared;
		sum->zero_faults += v->zero_faults;
		sum->cow_faults += v->cow_faults;
		sum->pages_copied += v->pages_copied;
	}
}

void vmsys_fini(struct machine *m)
{
	vmsys_shm_fini(m);
	for (uint32_t i = 0; i < m->vm_nnodes; i++)
		vm_fini(&m->vm_nodes[i]);
	free(m->vm_nodes);
	m->vm_nodes = NULL;
	m->vm_nnodes = 0;
	vm_fini(&m->vm);
}

void vmsys_frames(struct machine *m)
{
	uint32_t used = vmsys_used_total(m), shared = vmsys_shared_total(m);

	if (used == m->vm_told_used && shared == m->vm_told_shared)
		return;
	m->vm_told_used = used;
	m->vm_told_shared = shared;
	TRACE(m, TR_FRAMES, used, shared);
}

void vmsys_traced_map(struct proc *p, const struct vm_region *g)
{
	TRACE(p->m, TR_VM_MAP, p->pid, g->start, g->npages, g->kind, g->perm);
}

void vmsys_traced_given(struct proc *p, const struct vm_region *g)
{
	vmsys_traced_map(p, g);
	for (uint64_t i = 0; i < g->npages; i++)
		if (g->pte[i].frame)
			TRACE(p->m, TR_PAGE_FRAME, p->pid, g->start + (i << p->as->vm->shift),
			      g->pte[i].frame);
}

struct as *vmsys_as(struct proc *p)
{
	struct machine *m = p->m;
	struct as *as;
	uint64_t stack = VM_STACK_TOP - ((uint64_t)VM_STACK_PAGES << m->vm.shift);

	if (p->as)
		return p->as;
	as = as_new(vmsys_vm(m, p->node), p);
	if (!as || as_map_at(as, VM_TEXT_BASE, VM_TEXT, VM_TEXT_PAGES, VM_R) != VM_OK ||
	    as_map_at(as, stack, VM_STACK, VM_STACK_PAGES, VM_R | VM_W) != VM_OK) {
		as_free(as);
		return NULL;
	}
	p->as = as;
	if (!m->vm_used) {         /* the first address space: say what memory it lives in */
		TRACE(m, TR_MEMORY, vmsys_frames_total(m), m->vm.page_size);
		for (uint32_t i = 0; i < m->vm_nnodes + (m->vm_nnodes > 0); i++) {
			const struct vm *v = vmsys_vm(m, i);
			TRACE(m, TR_NODE_MEMORY, i, v->base + 1, v->nframes);
		}
	}
	m->vm_used = 1;
	for (uint32_t i = 0; i < as->nreg; i++)
		vmsys_traced_map(p, &as->reg[i]);
	return as;
}

/* The address space t's memory calls act on: that of the domain it runs
 * in (its process's, or a server's while it makes an LRPC into it). */
static struct as *thread_as(struct thread *t)
{
	return vmsys_as(thread_domain(t));
}

void vmsys_alloc(struct thread *t)
{
	struct as *as = thread_as(t);
	uint64_t addr = 0, n;
	int err;

	if (!as) {
		t->sc.err = UK_ENOMEM;
		return;
	}
	n = vm_span(&t->m->vm, 0, t->sc.arg);
	err = n > UK_AS_MAX_PAGES ? VM_ENOSPACE : as_map(as, VM_HEAP, n, (uint8_t)t->sc.name, &addr);
	t->sc.err = err == VM_OK ? UK_OK : err == VM_EINVAL ? UK_EINVAL : UK_ENOMEM;
	t->sc.val = (int64_t)addr;
	if (err == VM_OK)
		vmsys_traced_map(thread_domain(t), as_region(as, addr));
}

void vmsys_free(struct thread *t)
{
	struct as *as = thread_as(t);
	const struct vm_region *g = as ? as_region(as, t->sc.arg) : NULL;
	uint64_t pages = g ? g->npages : 0;

	if (g && g->seg && thread_domain(t) == t->p) {
		t->sc.err = vmsys_shm_unmap(t->p, t->sc.arg) == 0 ? UK_OK : UK_EINVAL;
		return;
	}
	if (!as || !g || as_unmap(as, t->sc.arg, VM_HEAP) != VM_OK) {
		t->sc.err = as ? UK_EINVAL : UK_ENOMEM;
		return;
	}
	t->sc.err = UK_OK;
	if (t->m->mig)
		migrate_unmapped(thread_domain(t), t->sc.arg, pages);
	TRACE(t->m, TR_VM_UNMAP, thread_domain(t)->pid, t->sc.arg, pages);
	vmsys_frames(t->m);
}

void vmsys_protect(struct thread *t)
{
	struct as *as = thread_as(t);

	if (as && !as_seg_protect_ok(as, t->sc.arg, t->sc.len, (uint8_t)t->sc.name)) {
		t->sc.err = UK_EFAULT;  /* write access to a read-only mapping of a segment */
		return;
	}
	if (!as || as_protect(as, t->sc.arg, t->sc.len, (uint8_t)t->sc.name) != VM_OK) {
		t->sc.err = as ? UK_EINVAL : UK_ENOMEM;
		return;
	}
	t->sc.err = UK_OK;
	TRACE(t->m, TR_VM_PROTECT, thread_domain(t)->pid, t->sc.arg,
	      vm_span(&t->m->vm, t->sc.arg, t->sc.len),
	      (uint64_t)t->sc.name);
}

void vmsys_kill(struct thread *t, const char *what)
{
	struct machine *m = t->m;
	struct thread *a = thread_actor(t);
	struct proc *dom = thread_domain(t);
	char where[256] = "";
	char *text;
	int n;

	if (a->body && a->body->where)
		a->body->where(a, where, sizeof where);
	/* In an LRPC the fault is in the server's domain, and the server dies. */
	n = dom != t->p ? asprintf(&text, "%s%s in the domain of process %s, which is killed", where,
				   what, dom->name)
			: asprintf(&text, "%s%s", where, what);
	if (n < 0)
		text = NULL;
	m->script_errors++;
	TRACE_STR(m, TR_FAULT, text ? text : what, strlen(text ? text : what), a->tid, dom->pid);
	if (m->fault_hook)
		m->fault_hook(m, a, text ? text : what);
	free(text);
	proc_exit(dom, 1, 1);
}

/* Why an access to addr was refused, in words. */
static const char *refusal(struct thread *t, const struct vm_access *r, int write)
{
	const struct vm_region *g = as_region(thread_as(t), r->addr);
	uint8_t perm = g ? g->pte[(r->addr - g->start) >> t->m->vm.shift].perm : 0;

	if (r->fault == VF_UNMAPPED)
		return write ? "write to an unmapped address" : "read of an unmapped address";
	if (write)
		return perm & VM_R ? "write to a read-only page" : "write to a page with no access";
	return "read of a page with no access";
}

/* The access of t failed for good as r says: a segmentation fault, or no
 * frame left. The process is killed. */
static void access_fault(struct thread *t, const struct vm_access *r, int write)
{
	struct machine *m = t->m;
	char what[160];

	if (r->fault == VF_NOFRAME) {
		m->oom_kills++;
		if (m->vm_nnodes)
			snprintf(what, sizeof what, "out of memory at 0x%llx: no free frame (all %u "
				 "frames of node '%s' are in use)", (unsigned long long)r->addr,
				 vmsys_vm(m, t->p->node)->nframes, m->net->nodes[t->p->node].name);
		else
			snprintf(what, sizeof what, "out of memory at 0x%llx: no free frame (all %u "
				 "frames of the machine are in use)", (unsigned long long)r->addr,
				 m->vm.nframes);
	} else {
		m->segfaults++;
		snprintf(what, sizeof what, "segmentation fault at 0x%llx (%s)",
			 (unsigned long long)r->addr, refusal(t, r, write));
	}
	vmsys_kill(t, what);
}

/* Read or write t->sc.len bytes at t->sc.arg, through the buffer b. */
static void mem_access(struct thread *t, struct msg *b, int write)
{
	struct machine *m = t->m;
	struct as *as = thread_as(t);
	struct vm_access r;
	int err;

	if (!as || !b) {
		msg_free(b);
		t->sc.err = UK_ENOMEM;
		return;
	}
	m->vm_thread = thread_actor(t);
	err = as_access(as, t->sc.arg, b->data, t->sc.len, write, &r);
	m->vm_thread = NULL;
	t->work_ns += net_costs(m, t->p)->page_fault_ns * r.faults +
		      net_costs(m, t->p)->page_copy_ns * r.copies;
	vmsys_frames(m);
	if (err == VM_OK) {
		t->sc.err = UK_OK;
		t->sc.m = write ? NULL : b;
		if (write)
			msg_free(b);
		return;
	}
	msg_free(b);
	t->sc.m = NULL;
	if (err == VM_EHOST) {
		m->oom = 1;
		t->sc.err = UK_ENOMEM;
		return;
	}
	access_fault(t, &r, write);
}

/* On-demand migration: pages of [addr, addr + len) still on the node the
 * process left are pulled first; the call is done again when they are here. */
static int pulled_at(struct thread *t, uint64_t addr, uint64_t len)
{
	uint64_t wait = migrate_pull(t, thread_domain(t), addr, len);

	if (!wait)
		return 0;
	t->effect_pending = 1;
	thread_block(t, R_IO, wait);
	return 1;
}

static int pulled(struct thread *t, uint64_t len)
{
	return pulled_at(t, t->sc.arg, len);
}

int vmsys_pulled(struct thread *t, uint64_t addr, uint64_t len)
{
	return t->m->mig && len && pulled_at(t, addr, len);
}

void vmsys_read(struct thread *t)
{
	if (t->m->mig && pulled(t, t->sc.len))
		return;
	mem_access(t, t->sc.len <= UK_MEM_MAX_IO ? msg_new((uint32_t)t->sc.len) : NULL, 0);
}

void vmsys_write(struct thread *t)
{
	struct msg *b = t->sc.m;

	if (t->m->mig && pulled(t, b ? b->size : t->sc.len))
		return;
	t->sc.m = NULL;
	if (b)
		t->sc.len = b->size;
	if (t->m->mig)
		migrate_wrote(thread_domain(t), t->sc.arg, t->sc.len);
	mem_access(t, b, 1);
}

/* --- out-of-line message data --- */

/* Does [addr, addr + len) lie in the text or the stack, the regions a
 * process's address space starts with (vmsys_as)? */
static int in_first_regions(const struct vm *vm, uint64_t addr, uint64_t len)
{
	uint64_t text_end = VM_TEXT_BASE + ((uint64_t)VM_TEXT_PAGES << vm->shift);
	uint64_t stack = VM_STACK_TOP - ((uint64_t)VM_STACK_PAGES << vm->shift);

	return len <= UINT64_MAX - addr &&
	       ((addr >= VM_TEXT_BASE && addr + len <= text_end) ||
		(addr >= stack && addr + len <= VM_STACK_TOP));
}

uint64_t vmsys_ool_span(const struct thread *t, const struct msg *msg)
{
	const struct proc *p = thread_domain(t);
	const struct vm *vm = &t->m->vm;

	if (!msg->ool_len)
		return 0;
	/* A process without an address space yet gets one with its first
	 * memory use, this send's (vmsys_ool_take). */
	if (p->as ? !as_takeable(p->as, msg->ool_addr, msg->ool_len)
		  : !in_first_regions(vm, msg->ool_addr, msg->ool_len))
		return 0;
	return vm_span(vm, msg->ool_addr, msg->ool_len);
}

int vmsys_ool_take(struct thread *t, struct msg *msg)
{
	struct as *as = thread_as(t);
	int err;

	if (!as)
		return UK_ENOMEM;
	msg->ool = as_take(as, msg->ool_addr, msg->ool_len, &err);
	if (!msg->ool)
		return err == VM_EFAULT ? UK_EFAULT : UK_ENOMEM;
	msg->ool_pages = msg->ool->npages;
	vmsys_frames(t->m);
	return UK_OK;
}

void vmsys_ool_sent(struct thread *t, const struct msg *msg)
{
	TRACE(t->m, TR_OOL, msg->flow, t->p->pid, msg->ool_addr, msg->ool_len, 1);
}

/* msg's out-of-line data, taken on another node, copied into frames of to:
 * the new frames by page, followed by the old ones (*was), or NULL when to
 * has too few free frames or the host runs out (msg->ool is then as it was). */
static uint32_t *moved_here(struct msg *msg, struct vm *to, uint32_t **was)
{
	uint64_t n = msg->ool->npages;
	uint32_t *v = malloc(2 * (n ? n : 1) * sizeof *v);
	struct vm_ool *o;
	int err;

	if (!v)
		return NULL;
	memcpy(v + n, msg->ool->frame, n * sizeof *v);
	if (!(o = vm_ool_move(msg->ool, to, &err))) {
		free(v);
		return NULL;
	}
	memcpy(v, o->frame, n * sizeof *v);
	msg->ool = o;
	*was = v + n;
	return v;
}

void vmsys_ool_give(struct thread *rt, struct msg *msg)
{
	struct machine *m = rt->m;
	struct proc *p = rt->p;
	struct as *as;
	uint64_t addr = 0, pages;
	uint32_t *moved = NULL, *was = NULL;

	if (!msg->ool) {
		/* Nothing was taken (a reply cannot carry pages): nothing to give. */
		msg->ool_addr = msg->ool_len = msg->ool_pages = 0;
		return;
	}
	pages = msg->ool->npages;
	as = vmsys_as(p);
	if (as && msg->ool->vm != as->vm && !(moved = moved_here(msg, as->vm, &was)))
		as = NULL;      /* too few free frames on this node for the data */
	if (!as || as_give(as, msg->ool, &addr) != VM_OK) {
		vm_ool_free(msg->ool);
		msg->ool = NULL;
		msg->ool_failed = 1;
		msg->ool_addr = 0;
		free(moved);
		vmsys_frames(m);
		return;
	}
	msg->ool = NULL;
	msg->ool_addr = addr;
	m->ool_msgs++;
	m->ool_pages += pages;
	TRACE(m, TR_OOL, msg->flow, p->pid, addr, msg->ool_len, 2);
	vmsys_traced_map(p, as_region(as, addr));
	/* Data from another node's memory: each page was copied into a frame here. */
	for (uint64_t i = 0; moved && i < pages; i++)
		if (moved[i])
			TRACE(m, TR_PAGE_MOVE, p->pid, (addr & ~((uint64_t)as->vm->page_size - 1)) +
			      (i << as->vm->shift), was[i], moved[i]);
	free(moved);
}
