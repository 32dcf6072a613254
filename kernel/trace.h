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

/* Deliver a record to every sink of m (use the macros). A folded record
 * (TR_DISPATCH_RUNNING, TR_DELIVER_WOKEN: the kernel's dispatch or delivery
 * and the change of state it makes) goes as it is to a trace file's sink,
 * and as its two records to every other sink. */
void trace_record(struct machine *m, unsigned kind, const uint64_t *args, const char *s,
		  size_t len);

/* The two records a folded one stands for: the first has the folded
 * record's arguments and the kind returned; the second is the thread's
 * TR_THREAD_STATE, whose four arguments go to state. Returns 0 when kind is
 * not a folded kind (state untouched). */
unsigned trace_unfold(unsigned kind, const uint64_t *args, uint64_t *state);

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
	uint64_t last_ns;    /* time of the previous record */
	uint64_t records;    /* records written so far */
};

/* Give the bytes of w to the file (w->p back to the start). */
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

/* One record of kind at time ns with n arguments, into w. */
static inline void trace_wbuf_put(struct trace_wbuf *w, uint64_t ns, unsigned kind,
				  const uint64_t *args, unsigned n)
{
	uint8_t *p = w->p;

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
 * (trace_nargs, known at the site, so the check folds away; file_record,
 * on the other branch, takes the kind's nargs). */
#define TRACE(m, kind, ...)                                                          \
	do {                                                                         \
		if ((m)->nsinks) {                                                   \
			if ((m)->tw) {                                               \
				const uint64_t a_[] = { __VA_ARGS__ };               \
				assert(sizeof a_ / sizeof a_[0] == trace_nargs[kind] &&      \
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

/* The same, writing to the open descriptor fd from where it is (a pipe, or
 * a file other output follows); the writer closes it. NULL when memory
 * runs out (fd closed). */
struct trace_file *trace_file_open_fd(int fd, const char *const *keys, const char *const *values,
				      size_t n);

/* The sink that feeds f. */
struct trace_sink trace_file_sink(struct trace_file *f);

/* The records f has written so far: a folded record counts once, as in the
 * end record. */
uint64_t trace_file_records(const struct trace_file *f);

/* Write the end record, flush, and rename into place. Returns 0, or -1 with
 * errno set (the temporary file is removed). Frees f either way. */
int trace_file_close(struct trace_file *f);

/* Drop the file without renaming it into place. Frees f. */
void trace_file_abort(struct trace_file *f);

#endif
