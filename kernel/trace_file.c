/*
 * trace_file.c - the binary trace writer (format: trace_format.h).
 *
 * Records are encoded into a buffer of the writer's own and written with
 * stdio a buffer at a time (an fwrite per record, with stdio's locking,
 * cost more than encoding the record); the file is a
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

struct trace_file {
	FILE *fp;
	size_t len;           /* bytes in buf not yet given to stdio */
	uint8_t buf[WBUF];
	char *path, *tmp;     /* tmp: NULL when writing to path directly */
	uint64_t last_ns;
	uint64_t records;
	int failed;           /* a write failed; reported at close */
};

static mode_t current_umask(void)
{
	mode_t um = umask(0);

	umask(um);
	return um;
}

static size_t put_varint(uint8_t *b, uint64_t v)
{
	size_t n = 0;

	while (v >= 0x80) {
		b[n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	b[n++] = (uint8_t)v;
	return n;
}

/* Give the buffered bytes to stdio. */
static void flush_buf(struct trace_file *f)
{
	if (f->len && fwrite(f->buf, 1, f->len, f->fp) != f->len)
		f->failed = 1;
	f->len = 0;
}

static void put_bytes(struct trace_file *f, const void *p, size_t n)
{
	if (f->len + n > WBUF) {
		flush_buf(f);
		if (n > WBUF) {
			if (fwrite(p, 1, n, f->fp) != n)
				f->failed = 1;
			return;
		}
	}
	memcpy(f->buf + f->len, p, n);
	f->len += n;
}

static void put_string(struct trace_file *f, const char *s, size_t len)
{
	uint8_t b[10];

	if (len > TRACE_MAX_STR)
		len = TRACE_MAX_STR;    /* the format's limit: header strings too */
	put_bytes(f, b, put_varint(b, len));
	put_bytes(f, s, len);
}

static void file_record(void *ctx, uint64_t ns, unsigned kind, const uint64_t *args,
			const char *s, size_t len)
{
	struct trace_file *f = ctx;
	const struct trace_kind_info *k = &trace_kinds[kind];
	uint8_t *b, *end;

	/* Encoded in place: the kind, the time step and the arguments (most
	 * of them below 128: one byte, no loop). */
	if (f->len > WBUF - (1 + 10 * (TRACE_MAX_ARGS + 1)))
		flush_buf(f);
	b = end = f->buf + f->len;
	*end++ = (uint8_t)kind;
	end += put_varint(end, ns - f->last_ns);
	for (const uint64_t *a = args, *stop = args + k->nargs; a < stop; a++) {
		if (*a < 0x80)
			*end++ = (uint8_t)*a;
		else
			end += put_varint(end, *a);
	}
	f->len += (size_t)(end - b);
	f->last_ns = ns;
	f->records++;
	if (k->has_str)
		put_string(f, s, len > TRACE_MAX_STR ? TRACE_MAX_STR : len);
}

struct trace_file *trace_file_open(const char *path, const char *const *keys,
				   const char *const *values, size_t n)
{
	struct trace_file *f = calloc(1, sizeof *f);
	size_t plen = strlen(path);
	uint8_t b[10];
	struct stat st;
	int fd;

	if (!f)
		return NULL;
	f->path = strdup(path);
	if (!f->path)
		goto fail;
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
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
	put_bytes(f, b, put_varint(b, TRACE_VERSION));
	put_bytes(f, b, put_varint(b, n));
	for (size_t i = 0; i < n; i++) {
		put_string(f, keys[i], strlen(keys[i]));
		put_string(f, values[i], strlen(values[i]));
	}
	return f;
fail:
	free(f->path);
	free(f->tmp);
	free(f);
	return NULL;
}

uint64_t trace_file_records(const struct trace_file *f)
{
	return f->records;
}

struct trace_sink trace_file_sink(struct trace_file *f)
{
	struct trace_sink s = { file_record, f };
	return s;
}

static void file_free(struct trace_file *f)
{
	free(f->path);
	free(f->tmp);
	free(f);
}

int trace_file_close(struct trace_file *f)
{
	uint64_t records = f->records;
	int err;

	file_record(f, f->last_ns, TR_END, &records, NULL, 0);
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
