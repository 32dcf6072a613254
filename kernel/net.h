/*
 * net.h - several machines in one simulation: nodes, the links between
 * them, and the packets that carry messages from one node to another.
 *
 * Every node runs its own kernel on its own CPUs (a contiguous range of the
 * machine's CPU array: a process placed on a node runs only there) with its
 * own byte order and clock; all the nodes share the one event queue and the
 * one virtual time, so a run with several nodes is as deterministic as one
 * with one. Node 0 is "A", the machine of machine { }.
 *
 * Every node has a network server, a C process (servers/net/netsrv.c) as
 * Mach's network message server was: a message whose destination port is
 * received on another node goes, as a local message, to the sending node's
 * network server, which does the protocol work (cost net_msg, and net_packet
 * per packet) and puts it on the link; the receiving node's network server
 * does the same work and sends it on to its port. On the link the message is
 * cut into packets (a header and up to mtu - header payload bytes each),
 * each packet is serialised on its direction of the link (transmission =
 * bytes * 8 / bandwidth, one after the other) and arrives latency later; a
 * lost packet loses the whole message, as a datagram. Port ids are global,
 * so a right carried in a message names the same port on every node: the
 * proxy a network server would keep is the global id itself, and the
 * message (with its rights and reply right) waits in the kernel while the
 * servers handle it, named by an id (struct uk_net_notice).
 *
 * m->net is NULL when the scenario declares no node: nothing here runs and
 * the outputs are those of one machine.
 */
#ifndef UKERN_NET_H
#define UKERN_NET_H

#include <stdint.h>
#include <stdio.h>

#include "cost.h"
#include "rng.h"
#include "sched.h"
#include "uk_limits.h"

struct machine;
struct msg;
struct proc;

/* Bytes of header every packet carries (an IPv4 and a UDP header). */
#define NET_HEADER 28
/* The smallest MTU a link may have (IPv4's minimum datagram). */
#define NET_MIN_MTU 68
/* No route (struct net's hop). */
#define NET_NO_HOP 0xff
/* The most nodes and links a scenario may declare. */
#define NET_MAX_NODES 16
#define NET_MAX_LINKS 64

struct port;
struct thread;

struct node {
	uint32_t id;                  /* from 0; node 0 is "A" */
	struct port *srv;             /* its network server's port; NULL: none (the link direct) */
	char name[UK_NAME_MAX];
	uint32_t cpu0, ncpus;         /* its CPUs: cpu0 .. cpu0 + ncpus - 1 */
	int big_endian;               /* its processes' default byte order */
	int64_t clock_offset;         /* ns: its clock's reading at true time 0 */
	int64_t drift;                /* ppb: ns its clock gains per true second */
	int clock_given;              /* clock_offset or drift was declared */
	struct costs costs;           /* its cost model: machine { }'s unless declared */
	int costs_overridden;         /* node { costs = { ... } } changed a constant */
	struct sched sched;           /* its own scheduler (not node 0's: that is m->sched) */
	/* statistics */
	uint64_t msgs_out, msgs_in, bytes_out, bytes_in, converted;
};

/* One direction of a link: its packets go one after the other. */
struct link_dir {
	uint64_t busy_until;          /* ns: when the last packet put on it is sent */
	uint64_t packets, bytes, lost, busy_ns, msgs, msgs_lost;
};

struct link {
	uint32_t id;                  /* from 1 */
	uint32_t a, b;                /* node ids; dir[0] is a -> b, dir[1] b -> a */
	uint64_t latency_ns;          /* propagation, per packet */
	uint64_t bandwidth_bps;       /* bits per second, > 0 */
	uint32_t mtu;                 /* bytes per packet, header included */
	double loss;                  /* probability that a packet is lost */
	char profile[UK_NAME_MAX];    /* the profile it started from, "" if none */
	struct link_dir dir[2];
};

/* A message in a network server's hands: held by the kernel, named by an id. */
struct net_held {
	struct msg *msg;              /* NULL: a free slot */
	uint32_t from, to;            /* nodes */
	uint64_t delay;               /* an injected fault's, before it leaves */
	int inbound;                  /* arrived at to: the server sends it to its port */
};

struct net {
	struct node nodes[NET_MAX_NODES];
	uint32_t nnodes;
	struct link links[NET_MAX_LINKS];
	uint32_t nlinks;
	struct rng rng;               /* packet loss: a stream of its own */
	int told;                     /* the topology is in the trace */
	/* routes: the next node on the way from a to b with the fewest hops
	 * (then the smallest sum of latencies), NET_NO_HOP if none */
	uint8_t hop[NET_MAX_NODES][NET_MAX_NODES];
	struct net_held *held;        /* by id - 1 */
	uint32_t nheld;
	uint64_t packets, lost;
};

/* A network profile: representative values of a kind of network. */
struct net_profile {
	const char *name;
	uint64_t latency_ns;
	uint64_t bandwidth_bps;
	uint32_t mtu;
	double loss;
	const char *range;            /* the kind's ranges, as the table gives them */
};

/* The profile named name, or NULL; net_profile_at(i) walks the table. */
const struct net_profile *net_profile_find(const char *name);
const struct net_profile *net_profile_at(unsigned i);

/* Parse a rate ("100Mbps", "1.5Gbps", "56kbps", "9600bps") into bits per
 * second. 0, or -1 when text is not a rate above 0. */
int net_parse_rate(const char *text, uint64_t *bps);

/* Give m a network of one node "A" with m's CPUs; seeded from m's seed.
 * 0, or -1 when memory runs out. */
int net_init(struct machine *m);

/* Add a node (its CPUs follow the previous node's, and must be among the
 * machine's); its id, or -1 when there are too many or memory runs out. */
int net_add_node(struct machine *m, const char *name, uint32_t ncpus, int big_endian);

/* The scheduler of node id (id > 0; node 0's is m->sched). */
struct sched *net_sched(struct machine *m, uint32_t id);

/* Give node id a scheduler of its own running ops with quantum over its
 * own CPUs (the one it had is dropped: call before the run; id 0 renews
 * m->sched, for node A's CPUs once net_init's caller has set their
 * number). 0, or -1 when memory runs out. net_add_node gives each node
 * the machine's policy and quantum (per-cpu: around the machine's policy,
 * balanced as machine_config says). */
int net_node_sched(struct machine *m, uint32_t id, const struct sched_ops *ops, uint64_t quantum);

/* The same with one ready queue per CPU of node id (sched_percpu.c) run by
 * inner (NULL: machine_config's sched), balanced by balance (enum balance)
 * every balance_ns (0: machine_config's balance and balance_ns). */
int net_node_percpu(struct machine *m, uint32_t id, const struct sched_ops *inner, uint64_t quantum,
		    int balance, uint64_t balance_ns);

/* Add a link between nodes a and b; its id, or -1 when there are too many. */
int net_add_link(struct machine *m, uint32_t a, uint32_t b, uint64_t latency_ns,
		 uint64_t bandwidth_bps, uint32_t mtu, double loss, const char *profile);

/* The link between nodes a and b, or NULL when there is none. */
struct link *net_link(struct machine *m, uint32_t a, uint32_t b);

/* The cost model of the node p runs on (m's own without nodes). */
const struct costs *net_costs(const struct machine *m, const struct proc *p);

/* The node p runs on. */
const struct node *net_node_of(const struct machine *m, const struct proc *p);

/* Packets a message of size payload bytes takes on a link of this MTU. */
uint32_t net_packets(uint64_t size, uint32_t mtu);

/* The process p started: its node goes in the trace (and, the first
 * time, the whole topology); without an affinity it gets its node's CPUs. */
void net_proc_started(struct proc *p);

/* Is a message from process from to a port received by process to
 * remote (to on another node)? */
int net_remote(const struct machine *m, const struct proc *from, const struct proc *to);

/* The node after from on the way to to (to itself when a link joins them),
 * or UINT32_MAX when no chain of links leads there. */
uint32_t net_next_hop(const struct machine *m, uint32_t from, uint32_t to);

/* Does a chain of links lead from node from to node to? (1 when equal.) */
int net_reachable(const struct machine *m, uint32_t from, uint32_t to);

/* How long a caller on node from waits for the answer of a server on node
 * to before it asks again (the name server's clients do; each later try
 * waits twice as long): twice a round trip of one full packet each way,
 * the network servers' work and what is queued on the links now included,
 * plus a millisecond for the server. 0 when no retry is needed: the same
 * node, no route, or a route that loses nothing. */
uint64_t net_retry_ns(struct machine *m, uint32_t from, uint32_t to);

/* Times a name-server call is sent again after net_retry_ns without an answer. */
#define NET_NS_RETRIES 4

/* Send msg from node from to node to (msg->dest set), leaving after
 * delay: through from's network server, then the link, then to's network
 * server; without servers, over the link alone. */
void net_send(struct machine *m, uint32_t from, uint32_t to, struct msg *msg, uint64_t delay);

/* SYS_NET_FORWARD: network server t sends the message of id t->sc.arg on. */
void net_forward(struct thread *t);

/* Put msg, sent from node from to node to, on their link, its first
 * packet ready at now + delay. The packets' events hand the message to
 * to's network server (or ipc_arrive) when the last one arrives, or to
 * ipc_lost when one was lost.
 * Returns 0, or -1 when there is no link (msg untouched). */
int net_transmit(struct machine *m, uint32_t from, uint32_t to, struct msg *msg, uint64_t delay);

/* A packet event (machine.c): obj is the transit, seq the packet. */
void net_packet_event(struct machine *m, void *transit, uint64_t seq);

/* Free a transit whose packet seq was not handled (the run ended);
 * frees it with its message when seq is its last packet. */
void net_packet_drop(void *transit, uint64_t seq);

/* A message that crossed nodes is converted by the stubs of a
 * little-endian process at node: say so in the trace (op 1: to the
 * canonical form, 2: from it). */
void net_convert(struct machine *m, uint64_t flow, uint32_t node, uint32_t values, int op);

/* The network's statistics: format 'j' writes the "nodes" and "links"
 * members of the JSON object, 't' the text summary's lines. Nothing
 * without a network. */
void net_stats(FILE *out, const struct machine *m, char format);

/* Free m's network. */
void net_free(struct machine *m);

#endif
