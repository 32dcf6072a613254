/*
 * vmsys_impl.h - what vmsys.c and vmsys_fork.c share.
 */
#ifndef UKERN_VMSYS_IMPL_H
#define UKERN_VMSYS_IMPL_H

#include "vm.h"

struct machine;
struct proc;
struct thread;

/* p's address space, made (with its text and stack regions, traced) at
 * the first use; NULL when the host runs out of memory. */
struct as *vmsys_as(struct proc *p);

/* Trace region g of p as mapped. */
void vmsys_traced_map(struct proc *p, const struct vm_region *g);

/* Trace region g of p as mapped, and each of its pages that has a frame
 * (given by the kernel, not by a fault) as mapping it. */
void vmsys_traced_given(struct proc *p, const struct vm_region *g);

/* Kill t's process for a memory fault described by what (the body's
 * position, when known, goes first): reported like a script error. */
void vmsys_kill(struct thread *t, const char *what);

/* A limit of the run was reached: the run stops there (m->oom, outcome
 * limit, exit status 1), and the first such stop is reported in words in
 * m->frames_report and in a log record of the kernel (tid 0): where in the
 * scenario (t's body's position), limit, t's process and thread (or, with no
 * t, m->vm_doing), and when. Later calls only set m->oom. */
void vmsys_limit_stop(struct machine *m, struct thread *t, const char *limit);

#endif
