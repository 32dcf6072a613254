/*
 * export.h - what "ukern export" (cli/export.c) and the formats that turn a
 * trace into another file (viz/export_chrome.c, viz/export_paje.c) share.
 *
 * The one idea: a format is an ops struct - begin, one record, finish, free -
 * that one streaming loop drives over the trace reader. A format sees each
 * record once, in file order, and keeps only what it needs to finish the
 * picture later (open slices, messages in flight), never the whole trace.
 *
 * Entry points: the id tables and names of viz/export_tab.c, and the
 * formats export_chrome and export_paje; cli/export.c holds the loop and the
 * text and csv formats.
 */
#ifndef UKERN_EXPORT_H
#define UKERN_EXPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "trace_read.h"

/* What an id names: a thread (tid), a process (pid) or a port. */
enum export_space { EXPORT_NONE, EXPORT_THREAD, EXPORT_PROC, EXPORT_PORT, EXPORT_NODE };

/* A table of fixed-size entries keyed by a 64-bit id; every entry starts
 * with its uint64_t key. Start one with EXPORT_TAB(entry type). A pointer
 * into the table stays valid until the next put or del on it. */
struct export_tab {
	unsigned char *e;        /* cap entries of esz bytes */
	unsigned char *full;     /* full[i] is 1 when entry i is in use */
	size_t esz, cap, n;      /* bytes per entry, slots (0 or a power of two), entries */
};
#define EXPORT_TAB(type) { NULL, NULL, sizeof(type), 0, 0 }

/* The entry of key, or NULL. */
void *export_tab_get(const struct export_tab *t, uint64_t key);
/* The entry of key, added zeroed (but for the key) if it was not there.
 * Returns NULL when memory runs out; the table is then unchanged. */
void *export_tab_put(struct export_tab *t, uint64_t key);
/* Remove ent, a pointer export_tab_get or export_tab_put returned. */
void export_tab_del(struct export_tab *t, void *ent);
/* The entry in slot i (i < cap), or NULL if the slot is empty: to visit all. */
void *export_tab_at(const struct export_tab *t, size_t i);
/* Free the table's memory; it is then empty and usable again. */
void export_tab_free(struct export_tab *t);

/* Names given so far by thread_new, proc_new and port_label records: one
 * table per space. */
struct export_names {
	struct export_tab tab[4];
};

void export_names_init(struct export_names *nm);
/* Learn the name rec gives, if any. Best effort: when memory runs out the
 * id just stays unnamed. */
void export_names_note(struct export_names *nm, const struct trace_rec *rec);
/* The name of id in space as the text export shows it (printable ASCII,
 * other bytes as '?', at most 40 bytes), or NULL when the trace has not
 * named it. Valid until the next export_names_note. */
const char *export_name(const struct export_names *nm, enum export_space space, uint64_t id);
/* The name of id in space as the trace gave it (any bytes, cut to 64), its
 * length in *len; NULL when unnamed. Valid until the next export_names_note. */
const char *export_name_raw(const struct export_names *nm, enum export_space space, uint64_t id,
			    size_t *len);
void export_names_free(struct export_names *nm);

/* Length of the valid UTF-8 sequence that starts s[0..len) (s[0] >= 0x80),
 * or 0: overlong forms, surrogates, values above U+10FFFF and cut sequences
 * are not valid. For the formats that keep UTF-8 text and replace the rest. */
size_t export_utf8_len(const unsigned char *s, size_t len);

struct exporter {
	const char *name;
	/* Write what comes before the records; set *st to the format's state
	 * (NULL if it keeps none). Returns 0, or -1 when memory runs out (then
	 * nothing is left to free). */
	int (*begin)(void **st, FILE *out, const struct trace_reader *r);
	/* Convert one record. Returns 0, or -1 when memory runs out. */
	int (*record)(void *st, FILE *out, const struct export_names *nm,
		      const struct trace_rec *rec);
	/* After the last record (only when the whole trace was read): close
	 * what is still open and write the trailer. */
	void (*finish)(void *st, FILE *out, const struct export_names *nm,
		       const struct trace_reader *r);
	/* Release the state, after finish or instead of it; NULL if none. */
	void (*free)(void *st);
};

/* Chrome Trace Event JSON, for the Perfetto UI and chrome://tracing. */
extern const struct exporter export_chrome;

/* A Paje trace, for ViTE and the pajeng tools. */
extern const struct exporter export_paje;

#endif
