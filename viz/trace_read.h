/*
 * trace_read.h - a streaming reader of binary traces (format: trace_format.h,
 * specification: doc/trace-format.md).
 *
 * The one idea: the file is untrusted input. Every byte is checked as it is
 * read, nothing is read past the end of the file or buffer, no allocation is
 * sized by a length the file claims before the bytes are known to be there,
 * and every malformation stops the reader with one message that names the
 * file and the byte offset ("t.uktrace: byte 120: ..."). So is a record
 * whose values no run writes (trace_check.h: an enumeration out of its
 * range, a thread, process or port no earlier record created). A reader
 * keeps the header, the current record and the identifiers created so far,
 * so traces of any length stream through.
 *
 * Entry points: trace_open, trace_open_mem, trace_next, trace_error, trace_cut,
 * trace_header_count/key/value/get, trace_records, trace_close.
 */
#ifndef UKERN_TRACE_READ_H
#define UKERN_TRACE_READ_H

#include <stddef.h>
#include <stdint.h>

#include "trace_format.h"

struct trace_reader;

/* One record, as trace_next returns it. */
struct trace_rec {
	unsigned kind;                    /* enum trace_kind, never TR_END nor a folded kind */
	uint64_t ns;                      /* absolute virtual time, ns */
	uint64_t args[TRACE_MAX_ARGS];    /* trace_kinds[kind].nargs of them; the rest 0 */
	const char *str;                  /* the string argument ("" if the kind has none);
					   * not NUL-safe: use len. Valid until the next
					   * trace_next or trace_close. */
	size_t len;                       /* bytes in str */
	uint64_t offset;                  /* byte offset of the record in the file */
};

/* Open the trace at path and read its header. Returns a reader, or NULL
 * with a message "PATH: ..." in err (always NUL-terminated when errlen > 0)
 * when the file cannot be read, is not a trace, has another version or a
 * malformed header, or memory runs out. */
struct trace_reader *trace_open(const char *path, char *err, size_t errlen);

/* Like trace_open, over len bytes at buf (for tests and in-memory traces);
 * name stands for the file in messages. buf must stay valid and unchanged
 * until trace_close; the reader never reads outside buf[0..len). */
struct trace_reader *trace_open_mem(const void *buf, size_t len, const char *name, char *err,
				    size_t errlen);

/* Read the next record into *rec. Returns 1 when a record was read; 0 at the
 * end record, after checking that its count matches and nothing follows it;
 * -1 on a malformed or unreadable trace, with the message in trace_error.
 * After 0 or -1 every further call returns the same. */
int trace_next(struct trace_reader *r, struct trace_rec *rec);

/* The message of the last failure ("FILE: byte N: ..."), or NULL if none. */
const char *trace_error(const struct trace_reader *r);

/* 1 when the failure is the file ending after the header but before its end
 * record (inside a record, or between two): the file was cut short, and the
 * records trace_next returned before are the run's as it wrote them. 0 for
 * any other failure, and when there is none. */
int trace_cut(const struct trace_reader *r);

/* The header's key/value pairs, in file order: how many, and the i-th key or
 * value as a NUL-terminated string (NULL when i is out of range). A string
 * holding a NUL byte reads as cut short there. */
size_t trace_header_count(const struct trace_reader *r);
const char *trace_header_key(const struct trace_reader *r, size_t i);
const char *trace_header_value(const struct trace_reader *r, size_t i);

/* The value of the first header pair named key, or NULL if there is none. */
const char *trace_header_get(const struct trace_reader *r, const char *key);

/* How many records trace_next has returned so far (a folded record of the
 * file, dispatch_running or deliver_woken, is returned as two). */
uint64_t trace_records(const struct trace_reader *r);

/* Close the file (if any) and free r. r may be NULL. */
void trace_close(struct trace_reader *r);

#endif
