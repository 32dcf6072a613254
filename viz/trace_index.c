/*
 * trace_index.c - building the trace index one record at a time (API:
 * trace_index.h; sealing, loading and the queries: trace_index_seal.c).
 *
 * The one idea: every record is handled by one small function chosen from a
 * table by its kind; each appends to growable arrays and keeps the little
 * open state the next records need (a thread's current state since when, a
 * CPU's current thread). Identifiers from the file go
 * through hash maps to dense indices, so no array is sized by a number the
 * file claims: memory grows with the records actually read.
 */
#include "trace_index_impl.h"

#include <stdlib.h>
#include <string.h>

enum { NAME_MAX_SHOWN = 120, TEXT_MAX_SHOWN = 400, TI_MAX_CPUS = 4096 };

/* ---- growable arrays and the id maps ---- */

int ti_grow(void **p, size_t *cap, size_t n, size_t size)
{
	size_t c = *cap ? *cap : 16;
	void *q;

	if (n <= *cap)
		return 0;
	while (c < n)
		c *= 2;
	if (c > SIZE_MAX / size || !(q = realloc(*p, c * size)))
		return -1;
	*p = q;
	*cap = c;
	return 0;
}

#define GROW(arr, cap, n) ti_grow((void **)&(arr), &(cap), (n), sizeof *(arr))

static size_t map_slot(const struct ti_map *m, uint64_t key)
{
	size_t i = (size_t)((key * 0x9e3779b97f4a7c15ull) >> 17) & (m->cap - 1);

	while (m->e[i].val != TI_NONE && m->e[i].key != key)
		i = (i + 1) & (m->cap - 1);
	return i;
}

static int map_grow(struct ti_map *m)
{
	struct ti_map n = { NULL, m->cap ? m->cap * 2 : 64, m->n };

	if (!(n.e = malloc(n.cap * sizeof *n.e)))
		return -1;
	for (size_t i = 0; i < n.cap; i++)
		n.e[i].val = TI_NONE;
	for (size_t i = 0; i < m->cap; i++)
		if (m->e[i].val != TI_NONE)
			n.e[map_slot(&n, m->e[i].key)] = m->e[i];
	free(m->e);
	*m = n;
	return 0;
}

uint32_t ti_map_get(const struct ti_map *m, uint64_t key)
{
	return m->cap ? m->e[map_slot(m, key)].val : TI_NONE;
}

int ti_map_put(struct ti_map *m, uint64_t key, uint32_t val)
{
	size_t i;

	if (2 * (m->n + 1) > m->cap && map_grow(m) != 0)
		return -1;
	i = map_slot(m, key);
	if (m->e[i].val == TI_NONE)
		m->n++;
	m->e[i].key = key;
	m->e[i].val = val;
	return 0;
}

/* ---- strings ---- */

/* Append s (len bytes, at most max kept) to the pool, printable: control
 * bytes become '?'. Returns its offset, or 0 ("") when memory runs out. */
static uint32_t pool_add(struct trace_index *ix, const char *s, size_t len, size_t max)
{
	struct ti_build *b = ix->b;
	size_t off = ix->strlen;

	if (len > max)
		len = max;
	if (off + len + 1 > UINT32_MAX || GROW(ix->strs, b->strcap, off + len + 1) != 0)
		return 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		ix->strs[off + i] = c < ' ' || c == 0x7f ? '?' : (char)c;
	}
	ix->strs[off + len] = '\0';
	ix->strlen = off + len + 1;
	return (uint32_t)off;
}

uint32_t ti_pool_add(struct trace_index *ix, const char *s, size_t len, size_t max)
{
	return pool_add(ix, s, len, max);
}

static uint32_t pool_fmt(struct trace_index *ix, const char *what, uint64_t id)
{
	char buf[48];
	int n = snprintf(buf, sizeof buf, "%s %llu", what, (unsigned long long)id);

	return pool_add(ix, buf, (size_t)n, sizeof buf);
}

/* ---- entities, made on first mention ---- */

uint32_t ti_proc_get(struct trace_index *ix, uint64_t pid, uint64_t ns)
{
	uint32_t i = ti_map_get(&ix->b->pids, pid);
	struct ti_proc *p;

	if (i != TI_NONE)
		return i;
	if (GROW(ix->procs, ix->b->proccap, ix->nprocs + 1) != 0 ||
	    ti_map_put(&ix->b->pids, pid, (uint32_t)ix->nprocs) != 0)
		return TI_NONE;
	p = &ix->procs[ix->nprocs];
	memset(p, 0, sizeof *p);
	p->pid = pid;
	p->born = ns;
	p->died = TI_NEVER;
	p->node = TI_NONE;
	p->lane = TI_NONE;
	/* pid 0 is the kernel itself: the sender of its notices */
	p->name = pid ? pool_fmt(ix, "process", pid) : pool_add(ix, "kernel", 6, 6);
	return (uint32_t)ix->nprocs++;
}

uint32_t ti_thread_get(struct trace_index *ix, uint64_t tid, uint64_t pid, uint64_t ns)
{
	struct ti_build *b = ix->b;
	uint32_t i = ti_map_get(&b->tids, tid), pr;
	struct ti_thread *t;

	if (i != TI_NONE)
		return i;
	if ((pr = ti_proc_get(ix, pid, ns)) == TI_NONE ||
	    GROW(ix->threads, b->threadcap, ix->nthreads + 1) != 0 ||
	    GROW(b->open, b->opencap, ix->nthreads + 1) != 0 ||
	    ti_map_put(&b->tids, tid, (uint32_t)ix->nthreads) != 0)
		return TI_NONE;
	t = &ix->threads[ix->nthreads];
	memset(t, 0, sizeof *t);
	t->tid = tid;
	t->proc = pr;
	t->sub = ix->procs[pr].nthreads++;
	t->born = ns;
	t->died = TI_NEVER;
	t->lane = TI_NONE;
	t->name = tid ? pool_fmt(ix, "thread", tid) : pool_add(ix, "kernel", 6, 6);
	b->open[ix->nthreads] = (struct ti_open){ ns, TI_NONE, TI_EXITED, 0, UINT16_MAX };
	return (uint32_t)ix->nthreads++;
}

uint32_t ti_port_get(struct trace_index *ix, uint64_t id, uint64_t ns)
{
	struct ti_build *b = ix->b;
	uint32_t i = ti_map_get(&b->portids, id);
	struct ti_port *pt;

	if (i != TI_NONE)
		return i;
	if (GROW(ix->ports, b->portcap, ix->nports + 1) != 0 ||
	    ti_map_put(&b->portids, id, (uint32_t)ix->nports) != 0)
		return TI_NONE;
	pt = &ix->ports[ix->nports];
	memset(pt, 0, sizeof *pt);
	pt->id = id;
	pt->owner = TI_NONE;
	pt->born = ns;
	pt->died = TI_NEVER;
	pt->reply_only = 1;
	return (uint32_t)ix->nports++;
}

/* ---- the open state: intervals and runs ---- */

static int push_interval(struct trace_index *ix, uint32_t th, uint64_t t1)
{
	struct ti_build *b = ix->b;
	struct ti_open *o = &b->open[th];

	if (o->state == TI_EXITED || t1 <= o->t0)
		return 0;
	if (GROW(ix->ivs, b->ivcap, ix->nivs + 1) != 0 ||
	    GROW(b->iv_thread, b->ivthcap, ix->nivs + 1) != 0)
		return -1;
	ix->ivs[ix->nivs] = (struct ti_interval){ o->t0, t1, o->port, o->state, o->reason };
	b->iv_thread[ix->nivs++] = th;
	return 0;
}

int ti_close_run(struct trace_index *ix, uint32_t c, uint64_t t1)
{
	struct ti_build *b = ix->b;
	struct ti_cpu_open *o = &b->cpu_open[c];
	uint32_t th = o->thread;

	if (th == TI_NONE)
		return 0;
	o->thread = TI_NONE;
	b->open[th].cpu = UINT16_MAX;
	if (t1 <= o->t0)
		return 0;
	if (GROW(ix->runs, b->runcap, ix->nruns + 1) != 0 ||
	    GROW(b->run_cpu, b->runcpucap, ix->nruns + 1) != 0)
		return -1;
	ix->runs[ix->nruns] = (struct ti_run){ o->t0, t1, th, 0 };
	b->run_cpu[ix->nruns++] = c;
	return 0;
}

/* ---- one function per record kind ---- */

static int rec_proc_new(struct trace_index *ix, uint64_t ns, const uint64_t *a, const char *s,
			size_t len)
{
	uint32_t i = ti_proc_get(ix, a[0], ns);
	struct ti_proc *p;

	if (i == TI_NONE)
		return -1;
	p = &ix->procs[i];
	p->born = ns;
	p->daemon = a[1] != 0;
	p->name = pool_add(ix, s, len, NAME_MAX_SHOWN);
	p->nameserver = p->daemon && strcmp(ix->strs + p->name, "name") == 0;
	return 0;
}

static int rec_proc_exit(struct trace_index *ix, uint64_t ns, const uint64_t *a, const char *s,
			 size_t len)
{
	uint32_t i = ti_proc_get(ix, a[0], ns);

	(void)s, (void)len;
	if (i == TI_NONE)
		return -1;
	ix->procs[i].died = ns;
	ix->procs[i].exit_code = (int32_t)(int64_t)(a[1] - 2147483648ull);
	ix->procs[i].faulted = a[2] < 3 ? (uint8_t)a[2] : 1;
	return 0;
}

static int rec_thread_new(struct trace_index *ix, uint64_t ns, const uint64_t *a, const char *s,
			  size_t len)
{
	uint32_t i = ti_thread_get(ix, a[0], a[1], ns);

	if (i == TI_NONE)
		return -1;
	ix->threads[i].born = ns;
	ix->threads[i].name = pool_add(ix, s, len, NAME_MAX_SHOWN);
	return 0;
}

static int rec_thread_state(struct trace_index *ix, uint64_t ns, const uint64_t *a,
			    const char *s, size_t len)
{
	uint32_t th = ti_thread_get(ix, a[0], 0, ns), pt = TI_NONE;
	struct ti_open *o;

	(void)s, (void)len;
	if (th == TI_NONE || (a[3] && (pt = ti_port_get(ix, a[3], ns)) == TI_NONE))
		return -1;
	if (a[1] >= TI_STATE_COUNT)
		return 0;                     /* a value this reader does not know */
	if (push_interval(ix, th, ns) != 0)
		return -1;
	o = &ix->b->open[th];
	if (a[1] != TI_RUNNING && o->cpu != UINT16_MAX && ti_close_run(ix, o->cpu, ns) != 0)
		return -1;
	o->t0 = ns;
	o->state = (uint8_t)a[1];
	o->reason = a[2] < UINT8_MAX ? (uint8_t)a[2] : UINT8_MAX;
	o->port = pt;
	if (a[1] == TI_EXITED)
		ix->threads[th].died = ns;
	return 0;
}

/* The open run of CPU c, making room for CPUs up to c. */
static struct ti_cpu_open *cpu_get(struct trace_index *ix, uint64_t c)
{
	struct ti_build *b = ix->b;

	if (c >= TI_MAX_CPUS)
		return NULL;
	if (GROW(b->cpu_open, b->cpuopencap, c + 1) != 0)
		return NULL;
	while (ix->ncpus <= c)
		b->cpu_open[ix->ncpus++] = (struct ti_cpu_open){ 0, TI_NONE };
	return &b->cpu_open[c];
}

static int rec_dispatch(struct trace_index *ix, uint64_t ns, const uint64_t *a, const char *s,
			size_t len)
{
	uint32_t th = ti_thread_get(ix, a[1], 0, ns);
	struct ti_cpu_open *o;
	struct ti_open *to;

	(void)s, (void)len;
	if (th == TI_NONE)
		return -1;
	if (!(o = cpu_get(ix, a[0])))
		return 0;                     /* an absurd CPU number: ignored */
	if (ti_close_run(ix, (uint32_t)a[0], ns) != 0)
		return -1;
	to = &ix->b->open[th];
	if (to->cpu != UINT16_MAX && ti_close_run(ix, to->cpu, ns) != 0)
		return -1;
	o->thread = th;
	o->t0 = ns;
	to->cpu = (uint16_t)a[0];
	return 0;
}

static int rec_idle(struct trace_index *ix, uint64_t ns, const uint64_t *a, const char *s,
		    size_t len)
{
	(void)s, (void)len;
	if (!cpu_get(ix, a[0]))
		return 0;
	return ti_close_run(ix, (uint32_t)a[0], ns);
}

static int rec_port_new(struct trace_index *ix, uint64_t ns, const uint64_t *a, const char *s,
			size_t len)
{
	uint32_t pt = ti_port_get(ix, a[0], ns), owner = TI_NONE;

	(void)s, (void)len;
	if (pt == TI_NONE || (a[1] && (owner = ti_proc_get(ix, a[1], ns)) == TI_NONE))
		return -1;
	ix->ports[pt].owner = owner;
	ix->ports[pt].born = ns;
	ix->ports[pt].qlimit = a[2];
	return 0;
}

static int rec_port_dead(struct trace_index *ix, uint64_t ns, const uint64_t *a, const char *s,
			 size_t len)
{
	uint32_t pt = ti_port_get(ix, a[0], ns);

	(void)s, (void)len;
	if (pt == TI_NONE)
		return -1;
	ix->ports[pt].died = ns;
	return 0;
}

static int rec_port_label(struct trace_index *ix, uint64_t ns, const uint64_t *a, const char *s,
			  size_t len)
{
	uint32_t pt = ti_port_get(ix, a[0], ns);

	if (pt == TI_NONE)
		return -1;
	ix->ports[pt].label = pool_add(ix, s, len, NAME_MAX_SHOWN);
	return 0;
}

static int rec_log(struct trace_index *ix, uint64_t ns, const uint64_t *a, const char *s,
		   size_t len)
{
	uint32_t th = ti_thread_get(ix, a[0], 0, ns);

	if (th == TI_NONE || GROW(ix->logs, ix->b->logcap, ix->nlogs + 1) != 0)
		return -1;
	ix->logs[ix->nlogs++] = (struct ti_log){ ns, th, pool_add(ix, s, len, TEXT_MAX_SHOWN) };
	return 0;
}

static int rec_name(struct trace_index *ix, uint64_t ns, const uint64_t *a, const char *s,
		    size_t len)
{
	uint32_t pr = ti_proc_get(ix, a[0], ns), pt = TI_NONE;
	struct ti_name *nm;

	if (pr == TI_NONE || (a[1] && (pt = ti_port_get(ix, a[1], ns)) == TI_NONE) ||
	    GROW(ix->names, ix->b->namecap, ix->nnames + 1) != 0)
		return -1;
	nm = &ix->names[ix->nnames++];
	*nm = (struct ti_name){ ns, pr, pt, (uint8_t)(a[2] < 4 ? a[2] : 0), a[3] != 0,
				pool_add(ix, s, len, NAME_MAX_SHOWN) };
	if (nm->op == 1 && nm->ok && pt != TI_NONE) {
		ix->ports[pt].registered = 1;
		if (!ix->ports[pt].label)
			ix->ports[pt].label = nm->name;
	}
	return 0;
}

static int rec_wait(struct trace_index *ix, uint64_t ns, const uint64_t *a, const char *s,
		    size_t len)
{
	uint32_t th = ti_thread_get(ix, a[0], 0, ns), pt = TI_NONE, pr = TI_NONE, on = TI_NONE;

	(void)s, (void)len;
	if (th == TI_NONE || (a[2] && (pt = ti_port_get(ix, a[2], ns)) == TI_NONE) ||
	    (a[3] && (pr = ti_proc_get(ix, a[3], ns)) == TI_NONE) ||
	    (a[4] && (on = ti_thread_get(ix, a[4], a[3], ns)) == TI_NONE) ||
	    GROW(ix->waitfor, ix->b->waitcap, ix->nwaitfor + 1) != 0)
		return -1;
	ix->waitfor[ix->nwaitfor++] = (struct ti_wait){ ns, th, pt, pr, on,
							(uint8_t)(a[1] < 256 ? a[1] : 255) };
	return 0;
}

/* A page fault: the thread that took it (none: a fault the kernel took on
 * nobody's behalf, not drawn). */
static int rec_page_fault(struct trace_index *ix, uint64_t ns, const uint64_t *a, const char *s,
			  size_t len)
{
	uint32_t th;

	(void)s, (void)len;
	if (!a[0])
		return 0;
	if ((th = ti_thread_get(ix, a[0], a[1], ns)) == TI_NONE ||
	    GROW(ix->pfaults, ix->b->pfaultcap, ix->npfaults + 1) != 0)
		return -1;
	ix->pfaults[ix->npfaults++] = (struct ti_pfault){ ns, th, (uint8_t)(a[3] < 256 ? a[3] : 255) };
	return 0;
}

typedef int (*rec_fn)(struct trace_index *ix, uint64_t ns, const uint64_t *a, const char *s,
		      size_t len);

static const rec_fn handlers[TR_KIND_COUNT] = {
	[TR_PROC_NEW] = rec_proc_new,
	[TR_PROC_EXIT] = rec_proc_exit,
	[TR_THREAD_NEW] = rec_thread_new,
	[TR_THREAD_STATE] = rec_thread_state,
	[TR_DISPATCH] = rec_dispatch,
	[TR_IDLE] = rec_idle,
	[TR_PORT_NEW] = rec_port_new,
	[TR_PORT_DEAD] = rec_port_dead,
	[TR_MSG_SEND] = ti_rec_msg_send,
	[TR_MSG_ENQUEUE] = ti_rec_msg_enqueue,
	[TR_MSG_DELIVER] = ti_rec_msg_deliver,
	[TR_MSG_DROP] = ti_rec_msg_drop,
	[TR_LOG] = rec_log,
	[TR_NAME] = rec_name,
	[TR_PORT_LABEL] = rec_port_label,
	[TR_WAIT] = rec_wait,
	[TR_PAGE_FAULT] = rec_page_fault,
	[TR_LRPC_CALL] = ti_rec_lrpc_call,
	[TR_LRPC_RETURN] = ti_rec_lrpc_return,
	[TR_NODE] = ti_rec_node,
	[TR_PROC_NODE] = ti_rec_proc_node,
	[TR_LINK] = ti_rec_link,
	[TR_LINK_LOSS] = ti_rec_link_loss,
	[TR_PKT_SEND] = ti_rec_pkt_send,
	[TR_PKT_ARRIVE] = ti_rec_pkt_end,
	[TR_PKT_LOST] = ti_rec_pkt_lost,
	[TR_CONVERT] = ti_rec_convert,
	[TR_MIGRATE] = ti_rec_migrate,
	[TR_MIGRATE_ROUND] = ti_rec_migrate_xfer,
	[TR_MIGRATE_PULL] = ti_rec_migrate_pull,
};

/* Remember ns as a record time (distinct times only). */
static int note_time(struct trace_index *ix, uint64_t ns)
{
	if (ix->ntimes && ix->times[ix->ntimes - 1] == ns)
		return 0;
	if (GROW(ix->times, ix->b->timecap, ix->ntimes + 1) != 0)
		return -1;
	ix->times[ix->ntimes++] = ns;
	return 0;
}

int trace_index_add(struct trace_index *ix, uint64_t ns, unsigned kind, const uint64_t *args,
		    const char *s, size_t len)
{
	if (!ix->b || kind >= TR_KIND_COUNT || kind == TR_END)
		return 0;
	if (note_time(ix, ns) != 0)
		return -1;
	if (kind == TR_DEADLOCK && !ix->ndeadlocks++)
		ix->deadlock_ns = ns;
	else if (kind == TR_FAULT)
		ix->nfaults++;
	ix->nrecords++;
	if (ns > ix->end_ns)
		ix->end_ns = ns;
	if (handlers[kind] && handlers[kind](ix, ns, args, s, len) != 0)
		return -1;
	return ti_vm_record(ix, ns, kind, args);
}

struct trace_index *trace_index_new(void)
{
	struct trace_index *ix = calloc(1, sizeof *ix);

	if (!ix || !(ix->b = calloc(1, sizeof *ix->b))) {
		free(ix);
		return NULL;
	}
	if (!(ix->strs = malloc(64))) {
		trace_index_free(ix);
		return NULL;
	}
	ix->b->strcap = 64;
	ix->deadlock_ns = TI_NEVER;
	ix->strs[0] = '\0';
	ix->strlen = 1;
	return ix;
}

int trace_index_header_add(struct trace_index *ix, const char *key, const char *value)
{
	char *k, *v;

	if (GROW(ix->hdr, ix->b->hdrcap, 2 * ix->nhdr + 2) != 0)
		return -1;
	k = strdup(key);
	v = strdup(value);
	if (!k || !v) {
		free(k);
		free(v);
		return -1;
	}
	ix->hdr[2 * ix->nhdr] = k;
	ix->hdr[2 * ix->nhdr + 1] = v;
	ix->nhdr++;
	return 0;
}

/* Close every open interval and run at end_ns. */
int ti_close_all(struct trace_index *ix, uint64_t end_ns)
{
	for (uint32_t c = 0; c < ix->ncpus; c++)
		if (ti_close_run(ix, c, end_ns) != 0)
			return -1;
	for (uint32_t th = 0; th < ix->nthreads; th++)
		if (push_interval(ix, th, end_ns) != 0)
			return -1;
	return 0;
}
