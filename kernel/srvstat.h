/*
 * srvstat.h - what the statistics say about each built-in server beyond
 * its threads and messages: a few named figures the server keeps up to
 * date as it works (requests served, disk busy time, ...), written out as
 * one entry per server in the "servers" section of the statistics.
 *
 * The one idea: the kernel does not know what a file server counts, so an
 * entry is a list of (key, value) pairs in the order the server first set
 * them. The entry belongs to the machine, not to the server's process, so
 * its figures survive a crash and add up over the incarnations.
 *
 * Entry points: srvstat_add, srvstat_attr, srvstat_set, srvstat_get,
 * srvstat_free.
 */
#ifndef UKERN_SRVSTAT_H
#define UKERN_SRVSTAT_H

#include <stdint.h>

struct machine;

#define SRVSTAT_MAX_ATTRS 4     /* text attributes of one entry */
#define SRVSTAT_MAX_FIGS 16     /* figures of one entry */

struct srvstat {
	char *name;                 /* the service name */
	const char *kind;           /* "file", ...: a string literal */
	uint32_t nattr, nfig;
	struct {
		const char *key;    /* a string literal */
		char *val;
	} attr[SRVSTAT_MAX_ATTRS];
	struct {
		const char *key;    /* a string literal; "_ns" at its end: a duration */
		uint64_t val;
	} fig[SRVSTAT_MAX_FIGS];
};

/* A new entry for the server called name, of the given kind, after the
 * entries made before it (so the output follows the declarations).
 * Returns NULL when memory runs out. */
struct srvstat *srvstat_add(struct machine *m, const char *name, const char *kind);

/* Add a text attribute (its arch, its mode, ...). 0, or -1 when memory
 * runs out or the entry has SRVSTAT_MAX_ATTRS already. */
int srvstat_attr(struct srvstat *e, const char *key, const char *val);

/* Set figure key to v; a key not yet in the entry is appended (at most
 * SRVSTAT_MAX_FIGS: an assertion). Set every figure once at install time
 * so the order does not depend on the run. */
void srvstat_set(struct srvstat *e, const char *key, uint64_t v);

/* The value of figure key, 0 if it was never set. */
uint64_t srvstat_get(const struct srvstat *e, const char *key);

/* Free every entry at the end of a run. */
void srvstat_free(struct machine *m);

#endif
