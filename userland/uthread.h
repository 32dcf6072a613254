/*
 * uthread.h - the user-level thread runtime of many-to-one and
 * many-to-many processes, with optional scheduler activations.
 *
 * The runtime is the body of the process's LWPs (kernel threads). Each LWP
 * carries one user thread at a time: it resumes that thread's body, handles
 * what needs no kernel (yield, thread creation, join, exit, mutexes,
 * semaphores, conditions) itself, and makes the kernel calls the thread
 * asks for (compute, sleep, send, recv, call ...) as its own. A call that
 * blocks therefore blocks the LWP, and with it every user thread that has
 * no other LWP to run on: in many-to-one, the whole process.
 */
#ifndef UKERN_UTHREAD_H
#define UKERN_UTHREAD_H

struct proc;

extern const struct body_ops uthread_lwp_ops;

/* Set up the runtime of p (p->model, nlwp, activations and uquantum_ns
 * already set): returns the body data of p's first LWP, which will start
 * the main user thread with main_body/main_data (ownership taken), or
 * NULL when memory runs out (main_data is then destroyed). */
void *uthread_runtime_new(struct proc *p, const struct body_ops *main_body, void *main_data);

#endif
