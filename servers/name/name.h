/*
 * name.h - the name server: its request format (shared with the client
 * stubs) and how the machine starts it.
 *
 * The name server is a simulated process like any other (pid 1, "name").
 * Its port is well known: every process is given a send right to it at
 * creation, under the name UK_NAME_NAMESERVER. A request is a call whose
 * payload is struct ns_request; a register carries the port to register as
 * its one right; a lookup's reply carries a send right to the found port;
 * a list's reply is followed by the registered names.
 *
 * The name server asks the kernel for a dead-name notice on every port it
 * registers: when the port dies (its server ended), its names are removed.
 */
#ifndef UKERN_NAME_H
#define UKERN_NAME_H

#include <stdint.h>

#include "uk_limits.h"

struct machine;
struct proc;

enum ns_op {
	NS_REGISTER = 1,
	NS_LOOKUP = 2,
	NS_UNREGISTER = 3,
	NS_LIST = 4,
};

struct ns_request {
	uint32_t op;                /* enum ns_op */
	uint32_t len;               /* bytes of name used */
	char name[UK_NAME_MAX];     /* not NUL-terminated when len == UK_NAME_MAX */
};

struct ns_reply {
	int32_t err;                /* UK_OK or UK_E* */
	uint32_t count;             /* NS_LIST: names that follow, each NUL-terminated, sorted */
};

_Static_assert(sizeof(struct ns_request) == 8 + UK_NAME_MAX, "ns_request layout");
_Static_assert(sizeof(struct ns_reply) == 8, "ns_reply layout");

/* Create the name server process (started at time 0, a daemon) and its
 * well-known port. Call before any other process is declared. Returns the
 * process, or NULL when memory runs out. */
struct proc *ns_install(struct machine *m);

#endif
