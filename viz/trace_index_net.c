/*
 * trace_index_net.c - several machines in the trace index (trace_index.h):
 * the nodes and the processes on each, the links, every packet from the
 * moment its node's network server put it on a link to its arrival or loss,
 * and the traffic each link and node carried.
 *
 * The one idea: a packet record says when the packet's transmission starts
 * (depart) and the link record gives its bandwidth and latency, so the
 * index knows from the send record alone where the packet is at any time:
 * queued until depart, on the wire until tx_end, propagating until arrive.
 * The arrival and loss records confirm it. The traffic is counted from the
 * packets when sealing, by the rules the kernel's statistics follow, so the
 * two can be checked against each other.
 *
 * Node and link ids from the file go through maps; a record naming a node
 * the trace never declared makes a placeholder ("node 7"), and at most
 * TI_MAX_NODES nodes and TI_MAX_LINKS links are kept (records about others
 * are ignored), so a damaged trace still loads.
 */
#include "trace_index_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GROW(arr, cap, n) ti_grow((void **)&(arr), &(cap), (n), sizeof *(arr))

enum { NAME_MAX_SHOWN = 120 };

/* The nodes index of node id, made as a placeholder when the trace never
 * declared it; TI_NONE when there are too many nodes, or memory ran out
 * (*oom set). */
static uint32_t node_get(struct trace_index *ix, uint64_t id, int *oom)
{
	struct ti_build *b = ix->b;
	uint32_t i = ti_map_get(&b->nodeids, id);
	char name[32];
	int n;

	if (i != TI_NONE || ix->nnodes >= TI_MAX_NODES)
		return i;
	if (GROW(ix->nodes, b->nodecap, ix->nnodes + 1) != 0 ||
	    ti_map_put(&b->nodeids, id, (uint32_t)ix->nnodes) != 0) {
		*oom = 1;
		return TI_NONE;
	}
	n = snprintf(name, sizeof name, "node %llu", (unsigned long long)id);
	memset(&ix->nodes[ix->nnodes], 0, sizeof ix->nodes[ix->nnodes]);
	ix->nodes[ix->nnodes].id = id;
	ix->nodes[ix->nnodes].name = ti_pool_add(ix, name, (size_t)n, sizeof name);
	ix->nodes[ix->nnodes].net = TI_NONE;
	return (uint32_t)ix->nnodes++;
}

int ti_rec_node(struct trace_index *ix, uint64_t ns, const uint64_t *a, const char *s,
		size_t len)
{
	int oom = 0;
	uint32_t n = node_get(ix, a[0], &oom);
	struct ti_node *nd;

	(void)ns;
	if (n == TI_NONE)
		return oom ? -1 : 0;
	nd = &ix->nodes[n];
	nd->cpus = a[1] < UINT32_MAX ? (uint32_t)a[1] : UINT32_MAX;
	nd->cpu0 = a[2] < UINT32_MAX ? (uint32_t)a[2] : UINT32_MAX;
	nd->big_endian = a[3] != 0;
	nd->name = ti_pool_add(ix, s ? s : "", s ? len : 0, NAME_MAX_SHOWN);
	return 0;
}

int ti_rec_proc_node(struct trace_index *ix, uint64_t ns, const uint64_t *a, const char *s,
		     size_t len)
{
	uint32_t pr = ti_proc_get(ix, a[0], ns), n;
	int oom = 0;
	struct ti_proc *p;

	(void)s, (void)len;
	if (pr == TI_NONE)
		return -1;
	if ((n = node_get(ix, a[1], &oom)) == TI_NONE)
		return oom ? -1 : 0;
	p = &ix->procs[pr];
	if (p->node == TI_NONE) {
		p->node = n;
		return 0;
	}
	if (trace_index_node_at(ix, pr, ns) == n)
		return 0;
	if (GROW(ix->moves, ix->b->movecap, ix->nmoves + 1) != 0)
		return -1;
	ix->moves[ix->nmoves++] = (struct ti_move){ ns, pr, trace_index_node_at(ix, pr, ns), n };
	return 0;
}

int ti_rec_link(struct trace_index *ix, uint64_t ns, const uint64_t *a, const char *s,
		size_t len)
{
	struct ti_build *b = ix->b;
	uint32_t i = ti_map_get(&b->linkids, a[0]), na, nb;
	int oom = 0;
	struct ti_link *l;

	(void)ns;
	na = node_get(ix, a[1], &oom);
	nb = node_get(ix, a[2], &oom);
	if (oom)
		return -1;
	if (na == TI_NONE || nb == TI_NONE || (i == TI_NONE && ix->nlinks >= TI_MAX_LINKS))
		return 0;
	if (i == TI_NONE) {
		if (GROW(ix->links, b->linkcap, ix->nlinks + 1) != 0 ||
		    ti_map_put(&b->linkids, a[0], (uint32_t)ix->nlinks) != 0)
			return -1;
		i = (uint32_t)ix->nlinks++;
		memset(&ix->links[i], 0, sizeof ix->links[i]);
	}
	l = &ix->links[i];
	l->id = a[0];
	l->a = na;
	l->b = nb;
	l->latency_ns = a[3];
	l->bandwidth_bps = a[4];
	l->mtu = a[5] < UINT32_MAX ? (uint32_t)a[5] : UINT32_MAX;
	l->profile = ti_pool_add(ix, s ? s : "", s ? len : 0, NAME_MAX_SHOWN);
	return 0;
}

int ti_rec_link_loss(struct trace_index *ix, uint64_t ns, const uint64_t *a, const char *s,
		     size_t len)
{
	uint32_t i = ti_map_get(&ix->b->linkids, a[0]);

	(void)ns, (void)s, (void)len;
	if (i != TI_NONE)
		ix->links[i].loss_ppm = a[1] < 1000000 ? (uint32_t)a[1] : 1000000;
	return 0;
}

/* a + b, saturating. */
static uint64_t add_sat(uint64_t a, uint64_t b)
{
	return b > UINT64_MAX - a ? UINT64_MAX : a + b;
}

/* Nanoseconds to send bytes at bps, rounded up (as the kernel computes it). */
static uint64_t tx_ns(uint64_t bytes, uint64_t bps)
{
	unsigned __int128 bits = (unsigned __int128)bytes * 8 * 1000000000u, t;

	if (!bps)
		return 0;
	t = (bits + bps - 1) / bps;
	return t > UINT64_MAX ? UINT64_MAX : (uint64_t)t;
}

int ti_rec_pkt_send(struct trace_index *ix, uint64_t ns, const uint64_t *a, const char *s,
		    size_t len)
{
	struct ti_build *b = ix->b;
	uint32_t li = ti_map_get(&b->linkids, a[0]), from, first;
	const struct ti_link *l;
	struct ti_packet *p;

	(void)s, (void)len;
	if (li == TI_NONE || ix->npkts >= TI_NONE - 1)
		return 0;                      /* a packet on a link never declared: ignored */
	l = &ix->links[li];
	from = ti_map_get(&b->nodeids, a[1]);
	if (GROW(ix->pkts, b->pktcap, ix->npkts + 1) != 0)
		return -1;
	first = ti_map_get(&b->pkt_flows, a[2]);
	if ((first == TI_NONE || a[3] == 0 || ix->pkts[first].flow != a[2]) &&
	    ti_map_put(&b->pkt_flows, a[2], (uint32_t)ix->npkts) != 0)
		return -1;
	p = &ix->pkts[ix->npkts++];
	memset(p, 0, sizeof *p);
	p->sent_ns = ns;
	p->depart = a[5] > ns ? a[5] : ns;
	p->tx_end = add_sat(p->depart, tx_ns(a[4], l->bandwidth_bps));
	p->arrive = add_sat(p->tx_end, l->latency_ns);
	p->flow = a[2];
	p->link = li;
	p->msg = ti_map_get(&b->flows, a[2]);
	p->seq = a[3] < UINT32_MAX ? (uint32_t)a[3] : UINT32_MAX;
	p->bytes = a[4] < UINT32_MAX ? (uint32_t)a[4] : UINT32_MAX;
	p->dir = from == l->b && from != l->a;
	p->fate = TI_PKT_PENDING;
	return 0;
}

/* The packet seq of flow, or NULL. */
static struct ti_packet *pkt_of(struct trace_index *ix, uint64_t flow, uint64_t seq)
{
	uint32_t first = ti_map_get(&ix->b->pkt_flows, flow);

	if (first == TI_NONE || seq >= ix->npkts - first || ix->pkts[first + seq].flow != flow ||
	    ix->pkts[first + seq].seq != seq)
		return NULL;
	return &ix->pkts[first + seq];
}

int ti_rec_pkt_end(struct trace_index *ix, uint64_t ns, const uint64_t *a, const char *s,
		   size_t len)
{
	struct ti_packet *p = pkt_of(ix, a[1], a[2]);

	(void)s, (void)len;
	if (p && p->fate == TI_PKT_PENDING) {
		p->fate = TI_PKT_ARRIVED;
		p->arrive = ns > p->tx_end ? ns : p->tx_end;
		p->last = a[3] != 0;
	}
	return 0;
}

int ti_rec_pkt_lost(struct trace_index *ix, uint64_t ns, const uint64_t *a, const char *s,
		    size_t len)
{
	struct ti_packet *p = pkt_of(ix, a[1], a[2]);

	(void)s, (void)len;
	if (p && p->fate == TI_PKT_PENDING) {
		p->fate = TI_PKT_LOST;
		p->arrive = ns > p->tx_end ? ns : p->tx_end;
	}
	return 0;
}

/* A migration starts: where it goes from and to, for its transfers. */
int ti_rec_migrate(struct trace_index *ix, uint64_t ns, const uint64_t *a, const char *s,
		   size_t len)
{
	uint32_t from = ti_map_get(&ix->b->nodeids, a[2]), to = ti_map_get(&ix->b->nodeids, a[3]);

	(void)ns, (void)s, (void)len;
	if (from == TI_NONE || to == TI_NONE || from == to || from > 0xffff || to > 0xffff)
		return 0;                      /* between nodes never declared: ignored */
	return ti_map_put(&ix->b->mig_ends, a[0], from << 16 | to);
}

/* A transfer of payload bytes of migration id from its source to its
 * target (or back: back = 1), arriving at arrive, as the kernel sends it
 * (kernel/migrate_move.c): packets of the link's MTU one after the other,
 * then the latency. Its departure is worked back from its arrival. */
static int mig_xfer(struct trace_index *ix, uint64_t ns, uint64_t id, uint64_t payload,
		    uint64_t arrive)
{
	uint32_t ends = ti_map_get(&ix->b->mig_ends, id), from, to, li = TI_NONE;
	const struct ti_link *l = NULL;
	uint64_t room, npk, wire, tx;
	struct ti_packet *p;

	if (ends == TI_NONE || ix->npkts >= TI_NONE - 1)
		return 0;
	from = ends >> 16;
	to = ends & 0xffff;
	for (size_t i = 0; i < ix->nlinks && li == TI_NONE; i++)
		if ((ix->links[i].a == from && ix->links[i].b == to) ||
		    (ix->links[i].a == to && ix->links[i].b == from))
			li = (uint32_t)i;
	if (li == TI_NONE)
		return 0;
	l = &ix->links[li];
	room = l->mtu > 28 ? l->mtu - 28 : 1;
	npk = payload ? (payload + room - 1) / room : 1;
	wire = add_sat(payload, 28 * npk);
	tx = tx_ns(wire, l->bandwidth_bps);
	if (GROW(ix->pkts, ix->b->pktcap, ix->npkts + 1) != 0)
		return -1;
	p = &ix->pkts[ix->npkts++];
	memset(p, 0, sizeof *p);
	p->sent_ns = ns;
	p->arrive = arrive > ns ? arrive : ns;
	p->tx_end = p->arrive > add_sat(ns, l->latency_ns) ? p->arrive - l->latency_ns : ns;
	p->depart = p->tx_end > add_sat(ns, tx) ? p->tx_end - tx : ns;
	p->link = li;
	p->msg = TI_NONE;
	p->seq = npk < UINT32_MAX ? (uint32_t)npk : UINT32_MAX;
	p->bytes = wire < UINT32_MAX ? (uint32_t)wire : UINT32_MAX;
	p->dir = from == l->b;
	p->fate = TI_PKT_ARRIVED;
	p->last = 1;
	p->mig = id < UINT32_MAX ? (uint32_t)id : UINT32_MAX;
	return 0;
}

/* migrate_round: id, round, pages, bytes, arrive */
int ti_rec_migrate_xfer(struct trace_index *ix, uint64_t ns, const uint64_t *a, const char *s,
			size_t len)
{
	(void)s, (void)len;
	return mig_xfer(ix, ns, a[0], a[3], a[4]);
}

/* migrate_pull: id, tid, addr, arrive: one page, pulled on a fault */
int ti_rec_migrate_pull(struct trace_index *ix, uint64_t ns, const uint64_t *a, const char *s,
			size_t len)
{
	(void)s, (void)len;
	return mig_xfer(ix, ns, a[0], ix->vm.page_size ? ix->vm.page_size : 4096, a[3]);
}

int ti_rec_convert(struct trace_index *ix, uint64_t ns, const uint64_t *a, const char *s,
		   size_t len)
{
	uint32_t n = ti_map_get(&ix->b->nodeids, a[1]);

	(void)ns, (void)s, (void)len;
	if (n != TI_NONE)
		ix->nodes[n].converted += a[2];
	return 0;
}

/* ---- sealing ---- */

/* Mark each message's last packet and count the traffic: per direction of
 * each link and per node, as net.c counts it (a message when its first
 * packet goes, its loss and its arrival at its last packet's record). */
static void count_traffic(struct trace_index *ix)
{
	size_t g = 0;                           /* the first packet of the current message */
	int lost = 0;

	for (size_t i = 0; i < ix->npkts; i++) {
		struct ti_packet *p = &ix->pkts[i];
		struct ti_link *l = &ix->links[p->link];
		struct ti_link_dir *d = &l->dir[p->dir];
		if (p->mig) {           /* a migration's stream: packets, no message */
			d->packets += p->seq;
			d->bytes += p->bytes;
			d->busy_ns += p->tx_end - p->depart;
			continue;
		}
		uint32_t from = p->dir ? l->b : l->a, to = p->dir ? l->a : l->b;
		uint64_t size = p->msg != TI_NONE ? ix->msgs[p->msg].size : 0;
		int ends = i + 1 == ix->npkts || ix->pkts[i + 1].flow != p->flow ||
			   ix->pkts[i + 1].seq != p->seq + 1;
		if (p->seq == 0 || p->flow != ix->pkts[g].flow) {
			g = i;
			lost = 0;
			d->msgs++;
			ix->nodes[from].msgs_out++;
			ix->nodes[from].bytes_out += size;
		}
		d->packets++;
		d->bytes += p->bytes;
		d->busy_ns += p->tx_end - p->depart;
		lost |= p->fate == TI_PKT_LOST;
		d->lost += p->fate == TI_PKT_LOST;
		p->last = (uint8_t)(p->last | ends);
		if (!ends || p->fate == TI_PKT_PENDING)
			continue;
		if (lost) {
			d->msgs_lost++;
		} else {
			ix->nodes[to].msgs_in++;
			ix->nodes[to].bytes_in += size;
		}
	}
}

/* Whether process pr is the kernel (pid 0) and every notice it sent went to
 * a process on a node: it then needs no lane. */
static int kernel_on_nodes(const struct trace_index *ix, uint32_t pr)
{
	if (ix->procs[pr].pid != 0)
		return 0;
	for (size_t i = 0; i < ix->nmsgs; i++) {
		const struct ti_msg *m = &ix->msgs[i];
		uint32_t owner = ix->ports[m->port].owner;
		if (ix->threads[m->from].proc == pr &&
		    (owner == TI_NONE || ix->procs[owner].node == TI_NONE))
			return 0;
	}
	return 1;
}

/* The processes with a lane and their threads, grouped by node. */
static int order_lanes(struct trace_index *ix)
{
	size_t np = 0, nt = 0;

	if (!(ix->node_procs = malloc((ix->nprocs + 1) * sizeof *ix->node_procs)) ||
	    !(ix->node_threads = malloc((ix->nthreads + 1) * sizeof *ix->node_threads)))
		return -1;
	for (size_t n = 0; n <= ix->nnodes; n++) {
		uint32_t node = n < ix->nnodes ? (uint32_t)n : TI_NONE;
		size_t p0 = np, t0 = nt;
		for (size_t pr = 0; pr < ix->nprocs; pr++)
			if (ix->procs[pr].node == node &&
			    !(node == TI_NONE && kernel_on_nodes(ix, (uint32_t)pr))) {
				ix->procs[pr].lane = (uint32_t)np;
				ix->node_procs[np++] = (uint32_t)pr;
			}
		for (size_t th = 0; th < ix->nthreads; th++) {
			const struct ti_proc *p = &ix->procs[ix->threads[th].proc];
			if (p->node == node && p->lane != TI_NONE) {
				ix->threads[th].lane = (uint32_t)nt;
				ix->node_threads[nt++] = (uint32_t)th;
			}
		}
		if (node == TI_NONE) {
			ix->nonode_first = p0;
			ix->nonode_th_first = t0;
		} else {
			ix->nodes[n].proc_first = p0;
			ix->nodes[n].proc_count = np - p0;
			ix->nodes[n].th_first = t0;
			ix->nodes[n].th_count = nt - t0;
		}
	}
	ix->nnode_procs = np;
	ix->nnode_threads = nt;
	return 0;
}

/* Each node's network server: the daemon "net.NAME" on it. */
static void find_net_servers(struct trace_index *ix)
{
	for (size_t pr = 0; pr < ix->nprocs; pr++) {
		const struct ti_proc *p = &ix->procs[pr];
		const char *name = trace_index_str(ix, p->name);
		if (p->node != TI_NONE && p->daemon && strncmp(name, "net.", 4) == 0 &&
		    strcmp(name + 4, trace_index_str(ix, ix->nodes[p->node].name)) == 0 &&
		    ix->nodes[p->node].net == TI_NONE)
			ix->nodes[p->node].net = (uint32_t)pr;
	}
}

int ti_seal_net(struct trace_index *ix)
{
	uint64_t reach = 0;

	if (!ix->nnodes)
		return 0;
	count_traffic(ix);
	find_net_servers(ix);
	if (order_lanes(ix) != 0 ||
	    !(ix->pkt_reach = malloc((ix->npkts + 1) * sizeof *ix->pkt_reach)) ||
	    !(ix->msg_pkt = malloc((ix->nmsgs + 1) * sizeof *ix->msg_pkt)))
		return -1;
	for (size_t i = 0; i < ix->npkts; i++) {
		reach = ix->pkts[i].arrive > reach ? ix->pkts[i].arrive : reach;
		ix->pkt_reach[i] = reach;
	}
	for (size_t i = 0; i < ix->nmsgs; i++)
		ix->msg_pkt[i] = TI_NONE;
	for (size_t i = 0; i < ix->npkts; i++) {
		uint32_t m = ix->pkts[i].msg;
		if (m != TI_NONE && ix->msg_pkt[m] == TI_NONE)
			ix->msg_pkt[m] = (uint32_t)i;
	}
	return 0;
}

void ti_net_free(struct trace_index *ix)
{
	free(ix->nodes);
	free(ix->links);
	free(ix->pkts);
	free(ix->pkt_reach);
	free(ix->msg_pkt);
	free(ix->moves);
	free(ix->node_procs);
	free(ix->node_threads);
}

/* ---- queries ---- */

size_t trace_index_pkts_from(const struct trace_index *ix, uint64_t t)
{
	size_t lo = 0, hi = ix->npkts;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ix->pkt_reach[mid] < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

uint32_t trace_index_node_at(const struct trace_index *ix, uint32_t pr, uint64_t t)
{
	uint32_t n = pr < ix->nprocs ? ix->procs[pr].node : TI_NONE;

	for (size_t i = 0; i < ix->nmoves && ix->moves[i].ns <= t; i++)
		if (ix->moves[i].proc == pr)
			n = ix->moves[i].to;
	return n;
}

uint32_t trace_index_node_of_cpu(const struct trace_index *ix, uint32_t c)
{
	for (size_t n = 0; n < ix->nnodes; n++)
		if (c >= ix->nodes[n].cpu0 && c - ix->nodes[n].cpu0 < ix->nodes[n].cpus)
			return (uint32_t)n;
	return TI_NONE;
}
