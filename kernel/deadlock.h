/*
 * deadlock.h - explaining why a run stopped with threads still waiting.
 */
#ifndef UKERN_DEADLOCK_H
#define UKERN_DEADLOCK_H

#include <stdint.h>

struct machine;
struct port;
struct proc;
struct thread;

/* One edge of the wait-for graph: what a blocked thread waits for. */
struct dl_edge {
	unsigned why;                 /* the thread's enum treason */
	const struct port *port;      /* the port involved (call, send or receive), or NULL */
	const struct proc *on;        /* the process that must act, or NULL (anyone) */
	const struct thread *on_thread;   /* the very thread (a join, a mutex holder), or NULL */
};

/* What blocked thread t waits for (after a run ended in deadlock, for the
 * stats: the threads stay as they were). */
void deadlock_edge(struct machine *m, struct thread *t, struct dl_edge *e);

/* Called when nothing can run and nothing is pending while non-daemon
 * processes are still alive. Builds the wait-for graph of the blocked
 * threads (a thread waiting for a reply or a queue slot waits for the
 * process that must act), and sets m->deadlock_report to a readable account:
 * the cycle if there is one, else every blocked thread and what it waits
 * for; m->deadlock_tids lists the threads named. Emits a TR_DEADLOCK record. */
void deadlock_find(struct machine *m);

/* Called while events are still pending: is some set of threads blocked
 * for good? A thread blocked in a call, a send or a join, without a
 * timeout, is stuck when the process it waits for can never act again:
 * every thread of that process is itself stuck (threads that run, are
 * ready, sleep, have a timeout or wait to receive may still act). If stuck
 * threads exist, sets the report as deadlock_find does and returns 1;
 * else returns 0 and changes nothing. */
int deadlock_check(struct machine *m);

/* Something that decides whether t waits for good may have changed (its
 * state, a timeout, a message in flight, the LWP carrying it): the next
 * check recounts it. thread_set_state calls it for every change into or
 * out of a blocked state. */
void deadlock_touch(struct thread *t);

#endif
