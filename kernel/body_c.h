/*
 * body_c.h - thread bodies written in C (servers, built-in programs), each
 * on its own pooled stack. The body calls the userland API (userland/uk.h),
 * which posts a system call and switches back to the kernel loop.
 */
#ifndef UKERN_BODY_C_H
#define UKERN_BODY_C_H

struct machine;
struct thread;

/* A C body: runs fn(self, arg); returning ends the thread. */
typedef void (*body_c_fn)(struct thread *self, void *arg);

extern const struct body_ops body_c_ops;

/* Body data for fn(arg) with a stack from m's pool. Returns NULL when no
 * stack can be had. arg stays the caller's. */
void *body_c_new(struct machine *m, body_c_fn fn, void *arg);

/* From inside a C body: the system call in self->sc is ready; give control
 * to the kernel loop. Returns when the kernel resumes the body. */
void body_c_trap(struct thread *self);

#endif
