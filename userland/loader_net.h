/*
 * loader_net.h - node { } and link { } (loader_net.c): several machines
 * in one run, and where each declared process is placed.
 */
#ifndef UKERN_LOADER_NET_H
#define UKERN_LOADER_NET_H

#include <lua.h>
#include <stddef.h>
#include <stdint.h>

#include "loader_decl.h"

struct machine;
struct proc;

/* Register the globals node and link for scenario s. */
void loader_open_net(lua_State *L, struct scenario *s);

/* The node = field of the declaration table at 1 (fn names it in errors),
 * or NULL when absent. */
const char *loader_node_field(lua_State *L, const char *fn);

/* After the top level: every node a process or a link names exists, no
 * node with processes lacks a link to A, the CPUs fit; s->cfg.cpus becomes
 * the CPUs of all the nodes. 0, or -1 with "FILE:LINE: ..." in err. */
int loader_check_net(struct scenario *s, char *err, size_t errlen);

/* Give m its nodes and links (nothing with fewer than two nodes). 0, or
 * -1 when memory runs out. */
int loader_build_net(struct scenario *s, struct machine *m);

/* Put p on node: its CPUs are the node's (its affinity, if any, counted
 * from the node's first CPU), and its byte order the node's unless
 * declared. Nothing on a machine of one node. */
void loader_place(const struct scenario *s, struct machine *m, struct proc *p, uint32_t node,
		  int big_endian_given);

/* The clock of node, into *c: 1 when the node declares one, else 0. */
int loader_node_clock(const struct scenario *s, const struct machine *m, uint32_t node,
		      struct clockdecl *c);

/* The index of the node named name, or -1. */
int loader_node_ix(const struct scenario *s, const char *name);

/* Does a chain of declared links lead from node a to node b (indexes;
 * after loader_check_net)? */
int loader_reachable(const struct scenario *s, uint32_t a, uint32_t b);

/* Does a declared link join nodes a and b (indexes; after loader_check_net)? */
int loader_linked(const struct scenario *s, uint32_t a, uint32_t b);

void loader_free_net(struct scenario *s);

#endif
