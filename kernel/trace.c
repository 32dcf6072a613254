/*
 * trace.c - the record kinds table and fan-out to the sinks.
 */
#include "trace.h"

#include "machine.h"

const struct trace_kind_info trace_kinds[TR_KIND_COUNT] = {
	[TR_END] = { "end", 1, 0, { "records" } },
	[TR_PROC_NEW] = { "proc_new", 2, 1, { "pid", "daemon" } },
	[TR_PROC_EXIT] = { "proc_exit", 3, 0, { "pid", "code", "faulted" } },
	[TR_THREAD_NEW] = { "thread_new", 2, 1, { "tid", "pid" } },
	[TR_THREAD_STATE] = { "thread_state", 4, 0, { "tid", "state", "reason", "port" } },
	[TR_DISPATCH] = { "dispatch", 2, 0, { "cpu", "tid" } },
	[TR_IDLE] = { "idle", 1, 0, { "cpu" } },
	[TR_PORT_NEW] = { "port_new", 3, 0, { "port", "pid", "qlimit" } },
	[TR_PORT_DEAD] = { "port_dead", 1, 0, { "port" } },
	[TR_MSG_SEND] = { "msg_send", 6, 0, { "flow", "tid", "port", "size", "kind", "reply_to" } },
	[TR_MSG_ENQUEUE] = { "msg_enqueue", 3, 0, { "flow", "port", "qlen" } },
	[TR_MSG_DELIVER] = { "msg_deliver", 3, 0, { "flow", "tid", "port" } },
	[TR_MSG_DROP] = { "msg_drop", 3, 0, { "flow", "port", "reason" } },
	[TR_LOG] = { "log", 1, 1, { "tid" } },
	[TR_NAME] = { "name", 4, 1, { "pid", "port", "op", "ok" } },
	[TR_DEADLOCK] = { "deadlock", 1, 1, { "threads" } },
	[TR_FAULT] = { "fault", 2, 1, { "tid", "pid" } },
	[TR_PORT_LABEL] = { "port_label", 1, 1, { "port" } },
	[TR_THREAD_KIND] = { "thread_kind", 2, 0, { "tid", "kind" } },
	[TR_USWITCH] = { "uswitch", 3, 0, { "lwp", "from", "to" } },
	[TR_UPCALL] = { "upcall", 3, 0, { "lwp", "kind", "tid" } },
	[TR_WAIT] = { "wait", 5, 0, { "tid", "reason", "port", "pid", "on_tid" } },
	[TR_MSG_DELAY] = { "msg_delay", 3, 0, { "flow", "port", "delay" } },
	[TR_CRASH] = { "crash", 2, 1, { "pid", "incarnation" } },
	[TR_RESPAWN] = { "respawn", 4, 0, { "tid", "old", "pid", "incarnation" } },
	[TR_TIMER] = { "timer", 4, 0, { "tid", "port", "at", "cookie" } },
	[TR_VM_MAP] = { "vm_map", 5, 0, { "pid", "addr", "pages", "kind", "perm" } },
	[TR_VM_UNMAP] = { "vm_unmap", 3, 0, { "pid", "addr", "pages" } },
	[TR_VM_PROTECT] = { "vm_protect", 4, 0, { "pid", "addr", "pages", "perm" } },
	[TR_PAGE_FAULT] = { "page_fault", 5, 0, { "tid", "pid", "addr", "kind", "frame" } },
	[TR_PAGE_COPY] = { "page_copy", 4, 0, { "pid", "addr", "from", "to" } },
	[TR_FRAMES] = { "frames", 2, 0, { "used", "shared" } },
	[TR_FORK] = { "fork", 3, 0, { "pid", "child", "shared" } },
	[TR_OOL] = { "ool", 5, 0, { "flow", "pid", "addr", "len", "op" } },
	[TR_MEMORY] = { "memory", 2, 0, { "frames", "page_size" } },
	[TR_LRPC_EXPORT] = { "lrpc_export", 4, 1, { "iface", "pid", "port", "procs" } },
	[TR_LRPC_BIND] = { "lrpc_bind", 6, 0,
			   { "binding", "iface", "pid", "addr", "server_addr", "pages" } },
	[TR_LRPC_CALL] = { "lrpc_call", 6, 1, { "tid", "pid", "to_pid", "binding", "proc", "how" } },
	[TR_LRPC_RETURN] = { "lrpc_return", 6, 0,
			     { "tid", "pid", "to_pid", "binding", "proc", "how" } },
	[TR_LRPC_ESTACK] = { "lrpc_estack", 4, 0, { "binding", "astack", "estack", "new" } },
	[TR_NODE] = { "node", 4, 1, { "node", "cpus", "cpu0", "big_endian" } },
	[TR_PROC_NODE] = { "proc_node", 2, 0, { "pid", "node" } },
	[TR_LINK] = { "link", 6, 1, { "link", "a", "b", "latency", "bandwidth", "mtu" } },
	[TR_LINK_LOSS] = { "link_loss", 2, 0, { "link", "loss_ppm" } },
	[TR_PKT_SEND] = { "pkt_send", 6, 0, { "link", "from", "flow", "seq", "bytes", "depart" } },
	[TR_PKT_ARRIVE] = { "pkt_arrive", 4, 0, { "link", "flow", "seq", "last" } },
	[TR_PKT_LOST] = { "pkt_lost", 3, 0, { "link", "flow", "seq" } },
	[TR_CONVERT] = { "convert", 4, 0, { "flow", "node", "values", "op" } },
	[TR_OBJ_EXPORT] = { "obj_export", 3, 1, { "pid", "port", "object" } },
	[TR_OBJ_CALL] = { "obj_call", 6, 1, { "tid", "pid", "port", "object", "method", "ok" } },
	[TR_CLOCK_ROUND] = { "clock_round", 6, 0,
			     { "pid", "round", "polled", "answered", "used", "back" } },
	[TR_CLOCK_ADJUST] = { "clock_adjust", 6, 0,
			      { "pid", "round", "adjust_ns", "back", "error_ns", "behind" } },
	[TR_MIGRATE] = { "migrate", 6, 0, { "id", "pid", "from", "to", "strategy", "mobility" } },
	[TR_MIGRATE_ROUND] = { "migrate_round", 5, 0, { "id", "round", "pages", "bytes", "arrive" } },
	[TR_MIGRATE_PULL] = { "migrate_pull", 4, 0, { "id", "tid", "addr", "arrive" } },
	[TR_MIGRATE_END] = { "migrate_end", 6, 0,
			     { "id", "pid", "downtime", "total", "pages", "bytes" } },
	[TR_MIGRATE_FORWARD] = { "migrate_forward", 4, 0, { "id", "flow", "from", "to" } },
	[TR_NODE_MEMORY] = { "node_memory", 3, 0, { "node", "first", "frames" } },
	[TR_PAGE_MOVE] = { "page_move", 4, 0, { "pid", "addr", "from", "to" } },
	[TR_SHM_NEW] = { "shm_new", 6, 0, { "seg", "pid", "addr", "pages", "perm", "port" } },
	[TR_SHM_FRAME] = { "shm_frame", 3, 0, { "seg", "page", "frame" } },
	[TR_SHM_MAP] = { "shm_map", 5, 0, { "seg", "pid", "addr", "pages", "perm" } },
	[TR_SHM_UNMAP] = { "shm_unmap", 4, 0, { "seg", "pid", "addr", "maps" } },
	[TR_PAGE_FRAME] = { "page_frame", 3, 0, { "pid", "addr", "frame" } },
	[TR_SHM_RESTRICT] = { "shm_restrict", 4, 0, { "seg", "pid", "port", "perm" } },
	[TR_DISPATCH_RUNNING] = { "dispatch_running", 2, 0, { "cpu", "tid" } },
	[TR_DELIVER_WOKEN] = { "deliver_woken", 3, 0, { "flow", "tid", "port" } },
};

unsigned trace_unfold(unsigned kind, const uint64_t *args, uint64_t *state)
{
	if (kind != TR_DISPATCH_RUNNING && kind != TR_DELIVER_WOKEN)
		return 0;
	state[0] = args[1];   /* both name the thread second */
	state[1] = kind == TR_DISPATCH_RUNNING ? TRACE_STATE_RUNNING : TRACE_STATE_READY;
	state[2] = kind == TR_DISPATCH_RUNNING ? TRACE_REASON_DISPATCHED : TRACE_REASON_WOKEN;
	state[3] = 0;
	return kind == TR_DISPATCH_RUNNING ? TR_DISPATCH : TR_MSG_DELIVER;
}

/* Several sinks (a trace file and a test's counter, say): each in turn. A
 * folded record goes as it is to a trace file, as its two records to the
 * others (the live viewer's, a test's). */
static __attribute__((noinline)) void fan_out(struct machine *m, unsigned kind,
					      const uint64_t *args, const char *s, size_t len)
{
	uint64_t state[4];
	unsigned first = trace_unfold(kind, args, state);

	for (uint32_t i = 0; i < m->nsinks; i++) {
		const struct trace_sink *k = &m->sinks[i];
		if (!first || trace_sink_wbuf(k)) {
			k->record(k->ctx, m->now, kind, args, s, len);
		} else {
			k->record(k->ctx, m->now, first, args, s, len);
			k->record(k->ctx, m->now, TR_THREAD_STATE, state, NULL, 0);
		}
	}
}

void trace_record(struct machine *m, unsigned kind, const uint64_t *args, const char *s,
		  size_t len)
{
	/* One sink, the usual case (a trace file): a plain jump to it. The
	 * loop lives apart so that this path saves no registers (with it
	 * here, the compiler saved six on every record: 30 % of its cost). */
	if (m->nsinks == 1 && kind != TR_DISPATCH_RUNNING && kind != TR_DELIVER_WOKEN) {
		m->sinks[0].record(m->sinks[0].ctx, m->now, kind, args, s, len);
		return;
	}
	fan_out(m, kind, args, s, len);
}
