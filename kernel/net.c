/*
 * net.c - nodes, links and packets (see net.h).
 *
 * A message from one node to another becomes a transit: its packets are
 * put on the link's direction at once, each after the one before (the
 * direction is busy until the last has been sent), and each has an event
 * at its arrival. A packet's loss is drawn from the network's own random
 * stream at its arrival, in event order; the last packet's event hands the
 * message on, whole, or loses it when any of its packets was lost.
 */
#include "net.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipc.h"
#include "machine.h"
#include "vmsys.h"
#include "migrate.h"
#include "msg.h"
#include "port.h"
#include "proc.h"
#include "thread.h"
#include "trace.h"
#include "uk_err.h"

/* Representative values for the kinds of network of the classic table
 * (Coulouris et al., "Distributed Systems", fig. 3.1): one point inside
 * each kind's ranges. doc/scenario-api.md gives the table. */
static const struct net_profile profiles[] = {
	{ "lan", 1000000, 100000000, 1500, 0.0, "10-1000 Mbps, 1-10 ms" },
	{ "man", 10000000, 100000000, 1500, 0.0, "1-150 Mbps, 10 ms" },
	{ "wan", 100000000, 10000000, 1500, 0.0, "0.010-600 Mbps, 100-500 ms" },
	{ "wireless-lan", 5000000, 11000000, 1500, 0.01, "2-11 Mbps, 5-20 ms" },
	{ "wireless-wan", 200000000, 2000000, 1500, 0.01, "0.010-2 Mbps, 100-500 ms" },
	{ "internet", 100000000, 2000000, 1500, 0.001, "0.010-2 Mbps, 100-500 ms" },
};
#define NPROFILES (sizeof profiles / sizeof profiles[0])

const struct net_profile *net_profile_find(const char *name)
{
	for (unsigned i = 0; i < NPROFILES; i++)
		if (strcmp(profiles[i].name, name) == 0)
			return &profiles[i];
	return NULL;
}

const struct net_profile *net_profile_at(unsigned i)
{
	return i < NPROFILES ? &profiles[i] : NULL;
}

int net_parse_rate(const char *text, uint64_t *bps)
{
	static const struct { const char *unit; double mult; } units[] = {
		{ "bps", 1 },      { "kbps", 1e3 }, { "Kbps", 1e3 },
		{ "Mbps", 1e6 },   { "Gbps", 1e9 },
	};
	char *end;
	double v = strtod(text, &end);

	if (end == text || !(v > 0))
		return -1;
	while (*end == ' ')
		end++;
	for (unsigned i = 0; i < sizeof units / sizeof units[0]; i++) {
		if (strcmp(end, units[i].unit) == 0) {
			double r = v * units[i].mult;
			if (r < 1 || r > 1e15)
				return -1;
			*bps = (uint64_t)(r + 0.5);
			return 0;
		}
	}
	return -1;
}

int net_init(struct machine *m)
{
	struct net *n = calloc(1, sizeof *n);

	if (!n)
		return -1;
	rng_seed(&n->rng, m->cfg.seed ^ 0x6e6574ULL);   /* "net" */
	m->net = n;
	snprintf(n->nodes[0].name, sizeof n->nodes[0].name, "A");
	n->nodes[0].ncpus = m->cfg.cpus;
	n->nodes[0].costs = m->cfg.costs;
	n->nnodes = 1;
	memset(n->hop, NET_NO_HOP, sizeof n->hop);
	n->hop[0][0] = 0;
	return 0;
}

/* The routes of every node to every other over the links (Floyd and
 * Warshall: a handful of nodes): the fewest hops, so that a link declared
 * between two nodes is always their route; among those the smallest sum of
 * latencies, then the lowest next node, so that they depend on the
 * declarations alone. */
struct way {
	uint32_t hops;
	uint64_t latency;
};

static int shorter(struct way a, struct way b)
{
	return a.hops < b.hops || (a.hops == b.hops && a.latency < b.latency);
}

static void routes(struct net *n)
{
	struct way d[NET_MAX_NODES][NET_MAX_NODES];
	const struct way none = { UINT32_MAX, UINT64_MAX };

	for (uint32_t a = 0; a < NET_MAX_NODES; a++)
		for (uint32_t b = 0; b < NET_MAX_NODES; b++) {
			d[a][b] = a == b ? (struct way){ 0, 0 } : none;
			n->hop[a][b] = a == b ? (uint8_t)a : NET_NO_HOP;
		}
	for (uint32_t i = 0; i < n->nlinks; i++) {
		const struct link *l = &n->links[i];
		struct way w = { 1, l->latency_ns };
		if (shorter(w, d[l->a][l->b])) {
			d[l->a][l->b] = d[l->b][l->a] = w;
			n->hop[l->a][l->b] = (uint8_t)l->b;
			n->hop[l->b][l->a] = (uint8_t)l->a;
		}
	}
	for (uint32_t k = 0; k < n->nnodes; k++)
		for (uint32_t a = 0; a < n->nnodes; a++)
			for (uint32_t b = 0; b < n->nnodes; b++) {
				struct way via;
				if (d[a][k].hops == UINT32_MAX || d[k][b].hops == UINT32_MAX || a == b ||
				    k == a || k == b)
					continue;
				via = (struct way){ d[a][k].hops + d[k][b].hops,
						    d[a][k].latency + d[k][b].latency };
				if (shorter(via, d[a][b]) ||
				    (!shorter(d[a][b], via) && n->hop[a][k] < n->hop[a][b])) {
					d[a][b] = via;
					n->hop[a][b] = n->hop[a][k];
				}
			}
}

uint32_t net_next_hop(const struct machine *m, uint32_t from, uint32_t to)
{
	uint8_t h;

	if (!m->net || from >= NET_MAX_NODES || to >= NET_MAX_NODES)
		return UINT32_MAX;
	h = m->net->hop[from][to];
	return h == NET_NO_HOP ? UINT32_MAX : h;
}

int net_reachable(const struct machine *m, uint32_t from, uint32_t to)
{
	return net_next_hop(m, from, to) != UINT32_MAX;
}

static int node_sched(struct machine *m, uint32_t id, const struct sched_ops *ops, uint64_t quantum,
		      const struct sched_ops *inner, int balance, uint64_t balance_ns);

int net_add_node(struct machine *m, const char *name, uint32_t ncpus, int big_endian)
{
	struct net *n = m->net;
	struct node *prev, *nd;

	if (n->nnodes == NET_MAX_NODES)
		return -1;
	prev = &n->nodes[n->nnodes - 1];
	nd = &n->nodes[n->nnodes];
	nd->id = n->nnodes;
	snprintf(nd->name, sizeof nd->name, "%s", name);
	nd->cpu0 = prev->cpu0 + prev->ncpus;
	nd->ncpus = ncpus;
	nd->big_endian = big_endian;
	nd->costs = m->cfg.costs;
	if (nd->cpu0 + ncpus > m->cfg.cpus)
		return -1;
	for (uint32_t i = nd->cpu0; i < nd->cpu0 + ncpus; i++)
		m->cpus[i].node = nd->id;
	n->nnodes++;
	if (node_sched(m, nd->id, m->sched.ops, m->sched.quantum, m->sched.inner, m->sched.balance,
		       m->sched.balance_ns) != 0) {
		n->nnodes--;
		return -1;
	}
	return (int)nd->id;
}

struct sched *net_sched(struct machine *m, uint32_t id)
{
	return &m->net->nodes[id].sched;
}

static void sched_drop(struct sched *s)
{
	if (s->ops && s->ops->fini)
		s->ops->fini(s);
	sched_rq_free(s);
	memset(s, 0, sizeof *s);
}

/* Give node id a new scheduler (node 0's is m->sched). */
static int node_sched(struct machine *m, uint32_t id, const struct sched_ops *ops, uint64_t quantum,
		      const struct sched_ops *inner, int balance, uint64_t balance_ns)
{
	struct sched *s = id ? &m->net->nodes[id].sched : &m->sched;
	const struct node *nd = &m->net->nodes[id];

	sched_drop(s);
	s->ops = ops;
	s->quantum = quantum;
	s->m = m;
	s->cpu0 = nd->cpu0;
	s->ncpus = nd->ncpus;
	s->node = id;
	s->inner = inner;
	s->balance = balance;
	s->balance_ns = balance_ns;
	if (ops->init && ops->init(s) != 0) {
		s->ops = NULL;
		return -1;
	}
	return 0;
}

int net_node_sched(struct machine *m, uint32_t id, const struct sched_ops *ops, uint64_t quantum)
{
	return node_sched(m, id, ops, quantum, NULL, 0, 0);
}

int net_node_percpu(struct machine *m, uint32_t id, const struct sched_ops *inner, uint64_t quantum,
		    int balance, uint64_t balance_ns)
{
	return node_sched(m, id, &sched_percpu_ops, quantum, inner, balance, balance_ns);
}

int net_add_link(struct machine *m, uint32_t a, uint32_t b, uint64_t latency_ns,
		 uint64_t bandwidth_bps, uint32_t mtu, double loss, const char *profile)
{
	struct net *n = m->net;
	struct link *l;

	if (n->nlinks == NET_MAX_LINKS)
		return -1;
	l = &n->links[n->nlinks];
	memset(l, 0, sizeof *l);
	l->id = ++n->nlinks;
	l->a = a;
	l->b = b;
	l->latency_ns = latency_ns;
	l->bandwidth_bps = bandwidth_bps;
	l->mtu = mtu;
	l->loss = loss;
	snprintf(l->profile, sizeof l->profile, "%s", profile ? profile : "");
	routes(n);
	return (int)l->id;
}

struct link *net_link(struct machine *m, uint32_t a, uint32_t b)
{
	for (uint32_t i = 0; i < m->net->nlinks; i++) {
		struct link *l = &m->net->links[i];
		if ((l->a == a && l->b == b) || (l->a == b && l->b == a))
			return l;
	}
	return NULL;
}

const struct costs *net_costs(const struct machine *m, const struct proc *p)
{
	return m->net ? &m->net->nodes[p->node < m->net->nnodes ? p->node : 0].costs : &m->cfg.costs;
}

const struct node *net_node_of(const struct machine *m, const struct proc *p)
{
	return &m->net->nodes[p->node < m->net->nnodes ? p->node : 0];
}

uint32_t net_packets(uint64_t size, uint32_t mtu)
{
	uint32_t room = mtu - NET_HEADER;
	uint64_t n = size == 0 ? 1 : (size + room - 1) / room;

	return n < UINT32_MAX ? (uint32_t)n : UINT32_MAX;
}

int net_remote(const struct machine *m, const struct proc *from, const struct proc *to)
{
	return m->net && from && to && from->node != to->node;
}

/* The topology, once, before the first process's placement. */
static void tell_topology(struct machine *m)
{
	struct net *n = m->net;

	n->told = 1;
	for (uint32_t i = 0; i < n->nnodes; i++) {
		const struct node *nd = &n->nodes[i];
		TRACE_STR(m, TR_NODE, nd->name, strlen(nd->name), nd->id, nd->ncpus, nd->cpu0,
			  (uint64_t)nd->big_endian);
	}
	for (uint32_t i = 0; i < n->nlinks; i++) {
		const struct link *l = &n->links[i];
		TRACE_STR(m, TR_LINK, l->profile, strlen(l->profile), l->id, l->a, l->b,
			  l->latency_ns, l->bandwidth_bps, l->mtu);
		TRACE(m, TR_LINK_LOSS, l->id, (uint64_t)(l->loss * 1e6 + 0.5));
	}
}

void net_proc_started(struct proc *p)
{
	struct machine *m = p->m;
	struct port *srv;

	if (!m->net)
		return;

	if (!m->net->told)
		tell_topology(m);
	if (!p->affinity) {
		/* Made by the kernel or a server (the supervisor, a file server):
		 * it runs on its node's CPUs too. */
		const struct node *nd = net_node_of(m, p);
		p->affinity = (nd->ncpus >= 64 ? UINT64_MAX : (1ull << nd->ncpus) - 1) << nd->cpu0;
	}
	TRACE(m, TR_PROC_NODE, p->pid, p->node);
	srv = m->net->nodes[p->node].srv;
	if (srv && srv->owner == p)   /* a network server: its port, named for viewers */
		TRACE_STR(m, TR_PORT_LABEL, srv->label, strlen(srv->label), srv->id);
}

void net_convert(struct machine *m, uint64_t flow, uint32_t node, uint32_t values, int op)
{
	m->net->nodes[node].converted += values;
	TRACE(m, TR_CONVERT, flow, node, values, (uint64_t)op);
}

/* A message on its way over a link, until its last packet's event. */
struct transit {
	struct msg *msg;
	struct link *link;
	uint32_t dir;                 /* index into link->dir */
	uint32_t to;                  /* the node it goes to */
	uint32_t npackets;
	int lost;
};

/* Nanoseconds to send bytes at bps, rounded up. */
static uint64_t tx_time(uint64_t bytes, uint64_t bps)
{
	unsigned __int128 bits = (unsigned __int128)bytes * 8 * 1000000000u;

	return (uint64_t)((bits + bps - 1) / bps);
}

/* The bytes a message puts on a link: its inline part and the bytes of its
 * out-of-line data (whose pages cannot be shared with another machine). */
static uint64_t wire_size(const struct msg *msg)
{
	return (uint64_t)msg->size + msg->ool_len;
}

uint64_t net_retry_ns(struct machine *m, uint32_t from, uint32_t to)
{
	uint64_t way = 0;
	int lossy = 0;

	if (!m->net || from == to || !net_reachable(m, from, to))
		return 0;
	/* hop by hop: each link's latency and one full packet, each server's
	 * work, and what is queued on the link now (either way) */
	for (uint32_t at = from, next; at != to; at = next) {
		const struct link *l = net_link(m, at, next = net_next_hop(m, at, to));
		const struct costs *a = &m->net->nodes[at].costs, *b = &m->net->nodes[next].costs;
		way += l->latency_ns + tx_time(l->mtu, l->bandwidth_bps) + a->net_msg_ns +
		       a->net_packet_ns + b->net_msg_ns + b->net_packet_ns;
		for (int d = 0; d < 2; d++)
			if (l->dir[d].busy_until > m->now)
				way += l->dir[d].busy_until - m->now;
		lossy |= l->loss > 0;
	}
	return lossy ? 4 * way + 1000000 : 0;
}

int net_transmit(struct machine *m, uint32_t from, uint32_t to, struct msg *msg, uint64_t delay)
{
	uint32_t hop = net_next_hop(m, from, to);
	struct link *l = hop == UINT32_MAX ? NULL : net_link(m, from, hop);
	struct transit *tr;
	struct link_dir *d;
	uint32_t room;
	uint64_t at, left = wire_size(msg);

	if (!l)
		return -1;
	tr = malloc(sizeof *tr);
	if (!tr) {
		m->oom = 1;
		msg_free(msg);
		return 0;
	}
	tr->msg = msg;
	tr->link = l;
	tr->dir = l->a == from ? 0 : 1;
	tr->to = hop;             /* this hop's end; the message goes on from there */
	msg->to_node = to;
	tr->npackets = net_packets(wire_size(msg), l->mtu);
	tr->lost = 0;
	msg->npackets = tr->npackets;
	msg->from_node = from;
	d = &l->dir[tr->dir];
	d->msgs++;
	m->net->nodes[from].msgs_out++;
	m->net->nodes[from].bytes_out += wire_size(msg);
	at = delay > UINT64_MAX - m->now ? UINT64_MAX : m->now + delay;
	if (d->busy_until > at)
		at = d->busy_until;
	room = l->mtu - NET_HEADER;
	for (uint32_t seq = 0; seq < tr->npackets; seq++) {
		uint32_t payload = left < room ? (uint32_t)left : room;
		uint64_t bytes = (uint64_t)payload + NET_HEADER, tx = tx_time(bytes, l->bandwidth_bps);
		uint64_t arrive;

		left -= payload;
		TRACE(m, TR_PKT_SEND, l->id, from, msg->flow, seq, bytes, at);
		at = tx > UINT64_MAX - at ? UINT64_MAX : at + tx;
		d->busy_ns += tx;
		d->packets++;
		d->bytes += bytes;
		m->net->packets++;
		arrive = l->latency_ns > UINT64_MAX - at ? UINT64_MAX : at + l->latency_ns;
		if (evq_push(&m->evq, arrive, EV_PACKET, seq, tr) != 0) {
			/* Events already posted refer to tr: it cannot go. */
			m->oom = 1;
			tr->npackets = seq;   /* the last posted is the last */
			if (seq == 0) {
				msg_free(msg);
				free(tr);
			}
			break;
		}
	}
	d->busy_until = at;
	return 0;
}

/* The protocol work for msg on the link from node from to node to (one
 * hop), by the network server of node at (its costs) */
static uint64_t work(const struct machine *m, const struct msg *msg, uint32_t from, uint32_t to,
		     uint32_t at)
{
	const struct link *l = net_link((struct machine *)m, from, to);
	const struct costs *c = &m->net->nodes[at].costs;

	return c->net_msg_ns + c->net_packet_ns * net_packets(wire_size(msg), l ? l->mtu : 1500);
}

/* msg reached node at: to its port; or on, over the next link, when at is
 * a node on its way or its port's owner has moved to another node since it
 * was sent (a migration). */
static void arrive_at(struct machine *m, struct msg *msg, uint32_t at)
{
	struct port *pt = msg->dest;

	if (pt && !pt->dead && pt->owner && pt->owner->node != at &&
	    net_reachable(m, at, pt->owner->node)) {
		if (at == msg->to_node || pt->owner->node != msg->to_node)   /* its port moved */
			migrate_forwarded(m, pt->owner, at, wire_size(msg), msg->flow);
		net_send(m, at, pt->owner->node, msg, 0);
		return;
	}
	ipc_arrive(m, msg);
}

/* Hand msg to node's network server (inbound: arrived there), or, without
 * one, send it on at once. */
static void handoff(struct machine *m, struct msg *msg, uint32_t from, uint32_t to,
		    uint64_t delay, int inbound)
{
	struct net *n = m->net;
	struct port *srv = n->nodes[inbound ? to : from].srv;
	uint32_t id;

	if (!srv || srv->dead) {
		if (!inbound)
			net_transmit(m, from, to, msg, delay);
		else
			arrive_at(m, msg, to);
		return;
	}
	for (id = 0; id < n->nheld && n->held[id].msg; id++)
		;
	if (id == n->nheld) {
		struct net_held *h = realloc(n->held, (n->nheld + 16) * sizeof *h);
		if (!h) {
			m->oom = 1;
			msg_free(msg);
			return;
		}
		memset(h + n->nheld, 0, 16 * sizeof *h);
		n->held = h;
		n->nheld += 16;
	}
	n->held[id] = (struct net_held){ msg, from, to, delay, inbound };
	if (ipc_net_notice(srv, id + 1, inbound ? work(m, msg, from, to, to)
					       : work(m, msg, from, net_next_hop(m, from, to), from)) != 0)
		m->oom = 1;
}

void net_send(struct machine *m, uint32_t from, uint32_t to, struct msg *msg, uint64_t delay)
{
	msg->from_node = from;
	handoff(m, msg, from, to, delay, 0);
}

void net_forward(struct thread *t)
{
	struct net *n = t->m->net;
	uint64_t id = t->sc.arg;
	struct net_held h;

	if (!n || id == 0 || id > n->nheld || !n->held[id - 1].msg ||
	    n->nodes[n->held[id - 1].inbound ? n->held[id - 1].to : n->held[id - 1].from].srv->owner !=
		    t->p) {
		t->sc.err = UK_EINVAL;
		return;
	}
	h = n->held[id - 1];
	n->held[id - 1].msg = NULL;
	t->sc.err = UK_OK;
	if (h.inbound)
		arrive_at(t->m, h.msg, h.to);
	else
		net_transmit(t->m, h.from, h.to, h.msg, h.delay);
}

void net_packet_event(struct machine *m, void *transit, uint64_t seq)
{
	struct transit *tr = transit;
	struct link *l = tr->link;
	struct msg *msg = tr->msg;
	int last = seq + 1 == tr->npackets;
	uint32_t tr_to = tr->to;

	if (l->loss > 0 && rng_unit(&m->net->rng) < l->loss) {
		tr->lost = 1;
		l->dir[tr->dir].lost++;
		m->net->lost++;
		TRACE(m, TR_PKT_LOST, l->id, msg->flow, seq);
	} else {
		TRACE(m, TR_PKT_ARRIVE, l->id, msg->flow, seq, (uint64_t)last);
	}
	if (!last)
		return;
	if (tr->lost) {
		l->dir[tr->dir].msgs_lost++;
		free(tr);
		ipc_lost(m, msg);
		return;
	}
	m->net->nodes[tr->to].msgs_in++;
	m->net->nodes[tr->to].bytes_in += wire_size(msg);
	free(tr);
	handoff(m, msg, msg->from_node, tr_to, 0, 1);
}

void net_packet_drop(void *transit, uint64_t seq)
{
	struct transit *tr = transit;

	if (seq + 1 == tr->npackets) {
		msg_free(tr->msg);
		free(tr);
	}
}

void net_free(struct machine *m)
{
	if (!m->net)
		return;
	for (uint32_t i = 0; i < m->net->nheld; i++)
		if (m->net->held[i].msg)
			msg_free(m->net->held[i].msg);
	for (uint32_t i = 1; i < m->net->nnodes; i++)
		sched_drop(&m->net->nodes[i].sched);
	free(m->net->held);
	free(m->net);
	m->net = NULL;
}

/* A node with per-cpu queues: its "queues" and "balance" members (and a
 * trailing space), else "" (the statistics of the others do not change). */
static const char *queues_json(const struct sched *s, char *buf, size_t len)
{
	static const char *const modes[] = { "none", "stealing", "periodic" };
	int balance;
	uint64_t every;

	if (s->ops != &sched_percpu_ops)
		return "";
	balance = s->balance_ns ? s->balance : s->m->cfg.balance;
	every = s->balance_ns ? s->balance_ns : s->m->cfg.balance_ns;
	if (balance == BALANCE_PERIODIC)
		snprintf(buf, len, "\"queues\": \"per-cpu\", \"balance\": \"periodic\", "
				   "\"balance_every_ns\": %" PRIu64 ", ", every);
	else
		snprintf(buf, len, "\"queues\": \"per-cpu\", \"balance\": \"%s\", ",
			 modes[balance]);
	return buf;
}

void net_stats(FILE *out, const struct machine *m, char format)
{
	const struct net *n = m->net;

	if (!n)
		return;
	if (format == 'j') {
		fputs("  \"nodes\": [", out);
		for (uint32_t i = 0; i < n->nnodes; i++) {
			const struct node *nd = &n->nodes[i];
			const struct sched *s = i ? &nd->sched : &m->sched;
			const struct vm *vm = vmsys_vm((struct machine *)m, i);
			char q[112];
			fprintf(out, "%s{ \"name\": \"%s\", \"id\": %u, \"cpus\": %u, \"cpu0\": %u, "
				"\"sched\": \"%s\", %s\"quantum_ns\": %" PRIu64 ", "
				"\"costs\": \"%s%s\", \"byte_order\": \"%s\", \"clock_offset_ns\": %" PRId64 ", \"drift_ppb\": %"
				PRId64 ", \"messages_out\": %" PRIu64 ", \"messages_in\": %"
				PRIu64 ", \"bytes_out\": %" PRIu64 ", \"bytes_in\": %" PRIu64
				", \"values_converted\": %" PRIu64 ", \"frames\": %u, \"frames_used\": %u"
				", \"frames_peak\": %u }",
				i ? ",\n    " : "\n    ", nd->name, nd->id, nd->ncpus, nd->cpu0,
				sched_policy(s), queues_json(s, q, sizeof q), s->quantum, nd->costs.profile, nd->costs_overridden ? " (with overrides)" : "",
				nd->big_endian ? "big" : "little", nd->clock_offset, nd->drift,
				nd->msgs_out, nd->msgs_in, nd->bytes_out, nd->bytes_in,
				nd->converted, vm->nframes, vm->used, vm->peak);
		}
		fputs("\n  ],\n  \"links\": [", out);
		for (uint32_t i = 0; i < n->nlinks; i++) {
			const struct link *l = &n->links[i];
			fprintf(out, "%s{ \"id\": %u, \"a\": \"%s\", \"b\": \"%s\", \"profile\": \"%s\", "
				"\"latency_ns\": %" PRIu64 ", \"bandwidth_bps\": %" PRIu64 ", \"mtu\": %u, "
				"\"loss\": %.6f, \"directions\": [",
				i ? ",\n    " : "\n    ", l->id, n->nodes[l->a].name, n->nodes[l->b].name,
				l->profile, l->latency_ns, l->bandwidth_bps, l->mtu, l->loss);
			for (int k = 0; k < 2; k++) {
				const struct link_dir *d = &l->dir[k];
				fprintf(out, "%s{ \"from\": \"%s\", \"messages\": %" PRIu64
					", \"messages_lost\": %" PRIu64 ", \"packets\": %" PRIu64
					", \"bytes\": %" PRIu64 ", \"lost\": %" PRIu64 ", \"busy_ns\": %" PRIu64
					" }", k ? ", " : "", n->nodes[k ? l->b : l->a].name, d->msgs,
					d->msgs_lost, d->packets, d->bytes, d->lost, d->busy_ns);
			}
			fputs("] }", out);
		}
		fputs("\n  ],\n", out);
		return;
	}
	for (uint32_t i = 0; i < n->nnodes; i++) {
		const struct node *nd = &n->nodes[i];
		const struct sched *s = i ? &nd->sched : &m->sched;
		const struct vm *vm = vmsys_vm((struct machine *)m, i);
		fprintf(out, "node   %s: cpus %u-%u, %s%s, %s-endian; %" PRIu64 " messages out (%" PRIu64
			" bytes), %" PRIu64 " in (%" PRIu64 " bytes); %" PRIu64 " values converted; "
			"%u frames, %u used (peak %u)\n",
			nd->name, nd->cpu0, nd->cpu0 + nd->ncpus - 1, sched_policy(s),
			s->ops == &sched_percpu_ops ? " (per-cpu queues)" : "",
			nd->big_endian ? "big" : "little",
			nd->msgs_out, nd->bytes_out, nd->msgs_in, nd->bytes_in, nd->converted,
			vm->nframes, vm->used, vm->peak);
	}
	for (uint32_t i = 0; i < n->nlinks; i++) {
		const struct link *l = &n->links[i];
		for (int k = 0; k < 2; k++) {
			const struct link_dir *d = &l->dir[k];
			fprintf(out, "link   %s->%s: %" PRIu64 " messages (%" PRIu64 " lost), %" PRIu64
				" packets, %" PRIu64 " bytes, %" PRIu64 " packets lost, busy %.3fms\n",
				n->nodes[k ? l->b : l->a].name, n->nodes[k ? l->a : l->b].name, d->msgs,
				d->msgs_lost, d->packets, d->bytes, d->lost, (double)d->busy_ns / 1e6);
		}
	}
}
