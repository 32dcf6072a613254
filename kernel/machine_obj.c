/*
 * machine_obj.c - the machine as an object: setting it up and freeing
 * everything it owns, the tables of processes, threads and ports, the run's
 * description and trace sinks, and the small services other kernel modules
 * use to post events (timers, notices, delayed deliveries, crashes) or to
 * log. The kernel loop that runs it is machine.c. API: machine.h.
 */
#include "machine.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crash.h"
#include "deadlock.h"
#include "ktimer.h"
#include "lrpc.h"
#include "migrate.h"
#include "msg.h"
#include "net.h"
#include "port.h"
#include "procrun.h"
#include "proc.h"
#include "rpcstat.h"
#include "srvstat.h"
#include "syscall.h"
#include "thread.h"
#include "vmsys.h"

/* Machines initialised and not yet freed, in this host process: messages
 * are not owned by a machine, so only the last one reclaims them. */
static unsigned live_machines;

int machine_init(struct machine *m, const struct machine_config *cfg)
{
	memset(m, 0, sizeof *m);
	m->cfg = *cfg;
	evq_init(&m->evq);
	rng_seed(&m->rng, cfg->seed);
	m->sched.ops = cfg->percpu ? &sched_percpu_ops : cfg->sched;
	m->sched.quantum = cfg->quantum_ns;
	m->sched.m = m;
	if (m->sched.ops->init && m->sched.ops->init(&m->sched) != 0)
		return -1;
	m->cpus = calloc(cfg->cpus, sizeof *m->cpus);
	if (!m->cpus)
		return -1;
	for (uint32_t i = 0; i < cfg->cpus; i++)
		m->cpus[i].id = i;
	m->idle_cpus = cfg->cpus;
	if (vmsys_init(m) != 0)
		return -1;
	stackpool_init(&m->stacks, UK_STACK_BYTES, UK_GUARD_LIMIT);
	live_machines++;
	return 0;
}

/* Messages still held in flight when the run ended belong to their events. */
static void free_in_flight(struct machine *m)
{
	for (size_t i = 0; i < m->evq.n; i++)
		if (m->evq.heap[i].kind == EV_DELIVER)
			msg_free(m->evq.heap[i].obj);
		else if (m->evq.heap[i].kind == EV_PACKET)
			net_packet_drop(m->evq.heap[i].obj, m->evq.heap[i].gen);
}

void machine_free(struct machine *m)
{
	int was_live = m->cpus != NULL;    /* machine_init went through */

	free_in_flight(m);
	lrpc_free(m);
	for (uint32_t i = 0; i < m->nthreads; i++) {
		struct thread *t = m->threads[i];
		if (t->body_data)
			t->body->destroy(t);
		if (t->sc.m)
			msg_free(t->sc.m);
		free(t->sc.ptr);
		free(t);
	}
	for (uint32_t i = 0; i < m->nprocs; i++)
		proc_free(m->procs[i]);
	for (uint32_t i = 0; i < m->nports; i++)
		port_free(m->ports[i]);
	for (uint32_t i = 0; i < m->ninfo; i++) {
		free(m->info[i].key);
		free(m->info[i].value);
	}
	free(m->threads);
	free(m->procs);
	free(m->ports);
	free(m->info);
	free(m->cpus);
	free(m->sinks);
	free(m->lat);
	rpcstat_free(m);
	srvstat_free(m);
	free(m->faults);
	free(m->crashes);
	free(m->svcs);
	free(m->svcnames);
	free(m->deadlock_report);
	free(m->frames_report);
	free(m->deadlock_tids);
	evq_free(&m->evq);
	procrun_free(m);
	net_free(m);
	migrate_free(m);
	if (m->sched.ops && m->sched.ops->fini)
		m->sched.ops->fini(&m->sched);
	sched_rq_free(&m->sched);
	stackpool_free(&m->stacks);
	/* What a run stopped in the middle leaves: the messages a suspended
	 * C body holds on its stack (a server's request it has not freed).
	 * Everything else that holds messages freed them above. */
	if (was_live && live_machines)
		live_machines--;
	if (!live_machines)
		msg_reclaim();
	msg_pool_drain();
	vmsys_fini(m);
	memset(m, 0, sizeof *m);
}

/* Append obj to a growable pointer array. */
static int grow_push(void ***arr, uint32_t *n, uint32_t *cap, void *obj)
{
	if (*n == *cap) {
		uint32_t c = *cap ? *cap * 2 : 16;
		void **a = realloc(*arr, c * sizeof *a);
		if (!a)
			return -1;
		*arr = a;
		*cap = c;
	}
	(*arr)[(*n)++] = obj;
	return 0;
}

int machine_add_proc(struct machine *m, struct proc *p)
{
	if (grow_push((void ***)&m->procs, &m->nprocs, &m->procs_cap, p) != 0)
		return -1;
	p->pid = m->nprocs;
	if (p->start_ns < m->now)
		p->start_ns = m->now;   /* made during the run (a restart): it starts now */
	return evq_push(&m->evq, p->start_ns, EV_START, 0, p);
}

int machine_add_thread(struct machine *m, struct thread *t)
{
	if (grow_push((void ***)&m->threads, &m->nthreads, &m->threads_cap, t) != 0)
		return -1;
	t->tid = m->nthreads;
	return 0;
}

int machine_add_port(struct machine *m, struct port *pt)
{
	if (grow_push((void ***)&m->ports, &m->nports, &m->ports_cap, pt) != 0)
		return -1;
	pt->id = m->nports;
	return 0;
}

struct thread *machine_thread(struct machine *m, uint32_t tid)
{
	return tid >= 1 && tid <= m->nthreads ? m->threads[tid - 1] : NULL;
}

int machine_info(struct machine *m, const char *key, const char *value)
{
	struct kv *a = realloc(m->info, (m->ninfo + 1) * sizeof *a);
	char *k, *v;

	if (!a)
		return -1;
	m->info = a;
	k = strdup(key);
	v = strdup(value);
	if (!k || !v) {
		free(k);
		free(v);
		return -1;
	}
	a[m->ninfo].key = k;
	a[m->ninfo].value = v;
	a[m->ninfo].type = 's';
	m->ninfo++;
	return 0;
}

int machine_param(struct machine *m, const char *name, const char *value, char type)
{
	char *key;
	int r;

	if (asprintf(&key, "param.%s", name) < 0)
		return -1;
	r = machine_info(m, key, value);
	free(key);
	if (r == 0)
		m->info[m->ninfo - 1].type = type;
	return r;
}

int machine_add_sink(struct machine *m, const struct trace_sink *s)
{
	struct trace_sink *a = realloc(m->sinks, (m->nsinks + 1) * sizeof *a);

	if (!a)
		return -1;
	m->sinks = a;
	a[m->nsinks++] = *s;
	m->tw = m->nsinks == 1 ? trace_sink_wbuf(&m->sinks[0]) : NULL;
	return 0;
}

void machine_remove_sink(struct machine *m, const void *ctx)
{
	for (uint32_t i = 0; i < m->nsinks; i++)
		if (m->sinks[i].ctx == ctx) {
			memmove(&m->sinks[i], &m->sinks[i + 1], (m->nsinks - i - 1) * sizeof *m->sinks);
			m->nsinks--;
			m->tw = m->nsinks == 1 ? trace_sink_wbuf(&m->sinks[0]) : NULL;
			return;
		}
}

void machine_latency(struct machine *m, uint64_t ns)
{
	if (m->nlat == m->lat_cap) {
		uint64_t cap = m->lat_cap ? m->lat_cap * 2 : 1024;
		uint64_t *a = realloc(m->lat, cap * sizeof *a);
		if (!a)
			return;   /* statistics only: lose the sample, not the run */
		m->lat = a;
		m->lat_cap = cap;
	}
	m->lat[m->nlat++] = ns;
}

int machine_deliver_at(struct machine *m, uint64_t when, struct msg *msg)
{
	if (evq_push(&m->evq, when, EV_DELIVER, 0, msg) != 0) {
		msg_free(msg);
		m->oom = 1;
		return -1;
	}
	return 0;
}

int machine_crash_at(struct machine *m, uint64_t when, uint32_t i)
{
	return evq_push(&m->evq, when, EV_CRASH, i, NULL);
}

void machine_log(struct machine *m, const char *fmt, ...)
{
	va_list ap;
	char *text;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&text, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	TRACE_STR(m, TR_LOG, text, (size_t)n, 0);
	if (m->log_hook)
		m->log_hook(m, NULL, text);
	free(text);
}

void machine_timer(struct machine *m, struct thread *t, uint64_t when)
{
	t->tgen++;
	if (evq_push(&m->evq, when, EV_TIMER, t->tgen, t) != 0)
		m->oom = 1;
}

int machine_notice_at(struct machine *m, uint64_t when, struct ktimer *kt)
{
	return evq_push(&m->evq, when, EV_NOTICE, 0, kt);
}
