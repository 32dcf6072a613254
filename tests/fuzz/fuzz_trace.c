/*
 * fuzz_trace.c - fuzz target "trace": the trace reader (viz/trace_read.c),
 * the index the viewer draws from (viz/trace_index*.c, and the live
 * viewer's record buffer, viz/recbuf.c), and the four exports (text and
 * csv from cli/export.c, chrome and paje from viz/export_*.c).
 *
 * Input: the bytes of a trace file. They are read from memory and, through
 * a temporary file, by trace_index_load; every record read is checked and
 * indexed, the index (sealed whether the trace was whole or not, as the
 * live viewer seals what it has so far) is queried and checked, and each
 * format converts the trace into /dev/null. Properties, beyond not
 * crashing or reading outside the bytes:
 * - a refused trace gets a message that names it; the file and memory
 *   readers agree on every trace, message included;
 * - records come in time order, with known kinds and strings within the
 *   limit;
 * - the index keeps the promises of trace_index.h (non-empty intervals and
 *   runs grouped and in time order, indices in range, record times
 *   ascending) and its queries answer within their groups;
 * - the live viewer's buffer indexes the same records into the same index.
 */
#include <errno.h>
#include <stdarg.h>
#include <unistd.h>

#include "fuzz.h"
#include "recbuf.h"
#include "trace_index.h"
#include "trace_read.h"

/*
 * The text and csv formats are static in cli/export.c: the file is compiled
 * into this target whole to reach them. Of the command's helpers it needs,
 * cli_error is defined here as in cli/main.c but quiet (a fuzzer prints
 * nothing per input), and cli_opt aborts: this target never parses a
 * command line (cmd_export only comes along with the file).
 */
#include "../../cli/export.c"

int cli_error(int code, const char *fmt, ...)
{
	(void)fmt;
	return code;
}

const char *cli_opt(int argc, char **argv, int *i, const char *name, int *missing)
{
	(void)argc, (void)argv, (void)i, (void)name, (void)missing;
	fuzz_fail("cli_opt is not used by the trace target", __FILE__, __LINE__);
}

static const char *trace_path(void);

/* ---- reading ---- */

/* A message of the reader names the trace: "PATH: ...". */
static void names_trace(const char *msg)
{
	size_t n = strlen(trace_path());

	FUZZ_CHECK(msg != NULL);
	FUZZ_CHECK(strncmp(msg, trace_path(), n) == 0 && msg[n] == ':');
}

static void check_record(const struct trace_rec *rec, uint64_t prev_ns, uint64_t offset)
{
	const struct trace_kind_info *k;

	FUZZ_CHECK(rec->kind > TR_END && rec->kind < TR_KIND_COUNT);
	k = &trace_kinds[rec->kind];
	FUZZ_CHECK(rec->ns >= prev_ns);
	FUZZ_CHECK(rec->offset >= offset);
	FUZZ_CHECK(rec->len <= TRACE_MAX_STR);
	FUZZ_CHECK(k->has_str || rec->len == 0);
	for (unsigned i = k->nargs; i < TRACE_MAX_ARGS; i++)
		FUZZ_CHECK(rec->args[i] == 0);
	if (rec->len)
		FUZZ_CHECK(rec->str[rec->len] == '\0');
}

/* Read the trace into ix and into the record buffer rb; returns what the
 * last trace_next returned (0 whole, -1 refused), *end the time to seal
 * at: the end record's, else the last record's. */
static int read_all(struct trace_reader *r, struct trace_index *ix, struct viz_recbuf *rb,
		    uint64_t *end)
{
	struct trace_sink sink = viz_recbuf_sink(rb);
	struct trace_rec rec;
	uint64_t prev = 0, offset = 0;
	int rc;

	for (size_t i = 0; i < trace_header_count(r); i++) {
		FUZZ_CHECK(trace_index_header_add(ix, trace_header_key(r, i),
						  trace_header_value(r, i)) == 0);
		FUZZ_CHECK(viz_recbuf_header(rb, trace_header_key(r, i),
					     trace_header_value(r, i)) == 0);
	}
	while ((rc = trace_next(r, &rec)) == 1) {
		check_record(&rec, prev, offset);
		prev = rec.ns;
		offset = rec.offset;
		FUZZ_CHECK(trace_index_add(ix, rec.ns, rec.kind, rec.args, rec.str, rec.len) == 0);
		sink.record(sink.ctx, rec.ns, rec.kind, rec.args, rec.str, rec.len);
	}
	FUZZ_CHECK(rc == 0 || rc == -1);
	FUZZ_CHECK(trace_next(r, &rec) == rc);         /* the end, or the failure, stays */
	if (rc < 0)
		names_trace(trace_error(r));
	else
		FUZZ_CHECK(trace_error(r) == NULL && rec.ns >= prev);
	*end = rc == 0 ? rec.ns : prev;
	return rc;
}

/* ---- the index ---- */

static int str_ok(const struct trace_index *ix, uint32_t off)
{
	return off < ix->strlen;
}

static int idx_ok(uint32_t i, size_t n)
{
	return i == TI_NONE || i < n;
}

/* Group [first, first + count) of an array of n, each element in time
 * order within it. */
#define CHECK_GROUP(arr, first, count, n)                                              \
	do {                                                                           \
		FUZZ_CHECK((first) <= (n) && (count) <= (n) - (first));                \
		for (size_t g_ = (first); g_ < (first) + (count); g_++) {              \
			FUZZ_CHECK((arr)[g_].t0 < (arr)[g_].t1);                       \
			FUZZ_CHECK(g_ == (first) || (arr)[g_ - 1].t0 <= (arr)[g_].t0); \
		}                                                                      \
	} while (0)

static void check_threads(const struct trace_index *ix)
{
	for (size_t i = 0; i < ix->nprocs; i++)
		FUZZ_CHECK(str_ok(ix, ix->procs[i].name));
	for (size_t i = 0; i < ix->nthreads; i++) {
		const struct ti_thread *th = &ix->threads[i];
		FUZZ_CHECK(str_ok(ix, th->name) && th->proc < ix->nprocs);
		CHECK_GROUP(ix->ivs, th->iv_first, th->iv_count, ix->nivs);
		for (size_t k = th->iv_first; k < th->iv_first + th->iv_count; k++)
			FUZZ_CHECK(ix->ivs[k].state < TI_STATE_COUNT &&
				   idx_ok(ix->ivs[k].port, ix->nports));
	}
	for (size_t i = 0; i < ix->ncpus; i++) {
		CHECK_GROUP(ix->runs, ix->cpus[i].run_first, ix->cpus[i].run_count, ix->nruns);
		for (size_t k = ix->cpus[i].run_first;
		     k < ix->cpus[i].run_first + ix->cpus[i].run_count; k++)
			FUZZ_CHECK(ix->runs[k].thread < ix->nthreads);
	}
}

static void check_messages(const struct trace_index *ix)
{
	for (size_t i = 0; i < ix->nmsgs; i++) {
		const struct ti_msg *m = &ix->msgs[i];
		FUZZ_CHECK(i == 0 || ix->msgs[i - 1].send_ns <= m->send_ns);
		FUZZ_CHECK(m->from < ix->nthreads && idx_ok(m->to, ix->nthreads));
		FUZZ_CHECK(m->port < ix->nports);
		FUZZ_CHECK(idx_ok(m->reply_to, ix->nmsgs) && idx_ok(m->reply, ix->nmsgs));
		FUZZ_CHECK(m->kind <= TI_REPLY && m->fate <= TI_DROPPED);
		FUZZ_CHECK(ix->msg_reach[i] >= m->end_ns);
		FUZZ_CHECK(i == 0 || ix->msg_reach[i - 1] <= ix->msg_reach[i]);
	}
	for (size_t i = 0; i < ix->nports; i++) {
		const struct ti_port *pt = &ix->ports[i];
		FUZZ_CHECK(str_ok(ix, pt->label) && idx_ok(pt->owner, ix->nprocs));
		FUZZ_CHECK(pt->depth_first <= ix->ndepths &&
			   pt->depth_count <= ix->ndepths - pt->depth_first);
	}
}

static void check_rest(const struct trace_index *ix)
{
	for (size_t i = 0; i < ix->nlogs; i++)
		FUZZ_CHECK(ix->logs[i].thread < ix->nthreads && str_ok(ix, ix->logs[i].text));
	for (size_t i = 0; i < ix->nnames; i++)
		FUZZ_CHECK(ix->names[i].proc < ix->nprocs && idx_ok(ix->names[i].port, ix->nports) &&
			   str_ok(ix, ix->names[i].name));
	for (size_t i = 0; i < ix->nwaitfor; i++) {
		const struct ti_wait *w = &ix->waitfor[i];
		FUZZ_CHECK(w->thread < ix->nthreads && idx_ok(w->port, ix->nports) &&
			   idx_ok(w->proc, ix->nprocs) && idx_ok(w->on_thread, ix->nthreads));
	}
	for (size_t i = 1; i < ix->ntimes; i++)
		FUZZ_CHECK(ix->times[i - 1] < ix->times[i]);
	for (size_t i = 0; i < ix->nwaits; i++) {
		FUZZ_CHECK(ix->waits[2 * i] <= ix->waits[2 * i + 1]);
		FUZZ_CHECK(i == 0 || ix->waits[2 * i - 1] < ix->waits[2 * i]);
	}
	FUZZ_CHECK(ix->ntimes == 0 || ix->times[ix->ntimes - 1] <= ix->end_ns);
	FUZZ_CHECK(ix->strlen > 0 && ix->strs[ix->strlen - 1] == '\0');
}

/* Several machines: every index in range, each packet's times in order,
 * the lanes a permutation of the processes that have one, grouped by node. */
static void check_nodes(const struct trace_index *ix)
{
	size_t lanes = 0;

	FUZZ_CHECK(ix->nnodes <= TI_MAX_NODES && ix->nlinks <= TI_MAX_LINKS);
	for (size_t i = 0; i < ix->nnodes; i++) {
		const struct ti_node *n = &ix->nodes[i];
		FUZZ_CHECK(str_ok(ix, n->name) && idx_ok(n->net, ix->nprocs));
		FUZZ_CHECK(n->proc_first <= ix->nnode_procs &&
			   n->proc_count <= ix->nnode_procs - n->proc_first);
		FUZZ_CHECK(n->th_first <= ix->nnode_threads &&
			   n->th_count <= ix->nnode_threads - n->th_first);
		FUZZ_CHECK(n->msgs_in <= ix->npkts && n->msgs_out <= ix->npkts);
	}
	for (size_t i = 0; i < ix->nlinks; i++)
		FUZZ_CHECK(ix->links[i].a < ix->nnodes && ix->links[i].b < ix->nnodes &&
			   str_ok(ix, ix->links[i].profile));
	for (size_t i = 0; i < ix->npkts; i++) {
		const struct ti_packet *p = &ix->pkts[i];
		FUZZ_CHECK(p->link < ix->nlinks && idx_ok(p->msg, ix->nmsgs) && p->dir <= 1);
		FUZZ_CHECK(p->sent_ns <= p->depart && p->depart <= p->tx_end &&
			   p->tx_end <= p->arrive && p->fate <= TI_PKT_LOST);
		FUZZ_CHECK(ix->pkt_reach[i] >= p->arrive);
		FUZZ_CHECK(i == 0 || ix->pkts[i - 1].sent_ns <= p->sent_ns);
		FUZZ_CHECK(p->msg == TI_NONE || ix->msg_pkt[p->msg] <= i);
	}
	for (size_t i = 0; i < ix->nmoves; i++)
		FUZZ_CHECK(ix->moves[i].proc < ix->nprocs && ix->moves[i].from < ix->nnodes &&
			   ix->moves[i].to < ix->nnodes && ix->moves[i].from != ix->moves[i].to);
	for (size_t i = 0; i < ix->nprocs; i++) {
		const struct ti_proc *p = &ix->procs[i];
		FUZZ_CHECK(idx_ok(p->node, ix->nnodes) && idx_ok(p->lane, ix->nnode_procs));
		FUZZ_CHECK(p->lane == TI_NONE || ix->node_procs[p->lane] == i);
		lanes += p->lane != TI_NONE;
	}
	FUZZ_CHECK(lanes == ix->nnode_procs && ix->nonode_first <= ix->nnode_procs);
	for (size_t i = 0; i < ix->nthreads; i++)
		FUZZ_CHECK(ix->threads[i].lane == TI_NONE || ix->node_threads[ix->threads[i].lane] == i);
}

/* Gaps lie inside [from, to] and are longer than min. */
static void check_gaps(const struct trace_index *ix, uint64_t from, uint64_t to, uint64_t min)
{
	uint64_t gap[8];
	size_t n = trace_index_gaps(ix, from, to, min, gap, 4);

	FUZZ_CHECK(n <= 4);
	for (size_t i = 0; i < n; i++)
		FUZZ_CHECK(gap[2 * i] >= from && gap[2 * i + 1] <= to &&
			   gap[2 * i + 1] - gap[2 * i] > min);
}

/* Every query at time t answers within its group. */
static void query_at(const struct trace_index *ix, uint64_t t)
{

	FUZZ_CHECK(trace_index_msgs_from(ix, t) <= ix->nmsgs);
	FUZZ_CHECK(trace_index_pkts_from(ix, t) <= ix->npkts);
	for (uint32_t i = 0; i < ix->nprocs; i++)
		FUZZ_CHECK(idx_ok(trace_index_node_at(ix, i, t), ix->nnodes));
	for (uint32_t i = 0; i < ix->nthreads; i++) {
		size_t k = trace_index_intervals_from(ix, i, t);
		FUZZ_CHECK(k >= ix->threads[i].iv_first &&
			   k <= ix->threads[i].iv_first + ix->threads[i].iv_count);
	}
	for (uint32_t i = 0; i < ix->ncpus; i++) {
		size_t k = trace_index_runs_from(ix, i, t);
		FUZZ_CHECK(k >= ix->cpus[i].run_first &&
			   k <= ix->cpus[i].run_first + ix->cpus[i].run_count);
	}
	for (uint32_t i = 0; i < ix->nports; i++)
		trace_index_depth_at(ix, i, t);
	check_gaps(ix, 0, t, 0);
	check_gaps(ix, t / 4, t, t / 8);
	trace_index_waiting(ix, t / 2, t);
}

static void check_index(const struct trace_index *ix)
{
	const uint64_t e = ix->end_ns;

	FUZZ_CHECK(ix->b == NULL);
	check_threads(ix);
	check_messages(ix);
	check_rest(ix);
	check_nodes(ix);
	query_at(ix, 0);
	query_at(ix, e / 3);
	query_at(ix, e / 2 + 1);
	query_at(ix, e);
	query_at(ix, UINT64_MAX);
}

/* Two indexes of the same records have the same shape. */
static void check_same(const struct trace_index *a, const struct trace_index *b)
{
	FUZZ_CHECK(a->nprocs == b->nprocs && a->nthreads == b->nthreads && a->nports == b->nports);
	FUZZ_CHECK(a->ncpus == b->ncpus && a->nivs == b->nivs && a->nruns == b->nruns);
	FUZZ_CHECK(a->nmsgs == b->nmsgs && a->ndepths == b->ndepths && a->nlogs == b->nlogs);
	FUZZ_CHECK(a->nnames == b->nnames && a->nwaitfor == b->nwaitfor && a->ntimes == b->ntimes);
	FUZZ_CHECK(a->nwaits == b->nwaits && a->nrecords == b->nrecords && a->end_ns == b->end_ns);
	FUZZ_CHECK(a->nhdr == b->nhdr && a->strlen == b->strlen);
	FUZZ_CHECK(a->nnodes == b->nnodes && a->nlinks == b->nlinks && a->npkts == b->npkts);
	FUZZ_CHECK(memcmp(a->strs, b->strs, a->strlen) == 0);
}

/* ---- the file reader, the exports ---- */

static char path_buf[64];

static void remove_file(void)
{
	unlink(path_buf);
}

/* A temporary file for the bytes (made once, removed at exit). */
static const char *trace_path(void)
{
	if (!path_buf[0]) {
		int fd;
		snprintf(path_buf, sizeof path_buf, "%s", "/tmp/ukern-fuzz-trace.XXXXXX");
		fd = mkstemp(path_buf);
		FUZZ_CHECK(fd >= 0);
		close(fd);
		atexit(remove_file);
	}
	return path_buf;
}

static void write_file(const uint8_t *data, size_t size)
{
	FILE *f = fopen(trace_path(), "wb");

	FUZZ_CHECK(f != NULL);
	FUZZ_CHECK(fwrite(data, 1, size, f) == size);
	FUZZ_CHECK(fclose(f) == 0);
}

/* trace_index_load on the file agrees with the memory reader: the same
 * records, or the same message. */
static void check_file(const uint8_t *data, size_t size, const struct trace_index *mem,
		       const char *mem_err)
{
	char err[600] = "";
	struct trace_index *ix;

	write_file(data, size);
	ix = trace_index_load(trace_path(), err, sizeof err);
	if (mem_err) {
		FUZZ_CHECK(ix == NULL);
		FUZZ_CHECK(strcmp(err, mem_err) == 0);
		return;
	}
	FUZZ_CHECK(ix != NULL);
	check_same(ix, mem);
	trace_index_free(ix);
}

/* Convert the trace with ex into out, as cmd_export does. */
static void export(const uint8_t *data, size_t size, const struct exporter *ex, FILE *out)
{
	struct trace_reader *r = trace_open_mem(data, size, trace_path(), NULL, 0);
	struct export_names nm;
	struct trace_rec rec;
	void *st;
	int rc;

	FUZZ_CHECK(r != NULL);
	FUZZ_CHECK(ex->begin(&st, out, r) == 0);
	export_names_init(&nm);
	while ((rc = trace_next(r, &rec)) == 1) {
		export_names_note(&nm, &rec);
		FUZZ_CHECK(ex->record(st, out, &nm, &rec) == 0);
	}
	if (rc == 0)
		ex->finish(st, out, &nm, r);
	if (ex->free)
		ex->free(st);
	export_names_free(&nm);
	trace_close(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *devnull;
	char err[600] = "";
	struct trace_reader *r = trace_open_mem(data, size, trace_path(), err, sizeof err);
	struct trace_index *ix, *live;
	struct viz_recbuf *rb;
	uint64_t end = 0;
	int rc;

	if (!r) {
		names_trace(err);
		check_file(data, size, NULL, err);
		return 0;
	}
	FUZZ_CHECK((ix = trace_index_new()) != NULL && (rb = viz_recbuf_new()) != NULL);
	rc = read_all(r, ix, rb, &end);
	if (rc < 0)
		snprintf(err, sizeof err, "%s", trace_error(r));
	trace_close(r);
	FUZZ_CHECK(trace_index_seal(ix, end) == 0);
	check_index(ix);
	FUZZ_CHECK(viz_recbuf_failed(rb) == 0);
	FUZZ_CHECK((live = viz_recbuf_index(rb, end)) != NULL);
	check_same(ix, live);
	trace_index_free(live);
	viz_recbuf_free(rb);
	check_file(data, size, ix, rc < 0 ? err : NULL);
	trace_index_free(ix);

	if (!devnull)
		FUZZ_CHECK((devnull = fopen("/dev/null", "w")) != NULL);
	for (size_t i = 0; i < NEXPORTERS; i++)
		export(data, size, exporters[i], devnull);
	return 0;
}
