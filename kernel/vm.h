/*
 * vm.h - simulated virtual memory as pure data structures: physical frames
 * with reference counts, and address spaces made of regions whose pages
 * map frames through a page table.
 *
 * The one idea: a page table entry names a frame and says whether writing
 * it must first copy it (copy-on-write). A fork or an out-of-line message
 * does not copy bytes: it takes one more reference to each frame and marks
 * both sides copy-on-write. The first write to such a page faults and
 * copies exactly that page, unless the writer is its last sharer, which
 * just regains write access.
 *
 * Frames hold real bytes, allocated on the host when a page is first
 * touched (zero-filled), so a large simulated memory costs nothing until
 * used. Nothing here knows the kernel loop, the trace or the cost model:
 * an observer callback sees every fault and copy (the kernel traces them and
 * charges their cost), and the functions report what went wrong in codes.
 *
 * Entry points:
 *   physical memory:  vm_init, vm_fini, vm_span
 *   address spaces:   as_new, as_free, as_clear, as_map, as_map_at, as_unmap,
 *                     as_protect, as_access, as_fork, as_region
 *   out-of-line data: as_take, as_give, vm_ool_dup, vm_ool_free
 *   shared regions:   as_populate, as_share (LRPC's argument stacks)
 *   shared segments:  vm_seg_new, as_seg_map, vm_seg_free, as_seg_pages,
 *                     as_seg_protect_ok (mem.share and mem.map: vm_seg.c)
 */
#ifndef UKERN_VM_H
#define UKERN_VM_H

#include <stdint.h>

/* Page permissions (bits). */
#define VM_R 1
#define VM_W 2

/* What a region is for. */
enum vm_kind {
	VM_TEXT = 1,    /* the program: read-only */
	VM_HEAP,        /* mem.alloc, and out-of-line data received */
	VM_STACK,       /* the stack */
	VM_SHARED,      /* mapped into several address spaces (LRPC's argument stacks,
			 * segments of mem.share) */
};

/* What a fault was, as the observer and the trace see it. */
enum vm_fault_kind {
	VF_ZERO = 1,    /* first touch: a zero-filled frame was allocated */
	VF_COW_COPY,    /* a write to a shared page: the page was copied */
	VF_COW_REUSE,   /* a write to a copy-on-write page nobody else maps: no copy */
	VF_UNMAPPED,    /* segmentation fault: no region there */
	VF_PROT,        /* segmentation fault: the page's permissions forbid it */
	VF_NOFRAME,     /* no free frame for the page */
	VF_MOVE,        /* the page's bytes now live in a frame of another memory (as_move) */
};

/* Results of the address-space operations. */
enum vm_err {
	VM_OK = 0,
	VM_EFAULT,      /* an access that faulted for good (see vm_access.fault) */
	VM_EINVAL,      /* no such region, a range not all mapped, a bad argument */
	VM_ENOSPACE,    /* no room in the address space (its area or its page limit) */
	VM_EHOST,       /* the host ran out of memory */
};

struct as;

/* One fault or copy, for the observer. */
struct vm_event {
	enum vm_fault_kind kind;
	uint64_t addr;          /* the faulting address (the page's first byte for resolved faults) */
	int write;              /* the access was a write */
	uint32_t frame;         /* the frame mapped now (1..), 0 if none */
	uint32_t from;          /* VF_COW_COPY, VF_MOVE: the frame copied from */
};

struct vm_frame {
	uint32_t refs;          /* page table entries and in-flight messages holding it; 0: free */
	uint32_t next_free;     /* free list link (a frame number), 0: end */
	uint8_t *data;          /* page_size bytes on the host, made at the first use */
};

/* What several memories (the nodes of a run) count together. */
struct vm_group {
	uint32_t used;          /* frames with a reference, every memory */
	uint32_t peak;          /* the most ever used at once */
	uint64_t bytes;         /* host memory of the frames made (page_size each), every memory */
	uint64_t max_bytes;     /* the most bytes may reach (0: no cap): a frame past it is
				 * refused as when the host runs out of memory (VM_EHOST) */
	/* Told when max_bytes refuses a frame (NULL: nobody). */
	void (*refused)(void *ctx);
	void *ctx;
};

/* Physical memory: a machine's frames, numbered base + 1 .. base + nframes
 * (base 0 for one machine; the nodes of a run number theirs one after the
 * other, so a frame number names one frame of the whole run). */
struct vm {
	uint32_t base;          /* frame numbers start after it */
	uint32_t page_size;     /* bytes, a power of two */
	uint32_t shift;         /* log2(page_size) */
	uint32_t nframes;       /* frames the machine has */
	uint32_t used;          /* frames with a reference */
	uint32_t shared;        /* frames with more than one */
	uint32_t peak;          /* the most frames ever used at once */
	struct vm_frame *fr;    /* by number - 1, made as needed (nmade of them) */
	uint32_t nmade, cap;
	uint32_t free_head;     /* released frames, newest first; 0: none */
	uint64_t zero_faults, cow_faults, pages_copied;   /* totals of every address space */
	struct vm_group *group; /* counted there too; NULL: none */
	/* Sees every resolved fault and copy (NULL: nobody); as is where it happened. */
	void (*observer)(void *ctx, struct as *as, const struct vm_event *e);
	void *ctx;
};

/* One page table entry. */
struct vm_pte {
	uint32_t frame;         /* frame number, 0: never touched (zero-filled at the first access) */
	uint8_t perm;           /* VM_R | VM_W */
	uint8_t cow;            /* shared copy-on-write: a write faults first */
};

struct vm_seg;

struct vm_region {
	uint64_t start;         /* virtual address of its first page */
	uint64_t npages;
	uint8_t kind;           /* enum vm_kind */
	uint8_t perm;           /* the permission it was made with (pages may differ: as_protect) */
	struct vm_pte *pte;     /* npages entries */
	struct vm_seg *seg;     /* VM_SHARED: the segment it maps (NULL: an LRPC A-stack) */
};

/* A shared segment (mem.share): frames that every region mapping it maps
 * read-write (or read-only), never copy-on-write, so that a write through
 * one mapping is read through every other at once. It has its frames from
 * the start (a page filled on first touch would get a frame for one
 * mapping only) and holds no reference of its own: the mappings hold them,
 * and when the last mapping goes the frames are free and the segment is
 * dead (maps 0). The segment itself lives until vm_seg_free. */
struct port;

struct vm_seg {
	struct vm *vm;          /* the memory its frames are in */
	uint32_t id;            /* the kernel's number for it, from 1 */
	uint8_t perm;           /* the most a mapping may have (VM_R, VM_R | VM_W) */
	uint64_t npages;
	uint32_t maps;          /* regions mapping it now; 0: dead */
	uint64_t maps_made;     /* regions that ever mapped it (mem.share's, mem.map's, forks') */
	uint32_t *frame;        /* npages frame numbers; meaningless once dead */
	struct port *port;      /* the port that names it (vmsys_shm.c): it dies with it */
	struct port *port_r;    /* the read-only port that names it too (mem.restrict), made by
				 * the first restriction; NULL until then; it dies with it */
};

/* An address space. Counters are kept after as_clear, for the statistics. */
struct as {
	struct vm *vm;
	struct vm_region *reg;  /* sorted by start, never overlapping */
	uint32_t nreg, cap;
	uint64_t npages;        /* pages mapped, all regions */
	uint64_t resident;      /* pages that have a frame */
	uint64_t peak;          /* the most resident pages ever */
	uint64_t zero_faults, cow_faults, pages_copied;
	void *owner;            /* whatever the kernel keeps with it (its process) */
};

/* Out-of-line data in flight: a snapshot of pages that holds a reference
 * to each frame (0 for a page never touched) until it is mapped or freed. */
struct vm_ool {
	struct vm *vm;
	uint64_t off;           /* offset of the data in its first page */
	uint64_t len;           /* bytes */
	uint64_t npages;
	uint32_t frame[];       /* npages frame numbers */
};

/* Where the regions go (the same for every page size up to the limit). */
#define VM_TEXT_BASE   0x400000ull          /* the text region, 4 pages */
#define VM_TEXT_PAGES  4
#define VM_HEAP_BASE   0x10000000ull        /* mem.alloc: first fit from here */
#define VM_HEAP_END    0x7e0000000000ull
#define VM_STACK_TOP   0x7ff000000000ull    /* the stack region ends here, 16 pages */
#define VM_STACK_PAGES 16

/* Set vm up with nframes frames of page_size bytes (a power of two).
 * Nothing is allocated until a frame is used. Returns 0, or -1 for a size
 * that is not a power of two or a count of 0. */
int vm_init(struct vm *vm, uint32_t nframes, uint32_t page_size);

/* The same after base frames of other memories: its frames are numbered
 * base + 1 .. base + nframes. */
int vm_init_at(struct vm *vm, uint32_t base, uint32_t nframes, uint32_t page_size);

/* Free every frame's bytes (address spaces must be freed first). */
void vm_fini(struct vm *vm);

/* The references frame n of vm has (0: free). */
uint32_t vm_frame_refs(const struct vm *vm, uint32_t n);

/* Pages that [addr, addr + len) touches (0 when len is 0). */
uint64_t vm_span(const struct vm *vm, uint64_t addr, uint64_t len);

/* A new, empty address space, or NULL when the host runs out of memory. */
struct as *as_new(struct vm *vm, void *owner);

/* Release every mapping (frames whose last reference goes are freed); the
 * counters stay. */
void as_clear(struct as *as);

/* as_clear, then free as itself. */
void as_free(struct as *as);

/* Map a new region of npages pages with permission perm, placed first-fit
 * in the heap area with an unmapped guard page after the previous region.
 * *addr gets its start. VM_OK, VM_ENOSPACE (no room, or past the address
 * space's page limit), VM_EINVAL (npages 0) or VM_EHOST. */
int as_map(struct as *as, enum vm_kind kind, uint64_t npages, uint8_t perm, uint64_t *addr);

/* Map a region at addr (page-aligned); VM_EINVAL if it overlaps another. */
int as_map_at(struct as *as, uint64_t addr, enum vm_kind kind, uint64_t npages, uint8_t perm);

/* Unmap the region that starts at addr (of kind kind, 0: any). VM_OK or VM_EINVAL. */
int as_unmap(struct as *as, uint64_t addr, enum vm_kind kind);

/* Set the permission of the pages of [addr, addr + len) (addr page-aligned,
 * len > 0). VM_OK, or VM_EINVAL when some of it is not mapped (then
 * nothing changes). */
int as_protect(struct as *as, uint64_t addr, uint64_t len, uint8_t perm);

/* What as_access found. */
struct vm_access {
	enum vm_fault_kind fault;   /* VM_EFAULT: VF_UNMAPPED, VF_PROT or VF_NOFRAME */
	uint64_t addr;              /* VM_EFAULT: the first address that faulted */
	uint32_t faults;            /* faults taken and resolved (zero-fill and copy-on-write) */
	uint32_t copies;            /* pages copied */
};

/*
 * Read (write = 0: into buf) or write (write = 1: from buf) len bytes at
 * addr, taking the faults the pages need. The whole range is checked
 * first: an unmapped address or a forbidden access returns VM_EFAULT
 * without touching anything. Then page by page: a page never touched gets a
 * zero-filled frame; a write to a copy-on-write page copies it, or, if the
 * frame has no other sharer, just makes it writable. Running out of frames
 * stops there with VM_EFAULT (VF_NOFRAME; the pages before are done).
 * Returns VM_OK, VM_EFAULT or VM_EHOST; *r says what happened.
 */
int as_access(struct as *as, uint64_t addr, void *buf, uint64_t len, int write,
	      struct vm_access *r);

/* A copy-on-write copy of parent: the same regions, every frame shared
 * read-only by both (one more reference each, copy-on-write on both sides);
 * a VM_SHARED region stays shared as it is, never copy-on-write.
 * *shared gets the number of frames shared. NULL when the host runs out of
 * memory (parent is then unchanged). */
struct as *as_fork(struct as *parent, void *owner, uint64_t *shared);

/* The region containing addr, or NULL. */
const struct vm_region *as_region(const struct as *as, uint64_t addr);

/* Could as_take take [addr, addr + len)? (It is not empty, all mapped and
 * readable, and no page of it lies in a VM_SHARED region.) */
int as_takeable(const struct as *as, uint64_t addr, uint64_t len);

/* Take the pages of [addr, addr + len) (len > 0) out of line: a snapshot
 * holding a reference to each frame, whose pages become copy-on-write in
 * as. NULL with *err VM_EFAULT (some of it is not mapped or not readable,
 * or lies in a VM_SHARED region, which must never become copy-on-write)
 * or VM_EHOST. */
struct vm_ool *as_take(struct as *as, uint64_t addr, uint64_t len, int *err);

/* Map the snapshot o into as as a new heap region, read-write and
 * copy-on-write; *addr gets the address of the data (the region's start +
 * o->off). o is consumed on success only. VM_OK, VM_ENOSPACE or VM_EHOST. */
int as_give(struct as *as, struct vm_ool *o, uint64_t *addr);

/* Frames of as->vm that as_move would need in to: one per page with a frame. */
uint64_t as_frames_held(const struct as *as);

/* Move as into memory to (of the same page size): every page with a frame
 * gets a frame of to with a copy of its bytes, private (no longer
 * copy-on-write) and writable as its permission says; the old frame loses
 * the reference. The observer of to sees each page as VF_MOVE (frame: the
 * new one, from: the old). VM_OK; VM_EFAULT when to has too few free
 * frames, VM_EHOST when the host runs out (then nothing has moved). */
int as_move(struct as *as, struct vm *to);

/* as_move, except for the pages at the addresses away (naway of them,
 * page-aligned, sorted): they leave the address space (their entries keep
 * no frame) and frames[i] gets the frame of away[i], still of the old
 * memory, whose reference is the caller's now (0: that page had none).
 * The pages come back one by one with as_move_in (on-demand migration).
 * to must have free frames for every page, those to come included. VM_OK;
 * VM_EFAULT, VM_EHOST (nothing has moved), VM_EINVAL (away not sorted). */
int as_move_except(struct as *as, struct vm *to, const uint64_t *away, uint64_t naway,
		   uint32_t *frames);

/* The page at addr, left without a frame by as_move_except, gets a frame of
 * as->vm holding a copy of frame (of memory from), whose reference (the
 * caller's) goes; the observer sees VF_MOVE. VM_OK; VM_EFAULT (no free
 * frame: nothing changes, the reference is still the caller's), VM_EHOST,
 * VM_EINVAL (unmapped, or the page has a frame). */
int as_move_in(struct as *as, uint64_t addr, struct vm *from, uint32_t frame);

/* Drop a reference to frame of vm that as_move_except handed over (0: none). */
void vm_frame_drop(struct vm *vm, uint32_t frame);

/* A snapshot of the same bytes in memory to: new frames holding copies;
 * o is freed on success. NULL with *err VM_EFAULT (too few free frames in
 * to) or VM_EHOST; o is then unchanged. */
struct vm_ool *vm_ool_move(struct vm_ool *o, struct vm *to, int *err);

/* Another snapshot of the same frames (one more reference each), or NULL. */
struct vm_ool *vm_ool_dup(const struct vm_ool *o);

/* Drop a snapshot's references. */
void vm_ool_free(struct vm_ool *o);

/* Give every page of the region starting at addr that has no frame a
 * zeroed one now, without a fault (the kernel's own allocation). VM_OK,
 * VM_EINVAL (no region starts there), VM_EFAULT (no free frame: the pages
 * before keep theirs) or VM_EHOST. */
int as_populate(struct as *as, uint64_t addr);

/* Map the region of from that starts at addr into to as well, as a new
 * VM_SHARED region placed as as_map places one: the same frames (one more
 * reference each), the same permissions, never copy-on-write, so a write
 * on either side is seen by the other. Pages without a frame stay without
 * one on both sides (populate first). *to_addr gets its start. VM_OK,
 * VM_EINVAL (no region starts at addr), VM_ENOSPACE or VM_EHOST. */
int as_share(struct as *from, uint64_t addr, struct as *to, uint64_t *to_addr);

/* A new segment of npages pages whose mappings by handle may have at most
 * perm, mapped read-write into as (its maker fills it) as a
 * new VM_SHARED region placed as as_map places one (*addr gets its start),
 * every page given a zeroed frame now. NULL with *err VM_EINVAL (npages or
 * perm 0), VM_ENOSPACE (no room in as), VM_EFAULT (fewer free frames than
 * pages: nothing is taken) or VM_EHOST. */
struct vm_seg *vm_seg_new(struct as *as, uint64_t npages, uint8_t perm, uint32_t id,
			  uint64_t *addr, int *err);

/* Map segment s into as too, as a new VM_SHARED region with permission perm
 * (which s->perm must allow): the same frames, one more reference each.
 * VM_OK; VM_EINVAL (s is dead, its frames are of another memory than as's,
 * or perm asks for more than s allows), VM_ENOSPACE or VM_EHOST. */
int as_seg_map(struct as *as, struct vm_seg *s, uint8_t perm, uint64_t *addr);

/* Free s itself (at the end of a run: no region may map it any more). */
void vm_seg_free(struct vm_seg *s);

/* Pages of as in regions that map a segment. */
uint64_t as_seg_pages(const struct as *as);

/* Would setting perm on [addr, addr + len) give write access to a page of
 * a read-only mapping of a segment? 0 then, else 1. */
int as_seg_protect_ok(const struct as *as, uint64_t addr, uint64_t len, uint8_t perm);

#endif
