/*
 * trace_index_seal.c - loading a trace file into an index, sealing it, and
 * the queries the views use (API: trace_index.h).
 *
 * The one idea: records arrive in time order but interleaved across threads
 * and CPUs; sealing groups them with one stable counting sort per array (by
 * thread, by CPU), so each group stays in time order and every query is a
 * binary search inside one group. Queue depths are counted from the
 * messages that waited (enqueue to delivery or drop), grouped by port.
 */
#include "trace_index_impl.h"

#include <stdlib.h>
#include <string.h>

#include "trace_read.h"

enum { GAP_BLOCK = 256 };   /* record times per block of the gap summary */

int ti_group_by(void **arr, size_t n, size_t size, const uint32_t *key, size_t nkeys,
		    size_t *first, size_t *count)
{
	char *out = malloc(n ? n * size : 1);
	size_t *next = calloc(nkeys + 1, sizeof *next);

	if (!out || !next) {
		free(out);
		free(next);
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		next[key[i] + 1]++;
	for (size_t k = 0; k < nkeys; k++) {
		count[k] = next[k + 1];
		next[k + 1] += next[k];
		first[k] = next[k];
	}
	for (size_t i = 0; i < n; i++)
		memcpy(out + size * next[key[i]]++, (char *)*arr + size * i, size);
	free(next);
	free(*arr);
	*arr = out;
	return 0;
}

/* Group the intervals by thread and the runs by CPU. */
static int group_all(struct trace_index *ix)
{
	size_t n = ix->nthreads + ix->ncpus + ix->nports + 1;
	size_t *first = malloc(n * sizeof *first), *count = malloc(n * sizeof *count);
	int rc = -1;

	if (!first || !count || !(ix->cpus = calloc(ix->ncpus + 1, sizeof *ix->cpus)))
		goto out;
	if (ti_group_by((void **)&ix->ivs, ix->nivs, sizeof *ix->ivs, ix->b->iv_thread,
		     ix->nthreads, first, count) != 0)
		goto out;
	for (size_t i = 0; i < ix->nthreads; i++) {
		ix->threads[i].iv_first = first[i];
		ix->threads[i].iv_count = count[i];
	}
	if (ti_group_by((void **)&ix->runs, ix->nruns, sizeof *ix->runs, ix->b->run_cpu, ix->ncpus,
		     first, count) != 0)
		goto out;
	for (size_t i = 0; i < ix->ncpus; i++) {
		ix->cpus[i].run_first = first[i];
		ix->cpus[i].run_count = count[i];
		for (size_t r = first[i]; r < first[i] + count[i]; r++)
			ix->cpus[i].busy_ns += ix->runs[r].t1 - ix->runs[r].t0;
		for (size_t r = first[i] + count[i]; r-- > first[i] + 1;) {
			struct ti_run *prev = &ix->runs[r - 1], *run = &ix->runs[r];
			if (run->thread == prev->thread && run->t0 == prev->t1 && run->more < UINT32_MAX)
				prev->more = run->more + 1;
		}
	}
	rc = 0;
out:
	free(first);
	free(count);
	return rc;
}

/* A message entering (+1) or leaving (-1) a port's queue at ns. */
struct qevent {
	uint64_t ns;
	uint32_t port;
	int32_t delta;
};

static int qevent_cmp(const void *a, const void *b)
{
	const struct qevent *x = a, *y = b;

	if (x->port != y->port)
		return x->port < y->port ? -1 : 1;
	return x->ns < y->ns ? -1 : x->ns > y->ns;
}

/* The events of every message that waited in a queue, sorted by port and
 * time; *n gets how many. NULL when memory runs out. */
static struct qevent *queue_events(const struct trace_index *ix, size_t *n)
{
	struct qevent *ev = NULL;
	size_t k = 0;

	for (size_t i = 0; i < ix->nmsgs; i++)
		k += ix->msgs[i].enqueue_ns != TI_NEVER;
	if (!(ev = malloc((2 * k + 1) * sizeof *ev)))
		return NULL;
	k = 0;
	for (size_t i = 0; i < ix->nmsgs; i++) {
		const struct ti_msg *m = &ix->msgs[i];
		if (m->enqueue_ns == TI_NEVER)
			continue;
		ev[k++] = (struct qevent){ m->enqueue_ns, m->port, 1 };
		if (m->end_ns != TI_NEVER)
			ev[k++] = (struct qevent){ m->end_ns, m->port, -1 };
	}
	qsort(ev, k, sizeof *ev, qevent_cmp);
	*n = k;
	return ev;
}

/* Queue depth steps per port, counted from the messages that waited: one
 * step per port and time, after every event at that time (records of one
 * instant may come in any order). */
static int build_depths(struct trace_index *ix)
{
	size_t n, k = 0;
	struct qevent *ev = queue_events(ix, &n);
	int64_t depth = 0;

	if (!ev || !(ix->depths = malloc((n + 1) * sizeof *ix->depths))) {
		free(ev);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		struct ti_port *pt = &ix->ports[ev[i].port];
		if (i == 0 || ev[i].port != ev[i - 1].port) {
			depth = 0;
			pt->depth_first = k;
		}
		depth += ev[i].delta;
		if (i + 1 < n && ev[i + 1].port == ev[i].port && ev[i + 1].ns == ev[i].ns)
			continue;
		ix->depths[k++] = (struct ti_depth){ ev[i].ns, depth > 0 ? (uint32_t)depth : 0 };
		pt->depth_count = k - pt->depth_first;
	}
	ix->ndepths = k;
	free(ev);
	return 0;
}

/* msg_reach[i]: the latest end of msgs[0..i]; a pending message never ends. */
static int build_reach(struct trace_index *ix)
{
	uint64_t reach = 0;

	if (!(ix->msg_reach = malloc((ix->nmsgs + 1) * sizeof *ix->msg_reach)))
		return -1;
	for (size_t i = 0; i < ix->nmsgs; i++) {
		uint64_t e = ix->msgs[i].end_ns;
		if (e > reach)
			reach = e;
		ix->msg_reach[i] = reach;
	}
	return 0;
}

/* gapmax[b]: the longest stretch between consecutive record times in block b. */
static int build_gaps(struct trace_index *ix)
{
	size_t nb = ix->ntimes / GAP_BLOCK + 1;

	if (!(ix->gapmax = calloc(nb, sizeof *ix->gapmax)))
		return -1;
	ix->ngapblocks = nb;
	for (size_t i = 0; i + 1 < ix->ntimes; i++) {
		uint64_t g = ix->times[i + 1] - ix->times[i];
		if (g > ix->gapmax[i / GAP_BLOCK])
			ix->gapmax[i / GAP_BLOCK] = g;
	}
	return 0;
}

static int span_cmp(const void *a, const void *b)
{
	const uint64_t *x = a, *y = b;

	return x[0] < y[0] ? -1 : x[0] > y[0];
}

/* The union of the intervals in which a thread slept or waited for an I/O,
 * as sorted (start, end) pairs. */
static int build_waits(struct trace_index *ix)
{
	size_t n = 0, k = 0;

	for (size_t i = 0; i < ix->nivs; i++)
		n += ix->ivs[i].state == TI_BLOCKED &&
		     (ix->ivs[i].reason == TI_R_SLEEP || ix->ivs[i].reason == TI_R_IO);
	if (!(ix->waits = malloc((2 * n + 2) * sizeof *ix->waits)))
		return -1;
	for (size_t i = 0; i < ix->nivs; i++)
		if (ix->ivs[i].state == TI_BLOCKED &&
		    (ix->ivs[i].reason == TI_R_SLEEP || ix->ivs[i].reason == TI_R_IO)) {
			ix->waits[2 * k] = ix->ivs[i].t0;
			ix->waits[2 * k++ + 1] = ix->ivs[i].t1;
		}
	qsort(ix->waits, k, 2 * sizeof *ix->waits, span_cmp);
	n = 0;
	for (size_t i = 0; i < k; i++) {
		if (n && ix->waits[2 * i] <= ix->waits[2 * n - 1]) {
			if (ix->waits[2 * i + 1] > ix->waits[2 * n - 1])
				ix->waits[2 * n - 1] = ix->waits[2 * i + 1];
			continue;
		}
		ix->waits[2 * n] = ix->waits[2 * i];
		ix->waits[2 * n++ + 1] = ix->waits[2 * i + 1];
	}
	ix->nwaits = n;
	return 0;
}

int trace_index_waiting(const struct trace_index *ix, uint64_t a, uint64_t b)
{
	size_t lo = 0, hi = ix->nwaits;

	while (lo < hi) {                      /* the first stretch ending after a */
		size_t mid = lo + (hi - lo) / 2;
		if (ix->waits[2 * mid + 1] <= a)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < ix->nwaits && ix->waits[2 * lo] < b;
}

/* Ranks for palettes: each process but the name server in order; each
 * port that receives requests among such ports of the same owner. */
static void rank_ports(struct trace_index *ix)
{
	uint32_t rank = 0;

	for (size_t i = 0; i < ix->nprocs; i++)
		ix->procs[i].rank = ix->procs[i].nameserver ? 0 : rank++;
	for (size_t i = 0; i < ix->nports; i++) {
		uint32_t r = 0;
		if (ix->ports[i].reply_only)
			continue;
		for (size_t k = 0; k < i && r < 64; k++)
			r += !ix->ports[k].reply_only && ix->ports[k].owner == ix->ports[i].owner;
		ix->ports[i].colour = r;
	}
}

int trace_index_seal(struct trace_index *ix, uint64_t end_ns)
{
	if (!ix->b)
		return 0;
	if (end_ns < ix->end_ns)
		end_ns = ix->end_ns;
	ix->end_ns = end_ns;
	if (ti_close_all(ix, end_ns) != 0 || group_all(ix) != 0 || build_reach(ix) != 0 ||
	    build_gaps(ix) != 0 || build_depths(ix) != 0 || build_waits(ix) != 0 ||
	    ti_vm_seal(ix) != 0 ||
	    ti_seal_lrpcs(ix, end_ns) != 0 || ti_seal_net(ix) != 0)
		return -1;
	rank_ports(ix);
	for (size_t i = 0; i < ix->nivs; i++)
		if (ix->ivs[i].state == TI_BLOCKED && ix->ivs[i].reason < 32)
			ix->blocked_seen |= 1u << ix->ivs[i].reason;
	ti_build_free(ix->b);
	ix->b = NULL;
	return 0;
}

void ti_build_free(struct ti_build *b)
{
	if (!b)
		return;
	free(b->pids.e);
	free(b->tids.e);
	free(b->portids.e);
	free(b->flows.e);
	free(b->open);
	free(b->cpu_open);
	free(b->iv_thread);
	free(b->run_cpu);
	ti_vm_build_free(b->vm);
	free(b->lrpc_labels.e);
	free(b->lrpc_top);
	free(b->nodeids.e);
	free(b->linkids.e);
	free(b->pkt_flows.e);
	free(b->mig_ends.e);
	free(b);
}

void trace_index_free(struct trace_index *ix)
{
	if (!ix)
		return;
	ti_build_free(ix->b);
	for (size_t i = 0; i < 2 * ix->nhdr; i++)
		free(ix->hdr[i]);
	free(ix->hdr);
	free(ix->procs);
	free(ix->threads);
	free(ix->ports);
	free(ix->cpus);
	free(ix->ivs);
	free(ix->runs);
	free(ix->msgs);
	free(ix->msg_reach);
	free(ix->depths);
	free(ix->logs);
	free(ix->names);
	free(ix->waitfor);
	free(ix->pfaults);
	ti_vm_free(&ix->vm);
	free(ix->lrpcs);
	free(ix->lrpc_reach);
	free(ix->lrpc_pairs);
	free(ix->lrpc_pair_t0);
	ti_net_free(ix);
	free(ix->times);
	free(ix->gapmax);
	free(ix->waits);
	free(ix->strs);
	free(ix);
}

/* Copy the reader's header into ix. */
static int copy_header(struct trace_index *ix, const struct trace_reader *r)
{
	for (size_t i = 0; i < trace_header_count(r); i++)
		if (trace_index_header_add(ix, trace_header_key(r, i), trace_header_value(r, i)) != 0)
			return -1;
	return 0;
}

/* Read every record of r into ix. Returns 0, or -1 with the message in err.
 * A trace cut short is read up to the cut when note is not NULL: 0, with
 * the reader's message in note. */
static int read_records(struct trace_index *ix, struct trace_reader *r, char *err,
			size_t errlen, char *note, size_t notelen)
{
	struct trace_rec rec;
	uint64_t last = 0;
	int rc;

	memset(&rec, 0, sizeof rec);
	while ((rc = trace_next(r, &rec)) == 1) {
		if (trace_index_add(ix, rec.ns, rec.kind, rec.args, rec.str, rec.len) != 0) {
			snprintf(err, errlen, "out of memory after %llu records of the trace",
				 (unsigned long long)trace_records(r));
			return -1;
		}
		last = rec.ns;
	}
	if (rc < 0 && !(note && trace_cut(r))) {
		snprintf(err, errlen, "%s", trace_error(r));
		return -1;
	}
	if (rc < 0)
		snprintf(note, notelen, "%s", trace_error(r));
	if (trace_index_seal(ix, rc < 0 ? last : rec.ns) != 0) {
		snprintf(err, errlen, "out of memory while indexing the trace");
		return -1;
	}
	return 0;
}

/* trace_index_load, and trace_index_load_cut with note. */
static struct trace_index *load(const char *path, char *err, size_t errlen, char *note,
				size_t notelen)
{
	struct trace_reader *r = trace_open(path, err, errlen);
	struct trace_index *ix;

	if (!r)
		return NULL;
	if (!(ix = trace_index_new()) || copy_header(ix, r) != 0) {
		snprintf(err, errlen, "%s: out of memory", path);
		trace_index_free(ix);
		trace_close(r);
		return NULL;
	}
	if (read_records(ix, r, err, errlen, note, notelen) != 0) {
		trace_index_free(ix);
		ix = NULL;
	}
	trace_close(r);
	return ix;
}

struct trace_index *trace_index_load(const char *path, char *err, size_t errlen)
{
	return load(path, err, errlen, NULL, 0);
}

struct trace_index *trace_index_load_cut(const char *path, char *err, size_t errlen, char *note,
					 size_t notelen)
{
	if (notelen)
		note[0] = '\0';
	return load(path, err, errlen, note, notelen);
}

const char *trace_index_str(const struct trace_index *ix, uint32_t off)
{
	return off < ix->strlen ? ix->strs + off : "";
}

const char *trace_index_header(const struct trace_index *ix, const char *key)
{
	for (size_t i = 0; i < ix->nhdr; i++)
		if (strcmp(ix->hdr[2 * i], key) == 0)
			return ix->hdr[2 * i + 1];
	return NULL;
}

size_t trace_index_msgs_from(const struct trace_index *ix, uint64_t t)
{
	size_t lo = 0, hi = ix->nmsgs;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ix->msg_reach[mid] < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

size_t trace_index_pfaults_from(const struct trace_index *ix, uint64_t t)
{
	size_t lo = 0, hi = ix->npfaults;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ix->pfaults[mid].ns < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

size_t trace_index_intervals_from(const struct trace_index *ix, uint32_t th, uint64_t t)
{
	size_t lo = ix->threads[th].iv_first, hi = lo + ix->threads[th].iv_count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ix->ivs[mid].t1 <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

size_t trace_index_runs_from(const struct trace_index *ix, uint32_t c, uint64_t t)
{
	size_t lo = ix->cpus[c].run_first, hi = lo + ix->cpus[c].run_count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ix->runs[mid].t1 <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

size_t trace_index_stretch_first(const struct trace_index *ix, uint32_t c, size_t i)
{
	while (i > ix->cpus[c].run_first && ix->runs[i - 1].more > 0)
		i--;
	return i;
}

uint32_t trace_index_depth_at(const struct trace_index *ix, uint32_t pt, uint64_t t)
{
	size_t lo = ix->ports[pt].depth_first, hi = lo + ix->ports[pt].depth_count;
	size_t first = lo;

	while (lo < hi) {                      /* first step after t */
		size_t mid = lo + (hi - lo) / 2;
		if (ix->depths[mid].ns <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo > first ? ix->depths[lo - 1].depth : 0;
}

/* Keep (a, b) among the n longest gaps in gap[] (capacity max); returns n. */
static size_t keep_gap(uint64_t *gap, size_t n, size_t max, uint64_t a, uint64_t b)
{
	size_t i = n < max ? n : max;

	if (n == max && b - a <= gap[2 * (max - 1) + 1] - gap[2 * (max - 1)])
		return n;
	while (i > 0 && gap[2 * (i - 1) + 1] - gap[2 * (i - 1)] < b - a) {
		if (i < max) {
			gap[2 * i] = gap[2 * (i - 1)];
			gap[2 * i + 1] = gap[2 * (i - 1) + 1];
		}
		i--;
	}
	gap[2 * i] = a;
	gap[2 * i + 1] = b;
	return n < max ? n + 1 : n;
}

/* The first record time at or after t (ntimes when none). */
static size_t time_from(const struct trace_index *ix, uint64_t t)
{
	size_t lo = 0, hi = ix->ntimes;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ix->times[mid] < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

size_t trace_index_gaps(const struct trace_index *ix, uint64_t from, uint64_t to,
			uint64_t min_ns, uint64_t *gap, size_t max)
{
	size_t i0 = time_from(ix, from), i1 = time_from(ix, to + (to < TI_NEVER)), n = 0;

	if (!max || from >= to)
		return 0;
	if (i0 >= i1)                        /* no record inside: all of it */
		return to - from > min_ns ? keep_gap(gap, 0, max, from, to) : 0;
	if (ix->times[i0] - from > min_ns)
		n = keep_gap(gap, n, max, from, ix->times[i0]);
	for (size_t g = i0; g + 1 < i1; g++) {         /* gap g: times[g] to times[g + 1] */
		while (g % GAP_BLOCK == 0 && g + GAP_BLOCK < i1 &&
		       ix->gapmax[g / GAP_BLOCK] <= min_ns)
			g += GAP_BLOCK;                /* nothing longer in the whole block */
		if (g + 1 < i1 && ix->times[g + 1] - ix->times[g] > min_ns)
			n = keep_gap(gap, n, max, ix->times[g], ix->times[g + 1]);
	}
	if (to - ix->times[i1 - 1] > min_ns)
		n = keep_gap(gap, n, max, ix->times[i1 - 1], to);
	return n;
}

int trace_index_port_alive(const struct trace_index *ix, uint32_t pt, uint64_t t)
{
	return ix->ports[pt].born <= t && t < ix->ports[pt].died;
}

int trace_index_name_live(const struct trace_index *ix, size_t i, uint64_t t)
{
	const struct ti_name *nm = &ix->names[i];
	const char *s = trace_index_str(ix, nm->name);

	if (nm->ns > t || nm->op != 1 || !nm->ok || nm->port == TI_NONE ||
	    !trace_index_port_alive(ix, nm->port, t))
		return 0;
	for (size_t j = i + 1; j < ix->nnames && ix->names[j].ns <= t; j++)
		if (ix->names[j].ok && (ix->names[j].op == 1 || ix->names[j].op == 3) &&
		    strcmp(trace_index_str(ix, ix->names[j].name), s) == 0)
			return 0;
	return 1;
}
