/*
 * recbuf.h - the records of a run kept in memory, for the live viewer: a
 * trace sink that appends every record, and an index of what it holds so
 * far, built as trace_index_load builds one from a file.
 *
 * The one idea: the live viewer never shares a half-built index with the
 * kernel. The kernel appends (through the sink) while the simulation runs;
 * between two steps the viewer asks for a fresh, sealed index of
 * everything so far and draws from it exactly as from a recorded trace.
 *
 * Entry points: viz_recbuf_new, viz_recbuf_free, viz_recbuf_header,
 * viz_recbuf_sink, viz_recbuf_count, viz_recbuf_failed, viz_recbuf_index.
 */
#ifndef UKERN_RECBUF_H
#define UKERN_RECBUF_H

#include <stddef.h>
#include <stdint.h>

#include "trace.h"

struct trace_index;
struct viz_recbuf;

/* An empty buffer, or NULL when memory runs out. */
struct viz_recbuf *viz_recbuf_new(void);

/* Free rb. NULL does nothing. */
void viz_recbuf_free(struct viz_recbuf *rb);

/* Add a header pair (as the trace file's header). Returns 0 or -1. */
int viz_recbuf_header(struct viz_recbuf *rb, const char *key, const char *value);

/* The sink that appends to rb. A record that does not fit in memory is
 * dropped and rb is marked failed. */
struct trace_sink viz_recbuf_sink(struct viz_recbuf *rb);

/* Records held. */
size_t viz_recbuf_count(const struct viz_recbuf *rb);

/* 1 when a record was lost for want of memory. */
int viz_recbuf_failed(const struct viz_recbuf *rb);

/* A sealed index of every record so far and the header, the run's end
 * taken as end_ns (at least the last record's time). NULL when memory runs
 * out. The caller frees it with trace_index_free. */
struct trace_index *viz_recbuf_index(const struct viz_recbuf *rb, uint64_t end_ns);

#endif
