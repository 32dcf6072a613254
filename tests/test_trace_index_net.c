/*
 * test_trace_index_net.c: unit tests for several machines in the trace
 * index (viz/trace_index_net.c). Runs of two-nodes-rpc.lua and byte-order.lua
 * with nodes, their records fed to an index as the live viewer feeds them,
 * and the index's nodes, links and packets checked against the kernel's own
 * statistics of the same run (struct net: what --stats prints): packets,
 * bytes, losses and busy time per direction of each link, messages and
 * bytes in and out and values converted per node, the node of every
 * process. Then a few records by hand: where a packet is when, a process
 * that moves to another node, records about nodes and links the trace
 * never declared, and the kernel's lane.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "ix_fixture.h"
#include "net.h"
#include "proc.h"
#include "trace.h"
#include "trace_index.h"

/* The link of the index with the kernel's id, or fail. */
static const struct ti_link *ix_link(const struct trace_index *ix, uint32_t id)
{
	for (size_t i = 0; i < ix->nlinks; i++)
		if (ix->links[i].id == id)
			return &ix->links[i];
	fail_msg("link %u is not in the index", id);
	return NULL;
}

/* Everything the index counted, against the kernel's statistics. */
static void check_against_stats(const struct ix_run *r)
{
	const struct trace_index *ix = r->ix;
	const struct net *n = r->m.net;
	uint64_t packets = 0, lost = 0, listed = 0;

	assert_non_null(n);
	assert_int_equal(ix->nnodes, n->nnodes);
	for (uint32_t i = 0; i < n->nnodes; i++) {
		const struct node *k = &n->nodes[i];
		const struct ti_node *x = &ix->nodes[i];
		assert_int_equal(x->id, k->id);
		assert_string_equal(trace_index_str(ix, x->name), k->name);
		assert_int_equal(x->cpus, k->ncpus);
		assert_int_equal(x->cpu0, k->cpu0);
		assert_int_equal(x->big_endian, k->big_endian);
		assert_int_equal(x->msgs_out, k->msgs_out);
		assert_int_equal(x->bytes_out, k->bytes_out);
		assert_int_equal(x->msgs_in, k->msgs_in);
		assert_int_equal(x->bytes_in, k->bytes_in);
		assert_int_equal(x->converted, k->converted);
		assert_int_not_equal(x->net, TI_NONE);
		assert_int_equal(ix->procs[x->net].node, i);
		for (uint32_t c = k->cpu0; c < k->cpu0 + k->ncpus; c++)
			assert_int_equal(trace_index_node_of_cpu(ix, c), i);
		listed += x->proc_count;
	}
	assert_int_equal(ix->nlinks, n->nlinks);
	for (uint32_t i = 0; i < n->nlinks; i++) {
		const struct link *k = &n->links[i];
		const struct ti_link *x = ix_link(ix, k->id);
		assert_int_equal(ix->nodes[x->a].id, k->a);
		assert_int_equal(ix->nodes[x->b].id, k->b);
		assert_int_equal(x->latency_ns, k->latency_ns);
		assert_int_equal(x->bandwidth_bps, k->bandwidth_bps);
		assert_int_equal(x->mtu, k->mtu);
		assert_int_equal(x->loss_ppm, (uint32_t)(k->loss * 1e6 + 0.5));
		assert_string_equal(trace_index_str(ix, x->profile), k->profile);
		for (int d = 0; d < 2; d++) {
			assert_int_equal(x->dir[d].msgs, k->dir[d].msgs);
			assert_int_equal(x->dir[d].msgs_lost, k->dir[d].msgs_lost);
			assert_int_equal(x->dir[d].packets, k->dir[d].packets);
			assert_int_equal(x->dir[d].bytes, k->dir[d].bytes);
			assert_int_equal(x->dir[d].lost, k->dir[d].lost);
			assert_int_equal(x->dir[d].busy_ns, k->dir[d].busy_ns);
			packets += x->dir[d].packets;
			lost += x->dir[d].lost;
		}
	}
	assert_int_equal(packets, n->packets);
	assert_int_equal(lost, n->lost);
	assert_int_equal(ix->npkts, n->packets);
	/* every process on its node; each listed under it, in its lane */
	for (uint32_t pid = 1; pid <= r->m.nprocs; pid++) {
		const struct proc *p = r->m.procs[pid - 1];
		uint32_t pr = TI_NONE;
		if (!p)
			continue;
		for (size_t i = 0; i < ix->nprocs; i++)
			if (ix->procs[i].pid == pid)
				pr = (uint32_t)i;
		assert_int_not_equal(pr, TI_NONE);
		assert_int_equal(ix->procs[pr].node, p->node);
		assert_int_equal(trace_index_node_at(ix, pr, ix->end_ns), p->node);
		assert_int_not_equal(ix->procs[pr].lane, TI_NONE);
		assert_int_equal(ix->node_procs[ix->procs[pr].lane], pr);
		assert_true(ix->procs[pr].lane >= ix->nodes[p->node].proc_first);
		assert_true(ix->procs[pr].lane <
			    ix->nodes[p->node].proc_first + ix->nodes[p->node].proc_count);
	}
	assert_int_equal(listed, ix->nonode_first);
}

/* Every packet is where its times say, its message known, the last one of
 * each message marked; a packet a message lost makes the message's drop. */
static void check_packets(const struct trace_index *ix)
{
	for (size_t i = 0; i < ix->npkts; i++) {
		const struct ti_packet *p = &ix->pkts[i];
		const struct ti_link *l = &ix->links[p->link];
		assert_true(p->sent_ns <= p->depart);
		assert_true(p->depart < p->tx_end);
		assert_int_equal(p->arrive, p->tx_end + l->latency_ns);
		assert_int_not_equal(p->msg, TI_NONE);
		assert_int_equal(ix->msgs[p->msg].flow, p->flow);
		assert_int_equal(ix->msg_pkt[p->msg], i - p->seq);
		assert_true(i == 0 || ix->pkt_reach[i] >= ix->pkt_reach[i - 1]);
		assert_true(trace_index_pkts_from(ix, p->arrive) <= i);
		if (p->last && p->fate == TI_PKT_ARRIVED)
			assert_true(ix->msgs[p->msg].end_ns >= p->arrive);
		if (p->fate == TI_PKT_LOST) {
			assert_int_equal(ix->msgs[p->msg].fate, TI_DROPPED);
			assert_int_equal(ix->msgs[p->msg].drop_reason, 4);
		}
	}
}

/* The loss part: a link that loses a packet in ten, with retries. */
static void test_loss_against_stats(void **state)
{
	static const char *const sets[] = { "part=loss", "retries=5" };
	struct ix_run r;
	uint64_t lost = 0;

	(void)state;
	ix_run(&r, "scenarios/two-nodes-rpc.lua", NULL, sets, 2, UINT64_MAX);
	check_against_stats(&r);
	check_packets(r.ix);
	assert_int_equal(r.ix->nnodes, 3);
	assert_int_equal(r.ix->nlinks, 3);
	for (size_t i = 0; i < r.ix->nlinks; i++)
		lost += r.ix->links[i].dir[0].lost + r.ix->links[i].dir[1].lost;
	assert_true(lost > 0);                      /* the lesson's figures: 3 and 3 */
	assert_int_equal(r.ix->links[2].loss_ppm, 100000);
	ix_run_free(&r);
}

/* The sizes part: messages of several packets over a LAN and a WAN. */
static void test_sizes_against_stats(void **state)
{
	static const char *const sets[] = { "from=1400", "step=1600", "max=3000" };
	struct ix_run r;
	int multi = 0;

	(void)state;
	ix_run(&r, "scenarios/two-nodes-rpc.lua", NULL, sets, 3, UINT64_MAX);
	check_against_stats(&r);
	check_packets(r.ix);
	for (size_t i = 0; i < r.ix->npkts; i++)
		multi |= r.ix->pkts[i].seq == 2;         /* 3000 bytes: three packets */
	assert_true(multi);
	/* the kernel's notices go to the network servers: no lane for it */
	for (size_t i = 0; i < r.ix->nprocs; i++)
		if (r.ix->procs[i].pid == 0)
			assert_int_equal(r.ix->procs[i].lane, TI_NONE);
	assert_int_equal(r.ix->nonode_first, r.ix->nnode_procs);
	ix_run_free(&r);
}

/* Values converted on each node (a big-endian node never converts). */
static void test_converted_against_stats(void **state)
{
	static const char *const sets[] = { "nodes=true" };
	struct ix_run r;
	uint64_t converted = 0;

	(void)state;
	ix_run(&r, "scenarios/byte-order.lua", NULL, sets, 1, UINT64_MAX);
	check_against_stats(&r);
	for (size_t i = 0; i < r.ix->nnodes; i++) {
		converted += r.ix->nodes[i].converted;
		if (r.ix->nodes[i].big_endian)
			assert_int_equal(r.ix->nodes[i].converted, 0);
	}
	assert_true(converted > 0);
	ix_run_free(&r);
}

struct rec {
	uint64_t ns;
	unsigned kind;
	uint64_t a[6];
	const char *s;
};

static struct trace_index *feed(const struct rec *r, size_t n, uint64_t end)
{
	struct trace_index *ix = trace_index_new();

	assert_non_null(ix);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(trace_index_add(ix, r[i].ns, r[i].kind, r[i].a, r[i].s,
						 r[i].s ? strlen(r[i].s) : 0), 0);
	assert_int_equal(trace_index_seal(ix, end), 0);
	return ix;
}

/* Two nodes, a link of 1 ms and 8 Mbit/s (a byte a microsecond); a message
 * of two packets, the second lost; a process that moves from A to B; a
 * process on a node never declared; a kernel notice to a port no process
 * is known to hold. */
static void test_records(void **state)
{
	static const struct rec run[] = {
		{ 0, TR_PROC_NEW, { 1, 1 }, "name" },
		{ 0, TR_NODE, { 0, 1, 0, 0 }, "A" },
		{ 0, TR_NODE, { 1, 2, 1, 1 }, "B" },
		{ 0, TR_LINK, { 1, 0, 1, 1000000, 8000000, 100 }, "lan" },
		{ 0, TR_LINK_LOSS, { 1, 250000 }, NULL },
		{ 0, TR_PROC_NODE, { 1, 0 }, NULL },
		{ 0, TR_THREAD_NEW, { 1, 1 }, "name" },
		{ 0, TR_PROC_NEW, { 2, 1 }, "net.B" },
		{ 0, TR_PROC_NODE, { 2, 1 }, NULL },
		{ 0, TR_THREAD_NEW, { 2, 2 }, "net.B" },
		{ 0, TR_PROC_NEW, { 3, 0 }, "p" },
		{ 0, TR_PROC_NODE, { 3, 0 }, NULL },
		{ 0, TR_THREAD_NEW, { 3, 3 }, "p" },
		{ 0, TR_PORT_NEW, { 5, 2, 4 }, NULL },
		{ 0, TR_PROC_NEW, { 4, 0 }, "loner" },
		{ 0, TR_PORT_NEW, { 6, 4, 4 }, NULL },
		{ 10, TR_MSG_SEND, { 7, 3, 5, 150, 0, 0 }, NULL },
		{ 20, TR_PKT_SEND, { 1, 0, 7, 0, 100, 30 }, NULL },
		{ 20, TR_PKT_SEND, { 1, 0, 7, 1, 78, 100030 }, NULL },
		{ 20, TR_PKT_SEND, { 9, 0, 8, 0, 50, 20 }, NULL },       /* an unknown link */
		{ 50, TR_PROC_NODE, { 3, 1 }, NULL },                   /* p moves to B */
		{ 60, TR_PROC_NODE, { 3, 1 }, NULL },                   /* (still on B) */
		{ 60, TR_PROC_NODE, { 4, 9 }, NULL },                   /* a node never declared */
		{ 1100030, TR_PKT_ARRIVE, { 1, 7, 0, 0 }, NULL },
		{ 1178030, TR_PKT_LOST, { 1, 7, 1 }, NULL },
		{ 1178030, TR_MSG_DROP, { 7, 5, 4 }, NULL },
		{ 1200000, TR_CONVERT, { 7, 1, 3, 2 }, NULL },
		{ 1300000, TR_MSG_SEND, { 9, 0, 8, 16, 0, 0 }, NULL },  /* the kernel, to a port
									 * of no one's */
	};
	struct trace_index *ix = feed(run, sizeof run / sizeof run[0], 2000000);
	const struct ti_packet *p;

	(void)state;
	assert_int_equal(ix->nnodes, 3);
	assert_string_equal(trace_index_str(ix, ix->nodes[1].name), "B");
	assert_string_equal(trace_index_str(ix, ix->nodes[2].name), "node 9");
	assert_int_equal(ix->nodes[1].cpus, 2);
	assert_int_equal(ix->nodes[1].big_endian, 1);
	assert_int_equal(ix->nodes[1].net, 1);            /* net.B */
	assert_int_equal(ix->nodes[0].net, TI_NONE);
	assert_int_equal(trace_index_node_of_cpu(ix, 2), 1);
	assert_int_equal(trace_index_node_of_cpu(ix, 3), TI_NONE);
	assert_int_equal(ix->nlinks, 1);
	assert_int_equal(ix->links[0].loss_ppm, 250000);
	assert_string_equal(trace_index_str(ix, ix->links[0].profile), "lan");
	/* the packets: 100 bytes take 100 us, then 1 ms of latency */
	assert_int_equal(ix->npkts, 2);
	p = &ix->pkts[0];
	assert_int_equal(p->depart, 30);
	assert_int_equal(p->tx_end, 100030);
	assert_int_equal(p->arrive, 1100030);
	assert_int_equal(p->fate, TI_PKT_ARRIVED);
	assert_int_equal(p->last, 0);
	assert_int_equal(p->msg, 0);
	p = &ix->pkts[1];
	assert_int_equal(p->tx_end, 178030);
	assert_int_equal(p->arrive, 1178030);
	assert_int_equal(p->fate, TI_PKT_LOST);
	assert_int_equal(p->last, 1);
	assert_int_equal(ix->links[0].dir[0].packets, 2);
	assert_int_equal(ix->links[0].dir[0].bytes, 178);
	assert_int_equal(ix->links[0].dir[0].lost, 1);
	assert_int_equal(ix->links[0].dir[0].msgs, 1);
	assert_int_equal(ix->links[0].dir[0].msgs_lost, 1);
	assert_int_equal(ix->links[0].dir[0].busy_ns, 178000);
	assert_int_equal(ix->links[0].dir[1].packets, 0);
	assert_int_equal(ix->nodes[0].msgs_out, 1);
	assert_int_equal(ix->nodes[0].bytes_out, 150);
	assert_int_equal(ix->nodes[1].msgs_in, 0);
	assert_int_equal(ix->nodes[1].converted, 3);
	assert_int_equal(trace_index_pkts_from(ix, 0), 0);
	assert_int_equal(trace_index_pkts_from(ix, 1100031), 1);
	assert_int_equal(trace_index_pkts_from(ix, 1178031), 2);
	/* p: on A until 50 ns, then on B; one move */
	assert_int_equal(ix->nmoves, 1);
	assert_int_equal(trace_index_node_at(ix, 2, 49), 0);
	assert_int_equal(trace_index_node_at(ix, 2, 50), 1);
	assert_int_equal(ix->procs[2].node, 0);
	/* lanes: name and p under A, net.B under B, loner under node 9; the
	 * kernel, which sent to a port of no node, on no node, in the last group */
	assert_int_equal(ix->nodes[0].proc_count, 2);
	assert_int_equal(ix->node_procs[ix->nodes[0].proc_first + 1], 2);
	assert_int_equal(ix->nodes[1].proc_count, 1);
	assert_int_equal(ix->nodes[2].proc_count, 1);
	assert_int_equal(ix->nnode_procs - ix->nonode_first, 1);
	assert_int_equal(ix->procs[ix->node_procs[ix->nonode_first]].pid, 0);
	assert_int_equal(ix->nodes[0].th_count, 2);
	trace_index_free(ix);
}

/* A trace without nodes has none of it. */
static void test_no_nodes(void **state)
{
	static const struct rec run[] = {
		{ 0, TR_PROC_NEW, { 1, 1 }, "name" },
		{ 0, TR_THREAD_NEW, { 1, 1 }, "name" },
		{ 10, TR_PKT_ARRIVE, { 1, 7, 0, 1 }, NULL },
	};
	struct trace_index *ix = feed(run, sizeof run / sizeof run[0], 100);

	(void)state;
	assert_int_equal(ix->nnodes, 0);
	assert_int_equal(ix->npkts, 0);
	assert_null(ix->node_procs);
	assert_int_equal(ix->procs[0].node, TI_NONE);
	assert_int_equal(ix->procs[0].lane, TI_NONE);
	assert_int_equal(trace_index_node_at(ix, 0, 50), TI_NONE);
	trace_index_free(ix);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_loss_against_stats),
		cmocka_unit_test(test_sizes_against_stats),
		cmocka_unit_test(test_converted_against_stats),
		cmocka_unit_test(test_records),
		cmocka_unit_test(test_no_nodes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
