/*
 * test_net.c - unit tests for several machines (kernel/net.c): rates and
 * packet counts, the exact timing of a link (transmission of each packet
 * after the one before, then the latency; a step of one packet at the MTU
 * boundary), a lost packet losing its whole message, a remote port's death
 * seen by its callers, a node no link reaches, the same seed giving the
 * same losses, the network servers' work on each side, exactly, and each
 * node's per-cpu queues over its own CPUs.
 *
 * The one idea: the ipc_world machine (the name server on node A, "zero"
 * costs: only the link and uk_sleep make time pass) gets a second node B
 * and a link; processes are placed by hand as the loader does; the test
 * asserts what the bodies noted and the link's counts.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "harness.h"
#include "ipc_world.h"
#include "machine.h"
#include "msg.h"
#include "net.h"
#include "proc.h"
#include "thread.h"
#include "name/name.h"
#include "net/netsrv.h"
#include "uk.h"
#include "uk_err.h"

#define US H_US

static void test_rates(void **state)
{
	uint64_t bps = 0;

	(void)state;
	assert_int_equal(net_parse_rate("100Mbps", &bps), 0);
	assert_int_equal(bps, 100000000);
	assert_int_equal(net_parse_rate("1.5Gbps", &bps), 0);
	assert_int_equal(bps, 1500000000);
	assert_int_equal(net_parse_rate("56kbps", &bps), 0);
	assert_int_equal(bps, 56000);
	assert_int_equal(net_parse_rate("0.010Mbps", &bps), 0);
	assert_int_equal(bps, 10000);
	assert_int_equal(net_parse_rate("9600bps", &bps), 0);
	assert_int_equal(bps, 9600);
	bps = 7;
	assert_int_equal(net_parse_rate("100", &bps), -1);
	assert_int_equal(net_parse_rate("100MBps", &bps), -1);
	assert_int_equal(net_parse_rate("-1Mbps", &bps), -1);
	assert_int_equal(net_parse_rate("0bps", &bps), -1);
	assert_int_equal(net_parse_rate("Mbps", &bps), -1);
	assert_int_equal(net_parse_rate("0.1bps", &bps), -1);
	assert_int_equal(bps, 7);
}

static void test_packets_and_profiles(void **state)
{
	const struct net_profile *p;

	(void)state;
	assert_int_equal(net_packets(0, 1500), 1);
	assert_int_equal(net_packets(1472, 1500), 1);
	assert_int_equal(net_packets(1473, 1500), 2);
	assert_int_equal(net_packets(2944, 1500), 2);
	assert_int_equal(net_packets(2945, 1500), 3);
	assert_int_equal(net_packets(41, NET_MIN_MTU), 2);
	/* every profile lies inside its kind's ranges as the table gives them */
	assert_non_null(p = net_profile_find("lan"));
	assert_true(p->bandwidth_bps >= 10000000 && p->bandwidth_bps <= 1000000000);
	assert_true(p->latency_ns >= 1000000 && p->latency_ns <= 10000000);
	assert_non_null(p = net_profile_find("wan"));
	assert_true(p->latency_ns >= 100000000 && p->latency_ns <= 500000000);
	assert_true(p->bandwidth_bps >= 10000 && p->bandwidth_bps <= 600000000);
	assert_non_null(p = net_profile_find("wireless-lan"));
	assert_true(p->bandwidth_bps >= 2000000 && p->bandwidth_bps <= 11000000);
	assert_true(p->latency_ns >= 5000000 && p->latency_ns <= 20000000);
	assert_null(net_profile_find("LAN"));
	for (unsigned i = 0; (p = net_profile_at(i)) != NULL; i++)
		assert_true(p->mtu >= NET_MIN_MTU && p->bandwidth_bps > 0 && p->loss < 1);
}

/* Node A (one CPU, the name server) and node B (one CPU, big-endian),
 * linked. */
static struct machine *nodes_cpus(void **state, unsigned cpus, uint64_t latency, uint64_t bps,
				  uint32_t mtu, double loss)
{
	struct machine *m = world_machine(state, cpus);

	assert_int_equal(net_init(m), 0);
	m->net->nodes[0].ncpus = 1;
	assert_int_equal(net_add_node(m, "B", 1, 1), 1);
	assert_int_equal(net_add_link(m, 0, 1, latency, bps, mtu, loss, NULL), 1);
	m->procs[0]->affinity = 1;    /* the name server, on A's CPU */
	return m;
}

static struct machine *two_nodes(void **state, uint64_t latency, uint64_t bps, uint32_t mtu,
				 double loss)
{
	return nodes_cpus(state, 2, latency, bps, mtu, loss);
}

static struct proc *on(struct proc *p, uint32_t node)
{
	p->node = node;
	p->affinity = 1ull << node;
	return p;
}

/* Receives on "svc" forever, noting each message's size. */
static void size_sink(struct thread *self, void *arg)
{
	struct world *w = arg;
	int32_t pn = serve_port(self, w, "svc", 16);

	for (;;) {
		int err;
		struct msg *msg = uk_recv(self, pn, UK_FOREVER, &err);
		h_note(&w->lg, self, "got", msg ? (int64_t)msg->size : -err);
		msg_free(msg);
	}
}

static int send_size(struct thread *self, int32_t pn, uint32_t size)
{
	struct msg *msg = msg_new(size);

	if (!msg)
		return UK_ENOMEM;
	memset(msg->data, 0, size);
	return uk_send(self, pn, msg, UK_FOREVER);
}

/* At 10 ms: 3000 bytes; at 20 ms: 1472 bytes (one packet); at 30 ms: 1473
 * (two). */
static void sized_sender(struct thread *self, void *arg)
{
	struct world *w = arg;
	int32_t pn = find(self, w, "svc");
	static const uint32_t sizes[] = { 3000, 1472, 1473 };

	for (unsigned i = 0; i < 3; i++) {
		uk_sleep(self, (10 * (i + 1)) * MS - uk_now(self));
		h_note(&w->lg, self, "sent", send_size(self, pn, sizes[i]));
	}
	uk_sleep(self, 10 * MS);
}

/* 8 Mbps is a byte a microsecond: a full 1500-byte packet takes 1500 us on
 * the wire, then 1 ms of latency. 3000 bytes are 1472 + 1472 + 56 payload
 * bytes, each with a 28-byte header: 1500 + 1500 + 84 us, then 1 ms. */
static void test_link_timing(void **state)
{
	struct machine *m = two_nodes(state, 1 * MS, 8000000, 1500, 0.0);
	struct world w = { .bad = 0 };
	const struct link *l;

	on(add(m, "sink", 0, size_sink, &w, 1), 1);
	add(m, "sender", 5 * MS, sized_sender, &w, 0)->affinity = 1;
	FINISH(m, &w, OUT_COMPLETED);
	H_EXPECT(&w.lg, { 10 * MS, "sent", UK_OK }, { 10 * MS + 3084 * US + 1 * MS, "got", 3000 },
		 { 20 * MS, "sent", UK_OK }, { 20 * MS + 1500 * US + 1 * MS, "got", 1472 },
		 { 30 * MS, "sent", UK_OK }, { 30 * MS + 1500 * US + 29 * US + 1 * MS, "got", 1473 });
	l = &m->net->links[0];
	/* A -> B: the lookup's reply is not on it (the name server is on A);
	 * B -> A: the registration. */
	assert_int_equal(l->dir[0].msgs, 4);    /* 3 sends and the registration's reply */
	assert_int_equal(l->dir[0].packets, 3 + 1 + 2 + 1);
	assert_int_equal(l->dir[1].msgs, 1);
	assert_int_equal(m->net->nodes[1].msgs_in, 4);
	assert_int_equal(m->net->lost, 0);
}

/* Sends at 10 ms and 11 ms: the second leaves while the first is still on
 * the wire, and waits for it (one direction sends one packet at a time). */
static void two_quick(struct thread *self, void *arg)
{
	struct world *w = arg;
	int32_t pn = find(self, w, "svc");

	uk_sleep(self, 10 * MS - uk_now(self));
	h_note(&w->lg, self, "sent", send_size(self, pn, 1472));
	uk_sleep(self, 1 * MS);
	h_note(&w->lg, self, "sent", send_size(self, pn, 1472));
	uk_sleep(self, 10 * MS);
}

static void test_link_serialises(void **state)
{
	struct machine *m = two_nodes(state, 1 * MS, 8000000, 1500, 0.0);
	struct world w = { .bad = 0 };

	on(add(m, "sink", 0, size_sink, &w, 1), 1);
	add(m, "sender", 5 * MS, two_quick, &w, 0)->affinity = 1;
	FINISH(m, &w, OUT_COMPLETED);
	H_EXPECT(&w.lg, { 10 * MS, "sent", UK_OK }, { 11 * MS, "sent", UK_OK },
		 { 12500 * US, "got", 1472 }, { 14 * MS, "got", 1472 });
	/* two full packets, and the registration's reply (8 + 28 bytes) */
	assert_int_equal(m->net->links[0].dir[0].busy_ns, 3000 * US + 36 * US);
}

/* The network loses everything from 5 ms on: a send is gone, a call
 * times out; with the loss lifted at 50 ms, a call gets through again. */
static void lossy_client(struct thread *self, void *arg)
{
	struct world *w = arg;
	int32_t pn = find(self, w, "echo");

	self->m->net->links[0].loss = 1.0;
	call_note(self, w, pn, 1, 20 * MS, "call");
	uk_sleep(self, 50 * MS - uk_now(self));
	self->m->net->links[0].loss = 0.0;
	call_note(self, w, pn, 2, 20 * MS, "call");
}

static void echo_server(struct thread *self, void *arg)
{
	echo_loop(self, serve_port(self, arg, "echo", 16), 0);
}

static void test_loss_loses_whole_messages(void **state)
{
	struct machine *m = two_nodes(state, 1 * MS, 8000000, 1500, 0.0);
	struct world w = { .bad = 0 };

	on(add(m, "server", 0, echo_server, &w, 1), 1);
	add(m, "client", 5 * MS, lossy_client, &w, 0)->affinity = 1;
	FINISH(m, &w, OUT_COMPLETED);
	/* the request's 8 + 28 bytes take 36 us each way */
	H_EXPECT(&w.lg, { 25 * MS, "call", -UK_ETIMEDOUT },
		 { 50 * MS + 2 * (36 * US + 1 * MS), "call", 1002 });
	assert_int_equal(m->net->links[0].dir[0].lost, 1);
	assert_int_equal(m->net->links[0].dir[0].msgs_lost, 1);
	assert_int_equal(m->net->lost, 1);
	assert_true(m->dropped >= 1);
}

/* Serves "svc" on node B until 20 ms, then ends: its port dies. */
static void short_server(struct thread *self, void *arg)
{
	struct world *w = arg;
	int32_t pn = serve_port(self, w, "svc", 16);
	int err;
	struct msg *msg = uk_recv(self, pn, UK_FOREVER, &err);

	h_note(&w->lg, self, "request", msg ? h_val(msg) : -err);
	msg_free(msg);
	uk_sleep(self, 20 * MS - uk_now(self));
}

static void remote_caller(struct thread *self, void *arg)
{
	struct world *w = arg;
	int32_t pn = find(self, w, "svc");

	call_note(self, w, pn, 7, UK_FOREVER, "call");
	h_note(&w->lg, self, "send", send_val(self, pn, 8, UK_FOREVER));
}

/* A call to a port on another node waits while the request is served; the
 * server ends without replying: the caller hears "dead port" at once, and
 * so does a later send. */
static void test_remote_port_death(void **state)
{
	struct machine *m = two_nodes(state, 1 * MS, 8000000, 1500, 0.0);
	struct world w = { .bad = 0 };

	on(add(m, "server", 0, short_server, &w, 0), 1);
	add(m, "client", 5 * MS, remote_caller, &w, 0)->affinity = 1;
	FINISH(m, &w, OUT_COMPLETED);
	H_EXPECT(&w.lg, { 5 * MS + 36 * US + 1 * MS, "request", 7 },
		 { 20 * MS, "call", -UK_EDEADPORT }, { 20 * MS, "send", UK_EDEADPORT });
}

static void lonely(struct thread *self, void *arg)
{
	struct world *w = arg;
	int32_t pn = 0;

	h_note(&w->lg, self, "port", uk_port(self, 1, &pn));
	h_note(&w->lg, self, "register", uk_register(self, "far", pn));
}

/* A node no link reaches: its process cannot reach the name server. */
static void test_no_route(void **state)
{
	struct machine *m = nodes_cpus(state, 3, 1 * MS, 8000000, 1500, 0.0);
	struct world w = { .bad = 0 };

	assert_int_equal(net_add_node(m, "C", 1, 0), 2);
	assert_null(net_link(m, 0, 2));
	on(add(m, "c", 0, lonely, &w, 0), 2);
	FINISH(m, &w, OUT_COMPLETED);
	H_EXPECT(&w.lg, { 0, "port", UK_OK }, { 0, "register", UK_ENOROUTE });
}

/* The routes: the fewest hops first (a direct link always, however slow),
 * then the smallest sum of latencies, then the lowest next node; none to a
 * node no link reaches. Five nodes:
 *
 *   A -1ms- B -1ms- D        A -9ms- C (a slow direct link)
 *   A -1ms- C -1ms- D        A -1ms- B -1ms- C
 *                            E alone
 */
static void test_routes(void **state)
{
	struct machine *m = world_machine(state, 5);

	assert_int_equal(net_init(m), 0);
	m->net->nodes[0].ncpus = 1;
	for (uint32_t i = 1; i < 5; i++) {
		const char *names[] = { "", "B", "C", "D", "E" };
		assert_int_equal(net_add_node(m, names[i], 1, 0), (int)i);
	}
	assert_int_equal(net_add_link(m, 0, 1, 1 * MS, 8000000, 1500, 0.0, NULL), 1);
	assert_int_equal(net_add_link(m, 1, 3, 1 * MS, 8000000, 1500, 0.0, NULL), 2);
	assert_int_equal(net_add_link(m, 0, 2, 9 * MS, 8000000, 1500, 0.0, NULL), 3);
	assert_int_equal(net_add_link(m, 2, 3, 1 * MS, 8000000, 1500, 0.0, NULL), 4);
	assert_int_equal(net_add_link(m, 1, 2, 1 * MS, 8000000, 1500, 0.0, NULL), 5);
	/* A to C: the slow direct link, not A-B-C (2 ms, but two hops) */
	assert_int_equal(net_next_hop(m, 0, 2), 2);
	assert_int_equal(net_next_hop(m, 2, 0), 0);
	/* A to D: two hops either way; through B (2 ms), not C (10 ms) */
	assert_int_equal(net_next_hop(m, 0, 3), 1);
	assert_int_equal(net_next_hop(m, 1, 3), 3);
	/* D to A: through B too (the same 2 ms back) */
	assert_int_equal(net_next_hop(m, 3, 0), 1);
	/* B to D direct; C to B direct; to itself: itself */
	assert_int_equal(net_next_hop(m, 1, 3), 3);
	assert_int_equal(net_next_hop(m, 2, 1), 1);
	assert_int_equal(net_next_hop(m, 3, 3), 3);
	/* E: reached by nothing */
	assert_int_equal(net_next_hop(m, 0, 4), UINT32_MAX);
	assert_false(net_reachable(m, 4, 0));
	assert_true(net_reachable(m, 3, 2));
	/* A tie on hops and latency: A-E-D (2 ms) beside A-B-D (2 ms): the
	 * lower next node, B. */
	assert_int_equal(net_add_link(m, 0, 4, 1 * MS, 8000000, 1500, 0.0, NULL), 6);
	assert_int_equal(net_add_link(m, 4, 3, 1 * MS, 8000000, 1500, 0.0, NULL), 7);
	assert_int_equal(net_next_hop(m, 0, 3), 1);     /* via B or E, both 2 ms: B */
	assert_int_equal(net_next_hop(m, 0, 4), 4);
}

/* Ten calls over a link losing a third of the packets, each with a short
 * timeout: which get through depends only on the seed. */
static void many_calls(struct thread *self, void *arg)
{
	struct world *w = arg;
	int32_t pn = find(self, w, "echo");

	self->m->net->links[0].loss = 0.3;
	for (int i = 0; i < 10; i++)
		call_note(self, w, pn, i, 5 * MS, "call");
}

static unsigned lossy_run(struct machine *m, uint64_t seed, struct world *w)
{
	memset(w, 0, sizeof *w);
	m->cfg.seed = seed;
	rng_seed(&m->net->rng, seed ^ 0x6e6574ULL);
	on(add(m, "server", 0, echo_server, w, 1), 1);
	add(m, "client", 5 * MS, many_calls, w, 0)->affinity = 1;
	return 0;
}

static void test_loss_reproducible(void **state)
{
	struct world w1, w2;
	struct machine m2;
	struct machine *m1 = two_nodes(state, 1 * MS, 8000000, 1500, 0.0);
	uint64_t lost1;

	lossy_run(m1, 5, &w1);
	assert_int_equal(machine_run(m1), OUT_COMPLETED);
	lost1 = m1->net->lost;
	assert_true(lost1 > 0);
	assert_int_equal(w1.bad, 0);
	assert_int_equal(w1.lg.n, 10);

	memset(&m2, 0, sizeof m2);
	{
		void *st = &m2;
		struct machine *mm = two_nodes(&st, 1 * MS, 8000000, 1500, 0.0);
		lossy_run(mm, 5, &w2);
		assert_int_equal(machine_run(mm), OUT_COMPLETED);
		assert_int_equal(mm->net->lost, lost1);
		assert_int_equal(w1.lg.n, w2.lg.n);
		for (unsigned i = 0; i < w1.lg.n && i < H_LOG_MAX; i++) {
			assert_int_equal(w1.lg.ev[i].ns, w2.lg.ev[i].ns);
			assert_int_equal(w1.lg.ev[i].val, w2.lg.ev[i].val);
		}
		machine_free(mm);
	}
}

/* With the network servers: each does net_msg + net_packet per packet on
 * its node's CPU, the sending one before the packets leave, the receiving
 * one after the last arrives. 3000 bytes are 3 packets: 10 + 3 x 2 us on
 * each side, around the link's 3084 us and 1 ms. */
static void test_network_servers(void **state)
{
	struct machine *m = *state;
	struct world w = { .bad = 0 };
	struct proc *p;

	assert_int_equal(h_machine(m, 2, "fifo", 10 * MS, 16), 0);
	m->cfg.costs.net_msg_ns = 10 * US;
	m->cfg.costs.net_packet_ns = 2 * US;
	assert_non_null(ns_install(m));
	assert_int_equal(net_init(m), 0);
	m->net->nodes[0].ncpus = 1;
	assert_int_equal(net_add_node(m, "B", 1, 0), 1);
	assert_int_equal(net_add_link(m, 0, 1, 1 * MS, 8000000, 1500, 0.0, NULL), 1);
	m->procs[0]->affinity = 1;
	for (uint32_t i = 0; i < 2; i++) {
		assert_non_null(p = netsrv_install(m, i));
		p->affinity = 1ull << i;
	}
	assert_string_equal(m->procs[1]->name, "net.A");
	assert_string_equal(m->procs[2]->name, "net.B");
	on(add(m, "sink", 0, size_sink, &w, 1), 1);
	add(m, "sender", 5 * MS, sized_sender, &w, 0)->affinity = 1;
	FINISH(m, &w, OUT_COMPLETED);
	H_EXPECT(&w.lg, { 10 * MS, "sent", UK_OK },
		 { 10 * MS + 16 * US + 3084 * US + 1 * MS + 16 * US, "got", 3000 },
		 { 20 * MS, "sent", UK_OK }, { 20 * MS + 12 * US + 1500 * US + 1 * MS + 12 * US, "got", 1472 },
		 { 30 * MS, "sent", UK_OK },
		 { 30 * MS + 14 * US + 1529 * US + 1 * MS + 14 * US, "got", 1473 });
	/* Each network server's CPU time: the three sends (16 + 12 + 14 us,
	 * out of A, into B), the sink's registration and its reply (12 us
	 * each, once out and once in on each node). */
	assert_int_equal(m->procs[1]->main_thread->cpu_ns, (42 + 24) * US);
	assert_int_equal(m->procs[2]->main_thread->cpu_ns, (42 + 24) * US);
}

/* Computes 10 ms (a process named "b2" 5 ms), then notes the CPU it ran on. */
static void cpu_noter(struct thread *self, void *arg)
{
	struct world *w = arg;

	uk_compute(self, strcmp(self->p->name, "b2") == 0 ? 5 * MS : 10 * MS);
	h_note(&w->lg, self, self->p->name, self->cpu->id);
}

/* Per-CPU queues on two nodes of two CPUs each, without balancing: node
 * A's queues are over CPUs 0-1 (net_node_sched renews m->sched for them),
 * B's, which net_add_node gives the machine's policy, over CPUs 2-3. Three
 * jobs on B: b1 and b2 placed on B's two CPUs, b3 on the first of them
 * (the lower on a tie), after b1, though B's other CPU idles from 5 ms;
 * one on A, on CPU 0 (A's idle CPU 1 takes nothing of B's). */
static void test_node_percpu(void **state)
{
	struct machine *m = *state;
	struct world w = { .bad = 0 };
	struct sched *b;

	assert_int_equal(h_machine(m, 4, "rr", 10 * MS, 16), 0);
	m->cfg.percpu = 1;
	m->cfg.balance = BALANCE_NONE;
	m->cfg.balance_ns = 4 * MS;
	assert_int_equal(net_init(m), 0);
	m->net->nodes[0].ncpus = 2;
	assert_int_equal(net_node_sched(m, 0, &sched_percpu_ops, 10 * MS), 0);
	assert_int_equal(net_add_node(m, "B", 2, 0), 1);
	assert_int_equal(net_add_link(m, 0, 1, 1 * MS, 8000000, 1500, 0.0, NULL), 1);
	b = net_sched(m, 1);
	assert_ptr_equal(b->ops, &sched_percpu_ops);
	assert_int_equal(b->cpu0, 2);
	assert_int_equal(b->ncpus, 2);
	assert_int_equal(b->node, 1);
	assert_string_equal(sched_policy(b), "rr");
	assert_int_equal(m->sched.cpu0, 0);
	assert_int_equal(m->sched.ncpus, 2);
	for (int i = 1; i <= 3; i++) {
		char name[4] = { 'b', (char)('0' + i), 0, 0 };
		struct proc *p = add(m, name, 0, cpu_noter, &w, 0);
		p->node = 1;
		p->affinity = 3ull << 2;
	}
	add(m, "a1", 0, cpu_noter, &w, 0)->affinity = 3;
	FINISH(m, &w, OUT_COMPLETED);
	H_EXPECT(&w.lg, { 5 * MS, "b2", 3 }, { 10 * MS, "a1", 0 }, { 10 * MS, "b1", 2 },
		 { 20 * MS, "b3", 2 });
}

/* Node B's own per-cpu queues with stealing, around fifo, on a machine of
 * one global rr queue: b3, placed behind b1, is taken by B's other CPU when
 * b2 ends at 5 ms. */
static void test_node_percpu_own(void **state)
{
	struct machine *m = *state;
	struct world w = { .bad = 0 };

	assert_int_equal(h_machine(m, 3, "rr", 10 * MS, 16), 0);
	assert_int_equal(net_init(m), 0);
	m->net->nodes[0].ncpus = 1;
	assert_int_equal(net_add_node(m, "B", 2, 0), 1);
	assert_int_equal(net_node_percpu(m, 1, sched_find("fifo"), 0, BALANCE_STEALING, 4 * MS), 0);
	assert_int_equal(net_add_link(m, 0, 1, 1 * MS, 8000000, 1500, 0.0, NULL), 1);
	assert_string_equal(sched_policy(net_sched(m, 1)), "fifo");
	assert_string_equal(sched_policy(&m->sched), "rr");
	for (int i = 1; i <= 3; i++) {
		char name[4] = { 'b', (char)('0' + i), 0, 0 };
		struct proc *p = add(m, name, 0, cpu_noter, &w, 0);
		p->node = 1;
		p->affinity = 3ull << 1;
	}
	FINISH(m, &w, OUT_COMPLETED);
	H_EXPECT(&w.lg, { 5 * MS, "b2", 2 }, { 10 * MS, "b1", 1 }, { 15 * MS, "b3", 2 });
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rates),
		H_TEST(test_routes),
		cmocka_unit_test(test_packets_and_profiles),
		H_TEST(test_link_timing),
		H_TEST(test_link_serialises),
		H_TEST(test_loss_loses_whole_messages),
		H_TEST(test_remote_port_death),
		H_TEST(test_no_route),
		H_TEST(test_loss_reproducible),
		H_TEST(test_network_servers),
		H_TEST(test_node_percpu),
		H_TEST(test_node_percpu_own),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
