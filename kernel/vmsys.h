/*
 * vmsys.h - the kernel side of virtual memory: the memory system calls
 * (mem.alloc, free, protect, read, write), fork and wait, and out-of-line
 * message data, on top of the data structures of vm.h.
 *
 * A process gets its address space at its first use of memory: a text
 * region (read-only) and a stack region, then whatever it allocates or
 * receives. Faults cost what the cost model says (page_fault per fault,
 * page_copy per page copied), charged to the faulting thread after the
 * access; mapping pages into another address space (fork, out-of-line
 * data) costs page_map per page. A segmentation fault, or a fault that
 * finds no free frame, kills the process, reported like a script error.
 * Every fault, copy, mapping and change in the frame counts is traced.
 */
#ifndef UKERN_VMSYS_H
#define UKERN_VMSYS_H

#include <stdint.h>
#include <stdio.h>

struct machine;
struct msg;
struct proc;
struct thread;

/* Set up m's physical memory from its configuration; 0, or -1 for a
 * frame count or page size out of bounds (uk_limits.h). */
int vmsys_init(struct machine *m);

/* The physical memory of node (net.h; 0: "A", the machine's). */
struct vm *vmsys_vm(struct machine *m, uint32_t node);

/* Give node (> 0, the last one added) a memory of its own of frames frames
 * (0: as many as the machine's), numbered after the previous node's. 0, or
 * -1 for a count out of bounds or when the host runs out of memory. */
int vmsys_node_init(struct machine *m, uint32_t node, uint32_t frames);

/* Frames of every node, in use and shared by more than one reference. */
uint32_t vmsys_frames_total(const struct machine *m);
uint32_t vmsys_used_total(const struct machine *m);
uint32_t vmsys_shared_total(const struct machine *m);

/* Every node's memory counted together, as one vm (no frames of its own):
 * the counts summed, the peak of the sum. */
void vmsys_totals(const struct machine *m, struct vm *sum);

/* Free the memories (every address space and snapshot must be gone). */
void vmsys_fini(struct machine *m);

/* Trace the machine's frame counts if they changed since the last time
 * (after each memory operation, and by the kernel loop at the end of each
 * instant's work, for frames freed on the way). */
void vmsys_frames(struct machine *m);

/* System-call effects (syscall.h). */
void vmsys_alloc(struct thread *t);
void vmsys_free(struct thread *t);
void vmsys_protect(struct thread *t);
void vmsys_read(struct thread *t);
void vmsys_write(struct thread *t);
void vmsys_fork(struct thread *t);
void vmsys_wait(struct thread *t);
void vmsys_share(struct thread *t);
void vmsys_map(struct thread *t);
void vmsys_restrict(struct thread *t);

/* Shared segments (vmsys_shm.c). Unmap p's mapping of a segment that
 * starts at addr (traced): 0, or -1 when no such mapping starts there. */
int vmsys_shm_unmap(struct proc *p, uint64_t addr);

/* Unmap every segment p maps (its end: before its other regions go). */
void vmsys_shm_exit(struct proc *p);

/* Does p map a shared segment? (It cannot migrate then.) */
int vmsys_shm_mapped(const struct proc *p);

/* The segment right name of p maps (RIGHT_MAP), or NULL. */
struct vm_seg;
const struct vm_seg *vmsys_seg_of(const struct proc *p, int32_t name);

/* 1 when SYS_MEM_RESTRICT of p's right name would make a port (the
 * segment's read-only port, not made yet), else 0: only then does it count
 * against the ports a run may make. */
int vmsys_restrict_makes_port(const struct proc *p, int32_t name);

/* The statistics of shared segments, when the run made one: format 'j'
 * the JSON member "shm" (a line ending in a comma), 't' the text line. */
void vmsys_shm_stats(FILE *out, const struct machine *m, char format);

/* Free every segment (vmsys_fini does). */
void vmsys_shm_fini(struct machine *m);

/* Process p has ended: its memory is released and a parent waiting for it
 * is woken with its exit code. */
void vmsys_proc_exit(struct proc *p);

/* Pages the out-of-line range of msg spans (what mapping it costs), when
 * t's process can take them; 0 when it cannot (the send fails with "bad
 * address" and maps nothing). */
uint64_t vmsys_ool_span(const struct thread *t, const struct msg *msg);

/* On-demand migration: before a system call of t that takes the pages of
 * [addr, addr + len) of its domain (out-of-line data, a fork), those still
 * on the node the process left are pulled. 1: t now waits for them and the
 * call is done again when they are here (nothing of it done yet); 0: go on. */
int vmsys_pulled(struct thread *t, uint64_t addr, uint64_t len);

/* Sender t's msg asks for out-of-line data: take its pages copy-on-write.
 * Returns UK_OK, UK_EFAULT (not all mapped and readable) or UK_ENOMEM. */
int vmsys_ool_take(struct thread *t, struct msg *msg);

/* msg, with pages taken, has been stamped (its flow is known): trace it. */
void vmsys_ool_sent(struct thread *t, const struct msg *msg);

/* msg is being delivered to thread rt: map its pages into rt's process and
 * set msg->ool_addr to where they are (ool_failed if there is no room). */
void vmsys_ool_give(struct thread *rt, struct msg *msg);

#endif
