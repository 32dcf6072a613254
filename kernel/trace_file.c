/*
 * trace_file.c - the binary trace writer (format: trace_format.h).
 *
 * Records are encoded into a buffer of the writer's own (a write per
 * record would cost more than encoding the record). While
 * the writer is the machine's only sink, the TRACE sites encode records
 * without a string into that buffer themselves (struct trace_wbuf,
 * trace.h); file_record does the others, the same way.
 *
 * A full buffer goes to a thread of the writer's own, which writes it to
 * the file while the run fills the next: on a host with a second core the
 * host's page-cache copy of the trace happens beside the run instead of in
 * it (3-8 % of a long traced run, doc/performance.md). The buffers are written whole and in order, so the
 * bytes are those a plain write would give. When the process may use one
 * CPU only, or no thread can be started, the run writes its buffers itself.
 *
 * The file is a temporary one in the target's directory until
 * trace_file_close renames it, unless the target is a device or a pipe
 * (/dev/null) or a symbolic link (/dev/stdout): renaming over it would
 * replace it, so the trace is written to it directly.
 */
#include "trace.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define WBUF (256 * 1024)
/* Buffers: the one being filled, and the full ones waiting for the thread
 * (the run waits when all are full, which only a slow disk makes happen). */
#define NBUF 4
/* The most a record takes without its string: the kind, the time step and
 * the arguments, 10 bytes each at most. The writer keeps at least this much
 * room in the buffer after every record, so that the next one is encoded
 * without a check or a call before it. */
#define RECORD_MAX (1 + 10 * (TRACE_MAX_ARGS + 1))

struct trace_file {
	struct trace_wbuf w;  /* first: trace_wbuf_flush finds the file from it */
	uint8_t *buf;         /* the buffer being filled; w.p: where in it */
	int fd;
	int err;              /* the first failed write's errno, reported at close */
	char *path, *tmp;     /* tmp: NULL when writing to path directly */

	/* The thread and the full buffers: bufs[(head + i) % NBUF] for
	 * i < full are written in that order (the first while full counts it);
	 * the one after them is being filled. */
	int threaded;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t filled, emptied;
	unsigned head, full;
	int closing;
	int cancelled;        /* aborted: the full buffers are dropped, not written */
	size_t len[NBUF];
	uint8_t bufs[NBUF][WBUF];
};

static mode_t current_umask(void)
{
	mode_t um = umask(0);

	umask(um);
	return um;
}

/* Write n bytes at p to the file, unless a write has failed already. */
static void write_out(struct trace_file *f, const uint8_t *p, size_t n)
{
	while (n && !f->err) {
		ssize_t k = write(f->fd, p, n);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			f->err = k < 0 ? errno : EIO;
			break;
		}
		p += k;
		n -= (size_t)k;
	}
}

/* The thread: write the full buffers in order until the file closes. */
static void *writer_main(void *arg)
{
	struct trace_file *f = arg;

	pthread_mutex_lock(&f->mu);
	for (;;) {
		unsigned i;
		int skip;

		while (!f->full && !f->closing)
			pthread_cond_wait(&f->filled, &f->mu);
		if (!f->full)
			break;
		i = f->head;
		skip = f->cancelled;
		pthread_mutex_unlock(&f->mu);
		if (!skip)
			write_out(f, f->bufs[i], f->len[i]);
		pthread_mutex_lock(&f->mu);
		f->head = (i + 1) % NBUF;
		f->full--;
		pthread_cond_signal(&f->emptied);
	}
	pthread_mutex_unlock(&f->mu);
	return NULL;
}

/* Start the thread, unless the process may run on one CPU only (taskset):
 * there the thread would only take turns with the run. */
static void start_writer(struct trace_file *f)
{
#ifdef CPU_COUNT
	cpu_set_t cpus;

	if (sched_getaffinity(0, sizeof cpus, &cpus) == 0 && CPU_COUNT(&cpus) < 2)
		return;
#endif
	if (pthread_mutex_init(&f->mu, NULL) != 0)
		return;
	if (pthread_cond_init(&f->filled, NULL) == 0) {
		if (pthread_cond_init(&f->emptied, NULL) == 0) {
			if (pthread_create(&f->thread, NULL, writer_main, f) == 0) {
				f->threaded = 1;
				return;
			}
			pthread_cond_destroy(&f->emptied);
		}
		pthread_cond_destroy(&f->filled);
	}
	pthread_mutex_destroy(&f->mu);
}

/* Let the thread write what it has (or drop it, cancel set), and end it. */
static void stop_writer(struct trace_file *f, int cancel)
{
	if (!f->threaded)
		return;
	pthread_mutex_lock(&f->mu);
	f->closing = 1;
	f->cancelled = cancel;
	pthread_cond_signal(&f->filled);
	pthread_mutex_unlock(&f->mu);
	pthread_join(f->thread, NULL);
	pthread_cond_destroy(&f->emptied);
	pthread_cond_destroy(&f->filled);
	pthread_mutex_destroy(&f->mu);
	f->threaded = 0;
}

/* Pass the buffered bytes on to be written, and start an empty buffer. */
static void flush_buf(struct trace_file *f)
{
	size_t len = (size_t)(f->w.p - f->buf);
	unsigned i;

	if (!len)
		return;
	if (!f->threaded) {
		write_out(f, f->buf, len);
		f->w.p = f->buf;
		return;
	}
	pthread_mutex_lock(&f->mu);
	i = (f->head + f->full) % NBUF;
	f->len[i] = len;
	f->full++;
	pthread_cond_signal(&f->filled);
	while (f->full == NBUF)
		pthread_cond_wait(&f->emptied, &f->mu);
	i = (f->head + f->full) % NBUF;
	pthread_mutex_unlock(&f->mu);
	f->buf = f->bufs[i];
	f->w.p = f->buf;
	f->w.limit = f->buf + WBUF - RECORD_MAX;
}

void trace_wbuf_flush(struct trace_wbuf *w)
{
	flush_buf((struct trace_file *)w);
}

/* n bytes into the buffers, in as many pieces as it takes. */
static void put_bytes(struct trace_file *f, const void *p, size_t n)
{
	const uint8_t *b = p;

	for (;;) {
		size_t room = (size_t)(f->buf + WBUF - f->w.p), k = n < room ? n : room;

		memcpy(f->w.p, b, k);
		f->w.p += k;
		b += k;
		n -= k;
		if (!n)
			return;
		flush_buf(f);
	}
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

/* A writer with empty buffers and no file yet. */
static struct trace_file *file_new(void)
{
	struct trace_file *f = calloc(1, sizeof *f);

	if (f) {
		f->fd = -1;
		f->buf = f->bufs[0];
		f->w.p = f->buf;
		f->w.limit = f->buf + WBUF - RECORD_MAX;
	}
	return f;
}

/* Start f's thread and write the header. */
static struct trace_file *file_start(struct trace_file *f, const char *const *keys,
				     const char *const *values, size_t n)
{
	uint8_t b[10];

	start_writer(f);
	put_bytes(f, TRACE_MAGIC, TRACE_MAGIC_LEN);
	put_bytes(f, b, (size_t)(trace_varint(b, TRACE_VERSION) - b));
	put_bytes(f, b, (size_t)(trace_varint(b, n) - b));
	for (size_t i = 0; i < n; i++) {
		put_string(f, keys[i], strlen(keys[i]));
		put_string(f, values[i], strlen(values[i]));
	}
	keep_room(f);
	return f;
}

struct trace_file *trace_file_open(const char *path, const char *const *keys,
				   const char *const *values, size_t n)
{
	struct trace_file *f = file_new();
	size_t plen = strlen(path);
	struct stat st;
	int exists, link;

	if (!f)
		return NULL;
	f->path = strdup(path);
	if (!f->path)
		goto fail;
	link = lstat(path, &st) == 0 && S_ISLNK(st.st_mode);
	exists = stat(path, &st) == 0;
	if (exists && S_ISDIR(st.st_mode)) {
		errno = EISDIR;    /* now, not at the rename once the run is over */
		goto fail;
	}
	if (link || (exists && !S_ISREG(st.st_mode))) {
		f->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
		if (f->fd < 0)
			goto fail;
		return file_start(f, keys, values, n);
	}
	f->tmp = malloc(plen + 16);
	if (!f->tmp)
		goto fail;
	memcpy(f->tmp, path, plen);
	memcpy(f->tmp + plen, ".tmp.XXXXXX", 12);
	f->fd = mkostemp(f->tmp, O_CLOEXEC);
	if (f->fd < 0)
		goto fail;
	fchmod(f->fd, 0666 & ~current_umask());
	return file_start(f, keys, values, n);
fail:
	free(f->path);
	free(f->tmp);
	free(f);
	return NULL;
}

struct trace_file *trace_file_open_fd(int fd, const char *const *keys, const char *const *values,
				      size_t n)
{
	struct trace_file *f = file_new();

	if (!f) {
		close(fd);
		return NULL;
	}
	f->fd = fd;
	return file_start(f, keys, values, n);
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
	stop_writer(f, 0);
	err = f->err;
	if (close(f->fd) != 0 && !err)
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
	stop_writer(f, 1);
	close(f->fd);
	if (f->tmp)
		unlink(f->tmp);
	file_free(f);
}
