/*
 * describe.c - the details box: a few lines of text about what was clicked
 * - a message, a state interval, a CPU slice, a process or a port; a frame,
 * a page or a memory event are described by describe_mem.c (API:
 * vz_describe in view.h).
 *
 * The one idea: everything shown is read from the index, in the words of
 * the textbook (latency, round trip, RECEIVE-blocked) and with exact times
 * as ukern export prints them, so a picture can be checked against the log.
 */
#include <stdio.h>
#include <string.h>

#include "palette.h"
#include "view.h"
#include "view_mem.h"

static const char *const kind_name[] = { "send", "call", "reply" };
static const char *const drop_name[] = { "", "the port died", "stale reply", "timeout",
					  "lost (injected fault)" };

/* The group (thread or CPU) whose [first, first + count) holds element i:
 * groups are laid out in order, so a binary search on first finds it. */
static size_t group_of(size_t i, size_t n, const void *base, size_t stride, size_t first_off)
{
	size_t lo = 0, hi = n;

	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2, first;
		memcpy(&first, (const char *)base + mid * stride + first_off, sizeof first);
		if (first <= i)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

static int describe_msg(const struct trace_index *ix, size_t i, char lines[][VZ_LINE])
{
	const struct ti_msg *m = &ix->msgs[i];
	char port[64], a[32], b[32], dur[32];
	int n = 0;

	vz_port_label(ix, m->port, port, sizeof port);
	snprintf(lines[n++], VZ_LINE, "%s · flow %llu · %llu bytes", kind_name[m->kind],
		 (unsigned long long)m->flow, (unsigned long long)m->size);
	snprintf(lines[n++], VZ_LINE, "from %s (process %s)", vz_thread_name(ix, m->from),
		 vz_proc_name(ix, ix->threads[m->from].proc));
	if (m->to != TI_NONE)
		snprintf(lines[n++], VZ_LINE, "to %s (process %s) through port %llu \"%s\"",
			 vz_thread_name(ix, m->to), vz_proc_name(ix, ix->threads[m->to].proc),
			 (unsigned long long)ix->ports[m->port].id, port);
	else
		snprintf(lines[n++], VZ_LINE, "to port %llu \"%s\"",
			 (unsigned long long)ix->ports[m->port].id, port);
	fmt_time(m->send_ns, a, sizeof a);
	if (m->fate == TI_PENDING) {
		snprintf(lines[n++], VZ_LINE, "sent %s, still undelivered when the run ended", a);
		return n;
	}
	fmt_time(m->end_ns, b, sizeof b);
	fmt_dur(m->end_ns - m->send_ns, dur, sizeof dur);
	snprintf(lines[n++], VZ_LINE, "sent %s, %s %s", a,
		 m->fate == TI_DELIVERED ? "delivered" : "dropped", b);
	if (m->fate == TI_DROPPED)
		snprintf(lines[n++], VZ_LINE, "dropped after %s: %s", dur,
			 drop_name[m->drop_reason < 5 ? m->drop_reason : 0]);
	else
		snprintf(lines[n++], VZ_LINE, "latency %s%s", dur,
			 m->enqueue_ns != TI_NEVER ? " (waited in the port's queue)" : "");
	if (m->kind == TI_CALL && m->reply != TI_NONE && ix->msgs[m->reply].fate == TI_DELIVERED) {
		fmt_dur(ix->msgs[m->reply].end_ns - m->send_ns, dur, sizeof dur);
		snprintf(lines[n++], VZ_LINE, "answered by flow %llu: round trip %s",
			 (unsigned long long)ix->msgs[m->reply].flow, dur);
	} else if (m->kind == TI_REPLY && m->reply_to != TI_NONE && m->fate == TI_DELIVERED) {
		fmt_dur(m->end_ns - ix->msgs[m->reply_to].send_ns, dur, sizeof dur);
		snprintf(lines[n++], VZ_LINE, "answers the call of flow %llu: round trip %s",
			 (unsigned long long)ix->msgs[m->reply_to].flow, dur);
	}
	return n;
}

static int describe_iv(const struct trace_index *ix, size_t i, char lines[][VZ_LINE])
{
	size_t th = group_of(i, ix->nthreads, ix->threads, sizeof *ix->threads,
			     offsetof(struct ti_thread, iv_first));
	const struct ti_interval *iv = &ix->ivs[i];
	char a[32], b[32], dur[32], port[64];
	int n = 0;

	snprintf(lines[n++], VZ_LINE, "%s · %s", vz_thread_name(ix, (uint32_t)th),
		 pal_cat_name(pal_cat_of(iv->state, iv->reason)));
	snprintf(lines[n++], VZ_LINE, "process %s", vz_proc_name(ix, ix->threads[th].proc));
	if (iv->port != TI_NONE) {
		vz_port_label(ix, iv->port, port, sizeof port);
		snprintf(lines[n++], VZ_LINE, "%s port %llu \"%s\"",
			 iv->reason == TI_R_SEND ? "sending to" : "waiting on",
			 (unsigned long long)ix->ports[iv->port].id, port);
	}
	fmt_time(iv->t0, a, sizeof a);
	fmt_time(iv->t1, b, sizeof b);
	fmt_dur(iv->t1 - iv->t0, dur, sizeof dur);
	snprintf(lines[n++], VZ_LINE, "from %s to %s", a, b);
	snprintf(lines[n++], VZ_LINE, "for %s", dur);
	return n;
}

/* Run i with the runs that continue it, drawn as one bar: the whole, and
 * when there are several the dispatches and run i's own times. */
static int describe_run(const struct trace_index *ix, size_t i, char lines[][VZ_LINE])
{
	size_t c = group_of(i, ix->ncpus, ix->cpus, sizeof *ix->cpus,
			    offsetof(struct ti_cpu, run_first));
	size_t first = trace_index_stretch_first(ix, (uint32_t)c, i);
	const struct ti_run *r = &ix->runs[first], *last = &r[r->more], *own = &ix->runs[i];
	char a[32], b[32], dur[32];
	int n = 0;

	fmt_time(r->t0, a, sizeof a);
	fmt_time(last->t1, b, sizeof b);
	fmt_dur(last->t1 - r->t0, dur, sizeof dur);
	snprintf(lines[n++], VZ_LINE, "cpu%zu runs %s", c, vz_thread_name(ix, r->thread));
	snprintf(lines[n++], VZ_LINE, "process %s", vz_proc_name(ix, ix->threads[r->thread].proc));
	snprintf(lines[n++], VZ_LINE, "from %s to %s", a, b);
	snprintf(lines[n++], VZ_LINE, "for %s", dur);
	if (r->more == 0)
		return n;
	snprintf(lines[n++], VZ_LINE, "dispatched %lu times in a row, without a switch",
		 (unsigned long)r->more + 1);
	fmt_time(own->t0, a, sizeof a);
	fmt_time(own->t1, b, sizeof b);
	snprintf(lines[n++], VZ_LINE, "dispatch %zu of them: from %s to %s", i - first + 1, a, b);
	return n;
}

static int describe_proc(const struct trace_index *ix, size_t i, char lines[][VZ_LINE])
{
	const struct ti_proc *p = &ix->procs[i];
	uint64_t sent = 0, recv = 0;
	char a[32], b[32];
	int n = 0;

	for (size_t k = 0; k < ix->nmsgs; k++) {
		sent += ix->threads[ix->msgs[k].from].proc == i;
		recv += ix->msgs[k].to != TI_NONE && ix->threads[ix->msgs[k].to].proc == i;
	}
	snprintf(lines[n++], VZ_LINE, "%s (pid %llu)", trace_index_str(ix, p->name),
		 (unsigned long long)p->pid);
	snprintf(lines[n++], VZ_LINE, "%s, %u thread%s", p->nameserver ? "the name server"
		 : p->daemon ? "a daemon (serves; does not keep the run alive)" : "a process",
		 p->nthreads, p->nthreads == 1 ? "" : "s");
	if (p->node != TI_NONE)
		snprintf(lines[n++], VZ_LINE, "on node %s", trace_index_str(ix,
			 ix->nodes[p->node].name));
	fmt_time(p->born, a, sizeof a);
	snprintf(lines[n++], VZ_LINE, "started %s", a);
	if (p->died != TI_NEVER) {
		fmt_time(p->died, b, sizeof b);
		if (p->faulted == 2)
			snprintf(lines[n++], VZ_LINE, "crashed %s (an injected fault)", b);
		else
			snprintf(lines[n++], VZ_LINE, "exited %s with %d%s", b, p->exit_code,
				 p->faulted ? " (script error)" : "");
	}
	snprintf(lines[n++], VZ_LINE, "sent %llu messages, received %llu",
		 (unsigned long long)sent, (unsigned long long)recv);
	return n;
}

static int describe_port(const struct trace_index *ix, size_t i, uint64_t now,
			 char lines[][VZ_LINE])
{
	const struct ti_port *p = &ix->ports[i];
	char label[64], at[32];
	int n = 0;

	vz_port_label(ix, (uint32_t)i, label, sizeof label);
	fmt_dur(now, at, sizeof at);
	snprintf(lines[n++], VZ_LINE, "port %llu \"%s\"", (unsigned long long)p->id, label);
	snprintf(lines[n++], VZ_LINE, "receive right: %s",
		 p->owner != TI_NONE ? vz_proc_name(ix, p->owner) : "none");
	if (p->qlimit)
		snprintf(lines[n++], VZ_LINE, "buffers %llu messages; %u queued at %s",
			 (unsigned long long)p->qlimit, trace_index_depth_at(ix, (uint32_t)i, now), at);
	else
		snprintf(lines[n++], VZ_LINE, "rendezvous (queue limit 0)");
	snprintf(lines[n++], VZ_LINE, "%llu messages sent to it%s", (unsigned long long)p->msgs,
		 p->registered ? "; registered with the name server" : "");
	return n;
}

static int describe_node(const struct trace_index *ix, size_t i, uint64_t now,
			 char lines[][VZ_LINE])
{
	const struct ti_node *nd = &ix->nodes[i];
	char name[96], sub[VZ_LINE];
	size_t here = 0;
	int n = 0;

	vz_node_title(ix, (uint32_t)i, name, sizeof name, sub, sizeof sub);
	for (size_t pr = 0; pr < ix->nprocs; pr++)
		here += ix->procs[pr].pid && trace_index_node_at(ix, (uint32_t)pr, now) == i;
	snprintf(lines[n++], VZ_LINE, "%s", name);
	snprintf(lines[n++], VZ_LINE, "%s", sub);
	if (nd->net != TI_NONE)
		snprintf(lines[n++], VZ_LINE, "network server %s (pid %llu)", vz_proc_name(ix, nd->net),
			 (unsigned long long)ix->procs[nd->net].pid);
	snprintf(lines[n++], VZ_LINE, "messages out %llu (%llu bytes), in %llu (%llu bytes)",
		 (unsigned long long)nd->msgs_out, (unsigned long long)nd->bytes_out,
		 (unsigned long long)nd->msgs_in, (unsigned long long)nd->bytes_in);
	if (nd->converted)
		snprintf(lines[n++], VZ_LINE, "values converted to or from big-endian: %llu",
			 (unsigned long long)nd->converted);
	if (here != nd->proc_count)
		snprintf(lines[n++], VZ_LINE, "%zu processes on it at the current time", here);
	return n;
}

static int describe_link(const struct trace_index *ix, size_t i, char lines[][VZ_LINE])
{
	const struct ti_link *l = &ix->links[i];
	char name[96], fig[72], more[72];
	int n = 0;

	vz_link_title(ix, (uint32_t)i, name, sizeof name, fig, sizeof fig, more, sizeof more);
	snprintf(lines[n++], VZ_LINE, "link %llu: %s", (unsigned long long)l->id, name);
	snprintf(lines[n++], VZ_LINE, "%s · %s", fig, more);
	for (int d = 0; d < 2; d++) {
		const struct ti_link_dir *k = &l->dir[d];
		snprintf(lines[n++], VZ_LINE, "%s → %s: %llu messages (%llu lost), %llu packets, "
			 "%llu bytes, %llu lost, busy %.3f ms",
			 trace_index_str(ix, ix->nodes[d ? l->b : l->a].name),
			 trace_index_str(ix, ix->nodes[d ? l->a : l->b].name),
			 (unsigned long long)k->msgs, (unsigned long long)k->msgs_lost,
			 (unsigned long long)k->packets, (unsigned long long)k->bytes,
			 (unsigned long long)k->lost, (double)k->busy_ns / 1e6);
	}
	return n;
}

static int describe_packet(const struct trace_index *ix, size_t i, char lines[][VZ_LINE])
{
	const struct ti_packet *p = &ix->pkts[i];
	const struct ti_link *l = &ix->links[p->link];
	const struct ti_msg *m = p->msg != TI_NONE ? &ix->msgs[p->msg] : NULL;
	char a[32], b[32], dur[32], port[64];
	int n = 0;

	if (p->mig)
		snprintf(lines[n++], VZ_LINE, "migration %u: %u packets · %u bytes (a reliable stream)",
			 p->mig, p->seq, p->bytes);
	else
		snprintf(lines[n++], VZ_LINE, "packet %u%s of flow %llu · %u bytes", p->seq + 1,
			 p->last ? " (the last)" : "", (unsigned long long)p->flow, p->bytes);
	snprintf(lines[n++], VZ_LINE, "link %llu, %s → %s", (unsigned long long)l->id,
		 trace_index_str(ix, ix->nodes[p->dir ? l->b : l->a].name),
		 trace_index_str(ix, ix->nodes[p->dir ? l->a : l->b].name));
	if (m) {
		vz_port_label(ix, m->port, port, sizeof port);
		snprintf(lines[n++], VZ_LINE, "part of a %s of %llu bytes from %s to port \"%s\"",
			 m->kind == TI_CALL ? "call" : m->kind == TI_REPLY ? "reply" : "send",
			 (unsigned long long)m->size, vz_thread_name(ix, m->from), port);
	}
	fmt_time(p->depart, a, sizeof a);
	fmt_time(p->tx_end, b, sizeof b);
	snprintf(lines[n++], VZ_LINE, "on the wire %s to %s", a, b);
	if (p->depart > p->sent_ns) {
		fmt_dur(p->depart - p->sent_ns, dur, sizeof dur);
		snprintf(lines[n++], VZ_LINE, "queued %s behind earlier packets", dur);
	}
	fmt_time(p->arrive, a, sizeof a);
	fmt_dur(p->arrive - p->depart, dur, sizeof dur);
	snprintf(lines[n++], VZ_LINE, "%s %s, %s after it left", p->fate == TI_PKT_LOST ?
		 "lost (its message with it)" : p->fate == TI_PKT_ARRIVED ? "arrived" :
		 "would arrive", a, dur);
	return n;
}

int vz_describe(const struct trace_index *ix, const struct vz_pick *pk, uint64_t now,
		char lines[][VZ_LINE])
{
	switch (pk->kind) {
	case PICK_MSG:
		return pk->i < ix->nmsgs ? describe_msg(ix, pk->i, lines) : 0;
	case PICK_IV:
		return pk->i < ix->nivs ? describe_iv(ix, pk->i, lines) : 0;
	case PICK_RUN:
		return pk->i < ix->nruns ? describe_run(ix, pk->i, lines) : 0;
	case PICK_PROC:
		return pk->i < ix->nprocs ? describe_proc(ix, pk->i, lines) : 0;
	case PICK_PORT:
		return pk->i < ix->nports ? describe_port(ix, pk->i, now, lines) : 0;
	case PICK_FRAME:
		return pk->i >= 1 && pk->i <= ix->vm.frames ? vz_describe_frame(ix, pk->i, now, lines)
							     : 0;
	case PICK_PAGE:
		return vz_describe_page(ix, pk->i, pk->t, now, lines);
	case PICK_VMEV:
		return pk->i < ix->vm.nevs ? vz_describe_vmev(ix, pk->i, lines) : 0;
	case PICK_NODE:
		return pk->i < ix->nnodes ? describe_node(ix, pk->i, now, lines) : 0;
	case PICK_LINK:
		return pk->i < ix->nlinks ? describe_link(ix, pk->i, lines) : 0;
	case PICK_PACKET:
		return pk->i < ix->npkts ? describe_packet(ix, pk->i, lines) : 0;
	default:
		return 0;
	}
}
