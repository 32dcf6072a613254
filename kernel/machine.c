/*
 * machine.c - the kernel loop.
 *
 * One host thread plays the whole machine. The loop alternates two things:
 * give every idle CPU a ready thread (running that thread's body until it
 * posts a system call or needs simulated time), and take the next event off
 * the queue. Time only moves when an event is taken. A thread that needs CPU
 * time (a compute, or the cost of a kernel operation) gets one slice event at
 * the end of its work or of its quantum, whichever is first.
 *
 * Entry points: machine_begin, machine_advance, machine_run, and the helpers
 * the other kernel modules use to move threads around (ready, release,
 * block, attach, exchange, cut, preempt). Setting the machine up, its tables and
 * freeing it are in machine_obj.c.
 */
#include "machine.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crash.h"
#include "deadlock.h"
#include "ipc.h"
#include "ktimer.h"
#include "migrate.h"
#include "msg.h"
#include "net.h"
#include "procrun.h"
#include "proc.h"
#include "syscall.h"
#include "thread.h"
#include "thread_state.h"
#include "vmsys.h"

struct sched *machine_sched(struct machine *m, const struct thread *t)
{
	return m->net && t->p->node ? net_sched(m, t->p->node) : &m->sched;
}

/* The scheduler that gives CPU c its threads. */
static struct sched *cpu_sched(struct machine *m, const struct cpu *c)
{
	return m->net && c->node ? net_sched(m, c->node) : &m->sched;
}

/*
 * Direct hand-off. A system call that wakes a thread and then blocks its
 * caller (a call that finds its server waiting in recv, a server's reply
 * and receive) would put the woken thread on the ready queue only for the
 * loop to take it off again for the CPU the caller leaves. Where the
 * policy would surely choose it there -- a plain list (fifo, rr) with
 * nobody else ready, one scheduler, every CPU busy so that the caller's is
 * the one to become idle, and the call made as the loop dispatched its
 * caller (may_handoff), not among the other events of an instant -- the
 * woken thread is held aside instead (m->handoff): READY, its state change
 * traced, but not queued. If the caller leaves its CPU in that same call,
 * the loop dispatches the held thread there directly (handoff); anything
 * else puts it on the queue first, where it would have been
 * (machine_handoff_flush): another thread becoming ready, the caller going
 * on running, the thread taken out, the run stopping. The order, the trace
 * and the statistics are the same (tests/test_handoff.c).
 */
static int handoff_ok(const struct machine *m, const struct sched *s, const struct thread *t)
{
	return m->may_handoff && m->idle_cpus == 0 && s->nready == 0 &&
	       m->in_effect && m->in_effect->cpu && t->kind == THREAD_KERNEL;
}

void machine_handoff_flush(struct machine *m)
{
	struct thread *u = m->handoff;

	if (u) {
		m->handoff = NULL;
		m->sched.ops->enqueue(&m->sched, u);
	}
}

void machine_ready(struct machine *m, struct thread *t, enum treason why)
{
	struct sched *s;

	machine_handoff_flush(m);
	thread_state_change(t, T_READY, why);
	s = machine_sched(m, t);
	if (handoff_ok(m, s, t)) {
		m->handoff = t;
		m->handoff_cpu = m->in_effect->cpu;
		return;
	}
	s->ops->enqueue(s, t);
	if (s->ops->preempts || s->ops->victim)
		m->resched = 1;
}

/* machine_release_cpu, inline in thread_block: every message blocks a
 * thread. */
static inline __attribute__((always_inline)) void release_cpu(struct machine *m, struct thread *t)
{
	struct cpu *c = t->cpu;
	struct sched *s = machine_sched(m, t);
	uint64_t ran = m->now - t->run_since;

	t->cpu_ns += ran;
	c->busy_ns += ran;
	c->cur = NULL;
	t->cpu = NULL;
	t->gen++;
	m->idle_cpus++;
	if (s->ops->ran)
		s->ops->ran(s, t, ran + t->run_carry);
	t->run_carry = 0;
	if (t->ucur)
		t->ucur->cpu_ns += m->now - (t->attach_since > t->run_since ? t->attach_since : t->run_since);
}

void machine_release_cpu(struct machine *m, struct thread *t)
{
	release_cpu(m, t);
}

void thread_block(struct thread *t, enum treason why, uint64_t timeout)
{
	struct machine *m = t->m;

	assert(t->state == T_RUNNING && "thread_block: not running");
	release_cpu(m, t);
	t->timed = timeout != UINT64_MAX;
	thread_state_change(t, T_BLOCKED, why);
	if (why == R_IO && machine_sched(m, t)->ops->io_start)
		machine_sched(m, t)->ops->io_start(machine_sched(m, t), t);
	if (t->timed)
		machine_timer(m, t, timeout > UINT64_MAX - m->now ? UINT64_MAX : m->now + timeout);
}

void machine_attach(struct machine *m, struct thread *lwp, struct thread *u)
{
	struct thread *old = lwp->ucur;

	if (old) {
		if (lwp->state == T_RUNNING)
			old->cpu_ns += m->now - (lwp->attach_since > lwp->run_since ? lwp->attach_since
										  : lwp->run_since);
		old->on = NULL;
		deadlock_touch(old);
		lwp->uprev = old;
	}
	lwp->ucur = u;
	lwp->attach_since = m->now;
	if (u) {
		u->on = lwp;
		u->user_switches++;
		if (u->first_run == UINT64_MAX)
			u->first_run = m->now;
		TRACE(m, TR_USWITCH, lwp->tid, lwp->uprev ? lwp->uprev->tid : 0, u->tid);
		thread_set_state(u, lwp->state, lwp->state == T_RUNNING ? R_DISPATCHED : lwp->why);
	}
}

void machine_unpark(struct machine *m, struct thread *lwp)
{
	(void)m;
	if (lwp->state == T_BLOCKED && lwp->why == R_IDLE)
		thread_wake(lwp, 0, 0);
}

static void run(struct machine *m, struct cpu *c, struct thread *t);

/* The running thread t has used its quantum: back to the ready queue,
 * unless nobody is waiting, when it just gets a fresh quantum (a thread
 * alone is re-dispatched at no cost). */
static void preempt(struct machine *m, struct thread *t)
{
	struct sched *s = machine_sched(m, t);
	uint64_t slice;

	if (s->nready == 0 && !s->ops->ran) {
		slice = s->ops->slice(s, t);
		t->cpu->slice_end = slice > UINT64_MAX - m->now ? UINT64_MAX : m->now + slice;
		run(m, t->cpu, t);
		return;
	}
	machine_release_cpu(m, t);
	machine_ready(m, t, R_PREEMPTED);
}

/*
 * Run t on c at the current time: work off its CPU work, perform its pending
 * system call, resume its body; repeat until it needs simulated time (a
 * slice event is posted), leaves the CPU, or the event budget runs out.
 */
static void run(struct machine *m, struct cpu *c, struct thread *t)
{
	while (t->state == T_RUNNING) {
		c = t->cpu;               /* an LRPC may have moved it to another CPU */
		if (t->work_ns > 0) {
			uint64_t end = t->work_ns > UINT64_MAX - m->now ? UINT64_MAX
									: m->now + t->work_ns;
			if (end > c->slice_end)
				end = c->slice_end;
			if (end <= m->now) {
				preempt(m, t);
				return;
			}
			t->work_start = m->now;
			if (evq_push(&m->evq, end, EV_SLICE, t->gen, t) != 0)
				m->oom = 1;
			return;
		}
		if (t->effect_pending) {
			t->effect_pending = 0;
			m->in_effect = t;
			syscall_effect(t);
			m->in_effect = NULL;
			if (t->state == T_RUNNING)
				machine_handoff_flush(m);   /* the caller goes on: no hand-off */
			continue;
		}
		/* Memory ran out (the host's, or the frames' cap) in the last
		 * effect: the body is not resumed, the run stops here. */
		if (m->oom)
			return;
		if (m->stop || m->events >= m->cfg.max_events) {
			m->outcome = m->stop ? OUT_INTERRUPTED : OUT_LIMIT;
			return;
		}
		m->events++;
		if (t->rx_sent_ns != UINT64_MAX) {
			/* A message's latency sample: in place while there is room. */
			if (m->nlat < m->lat_cap)
				m->lat[m->nlat++] = m->now - t->rx_sent_ns;
			else
				machine_latency(m, m->now - t->rx_sent_ns);
			t->rx_sent_ns = UINT64_MAX;
		}
		m->cur = t;
		t->sc.op = SYS_NONE;
		t->body->resume(t);
		m->cur = NULL;
		t->sc.issued = m->now;
		t->work_ns += syscall_cost(t);
		t->effect_pending = 1;
	}
}

static void dispatch(struct machine *m, struct cpu *c, struct thread *t)
{
	const struct costs *k = machine_costs_for(m, t->p);
	struct sched *s = machine_sched(m, t);
	uint64_t slice = s->ops->slice(s, t), sw = 0;
	struct proc *dom = thread_domain(t);

	/* The address space changes when the domain the thread runs in (its
	 * process's, or a server's during an LRPC) is not the one the CPU has
	 * loaded. Without LRPC that is exactly "the last thread was of
	 * another process". */
	if (c->last && c->last != t) {
		sw = k->kernel_switch_ns + (c->dom != dom ? k->as_switch_ns : 0);
		t->switches++;
		c->switches++;
	} else if (c->last && c->dom != dom) {
		sw = k->as_switch_ns;
	}
	c->dom = dom;
	if (t->last_cpu != UINT32_MAX && t->last_cpu != c->id) {
		sw += k->migrate_ns;
		t->migrations++;
	}
	t->last_cpu = c->id;
	t->work_ns += sw;
	c->last = t;
	c->cur = t;
	t->cpu = c;
	m->idle_cpus--;
	if (t->ucur && sw)
		t->ucur->switches++;

	if (t->first_run == UINT64_MAX)
		t->first_run = m->now;
	t->run_since = m->now;
	/* The quantum starts after the switch (and a migration's cache refill),
	 * so a thread always gets its quantum's worth of work, however dear
	 * switching is. */
	c->slice_end = slice == UINT64_MAX || slice > UINT64_MAX - m->now - sw ? UINT64_MAX
									       : m->now + sw + slice;
	if (m->nsinks && !t->wport) {
		/* The dispatch and the running it makes: one record. */
		TRACE(m, TR_DISPATCH_RUNNING, c->id, t->tid);
		thread_state_change_as(t, T_RUNNING, R_DISPATCHED, 0);
	} else {
		TRACE(m, TR_DISPATCH, c->id, t->tid);
		thread_state_change(t, T_RUNNING, R_DISPATCHED);
	}
	run(m, c, t);
}

void machine_exchange(struct machine *m, struct thread *t, struct cpu *to)
{
	struct cpu *from = t->cpu;
	uint64_t ran = m->now - t->run_since;

	/* The run goes on, on another CPU: its time so far counts for the CPU
	 * it leaves; the policy hears of the whole run when it ends. */
	t->cpu_ns += ran;
	from->busy_ns += ran;
	t->run_carry += ran;
	t->run_since = m->now;
	from->cur = NULL;
	to->cur = t;
	to->last = t;
	to->slice_end = from->slice_end;
	t->cpu = to;
	t->last_cpu = to->id;
	TRACE(m, TR_DISPATCH, to->id, t->tid);
}

void machine_cut(struct machine *m, struct thread *t)
{
	if (t->state == T_RUNNING && t != m->in_effect) {
		/* In the middle of a slice: end it now. */
		t->gen++;
		t->work_ns = 0;
		t->work_start = m->now;
		if (evq_push(&m->evq, m->now, EV_SLICE, t->gen, t) != 0)
			m->oom = 1;
		return;
	}
	t->work_ns = 0;
}

/* Take the CPU from running thread r at once: the work it has done since
 * its slice began is deducted, its slice event cancelled. */
static void preempt_now(struct machine *m, struct thread *r)
{
	r->work_ns -= m->now - r->work_start;
	machine_release_cpu(m, r);
	machine_ready(m, r, R_PREEMPTED);
}

void machine_preempt(struct machine *m, struct thread *t)
{
	preempt_now(m, t);
}

/* Preemptive policies: if a ready thread should displace a running one,
 * preempt the running thread the policy ranks lowest. Called only from the
 * loop, where every running thread is in the middle of a slice. Scheduler
 * s gives their threads to the CPUs from lo to hi - 1 (a node's). */
static void preempt_check_one(struct machine *m, struct sched *s, uint32_t lo, uint32_t hi)
{
	const struct sched_ops *ops = s->ops;

	if (ops->victim) {
		struct thread *r = ops->victim(s);
		if (r)
			preempt_now(m, r);
		return;
	}
	if (!ops->preempts)
		return;
	/* For each CPU, would the best thread it may run displace its
	 * thread? Preempt the lowest-ranked such thread. */
	struct thread *victim = NULL;
	for (uint32_t i = lo; i < hi; i++) {
		struct thread *r = m->cpus[i].cur, *t;
		if (!r || !(t = sched_rq_best(s, &m->cpus[i])))
			continue;
		if (ops->preempts(s, t, r) && (!victim || ops->preempts(s, victim, r)))
			victim = r;
	}
	if (victim)
		preempt_now(m, victim);
}

static void preempt_check(struct machine *m)
{
	if (!m->net) {
		preempt_check_one(m, &m->sched, 0, m->cfg.cpus);
		return;
	}
	for (uint32_t k = 0; k < m->net->nnodes; k++) {
		const struct node *nd = &m->net->nodes[k];
		preempt_check_one(m, k ? net_sched(m, k) : &m->sched, nd->cpu0, nd->cpu0 + nd->ncpus);
	}
}

/* Threads ready on any node. */
static uint64_t nready(struct machine *m)
{
	uint64_t n = m->sched.nready;

	for (uint32_t k = 1; m->net && k < m->net->nnodes; k++)
		n += net_sched(m, k)->nready;
	return n;
}

/* A thread held for a direct hand-off (see handoff_ok) goes to the CPU its
 * waker left, *c, when that is what the policy's pick would do: the one
 * idle CPU, and the thread may run there. Else onto the ready queue, and
 * NULL. */
static struct thread *handoff(struct machine *m, struct cpu **c)
{
	struct thread *u = m->handoff;

	*c = m->handoff_cpu;
	if (!m->resched && m->outcome == OUT_RUNNING && m->idle_cpus == 1 && !(*c)->cur &&
	    thread_may_run(u, *c)) {
		m->handoff = NULL;
		m->handoffs++;
		return u;
	}
	machine_handoff_flush(m);
	return NULL;
}

/* Give every idle CPU (lowest id first) a ready thread, after letting a
 * preemptive policy take CPUs back. */
static void dispatch_idle(struct machine *m)
{
	m->may_handoff = m->can_handoff;
	for (;;) {
		struct thread *t = NULL;
		struct cpu *c = NULL;

		if (m->handoff)
			t = handoff(m, &c);
		if (!t) {
			if (m->resched) {
				m->resched = 0;
				preempt_check(m);
			}
			if (!m->idle_cpus || !nready(m) || m->outcome != OUT_RUNNING)
				break;
			/* Idle CPUs, lowest first; one that gets nothing (affinity) is skipped. */
			for (uint32_t i = 0; i < m->cfg.cpus && !t; i++) {
				c = &m->cpus[i];
				if (!c->cur)
					t = cpu_sched(m, c)->ops->pick(cpu_sched(m, c), c);
			}
			if (!t)
				break;
		}
		dispatch(m, c, t);
	}
	m->may_handoff = 0;
}

static void on_slice(struct machine *m, struct thread *t)
{
	t->work_ns -= m->now - t->work_start;
	if (t->work_ns > 0)
		preempt(m, t);
	else
		run(m, t->cpu, t);
}

static void on_timer(struct machine *m, struct thread *t)
{
	(void)m;
	if (t->state != T_BLOCKED)
		return;
	if (t->why == R_SLEEP || t->why == R_IO)
		thread_wake(t, 0, 0);
	else
		ipc_timeout(t);
}

static void handle(struct machine *m, const struct event *e)
{
	switch (e->kind) {
	case EV_SLICE: {
		struct thread *t = e->obj;
		if (e->gen == t->gen && t->state == T_RUNNING)
			on_slice(m, t);
		break;
	}
	case EV_TIMER: {
		struct thread *t = e->obj;
		if (e->gen == t->tgen)
			on_timer(m, t);
		break;
	}
	case EV_START: {
		struct proc *p = e->obj;
		/* A process started by other means meanwhile (a restart) is left be. */
		if (p->state == P_NEW && proc_start(p) != 0)
			m->oom = 1;
		break;
	case EV_DELIVER:
		ipc_arrive(m, e->obj);
		break;
	case EV_CRASH:
		crash_fire(m, e->gen);
		break;
	}
	case EV_NOTICE:
		ktimer_fire(e->obj);
		break;
	case EV_PACKET:
		net_packet_event(m, e->obj, e->gen);
		break;
	case EV_MIGRATE:
		migrate_event(m, e->obj);
		break;
	}
}

/*
 * Handle every event of the next instant before any dispatch, so that, say,
 * jobs arriving together are ranked together. Slice ends come first: a
 * thread whose slice ended at t is back in the ready queue before whatever
 * arrives at t (the textbook order); then the policy's instant hook (mlfq's
 * boost); then arrivals, in declaration order; then timers (sleeps, I/O
 * completions, timeouts) in their threads' declaration order, the textbook
 * tie-break, whatever order they were set in; then messages an injected
 * fault delayed, then injected crashes, then timer notices to ports, each
 * in the order they were posted.
 */
static int instant_order(const void *a, const void *b)
{
	const struct event *x = a, *y = b;

	if (x->kind != y->kind)
		return x->kind == EV_START ? -1 : y->kind == EV_START ? 1 : (int)x->kind - (int)y->kind;
	if (x->kind == EV_TIMER && x->obj != y->obj)
		return sched_before(x->obj, y->obj) ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Events taken off the queue but not handled, because the run stopped:
 * a message held in flight belongs to its event. */
static void unhandled(const struct event *ev, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (ev[i].kind == EV_DELIVER)
			msg_free(ev[i].obj);
		else if (ev[i].kind == EV_PACKET)
			net_packet_drop(ev[i].obj, ev[i].gen);
}

static void handle_instant(struct machine *m)
{
	const struct event *next;
	struct event e;
	size_t n = 0, cap = 0, i;
	struct event *batch = NULL;

	m->now = evq_peek(&m->evq)->time;
	while ((next = evq_peek(&m->evq)) && next->time == m->now) {
		if (m->stop || m->events >= m->cfg.max_events) {
			m->outcome = m->stop ? OUT_INTERRUPTED : OUT_LIMIT;
			break;
		}
		m->events++;
		evq_pop(&m->evq, &e);
		if (e.kind == EV_SLICE) {
			handle(m, &e);
			continue;
		}
		if (n == cap) {
			struct event *b = realloc(batch, (cap = cap ? cap * 2 : 16) * sizeof *b);
			if (!b) {
				m->oom = 1;
				unhandled(&e, 1);
				break;
			}
			batch = b;
		}
		batch[n++] = e;
	}
	if (m->sched.ops->instant)
		m->sched.ops->instant(&m->sched, m->now);
	for (uint32_t k = 1; m->net && k < m->net->nnodes; k++)
		if (net_sched(m, k)->ops->instant)
			net_sched(m, k)->ops->instant(net_sched(m, k), m->now);
	if (n > 1)
		qsort(batch, n, sizeof *batch, instant_order);
	for (i = 0; i < n && m->outcome == OUT_RUNNING && !m->oom; i++)
		handle(m, &batch[i]);
	if (i < n)      /* batch is NULL when the instant held no event: no NULL + 0 */
		unhandled(batch + i, n - i);
	free(batch);
}

/* Close the books at the end of the run: running threads stop being charged. */
static void settle(struct machine *m)
{
	for (uint32_t i = 0; i < m->cfg.cpus; i++) {
		struct thread *t = m->cpus[i].cur;
		if (t) {
			uint64_t ran = m->now - t->run_since;
			t->cpu_ns += ran;
			m->cpus[i].busy_ns += ran;
			t->run_since = m->now;
		}
	}
	for (uint32_t i = 0; i < m->nthreads; i++) {
		struct thread *t = m->threads[i];
		if (t->state == T_READY) {
			t->wait_ns += m->now - t->ready_since;
			t->ready_since = m->now;
		}
		if (t->ucur && t->state == T_RUNNING) {
			t->ucur->cpu_ns += m->now - (t->attach_since > t->run_since ? t->attach_since
										     : t->run_since);
			t->attach_since = m->now;
		}
	}
}

void machine_begin(struct machine *m)
{
	m->outcome = OUT_RUNNING;
	/* One scheduler (no nodes) with a plain list: see handoff_ok. */
	m->can_handoff = !m->net && sched_plain(m->sched.ops) && !m->no_handoff;
	if (m->procrun)
		return;
	/* A declared process keeps the run going from the start, even before it starts. */
	for (uint32_t i = 0; i < m->nprocs; i++)
		if (m->procs[i]->state == P_NEW && !m->procs[i]->daemon)
			m->live_nondaemon++;
}

enum outcome machine_advance(struct machine *m, uint64_t until, uint64_t max_instants)
{
	uint64_t instants = 0;

	if (m->outcome != OUT_RUNNING)
		return m->outcome;
	if (m->procrun) {
		/* The chapter 4 model has its own loop: it runs whole. */
		procrun_run(m);
		if (m->outcome == OUT_RUNNING)
			m->outcome = m->oom ? OUT_LIMIT : OUT_COMPLETED;
		return m->outcome;
	}
	while (m->outcome == OUT_RUNNING && !m->oom) {
		const struct event *next;

		dispatch_idle(m);
		/* Frames freed on the way (a message with out-of-line data lost
		 * or dropped) are told before time moves on. */
		vmsys_frames(m);
		if (m->outcome != OUT_RUNNING || m->oom)
			break;
		if (m->live_nondaemon == 0) {
			m->outcome = OUT_COMPLETED;
			break;
		}
		next = evq_peek(&m->evq);
		if (!next) {
			deadlock_find(m);
			m->outcome = OUT_DEADLOCK;
			break;
		}
		/* Time is about to move while no thread that keeps the run alive can
		 * run: a daemon may tick forever, so look for a cycle now. */
		if (m->dl_dirty && m->nd_active == 0 && next->time > m->now) {
			if (deadlock_check(m)) {
				m->outcome = OUT_DEADLOCK;
				break;
			}
		}
		/* UINT64_MAX is the end of virtual time (where a sum of durations
		 * too long saturates): nothing there can take any time. */
		if (next->time > m->cfg.until_ns || next->time == UINT64_MAX) {
			m->now = m->cfg.until_ns;
			m->outcome = OUT_LIMIT;
			break;
		}
		/* A pause changes nothing: resuming takes the same path on. */
		if (next->time > until || instants++ == max_instants)
			return OUT_RUNNING;
		handle_instant(m);
	}
	if (m->oom && m->outcome == OUT_RUNNING)
		m->outcome = OUT_LIMIT;
	settle(m);
	return m->outcome;
}

enum outcome machine_run(struct machine *m)
{
	machine_begin(m);
	return machine_advance(m, UINT64_MAX, UINT64_MAX);
}
