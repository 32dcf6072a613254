/*
 * stats.c - the statistics as JSON, and the figures the text and CSV
 * writers (stats_text.c) share. Everything is computed from the machine's
 * final state; nothing here changes it.
 *
 * Definitions (textbook): response = first run - arrival; turnaround =
 * finish - arrival; wait = time ready but not running.
 */
#include "stats.h"
#include "stats_impl.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "deadlock.h"
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
#include "vm.h"
#include "vmsys.h"

const char *stats_outcome(const struct machine *m)
{
	switch (m->outcome) {
	case OUT_COMPLETED:
		return "completed";
	case OUT_DEADLOCK:
		return "deadlock";
	case OUT_INTERRUPTED:
		return "interrupted";
	default:
		return "limit";
	}
}

/* The threads the scheduling figures are about (f->jobs is known once, so
 * that a run of many processes is not walked once per thread). */
int stats_scheduled(const struct schedfig *f, const struct thread *t)
{
	if (t->kind == THREAD_LWP)
		return 0;
	return f->jobs ? t->p->job_ns != 0 : !t->p->daemon;
}

struct schedfig stats_sched_figures(const struct machine *m)
{
	struct schedfig f = { 0, 0, 0, 1.0, 0.0, 0 };
	double sum = 0, sq = 0, busy = 0;
	uint32_t n = 0;

	for (uint32_t i = 0; i < m->nprocs && !f.jobs; i++)
		f.jobs = m->procs[i]->job_ns != 0;
	for (uint32_t i = 0; i < m->nthreads; i++) {
		const struct thread *t = m->threads[i];
		if (!stats_scheduled(&f, t))
			continue;
		f.cpu += t->cpu_ns;
		f.tickets += sched_tickets(t);
		f.done += t->state == T_EXITED;
		sum += (double)t->cpu_ns;
		sq += (double)t->cpu_ns * (double)t->cpu_ns;
		n++;
	}
	if (n && sq > 0)
		f.jain = sum * sum / ((double)n * sq);
	for (uint32_t i = 0; i < m->cfg.cpus; i++)
		busy += (double)m->cpus[i].busy_ns;
	if (m->now)
		f.util = busy / ((double)m->now * m->cfg.cpus);
	return f;
}

static const char *const model_names[] = { "one-to-one", "many-to-one", "many-to-many" };

const char *stats_model_name(const struct proc *p)
{
	return model_names[p->model];
}

static const char *proc_state(const struct proc *p)
{
	return p->state == P_NEW    ? "not-started"
	       : p->state == P_LIVE ? "live"
	       : p->crashed         ? "crashed"
				    : "exited";
}

static void json_str(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", out);
		else if (c < 0x20)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

const char *stats_info(const struct machine *m, const char *key)
{
	for (uint32_t i = 0; i < m->ninfo; i++)
		if (strcmp(m->info[i].key, key) == 0)
			return m->info[i].value;
	return NULL;
}

struct tfig stats_thread_figures(const struct thread *t)
{
	struct tfig f = { UNSET, UNSET };

	if (t->first_run != UNSET)
		f.response = t->first_run - t->arrival;
	if (t->state == T_EXITED)
		f.turnaround = t->finish - t->arrival;
	return f;
}

static void json_u64(FILE *out, const char *key, uint64_t v, int comma)
{
	if (v == UNSET)
		fprintf(out, "\"%s\": null%s", key, comma ? ", " : "");
	else
		fprintf(out, "\"%s\": %" PRIu64 "%s", key, v, comma ? ", " : "");
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

/* Mean, median, 99th percentile and maximum of n samples. */
struct latency stats_summary(const uint64_t *lat, uint64_t n)
{
	struct latency l = { 0, 0, 0, 0 };
	uint64_t *v, sum = 0;

	if (n == 0)
		return l;
	v = malloc(n * sizeof *v);
	if (!v)
		return l;
	memcpy(v, lat, n * sizeof *v);
	qsort(v, n, sizeof *v, cmp_u64);
	for (uint64_t i = 0; i < n; i++)
		sum += v[i];
	l.mean = sum / n;
	l.p50 = v[(n - 1) / 2];
	l.p99 = v[(n * 99 + 99) / 100 - 1];
	l.max = v[n - 1];
	free(v);
	return l;
}

struct latency stats_latency(const struct machine *m)
{
	return stats_summary(m->lat, m->nlat);
}

static void json_header(FILE *out, const struct machine *m)
{
	const char *scen = stats_info(m, "scenario"), *seed = stats_info(m, "seed");
	int first = 1;

	fputs("{\n  \"scenario\": ", out);
	json_str(out, scen ? scen : "");
	fprintf(out, ",\n  \"seed\": %s,\n  \"params\": {", seed ? seed : "0");
	for (uint32_t i = 0; i < m->ninfo; i++) {
		if (strncmp(m->info[i].key, "param.", 6) != 0)
			continue;
		fputs(first ? " " : ", ", out);
		json_str(out, m->info[i].key + 6);
		fputs(": ", out);
		/* Numbers and booleans as Lua printed them; anything odd (nan, inf) as a string. */
		if (m->info[i].type == 'b' ||
		    (m->info[i].type == 'n' && strspn(m->info[i].value, "0123456789.-+eE") ==
						       strlen(m->info[i].value)))
			fputs(m->info[i].value, out);
		else
			json_str(out, m->info[i].value);
		first = 0;
	}
	fprintf(out, "%s},\n  \"end_ns\": %" PRIu64 ",\n", first ? "" : " ", m->now);
	if (m->procrun)
		fprintf(out, "  \"io_busy_ns\": %" PRIu64 ",\n", m->io_busy_ns);
	fprintf(out, "  \"outcome\": \"%s\",\n", stats_outcome(m));
}

static void json_threads(FILE *out, const struct machine *m)
{
	struct schedfig sf = stats_sched_figures(m);    /* once: it walks every thread */
	int n = 0;

	fputs("  \"threads\": [", out);
	for (uint32_t i = 0; i < m->nthreads; i++) {
		const struct thread *t = m->threads[i];
		struct tfig f = stats_thread_figures(t);
		if (t->kind == THREAD_LWP)
			continue;
		fputs(n++ ? ",\n    { " : "\n    { ", out);
		fputs("\"name\": ", out);
		json_str(out, t->name);
		fputs(", \"process\": ", out);
		json_str(out, t->p->name);
		fprintf(out, ", \"model\": \"%s\", ", stats_model_name(t->p));
		json_u64(out, "arrival_ns", t->arrival, 1);
		json_u64(out, "first_run_ns", t->first_run, 1);
		json_u64(out, "finish_ns", t->state == T_EXITED ? t->finish : UNSET, 1);
		json_u64(out, "cpu_ns", t->cpu_ns, 1);
		json_u64(out, "response_ns", f.response, 1);
		json_u64(out, "turnaround_ns", f.turnaround, 1);
		json_u64(out, "wait_ns", t->wait_ns, 1);
		json_u64(out, "switches", t->switches + t->user_switches, 1);
		json_u64(out, "kernel_switches", t->switches, 1);
		json_u64(out, "user_switches", t->user_switches, 1);
		json_u64(out, "lost_ns", t->lost_ns, 1);
		json_u64(out, "migrations", t->migrations, 1);
		json_u64(out, "messages_sent", t->msgs_sent, 1);
		json_u64(out, "messages_received", t->msgs_recv, 1);
		if (stats_scheduled(&sf, t)) {
			fprintf(out, "\"tickets\": %u, \"share\": %.6f, \"ticket_share\": %.6f, ",
				sched_tickets(t), sf.cpu ? (double)t->cpu_ns / (double)sf.cpu : 0.0,
				(double)sched_tickets(t) / (double)sf.tickets);
		}
		fprintf(out, "\"state\": \"%s\" }", thread_state_name(t->state));
	}
	fputs("\n  ],\n", out);
}

static void json_sched(FILE *out, const struct machine *m)
{
	struct schedfig f = stats_sched_figures(m);

	fprintf(out, "  \"scheduling\": { \"policy\": \"%s\", \"queues\": \"%s\", \"completed\": %" PRIu64
		", \"throughput_per_s\": %.6f, \"jain_fairness\": %.6f, \"utilisation\": %.6f },\n",
		m->cfg.sched->name, m->cfg.percpu ? "per-cpu" : "global", f.done,
		m->now ? (double)f.done * 1e9 / (double)m->now : 0.0, f.jain, f.util);
}

/* The LWPs (and activations) of many-to-* processes: kernel threads that
 * carry user threads. */
static void json_kernel_threads(FILE *out, const struct machine *m)
{
	int n = 0;

	fputs("  \"kernel_threads\": [", out);
	for (uint32_t i = 0; i < m->nthreads; i++) {
		const struct thread *t = m->threads[i];
		if (t->kind != THREAD_LWP)
			continue;
		fputs(n++ ? ",\n    { " : "\n    { ", out);
		fputs("\"name\": ", out);
		json_str(out, t->name);
		fputs(", \"process\": ", out);
		json_str(out, t->p->name);
		fputs(", ", out);
		json_u64(out, "arrival_ns", t->arrival, 1);
		json_u64(out, "finish_ns", t->state == T_EXITED ? t->finish : UNSET, 1);
		json_u64(out, "cpu_ns", t->cpu_ns, 1);
		json_u64(out, "wait_ns", t->wait_ns, 1);
		json_u64(out, "switches", t->switches, 1);
		fprintf(out, "\"state\": \"%s\" }", thread_state_name(t->state));
	}
	fputs(n ? "\n  ],\n" : "],\n", out);
}

/* A process's memory figures, when the scenario uses memory: what it maps
 * at the end (0 once it has exited) and at most, and its faults. */
static void json_proc_memory(FILE *out, const struct machine *m, const struct proc *p)
{
	const struct as *as = p->as;

	if (!m->vm_used)
		return;
	if (p->parent)
		fprintf(out, ", \"parent\": \"%s\"", m->procs[p->parent - 1]->name);
	fprintf(out, ", \"frames\": %" PRIu64 ", \"frames_peak\": %" PRIu64
		", \"zero_fill_faults\": %" PRIu64 ", \"cow_faults\": %" PRIu64
		", \"pages_copied\": %" PRIu64, as ? as->resident : 0, as ? as->peak : 0,
		as ? as->zero_faults : 0, as ? as->cow_faults : 0, as ? as->pages_copied : 0);
}

static void json_procs(FILE *out, const struct machine *m)
{
	fputs("  \"processes\": [", out);
	for (uint32_t i = 0; i < m->nprocs; i++) {
		const struct proc *p = m->procs[i];
		fputs(i ? ",\n    { " : "\n    { ", out);
		fputs("\"name\": ", out);
		json_str(out, p->name);
		fprintf(out, ", \"pid\": %u, \"state\": \"%s\", \"model\": \"%s\", ", p->pid,
			proc_state(p), stats_model_name(p));
		if (p->model != MODEL_ONE_TO_ONE)
			fprintf(out, "\"lwps\": %u, \"activations\": %s, ", p->nlwp,
				p->activations ? "true" : "false");
		if (p->state == P_EXITED && !p->crashed)
			fprintf(out, "\"exit_code\": %d, ", p->exit_code);
		else
			fputs("\"exit_code\": null, ", out);
		fprintf(out, "\"daemon\": %s, \"faulted\": %s", p->daemon ? "true" : "false",
			p->faulted ? "true" : "false");
		if (m->ncrashes)
			fprintf(out, ", \"incarnation\": %u", p->incarnation);
		if (m->net)
			fprintf(out, ", \"node\": \"%s\"", net_node_of(m, p)->name);
		json_proc_memory(out, m, p);
		fputs(" }", out);
	}
	fputs("\n  ],\n", out);
}

static void json_cpus(FILE *out, const struct machine *m)
{
	fputs("  \"cpus\": [", out);
	for (uint32_t i = 0; i < m->cfg.cpus; i++) {
		const struct cpu *c = &m->cpus[i];
		fprintf(out, "%s{ \"id\": %u, \"busy_ns\": %" PRIu64 ", \"idle_ns\": %" PRIu64
			", \"utilisation\": %.6f, \"switches\": %" PRIu64 " }",
			i ? ",\n    " : "\n    ", c->id, c->busy_ns, m->now - c->busy_ns,
			m->now ? (double)c->busy_ns / (double)m->now : 0.0, c->switches);
	}
	fputs("\n  ],\n", out);
}

static void json_ipc(FILE *out, const struct machine *m)
{
	struct latency l = stats_latency(m);

	fprintf(out,
		"  \"ipc\": { \"messages\": %" PRIu64 ", \"bytes\": %" PRIu64 ", \"calls\": %" PRIu64
		", \"latency_ns\": { \"mean\": %" PRIu64 ", \"p50\": %" PRIu64 ", \"p99\": %" PRIu64
		", \"max\": %" PRIu64 " }, \"dropped\": %" PRIu64 ", \"duplicated\": %" PRIu64
		", \"delayed\": %" PRIu64 " },\n",
		m->msgs, m->msg_bytes, m->calls, l.mean, l.p50, l.p99, l.max, m->dropped,
		m->duplicated, m->delayed);
}

/* Copies of an entry: each letter's count, and all of them per call. */
static void json_copies(FILE *out, const struct rpcstat *e)
{
	uint64_t sum = 0;

	fputs(", \"copies\": {", out);
	for (int k = 0; k < RPCSTAT_COPY_KINDS; k++) {
		fprintf(out, "%s\"%c\": %" PRIu64, k ? ", " : " ", 'A' + k, e->copies[k]);
		sum += e->copies[k];
	}
	fprintf(out, " }, \"copies_per_call\": %.2f",
		e->calls ? (double)sum / (double)e->calls : 0.0);
}

static void json_rpc(FILE *out, const struct machine *m)
{
	fputs("  \"rpc\": [", out);
	for (uint32_t i = 0; i < m->nrpc; i++) {
		const struct rpcstat *e = &m->rpc[i];
		struct latency l = stats_summary(e->lat, e->nlat);
		fputs(i ? ",\n    { \"binding\": " : "\n    { \"binding\": ", out);
		json_str(out, e->binding);
		fputs(", \"method\": ", out);
		json_str(out, e->method);
		fprintf(out,
			", \"kind\": \"%s\", \"calls\": %" PRIu64 ", \"failed\": %" PRIu64
			", \"retransmissions\": %" PRIu64 ", \"executions\": %" PRIu64
			", \"duplicates\": %" PRIu64 ", \"latency_ns\": { \"mean\": %" PRIu64
			", \"p50\": %" PRIu64 ", \"p99\": %" PRIu64 ", \"max\": %" PRIu64 " }",
			e->kind, e->calls, e->failed, e->retransmissions, e->executions, e->duplicates,
			l.mean, l.p50, l.p99, l.max);
		json_copies(out, e);
		fputs(" }", out);
	}
	fputs(m->nrpc ? "\n  ],\n" : "],\n", out);
}

/* The LRPC totals, when the scenario exports an interface. */
static void json_lrpc(FILE *out, const struct machine *m)
{
	const struct lrpc_state *s = m->lrpc;

	if (!s)
		return;
	fprintf(out,
		"  \"lrpc\": { \"interfaces\": %u, \"bindings\": %u, \"calls\": %" PRIu64
		", \"mp_calls\": %" PRIu64 ", \"mp_returns\": %" PRIu64 ", \"revoked\": %" PRIu64
		", \"astack_waits\": %" PRIu64 ", \"estacks\": %" PRIu64
		", \"estack_associations\": %" PRIu64 ", \"prods\": %" PRIu64
		", \"global_refs\": %" PRIu64 ", \"rebinds\": %" PRIu64 " },\n",
		s->nifaces, s->nbindings, s->calls, s->mp_calls, s->mp_returns, s->revoked, s->waits,
		s->estacks, s->associations, s->prods, s->globals, s->rebinds);
}

/* What a server's processes (every incarnation has its name) used: CPU
 * time and threads, its own structure's cost. */
void stats_server_usage(const struct machine *m, const struct srvstat *e, uint64_t *cpu,
			 uint64_t *threads)
{
	*cpu = *threads = 0;
	for (uint32_t i = 0; i < m->nthreads; i++) {
		const struct thread *t = m->threads[i];
		if (t->kind != THREAD_LWP && strcmp(t->p->name, e->name) == 0) {
			*cpu += t->cpu_ns;
			(*threads)++;
		}
	}
}

/* The built-in servers' own figures; absent when the scenario declares
 * none, so the statistics of a scenario without them keep their shape. */
static void json_servers(FILE *out, const struct machine *m)
{
	uint64_t cpu, threads;

	if (!m->nsrv)
		return;
	fputs("  \"servers\": [", out);
	for (uint32_t i = 0; i < m->nsrv; i++) {
		const struct srvstat *e = m->srv[i];
		fputs(i ? ",\n    { \"name\": " : "\n    { \"name\": ", out);
		json_str(out, e->name);
		fprintf(out, ", \"kind\": \"%s\"", e->kind);
		for (uint32_t k = 0; k < e->nattr; k++) {
			fprintf(out, ", \"%s\": ", e->attr[k].key);
			json_str(out, e->attr[k].val);
		}
		stats_server_usage(m, e, &cpu, &threads);
		fprintf(out, ", \"cpu_ns\": %" PRIu64 ", \"threads\": %" PRIu64, cpu, threads);
		for (uint32_t k = 0; k < e->nfig; k++)
			fprintf(out, ", \"%s\": %" PRIu64, e->fig[k].key, e->fig[k].val);
		fputs(" }", out);
	}
	fputs("\n  ],\n", out);
}

/* The machine's memory, when the scenario uses it. */
static void json_vm(FILE *out, const struct machine *m)
{
	struct vm all;
	const struct vm *vm = &all;

	if (!m->vm_used)
		return;
	vmsys_totals(m, &all);
	fprintf(out,
		"  \"vm\": { \"page_size\": %u, \"frames\": %u, \"frames_used\": %u, "
		"\"frames_shared\": %u, \"frames_peak\": %u, \"zero_fill_faults\": %" PRIu64
		", \"cow_faults\": %" PRIu64 ", \"pages_copied\": %" PRIu64 ", \"forks\": %" PRIu64
		", \"ool_messages\": %" PRIu64 ", \"ool_pages\": %" PRIu64 ", \"segfaults\": %" PRIu64
		", \"out_of_memory\": %" PRIu64 " },\n",
		vm->page_size, vm->nframes, vm->used, vm->shared, vm->peak, vm->zero_faults,
		vm->cow_faults, vm->pages_copied, m->forks, m->ool_msgs, m->ool_pages, m->segfaults,
		m->oom_kills);
	vmsys_shm_stats(out, m, 'j');
}

/* The scenario's own figures, when it recorded any: absent otherwise, so
 * the statistics of other scenarios keep their shape. */
static void json_results(FILE *out, const struct machine *m)
{
	char v[RESULTS_VALUE_MAX];

	if (!m->results || !m->results->n)
		return;
	fputs("  \"results\": {", out);
	for (uint32_t i = 0; i < m->results->n; i++) {
		const struct result *e = &m->results->v[i];
		fputs(i ? ", " : " ", out);
		json_str(out, e->name);
		fprintf(out, ": %s", results_format(e, v, sizeof v));
	}
	fputs(" },\n", out);
}

static void json_deadlock(FILE *out, const struct machine *m)
{
	if (m->outcome != OUT_DEADLOCK) {
		fputs("  \"deadlock\": null\n}\n", out);
		return;
	}
	fputs("  \"deadlock\": { \"cycle\": [", out);
	for (uint32_t i = 0; i < m->ndeadlock; i++) {
		fputs(i ? ", " : " ", out);
		json_str(out, machine_thread((struct machine *)m, m->deadlock_tids[i])->name);
	}
	fputs(m->ndeadlock ? " ],\n    \"waits\": [" : "],\n    \"waits\": [", out);
	for (uint32_t i = 0; i < m->ndeadlock; i++) {
		struct thread *t = machine_thread((struct machine *)m, m->deadlock_tids[i]);
		struct dl_edge e;

		deadlock_edge((struct machine *)m, t, &e);
		fputs(i ? ",\n      { \"thread\": " : "\n      { \"thread\": ", out);
		json_str(out, t->name);
		fputs(", \"process\": ", out);
		json_str(out, t->p->name);
		fprintf(out, ", \"reason\": \"%s\", \"port\": ",
			thread_reason_name((enum treason)e.why));
		if (e.port)
			fprintf(out, "%u", e.port->id);
		else
			fputs("null", out);
		fputs(", \"port_name\": ", out);
		json_str(out, e.port ? e.port->label : "");
		fputs(", \"on\": ", out);
		if (e.on)
			json_str(out, e.on->name);
		else
			fputs("null", out);
		fputs(", \"on_thread\": ", out);
		if (e.on_thread)
			json_str(out, e.on_thread->name);
		else
			fputs("null", out);
		fputs(" }", out);
	}
	fputs(m->ndeadlock ? "\n    ],\n    \"report\": " : "],\n    \"report\": ", out);
	json_str(out, m->deadlock_report ? m->deadlock_report : "");
	fputs(" }\n}\n", out);
}

void stats_json(FILE *out, const struct machine *m)
{
	json_header(out, m);
	json_threads(out, m);
	json_kernel_threads(out, m);
	json_procs(out, m);
	json_cpus(out, m);
	json_sched(out, m);
	json_ipc(out, m);
	json_rpc(out, m);
	json_lrpc(out, m);
	net_stats(out, m, 'j');
	migrate_stats(out, m, 'j');
	if (m->stats_hook)
		m->stats_hook(out, m, 'j');
	json_servers(out, m);
	json_vm(out, m);
	json_results(out, m);
	json_deadlock(out, m);
}
