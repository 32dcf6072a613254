/*
 * stats.c - writing the statistics. Everything is computed from the
 * machine's final state; nothing here changes it.
 *
 * Definitions (textbook): response = first run - arrival; turnaround =
 * finish - arrival; wait = time ready but not running.
 */
#include "stats.h"

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
#include "rpcstat.h"
#include "srvstat.h"
#include "thread.h"
#include "units.h"
#include "vm.h"

#define UNSET UINT64_MAX

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

/* The threads the scheduling figures are about: jobs when there are any,
 * else the user-visible threads of non-daemon processes. */
static int scheduled(const struct machine *m, const struct thread *t)
{
	int jobs = 0;

	for (uint32_t i = 0; i < m->nprocs && !jobs; i++)
		jobs = m->procs[i]->job_ns != 0;
	if (t->kind == THREAD_LWP)
		return 0;
	return jobs ? t->p->job_ns != 0 : !t->p->daemon;
}

struct schedfig {
	uint64_t cpu, tickets, done;
	double jain, util;
};

static struct schedfig sched_figures(const struct machine *m)
{
	struct schedfig f = { 0, 0, 0, 1.0, 0.0 };
	double sum = 0, sq = 0, busy = 0;
	uint32_t n = 0;

	for (uint32_t i = 0; i < m->nthreads; i++) {
		const struct thread *t = m->threads[i];
		if (!scheduled(m, t))
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

static const char *model_name(const struct proc *p)
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

static const char *info(const struct machine *m, const char *key)
{
	for (uint32_t i = 0; i < m->ninfo; i++)
		if (strcmp(m->info[i].key, key) == 0)
			return m->info[i].value;
	return NULL;
}

/* Per-thread figures; response and turnaround are UNSET when not applicable. */
struct tfig {
	uint64_t response, turnaround;
};

static struct tfig figures(const struct thread *t)
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

struct latency {
	uint64_t mean, p50, p99, max;
};

/* Mean, median, 99th percentile and maximum of n samples. */
static struct latency summary(const uint64_t *lat, uint64_t n)
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

static struct latency latency(const struct machine *m)
{
	return summary(m->lat, m->nlat);
}

static void json_header(FILE *out, const struct machine *m)
{
	const char *scen = info(m, "scenario"), *seed = info(m, "seed");
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
	struct schedfig sf = sched_figures(m);    /* once: it walks every thread */
	int n = 0;

	fputs("  \"threads\": [", out);
	for (uint32_t i = 0; i < m->nthreads; i++) {
		const struct thread *t = m->threads[i];
		struct tfig f = figures(t);
		if (t->kind == THREAD_LWP)
			continue;
		fputs(n++ ? ",\n    { " : "\n    { ", out);
		fputs("\"name\": ", out);
		json_str(out, t->name);
		fputs(", \"process\": ", out);
		json_str(out, t->p->name);
		fprintf(out, ", \"model\": \"%s\", ", model_name(t->p));
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
		if (scheduled(m, t)) {
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
	struct schedfig f = sched_figures(m);

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
			proc_state(p), model_name(p));
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
	struct latency l = latency(m);

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
		struct latency l = summary(e->lat, e->nlat);
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
		", \"estack_associations\": %" PRIu64 ", \"prods\": %" PRIu64 " },\n",
		s->nifaces, s->nbindings, s->calls, s->mp_calls, s->mp_returns, s->revoked, s->waits,
		s->estacks, s->associations, s->prods);
}

/* What a server's processes (every incarnation has its name) used: CPU
 * time and threads, its own structure's cost. */
static void server_usage(const struct machine *m, const struct srvstat *e, uint64_t *cpu,
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
		server_usage(m, e, &cpu, &threads);
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
	const struct vm *vm = &m->vm;

	if (!m->vm_used)
		return;
	fprintf(out,
		"  \"vm\": { \"page_size\": %u, \"frames\": %u, \"frames_used\": %u, "
		"\"frames_shared\": %u, \"frames_peak\": %u, \"zero_fill_faults\": %" PRIu64
		", \"cow_faults\": %" PRIu64 ", \"pages_copied\": %" PRIu64 ", \"forks\": %" PRIu64
		", \"ool_messages\": %" PRIu64 ", \"ool_pages\": %" PRIu64 ", \"segfaults\": %" PRIu64
		", \"out_of_memory\": %" PRIu64 " },\n",
		vm->page_size, vm->nframes, vm->used, vm->shared, vm->peak, vm->zero_faults,
		vm->cow_faults, vm->pages_copied, m->forks, m->ool_msgs, m->ool_pages, m->segfaults,
		m->oom_kills);
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
	json_deadlock(out, m);
}

static void csv_u64(FILE *out, uint64_t v)
{
	if (v != UNSET)
		fprintf(out, "%" PRIu64, v);
	fputc(',', out);
}

void stats_csv(FILE *out, const struct machine *m)
{
	struct schedfig sf = sched_figures(m);

	fputs("thread,process,state,arrival_ns,first_run_ns,finish_ns,cpu_ns,response_ns,"
	      "turnaround_ns,wait_ns,switches,messages_sent,messages_received,model,"
	      "kernel_switches,user_switches,lost_ns,migrations,tickets,share,ticket_share\n", out);
	for (uint32_t i = 0; i < m->nthreads; i++) {
		const struct thread *t = m->threads[i];
		struct tfig f = figures(t);
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
		fprintf(out, "%s,%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",", model_name(t->p),
			t->switches, t->user_switches, t->lost_ns, t->migrations);
		if (scheduled(m, t))
			fprintf(out, "%u,%.6f,%.6f\n", sched_tickets(t),
				sf.cpu ? (double)t->cpu_ns / (double)sf.cpu : 0.0,
				(double)sched_tickets(t) / (double)sf.tickets);
		else
			fputs(",,\n", out);
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
		fprintf(out, "\n%s: %s, %u %s\n", p->name, model_name(p), p->nlwp,
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
	const struct vm *vm = &m->vm;

	if (!m->vm_used)
		return;
	fprintf(out, "vm     %u frames of %u bytes: %u used, %u shared at the end (peak %u); %" PRIu64
		" zero-fill, %" PRIu64 " copy-on-write faults, %" PRIu64 " pages copied; %" PRIu64
		" forks, %" PRIu64 " out-of-line messages (%" PRIu64 " pages); %" PRIu64
		" segfaults, %" PRIu64 " out of memory\n",
		vm->nframes, vm->page_size, vm->used, vm->shared, vm->peak, vm->zero_faults,
		vm->cow_faults, vm->pages_copied, m->forks, m->ool_msgs, m->ool_pages, m->segfaults,
		m->oom_kills);
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
		server_usage(m, e, &cpu, &threads);
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

void stats_text(FILE *out, const struct machine *m)
{
	char a[32], b[32], c[32], d[32], e[32];
	struct latency l = latency(m);
	const char *scen = info(m, "scenario"), *seed = info(m, "seed");

	fprintf(out, "%s  seed %s  %s at %s  (%" PRIu64 " events)\n\n", scen ? scen : "?",
		seed ? seed : "?", stats_outcome(m), dur(m->now, a, sizeof a), m->events);
	fprintf(out, "%-16s %-12s %-8s %10s %10s %10s %10s %6s %6s %6s\n", "thread", "process",
		"state", "cpu", "response", "turnaround", "wait", "switch", "sent", "recv");
	for (uint32_t i = 0; i < m->nthreads; i++) {
		const struct thread *t = m->threads[i];
		struct tfig f = figures(t);
		if (t->kind == THREAD_LWP)
			continue;
		fprintf(out, "%-16s %-12s %-8s %10s %10s %10s %10s %6" PRIu64 " %6" PRIu64 " %6" PRIu64 "\n",
			t->name, t->p->name, thread_state_name(t->state), dur(t->cpu_ns, a, sizeof a),
			dur(f.response, b, sizeof b), dur(f.turnaround, c, sizeof c),
			dur(t->wait_ns, d, sizeof d), t->switches + t->user_switches, t->msgs_sent,
			t->msgs_recv);
	}
	text_models(out, m);
	fputc('\n', out);
	for (uint32_t i = 0; i < m->cfg.cpus; i++) {
		const struct cpu *cp = &m->cpus[i];
		double pct = m->now ? 100.0 * (double)cp->busy_ns / (double)m->now : 0.0;
		fprintf(out, "cpu%-3u busy %10s (%5.1f%%)  switches %" PRIu64 "\n", cp->id,
			dur(cp->busy_ns, a, sizeof a), pct, cp->switches);
	}
	{
		struct schedfig f = sched_figures(m);
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
		struct latency rl = summary(r->lat, r->nlat);
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
	net_stats(out, m, 't');
	migrate_stats(out, m, 't');
	if (m->stats_hook)
		m->stats_hook(out, m, 't');
	text_servers(out, m);
	text_vm(out, m);
	if (m->outcome == OUT_DEADLOCK)
		fputs("\n(the deadlock report is on stderr)\n", out);
}
