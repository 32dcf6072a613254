/*
 * export.c - "ukern export TRACE --format text|csv|chrome|paje [-o FILE]":
 * convert a binary trace into another format.
 *
 * The one idea: an export is a small ops struct (begin, one record, finish;
 * viz/export.h) driven by one streaming loop over the trace reader, so a
 * format is a table entry and a trace of any length converts without being
 * held in memory. text and csv live here; chrome and paje, which rebuild
 * slices and arrows from the records, in viz/export_chrome.c and
 * viz/export_paje.c. With -o the
 * output goes to a temporary file renamed into place only when the whole
 * trace was read and written, so an invalid trace or a full disk never
 * leaves a half-written file under the real name.
 *
 * text: "# key: value" for the header, then one line per record: the time in
 * ms, the kind, and every argument as name=value (argument names from
 * trace_kinds[]); tid/pid/port values carry the name given by earlier
 * thread_new/proc_new/port_label records, and enumerated values (state,
 * reason, message kind, drop reason, name op, exit code, region kind,
 * permission, fault kind, out-of-line op, how an LRPC crossed) are
 * decoded, addresses in hex.
 * csv: "time_ns,kind,arg1..arg6,text", one row per record, raw numbers.
 *
 * Entry point: cmd_export (names: viz/export_tab.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "interrupt.h"
#include "outfile.h"
#include "export.h"
#include "migrate.h"
#include "thread.h"
#include "trace_read.h"

static enum export_space arg_space(unsigned kind, const char *arg)
{
	if (((kind == TR_MIGRATE || kind == TR_MIGRATE_FORWARD) &&
	     (strcmp(arg, "from") == 0 || strcmp(arg, "to") == 0)) ||
	    (kind == TR_PROC_NODE && strcmp(arg, "node") == 0))
		return EXPORT_NODE;
	return strcmp(arg, "tid") == 0 || strcmp(arg, "on_tid") == 0 ? EXPORT_THREAD
	       : strcmp(arg, "pid") == 0 || strcmp(arg, "old") == 0 || strcmp(arg, "to_pid") == 0
		 ? EXPORT_PROC
	       : strcmp(arg, "port") == 0 ? EXPORT_PORT : EXPORT_NONE;
}

/* Decoders of enumerated arguments: a name for value v, or NULL. */
static const char *state_name(uint64_t v)
{
	return v < T_STATE_COUNT ? thread_state_name((enum tstate)v) : NULL;
}

static const char *reason_name(uint64_t v)
{
	return v < R_REASON_COUNT ? thread_reason_name((enum treason)v) : NULL;
}

static const char *msg_kind_name(uint64_t v)
{
	static const char *const n[] = { "send", "call", "reply" };
	return v < 3 ? n[v] : NULL;
}

static const char *drop_name(uint64_t v)
{
	static const char *const n[] = { NULL, "dead_port", "stale_reply", "timeout", "lost" };
	return v < 5 ? n[v] : NULL;
}

static const char *name_op_name(uint64_t v)
{
	static const char *const n[] = { NULL, "register", "lookup", "unregister" };
	return v < 4 ? n[v] : NULL;
}

static const char *region_kind_name(uint64_t v)
{
	static const char *const n[] = { NULL, "text", "heap", "stack", "shared" };
	return v < 5 ? n[v] : NULL;
}

static const char *perm_name(uint64_t v)
{
	static const char *const n[] = { "none", "r", "w", "rw" };
	return v < 4 ? n[v] : NULL;
}

static const char *fault_kind_name(uint64_t v)
{
	static const char *const n[] = { NULL, "zero_fill", "cow_copy", "cow_reuse", "unmapped",
					 "protection", "no_frame" };
	return v < 7 ? n[v] : NULL;
}

static const char *ool_op_name(uint64_t v)
{
	static const char *const n[] = { NULL, "taken", "mapped" };
	return v < 3 ? n[v] : NULL;
}

static const char *lrpc_call_how(uint64_t v)
{
	static const char *const n[] = { "switch", "exchange", "after_wait" };
	return v < 3 ? n[v] : NULL;
}

static const char *lrpc_return_how(uint64_t v)
{
	static const char *const n[] = { "switch", "exchange", "revoked" };
	return v < 3 ? n[v] : NULL;
}

static const char *strategy_name(uint64_t v)
{
	return v <= MIG_ON_DEMAND ? migrate_strategy_name((int)v) : NULL;
}

static const char *mobility_name(uint64_t v)
{
	return v <= MIG_WEAK ? migrate_mobility_name((int)v) : NULL;
}

static const struct decoder {
	unsigned kind;
	const char *arg;
	const char *(*name)(uint64_t v);
} decoders[] = {
	{ TR_THREAD_STATE, "state", state_name },
	{ TR_THREAD_STATE, "reason", reason_name },
	{ TR_WAIT, "reason", reason_name },
	{ TR_MSG_SEND, "kind", msg_kind_name },
	{ TR_MSG_DROP, "reason", drop_name },
	{ TR_NAME, "op", name_op_name },
	{ TR_VM_MAP, "kind", region_kind_name },
	{ TR_VM_MAP, "perm", perm_name },
	{ TR_VM_PROTECT, "perm", perm_name },
	{ TR_PAGE_FAULT, "kind", fault_kind_name },
	{ TR_OOL, "op", ool_op_name },
	{ TR_LRPC_CALL, "how", lrpc_call_how },
	{ TR_LRPC_RETURN, "how", lrpc_return_how },
	{ TR_MIGRATE, "strategy", strategy_name },
	{ TR_MIGRATE, "mobility", mobility_name },
};

static const char *decode(unsigned kind, const char *arg, uint64_t v)
{
	for (size_t i = 0; i < sizeof decoders / sizeof decoders[0]; i++)
		if (decoders[i].kind == kind && strcmp(decoders[i].arg, arg) == 0)
			return decoders[i].name(v);
	return NULL;
}

/* How a string is quoted: not at all (header lines), "..." with \" inside
 * (text), or "..." with "" inside (csv). */
enum quoting { Q_NONE, Q_TEXT, Q_CSV };

/* Write s (len bytes) with backslash escapes for control characters, so one
 * record stays one line and no terminal escape gets through; bytes from 0x80
 * up pass unchanged (UTF-8 text). */
static void put_escaped(FILE *out, const char *s, size_t len, enum quoting q)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\n')
			fputs("\\n", out);
		else if (c == '\t')
			fputs("\\t", out);
		else if (c == '\\')
			fputs("\\\\", out);
		else if (c == '"' && q != Q_NONE)
			fputs(q == Q_CSV ? "\"\"" : "\\\"", out);
		else if (c < ' ' || c == 0x7f)
			fprintf(out, "\\x%02x", c);
		else
			fputc(c, out);
	}
}

static int text_begin(void **st, FILE *out, const struct trace_reader *r)
{
	*st = NULL;
	for (size_t i = 0; i < trace_header_count(r); i++) {
		const char *k = trace_header_key(r, i), *v = trace_header_value(r, i);
		fputs("# ", out);
		put_escaped(out, k, strlen(k), Q_NONE);
		fputs(": ", out);
		put_escaped(out, v, strlen(v), Q_NONE);
		fputc('\n', out);
	}
	return 0;
}

static void text_arg(FILE *out, const struct export_names *nm, unsigned kind, const char *arg,
		     uint64_t v)
{
	const char *s = decode(kind, arg, v);

	if (s) {
		fprintf(out, " %s=%s", arg, s);
	} else if (strcmp(arg, "addr") == 0 || strcmp(arg, "server_addr") == 0) {
		fprintf(out, " %s=0x%llx", arg, (unsigned long long)v);
	} else if (kind == TR_MIGRATE_ROUND && strcmp(arg, "round") == 0 && v == 0) {
		fputs(" round=0(stopped)", out);   /* the batch sent while the process is stopped */
	} else if (kind == TR_PROC_EXIT && strcmp(arg, "code") == 0) {
		fprintf(out, " code=%lld", (long long)(int64_t)(v - 2147483648ull));
	} else {
		fprintf(out, " %s=%llu", arg, (unsigned long long)v);
		if ((s = export_name(nm, arg_space(kind, arg), v)))
			fprintf(out, "(%s)", s);
	}
}

static int text_record(void *st, FILE *out, const struct export_names *nm,
		       const struct trace_rec *rec)
{
	const struct trace_kind_info *k = &trace_kinds[rec->kind];

	(void)st;
	fprintf(out, "%4llu.%06llums  %s", (unsigned long long)(rec->ns / 1000000),
		(unsigned long long)(rec->ns % 1000000), k->name);
	for (unsigned i = 0; i < k->nargs; i++)
		text_arg(out, nm, rec->kind, k->args[i], rec->args[i]);
	if (k->has_str) {
		fputs(" \"", out);
		put_escaped(out, rec->str, rec->len, Q_TEXT);
		fputc('"', out);
	}
	fputc('\n', out);
	return 0;
}

static void text_finish(void *st, FILE *out, const struct export_names *nm,
			const struct trace_reader *r)
{
	(void)st;
	(void)nm;
	fprintf(out, "# end: %llu records\n", (unsigned long long)trace_records(r));
}

static int csv_begin(void **st, FILE *out, const struct trace_reader *r)
{
	(void)r;
	*st = NULL;
	fputs("time_ns,kind", out);
	for (int i = 1; i <= TRACE_MAX_ARGS; i++)
		fprintf(out, ",arg%d", i);
	fputs(",text\n", out);
	return 0;
}

static int csv_record(void *st, FILE *out, const struct export_names *nm,
		      const struct trace_rec *rec)
{
	const struct trace_kind_info *k = &trace_kinds[rec->kind];

	(void)st;
	(void)nm;
	fprintf(out, "%llu,%s", (unsigned long long)rec->ns, k->name);
	for (unsigned i = 0; i < TRACE_MAX_ARGS; i++)
		if (i < k->nargs)
			fprintf(out, ",%llu", (unsigned long long)rec->args[i]);
		else
			fputc(',', out);
	fputc(',', out);
	if (k->has_str) {
		fputc('"', out);
		put_escaped(out, rec->str, rec->len, Q_CSV);
		fputc('"', out);
	}
	fputc('\n', out);
	return 0;
}

static void csv_finish(void *st, FILE *out, const struct export_names *nm,
		       const struct trace_reader *r)
{
	(void)st;
	(void)out;
	(void)nm;
	(void)r;
}

static const struct exporter export_text = { "text", text_begin, text_record, text_finish, NULL };
static const struct exporter export_csv = { "csv", csv_begin, csv_record, csv_finish, NULL };

static const struct exporter *const exporters[] = {
	&export_text, &export_csv, &export_chrome, &export_paje,
};
enum { NEXPORTERS = sizeof exporters / sizeof exporters[0] };

static const struct exporter *find_exporter(const char *name)
{
	for (size_t i = 0; i < NEXPORTERS; i++)
		if (strcmp(exporters[i]->name, name) == 0)
			return exporters[i];
	return NULL;
}

/* The format names joined by sep: "text|csv|chrome|paje" for a usage line,
 * "text, csv, chrome, paje" in a message. */
static const char *format_list(char *buf, size_t len, const char *sep)
{
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < NEXPORTERS && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, "%s%s", i ? sep : "", exporters[i]->name);
	return buf;
}

struct export_opts {
	const char *trace, *out;
	const struct exporter *ex;
};

static int usage_error(const char *what)
{
	char f[80];

	return cli_error(EXIT_USAGE, "export: %s (usage: ukern export TRACE --format %s [-o FILE])",
			 what, format_list(f, sizeof f, "|"));
}

static int unknown_format(const char *v)
{
	char f[80];

	return cli_error(EXIT_USAGE, "export: --format %s: unknown format (formats: %s)", v,
			 format_list(f, sizeof f, ", "));
}

/* Parse export's arguments; returns 0 or an exit code. */
static int parse(int argc, char **argv, struct export_opts *o)
{
	for (int i = 1; i < argc; i++) {
		const char *v;
		int miss = 0, miss_o = 0;
		if ((v = cli_opt(argc, argv, &i, "--format", &miss))) {
			if (!(o->ex = find_exporter(v)))
				return unknown_format(v);
		} else if ((v = cli_opt(argc, argv, &i, "-o", &miss_o)) ||
			   (!miss_o && (v = cli_opt(argc, argv, &i, "--output", &miss_o)))) {
			o->out = v;
		} else if (miss || miss_o) {
			return cli_error(EXIT_USAGE, "%s needs a value", argv[i]);
		} else if (argv[i][0] == '-' && argv[i][1]) {
			return cli_error(EXIT_USAGE, "export: unknown option '%s' (see ukern --help)",
					 argv[i]);
		} else if (o->trace) {
			return usage_error("one trace at a time");
		} else {
			o->trace = argv[i];
		}
	}
	if (!o->trace)
		return usage_error("no trace given");
	return 0;
}

/* Stream every record of r through ex into out. Returns 0; EXIT_USAGE
 * after printing the trace's error; EXIT_HOST when memory runs out. */
static int convert(struct trace_reader *r, const struct exporter *ex, FILE *out)
{
	struct export_names nm;
	struct trace_rec rec;
	void *st;
	int rc = 0, oom = 0;

	if (ex->begin(&st, out, r) != 0)
		return cli_error(EXIT_HOST, "out of memory");
	export_names_init(&nm);
	while (!oom && (rc = trace_next(r, &rec)) == 1) {
		export_names_note(&nm, &rec);
		oom = ex->record(st, out, &nm, &rec) != 0;
	}
	if (!oom && rc == 0)
		ex->finish(st, out, &nm, r);
	if (ex->free)
		ex->free(st);
	export_names_free(&nm);
	if (oom)
		return cli_error(EXIT_HOST, "out of memory");
	if (rc < 0) {
		fprintf(stderr, "%s\n", trace_error(r));
		return EXIT_USAGE;
	}
	return 0;
}

/* The shape outfile_write wants: convert o's trace into out. */
struct convert_job {
	struct trace_reader *r;
	const struct export_opts *o;
};

static int convert_into(FILE *out, void *arg)
{
	struct convert_job *j = arg;

	return convert(j->r, j->o->ex, out);
}

int cmd_export(int argc, char **argv)
{
	struct export_opts o = { NULL, NULL, &export_text };
	struct trace_reader *r;
	char err[600];
	int code = parse(argc, argv, &o);

	if (code)
		return code;
	interrupt_exit("export", o.out);    /* Ctrl-C: no output, the old one untouched */
	if (!(r = trace_open(o.trace, err, sizeof err))) {
		fprintf(stderr, "%s\n", err);
		return EXIT_USAGE;
	}
	code = outfile_write(o.out, "the export", convert_into, &(struct convert_job){ r, &o });
	trace_close(r);
	interrupt_release();
	return code;
}
