/*
 * trace_file.c - the binary trace writer (format: trace_format.h).
 *
 * Records are encoded into a buffer of the writer's own and written with
 * stdio a buffer at a time (an fwrite per record, with stdio's locking,
 * cost more than encoding the record). While the writer is the machine's
 * only sink, the TRACE sites encode records without a string into that
 * buffer themselves (struct trace_wbuf, trace.h); file_record does the
 * others, the same way. The file is a
 * temporary one in the target's directory until trace_file_close renames it,
 * unless the target is a device or a pipe (/dev/null): renaming over it would
 * replace it, so the trace is written to it directly.
 */
#include "trace.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define WBUF (64 * 1024)
/* The most a record takes without its string: the kind, the time step and
 * the arguments, 10 bytes each at most. The writer keeps at least this much
 * room in buf after every record, so that the next one is encoded without
 * a check or a call before it. */
#define RECORD_MAX (1 + 10 * (TRACE_MAX_ARGS + 1))

struct trace_file {
	struct trace_wbuf w;  /* first: trace_wbuf_flush finds the file from it */
	FILE *fp;
	uint8_t buf[WBUF];    /* w.p: the end of the bytes not yet given to stdio */
	char *path, *tmp;     /* tmp: NULL when writing to path directly */
	int failed;           /* a write failed; reported at close */
};

static mode_t current_umask(void)
{
	mode_t um = umask(0);

	umask(um);
	return um;
}

/* Give the buffered bytes to stdio. */
static void flush_buf(struct trace_file *f)
{
	size_t len = (size_t)(f->w.p - f->buf);

	if (len && fwrite(f->buf, 1, len, f->fp) != len)
		f->failed = 1;
	f->w.p = f->buf;
}

void trace_wbuf_flush(struct trace_wbuf *w)
{
	flush_buf((struct trace_file *)w);
}

static void put_bytes(struct trace_file *f, const void *p, size_t n)
{
	if (n > (size_t)(f->buf + WBUF - f->w.p)) {
		flush_buf(f);
		if (n > WBUF) {
			if (fwrite(p, 1, n, f->fp) != n)
				f->failed = 1;
			return;
		}
	}
	memcpy(f->w.p, p, n);
	f->w.p += n;
}

/* Keep room for the next record (RECORD_MAX). */
static void keep_room(struct trace_file *f)
{
	if (f->w.p > f->w.limit)
		flush_buf(f);
}

static void put_string(struct trace_file *f, const char *s, size_t len)
{
	uint8_t b[10];

	if (len > TRACE_MAX_STR)
		len = TRACE_MAX_STR;    /* the format's limit: header strings too */
	put_bytes(f, b, (size_t)(trace_varint(b, len) - b));
	put_bytes(f, s, len);
	keep_room(f);
}

/* A record for the sink interface: the kind's arguments from the table,
 * and its string. */
static void file_record(void *ctx, uint64_t ns, unsigned kind, const uint64_t *args,
			const char *s, size_t len)
{
	struct trace_file *f = ctx;

	trace_wbuf_put(&f->w, ns, kind, args, trace_kinds[kind].nargs);
	if (trace_kinds[kind].has_str)
		put_string(f, s, len);
}

struct trace_file *trace_file_open(const char *path, const char *const *keys,
				   const char *const *values, size_t n)
{
	struct trace_file *f = calloc(1, sizeof *f);
	size_t plen = strlen(path);
	uint8_t b[10];
	struct stat st;
	int fd, exists;

	if (!f)
		return NULL;
	f->w.p = f->buf;
	f->w.limit = f->buf + WBUF - RECORD_MAX;
	f->path = strdup(path);
	if (!f->path)
		goto fail;
	exists = stat(path, &st) == 0;
	if (exists && S_ISDIR(st.st_mode)) {
		errno = EISDIR;    /* now, not at the rename once the run is over */
		goto fail;
	}
	if (exists && !S_ISREG(st.st_mode)) {
		f->fp = fopen(path, "wb");
		if (!f->fp)
			goto fail;
		goto header;
	}
	f->tmp = malloc(plen + 16);
	if (!f->tmp)
		goto fail;
	memcpy(f->tmp, path, plen);
	memcpy(f->tmp + plen, ".tmp.XXXXXX", 12);
	fd = mkstemp(f->tmp);
	if (fd < 0)
		goto fail;
	fchmod(fd, 0666 & ~current_umask());
	f->fp = fdopen(fd, "wb");
	if (!f->fp) {
		close(fd);
		unlink(f->tmp);
		goto fail;
	}
header:
	put_bytes(f, TRACE_MAGIC, TRACE_MAGIC_LEN);
	put_bytes(f, b, (size_t)(trace_varint(b, TRACE_VERSION) - b));
	put_bytes(f, b, (size_t)(trace_varint(b, n) - b));
	for (size_t i = 0; i < n; i++) {
		put_string(f, keys[i], strlen(keys[i]));
		put_string(f, values[i], strlen(values[i]));
	}
	keep_room(f);
	return f;
fail:
	free(f->path);
	free(f->tmp);
	free(f);
	return NULL;
}

uint64_t trace_file_records(const struct trace_file *f)
{
	return f->w.records;
}

struct trace_sink trace_file_sink(struct trace_file *f)
{
	struct trace_sink s = { file_record, f };
	return s;
}

struct trace_wbuf *trace_sink_wbuf(const struct trace_sink *s)
{
	return s->record == file_record ? &((struct trace_file *)s->ctx)->w : NULL;
}

static void file_free(struct trace_file *f)
{
	free(f->path);
	free(f->tmp);
	free(f);
}

int trace_file_close(struct trace_file *f)
{
	uint64_t records = f->w.records;
	int err;

	file_record(f, f->w.last_ns, TR_END, &records, NULL, 0);
	flush_buf(f);
	if (fflush(f->fp) != 0)
		f->failed = 1;
	err = f->failed ? (errno ? errno : EIO) : 0;
	if (fclose(f->fp) != 0 && !err)
		err = errno ? errno : EIO;
	if (!err && f->tmp && rename(f->tmp, f->path) != 0)
		err = errno;
	if (err && f->tmp)
		unlink(f->tmp);
	file_free(f);
	errno = err;
	return err ? -1 : 0;
}

void trace_file_abort(struct trace_file *f)
{
	fclose(f->fp);
	if (f->tmp)
		unlink(f->tmp);
	file_free(f);
}
