/*
 * thread.c - kernel thread life: creation, state changes, waking and the
 * end of a thread (blocking is machine.c's, beside the CPU it frees). Every
 * state change goes through thread_set_state so the trace sees all of them,
 * with a reason.
 */
#include "thread.h"
#include "thread_state.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deadlock.h"
#include "ipc.h"
#include "lrpc.h"
#include "machine.h"
#include "port.h"
#include "proc.h"
#include "trace_format.h"

/* A folded trace record stands for a change of state with these values
 * (trace_format.h; trace_unfold, trace.c). */
static_assert(T_READY == TRACE_STATE_READY && T_RUNNING == TRACE_STATE_RUNNING,
	      "thread states as the trace format has them");
static_assert(R_WOKEN == TRACE_REASON_WOKEN && R_DISPATCHED == TRACE_REASON_DISPATCHED,
	      "reasons as the trace format has them");

static const char *const state_names[T_STATE_COUNT] = {
	"ready", "running", "blocked", "exited",
};

static const char *const reason_names[R_REASON_COUNT] = {
	"new", "woken", "preempted", "yielded", "dispatched",
	"send", "recv", "reply", "sleep", "join",
	"exit", "killed", "fault",
	"lock", "idle", "io", "crash",
	"child", "astack",
};

const char *thread_state_name(enum tstate s)
{
	return s < T_STATE_COUNT ? state_names[s] : "?";
}

const char *thread_reason_name(enum treason r)
{
	return r < R_REASON_COUNT ? reason_names[r] : "?";
}

/* Name t: given, or after its process ("<process>.<k>" for the k-th extra
 * thread), truncated to the limit. */
static void thread_name(struct thread *t, const struct proc *p, const char *name)
{
	char buf[UK_NAME_MAX + 16];

	if (!name && t->kind == THREAD_LWP)
		snprintf(buf, sizeof buf, "%s/lwp%u", p->name, p->nlwps_made);
	else if (name)
		snprintf(buf, sizeof buf, "%.*s", UK_NAME_MAX - 1, name);
	else if (p->nthreads == 0)
		snprintf(buf, sizeof buf, "%s", p->name);
	else
		snprintf(buf, sizeof buf, "%s.%u", p->name, p->nthreads);
	buf[UK_NAME_MAX - 1] = '\0';
	memcpy(t->name, buf, UK_NAME_MAX);
}

struct thread *thread_new(struct proc *p, const char *name, const struct body_ops *body,
			  void *body_data, enum tkind kind)
{
	struct machine *m = p->m;
	struct thread *t = calloc(1, sizeof *t);

	if (!t) {
		struct thread tmp = { .body_data = body_data, .m = m };
		body->destroy(&tmp);
		return NULL;
	}
	t->p = p;
	t->m = m;
	t->kind = kind;
	t->body = body;
	t->body_data = body_data;
	thread_name(t, p, name);
	if (machine_add_thread(m, t) != 0) {
		body->destroy(t);
		free(t);
		return NULL;
	}
	t->state = T_STATE_COUNT;   /* not yet anything: machine_ready makes it ready */
	t->arrival = m->now;
	t->first_run = UINT64_MAX;
	t->rx_sent_ns = UINT64_MAX;
	t->last_cpu = UINT32_MAX;
	t->home = UINT32_MAX;
	t->priority = p->priority;
	t->pnext = p->threads;
	p->threads = t;
	if (kind == THREAD_LWP) {
		p->nlwps_made++;
	} else {
		p->nthreads++;
		p->live++;
	}
	TRACE_STR(m, TR_THREAD_NEW, t->name, strlen(t->name), t->tid, p->pid);
	if (kind != THREAD_KERNEL)
		TRACE(m, TR_THREAD_KIND, t->tid, kind);
	if (kind == THREAD_USER)
		thread_set_state(t, T_READY, R_NEW);
	else
		machine_ready(m, t, R_NEW);
	return t;
}

/* thread_state.h */
void thread_state_told(struct thread *t, enum tstate old)
{
	enum tstate s = t->state;
	enum treason why = t->why;

	if (!t->dl_queued &&
	    (s == T_BLOCKED || old == T_BLOCKED || s == T_EXITED || old == T_STATE_COUNT ||
	     t->kind == THREAD_USER))   /* ready: class 0 (deadlock.c) */
		deadlock_touch(t);
	/* The user thread an LWP carries is running, ready or blocked with it. */
	if (t->ucur && s != T_EXITED)
		thread_set_state(t->ucur, s, why);
	if (t->kind == THREAD_LWP && t->p->rt_ops && old != s)
		t->p->rt_ops->lwp_state(t, (int)old);
}

void thread_set_state(struct thread *t, enum tstate s, enum treason why)
{
	thread_state_change(t, s, why);
}

void thread_wake(struct thread *t, int err, uint64_t extra_ns)
{
	assert(t->state == T_BLOCKED && "thread_wake: not blocked");
	t->tgen++;
	t->timed = 0;
	t->sc.err = (int16_t)err;
	t->work_ns += extra_ns;
	t->wport = NULL;
	machine_ready(t->m, t, R_WOKEN);
}

/* Take t out of whatever it is doing: CPU, ready queue or a wait. */
static void detach(struct thread *t)
{
	struct machine *m = t->m;

	if (t->kind == THREAD_USER) {
		/* The runtime's queues and states; the kernel has nothing to undo. */
		if (t->inq)
			tq_remove(t);
		if (t->on)
			t->on->ucur = NULL;
		t->on = NULL;
		deadlock_touch(t);
		return;
	}
	switch (t->state) {
	case T_RUNNING:
		machine_release_cpu(m, t);
		break;
	case T_READY:
		machine_handoff_flush(m);
		sched_remove(machine_sched(m, t), t);
		break;
	case T_BLOCKED:
		ipc_cancel(t);
		break;
	case T_EXITED:
	case T_STATE_COUNT:
		break;
	}
	t->gen++;
	t->tgen++;
}

void thread_exit(struct thread *t, enum treason why)
{
	struct machine *m = t->m;
	struct proc *p = t->p;

	if (t->state == T_EXITED)
		return;
	detach(t);
	t->wport = NULL;
	if (t->lrpc)
		lrpc_thread_exit(t);
	thread_set_state(t, T_EXITED, why);
	t->finish = m->now;
	t->body->destroy(t);
	t->body_data = NULL;
	if (t->reply_port) {
		port_kill(t->reply_port);
		t->reply_port->reply_of = NULL;
	}
	if (t->joined_by) {
		struct thread *j = machine_thread(m, t->joined_by);
		if (j && j->state == T_BLOCKED && j->why == R_JOIN) {
			j->sc.val = t->result;
			thread_wake(j, 0, 0);
		}
	}
	/* Its process may no longer be able to act: look for deadlocks afresh. */
	m->dl_dirty++;
	if (t->ucur) {
		t->ucur->on = NULL;
		t->ucur = NULL;
	}
	if (t->kind == THREAD_LWP)
		return;
	if (t == p->main_thread && why == R_EXIT)
		p->exit_code = (int)t->result;
	if (t->service)
		return;   /* it never counted in live */
	p->live--;
	if (p->live == 0 && p->state == P_LIVE)
		proc_exit(p, p->exit_code, 0);
}

void thread_make_service(struct thread *t)
{
	assert(t->kind != THREAD_LWP && t->state != T_EXITED &&
	       "thread_make_service: not a live user thread");
	if (t->service)
		return;
	t->service = 1;
	t->p->live--;
}
