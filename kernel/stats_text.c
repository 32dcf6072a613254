/*
 * stats_text.c - the statistics as CSV (one row per thread) and as the
 * text summary printed after a run (API: stats.h; shared figures:
 * stats_impl.h).
 */
#include "stats.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "lrpc.h"
#include "machine.h"
#include "migrate.h"
#include "net.h"
#include "port.h"
#include "proc.h"
#include "results.h"
#include "rpcstat.h"
#include "srvstat.h"
#include "thread.h"
#include "units.h"
#include "stats_impl.h"
#include "vm.h"
#include "vmsys.h"

static void csv_u64(FILE *out, uint64_t v)
{
	if (v != UNSET)
		fprintf(out, "%" PRIu64, v);
	fputc(',', out);
}

/* The thread columns of the CSV, in order. */
static const char *const csv_columns[] = {
	"thread", "process", "state", "arrival_ns", "first_run_ns", "finish_ns", "cpu_ns",
	"response_ns", "turnaround_ns", "wait_ns", "switches", "messages_sent",
	"messages_received", "model", "kernel_switches", "user_switches", "lost_ns",
	"migrations", "tickets", "share", "ticket_share",
};
#define CSV_NCOLUMNS (sizeof csv_columns / sizeof csv_columns[0])

/* The header: the thread columns, then one column per result of the
 * scenario's (results_column: its name, unless a thread column or the
 * column of an earlier result has it). */
static void csv_header(FILE *out, const struct machine *m)
{
	enum { COL = 2 * UK_RESULT_NAME_MAX + 32 };
	uint32_t n = m->results ? m->results->n : 0;
	const char **taken = malloc((CSV_NCOLUMNS + n) * sizeof *taken);
	char (*col)[COL] = malloc((n ? n : 1) * sizeof *col);
	char one[COL];

	for (size_t i = 0; i < CSV_NCOLUMNS; i++) {
		fprintf(out, "%s%s", i ? "," : "", csv_columns[i]);
		if (taken)
			taken[i] = csv_columns[i];
	}
	for (uint32_t i = 0; i < n; i++) {
		/* out of memory: only the thread columns count as taken */
		char *c = taken && col ? col[i] : one;
		fprintf(out, ",%s", results_column(m->results->v[i].name, taken ? taken : csv_columns,
						   CSV_NCOLUMNS + (taken && col ? i : 0), c, COL));
		if (taken && col)
			taken[CSV_NCOLUMNS + i] = c;
	}
	fputc('\n', out);
	free(taken);
	free(col);
}

/* The results' values, the same on every row: ",v1,v2...". */
static void csv_results(FILE *out, const struct machine *m)
{
	char v[RESULTS_VALUE_MAX];

	for (uint32_t i = 0; m->results && i < m->results->n; i++)
		fprintf(out, ",%s", results_format(&m->results->v[i], v, sizeof v));
}

void stats_csv(FILE *out, const struct machine *m)
{
	struct schedfig sf = stats_sched_figures(m);

	csv_header(out, m);
	for (uint32_t i = 0; i < m->nthreads; i++) {
		const struct thread *t = m->threads[i];
		struct tfig f = stats_thread_figures(t);
		if (t->kind == THREAD_LWP)
			continue;
		fprintf(out, "%s,%s,%s,", t->name, t->p->name, thread_state_name(t->state));
		csv_u64(out, t->arrival);
		csv_u64(out, t->first_run);
		csv_u64(out, t->state == T_EXITED ? t->finish : UNSET);
		csv_u64(out, t->cpu_ns);
		csv_u64(out, f.response);
		csv_u64(out, f.turnaround);
		csv_u64(out, t->wait_ns);
		csv_u64(out, t->switches + t->user_switches);
		csv_u64(out, t->msgs_sent);
		csv_u64(out, t->msgs_recv);
		fprintf(out, "%s,%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",", stats_model_name(t->p),
			t->switches, t->user_switches, t->lost_ns, t->migrations);
		if (stats_scheduled(&sf, t))
			fprintf(out, "%u,%.6f,%.6f", sched_tickets(t),
				sf.cpu ? (double)t->cpu_ns / (double)sf.cpu : 0.0,
				(double)sched_tickets(t) / (double)sf.tickets);
		else
			fputs(",,", out);
		csv_results(out, m);
		fputc('\n', out);
	}
}

static const char *dur(uint64_t ns, char *buf, size_t len);

/* For many-to-* processes: their LWPs, and what their user threads lost. */
static void text_models(FILE *out, const struct machine *m)
{
	char a[32], b[32];

	for (uint32_t i = 0; i < m->nprocs; i++) {
		const struct proc *p = m->procs[i];
		if (p->model == MODEL_ONE_TO_ONE)
			continue;
		fprintf(out, "\n%s: %s, %u %s\n", p->name, stats_model_name(p), p->nlwp,
			p->activations ? "processors (scheduler activations)" : "LWP(s)");
		for (uint32_t k = 0; k < m->nthreads; k++) {
			const struct thread *t = m->threads[k];
			if (t->p != p)
				continue;
			if (t->kind == THREAD_LWP)
				fprintf(out, "  kernel thread %-16s cpu %10s  switches %" PRIu64 "\n", t->name,
					dur(t->cpu_ns, a, sizeof a), t->switches);
			else
				fprintf(out, "  user thread   %-16s user switches %" PRIu64 ", lost %s\n",
					t->name, t->user_switches, dur(t->lost_ns, b, sizeof b));
		}
	}
}

/* The vm line, and one line per process that had an address space. */
static void text_vm(FILE *out, const struct machine *m)
{
	struct vm all;
	const struct vm *vm = &all;

	if (!m->vm_used)
		return;
	vmsys_totals(m, &all);
	fprintf(out, "vm     %u frames of %u bytes: %u used, %u shared at the end (peak %u); %" PRIu64
		" zero-fill, %" PRIu64 " copy-on-write faults, %" PRIu64 " pages copied; %" PRIu64
		" forks, %" PRIu64 " out-of-line messages (%" PRIu64 " pages); %" PRIu64
		" segfaults, %" PRIu64 " out of memory\n",
		vm->nframes, vm->page_size, vm->used, vm->shared, vm->peak, vm->zero_faults,
		vm->cow_faults, vm->pages_copied, m->forks, m->ool_msgs, m->ool_pages, m->segfaults,
		m->oom_kills);
	vmsys_shm_stats(out, m, 't');
	for (uint32_t i = 0; i < m->nprocs; i++) {
		const struct as *as = m->procs[i]->as;
		if (as)
			fprintf(out, "  %-16s frames %" PRIu64 " (peak %" PRIu64 "), %" PRIu64
				" zero-fill, %" PRIu64 " copy-on-write faults, %" PRIu64
				" pages copied\n", m->procs[i]->name, as->resident, as->peak,
				as->zero_faults, as->cow_faults, as->pages_copied);
	}
}

/* A duration for the text table, "-" when unset. */
static const char *dur(uint64_t ns, char *buf, size_t len)
{
	if (ns == UNSET)
		snprintf(buf, len, "-");
	else
		units_format_ns(ns, buf, len);
	return buf;
}

/* One line per built-in server: its attributes, then its figures
 * (durations as durations). */
static void text_servers(FILE *out, const struct machine *m)
{
	char a[32];
	uint64_t cpu, threads;

	for (uint32_t i = 0; i < m->nsrv; i++) {
		const struct srvstat *e = m->srv[i];
		size_t klen;
		fprintf(out, "server %s (%s", e->name, e->kind);
		for (uint32_t k = 0; k < e->nattr; k++)
			fprintf(out, ", %s", e->attr[k].val);
		stats_server_usage(m, e, &cpu, &threads);
		fprintf(out, "): cpu %s, threads %" PRIu64, dur(cpu, a, sizeof a), threads);
		for (uint32_t k = 0; k < e->nfig; k++) {
			klen = strlen(e->fig[k].key);
			if (klen > 3 && strcmp(e->fig[k].key + klen - 3, "_ns") == 0)
				fprintf(out, ", %.*s %s", (int)(klen - 3), e->fig[k].key,
					dur(e->fig[k].val, a, sizeof a));
			else
				fprintf(out, ", %s %" PRIu64, e->fig[k].key, e->fig[k].val);
		}
		fputc('\n', out);
	}
}

/* An LRPC entry: calls, latency, and the copies made per call. */
static void text_lrpc(FILE *out, const struct rpcstat *r, const struct latency *rl)
{
	char a[32], b[32], letters[2 * RPCSTAT_COPY_KINDS + 1] = "";
	uint64_t sum = 0;

	for (int k = 0; k < RPCSTAT_COPY_KINDS; k++) {
		sum += r->copies[k];
		if (r->copies[k])
			snprintf(letters + strlen(letters), sizeof letters - strlen(letters), "%s%c",
				 letters[0] ? " " : "", 'A' + k);
	}
	fprintf(out, "rpc    %s.%s (%s): %" PRIu64 " calls (%" PRIu64 " failed); latency mean %s "
		"max %s; %.2f copies per call%s%s%s\n", r->binding, r->method, r->kind, r->calls,
		r->failed, dur(rl->mean, a, sizeof a), dur(rl->max, b, sizeof b),
		r->calls ? (double)sum / (double)r->calls : 0.0, letters[0] ? " (" : "", letters,
		letters[0] ? ")" : "");
}

/* The scenario's own figures, one per line under "results", when it
 * recorded any. */
static void text_results(FILE *out, const struct machine *m)
{
	char v[RESULTS_VALUE_MAX];
	int w = 16;

	if (!m->results || !m->results->n)
		return;
	for (uint32_t i = 0; i < m->results->n; i++)
		if ((int)strlen(m->results->v[i].name) > w)
			w = (int)strlen(m->results->v[i].name);
	fputs("results\n", out);
	for (uint32_t i = 0; i < m->results->n; i++)
		fprintf(out, "  %-*s %s\n", w, m->results->v[i].name,
			results_format(&m->results->v[i], v, sizeof v));
}

void stats_text(FILE *out, const struct machine *m)
{
	char a[32], b[32], c[32], d[32], e[32];
	struct latency l = stats_latency(m);
	const char *scen = stats_info(m, "scenario"), *seed = stats_info(m, "seed");

	fprintf(out, "%s  seed %s  %s at %s  (%" PRIu64 " event%s)\n\n", scen ? scen : "?",
		seed ? seed : "?", stats_outcome(m), dur(m->now, a, sizeof a), m->events,
		m->events == 1 ? "" : "s");
	fprintf(out, "%-16s %-12s %-8s %10s %10s %10s %10s %6s %6s %6s\n", "thread", "process",
		"state", "cpu", "response", "turnaround", "wait", "switch", "sent", "recv");
	int busy_daemons = 0;
	for (uint32_t i = 0; i < m->nthreads; i++) {
		const struct thread *t = m->threads[i];
		struct tfig f = stats_thread_figures(t);
		char state[16];
		if (t->kind == THREAD_LWP)
			continue;
		/* A daemon caught at work: the run ends with the last process
		 * that is not a daemon, not when the daemons are idle again. */
		int busy = t->p->daemon && (t->state == T_RUNNING || t->state == T_READY);
		snprintf(state, sizeof state, "%s%s", thread_state_name(t->state), busy ? "*" : "");
		busy_daemons += busy;
		fprintf(out, "%-16s %-12s %-8s %10s %10s %10s %10s %6" PRIu64 " %6" PRIu64 " %6" PRIu64 "\n",
			t->name, t->p->name, state, dur(t->cpu_ns, a, sizeof a),
			dur(f.response, b, sizeof b), dur(f.turnaround, c, sizeof c),
			dur(t->wait_ns, d, sizeof d), t->switches + t->user_switches, t->msgs_sent,
			t->msgs_recv);
	}
	if (busy_daemons)
		fputs("* a daemon that had work in hand when the run ended: the run ends with the last\n"
		      "  process that is not a daemon, without waiting for the daemons to block again\n", out);
	text_models(out, m);
	fputc('\n', out);
	for (uint32_t i = 0; i < m->cfg.cpus; i++) {
		const struct cpu *cp = &m->cpus[i];
		double pct = m->now ? 100.0 * (double)cp->busy_ns / (double)m->now : 0.0;
		fprintf(out, "cpu%-3u busy %10s (%5.1f%%)  switches %" PRIu64 "\n", cp->id,
			dur(cp->busy_ns, a, sizeof a), pct, cp->switches);
	}
	{
		struct schedfig f = stats_sched_figures(m);
		fprintf(out, "sched  %s: %" PRIu64 " finished, %.2f per second, utilisation %.1f%%, "
			"Jain's fairness %.3f\n", m->cfg.sched->name, f.done,
			m->now ? (double)f.done * 1e9 / (double)m->now : 0.0, 100.0 * f.util, f.jain);
	}
	fprintf(out, "ipc    %" PRIu64 " messages, %" PRIu64 " bytes, %" PRIu64 " calls, %" PRIu64
		" dropped", m->msgs, m->msg_bytes, m->calls, m->dropped);
	if (m->delayed)
		fprintf(out, ", %" PRIu64 " delayed", m->delayed);
	fprintf(out, "; latency mean %s p50 %s p99 %s max %s\n", dur(l.mean, a, sizeof a),
		dur(l.p50, b, sizeof b), dur(l.p99, c, sizeof c), dur(l.max, e, sizeof e));
	(void)d;
	if (m->ncrashes)
		fprintf(out, "faults %" PRIu64 " crash%s, %" PRIu64 " found nothing to crash, %" PRIu64
			" restart%s\n", m->crashed, m->crashed == 1 ? "" : "es", m->crash_misses,
			m->restarts, m->restarts == 1 ? "" : "s");
	for (uint32_t i = 0; i < m->nrpc; i++) {
		const struct rpcstat *r = &m->rpc[i];
		struct latency rl = stats_summary(r->lat, r->nlat);
		if (strcmp(r->kind, "message") != 0) {
			text_lrpc(out, r, &rl);
			continue;
		}
		fprintf(out, "rpc    %s.%s: %" PRIu64 " calls (%" PRIu64 " failed, %" PRIu64
			" retransmissions), %" PRIu64 " executions, %" PRIu64
			" duplicates filtered; latency mean %s max %s\n",
			r->binding, r->method, r->calls, r->failed, r->retransmissions, r->executions,
			r->duplicates, dur(rl.mean, a, sizeof a), dur(rl.max, b, sizeof b));
	}
	if (m->lrpc)
		fprintf(out, "lrpc   %u interface(s), %u binding(s): %" PRIu64 " calls entered, %" PRIu64
			" by an exchange of processors (%" PRIu64 " returns); %" PRIu64 " revoked, %" PRIu64
			" waited for an A-stack; %" PRIu64 " E-stacks made, %" PRIu64 " tied; %" PRIu64
			" idle processors prodded\n", m->lrpc->nifaces, m->lrpc->nbindings, m->lrpc->calls,
			m->lrpc->mp_calls, m->lrpc->mp_returns, m->lrpc->revoked, m->lrpc->waits,
			m->lrpc->estacks, m->lrpc->associations, m->lrpc->prods);
	if (m->lrpc && (m->lrpc->globals || m->lrpc->rebinds))
		fprintf(out, "lrpc   migrations: %" PRIu64 " binding(s) made global references, %"
			PRIu64 " rebound as LRPC\n", m->lrpc->globals, m->lrpc->rebinds);
	net_stats(out, m, 't');
	migrate_stats(out, m, 't');
	if (m->stats_hook)
		m->stats_hook(out, m, 't');
	text_servers(out, m);
	text_vm(out, m);
	text_results(out, m);
	if (m->outcome == OUT_DEADLOCK)
		fputs("\n(the deadlock report is on stderr)\n", out);
	else if (m->frames_report || m->oom)
		fputs("\n(why the run stopped is on stderr)\n", out);
}
