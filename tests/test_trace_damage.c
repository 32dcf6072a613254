/*
 * test_trace_damage.c: unit tests for the trace reader (viz/trace_read.c)
 * fed damaged traces: cut at every byte, any byte flipped, bad magic or
 * version, absurd lengths and counts, bad varints, time that overflows,
 * unknown kinds, a wrong or missing end record, values no run writes
 * (enumerations out of range, threads, processes and ports nothing created),
 * a file cut short told from a damaged one, and files it cannot open
 * (round trips and the writer's temporary file: test_trace.c).
 *
 * The one idea: any damage to a file - cut at every byte, any byte flipped,
 * or lengths and counts that claim the impossible - ends in an error naming
 * the file and the offset, never a crash or a read outside the buffer. The
 * damaged traces are copied into heap buffers of exactly their size, so
 * valgrind or ASan sees any read past the end.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "trace.h"
#include "trace_fixture.h"
#include "trace_read.h"

/* ---- helpers ---- */

/* Read buf to its end; returns 0 or -1 as the last trace_next (or open)
 * did, and copies the error into err. */
static int read_all(const uint8_t *buf, size_t len, char *err, size_t errlen)
{
	struct trace_reader *r = trace_open_mem(buf, len, NAME, err, errlen);
	struct trace_rec rec;
	int rc;

	if (!r)
		return -1;
	while ((rc = trace_next(r, &rec)) == 1)
		assert_true(rec.kind > TR_END && rec.kind < TR_KIND_COUNT);
	if (rc < 0) {
		assert_non_null(trace_error(r));
		snprintf(err, errlen, "%s", trace_error(r));
		assert_int_equal(trace_next(r, &rec), -1);     /* the failure stays */
	}
	trace_close(r);
	return rc;
}

/* Copy len bytes into a heap buffer of exactly that size and read it. */
static int read_exact(const uint8_t *src, size_t len, char *err, size_t errlen)
{
	uint8_t *b = malloc(len ? len : 1);
	int rc;

	assert_non_null(b);
	memcpy(b, src, len);
	rc = read_all(b, len, err, errlen);
	free(b);
	return rc;
}

/* buf must be refused with a message holding want and naming the file. */
static void refuses(const uint8_t *buf, size_t len, const char *want)
{
	char err[600] = "";

	if (read_exact(buf, len, err, sizeof err) == 0)
		fail_msg("accepted a trace that should fail with \"%s\"", want);
	if (!strstr(err, want) || strncmp(err, NAME ": byte ", strlen(NAME ": byte ")) != 0)
		fail_msg("error \"%s\", expected \"" NAME ": byte N: ...%s...\"", err, want);
}

/* A hand-built trace. */
struct bytes {
	uint8_t b[256];
	size_t n;
};

static void put(struct bytes *x, const void *p, size_t n)
{
	assert_true(x->n + n <= sizeof x->b);
	memcpy(x->b + x->n, p, n);
	x->n += n;
}

static void put_u8(struct bytes *x, uint8_t v)
{
	put(x, &v, 1);
}

static void put_var(struct bytes *x, uint64_t v)
{
	for (; v >= 0x80; v >>= 7)
		put_u8(x, (uint8_t)(v | 0x80));
	put_u8(x, (uint8_t)v);
}

/* Magic, the version, no header pairs. */
static void put_head(struct bytes *x)
{
	put(x, TRACE_MAGIC, TRACE_MAGIC_LEN);
	put_var(x, TRACE_VERSION);
	put_var(x, 0);
}

/* A log record of the kernel (tid 0) at delta 0 with text s. */
static void put_log(struct bytes *x, const char *s)
{
	put_u8(x, TR_LOG);
	put_var(x, 0);
	put_var(x, 0);
	put_var(x, strlen(s));
	put(x, s, strlen(s));
}

static void put_end(struct bytes *x, uint64_t count)
{
	put_u8(x, TR_END);
	put_var(x, 0);
	put_var(x, count);
}

/* A record of kind at delta 0 with its arguments (as many as the kind has)
 * and, for a kind with a string, the text "x". */
static void put_rec(struct bytes *x, unsigned kind, ...)
{
	va_list ap;

	put_u8(x, (uint8_t)kind);
	put_var(x, 0);
	va_start(ap, kind);
	for (unsigned i = 0; i < trace_kinds[kind].nargs; i++)
		put_var(x, va_arg(ap, uint64_t));
	va_end(ap);
	if (trace_kinds[kind].has_str) {
		put_var(x, 1);
		put_u8(x, 'x');
	}
}

/* Process 1 with thread 1, which waits on port 2 of process 1. */
static size_t put_world(struct bytes *x)
{
	put_head(x);
	put_rec(x, TR_PROC_NEW, (uint64_t)1, (uint64_t)0);
	put_rec(x, TR_THREAD_NEW, (uint64_t)1, (uint64_t)1);
	put_rec(x, TR_PORT_NEW, (uint64_t)2, (uint64_t)1, (uint64_t)0);
	put_rec(x, TR_THREAD_STATE, (uint64_t)1, (uint64_t)2, (uint64_t)6, (uint64_t)2);
	return 4;
}

/* ---- damaged traces ---- */

/* Offsets where the header ends and where each record starts. */
static size_t record_starts(const uint8_t *b, size_t len, uint64_t *at, size_t max)
{
	char err[600];
	struct trace_reader *r = trace_open_mem(b, len, NAME, err, sizeof err);
	struct trace_rec rec;
	size_t n = 0;

	assert_non_null(r);
	while (trace_next(r, &rec) == 1) {
		assert_true(n < max);
		at[n++] = rec.offset;
	}
	trace_close(r);
	return n;
}

static void test_cut_everywhere(void **state)
{
	size_t len, nrec;
	uint8_t *b = sample_bytes(*state, &len);
	uint64_t at[NSAMPLES + 1];
	char err[600], want[128];

	nrec = record_starts(b, len, at, NSAMPLES);
	assert_int_equal(nrec, NSAMPLES);
	at[nrec] = len - 3;          /* the end record: kind, delta 0, count < 128 */
	for (size_t cut = 0; cut < len; cut++) {
		err[0] = '\0';
		if (read_exact(b, cut, err, sizeof err) == 0)
			fail_msg("a trace cut to %zu of %zu bytes was accepted", cut, len);
		if (!strstr(err, NAME ": byte "))
			fail_msg("cut at %zu: \"%s\" does not name the file and offset", cut, err);
	}
	for (size_t i = 0; i <= nrec; i++) {     /* a cut between records says so */
		read_exact(b, at[i], err, sizeof err);
		snprintf(want, sizeof want, "byte %llu: trace is truncated: no end record after "
			 "%zu records", (unsigned long long)at[i], i);
		if (!strstr(err, want))
			fail_msg("cut at record %zu: \"%s\", expected \"%s\"", i, err, want);
	}
	free(b);
}

static void test_flip_everywhere(void **state)
{
	static const uint8_t masks[] = { 0x01, 0x02, 0x10, 0x40, 0x80, 0xff };
	size_t len, errors = 0, reads = 0;
	uint8_t *b = sample_bytes(*state, &len);
	uint8_t *c = malloc(len);
	char err[600];

	assert_non_null(c);
	for (size_t pos = 0; pos < len; pos++) {
		for (size_t m = 0; m < sizeof masks; m++) {
			memcpy(c, b, len);
			c[pos] ^= masks[m];
			err[0] = '\0';
			if (read_all(c, len, err, sizeof err) == 0) {
				reads++;
				continue;
			}
			errors++;
			if (!strstr(err, NAME ": byte "))
				fail_msg("flip %02x at %zu: \"%s\"", masks[m], pos, err);
			if (pos < TRACE_MAGIC_LEN && !strstr(err, "bad magic"))
				fail_msg("flip in the magic at %zu: \"%s\"", pos, err);
		}
	}
	assert_true(errors > 0);
	assert_true(reads > 0);      /* e.g. a flipped argument value still reads */
	free(c);
	free(b);
}

static void test_bad_magic(void **state)
{
	struct bytes x = { .n = 0 };
	char err[600];

	(void)state;
	put(&x, "UKTRACE\r", 8);
	put_var(&x, TRACE_VERSION);
	put_var(&x, 0);
	put_end(&x, 0);
	refuses(x.b, x.n, "not a ukern trace (bad magic)");
	refuses(x.b, 0, "empty file");
	refuses((const uint8_t *)"UKT", 3, "truncated inside the header");
	x.b[7] = '\n';
	assert_int_equal(read_exact(x.b, x.n, err, sizeof err), 0);    /* the control */
}

static void test_bad_version(void **state)
{
	struct bytes x = { .n = 0 };
	char want[96];

	(void)state;
	put(&x, TRACE_MAGIC, TRACE_MAGIC_LEN);
	put_var(&x, TRACE_VERSION + 1);
	put_var(&x, 0);
	put_end(&x, 0);
	snprintf(want, sizeof want,
		 "byte 8: unsupported trace version %d (this ukern reads versions %d to %d)",
		 TRACE_VERSION + 1, TRACE_VERSION_MIN, TRACE_VERSION);
	refuses(x.b, x.n, want);
	x.b[8] = 0;
	refuses(x.b, x.n, "unsupported trace version 0");
}

static void test_absurd_lengths(void **state)
{
	struct bytes x = { .n = 0 };

	(void)state;
	put(&x, TRACE_MAGIC, TRACE_MAGIC_LEN);
	put_var(&x, TRACE_VERSION);
	put_var(&x, 1);
	put_var(&x, 1ull << 40);         /* a key of 2^40 bytes */
	refuses(x.b, x.n, "byte 10: string of 1099511627776 bytes is longer than the limit");

	x.n = 0;
	put_head(&x);
	put_u8(&x, TR_LOG);
	put_var(&x, 0);
	put_var(&x, 1);
	put_var(&x, 1ull << 40);         /* a log text of 2^40 bytes */
	put(&x, "abc", 3);
	put_end(&x, 1);
	refuses(x.b, x.n, "byte 13: string of 1099511627776 bytes is longer than the limit");

	x.n = 0;
	put_head(&x);
	put_u8(&x, TR_LOG);
	put_var(&x, 0);
	put_var(&x, 1);
	put_var(&x, 1000);               /* within the limit, past the end */
	put(&x, "abc", 3);
	put_end(&x, 1);
	refuses(x.b, x.n, "byte 13: string of 1000 bytes runs past the end of the file (6 bytes left; "
			  "the trace is truncated or damaged)");
}

static void test_absurd_header_count(void **state)
{
	struct bytes x = { .n = 0 };

	(void)state;
	put(&x, TRACE_MAGIC, TRACE_MAGIC_LEN);
	put_var(&x, TRACE_VERSION);
	put_var(&x, 1ull << 40);
	put_end(&x, 0);
	refuses(x.b, x.n, "byte 9: header claims 1099511627776 key/value pairs (the limit is");
	x.n = 0;
	put(&x, TRACE_MAGIC, TRACE_MAGIC_LEN);
	put_var(&x, TRACE_VERSION);
	put_var(&x, 100);
	put_end(&x, 0);
	refuses(x.b, x.n, "header claims 100 key/value pairs but only 3 bytes follow");
}

static void test_bad_varints(void **state)
{
	struct bytes x = { .n = 0 };
	char err[600];

	(void)state;
	put_head(&x);
	put_u8(&x, TR_IDLE);
	for (int i = 0; i < 10; i++)     /* 11 bytes */
		put_u8(&x, 0x80);
	put_u8(&x, 0);
	put_var(&x, 0);
	put_end(&x, 1);
	refuses(x.b, x.n, "byte 11: varint longer than 10 bytes");

	x.n = 0;
	put_head(&x);
	put_u8(&x, TR_IDLE);
	for (int i = 0; i < 9; i++)
		put_u8(&x, 0xff);
	put_u8(&x, 0x02);                /* bit 64 */
	put_var(&x, 0);
	put_end(&x, 1);
	refuses(x.b, x.n, "byte 11: varint overflows 64 bits");

	x.b[10 + 1 + 9] = 0x01;          /* 2^64 - 1 exactly is fine */
	assert_int_equal(read_exact(x.b, x.n, err, sizeof err), 0);
}

static void test_time_overflow(void **state)
{
	struct bytes x = { .n = 0 };
	char err[600];

	(void)state;
	put_head(&x);
	put_u8(&x, TR_IDLE);
	put_var(&x, UINT64_MAX - 5);
	put_var(&x, 0);
	put_u8(&x, TR_IDLE);
	put_var(&x, 5);                  /* reaches UINT64_MAX: fine */
	put_var(&x, 0);
	put_end(&x, 2);
	assert_int_equal(read_exact(x.b, x.n, err, sizeof err), 0);
	x.b[x.n - 5] = 6;                /* one more ns overflows */
	refuses(x.b, x.n, "time overflows 64 bits");
}

static void test_unknown_kind(void **state)
{
	struct bytes x = { .n = 0 };
	char want[64];

	(void)state;
	put_head(&x);
	put_log(&x, "hi");
	put_u8(&x, TR_KIND_COUNT);
	put_var(&x, 0);
	put_end(&x, 2);
	snprintf(want, sizeof want, "byte 16: unknown record kind %d", TR_KIND_COUNT);
	refuses(x.b, x.n, want);
	x.b[16] = 0xff;
	refuses(x.b, x.n, "unknown record kind 255");
}

static void test_end_record(void **state)
{
	struct bytes x = { .n = 0 };
	char err[600];

	(void)state;
	put_head(&x);
	put_log(&x, "one");
	put_log(&x, "two");
	put_end(&x, 5);
	refuses(x.b, x.n, "byte 24: the end record counts 5 records but the trace has 2");
	x.b[x.n - 1] = 2;
	assert_int_equal(read_exact(x.b, x.n, err, sizeof err), 0);
	put_u8(&x, 0);
	refuses(x.b, x.n, "byte 27: data after the end record");
	x.n -= 4;
	refuses(x.b, x.n, "byte 24: trace is truncated: no end record after 2 records (the file "
			  "was cut short: an incomplete copy, a full disk, or a crash of the "
			  "program writing it)");
	x.n = 20;
	refuses(x.b, x.n, "byte 20: trace is truncated inside the log record that starts at byte 17, "
			  "after 1 records");
	x.n = 22;
	refuses(x.b, x.n, "byte 20: string of 3 bytes runs past the end of the file (1 bytes left");
}

/* world + one record (kind, args) must be refused with want at its offset. */
#define REFUSES(want, kind, ...)                                              \
	do {                                                                  \
		struct bytes x_ = { .n = 0 };                                 \
		char w_[300];                                                 \
		size_t n_ = put_world(&x_), at_ = x_.n;                       \
		put_rec(&x_, kind, __VA_ARGS__);                              \
		put_end(&x_, n_ + 1);                                         \
		snprintf(w_, sizeof w_, "byte %zu: %s", at_, want);           \
		refuses(x_.b, x_.n, w_);                                      \
	} while (0)

/* Values no run writes: enumerations out of range, references to nothing. */
static void test_bad_values(void **state)
{
	struct bytes x = { .n = 0 };
	char err[600];
	size_t n;

	(void)state;
	n = put_world(&x);
	put_end(&x, n);
	assert_int_equal(read_exact(x.b, x.n, err, sizeof err), 0);
	REFUSES("thread_state record: state 21 is out of its range (0 to 3)", TR_THREAD_STATE,
		(uint64_t)1, (uint64_t)21, (uint64_t)4, (uint64_t)0);
	REFUSES("thread_state record: reason 19 is out of its range (0 to 18)", TR_THREAD_STATE,
		(uint64_t)1, (uint64_t)0, (uint64_t)19, (uint64_t)0);
	REFUSES("msg_send record: kind 3 is out of its range (0 to 2)", TR_MSG_SEND,
		(uint64_t)1, (uint64_t)1, (uint64_t)2, (uint64_t)8, (uint64_t)3, (uint64_t)0);
	REFUSES("msg_drop record: reason 0 is out of its range (1 to 4)", TR_MSG_DROP,
		(uint64_t)1, (uint64_t)2, (uint64_t)0);
	REFUSES("page_fault record: kind 7 is out of its range (1 to 6)", TR_PAGE_FAULT,
		(uint64_t)1, (uint64_t)1, (uint64_t)4096, (uint64_t)7, (uint64_t)0);
	REFUSES("migrate record: strategy 4 is out of its range (1 to 3)", TR_MIGRATE,
		(uint64_t)1, (uint64_t)1, (uint64_t)0, (uint64_t)1, (uint64_t)4, (uint64_t)1);
	REFUSES("msg_send record: tid 94 names no thread (no thread_new record created it before)",
		TR_MSG_SEND, (uint64_t)1, (uint64_t)94, (uint64_t)2, (uint64_t)8, (uint64_t)0,
		(uint64_t)0);
	REFUSES("msg_send record: port 116 names no port (no port_new record created it before)",
		TR_MSG_SEND, (uint64_t)1, (uint64_t)1, (uint64_t)116, (uint64_t)8, (uint64_t)0,
		(uint64_t)0);
	REFUSES("dispatch record: tid 0 names no thread", TR_DISPATCH, (uint64_t)0, (uint64_t)0);
	REFUSES("thread_new record: pid 3 names no process (no proc_new record created it before)",
		TR_THREAD_NEW, (uint64_t)2, (uint64_t)3);
	REFUSES("proc_new record: pid 1 was created before (identifiers are never reused)",
		TR_PROC_NEW, (uint64_t)1, (uint64_t)0);
	REFUSES("thread_new record: tid 0: identifiers start at 1", TR_THREAD_NEW, (uint64_t)0,
		(uint64_t)1);
	REFUSES("vm_map record: pid 2 names no process", TR_VM_MAP, (uint64_t)2, (uint64_t)4096,
		(uint64_t)1, (uint64_t)2, (uint64_t)3);
}

/* What real runs write is read: the references that come before their
 * creation record, and the ports made before the trace begins. */
static void test_good_values(void **state)
{
	struct bytes x = { .n = 0 };
	char err[600];
	size_t n;

	(void)state;
	n = put_world(&x);
	put_rec(&x, TR_MSG_SEND, (uint64_t)1, (uint64_t)1, (uint64_t)1, (uint64_t)72, (uint64_t)1,
		(uint64_t)0);                            /* port 1: the name server's */
	put_rec(&x, TR_PORT_LABEL, (uint64_t)3);          /* a network server's port */
	put_rec(&x, TR_MSG_SEND, (uint64_t)2, (uint64_t)0, (uint64_t)3, (uint64_t)16, (uint64_t)0,
		(uint64_t)0);                            /* tid 0: the kernel */
	put_rec(&x, TR_FORK, (uint64_t)1, (uint64_t)5, (uint64_t)0);     /* its proc_new follows */
	put_rec(&x, TR_PROC_NEW, (uint64_t)5, (uint64_t)0);
	put_rec(&x, TR_RESPAWN, (uint64_t)1, (uint64_t)5, (uint64_t)3, (uint64_t)2);
	put_rec(&x, TR_PROC_NEW, (uint64_t)3, (uint64_t)1);               /* pids out of order */
	put_rec(&x, TR_LOG, (uint64_t)0);
	put_end(&x, n + 8);
	if (read_exact(x.b, x.n, err, sizeof err) != 0)
		fail_msg("refused: %s", err);
}

/* trace_cut tells a file cut short from a damaged one. */
static void test_cut_or_damaged(void **state)
{
	struct bytes x = { .n = 0 };
	struct trace_reader *r;
	struct trace_rec rec;
	char err[600];
	size_t n;

	(void)state;
	n = put_world(&x);
	put_end(&x, n);
	for (size_t len = x.n - 3; len > 10; len -= 3) {    /* cut: between or inside records */
		assert_non_null(r = trace_open_mem(x.b, len, NAME, err, sizeof err));
		assert_int_equal(trace_cut(r), 0);
		while (trace_next(r, &rec) == 1)
			;
		assert_non_null(strstr(trace_error(r), "truncated"));
		assert_int_equal(trace_cut(r), 1);
		trace_close(r);
	}
	x.b[x.n - 1] = 9;                                  /* a wrong count: damage */
	assert_non_null(r = trace_open_mem(x.b, x.n, NAME, err, sizeof err));
	while (trace_next(r, &rec) == 1)
		;
	assert_non_null(trace_error(r));
	assert_int_equal(trace_cut(r), 0);
	trace_close(r);
}

static void test_open_errors(void **state)
{
	char p[128], err[600];
	FILE *fp;

	path_in(*state, "missing.uktrace", p, sizeof p);
	assert_null(trace_open(p, err, sizeof err));
	assert_true(strncmp(err, p, strlen(p)) == 0);
	assert_non_null(strstr(err, strerror(ENOENT)));
	assert_null(trace_open(((struct dir *)*state)->path, err, sizeof err));
	assert_non_null(strstr(err, "is a directory"));
	assert_null(trace_open("/dev/null", err, sizeof err));
	assert_string_equal(err, "/dev/null: byte 0: empty file, not a ukern trace");
	path_in(*state, "short", p, sizeof p);
	fp = fopen(p, "wb");
	assert_non_null(fp);
	fwrite(TRACE_MAGIC, 1, TRACE_MAGIC_LEN, fp);
	fputc(TRACE_VERSION, fp);
	fwrite("\x01\x03key\x05", 1, 6, fp);
	fclose(fp);
	assert_null(trace_open(p, err, sizeof err));
	assert_non_null(strstr(err, "byte 14: string of 5 bytes runs past the end of the file "
				    "(0 bytes left"));
	trace_close(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_cut_everywhere, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_flip_everywhere, setup_dir, teardown_dir),
		cmocka_unit_test(test_bad_magic),
		cmocka_unit_test(test_bad_version),
		cmocka_unit_test(test_absurd_lengths),
		cmocka_unit_test(test_absurd_header_count),
		cmocka_unit_test(test_bad_varints),
		cmocka_unit_test(test_time_overflow),
		cmocka_unit_test(test_unknown_kind),
		cmocka_unit_test(test_end_record),
		cmocka_unit_test(test_bad_values),
		cmocka_unit_test(test_good_values),
		cmocka_unit_test(test_cut_or_damaged),
		cmocka_unit_test_setup_teardown(test_open_errors, setup_dir, teardown_dir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
