/*
 * loader_net.c - node { } and link { }: several machines in one run
 * (kernel/net.h). Declarations are recorded as the script runs, checked
 * once the top level has run (a process may name a node declared after
 * it), and built onto the machine before its processes.
 */
#include "loader_net.h"

#include <lauxlib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lua_sched.h"
#include "lua_sys.h"
#include "net.h"
#include "proc.h"
#include "time/clock.h"
#include "vmsys.h"

struct ndecl {
	char name[UK_NAME_MAX];
	struct costs costs;         /* costs = ... (costs_given) */
	const struct sched_ops *sched;   /* sched = ...; NULL: the machine's */
	uint64_t quantum_ns;        /* quantum = ...; 0: the machine's */
	int lua;                    /* sched = { pick = f }: a policy in Lua of its own */
	uint64_t lua_quantum_ns;    /* its quantum; UINT64_MAX: none given */
	int queues_given, percpu;   /* queues = "global" | "per-cpu" */
	int balance_given, balance; /* balance = ...: enum balance */
	uint64_t balance_ns;        /* balance_every = ...; 0: the machine's */
	int percpu_on;              /* per-cpu queues in the end (loader_check_net) */
	int costs_given, cost_overrides;
	uint32_t cpus;
	uint32_t frames;            /* frames = ...; 0: as many as machine { }'s */
	int big_endian;
	struct clockdecl clock;
	char where[256];
};

struct ldecl {
	char a[UK_NAME_MAX], b[UK_NAME_MAX];
	uint32_t ia, ib;
	uint64_t latency_ns, bandwidth_bps;
	uint32_t mtu;
	double loss;
	char profile[UK_NAME_MAX];
	char where[256];
};

struct netdecl {
	struct ndecl nodes[NET_MAX_NODES];   /* [0] is "A", the machine */
	size_t nnodes;
	struct ldecl links[NET_MAX_LINKS];
	size_t nlinks;
};

static struct netdecl *netdecl_of(lua_State *L, struct scenario *s)
{
	if (!s->net) {
		s->net = calloc(1, sizeof *s->net);
		if (!s->net)
			luaL_error(L, "out of memory");
		snprintf(s->net->nodes[0].name, UK_NAME_MAX, "A");
		s->net->nnodes = 1;
	}
	return s->net;
}

static void where(lua_State *L, char *buf, size_t len)
{
	luaL_where(L, 1);
	snprintf(buf, len, "%s", lua_tostring(L, -1));
	lua_pop(L, 1);
}

/* A node's name: the positional value pos, or (by_key, node { }) the
 * field name instead. */
static const char *node_name(lua_State *L, const char *fn, int pos, int by_key)
{
	const char *what = by_key ? "'name'" : pos == 1 ? "the first value" : "the second value";
	const char *name;
	size_t len;

	push_name(L, fn, what, pos, by_key);
	name = lua_tolstring(L, -1, &len);
	if (lua_type(L, -1) != LUA_TSTRING || len == 0 || len >= UK_NAME_MAX ||
	    strpbrk(name, " \t\n,\"#") != NULL)
		luaL_error(L, "%s: %s must be a node's name, a string of 1 to %d characters without "
			      "spaces, commas, quotes or '#'", fn, what, UK_NAME_MAX - 1);
	lua_pop(L, 1);   /* the string stays alive in the declaration table */
	return name;
}

/* The field key of the table at 1 as clock text (drift, offset), or NULL. */
static const char *clock_field(lua_State *L, const char *key, const char *example)
{
	int t = lua_getfield(L, 1, key);

	if (t == LUA_TNIL) {
		lua_pop(L, 1);
		return NULL;
	}
	if (t != LUA_TSTRING && t != LUA_TNUMBER)
		luaL_error(L, "node: '%s' must be a string such as %s, not a %s", key, example,
			   lua_typename(L, t));
	lua_pushstring(L, lua_tostring(L, -1));
	lua_replace(L, -2);
	return lua_tostring(L, -1);   /* popped by the caller */
}

/* node { name = "B", cpus = 2, byte_order = "big", clock_offset = "3ms", drift = "20us/s" } */
static int l_node(lua_State *L)
{
	static const char *const known[] = { "name", "cpus", "byte_order", "clock_offset",
					     "drift", "costs", "sched", "quantum", "frames", "queues",
					     "balance", "balance_every", NULL };
	static const char *const modes[] = { "none", "stealing", "periodic", NULL };
	static const char *const policies[] = { "fifo", "rr", "sjf", "stcf", "priority",
						"lottery", "stride", "cfs", "mlfq", NULL };
	struct scenario *s = scenario_of(L, "node");
	struct netdecl *n;
	struct ndecl *d;
	const char *name, *order, *text;
	char err[200];

	luaL_checktype(L, 1, LUA_TTABLE);
	check_keys(L, "node", known, 1);
	name = node_name(L, "node", 1, 1);
	n = netdecl_of(L, s);
	for (size_t i = 0; i < n->nnodes; i++)
		if (strcmp(n->nodes[i].name, name) == 0)
			luaL_error(L, i == 0 ? "node: 'A' is the machine's own node (set it with "
					       "machine { })"
					     : "node: a node named '%s' is already declared",
				   name);
	if (n->nnodes == NET_MAX_NODES)
		luaL_error(L, "node '%s': at most %d nodes", name, NET_MAX_NODES);
	d = &n->nodes[n->nnodes];
	memset(d, 0, sizeof *d);
	snprintf(d->name, sizeof d->name, "%s", name);
	where(L, d->where, sizeof d->where);
	d->cpus = (uint32_t)field_int(L, "node", "cpus", 1, 1, 64);
	d->frames = (uint32_t)field_int(L, "node", "frames", 0, 1, UK_MAX_FRAMES);
	if (lua_getfield(L, 1, "sched") == LUA_TTABLE) {
		/* A policy written in the scenario, this node's own. */
		char fn[UK_NAME_MAX + 8];
		snprintf(fn, sizeof fn, "node '%s'", name);
		d->lua_quantum_ns = UINT64_MAX;
		d->sched = lua_sched_node(L, -1, fn, (uint32_t)n->nnodes, &d->lua_quantum_ns);
		d->lua = 1;
		lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_MAINTHREAD);
		s->cfg.sched_arg = lua_tothread(L, -1);
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
	if (!d->lua && (text = field_string(L, "node", "sched", NULL))) {
		const char *const *k;
		for (k = policies; *k && strcmp(*k, text) != 0; k++)
			;
		if (!*k)
			luaL_error(L, "node '%s': sched must be one of fifo, rr, sjf, stcf, priority, "
				      "lottery, stride, cfs, mlfq, or a table { pick = f, quantum = d } "
				      "(a policy in Lua), not '%s' (process-run is machine { }'s only)",
				   name, text);
		d->sched = sched_find(text);
	}
	d->quantum_ns = field_duration(L, "node", "quantum", 0);
	if (lua_getfield(L, 1, "queues") == LUA_TNUMBER)
		luaL_error(L, "node '%s': queues = %d: a number of queues is a parameter of "
			      "machine { sched = \"mlfq\" }; here it is \"global\" or \"per-cpu\"", name,
			   (int)lua_tointeger(L, -1));
	lua_pop(L, 1);
	if ((text = field_string(L, "node", "queues", NULL))) {
		if (strcmp(text, "global") && strcmp(text, "per-cpu"))
			luaL_error(L, "node '%s': queues = \"%s\": expected \"global\" or \"per-cpu\"",
				   name, text);
		d->queues_given = 1;
		d->percpu = strcmp(text, "per-cpu") == 0;
	}
	if ((text = field_string(L, "node", "balance", NULL))) {
		int i;
		for (i = 0; modes[i] && strcmp(modes[i], text); i++)
			;
		if (!modes[i])
			luaL_error(L, "node '%s': balance = \"%s\": expected \"stealing\", \"periodic\" "
				      "or \"none\"", name, text);
		d->balance_given = 1;
		d->balance = i;
	}
	if (lua_getfield(L, 1, "balance_every") != LUA_TNIL) {
		d->balance_ns = field_duration(L, "node", "balance_every", 0);
		if (d->balance_ns == 0)
			luaL_error(L, "node '%s': 'balance_every' must be above 0", name);
	}
	lua_pop(L, 1);
	if (lua_getfield(L, 1, "costs") != LUA_TNIL) {
		char fn[UK_NAME_MAX + 8];
		snprintf(fn, sizeof fn, "node '%s'", name);
		cost_profile("modern", &d->costs);
		decl_costs(L, fn, &d->costs, &d->cost_overrides);
		d->costs_given = 1;
	}
	lua_pop(L, 1);
	order = field_string(L, "node", "byte_order", "little");
	if (strcmp(order, "little") != 0 && strcmp(order, "big") != 0)
		luaL_error(L, "node '%s': byte_order must be \"little\" or \"big\", not '%s'", name,
			   order);
	d->big_endian = strcmp(order, "big") == 0;
	if ((text = clock_field(L, "drift", "\"20us/s\" or \"-5ppm\""))) {
		if (dclock_parse_drift(text, &d->clock.drift, err, sizeof err) != 0)
			luaL_error(L, "node '%s': %s", name, err);
		d->clock.given |= CLOCK_DRIFT;
		lua_pop(L, 1);
	}
	if ((text = clock_field(L, "clock_offset", "\"+3ms\""))) {
		if (dclock_parse_offset(text, &d->clock.offset, err, sizeof err) != 0)
			luaL_error(L, "node '%s': clock_offset: %s", name, err);
		d->clock.given |= CLOCK_OFFSET;
		lua_pop(L, 1);
	}
	n->nnodes++;
	lua_pushstring(L, name);
	return 1;
}

/* link { "A", "B", profile = "lan", latency = "1ms", bandwidth = "100Mbps", loss = 0.01, mtu = 1500 } */
static int l_link(lua_State *L)
{
	static const char *const known[] = { "profile", "latency", "bandwidth", "loss", "mtu", NULL };
	struct scenario *s = scenario_of(L, "link");
	struct netdecl *n;
	struct ldecl *d;
	const struct net_profile *pr = net_profile_find("lan");
	const char *a, *b, *prof;
	int t;

	luaL_checktype(L, 1, LUA_TTABLE);
	/* the two positional endpoints */
	lua_pushnil(L);
	while (lua_next(L, 1)) {
		lua_pop(L, 1);
		if (lua_isinteger(L, -1) && (lua_tointeger(L, -1) == 1 || lua_tointeger(L, -1) == 2))
			continue;
		if (lua_type(L, -1) == LUA_TSTRING) {
			const char *key = lua_tostring(L, -1);
			int ok = 0;
			for (const char *const *k = known; *k && !ok; k++)
				ok = strcmp(*k, key) == 0;
			if (ok)
				continue;
		}
		luaL_error(L, "link: unknown field '%s' (known fields: the two nodes, then profile, "
			      "latency, bandwidth, loss, mtu)", luaL_tolstring(L, -1, NULL));
	}
	a = node_name(L, "link", 1, 0);
	b = node_name(L, "link", 2, 0);
	if (strcmp(a, b) == 0)
		luaL_error(L, "link: both ends are node '%s'", a);
	n = netdecl_of(L, s);
	for (size_t i = 0; i < n->nlinks; i++) {
		char at[256];
		if ((strcmp(n->links[i].a, a) == 0 && strcmp(n->links[i].b, b) == 0) ||
		    (strcmp(n->links[i].a, b) == 0 && strcmp(n->links[i].b, a) == 0)) {
			snprintf(at, sizeof at, "%.*s", (int)strcspn(n->links[i].where, " ") - 1,
				 n->links[i].where);
			luaL_error(L, "link: nodes '%s' and '%s' are already linked (at %s)", a, b, at);
		}
	}
	if (n->nlinks == NET_MAX_LINKS)
		luaL_error(L, "link: at most %d links", NET_MAX_LINKS);
	d = &n->links[n->nlinks];
	memset(d, 0, sizeof *d);
	snprintf(d->a, sizeof d->a, "%s", a);
	snprintf(d->b, sizeof d->b, "%s", b);
	where(L, d->where, sizeof d->where);
	prof = field_string(L, "link", "profile", NULL);
	if (prof) {
		if (!(pr = net_profile_find(prof))) {
			luaL_Buffer buf;
			const struct net_profile *p;
			luaL_buffinit(L, &buf);
			for (unsigned i = 0; (p = net_profile_at(i)) != NULL; i++) {
				luaL_addstring(&buf, i ? ", " : "");
				luaL_addstring(&buf, p->name);
			}
			luaL_pushresult(&buf);
			luaL_error(L, "link: unknown profile '%s' (profiles: %s)", prof,
				   lua_tostring(L, -1));
		}
		snprintf(d->profile, sizeof d->profile, "%s", prof);
	}
	d->latency_ns = field_duration(L, "link", "latency", pr->latency_ns);
	d->bandwidth_bps = pr->bandwidth_bps;
	t = lua_getfield(L, 1, "bandwidth");
	if (t != LUA_TNIL && (t != LUA_TSTRING ||
			      net_parse_rate(lua_tostring(L, -1), &d->bandwidth_bps) != 0))
		luaL_error(L, "link: 'bandwidth' must be a rate such as \"100Mbps\" (units bps, kbps, "
			      "Mbps, Gbps), not '%s'", luaL_tolstring(L, -1, NULL));
	lua_pop(L, 1);
	d->mtu = (uint32_t)field_int(L, "link", "mtu", pr->mtu, NET_MIN_MTU, 65535);
	d->loss = pr->loss;
	t = lua_getfield(L, 1, "loss");
	if (t != LUA_TNIL) {
		d->loss = lua_tonumber(L, -1);
		if (t != LUA_TNUMBER || !(d->loss >= 0 && d->loss <= 1))
			luaL_error(L, "link: 'loss' must be a probability from 0 to 1, not '%s'",
				   luaL_tolstring(L, -1, NULL));
	}
	lua_pop(L, 1);
	n->nlinks++;
	return 0;
}

void loader_open_net(lua_State *L, struct scenario *s)
{
	lua_pushlightuserdata(L, s);
	lua_pushcclosure(L, l_node, 1);
	lua_setglobal(L, "node");
	lua_pushlightuserdata(L, s);
	lua_pushcclosure(L, l_link, 1);
	lua_setglobal(L, "link");
}

const char *loader_node_field(lua_State *L, const char *fn)
{
	const char *name = field_string(L, fn, "node", NULL);

	if (name && (!*name || strlen(name) >= UK_NAME_MAX))
		luaL_error(L, "%s: 'node' must be a node's name", fn);
	return name;
}

/* The index of node name, or -1. */
static int node_index(const struct netdecl *n, const char *name)
{
	for (size_t i = 0; i < n->nnodes; i++)
		if (strcmp(n->nodes[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* Does a chain of declared links lead from node a to node b? */
static int reachable(const struct netdecl *n, uint32_t a, uint32_t b)
{
	int seen[NET_MAX_NODES] = { 0 }, grew = 1;

	seen[a] = 1;
	while (grew && !seen[b]) {
		grew = 0;
		for (size_t i = 0; i < n->nlinks; i++) {
			uint32_t x = n->links[i].ia, y = n->links[i].ib;
			if (seen[x] != seen[y]) {
				seen[x] = seen[y] = 1;
				grew = 1;
			}
		}
	}
	return seen[b];
}

/* A node's own mlfq has machine { }'s levels when the machine's policy is
 * mlfq too; else the defaults: 3 levels of 10 ticks, an allotment of one
 * quantum, no boost. */
static void node_mlfq(struct scenario *s)
{
	struct mlfq_config *c = &s->mlfq;

	if (s->cfg.mlfq)
		return;
	memset(c, 0, sizeof *c);
	c->queues = 3;
	for (uint32_t i = 0; i < c->queues; i++) {
		c->quantum[i] = 10;
		c->allotment[i] = 1;
	}
	s->cfg.mlfq = c;
}

/* Does node d have per-cpu queues? Its own queues = ... if it says so,
 * else machine { }'s, unless its policy is mlfq (whose levels are its
 * queues) or written in Lua (one queue, which pick sees whole). Balancing
 * needs them. Sets d->percpu_on; 0, or -1 with err. */
static int node_queues(const struct scenario *s, struct ndecl *d, char *err, size_t errlen)
{
	const struct sched_ops *pol = d->sched ? d->sched : s->cfg.sched;
	const char *own = d->lua || (!d->sched && lua_sched_is(pol)) ? "a policy in Lua"
			  : pol == &sched_mlfq_ops ? "mlfq" : NULL;

	d->percpu_on = d->queues_given ? d->percpu : s->cfg.percpu && !own;
	if (d->percpu_on && own) {
		snprintf(err, errlen, "%snode '%s': queues = \"per-cpu\" does not apply to its "
				      "policy, %s (it keeps one ready queue set for all the node's CPUs)",
			 d->where, d->name, own);
		return -1;
	}
	if (!d->percpu_on && (d->balance_given || d->balance_ns)) {
		snprintf(err, errlen, "%snode '%s': balancing applies to queues = \"per-cpu\"%s",
			 d->where, d->name,
			 s->cfg.percpu && own ? " (its policy keeps one queue set, whatever "
						"machine { queues } says)" : "");
		return -1;
	}
	return 0;
}

int loader_check_net(struct scenario *s, char *err, size_t errlen)
{
	struct netdecl *n = s->net;
	uint32_t cpus;

	for (size_t i = 0; i < s->nprocs; i++) {
		struct pdecl *d = &s->procs[i];
		int ix;
		if (!d->node[0])
			continue;
		ix = n ? node_index(n, d->node) : (strcmp(d->node, "A") == 0 ? 0 : -1);
		if (ix < 0) {
			snprintf(err, errlen, "%s'%s': node: unknown node '%s' (declare it with "
					      "node { \"%s\" })", d->where, d->name, d->node, d->node);
			return -1;
		}
		d->node_ix = (uint32_t)ix;
	}
	if (!n)
		return 0;
	if (s->procrun) {
		snprintf(err, errlen, "%s: node { }: a process-run machine has one node", s->path);
		return -1;
	}
	for (size_t i = 1; i < n->nnodes; i++)
		if (node_queues(s, &n->nodes[i], err, errlen) != 0)
			return -1;
	for (size_t i = 1; i < n->nnodes; i++)
		if (n->nodes[i].sched && strcmp(n->nodes[i].sched->name, "mlfq") == 0)
			node_mlfq(s);
	n->nodes[0].cpus = s->cfg.cpus;
	cpus = 0;
	for (size_t i = 0; i < n->nnodes; i++)
		cpus += n->nodes[i].cpus;
	if (cpus > 64) {
		snprintf(err, errlen, "%snode '%s': the nodes have %u CPUs in all; at most 64",
			 n->nodes[n->nnodes - 1].where, n->nodes[n->nnodes - 1].name, cpus);
		return -1;
	}
	for (size_t i = 0; i < n->nlinks; i++) {
		struct ldecl *l = &n->links[i];
		int a = node_index(n, l->a), b = node_index(n, l->b);
		if (a < 0 || b < 0) {
			const char *u = a < 0 ? l->a : l->b;
			snprintf(err, errlen, "%slink: unknown node '%s' (declare it with node "
					      "{ \"%s\" })", l->where, u, u);
			return -1;
		}
		l->ia = (uint32_t)a;
		l->ib = (uint32_t)b;
	}
	/* Every process holds the name server's right, and the name server
	 * runs on A: a node with processes must reach A. */
	for (size_t i = 0; i < s->nprocs; i++) {
		struct pdecl *d = &s->procs[i];
		if (strncmp(d->name, "net.", 4) == 0 && node_index(n, d->name + 4) >= 0) {
			snprintf(err, errlen, "%s'%s' is the name of node '%s''s network server",
				 d->where, d->name, d->name + 4);
			return -1;
		}
		if (d->node_ix != 0 && !reachable(n, 0, d->node_ix)) {
			snprintf(err, errlen, "%s'%s': no chain of links joins node '%s' to node 'A', "
					      "where the name server runs: no route (declare link { \"A\", "
					      "\"%s\", ... })",
				 d->where, d->name, d->node, d->node);
			return -1;
		}
		if (d->affinity && d->node_ix < 64) {
			uint32_t nc = n->nodes[d->node_ix].cpus;
			if (nc < 64 && !(d->affinity & ((1ull << nc) - 1))) {
				snprintf(err, errlen, "%s'%s': its affinity names no CPU of node '%s' (it "
						      "has %u, numbered from 0)", d->where, d->name,
					 n->nodes[d->node_ix].name, nc);
				return -1;
			}
		}
	}
	s->cfg.cpus = cpus;
	return 0;
}

/* Node id's scheduler: its own policy (a Lua one with its quantum, else
 * the node's), its quantum, its queues; nothing to do when it has the
 * machine's in every respect (net_add_node gave it that). */
static int node_build_sched(const struct scenario *s, struct machine *m, const struct ndecl *d,
			    uint32_t id)
{
	const struct sched_ops *pol = d->sched ? d->sched : s->cfg.sched;
	uint64_t q = d->quantum_ns ? d->quantum_ns
		     : m->sched.quantum ? m->sched.quantum : UK_DEFAULT_QUANTUM;

	if (d->lua)
		return net_node_sched(m, id, d->sched,
				      d->lua_quantum_ns != UINT64_MAX ? d->lua_quantum_ns : d->quantum_ns);
	if (d->percpu_on)
		/* machine { }'s balancing, or its defaults when the machine has one queue */
		return net_node_percpu(m, id, pol, q,
				       d->balance_given ? d->balance
				       : s->cfg.percpu ? s->cfg.balance : BALANCE_STEALING,
				       d->balance_ns ? d->balance_ns
				       : s->cfg.percpu ? s->cfg.balance_ns : 4000000);
	if (d->sched || d->quantum_ns || s->cfg.percpu)
		return net_node_sched(m, id, pol, q);
	return 0;
}

int loader_build_net(struct scenario *s, struct machine *m)
{
	struct netdecl *n = s->net;

	if (!n || n->nnodes < 2)
		return 0;
	if (net_init(m) != 0)
		return -1;
	m->net->nodes[0].ncpus = n->nodes[0].cpus;
	/* Node A's per-cpu queues are over its own CPUs, not the machine's. */
	if (m->sched.ops == &sched_percpu_ops &&
	    net_node_sched(m, 0, m->sched.ops, m->sched.quantum) != 0)
		return -1;
	for (size_t i = 1; i < n->nnodes; i++) {
		const struct ndecl *d = &n->nodes[i];
		struct node *nd;
		if (net_add_node(m, d->name, d->cpus, d->big_endian) < 0 ||
		    vmsys_node_init(m, (uint32_t)i, d->frames) != 0)
			return -1;
		nd = &m->net->nodes[i];
		if (d->costs_given) {
			nd->costs = d->costs;
			nd->costs_overridden = d->cost_overrides;
		}
		if (node_build_sched(s, m, d, (uint32_t)i) != 0)
			return -1;
		nd->clock_given = d->clock.given;
		nd->clock_offset = d->clock.given & CLOCK_OFFSET ? d->clock.offset : s->clock.offset;
		nd->drift = d->clock.given & CLOCK_DRIFT ? d->clock.drift : s->clock.drift;
	}
	for (size_t i = 0; i < n->nlinks; i++) {
		const struct ldecl *l = &n->links[i];
		if (net_add_link(m, l->ia, l->ib, l->latency_ns, l->bandwidth_bps, l->mtu, l->loss,
				 l->profile) < 0)
			return -1;
	}
	return 0;
}

void loader_place(const struct scenario *s, struct machine *m, struct proc *p, uint32_t node,
		  int big_endian_given)
{
	const struct node *nd;
	uint64_t mask;

	(void)s;
	if (!m->net)
		return;
	nd = &m->net->nodes[node];
	p->node = node;
	mask = nd->ncpus >= 64 ? UINT64_MAX : ((1ull << nd->ncpus) - 1);
	/* Its affinity names the node's CPUs, from 0; the kernel's are the machine's. */
	p->affinity = (p->affinity ? p->affinity & mask : mask) << nd->cpu0;
	if (!big_endian_given)
		p->big_endian = nd->big_endian;
}

int loader_node_clock(const struct scenario *s, const struct machine *m, uint32_t node,
		      struct clockdecl *c)
{
	const struct node *nd;

	(void)s;
	if (!m->net || node == 0)
		return 0;
	nd = &m->net->nodes[node];
	if (!nd->clock_given)
		return 0;
	c->given = CLOCK_DRIFT | CLOCK_OFFSET;
	c->drift = nd->drift;
	c->offset = nd->clock_offset;
	return 1;
}

int loader_node_ix(const struct scenario *s, const char *name)
{
	return s->net ? node_index(s->net, name) : (strcmp(name, "A") == 0 ? 0 : -1);
}

int loader_reachable(const struct scenario *s, uint32_t a, uint32_t b)
{
	return s->net ? reachable(s->net, a, b) : a == b;
}

int loader_linked(const struct scenario *s, uint32_t a, uint32_t b)
{
	for (size_t i = 0; s->net && i < s->net->nlinks; i++) {
		const struct ldecl *l = &s->net->links[i];
		if ((l->ia == a && l->ib == b) || (l->ia == b && l->ib == a))
			return 1;
	}
	return 0;
}

void loader_free_net(struct scenario *s)
{
	free(s->net);
	s->net = NULL;
}
