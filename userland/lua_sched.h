/*
 * lua_sched.h - a scheduling policy written in the scenario:
 *
 *   machine { sched = { pick = function(ready, cpu) ... end, quantum = "10ms" } }
 *
 * pick is called whenever a CPU needs a thread, with the ready threads (an
 * array of tables, in the order they became ready), the CPU's number
 * (0-based, machine-wide) and its node's name ("A" on one machine); it
 * returns one of those tables, or its index. With several nodes every node
 * runs an instance of its own over its own CPUs and threads, with
 * machine { }'s pick or node { sched = { pick = f } }'s.
 */
#ifndef UKERN_LUA_SCHED_H
#define UKERN_LUA_SCHED_H

#include <lua.h>
#include <stdint.h>

struct sched_ops;

/* The policy for the table at index idx of L (pick, and quantum: when
 * absent *quantum_ns is left alone); raises a Lua error for a malformed table. A machine using it needs the scenario's main
 * state as machine_config.sched_arg. */
const struct sched_ops *lua_sched_new(lua_State *L, int idx, uint64_t *quantum_ns);

/* The same for node { sched = { ... } } of node id node (its index in
 * declaration order, A being 0); fn names it in errors ("node 'B'"). The
 * node's scheduler runs it in place of machine { }'s pick. */
const struct sched_ops *lua_sched_node(lua_State *L, int idx, const char *fn, uint32_t node,
				       uint64_t *quantum_ns);

/* Is ops a policy written in the scenario? */
int lua_sched_is(const struct sched_ops *ops);

#endif
