/*
 * thread_state.h - a thread's change of state (thread_set_state, thread.h)
 * inline, for the kernel loop's hot paths: dispatching, making ready and
 * blocking, six times per message round trip, with the new state (and
 * often the reason) a constant at the call, so that most of the checks
 * fold away. Everything else calls thread_set_state. Also inline here:
 * whether a thread may run on a CPU, which the direct hand-off asks.
 */
#ifndef UKERN_THREAD_STATE_H
#define UKERN_THREAD_STATE_H

#include "machine.h"
#include "port.h"
#include "proc.h"
#include "thread.h"

static inline int thread_active(enum tstate s)
{
	return s == T_READY || s == T_RUNNING;
}

/* sched_allowed (sched.h), inline for the direct hand-off (machine.c),
 * which asks it twice per message round trip. */
static inline int thread_may_run(const struct thread *t, const struct cpu *c)
{
	uint64_t a = t->p->affinity;

	if (t->p->mig_stopped && !t->dom) /* moving to another node (migrate.c); a call
					   * in a server's domain goes on until it returns */
		return 0;
	return !a || !c || (c->id < 64 && ((a >> c->id) & 1));
}

/* What a state change does beyond the thread's own books and its trace
 * record, when there is any: the deadlock detector's list, the user thread
 * an LWP carries, its runtime's hook. */
void thread_state_told(struct thread *t, enum tstate old);

/* thread_set_state; with record 0 the change has no trace record of its
 * own, because the record just written holds it (a folded record: trace.h).
 * So with m->told, for t made ready. */
static inline __attribute__((always_inline)) void thread_state_change_as(struct thread *t,
								  enum tstate s,
								  enum treason why,
								  int record)
{
	struct machine *m = t->m;
	enum tstate old = t->state;

	if (old == T_READY)
		t->wait_ns += m->now - t->ready_since;
	if (s == T_READY)
		t->ready_since = m->now;
	/* A user thread runs only on an LWP, which counts for it. */
	if (!t->p->daemon && t->kind != THREAD_USER && thread_active(s) != thread_active(old))
		m->nd_active += thread_active(s) ? 1 : -1;
	if (s == T_BLOCKED && (why == R_REPLY || why == R_SEND || why == R_JOIN || why == R_LOCK ||
			       why == R_IDLE || why == R_CHILD || why == R_ASTACK)) {
		m->dl_dirty++;
	}
	t->state = s;
	t->why = why;
	if (m->nsinks) {
		/* The record just written may hold this change (a folded record,
		 * trace.h): a dispatch's (record 0), or that of a delivery that
		 * wakes t (ipc.c). */
		if (s == T_READY && m->told == t)
			m->told = NULL;
		else if (record)
			TRACE(m, TR_THREAD_STATE, t->tid, s, why, t->wport ? t->wport->id : 0);
	}
	/* The rest, out of line (thread.c): this common path then saves no
	 * registers. */
	if (t->kind != THREAD_KERNEL ||   /* an LWP carries a user thread; a user
					   * thread's class changes when it is ready */
	    (!t->dl_queued &&
	     (s == T_BLOCKED || old == T_BLOCKED || s == T_EXITED || old == T_STATE_COUNT)))
		thread_state_told(t, old);
}

static inline __attribute__((always_inline)) void thread_state_change(struct thread *t, enum tstate s,
							       enum treason why)
{
	thread_state_change_as(t, s, why, 1);
}

#endif
