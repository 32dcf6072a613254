/*
 * describe_mem.c - the details box of the memory view: a frame (who maps
 * it at the current time, where, since when and why), a page (its frame,
 * sharing, permission, history and faults) or a memory event (API:
 * vz_describe_frame, vz_describe_page, vz_describe_vmev in view_mem.h,
 * called by vz_describe).
 *
 * The one idea: the words of the lesson - zero-fill, copy-on-write,
 * shared, private, out of line - and the numbers of the trace (addresses
 * in hex, frame numbers, exact times), so a click can be checked against
 * ukern export.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "view_mem.h"

static const char *const kind_name[] = { "region", "text", "heap", "stack", "shared" };

static const char *region_kind(const struct ti_vmreg *g)
{
	return g->flow ? "received" : kind_name[g->kind < 5 ? g->kind : 0];
}

static const char *perm_words(uint8_t p)
{
	return p == 3 ? "read-write" : p == 1 ? "read-only" : p == 2 ? "write-only" : "no access";
}

/* Append ", who" to list (VZ_LINE bytes), or " …" once when it is full. */
static void append(char *list, const char *who)
{
	size_t n = strlen(list);

	if (n + strlen(who) + 4 < VZ_LINE)
		snprintf(list + n, VZ_LINE - n, "%s%s", n ? " · " : "", who);
	else if (n + 5 < VZ_LINE && !strstr(list, "…"))
		snprintf(list + n, VZ_LINE - n, " …");
}

/* How many out-of-line messages in flight at now hold frame fr. */
static uint32_t held_by_messages(const struct ti_vm *vm, uint64_t fr, uint64_t now)
{
	uint32_t held = 0;

	for (size_t s = 0; s < vm->nsnaps; s++) {
		if (vm->snaps[s].t0 > now || vm->snaps[s].t1 <= now)
			continue;
		for (size_t i = 0; i < vm->snaps[s].fr_count; i++)
			held += vm->snapfr[vm->snaps[s].fr_first + i].frame == fr;
	}
	return held;
}

/* Is st, the state of page idx of region r, an LRPC binding's A-stack? A
 * forked child's copy of a shared region is what its parent's page was at
 * the fork (a parent's region comes before its child's: the walk ends). */
static int astack_page(const struct trace_index *ix, uint32_t r, uint64_t idx,
		       const struct ti_vmstep *st)
{
	while (st && st->cause == TI_VM_FORK && !st->cow && ix->vm.regs[r].from < r) {
		uint64_t at = ix->vm.regs[r].map_ns;
		uint32_t pg;
		r = ix->vm.regs[r].from;
		pg = trace_index_vm_page(ix, r, idx);
		st = pg == TI_NONE ? NULL : trace_index_vm_step_at(ix, pg, at);
	}
	return st && st->cause == TI_VM_LRPC;
}

int vz_describe_frame(const struct trace_index *ix, uint64_t fr, uint64_t now,
		      char lines[][VZ_LINE])
{
	const struct ti_vm *vm = &ix->vm;
	const struct ti_vmstep *since = NULL;
	uint32_t maps = 0, held = held_by_messages(vm, fr, now), first = TI_NONE;
	char at[32], when[32], who[VZ_LINE] = "", one[VZ_LINE], node[96];
	uint32_t mem = trace_index_vm_mem_of(ix, fr);
	int n = 0, several = 0, cow = 0, astack = 0;

	fmt_dur(now, at, sizeof at);
	snprintf(lines[n++], VZ_LINE, "frame %llu of %u · at %s", (unsigned long long)fr, vm->frames, at);
	if (mem != TI_NONE && vm->mems[mem].told) {
		mem_frame_node(ix, fr, node, sizeof node);
		snprintf(lines[n++], VZ_LINE, "%s's memory: its frame %llu of %u (frames %u–%u)", node,
			 (unsigned long long)(fr - vm->mems[mem].first + 1), vm->mems[mem].frames,
			 vm->mems[mem].first, vm->mems[mem].first + vm->mems[mem].frames - 1);
	} else if (mem != TI_NONE) {
		snprintf(lines[n++], VZ_LINE, "in no node's memory (frames %u–%u: the trace gives "
			 "them to no node)", vm->mems[mem].first,
			 vm->mems[mem].first + vm->mems[mem].frames - 1);
	}
	for (size_t r = trace_index_vm_regions_from(ix, now); r < vm->nregs && vm->regs[r].map_ns <= now;
	     r++) {
		const struct ti_vmreg *g = &vm->regs[r];
		for (size_t p = g->page_first; g->unmap_ns > now && p < g->page_first + g->page_count; p++) {
			const struct ti_vmstep *st = trace_index_vm_step_at(ix, p, now);
			if (!st || st->frame != fr)
				continue;
			if (!since || st->ns > since->ns)
				since = st;
			maps++;
			cow |= st->cow;
			astack |= astack_page(ix, (uint32_t)r, vm->pages[p].idx, st);
			several |= first != TI_NONE && first != g->proc;
			first = first == TI_NONE ? g->proc : first;
			snprintf(one, sizeof one, "%s at 0x%llx", vz_proc_name(ix, g->proc),
				 (unsigned long long)(g->start + ((uint64_t)vm->pages[p].idx << vm->shift)));
			append(who, one);
		}
	}
	if (!maps && !held) {
		snprintf(lines[n++], VZ_LINE, "free at this time");
		return n;
	}
	if (maps)
		snprintf(lines[n++], VZ_LINE, "mapped by %s", who);
	if (maps + held > 1 && !cow && !held)
		snprintf(lines[n++], VZ_LINE, "shared: %u references%s, %s (a write is seen by every "
			 "mapping)", maps, several ? " from several processes" : "",
			 astack ? "an LRPC binding's A-stack" : "a shared segment");
	else if (maps + held > 1)
		snprintf(lines[n++], VZ_LINE, "shared: %u references%s, copy-on-write (a write copies "
			 "the page)", maps + held, several ? " from several processes" : "");
	else
		snprintf(lines[n++], VZ_LINE, "private to %s", vz_proc_name(ix, first));
	if (held)
		snprintf(lines[n++], VZ_LINE, "held by %u message%s in flight (out-of-line data)", held,
			 held == 1 ? "" : "s");
	if (since) {
		fmt_time(since->ns, when, sizeof when);
		snprintf(lines[n++], VZ_LINE, "last change %s: %s", when,
			 trace_index_vm_cause_name(since->cause));
	}
	return n;
}

/* Faults taken on page idx of region reg up to now, as words ("2 zero-fill"). */
static void page_faults(const struct trace_index *ix, uint32_t reg, uint64_t idx, uint64_t now,
			char *buf, size_t len)
{
	static const char *const what[] = { "", "zero-fill", "copy-on-write copy",
					    "copy-on-write without a copy" };
	unsigned count[4] = { 0 };
	size_t n = 0;

	for (size_t i = 0; i < ix->vm.nevs && ix->vm.evs[i].ns <= now; i++) {
		const struct ti_vmev *e = &ix->vm.evs[i];
		if (e->reg == reg && e->page == idx && e->kind >= 1 && e->kind <= 3)
			count[e->kind]++;
	}
	buf[0] = '\0';
	for (int k = 1; k <= 3; k++)
		if (count[k] && n + 40 < len)
			n += (size_t)snprintf(buf + n, len - n, "%s%u %s", n ? ", " : "", count[k], what[k]);
	if (!n)
		snprintf(buf, len, "none");
}

/* How the page in state st shares its frame, used as u says (astack: the
 * frame is an LRPC binding's A-stack). */
static const char *sharing(const struct ti_frame_use *u, const struct ti_vmstep *st, int astack)
{
	if (u->maps + u->held > 1 && !st->cow)
		return astack ? "shared, not copy-on-write (an LRPC binding's A-stack): every "
				"mapping sees a write"
			      : "shared, not copy-on-write (a shared segment): every mapping "
				"sees a write";
	if (u->maps + u->held > 1)
		return "shared copy-on-write: a write copies it";
	return st->cow ? "copy-on-write, no other sharer: a write just makes it writable"
		       : "private";
}

int vz_describe_page(const struct trace_index *ix, uint64_t reg, uint64_t idx, uint64_t now,
		     char lines[][VZ_LINE])
{
	const struct ti_vm *vm = &ix->vm;
	const struct ti_vmreg *g;
	const struct ti_vmstep *st = NULL;
	uint32_t pg;
	char when[32], faults[96], node[96], on[100] = "";
	int n = 0;

	if (reg >= vm->nregs)
		return 0;
	g = &vm->regs[reg];
	pg = trace_index_vm_page(ix, (uint32_t)reg, idx);
	st = pg == TI_NONE ? NULL : trace_index_vm_step_at(ix, pg, now);
	snprintf(lines[n++], VZ_LINE, "%s · %s page %llu · 0x%llx", vz_proc_name(ix, g->proc),
		 region_kind(g), (unsigned long long)idx,
		 (unsigned long long)(g->start + (idx << vm->shift)));
	if (!st) {
		snprintf(lines[n++], VZ_LINE, "no frame: never touched (a first access takes a "
			 "zero-fill fault)");
	} else {
		struct ti_frame_use u;
		memset(&u, 0, sizeof u);
		if (st->frame <= vm->maxframe) {
			struct ti_frame_use *all = calloc((size_t)vm->maxframe + 1, sizeof *all);
			if (all) {
				trace_index_vm_at(ix, now, all);
				u = all[st->frame];
				free(all);
			}
		}
		mem_frame_node(ix, st->frame, node, sizeof node);
		if (*node)
			snprintf(on, sizeof on, " (%s)", node);
		snprintf(lines[n++], VZ_LINE, "frame %u%s, %s", st->frame, on,
			 sharing(&u, st, astack_page(ix, (uint32_t)reg, idx, st)));
		fmt_time(st->ns, when, sizeof when);
		snprintf(lines[n++], VZ_LINE, "since %s: %s", when, trace_index_vm_cause_name(st->cause));
	}
	snprintf(lines[n++], VZ_LINE, "permission: %s",
		 perm_words(trace_index_vm_perm(ix, (uint32_t)reg, idx, now)));
	page_faults(ix, (uint32_t)reg, idx, now, faults, sizeof faults);
	snprintf(lines[n++], VZ_LINE, "faults on this page so far: %s", faults);
	fmt_time(g->map_ns, when, sizeof when);
	if (g->from != TI_NONE)
		snprintf(lines[n++], VZ_LINE, "region of %llu pages, copied from %s by a fork at %s",
			 (unsigned long long)g->npages, vz_proc_name(ix, vm->regs[g->from].proc), when);
	else if (g->flow)
		snprintf(lines[n++], VZ_LINE, "region of %llu pages, received out of line (flow %llu) "
			 "at %s", (unsigned long long)g->npages, (unsigned long long)g->flow, when);
	else
		snprintf(lines[n++], VZ_LINE, "region of %llu pages, mapped at %s",
			 (unsigned long long)g->npages, when);
	return n;
}

int vz_describe_vmev(const struct trace_index *ix, size_t i, char lines[][VZ_LINE])
{
	static const char *const what[TI_VMEV_KIND_COUNT] = {
		[TI_VMEV_ZERO] = "zero-fill fault", [TI_VMEV_COW_COPY] = "copy-on-write fault: page copied",
		[TI_VMEV_COW_REUSE] = "copy-on-write fault: no copy (last sharer)",
		[TI_VMEV_UNMAPPED] = "segmentation fault: no region there",
		[TI_VMEV_PROT] = "segmentation fault: the page's permission forbids it",
		[TI_VMEV_NOFRAME] = "out of memory: no free frame", [TI_VMEV_FORK] = "fork",
		[TI_VMEV_OOL_TAKE] = "out-of-line data sent", [TI_VMEV_OOL_GIVE] = "out-of-line data received",
		[TI_VMEV_MOVE] = "page moved to another node's memory",
	};
	const struct ti_vmev *e = &ix->vm.evs[i];
	char when[32], from[40], to[40];   /* node names past 34 bytes are cut */
	int n = 0;

	fmt_time(e->ns, when, sizeof when);
	snprintf(lines[n++], VZ_LINE, "%s · %s", e->kind < TI_VMEV_KIND_COUNT && what[e->kind] ?
		 what[e->kind] : "memory event", vz_proc_name(ix, e->proc));
	if (e->thread != TI_NONE)
		snprintf(lines[n++], VZ_LINE, "at %s, thread %s", when, vz_thread_name(ix, e->thread));
	else
		snprintf(lines[n++], VZ_LINE, "at %s", when);
	if (e->kind == TI_VMEV_FORK) {
		snprintf(lines[n++], VZ_LINE, "child %s: %u pages shared copy-on-write, none copied",
			 vz_proc_name(ix, (uint32_t)e->other), e->frame);
	} else if (e->kind == TI_VMEV_OOL_TAKE || e->kind == TI_VMEV_OOL_GIVE) {
		snprintf(lines[n++], VZ_LINE, "%llu bytes at 0x%llx, %s", (unsigned long long)e->other,
			 (unsigned long long)e->addr, e->kind == TI_VMEV_OOL_TAKE ?
			 "its pages now copy-on-write, held by the message" :
			 "the sender's frames mapped copy-on-write");
	} else if (e->kind == TI_VMEV_MOVE) {
		mem_frame_node(ix, e->from, from, sizeof from);
		mem_frame_node(ix, e->frame, to, sizeof to);
		snprintf(lines[n++], VZ_LINE, "page 0x%llx of %s moved from frame %u (%s) to frame %u (%s)",
			 (unsigned long long)e->addr, vz_proc_name(ix, e->proc), e->from,
			 *from ? from : "?", e->frame, *to ? to : "?");
		snprintf(lines[n++], VZ_LINE, "%s", e->other == TI_MOVE_OOL ?
			 "out-of-line data taken on one node, delivered on another: copied there" :
			 "its process migrated: the page's bytes copied into a frame of the new node, "
			 "the old frame lost this reference");
	} else if (e->reg != TI_NONE) {
		snprintf(lines[n++], VZ_LINE, "%s page %u at 0x%llx", region_kind(&ix->vm.regs[e->reg]),
			 e->page, (unsigned long long)e->addr);
		if (e->kind == TI_VMEV_COW_COPY)
			snprintf(lines[n++], VZ_LINE, "copied from frame %u into frame %u", e->from, e->frame);
		else if (e->frame)
			snprintf(lines[n++], VZ_LINE, "frame %u", e->frame);
	} else {
		snprintf(lines[n++], VZ_LINE, "at 0x%llx", (unsigned long long)e->addr);
	}
	return n;
}
