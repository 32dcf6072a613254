/*
 * rpcstat.c - the RPC entries of the statistics (see rpcstat.h).
 */
#include "rpcstat.h"

#include <stdlib.h>
#include <string.h>

#include "machine.h"

/* The entry for (binding, method), made on first use; NULL without memory.
 * Entries stay in order of first use, so the output is deterministic. */
static struct rpcstat *entry(struct machine *m, const char *binding, const char *method)
{
	struct rpcstat *e;

	for (uint32_t i = 0; i < m->nrpc; i++)
		if (strcmp(m->rpc[i].binding, binding) == 0 && strcmp(m->rpc[i].method, method) == 0)
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
	e->kind = "message";
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

int rpcstat_note(struct machine *m, const char *binding, const char *method,
		 enum rpcstat_event ev, uint64_t latency_ns, uint64_t retransmissions)
{
	struct rpcstat *e = entry(m, binding, method);

	if (!e)
		return -1;
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
