/*
 * trace_read.c - the streaming trace reader (API: trace_read.h).
 *
 * Bytes come from a window buf[pos..end): the caller's buffer for a memory
 * trace, or a fixed read buffer refilled from the file. Three primitives read
 * from it - a byte, a varint, a string - and report RD_EOF when the input
 * ends; their callers know what was being read and turn that into the right
 * "truncated" message. Every other malformation is reported where it is found
 * (RD_BAD, message already set). The only allocations are the header pairs
 * and one string buffer, both grown only after the length has been checked
 * against TRACE_MAX_STR and, when the size is known, against the bytes left.
 */
#include "trace_read.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "trace.h"
#include "trace_check.h"

enum { RD_OK, RD_EOF, RD_BAD };
enum { ST_READING, ST_ENDED, ST_FAILED };
enum { IO_BUF = 64 * 1024, VARINT_MAX = 10 };

#define SIZE_UNKNOWN UINT64_MAX

struct trace_reader {
	char *name;                   /* the file, for messages */
	FILE *fp;                     /* NULL for a memory trace */
	const uint8_t *buf;           /* window: buf[pos..end) is unread */
	size_t pos, end;
	uint64_t base;                /* file offset of buf[0], bytes */
	uint64_t size;                /* file size in bytes, or SIZE_UNKNOWN (pipe) */
	uint8_t *io;                  /* read buffer behind buf for a file */
	uint64_t ns;                  /* time of the last record, ns */
	uint64_t nrec;                /* records returned so far */
	uint64_t nfile;               /* records read from the file (a folded one is one) */
	uint64_t version;             /* the file's */
	unsigned folded;              /* the kind of the folded record being returned, or 0 */
	struct trace_rec next;        /* its second half, while folded */
	char *str;                    /* last string read, NUL-terminated */
	size_t strcap;                /* bytes allocated at str */
	char **kv;                    /* header: key at 2i, value at 2i+1 */
	size_t nkv, kvcap;            /* pairs held, pairs allocated */
	int state;                    /* ST_* */
	int cut;                      /* the failure: the input ends before the end record */
	int past_end;                 /* a string ran past the end of the file */
	struct trace_check check;     /* identifiers created so far */
	char err[512];                /* message of the failure, when ST_FAILED */
};

static uint64_t offset(const struct trace_reader *r)
{
	return r->base + r->pos;
}

/* Record the failure "NAME: byte OFF: message"; returns RD_BAD. */
static int fail(struct trace_reader *r, uint64_t off, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct trace_reader *r, uint64_t off, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(r->err, sizeof r->err, "%s: byte %llu: ", r->name, (unsigned long long)off);

	if (n < 0 || (size_t)n >= sizeof r->err)
		n = 0;
	va_start(ap, fmt);
	vsnprintf(r->err + n, sizeof r->err - (size_t)n, fmt, ap);
	va_end(ap);
	r->state = ST_FAILED;
	return RD_BAD;
}

/* Make at least one unread byte available. */
static int refill(struct trace_reader *r)
{
	size_t n;

	if (r->pos < r->end)
		return RD_OK;
	if (!r->fp)
		return RD_EOF;
	r->base += r->end;
	r->pos = r->end = 0;
	n = fread(r->io, 1, IO_BUF, r->fp);
	if (n == 0 && ferror(r->fp))
		return fail(r, offset(r), "read error: %s", strerror(errno ? errno : EIO));
	r->end = n;
	return n ? RD_OK : RD_EOF;
}

static int rd_byte(struct trace_reader *r, uint8_t *b)
{
	int rc = refill(r);

	if (rc == RD_OK)
		*b = r->buf[r->pos++];
	return rc;
}

/* An unsigned LEB128 of at most 10 bytes whose value fits in 64 bits. */
static int rd_varint(struct trace_reader *r, uint64_t *v)
{
	uint64_t start = offset(r), x = 0;
	uint8_t b;
	int rc;

	for (unsigned i = 0; i < VARINT_MAX; i++) {
		if ((rc = rd_byte(r, &b)) != RD_OK)
			return rc;
		if (i == VARINT_MAX - 1 && (b & 0x80))
			return fail(r, start, "varint longer than %d bytes", VARINT_MAX);
		if (i == VARINT_MAX - 1 && b > 1)
			return fail(r, start, "varint overflows 64 bits");
		x |= (uint64_t)(b & 0x7f) << (7 * i);
		if (!(b & 0x80))
			break;
	}
	*v = x;
	return RD_OK;
}

/* Copy n bytes from the input into dst. */
static int rd_bytes(struct trace_reader *r, char *dst, size_t n)
{
	while (n) {
		int rc = refill(r);
		size_t k = r->end - r->pos;
		if (rc != RD_OK)
			return rc;
		if (k > n)
			k = n;
		memcpy(dst, r->buf + r->pos, k);
		r->pos += k;
		dst += k;
		n -= k;
	}
	return RD_OK;
}

/* A string (varint length, bytes) into r->str; *len gets its length. */
static int rd_string(struct trace_reader *r, size_t *len)
{
	uint64_t start = offset(r), n;
	int rc = rd_varint(r, &n);

	if (rc != RD_OK)
		return rc;
	if (n > TRACE_MAX_STR)
		return fail(r, start, "string of %llu bytes is longer than the limit (%u bytes)",
			    (unsigned long long)n, TRACE_MAX_STR);
	if (r->size != SIZE_UNKNOWN && n > r->size - offset(r)) {
		r->past_end = 1;
		return fail(r, start, "string of %llu bytes runs past the end of the file "
			    "(%llu bytes left; the trace is truncated or damaged)", (unsigned long long)n,
			    (unsigned long long)(r->size - offset(r)));
	}
	if (n + 1 > r->strcap) {
		char *s = realloc(r->str, (size_t)n + 1);
		if (!s)
			return fail(r, start, "out of memory");
		r->str = s;
		r->strcap = (size_t)n + 1;
	}
	if ((rc = rd_bytes(r, r->str, (size_t)n)) != RD_OK)
		return rc;
	r->str[n] = '\0';
	*len = (size_t)n;
	return RD_OK;
}

static int truncated_header(struct trace_reader *r)
{
	return fail(r, offset(r), "trace is truncated inside the header");
}

static int rd_magic(struct trace_reader *r)
{
	for (unsigned i = 0; i < TRACE_MAGIC_LEN; i++) {
		uint8_t b;
		int rc = rd_byte(r, &b);
		if (rc == RD_EOF && i == 0)
			return fail(r, 0, "empty file, not a ukern trace");
		if (rc == RD_EOF)
			return truncated_header(r);
		if (rc != RD_OK)
			return rc;
		if (b != (uint8_t)TRACE_MAGIC[i])
			return fail(r, i, "not a ukern trace (bad magic)");
	}
	return RD_OK;
}

/* Room for one more header pair (its slots NULL). */
static int grow_pairs(struct trace_reader *r)
{
	size_t cap = r->kvcap ? r->kvcap * 2 : 8;
	char **kv;

	if (r->nkv < r->kvcap)
		return RD_OK;
	if (!(kv = realloc(r->kv, cap * 2 * sizeof *kv)))
		return fail(r, offset(r), "out of memory");
	memset(kv + r->kvcap * 2, 0, (cap - r->kvcap) * 2 * sizeof *kv);
	r->kv = kv;
	r->kvcap = cap;
	return RD_OK;
}

/* One header string, copied into *slot. */
static int rd_header_string(struct trace_reader *r, char **slot)
{
	size_t len;
	int rc = rd_string(r, &len);

	if (rc == RD_EOF)
		return truncated_header(r);
	if (rc != RD_OK)
		return rc;
	if (!(*slot = strdup(r->str)))
		return fail(r, offset(r), "out of memory");
	return RD_OK;
}

static int rd_pairs(struct trace_reader *r, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++) {
		int rc = grow_pairs(r);
		if (rc == RD_OK)
			rc = rd_header_string(r, &r->kv[2 * r->nkv]);
		if (rc == RD_OK)
			rc = rd_header_string(r, &r->kv[2 * r->nkv + 1]);
		if (rc != RD_OK)
			return rc;
		r->nkv++;
	}
	return RD_OK;
}

/* Magic, version, and the key/value pairs. */
static int rd_header(struct trace_reader *r)
{
	uint64_t v, n, at;
	int rc;

	if ((rc = rd_magic(r)) != RD_OK)
		return rc;
	at = offset(r);
	if ((rc = rd_varint(r, &v)) != RD_OK)
		return rc == RD_EOF ? truncated_header(r) : rc;
	if (v < TRACE_VERSION_MIN || v > TRACE_VERSION)
		return fail(r, at, "unsupported trace version %llu (this ukern reads versions %d to %d)",
			    (unsigned long long)v, TRACE_VERSION_MIN, TRACE_VERSION);
	r->version = v;
	at = offset(r);
	if ((rc = rd_varint(r, &n)) != RD_OK)
		return rc == RD_EOF ? truncated_header(r) : rc;
	if (n > TRACE_MAX_STR)
		return fail(r, at, "header claims %llu key/value pairs (the limit is %u)",
			    (unsigned long long)n, TRACE_MAX_STR);
	if (r->size != SIZE_UNKNOWN && 2 * n > r->size - offset(r))
		return fail(r, at, "header claims %llu key/value pairs but only %llu bytes follow",
			    (unsigned long long)n, (unsigned long long)(r->size - offset(r)));
	return rd_pairs(r, n);
}

static struct trace_reader *reader_new(const char *name)
{
	struct trace_reader *r = calloc(1, sizeof *r);

	if (r && !(r->name = strdup(name))) {
		free(r);
		r = NULL;
	}
	return r;
}

/* Read the header of a fresh reader; returns r, or NULL (r freed) with the
 * message in err. */
static struct trace_reader *start(struct trace_reader *r, char *err, size_t errlen)
{
	if (rd_header(r) == RD_OK)
		return r;
	if (errlen)
		snprintf(err, errlen, "%s", r->err);
	trace_close(r);
	return NULL;
}

static void set_err(char *err, size_t errlen, const char *name, const char *msg)
{
	if (errlen)
		snprintf(err, errlen, "%s: %s", name, msg);
}

struct trace_reader *trace_open_mem(const void *buf, size_t len, const char *name, char *err,
				    size_t errlen)
{
	struct trace_reader *r = reader_new(name);

	if (!r) {
		set_err(err, errlen, name, "out of memory");
		return NULL;
	}
	r->buf = buf;
	r->end = len;
	r->size = len;
	return start(r, err, errlen);
}

/* Open path for reading into r; returns 0, or -1 with the message in err. */
static int open_file(struct trace_reader *r, const char *path, char *err, size_t errlen)
{
	struct stat st;

	if (!(r->fp = fopen(path, "rb")) || fstat(fileno(r->fp), &st) != 0) {
		set_err(err, errlen, path, strerror(errno));
		return -1;
	}
	if (S_ISDIR(st.st_mode)) {
		set_err(err, errlen, path, "is a directory, not a trace");
		return -1;
	}
	r->size = S_ISREG(st.st_mode) ? (uint64_t)st.st_size : SIZE_UNKNOWN;
	if (!(r->io = malloc(IO_BUF))) {
		set_err(err, errlen, path, "out of memory");
		return -1;
	}
	r->buf = r->io;
	return 0;
}

struct trace_reader *trace_open(const char *path, char *err, size_t errlen)
{
	struct trace_reader *r = reader_new(path);

	if (!r) {
		set_err(err, errlen, path, "out of memory");
		return NULL;
	}
	if (open_file(r, path, err, errlen) != 0) {
		trace_close(r);
		return NULL;
	}
	return start(r, err, errlen);
}

/* Why a file ends before its end record: ukern writes a trace under a
 * temporary name and renames it once complete (a run stopped by a signal
 * ends its trace first), so the file was cut after it was written, or the
 * process writing it died. */
#define CUT_SHORT "the file was cut short: an incomplete copy, a full disk, or a crash of " \
	"the program writing it"

static int truncated_record(struct trace_reader *r, unsigned kind, uint64_t at)
{
	fail(r, offset(r), "trace is truncated inside the %s record that starts at byte %llu, "
	     "after %llu records (" CUT_SHORT ")", trace_kinds[kind].name,
	     (unsigned long long)at, (unsigned long long)r->nrec);
	r->cut = 1;
	return RD_BAD;
}

/* The time delta, arguments and string of a record whose kind is read. */
static int rd_body(struct trace_reader *r, struct trace_rec *rec)
{
	const struct trace_kind_info *k = &trace_kinds[rec->kind];
	uint64_t delta, at = offset(r);
	int rc;

	if ((rc = rd_varint(r, &delta)) != RD_OK)
		return rc;
	if (delta > UINT64_MAX - r->ns)
		return fail(r, at, "time overflows 64 bits (%llu ns after %llu ns)",
			    (unsigned long long)delta, (unsigned long long)r->ns);
	rec->ns = r->ns + delta;
	memset(rec->args, 0, sizeof rec->args);
	for (unsigned i = 0; i < k->nargs; i++)
		if ((rc = rd_varint(r, &rec->args[i])) != RD_OK)
			return rc;
	rec->str = "";
	rec->len = 0;
	if (k->has_str) {
		if ((rc = rd_string(r, &rec->len)) != RD_OK)
			return rc;
		rec->str = r->str;
	}
	return RD_OK;
}

/* The end record's count is checked, and nothing may follow it. */
static int rd_end(struct trace_reader *r, const struct trace_rec *rec)
{
	uint8_t b;
	int rc;

	if (rec->args[0] != r->nfile) {
		/* The count is the file's; the other messages give the records
		 * as read, which a file with folded records has more of. */
		char as_read[128] = "";
		if (r->nrec != r->nfile)
			snprintf(as_read, sizeof as_read, " (%llu as read: a folded record, "
				 "dispatch_running or deliver_woken, counts once)",
				 (unsigned long long)r->nrec);
		return fail(r, rec->offset, "the end record counts %llu records but the trace has "
			    "%llu%s", (unsigned long long)rec->args[0],
			    (unsigned long long)r->nfile, as_read);
	}
	if ((rc = rd_byte(r, &b)) == RD_OK)
		return fail(r, offset(r) - 1, "data after the end record");
	if (rc == RD_BAD)
		return rc;
	r->state = ST_ENDED;
	return RD_OK;
}

/* A folded record (version 4) is returned as the two it stands for
 * (trace_unfold): the first now, the thread's change of state at the next
 * call. */
static void unfold(struct trace_reader *r, struct trace_rec *rec)
{
	struct trace_rec *st = &r->next;

	*st = *rec;
	st->kind = TR_THREAD_STATE;
	memset(st->args, 0, sizeof st->args);
	rec->kind = trace_unfold(rec->kind, rec->args, st->args);
}

/* rec, about to be returned: 1, and it counts as returned (trace_records),
 * or -1 when it holds values no run writes. folded: the kind of the record
 * rec is one half of, or 0. */
static int checked(struct trace_reader *r, const struct trace_rec *rec, unsigned folded)
{
	char msg[256];

	if (trace_check_record(&r->check, rec->kind, rec->args, msg, sizeof msg) != 0) {
		if (folded)
			fail(r, rec->offset, "%s (one half of a %s record)", msg,
			     trace_kinds[folded].name);
		else
			fail(r, rec->offset, "%s", msg);
		return -1;
	}
	r->nrec++;
	return 1;
}

int trace_next(struct trace_reader *r, struct trace_rec *rec)
{
	uint8_t kind;
	int rc;

	if (r->state != ST_READING)
		return r->state == ST_ENDED ? 0 : -1;
	if (r->folded) {
		unsigned folded = r->folded;
		r->folded = 0;
		*rec = r->next;
		return checked(r, rec, folded);
	}
	rec->offset = offset(r);
	if ((rc = rd_byte(r, &kind)) == RD_EOF) {
		fail(r, offset(r), "trace is truncated: no end record after %llu records ("
		     CUT_SHORT ")", (unsigned long long)r->nrec);
		r->cut = 1;
	}
	if (rc != RD_OK)
		return -1;
	if (kind >= TR_KIND_COUNT || !trace_kinds[kind].name ||
	    (r->version < 4 && (kind == TR_DISPATCH_RUNNING || kind == TR_DELIVER_WOKEN))) {
		fail(r, rec->offset, "unknown record kind %u", kind);
		return -1;
	}
	rec->kind = kind;
	if ((rc = rd_body(r, rec)) == RD_EOF)
		truncated_record(r, kind, rec->offset);
	else if (rc == RD_BAD && r->past_end)
		r->cut = 1;
	if (rc != RD_OK)
		return -1;
	if (kind == TR_END)
		return rd_end(r, rec) == RD_OK ? 0 : -1;
	if (kind == TR_DISPATCH_RUNNING || kind == TR_DELIVER_WOKEN) {
		unfold(r, rec);
		r->folded = kind;
	}
	r->ns = rec->ns;
	r->nfile++;
	return checked(r, rec, r->folded);
}

const char *trace_error(const struct trace_reader *r)
{
	return r->state == ST_FAILED ? r->err : NULL;
}

int trace_cut(const struct trace_reader *r)
{
	return r->state == ST_FAILED && r->cut;
}

size_t trace_header_count(const struct trace_reader *r)
{
	return r->nkv;
}

const char *trace_header_key(const struct trace_reader *r, size_t i)
{
	return i < r->nkv ? r->kv[2 * i] : NULL;
}

const char *trace_header_value(const struct trace_reader *r, size_t i)
{
	return i < r->nkv ? r->kv[2 * i + 1] : NULL;
}

const char *trace_header_get(const struct trace_reader *r, const char *key)
{
	for (size_t i = 0; i < r->nkv; i++)
		if (strcmp(r->kv[2 * i], key) == 0)
			return r->kv[2 * i + 1];
	return NULL;
}

uint64_t trace_records(const struct trace_reader *r)
{
	return r->nrec;
}

void trace_close(struct trace_reader *r)
{
	if (!r)
		return;
	if (r->fp)
		fclose(r->fp);
	for (size_t i = 0; i < r->kvcap * 2; i++)
		free(r->kv[i]);
	free(r->kv);
	trace_check_free(&r->check);
	free(r->str);
	free(r->io);
	free(r->name);
	free(r);
}
