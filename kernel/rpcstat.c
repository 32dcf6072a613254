/*
 * rpcstat.c - the RPC entries of the statistics (see rpcstat.h).
 */
#include "rpcstat.h"

#include <stdlib.h>
#include <string.h>

#include "machine.h"

/* The entry for (binding, method, kind), made on first use; NULL without
 * memory. Entries stay in order of first use, so the output is
 * deterministic. */
static struct rpcstat *entry(struct machine *m, const char *binding, const char *method,
			     const char *kind)
{
	struct rpcstat *e;

	for (uint32_t i = 0; i < m->nrpc; i++)
		if (strcmp(m->rpc[i].binding, binding) == 0 && strcmp(m->rpc[i].method, method) == 0 &&
		    strcmp(m->rpc[i].kind, kind) == 0)
			return &m->rpc[i];
	if (m->nrpc == m->rpc_cap) {
		uint32_t cap = m->rpc_cap ? m->rpc_cap * 2 : 8;
		struct rpcstat *v = realloc(m->rpc, cap * sizeof *v);
		if (!v)
			return NULL;
		m->rpc = v;
		m->rpc_cap = cap;
	}
	e = &m->rpc[m->nrpc];
	memset(e, 0, sizeof *e);
	e->kind = kind;
	e->binding = strdup(binding);
	e->method = strdup(method);
	if (!e->binding || !e->method) {
		free(e->binding);
		free(e->method);
		return NULL;
	}
	m->nrpc++;
	return e;
}

/* Count the copies a message RPC's event makes (see rpcstat.h). */
static void message_copies(struct rpcstat *e, enum rpcstat_event ev, uint64_t retransmissions)
{
	switch (ev) {
	case RS_CALL_OK:
		e->copies[2]++;
		e->copies[5]++;
		/* the requests: */
		/* fall through */
	case RS_CALL_FAILED:
		e->copies[0] += 1 + retransmissions;
		e->copies[1] += 1 + retransmissions;
		break;
	case RS_EXECUTION:
		e->copies[0]++;
		e->copies[1]++;
		/* the request: */
		/* fall through */
	case RS_DUPLICATE:
		e->copies[2]++;
		e->copies[4]++;
		break;
	}
}

int rpcstat_note(struct machine *m, const char *binding, const char *method,
		 enum rpcstat_event ev, uint64_t latency_ns, uint64_t retransmissions)
{
	return rpcstat_note_kind(m, binding, method, "message", ev, latency_ns, retransmissions,
				 NULL);
}

int rpcstat_note_kind(struct machine *m, const char *binding, const char *method,
		      const char *kind, enum rpcstat_event ev, uint64_t latency_ns,
		      uint64_t retransmissions, const char *copies)
{
	struct rpcstat *e = entry(m, binding, method, kind);

	if (!e)
		return -1;
	if (!copies)
		message_copies(e, ev, retransmissions);
	for (; copies && *copies; copies++)
		if (*copies >= 'A' && *copies < 'A' + RPCSTAT_COPY_KINDS)
			e->copies[*copies - 'A']++;
	switch (ev) {
	case RS_CALL_OK:
	case RS_CALL_FAILED:
		e->calls++;
		e->retransmissions += retransmissions;
		if (ev == RS_CALL_FAILED) {
			e->failed++;
			break;
		}
		if (e->nlat == e->lat_cap) {
			uint64_t cap = e->lat_cap ? e->lat_cap * 2 : 16;
			uint64_t *v = realloc(e->lat, cap * sizeof *v);
			if (!v)
				return -1;
			e->lat = v;
			e->lat_cap = cap;
		}
		e->lat[e->nlat++] = latency_ns;
		break;
	case RS_EXECUTION:
		e->executions++;
		break;
	case RS_DUPLICATE:
		e->duplicates++;
		break;
	}
	return 0;
}

void rpcstat_free(struct machine *m)
{
	for (uint32_t i = 0; i < m->nrpc; i++) {
		free(m->rpc[i].binding);
		free(m->rpc[i].method);
		free(m->rpc[i].lat);
	}
	free(m->rpc);
	m->rpc = NULL;
	m->nrpc = m->rpc_cap = 0;
}
