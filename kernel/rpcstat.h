/*
 * rpcstat.h - what the statistics say about RPC: one entry per binding
 * (service name), method and kind ("message", "lrpc", "lrpc-mp", "lrpc-gr"), filled
 * by the stubs on both sides. A client counts calls, their outcome,
 * retransmissions and latency; a server counts executions of the handler
 * and the duplicates it answered from its reply history instead.
 * Executions per call is the lesson of the call semantics.
 *
 * Both sides also count the copies of argument and result bytes they
 * make, in the letters of the LRPC paper's table (doc/stats.md): A from a
 * stack into a message or onto an A-stack, B into the kernel, C out of it,
 * D from one domain straight into another, E from a message onto the
 * server's stack, F from a message or an A-stack into the client's results.
 */
#ifndef UKERN_RPCSTAT_H
#define UKERN_RPCSTAT_H

#include <stdint.h>

struct machine;

enum { RPCSTAT_COPY_KINDS = 6 };   /* copies A .. F */

struct rpcstat {
	char *binding, *method;
	const char *kind;            /* "message", "lrpc", "lrpc-mp" or "lrpc-gr" (static) */
	uint64_t copies[RPCSTAT_COPY_KINDS];   /* copies made, A .. F */
	uint64_t calls;              /* calls made by clients */
	uint64_t failed;             /* of those, ended with an error (timeout, dead port ...) */
	uint64_t retransmissions;    /* requests sent again after a timeout */
	uint64_t executions;         /* times a server ran the handler */
	uint64_t duplicates;         /* requests answered from a reply history */
	uint64_t *lat;               /* latency of each successful call, ns */
	uint64_t nlat, lat_cap;
};

enum rpcstat_event { RS_CALL_OK, RS_CALL_FAILED, RS_EXECUTION, RS_DUPLICATE };

/* Record an event for (binding, method) of kind "message"; for calls,
 * latency_ns and the retransmissions it took. The copies counted are a
 * message RPC's: a call, AB per request sent and CF for the reply; a
 * failed call AB per request sent; an execution CE for the request and AB
 * for the reply; a duplicate CE. 0, or -1 when memory runs out. */
int rpcstat_note(struct machine *m, const char *binding, const char *method,
		 enum rpcstat_event ev, uint64_t latency_ns, uint64_t retransmissions);

/* The same for an entry of kind kind (a static string), counting the
 * copies named by the letters of copies ("ABCF": one of each; NULL: those
 * rpcstat_note counts). 0, or -1 when memory runs out. */
int rpcstat_note_kind(struct machine *m, const char *binding, const char *method,
		      const char *kind, enum rpcstat_event ev, uint64_t latency_ns,
		      uint64_t retransmissions, const char *copies);

/* Free the entries at the end of a run. */
void rpcstat_free(struct machine *m);

#endif
