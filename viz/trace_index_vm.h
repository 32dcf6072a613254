/*
 * trace_index_vm.h - the virtual memory of a run, replayed from its trace
 * records into the trace index (trace_index.h), so that a view can ask
 * which process maps which frame at any time.
 *
 * The one idea: the trace says what changed, never the whole state, so the
 * loader replays the records as the kernel did - a zero-fill fault gives a
 * page its frame, a copy-on-write copy moves it to a new one, a fork shares
 * every resident page of the parent with the child, out-of-line data holds
 * the sender's frames while in flight and maps them into the receiver, an
 * unmap releases a region - and keeps each page's states as a history in
 * time. The state at time t is then read by binary search in each history,
 * with no replay at drawing time. Memory grows with the pages touched, never
 * with a number of pages or frames the file claims.
 *
 * "At time t" means after every record stamped t.
 *
 * Entry points: trace_index_vm_at, trace_index_vm_counts,
 * trace_index_vm_regions_from, trace_index_vm_step_at, trace_index_vm_page,
 * trace_index_vm_perm, trace_index_vm_events_from, trace_index_vm_region_at,
 * trace_index_vm_cause_name, trace_index_vm_mem_of.
 *
 * With several nodes each has its own physical memory, a range of the
 * run's frame numbers (records node_memory, kept in vm.mems); a page that
 * changes memory (record page_move: its process migrated, or out-of-line
 * data taken on one node was delivered on another) steps to its new frame.
 */
#ifndef UKERN_TRACE_INDEX_VM_H
#define UKERN_TRACE_INDEX_VM_H

#include <stddef.h>
#include <stdint.h>

struct trace_index;

/* Pages of one region the replay follows (the kernel's limit per address
 * space); frame numbers it accepts. Larger values in a trace are damage. */
#define TI_VM_MAX_PAGES (1u << 20)
#define TI_VM_MAX_FRAME (1u << 24)

/* How a page got its state (a step's cause). 1 to 3 are the page faults of
 * the same numbers in the trace. */
enum ti_vm_cause {
	TI_VM_ZERO = 1,         /* zero-fill fault: a new frame */
	TI_VM_COW_COPY,         /* copy-on-write fault: copied into a new frame */
	TI_VM_COW_REUSE,        /* copy-on-write fault of the last sharer: writable again */
	TI_VM_FORK,             /* a fork shared it: the parent's page turned copy-on-write,
				 * the child's page made */
	TI_VM_OOL_TAKE,         /* sent out of line: the sender's page turned copy-on-write */
	TI_VM_OOL_GIVE,         /* out-of-line data mapped into the receiver */
	TI_VM_MOVE,             /* its bytes moved to a frame of another node's memory */
	TI_VM_SHM,              /* a shared segment's frame (mem.share, mem.map) */
	TI_VM_LRPC,             /* an LRPC binding's A-stack: given at the bind (page_frame) */
};

/* What a memory event is: 1 to 6 the page fault kinds of the trace (zero
 * fill, copy-on-write copy and reuse, unmapped, protection, no frame). */
enum ti_vmev_kind {
	TI_VMEV_ZERO = 1, TI_VMEV_COW_COPY, TI_VMEV_COW_REUSE, TI_VMEV_UNMAPPED, TI_VMEV_PROT,
	TI_VMEV_NOFRAME,
	TI_VMEV_FORK,           /* proc forked: other is the child's proc index, frame the pages shared */
	TI_VMEV_OOL_TAKE,       /* proc sent out-of-line data at addr (other: its bytes) */
	TI_VMEV_OOL_GIVE,       /* out-of-line data was mapped into proc at addr (other: its bytes) */
	TI_VMEV_MOVE,           /* page addr of proc moved from frame from to frame (another
				 * node's memory); other: TI_MOVE_MIGRATE or TI_MOVE_OOL */
	TI_VMEV_KIND_COUNT
};

/* A region of an address space, from its mapping to its unmapping. */
struct ti_vmreg {
	uint64_t start;         /* address of its first page */
	uint64_t npages;        /* as the trace says (the replay follows at most TI_VM_MAX_PAGES) */
	uint64_t map_ns, unmap_ns;   /* unmap_ns: TI_NEVER while it is mapped */
	uint32_t proc;          /* process index */
	uint32_t from;          /* a forked child's copy: the parent's region, else TI_NONE */
	uint64_t flow;          /* out-of-line data received: the message's flow, else 0 */
	uint8_t kind, perm;     /* 1 text, 2 heap, 3 stack, 4 shared; 1 read | 2 write */
	size_t page_first, page_count;   /* the pages that ever had a frame: vm.pages[...] */
	uint32_t seg;           /* a mapping of a shared segment (mem.share, mem.map, or a
				 * forked child's copy of one): the segment, from 1 in the
				 * order they were made; else 0 */
};

/* A page of a region that had a frame at some time. */
struct ti_vmpage {
	uint32_t reg;           /* region index */
	uint32_t idx;           /* its number in the region, from 0 */
	size_t step_first, step_count;   /* its states: vm.steps[...], by time */
};

/* A page's state from ns on. */
struct ti_vmstep {
	uint64_t ns;
	uint32_t frame;         /* the frame it maps (from 1) */
	uint8_t cow;            /* copy-on-write: a write faults first */
	uint8_t cause;          /* enum ti_vm_cause */
};

/* Out-of-line data in flight: the frames a message holds from when it was
 * sent until it was delivered or dropped. */
struct ti_vmsnap {
	uint64_t flow;
	uint32_t proc;          /* the sender */
	uint64_t t0, t1;        /* ns: sent; delivered or dropped (TI_NEVER: still in flight) */
	size_t fr_first, fr_count;   /* the pages it holds: vm.snapfr[...] */
};

/* One page a message holds: its number in the data's pages, and its frame. */
struct ti_vmsnapfr {
	uint32_t idx, frame;
};

/* mem.protect on pages [first, first + n) of region reg from ns on. */
struct ti_vmprot {
	uint64_t ns;
	uint32_t reg;
	uint32_t first, n;
	uint8_t perm;
};

/* Something that happened to memory, by time. */
struct ti_vmev {
	uint64_t ns;
	uint64_t addr;          /* where (a fault, out-of-line data); 0 for a fork */
	uint64_t other;         /* fork: the child's proc index; out-of-line: bytes */
	uint32_t proc;          /* process index */
	uint32_t thread;        /* the faulting thread, TI_NONE if none or not a fault */
	uint32_t reg, page;     /* the region and page number concerned (reg TI_NONE if none) */
	uint32_t frame;         /* the frame mapped after it (0 none); fork: pages shared */
	uint32_t from;          /* a copy-on-write copy: the frame copied */
	uint8_t kind;           /* enum ti_vmev_kind */
};

/* Why a page moved (a TI_VMEV_MOVE event's other). */
enum { TI_MOVE_MIGRATE = 1, TI_MOVE_OOL = 2 };

/* One node's physical memory: frames first .. first + frames - 1. */
struct ti_vmmem {
	uint64_t id;            /* the node's id in the trace */
	uint32_t node;          /* its nodes index, TI_NONE: none (frames of no node's memory) */
	uint32_t first, frames;
	uint32_t told;          /* 1: from a node_memory record; 0: a gap between them */
};

/* The machine's frame counts after a change (trace record "frames"). */
struct ti_vmcount {
	uint64_t ns;
	uint32_t used, shared;
};

/* Everything the index knows of memory; empty (page_size 0) when the run
 * used none. Read-only once the index is sealed. */
struct ti_vm {
	uint32_t page_size;     /* bytes; 0: no memory record */
	uint32_t shift;         /* log2(page_size) */
	uint32_t frames;        /* the machine's frames (record "memory"), else the highest seen */
	uint32_t maxframe;      /* the highest frame number any page or message had */
	struct ti_vmreg *regs;       size_t nregs;    /* by mapping time */
	uint64_t *reg_reach;    /* [i]: the latest unmap_ns of regs[0..i] */
	struct ti_vmpage *pages;     size_t npages;   /* by region, then number */
	struct ti_vmstep *steps;     size_t nsteps;   /* by page, then time */
	struct ti_vmsnap *snaps;     size_t nsnaps;   /* by sending time */
	uint64_t *snap_reach;   /* [i]: the latest t1 of snaps[0..i] */
	struct ti_vmsnapfr *snapfr;  size_t nsnapfr;
	struct ti_vmprot *prots;     size_t nprots;   /* by time */
	struct ti_vmev *evs;         size_t nevs;     /* by time */
	struct ti_vmcount *counts;   size_t ncounts;  /* by time */
	uint32_t maxused;       /* the most frames the counts ever said were in use */
	uint32_t ev_seen;       /* bit k: some event of kind k (enum ti_vmev_kind) */
	uint32_t *procs;        /* the processes that ever had memory or a memory event, */
	size_t nprocs;          /* by index */
	uint32_t *shmregs;      /* the regions that map a shared segment (seg > 0), */
	size_t nshmregs;        /* by segment, then by mapping time */
	/* With several nodes (at least two node_memory records): their memories by
	 * first frame, tiling frames 1 .. frames (a gap the records leave, or frames
	 * past the last, make an entry of no node, told 0); else none. */
	struct ti_vmmem *mems;       size_t nmems;
};

enum { TI_SHARERS = 4 };

/* What holds frame n at a time (trace_index_vm_at). */
struct ti_frame_use {
	uint32_t maps;          /* page table entries mapping it */
	uint32_t held;          /* out-of-line messages in flight holding it */
	uint32_t proc[TI_SHARERS];   /* distinct processes mapping it, in index order... */
	uint32_t nproc;         /* ...how many (more than TI_SHARERS: only the first kept) */
	uint32_t page;          /* the first page mapping it (vm.pages index), when maps > 0 */
	uint32_t cow;           /* mappings of it that are copy-on-write */
};

/* Fill use[0 .. vm.maxframe] (vm.maxframe + 1 entries; [0] stays empty)
 * with what holds each frame at time t. */
void trace_index_vm_at(const struct trace_index *ix, uint64_t t, struct ti_frame_use *use);

/* The frames in use (with a reference) and shared (more than one) at t, as
 * the kernel counts them; NULL use: computed in a buffer of its own.
 * Returns 0, or -1 when memory runs out. */
int trace_index_vm_counts(const struct trace_index *ix, uint64_t t, uint32_t *used,
			  uint32_t *shared);

/* The first region that may be mapped at t (nregs when none); the regions
 * from there on that are mapped at t have map_ns <= t < unmap_ns. */
size_t trace_index_vm_regions_from(const struct trace_index *ix, uint64_t t);

/* The state of page pg (vm.pages index) at t, or NULL before its first. */
const struct ti_vmstep *trace_index_vm_step_at(const struct trace_index *ix, size_t pg,
					       uint64_t t);

/* The vm.pages index of page idx of region reg, or TI_NONE (never had a frame). */
uint32_t trace_index_vm_page(const struct trace_index *ix, uint32_t reg, uint64_t idx);

/* The permission of page idx of region reg at t (mem.protect included). */
uint8_t trace_index_vm_perm(const struct trace_index *ix, uint32_t reg, uint64_t idx,
			    uint64_t t);

/* The region of process pr that holds addr at t, or TI_NONE. */
uint32_t trace_index_vm_region_at(const struct trace_index *ix, uint32_t pr, uint64_t addr,
				  uint64_t t);

/* The first memory event at or after t (vm.nevs when none). */
size_t trace_index_vm_events_from(const struct trace_index *ix, uint64_t t);

/* The vm.mems entry holding frame fr, or TI_NONE (no node memories, or out of range). */
uint32_t trace_index_vm_mem_of(const struct trace_index *ix, uint64_t fr);

/* "zero-fill fault", "copy-on-write copy", ... for a step's cause. */
const char *trace_index_vm_cause_name(uint8_t cause);

#endif
