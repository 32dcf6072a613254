/*
 * syscall.c - the system-call table: for each call, what it costs and what
 * it does. Costs come from the cost model; effects run in the kernel loop
 * after the cost has been worked off on the caller's CPU.
 */
#include "syscall.h"

#include <stdlib.h>
#include <string.h>

#include "crash.h"
#include "ipc.h"
#include "ktimer.h"
#include "ksync.h"
#include "lrpc.h"
#include "machine.h"
#include "migrate.h"
#include "msg.h"
#include "net.h"
#include "port.h"
#include "proc.h"
#include "sched.h"
#include "svcnames.h"
#include "thread.h"
#include "uk_err.h"
#include "vmsys.h"

static uint64_t cost_none(struct thread *t)
{
	(void)t;
	return 0;
}

/* A job's exit under a policy of whole quanta (lottery) waits for its
 * quantum's end: the rest of the quantum is spent, not given to the next
 * winner early. */
static uint64_t cost_exit(struct thread *t)
{
	uint64_t end = t->cpu->slice_end, now = t->m->now;

	if (!t->p->job_ns || !sched_rules(machine_sched(t->m, t))->whole_quanta)
		return 0;
	return end != UINT64_MAX && end > now ? end - now : 0;
}

static uint64_t cost_trap(struct thread *t)
{
	return machine_costs_for(t->m, t->p)->trap_ns;
}

static uint64_t cost_compute(struct thread *t)
{
	return t->sc.arg;
}

/* The stubs marshalling the message, the trap, per-message kernel work,
 * copying the message into the kernel, and taking its out-of-line pages
 * copy-on-write. */
static uint64_t cost_msg(struct thread *t)
{
	const struct costs *c = machine_costs_for(t->m, t->p);
	const struct msg *m = t->sc.m;
	uint64_t swaps;

	if (!m)
		return c->trap_ns + c->msg_ns;
	swaps = t->p->big_endian ? 0 : m->nnums;
	return c->marshal_arg_ns * m->nvalues + c->byteswap_ns * swaps +
	       cost_copy(c->copy_stub_ps, m->size) + c->trap_ns + c->msg_ns +
	       cost_copy(c->copy_kernel_ps, m->size) +
	       (m->ool_len ? c->page_map_ns * vmsys_ool_span(t, m) : 0);
}

static void sys_nothing(struct thread *t)
{
	t->sc.err = UK_OK;
}

static void sys_getpid(struct thread *t)
{
	t->sc.err = UK_OK;
	t->sc.val = t->p->pid;
}

static void sys_sleep(struct thread *t)
{
	thread_block(t, R_SLEEP, t->sc.arg);
}

static void sys_io(struct thread *t)
{
	thread_block(t, R_IO, t->sc.arg);
}

static void sys_notify(struct thread *t)
{
	struct right *r = proc_right(t->p, t->sc.name);
	struct right *to = proc_right(t->p, (int32_t)t->sc.arg);

	if (!r || !(r->kinds & (RIGHT_SEND | RIGHT_RECV | RIGHT_MAP)) || !to ||
	    !(to->kinds & RIGHT_RECV)) {
		t->sc.err = UK_ENORIGHT;
		return;
	}
	if (r->pt->dead) {
		/* Already dead: the notice is due at once. */
		t->sc.err = ipc_dead_notice(to->pt, t->sc.name) ? UK_ENOMEM : UK_OK;
		return;
	}
	t->sc.err = port_notify_dead(r->pt, to->pt, t->sc.name) ? UK_ENOMEM : UK_OK;
}

static void sys_timer(struct thread *t)
{
	ktimer_set(t);
}

static void sys_watch(struct thread *t)
{
	struct right *to = proc_right(t->p, t->sc.name);
	struct proc *p;

	if (!to || !(to->kinds & RIGHT_RECV)) {
		t->sc.err = UK_ENORIGHT;
		return;
	}
	if (t->sc.arg == 0 || t->sc.arg > t->m->nprocs) {
		t->sc.err = UK_EINVAL;
		return;
	}
	p = t->m->procs[t->sc.arg - 1];
	if (p->state == P_EXITED) {
		/* Already gone: the notice is due at once. */
		t->sc.err = ipc_exit_notice(to->pt, p->pid) ? UK_ENOMEM : UK_OK;
		return;
	}
	t->sc.err = proc_watch_exit(p, to->pt) ? UK_ENOMEM : UK_OK;
}

static void sys_yield(struct thread *t)
{
	machine_release_cpu(t->m, t);
	machine_ready(t->m, t, R_YIELDED);
}

static void sys_exit(struct thread *t)
{
	t->result = (int64_t)t->sc.arg;
	thread_exit(t, R_EXIT);
}

static void sys_pexit(struct thread *t)
{
	proc_exit(t->p, (int)(int64_t)t->sc.arg, 0);
}

static void sys_fault(struct thread *t)
{
	struct machine *m = t->m;
	char *text = t->sc.ptr;
	size_t len = text ? strlen(text) : 0;

	t->sc.ptr = NULL;
	m->script_errors++;
	TRACE_STR(m, TR_FAULT, text, len, thread_actor(t)->tid, t->p->pid);
	if (m->fault_hook)
		m->fault_hook(m, thread_actor(t), text ? text : "error");
	free(text);
	proc_exit(t->p, 1, 1);
}

static void sys_port(struct thread *t)
{
	struct machine *m = t->m;
	uint32_t qlimit = t->sc.arg == UINT64_MAX ? m->cfg.qlimit : (uint32_t)t->sc.arg;
	struct port *pt = port_new(m, t->p, qlimit);
	int32_t name = pt ? proc_add_new_port(t->p, pt, RIGHT_RECV | RIGHT_SEND) : 0;

	t->sc.err = name ? UK_OK : UK_ENOMEM;
	t->sc.val = name;
}

static void sys_spawn(struct thread *t)
{
	/* The new thread owns the body from here on. */
	struct thread *nt = thread_new(t->p, NULL, t->sc.body, t->sc.ptr, THREAD_KERNEL);

	t->sc.ptr = NULL;
	if (nt && t->sc.arg == SPAWN_SERVICE)
		thread_make_service(nt);

	t->sc.err = nt ? UK_OK : UK_ENOMEM;
	t->sc.val = nt ? nt->tid : 0;
}

static void sys_join(struct thread *t)
{
	struct thread *target = machine_thread(t->m, (uint32_t)t->sc.arg);

	if (!target || target->p != t->p || target == t || target->joined_by) {
		t->sc.err = UK_ENOTHREAD;
		return;
	}
	target->joined_by = t->tid;   /* a thread is joined once */
	t->joining = target->tid;
	if (target->state == T_EXITED) {
		t->sc.err = UK_OK;
		t->sc.val = target->result;
		return;
	}
	thread_block(t, R_JOIN, UINT64_MAX);
}

static void sys_log(struct thread *t)
{
	struct machine *m = t->m;
	char *text = t->sc.ptr;

	t->sc.ptr = NULL;
	TRACE_STR(m, TR_LOG, text, strlen(text), thread_actor(t)->tid);
	if (m->log_hook)
		m->log_hook(m, thread_actor(t), text);
	free(text);
	t->sc.err = UK_OK;
}

static void sys_park(struct thread *t)
{
	thread_block(t, R_IDLE, UINT64_MAX);
}

static void sys_sync(struct thread *t)
{
	ksync_op(t);
}

static void sys_nameop(struct thread *t)
{
	struct right *r = proc_right(t->p, t->sc.name);
	struct port *pt = r ? r->pt : NULL;
	char *text = t->sc.ptr;
	unsigned op = t->sc.arg & 0xff, ok = (t->sc.arg >> 8) & 1;
	uint64_t client = t->sc.arg >> 32;
	size_t len = strlen(text);

	t->sc.ptr = NULL;
	if (pt && op == 1 && ok) {
		size_t n = len < sizeof pt->label ? len : sizeof pt->label - 1;
		memcpy(pt->label, text, n);
		pt->label[n] = '\0';
		TRACE_STR(t->m, TR_PORT_LABEL, pt->label, n, pt->id);
	}
	TRACE_STR(t->m, TR_NAME, text, len, client, pt ? pt->id : 0, op, ok);
	if (ok && svcnames_note(t->m, text, pt, op) != 0)
		t->m->oom = 1;
	free(text);
	t->sc.err = UK_OK;
}

const struct syscall_entry syscall_table[SYS_COUNT] = {
	[SYS_NONE] = { "none", cost_none, sys_nothing },
	[SYS_COMPUTE] = { "compute", cost_compute, sys_nothing },
	[SYS_SLEEP] = { "sleep", cost_trap, sys_sleep },
	[SYS_YIELD] = { "yield", cost_trap, sys_yield },
	[SYS_EXIT] = { "exit", cost_exit, sys_exit },
	[SYS_PEXIT] = { "exit_process", cost_trap, sys_pexit },
	[SYS_FAULT] = { "fault", cost_none, sys_fault },
	[SYS_PORT] = { "port", cost_trap, sys_port },
	[SYS_SEND] = { "send", cost_msg, ipc_send },
	[SYS_RECV] = { "recv", cost_trap, ipc_recv },
	[SYS_CALL] = { "call", cost_msg, ipc_call },
	[SYS_REPLY] = { "reply", cost_msg, ipc_reply },
	[SYS_SPAWN] = { "thread", cost_trap, sys_spawn },
	[SYS_JOIN] = { "join", cost_trap, sys_join },
	[SYS_LOG] = { "log", cost_none, sys_log },
	[SYS_NAMEOP] = { "nameop", cost_none, sys_nameop },
	[SYS_PARK] = { "park", cost_none, sys_park },
	[SYS_SYNC] = { "sync", cost_trap, sys_sync },
	[SYS_IO] = { "io", cost_trap, sys_io },
	[SYS_NOTIFY] = { "notify", cost_trap, sys_notify },
	[SYS_SVC] = { "svc", cost_trap, crash_sys },
	[SYS_TIMER] = { "timer", cost_trap, sys_timer },
	[SYS_WATCH] = { "watch", cost_trap, sys_watch },
	[SYS_MEM_ALLOC] = { "mem.alloc", cost_trap, vmsys_alloc },
	[SYS_MEM_FREE] = { "mem.free", cost_trap, vmsys_free },
	[SYS_MEM_PROTECT] = { "mem.protect", cost_trap, vmsys_protect },
	/* A plain access is free; its faults are charged after it (vmsys.c). */
	[SYS_MEM_READ] = { "mem.read", cost_none, vmsys_read },
	[SYS_MEM_WRITE] = { "mem.write", cost_none, vmsys_write },
	[SYS_FORK] = { "fork", cost_trap, vmsys_fork },
	[SYS_WAIT] = { "wait", cost_trap, vmsys_wait },
	[SYS_MEM_SHARE] = { "mem.share", cost_trap, vmsys_share },
	[SYS_MEM_MAP] = { "mem.map", cost_trap, vmsys_map },
	[SYS_LRPC_EXPORT] = { "lrpc.export", cost_trap, lrpc_export },
	[SYS_LRPC_BIND] = { "lrpc.bind", cost_trap, lrpc_bind },
	[SYS_LRPC_CALL] = { "lrpc.call", lrpc_call_cost, lrpc_call },
	[SYS_LRPC_RETURN] = { "lrpc.return", cost_trap, lrpc_return },
	[SYS_GETPID] = { "getpid", cost_trap, sys_getpid },
	[SYS_NET_FORWARD] = { "net.forward", cost_trap, net_forward },
	[SYS_MIGRATE] = { "migrate", cost_trap, migrate_sys },
	[SYS_REPLY_RECV] = { "reply_recv", cost_msg, ipc_reply_recv },
	[SYS_MEM_RESTRICT] = { "mem.restrict", cost_trap, vmsys_restrict },
};

const char *syscall_name(unsigned op)
{
	return op < SYS_COUNT ? syscall_table[op].name : "?";
}

const char *uk_strerror(int err)
{
	static const char *const text[UK_ERR_COUNT] = {
		[UK_OK] = "ok",
		[UK_ETIMEDOUT] = "timeout",
		[UK_ENORIGHT] = "no right",
		[UK_EDEADPORT] = "dead port",
		[UK_ENOENT] = "unknown name",
		[UK_ENOTOWNER] = "not owner",
		[UK_EINVAL] = "invalid argument",
		[UK_ENOMEM] = "out of memory",
		[UK_ENOTHREAD] = "no such thread",
		[UK_EFAULT] = "bad address",
		[UK_ECHILD] = "no such child",
		[UK_EREVOKED] = "revoked",
		[UK_ENOTLRPC] = "not an LRPC interface",
		[UK_ENOROUTE] = "no route",
		[UK_EREMOTE] = "on another node",
		[UK_EDEADSEG] = "dead segment",
		[UK_ESHARED] = "maps a shared memory region (shared memory is of one machine)",
		[UK_EMOVING] = "moving",
	};
	return err >= 0 && err < UK_ERR_COUNT ? text[err] : "unknown error";
}
