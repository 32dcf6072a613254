/*
 * trace.h - emitting trace records. The kernel calls TRACE() at each event;
 * every attached sink (the binary file writer, later the live viewer) gets
 * the record. With no sink attached a record costs one branch.
 */
#ifndef UKERN_TRACE_H
#define UKERN_TRACE_H

#include <assert.h>
#include <stddef.h>
#include <stdint.h>

#include "trace_format.h"

struct machine;

struct trace_sink {
	/* One record at virtual time ns. s/len: the string argument, if any. */
	void (*record)(void *ctx, uint64_t ns, unsigned kind, const uint64_t *args,
		       const char *s, size_t len);
	void *ctx;
};

/* Deliver a record to every sink of m (use the macros). */
void trace_record(struct machine *m, unsigned kind, const uint64_t *args, const char *s,
		  size_t len);

/*
 * The buffer of a trace file writer, open to the TRACE sites: while a trace
 * file is the machine's only sink (ukern run --trace), m->tw points here and
 * a record without a string is encoded straight into it at the site, with
 * its argument count known there, instead of going through trace_record, an
 * indirect call and the kinds table. The bytes are those file_record
 * (trace_file.c) writes. The writer keeps room for one such record at p;
 * past limit, trace_wbuf_flush hands the buffer to stdio.
 */
struct trace_wbuf {
	uint8_t *p;          /* where the next record goes */
	uint8_t *limit;      /* a record that ends past it is followed by a flush */
	uint8_t *fold;       /* the previous record, when the next may fold into it
			      * (a dispatch or msg_deliver), else NULL */
	uint64_t fold_tid;   /* the thread that record names */
	uint64_t last_ns;    /* time of the previous record */
	uint64_t records;    /* records in the file so far (a folded one counts once) */
};

/* Give the bytes of w to the file, all but a record that the next may fold
 * into, which moves to the start: so that the bytes do not depend on where
 * the buffer happened to be flushed. */
void trace_wbuf_flush(struct trace_wbuf *w);

/* The buffer behind sink s when s is a trace file's sink, else NULL. */
struct trace_wbuf *trace_sink_wbuf(const struct trace_sink *s);

/* v as an unsigned LEB128 varint at p; returns the end. Most values are
 * below 128: one byte, no loop. */
static inline uint8_t *trace_varint(uint8_t *p, uint64_t v)
{
	while (v >= 0x80) {
		*p++ = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	*p++ = (uint8_t)v;
	return p;
}

/* The kind that a record of kind into and then thread_state (tid, state,
 * why, port 0) of the thread it names, at the same instant, fold into; 0
 * when they do not (trace_format.h). */
static inline unsigned trace_fold_kind(unsigned into, uint64_t state, uint64_t why)
{
	if (into == TR_DISPATCH && state == TRACE_STATE_RUNNING && why == TRACE_REASON_DISPATCHED)
		return TR_DISPATCH_RUNNING;
	if (into == TR_MSG_DELIVER && state == TRACE_STATE_READY && why == TRACE_REASON_WOKEN)
		return TR_DELIVER_WOKEN;
	return 0;
}

/* One record of kind at time ns with n arguments, into w. A thread's
 * change of state that follows its dispatch or a delivery to it, as it
 * does twice in every message exchange, folds into that record: a round
 * trip writes eight records instead of twelve. At a TRACE site kind (and
 * often the state and reason) are constants, and the test folds away for
 * every other kind. */
static inline void trace_wbuf_put(struct trace_wbuf *w, uint64_t ns, unsigned kind,
				  const uint64_t *args, unsigned n)
{
	uint8_t *p = w->p;

	if (kind == TR_THREAD_STATE && w->fold && args[0] == w->fold_tid && !args[3] &&
	    ns == w->last_ns) {
		unsigned folded = trace_fold_kind(*w->fold, args[1], args[2]);
		if (folded) {
			*w->fold = (uint8_t)folded;
			w->fold = NULL;
			return;
		}
	}
	w->fold = kind == TR_DISPATCH || kind == TR_MSG_DELIVER ? p : NULL;
	if (kind == TR_DISPATCH || kind == TR_MSG_DELIVER)
		w->fold_tid = args[1];   /* both name the thread second */
	*p++ = (uint8_t)kind;
	p = trace_varint(p, ns - w->last_ns);
	w->last_ns = ns;
	/* n is a constant at a TRACE site: unrolled, the arguments need not
	 * go through memory. */
#pragma GCC unroll 6
	for (unsigned i = 0; i < n; i++)
		p = trace_varint(p, args[i]);
	w->p = p;
	w->records++;
	if (p > w->limit)
		trace_wbuf_flush(w);
}

/* A record without a string: straight into the trace file's buffer when
 * that is the only sink, else to every sink. The arguments are spelled out
 * in each branch, so that on the first they need not go through memory.
 * The macro counts them; the assert holds the count to the kind's nargs
 * (file_record, on the other branch, takes the kind's nargs). */
#define TRACE(m, kind, ...)                                                          \
	do {                                                                         \
		if ((m)->nsinks) {                                                   \
			if ((m)->tw) {                                               \
				const uint64_t a_[] = { __VA_ARGS__ };               \
				assert(sizeof a_ / sizeof a_[0] == trace_kinds[kind].nargs && \
				       "TRACE: wrong argument count");               \
				trace_wbuf_put((m)->tw, (m)->now, (kind), a_,        \
					       sizeof a_ / sizeof a_[0]);            \
			} else {                                                     \
				const uint64_t a_[] = { __VA_ARGS__ };               \
				trace_record((m), (kind), a_, NULL, 0);              \
			}                                                            \
		}                                                                    \
	} while (0)

#define TRACE_STR(m, kind, s, len, ...)                                              \
	do {                                                                         \
		if ((m)->nsinks) {                                                   \
			const uint64_t a_[] = { __VA_ARGS__ };                       \
			trace_record((m), (kind), a_, (s), (len));                   \
		}                                                                    \
	} while (0)

/* The binary file writer (trace_file.c). It writes to a temporary file next
 * to path and renames it into place on close, so an interrupted run never
 * leaves a half-written trace under the real name. */
struct trace_file;

/* Open a writer for path with the header pairs kv (n of them). Returns NULL
 * and sets errno when the temporary file cannot be created. */
struct trace_file *trace_file_open(const char *path, const char *const *keys,
				   const char *const *values, size_t n);

/* The sink that feeds f. */
struct trace_sink trace_file_sink(struct trace_file *f);

/* The records f has been given so far. */
uint64_t trace_file_records(const struct trace_file *f);

/* Write the end record, flush, and rename into place. Returns 0, or -1 with
 * errno set (the temporary file is removed). Frees f either way. */
int trace_file_close(struct trace_file *f);

/* Drop the file without renaming it into place. Frees f. */
void trace_file_abort(struct trace_file *f);

#endif
