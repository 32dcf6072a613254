/*
 * rpcstat.h - what the statistics say about RPC: one entry per binding
 * (service name) and method, filled by the stubs on both sides. A client
 * counts calls, their outcome, retransmissions and latency; a server counts
 * executions of the handler and the duplicates it answered from its reply
 * history instead. Executions per call is the lesson of the call semantics.
 */
#ifndef UKERN_RPCSTAT_H
#define UKERN_RPCSTAT_H

#include <stdint.h>

struct machine;

struct rpcstat {
	char *binding, *method;
	const char *kind;            /* "message" (later "lrpc", "lrpc-mp") */
	uint64_t calls;              /* calls made by clients */
	uint64_t failed;             /* of those, ended with an error (timeout, dead port ...) */
	uint64_t retransmissions;    /* requests sent again after a timeout */
	uint64_t executions;         /* times a server ran the handler */
	uint64_t duplicates;         /* requests answered from a reply history */
	uint64_t *lat;               /* latency of each successful call, ns */
	uint64_t nlat, lat_cap;
};

enum rpcstat_event { RS_CALL_OK, RS_CALL_FAILED, RS_EXECUTION, RS_DUPLICATE };

/* Record an event for (binding, method); for calls, latency_ns and the
 * retransmissions it took. 0, or -1 when memory runs out. */
int rpcstat_note(struct machine *m, const char *binding, const char *method,
		 enum rpcstat_event ev, uint64_t latency_ns, uint64_t retransmissions);

/* Free the entries at the end of a run. */
void rpcstat_free(struct machine *m);

#endif
