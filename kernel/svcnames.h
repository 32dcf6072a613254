/*
 * svcnames.h - the kernel's copy of the name server's table: the port each
 * service name is registered to, as the name server reports its operations
 * (SYS_NAMEOP, which also feeds the trace). The name server stays the
 * authority; the kernel keeps the copy so that injected faults can find
 * "the ports registered under a name" (fault.h, crash.h) at the instant
 * they act, without a message round trip.
 */
#ifndef UKERN_SVCNAMES_H
#define UKERN_SVCNAMES_H

#include "uk_limits.h"

struct machine;
struct port;

struct svcname {
	char name[UK_NAME_MAX + 1];
	struct port *pt;
};

/* The name server reported a successful operation op on name (1 register:
 * name now points at pt; 3 unregister, or removal after the port died:
 * name is gone). Other ops change nothing. 0, or -1 when memory runs out. */
int svcnames_note(struct machine *m, const char *name, struct port *pt, unsigned op);

/* The port registered under name, or NULL. */
struct port *svcnames_port(const struct machine *m, const char *name);

#endif
