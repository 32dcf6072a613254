/*
 * trace.h - emitting trace records. The kernel calls TRACE() at each event;
 * every attached sink (the binary file writer, later the live viewer) gets
 * the record. With no sink attached a record costs one branch.
 */
#ifndef UKERN_TRACE_H
#define UKERN_TRACE_H

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

#define TRACE(m, kind, ...)                                                          \
	do {                                                                         \
		if ((m)->nsinks) {                                                   \
			const uint64_t a_[] = { __VA_ARGS__ };                       \
			trace_record((m), (kind), a_, NULL, 0);                      \
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
