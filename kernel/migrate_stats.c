/*
 * migrate_stats.c - the migrations as the rest of the program reads them:
 * the names of the strategies and mobilities, migrate_get, and the
 * statistics: the "migrations" array of the JSON and a "migrate" line each
 * in the text summary (API: migrate.h).
 */
#include "migrate.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "machine.h"
#include "net.h"
#include "proc.h"

static const char *const strategies[] = { NULL, "stop-and-copy", "pre-copy", "on-demand" };
static const char *const mobilities[] = { NULL, "strong", "weak" };

const char *migrate_strategy_name(int s)
{
	return s >= MIG_STOP_AND_COPY && s <= MIG_ON_DEMAND ? strategies[s] : NULL;
}

const char *migrate_mobility_name(int s)
{
	return s >= MIG_STRONG && s <= MIG_WEAK ? mobilities[s] : NULL;
}

int migrate_strategy_parse(const char *s)
{
	for (int i = MIG_STOP_AND_COPY; i <= MIG_ON_DEMAND; i++)
		if (strcmp(s, strategies[i]) == 0)
			return i;
	return 0;
}

int migrate_mobility_parse(const char *s)
{
	for (int i = MIG_STRONG; i <= MIG_WEAK; i++)
		if (strcmp(s, mobilities[i]) == 0)
			return i;
	return 0;
}

const struct migration *migrate_get(const struct machine *m, int64_t id)
{
	return m->mig && id >= 1 && id <= m->mig->n ? m->mig->v[id - 1] : NULL;
}


void migrate_stats(FILE *out, const struct machine *m, char format)
{
	const struct mig_state *s = m->mig;

	if (!s || !s->n)
		return;
	if (format == 'j')
		fputs("  \"migrations\": [", out);
	for (uint32_t i = 0; i < s->n; i++) {
		const struct migration *g = s->v[i];
		const char *from = m->net->nodes[g->from].name, *to = m->net->nodes[g->to].name;
		uint64_t left = 0, down = g->resume >= g->stop ? g->resume - g->stop : 0;
		uint64_t total = (g->phase == MP_DONE ? g->end : g->resume) - g->begin;

		for (uint32_t k = 0; k < g->npg; k++)
			left += g->pg[k].remote;
		if (g->phase != MP_DONE && g->phase != MP_RUNNING_REMOTE && g->phase != MP_FAILED)
			down = total = 0;           /* under way when the run ended */
		if (format == 't') {
			fprintf(out, "migrate %s (pid %u) %s->%s, %s, %s: downtime %.3fms, total %.3fms, %"
				PRIu64 " pages, %" PRIu64 " bytes, %u round%s, %" PRIu64
				" pages pulled, %" PRIu64 " messages forwarded%s\n",
				g->p->name, g->pid, from, to, migrate_strategy_name(g->req.strategy),
				migrate_mobility_name(g->req.mobility), (double)down / 1e6,
				(double)total / 1e6, g->pages, g->bytes, g->rounds, g->rounds == 1 ? "" : "s",
				g->remote_faults,
				g->msgs_forwarded,
				g->phase == MP_DONE || g->phase == MP_RUNNING_REMOTE ? "" : " (not done)");
			continue;
		}
		fprintf(out, "%s{ \"id\": %u, \"process\": \"%s\", \"pid\": %u, \"new_pid\": %u, "
			"\"from\": \"%s\", \"to\": \"%s\", \"strategy\": \"%s\", \"mobility\": \"%s\", "
			"\"done\": %s, \"begin_ns\": %" PRIu64 ", \"downtime_ns\": %" PRIu64
			", \"total_ns\": %" PRIu64 ", \"pages\": %" PRIu64 ", \"code_pages\": %" PRIu64
			", \"bytes\": %" PRIu64 ", \"packets\": %" PRIu64 ", \"state_bytes\": %" PRIu64
			", \"rounds\": %u, \"round_pages\": [",
			i ? ",\n    " : "\n    ", g->id, g->p->name, g->pid, g->new_pid, from, to,
			migrate_strategy_name(g->req.strategy), migrate_mobility_name(g->req.mobility),
			g->phase == MP_DONE || g->phase == MP_RUNNING_REMOTE ? "true" : "false",
			g->begin, down, total, g->pages, g->code_pages, g->bytes, g->packets,
			g->state_bytes, g->rounds);
		for (uint32_t k = 0; k < g->rounds && k < MIG_ROUNDS_LIMIT; k++)
			fprintf(out, "%s%" PRIu64, k ? ", " : "", g->round_pages[k]);
		fprintf(out, "], \"remote_faults\": %" PRIu64 ", \"pages_left\": %" PRIu64
			", \"messages_forwarded\": %" PRIu64 ", \"bytes_forwarded\": %" PRIu64
			", \"lrpc_global\": %u, \"lrpc_rebound\": %u, \"lrpc_wait_ns\": %" PRIu64
			", \"lrpc_clients_global\": %u, \"lrpc_clients_rebound\": %u }",
			g->remote_faults, left, g->msgs_forwarded, g->bytes_forwarded, g->lrpc_global,
			g->lrpc_rebound, g->lrpc_wait_ns, g->lrpc_clients_global,
			g->lrpc_clients_rebound);
	}
	if (format == 'j')
		fputs("\n  ],\n", out);
}
