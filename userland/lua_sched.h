/*
 * lua_sched.h - a scheduling policy written in the scenario:
 *
 *   machine { sched = { pick = function(ready, cpu) ... end, quantum = "10ms" } }
 *
 * pick is called whenever a CPU needs a thread, with the ready threads (an
 * array of tables, in the order they became ready) and the CPU's number
 * (0-based); it returns one of those tables, or its index.
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

#endif
