/*
 * pclock.c - the processes' clocks of pclock.h, and their statistics.
 *
 * The one idea: the clock arithmetic is clock.c's; what is added here is
 * where each process's clock lives (p->clock, NULL for a perfect one), the
 * record of its last sync, and the statistics that let a student compare
 * every clock with true time at the end of a run.
 */
#include "time/pclock.h"

#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "machine.h"
#include "proc.h"
#include "units.h"

static void stats(FILE *out, const struct machine *m, char format);

void pclock_watch(struct machine *m)
{
	m->stats_hook = stats;
}

int pclock_attach(struct proc *p, int64_t offset, int64_t drift)
{
	struct pclock *k = calloc(1, sizeof *k);

	if (!k || dclock_init(&k->c, offset, drift) != 0) {
		free(k);
		return -1;
	}
	free(p->clock);
	p->clock = k;
	pclock_watch(p->m);
	return 0;
}

int pclock_copy(struct proc *to, const struct proc *from)
{
	struct pclock *k = NULL;

	if (from->clock) {
		k = malloc(sizeof *k);
		if (!k)
			return -1;
		*k = *from->clock;
	}
	free(to->clock);
	to->clock = k;
	return 0;
}

struct pclock *pclock_of(struct proc *p)
{
	if (!p->clock && pclock_attach(p, 0, 0) != 0)
		return NULL;
	return p->clock;
}

uint64_t pclock_read(const struct proc *p, uint64_t t)
{
	return p->clock ? dclock_read(&p->clock->c, t) : t;
}

uint64_t pclock_until(const struct proc *p, uint64_t now, uint64_t x)
{
	uint64_t t;

	if (!p->clock)
		return x > now ? x - now : 0;
	if (dclock_true_at(&p->clock->c, x, &t) != 0)
		return UINT64_MAX;
	return t > now ? t - now : 0;
}

static void note(struct pclock *k, enum pclock_adjust how, uint64_t now, int64_t offset,
		 uint64_t error)
{
	k->syncs++;
	k->last = how;
	k->last_ns = now;
	k->last_offset = offset;
	k->last_error = error;
}

int pclock_step(struct proc *p, uint64_t now, int64_t offset, uint64_t error)
{
	struct pclock *k = pclock_of(p);
	uint64_t r, v;

	if (!k)
		return -1;
	r = dclock_read(&k->c, now);
	if (offset >= 0)
		v = r > UINT64_MAX - (uint64_t)offset ? UINT64_MAX : r + (uint64_t)offset;
	else
		v = r < (uint64_t)-(offset + 1) + 1 ? 0 : r - ((uint64_t)-(offset + 1) + 1);
	dclock_set(&k->c, now, v);
	note(k, PCLOCK_STEP, now, offset, error);
	return 0;
}

int pclock_slew(struct proc *p, uint64_t now, int64_t offset, uint64_t error)
{
	struct pclock *k = pclock_of(p);

	if (!k || dclock_slew(&k->c, now, offset, DCLOCK_SLEW_ADJTIME) != 0)
		return -1;
	note(k, PCLOCK_SLEW, now, offset, error);
	return 0;
}

/* ---- statistics ---- */

int64_t pclock_error(const struct proc *p, uint64_t t)
{
	uint64_t r = pclock_read(p, t);

	if (r >= t)
		return r - t > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)(r - t);
	return t - r > (uint64_t)INT64_MAX ? INT64_MIN : -(int64_t)(t - r);
}

void pclock_note_round(struct proc *p, uint64_t now, uint32_t round)
{
	struct pclock *k = p->clock;

	assert(k && "pclock_note_round: the process has no clock");
	if (k->nrounds < PCLOCK_MAX_ROUNDS)
		k->rounds[k->nrounds] = (struct pclock_round){ round, now, pclock_error(p, now) };
	k->nrounds++;
}

static const char *const adjust_names[] = { "none", "step", "slew" };

static void json_str(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

/* The Berkeley rounds of k: only for a clock a master adjusted. */
static void json_rounds(FILE *out, const struct pclock *k)
{
	uint32_t n = k->nrounds < PCLOCK_MAX_ROUNDS ? k->nrounds : PCLOCK_MAX_ROUNDS;

	fprintf(out, ", \"berkeley_rounds\": %" PRIu32 ", \"rounds\": [", k->nrounds);
	for (uint32_t i = 0; i < n; i++)
		fprintf(out, "%s{ \"round\": %" PRIu32 ", \"at_ns\": %" PRIu64 ", \"error_ns\": %" PRId64
			" }", i ? ", " : "", k->rounds[i].round, k->rounds[i].at_ns,
			k->rounds[i].error_ns);
	fputc(']', out);
}

static void json_clock(FILE *out, const struct machine *m, const struct proc *p)
{
	const struct pclock *k = p->clock;

	fputs("{ \"process\": ", out);
	json_str(out, p->name);
	fprintf(out, ", \"pid\": %" PRIu32 ", \"drift_ppb\": %" PRId64 ", \"offset_ns\": %" PRId64
		", \"syncs\": %" PRIu64, p->pid, k ? k->c.drift : 0, pclock_error(p, m->now),
		k ? k->syncs : 0);
	if (k && k->syncs)
		fprintf(out, ", \"adjust\": \"%s\", \"last_sync_ns\": %" PRIu64
			", \"last_offset_ns\": %" PRId64 ", \"last_error_ns\": %" PRIu64,
			adjust_names[k->last], k->last_ns, k->last_offset, k->last_error);
	else
		fputs(", \"adjust\": null, \"last_sync_ns\": null, \"last_offset_ns\": null, "
		      "\"last_error_ns\": null", out);
	if (k && k->nrounds)
		json_rounds(out, k);
	fputs(" }", out);
}

/* A signed duration for the text summary: "+1.5ms", "-250ns", "0ns". */
static const char *sdur(int64_t v, char *buf, size_t len)
{
	uint64_t mag = v < 0 ? (uint64_t)-(v + 1) + 1 : (uint64_t)v;

	buf[0] = v < 0 ? '-' : '+';
	units_format_ns(mag, buf + 1, len - 1);
	return v == 0 ? buf + 1 : buf;
}

static void text_clock(FILE *out, const struct machine *m, const struct proc *p)
{
	const struct pclock *k = p->clock;
	char a[40], b[40], c[40];

	fprintf(out, "clock  %s: drift %+" PRId64 "ppb, offset %s at the end", p->name, k->c.drift,
		sdur(pclock_error(p, m->now), a, sizeof a));
	if (k->syncs) {
		units_format_ns(k->last_ns, b, sizeof b);
		fprintf(out, "; %" PRIu64 " sync(s), the last at %s %s by %s (error bound ", k->syncs,
			b, k->last == PCLOCK_STEP ? "stepped" : "slewed",
			sdur(k->last_offset, c, sizeof c));
		units_format_ns(k->last_error, a, sizeof a);
		fprintf(out, "%s)", a);
	}
	fputc('\n', out);
}

/* The machine's stats hook: every process in JSON (a perfect clock too),
 * the processes with a clock of their own in the text summary. */
static void stats(FILE *out, const struct machine *m, char format)
{
	if (format == 't') {
		for (uint32_t i = 0; i < m->nprocs; i++)
			if (m->procs[i]->clock)
				text_clock(out, m, m->procs[i]);
		return;
	}
	fputs("  \"clocks\": [", out);
	for (uint32_t i = 0; i < m->nprocs; i++) {
		fputs(i ? ",\n    " : "\n    ", out);
		json_clock(out, m, m->procs[i]);
	}
	fputs(m->nprocs ? "\n  ],\n" : "],\n", out);
}
