/*
 * netsrv.h - the network server of a node (kernel/net.h), as Mach's network
 * message server: one per node, made only when the scenario declares nodes.
 */
#ifndef UKERN_NETSRV_H
#define UKERN_NETSRV_H

#include <stdint.h>

struct machine;
struct proc;

/* Declare node's network server, "net.<node>", a daemon starting at 0
 * (the caller places it on its node). Returns it, or NULL when memory
 * runs out. */
struct proc *netsrv_install(struct machine *m, uint32_t node);

#endif
