/*
 * export_chrome.c - "ukern export --format chrome": Chrome Trace Event JSON
 * for the Perfetto UI (ui.perfetto.dev) and chrome://tracing.
 *
 * The one idea: a simulated process is a lane (pid, named by an M
 * process_name event), each of its threads a track (tid, thread_name), and
 * a thread's track is a row of complete slices (X), one per state it was
 * in: "running", "ready", or blocked, named by the reason ("send", "recv",
 * "reply", "sleep", "join"). A slice is written when its state ends, so the
 * converter keeps one open slice per live thread and never the past.
 *
 * A delivered message is a zero-length slice at the sender when it was sent
 * and one at the receiver when it was delivered, each followed at once by
 * its flow event: "s" at the sender slice's time, "f" with "bp":"e" at the
 * receiver's; the four share cat "msg", and s/f share name and id (the
 * flow). Viewers bind a flow event to the slice on top of its track at that
 * time, so writing each slice and its flow event back to back binds them
 * whatever else happens at the same instant (with zero costs, a lot does).
 * A send is held until its fate is known: only a delivered message gets an
 * arrow; a dropped one becomes an instant at the sender.
 *
 * CPUs are the pseudo-process "CPUs" (pid CHROME_CPU_PID) with a track per
 * CPU whose slices name the thread that ran (an LWP, for a process with a
 * user-level runtime; its user threads' running slices name the LWP). Log
 * lines are instants with the text as their name; faults and upcalls are
 * instants, a deadlock a global instant.
 * Times are microseconds written from the integer nanoseconds, so they are
 * exact; the output depends only on the records, so the same trace gives
 * the same bytes.
 *
 * Entry point: export_chrome.
 */
#include "export.h"

#include <stdlib.h>
#include <string.h>

#include "thread.h"

/* The pseudo-process of the CPUs; CPU k is its thread CHROME_CPU_PID + 1 + k.
 * Far above any pid or tid a run hands out (both count from 1). */
#define CHROME_CPU_PID 1000000000ull

/* A live thread and the state slice it has open. */
struct cthread {
	uint64_t tid;
	uint64_t pid;            /* 0 if the trace never said */
	uint64_t since;          /* ns: when the current state began */
	uint64_t port;           /* blocked: the port it waits on, or 0 */
	uint64_t cpu;            /* running: the CPU it was dispatched on */
	uint64_t lwp;            /* a user thread: the LWP that last switched to it */
	unsigned state, reason;  /* enum tstate, enum treason, as in the record */
	int open;                /* a state slice is open */
};

/* A CPU and the thread it runs. */
struct ccpu {
	uint64_t cpu;
	uint64_t tid, pid;       /* the thread on it */
	uint64_t since;          /* ns: dispatched at */
	int busy;
};

/* A message sent and not yet delivered or dropped. */
struct csend {
	uint64_t flow;
	uint64_t ns, tid, pid, port, size, kind, reply_to;
};

struct chrome {
	struct export_tab threads, cpus, sends;
	uint64_t nevents;        /* events written: a comma goes before all but the first */
	uint64_t last_ns;        /* time of the last record */
	int cpus_named;          /* the CPUs pseudo-process has its M event */
	int kernel_named;        /* the kernel's lane (pid 0, its notices) is named */
};

/* The non-ASCII byte u[0] (of left): its valid UTF-8 sequence as it is, or
 * U+FFFD for that one byte. Returns the bytes consumed. */
static size_t put_utf8(FILE *out, const unsigned char *u, size_t left)
{
	size_t n = export_utf8_len(u, left);

	if (!n) {
		fputs("\xef\xbf\xbd", out);
		return 1;
	}
	fwrite(u, 1, n, out);
	return n;
}

/* s (len bytes, any content) as a JSON string: quotes and backslashes
 * escaped, control characters as \n, \t, \r or \u00XX, valid UTF-8 kept,
 * every invalid byte replaced by U+FFFD, so the file is always valid JSON. */
static void put_str(FILE *out, const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;

	fputc('"', out);
	for (size_t i = 0; i < len; i++) {
		if (u[i] == '"' || u[i] == '\\')
			fprintf(out, "\\%c", u[i]);
		else if (u[i] == '\n' || u[i] == '\t' || u[i] == '\r')
			fputs(u[i] == '\n' ? "\\n" : u[i] == '\t' ? "\\t" : "\\r", out);
		else if (u[i] < 0x20 || u[i] == 0x7f)
			fprintf(out, "\\u%04x", u[i]);
		else if (u[i] < 0x80)
			fputc(u[i], out);
		else
			i += put_utf8(out, u + i, len - i) - 1;
	}
	fputc('"', out);
}

static void put_cstr(FILE *out, const char *s)
{
	put_str(out, s, strlen(s));
}

/* ,"key":US with ns written as microseconds, exactly: 1007149 -> 1007.149 */
static void put_us(FILE *out, const char *key, uint64_t ns)
{
	fprintf(out, ",\"%s\":%llu.%03llu", key, (unsigned long long)(ns / 1000),
		(unsigned long long)(ns % 1000));
}

static void put_u64(FILE *out, const char *key, uint64_t v)
{
	fprintf(out, ",\"%s\":%llu", key, (unsigned long long)v);
}

/* ,"key":"name of id in space", or nothing when it has no name. */
static void put_name(FILE *out, const struct export_names *nm, const char *key,
		     enum export_space space, uint64_t id)
{
	size_t len;
	const char *s = export_name_raw(nm, space, id, &len);

	if (s) {
		fprintf(out, ",\"%s\":", key);
		put_str(out, s, len);
	}
}

/* Start event ph: the separator, then {"ph", "ts" (not for M), "pid",
 * "tid". The caller adds the rest and the closing brace. "ts" comes early
 * because some readers look for it before parsing the whole event. */
static void ev_open(struct chrome *c, FILE *out, char ph, uint64_t ns, uint64_t pid,
		    uint64_t tid)
{
	fputs(c->nevents++ ? ",\n{" : "{", out);
	fprintf(out, "\"ph\":\"%c\"", ph);
	if (ph != 'M')
		put_us(out, "ts", ns);
	put_u64(out, "pid", pid);
	put_u64(out, "tid", tid);
}

/* An M event naming a process (what = "process_name", tid 0 as Chrome
 * writes it) or a thread ("thread_name"). */
static void ev_meta(struct chrome *c, FILE *out, const char *what, uint64_t pid, uint64_t tid,
		    const char *name, size_t len)
{
	ev_open(c, out, 'M', 0, pid, tid);
	fprintf(out, ",\"name\":\"%s\",\"args\":{\"name\":", what);
	put_str(out, name, len);
	fputs("}}", out);
}

static const char *slice_name(const struct cthread *t)
{
	if (t->state == T_RUNNING)
		return "running";
	if (t->state == T_READY)
		return "ready";
	return t->reason < R_REASON_COUNT ? thread_reason_name((enum treason)t->reason)
					  : "blocked";
}

/* End t's open state slice at ns. A zero-length one shows nothing and is
 * left out. */
static void state_close(struct chrome *c, FILE *out, const struct export_names *nm,
			struct cthread *t, uint64_t ns)
{
	if (!t->open)
		return;
	t->open = 0;
	if (ns <= t->since)
		return;
	ev_open(c, out, 'X', t->since, t->pid, t->tid);
	put_us(out, "dur", ns - t->since);
	fputs(",\"cat\":\"state\",\"name\":", out);
	put_cstr(out, slice_name(t));
	if (t->state == T_RUNNING && t->lwp) {
		fprintf(out, ",\"args\":{\"lwp\":%llu", (unsigned long long)t->lwp);
		put_name(out, nm, "lwp_name", EXPORT_THREAD, t->lwp);
		fputc('}', out);
	} else if (t->state == T_RUNNING) {
		fprintf(out, ",\"args\":{\"cpu\":%llu}", (unsigned long long)t->cpu);
	} else if (t->state == T_READY) {
		fputs(",\"args\":{\"reason\":", out);
		put_cstr(out, t->reason < R_REASON_COUNT
				      ? thread_reason_name((enum treason)t->reason) : "?");
		fputc('}', out);
	} else {
		fprintf(out, ",\"args\":{\"port\":%llu", (unsigned long long)t->port);
		put_name(out, nm, "port_name", EXPORT_PORT, t->port);
		fputc('}', out);
	}
	fputc('}', out);
}

/* End the slice of cpu at ns (zero-length ones are left out). */
static void cpu_close(struct chrome *c, FILE *out, const struct export_names *nm,
		      struct ccpu *cpu, uint64_t ns)
{
	const char *name;
	size_t len = 1;

	if (!cpu->busy)
		return;
	cpu->busy = 0;
	if (ns <= cpu->since)
		return;
	ev_open(c, out, 'X', cpu->since, CHROME_CPU_PID, CHROME_CPU_PID + 1 + cpu->cpu);
	put_us(out, "dur", ns - cpu->since);
	fputs(",\"cat\":\"cpu\",\"name\":", out);
	name = export_name_raw(nm, EXPORT_THREAD, cpu->tid, &len);
	put_str(out, name ? name : "?", len);
	fprintf(out, ",\"args\":{\"tid\":%llu,\"pid\":%llu", (unsigned long long)cpu->tid,
		(unsigned long long)cpu->pid);
	put_name(out, nm, "process", EXPORT_PROC, cpu->pid);
	fputs("}}", out);
}

/* The CPU entry of id, named in the trace the first time it is seen.
 * NULL when memory runs out. */
static struct ccpu *cpu_get(struct chrome *c, FILE *out, uint64_t id)
{
	struct ccpu *cpu = export_tab_get(&c->cpus, id);
	char name[32];

	if (cpu || !(cpu = export_tab_put(&c->cpus, id)))
		return cpu;
	if (!c->cpus_named) {
		ev_meta(c, out, "process_name", CHROME_CPU_PID, 0, "CPUs", 4);
		c->cpus_named = 1;
	}
	snprintf(name, sizeof name, "cpu %llu", (unsigned long long)id);
	ev_meta(c, out, "thread_name", CHROME_CPU_PID, CHROME_CPU_PID + 1 + id, name,
		strlen(name));
	return cpu;
}

static int on_dispatch(struct chrome *c, FILE *out, const struct export_names *nm,
		       const struct trace_rec *rec)
{
	struct ccpu *cpu = cpu_get(c, out, rec->args[0]);
	struct cthread *t = export_tab_get(&c->threads, rec->args[1]);

	if (!cpu)
		return -1;
	cpu_close(c, out, nm, cpu, rec->ns);
	cpu->busy = 1;
	cpu->tid = rec->args[1];
	cpu->pid = t ? t->pid : 0;
	cpu->since = rec->ns;
	if (t)
		t->cpu = rec->args[0];
	return 0;
}

static int on_idle(struct chrome *c, FILE *out, const struct export_names *nm,
		   const struct trace_rec *rec)
{
	struct ccpu *cpu = export_tab_get(&c->cpus, rec->args[0]);

	if (cpu)
		cpu_close(c, out, nm, cpu, rec->ns);
	return 0;
}

static int on_thread_new(struct chrome *c, FILE *out, const struct trace_rec *rec)
{
	struct cthread *t = export_tab_put(&c->threads, rec->args[0]);

	if (!t)
		return -1;
	t->pid = rec->args[1];
	ev_meta(c, out, "thread_name", t->pid, t->tid, rec->str, rec->len);
	return 0;
}

/* A state change: close the slice of the old state (and the CPU slice when
 * the thread stops running), open one for the new state; an exited thread
 * is forgotten. */
static int on_thread_state(struct chrome *c, FILE *out, const struct export_names *nm,
			   const struct trace_rec *rec)
{
	struct cthread *t = export_tab_get(&c->threads, rec->args[0]);
	struct ccpu *cpu;

	if (!t && !(t = export_tab_put(&c->threads, rec->args[0])))
		return -1;
	state_close(c, out, nm, t, rec->ns);
	if (rec->args[1] != T_RUNNING && (cpu = export_tab_get(&c->cpus, t->cpu)) &&
	    cpu->busy && cpu->tid == t->tid)
		cpu_close(c, out, nm, cpu, rec->ns);
	if (rec->args[1] >= T_EXITED) {
		export_tab_del(&c->threads, t);
		return 0;
	}
	t->open = 1;
	t->since = rec->ns;
	t->state = (unsigned)rec->args[1];
	t->reason = rec->args[2] < R_REASON_COUNT ? (unsigned)rec->args[2] : R_REASON_COUNT;
	t->port = rec->args[3];
	return 0;
}

/* A user-level switch: remember which LWP carries the thread switched to. */
static int on_uswitch(struct chrome *c, const struct trace_rec *rec)
{
	struct cthread *t = export_tab_get(&c->threads, rec->args[2]);

	if (t)
		t->lwp = rec->args[0];
	return 0;
}

/* An upcall of scheduler activations: an instant on the activation's track. */
static int on_upcall(struct chrome *c, FILE *out, const struct export_names *nm,
		     const struct trace_rec *rec)
{
	static const char *const kinds[] = { "upcall", "upcall added", "upcall preempted",
					     "upcall blocked", "upcall unblocked" };
	struct cthread *t = export_tab_get(&c->threads, rec->args[0]);

	ev_open(c, out, 'i', rec->ns, t ? t->pid : 0, rec->args[0]);
	fputs(",\"s\":\"t\",\"cat\":\"upcall\",\"name\":", out);
	put_cstr(out, kinds[rec->args[1] < 5 ? rec->args[1] : 0]);
	fprintf(out, ",\"args\":{\"tid\":%llu", (unsigned long long)rec->args[2]);
	put_name(out, nm, "thread", EXPORT_THREAD, rec->args[2]);
	fputs("}}", out);
	return 0;
}

static int on_send(struct chrome *c, FILE *out, const struct trace_rec *rec)
{
	if (rec->args[1] == 0 && !c->kernel_named) {
		/* thread 0 is the kernel sending a notice of its own */
		ev_meta(c, out, "process_name", 0, 0, "kernel", 6);
		ev_meta(c, out, "thread_name", 0, 0, "kernel", 6);
		c->kernel_named = 1;
	}
	struct cthread *t = export_tab_get(&c->threads, rec->args[1]);
	uint64_t pid = t ? t->pid : 0;
	struct csend *s = export_tab_put(&c->sends, rec->args[0]);

	if (!s)
		return -1;
	*s = (struct csend){ rec->args[0], rec->ns, rec->args[1], pid, rec->args[2],
			     rec->args[3], rec->args[4], rec->args[5] };
	return 0;
}

static const char *msg_name(uint64_t kind)
{
	static const char *const n[] = { "msg send", "msg call", "msg reply" };
	return kind < 3 ? n[kind] : "msg";
}

/* A zero-length message slice at (ns, pid, tid) with the message's args,
 * then its flow event (ph 's' or 'f'; none if ph is 0) right behind it. */
static void msg_slice(struct chrome *c, FILE *out, const struct export_names *nm,
		      const struct csend *s, uint64_t ns, uint64_t pid, uint64_t tid,
		      uint64_t to_tid, char ph)
{
	static const char *const kinds[] = { "send", "call", "reply" };

	ev_open(c, out, 'X', ns, pid, tid);
	fputs(",\"dur\":0.000,\"cat\":\"msg\",\"name\":", out);
	put_cstr(out, msg_name(s->kind));
	fprintf(out, ",\"args\":{\"flow\":%llu,\"kind\":\"%s\"", (unsigned long long)s->flow,
		s->kind < 3 ? kinds[s->kind] : "?");
	put_u64(out, "size", s->size);
	put_u64(out, "port", s->port);
	put_name(out, nm, "port_name", EXPORT_PORT, s->port);
	put_u64(out, "reply_to", s->reply_to);
	put_name(out, nm, "from", EXPORT_THREAD, s->tid);
	put_name(out, nm, "to", EXPORT_THREAD, to_tid);
	fputs("}}", out);
	if (!ph)
		return;
	ev_open(c, out, ph, ns, pid, tid);
	fputs(",\"cat\":\"msg\",\"name\":", out);
	put_cstr(out, msg_name(s->kind));
	put_u64(out, "id", s->flow);
	fputs(ph == 'f' ? ",\"bp\":\"e\"}" : "}", out);
}

/* A delivery: both slices and the arrow, now that the send is known to
 * have arrived. A delivery without a known send gets the receiver's slice
 * only (a damaged or cut trace). */
static int on_deliver(struct chrome *c, FILE *out, const struct export_names *nm,
		      const struct trace_rec *rec)
{
	struct csend *s = export_tab_get(&c->sends, rec->args[0]);
	struct cthread *to = export_tab_get(&c->threads, rec->args[1]);
	uint64_t to_pid = to ? to->pid : 0;
	struct csend none = { rec->args[0], rec->ns, 0, 0, rec->args[2], 0, 3, 0 };

	if (!s) {
		msg_slice(c, out, nm, &none, rec->ns, to_pid, rec->args[1], rec->args[1], 0);
		return 0;
	}
	msg_slice(c, out, nm, s, s->ns, s->pid, s->tid, rec->args[1], 's');
	msg_slice(c, out, nm, s, rec->ns, to_pid, rec->args[1], rec->args[1], 'f');
	export_tab_del(&c->sends, s);
	return 0;
}

static int on_drop(struct chrome *c, FILE *out, const struct trace_rec *rec)
{
	static const char *const why[] = { "?", "dead_port", "stale_reply", "timeout", "lost" };
	struct csend *s = export_tab_get(&c->sends, rec->args[0]);

	if (!s)
		return 0;
	ev_open(c, out, 'i', rec->ns, s->pid, s->tid);
	fputs(",\"s\":\"t\",\"cat\":\"msg\",\"name\":\"msg dropped\"", out);
	fprintf(out, ",\"args\":{\"flow\":%llu", (unsigned long long)s->flow);
	put_u64(out, "port", rec->args[1]);
	fprintf(out, ",\"reason\":\"%s\"}}", why[rec->args[2] < 5 ? rec->args[2] : 0]);
	export_tab_del(&c->sends, s);
	return 0;
}

/* An instant with a text: a log line (named by its text) on the thread's
 * track, a fault on the thread's track, or the deadlock report or an
 * injected crash (global). */
static int on_text(struct chrome *c, FILE *out, const struct trace_rec *rec)
{
	struct cthread *t = export_tab_get(&c->threads, rec->args[0]);
	uint64_t pid = t ? t->pid : rec->kind == TR_FAULT ? rec->args[1] : 0;

	if (rec->kind == TR_DEADLOCK) {
		ev_open(c, out, 'i', rec->ns, 0, 0);
		fputs(",\"s\":\"g\",\"cat\":\"deadlock\",\"name\":\"deadlock\"", out);
		fprintf(out, ",\"args\":{\"threads\":%llu,\"report\":",
			(unsigned long long)rec->args[0]);
	} else if (rec->kind == TR_CRASH) {
		ev_open(c, out, 'i', rec->ns, 0, 0);
		fputs(",\"s\":\"g\",\"cat\":\"fault\",\"name\":\"crash\"", out);
		fprintf(out, ",\"args\":{\"pid\":%llu,\"target\":", (unsigned long long)rec->args[0]);
	} else if (rec->kind == TR_FAULT) {
		ev_open(c, out, 'i', rec->ns, pid, rec->args[0]);
		fputs(",\"s\":\"t\",\"cat\":\"fault\",\"name\":\"fault\",\"args\":{\"message\":",
		      out);
	} else {
		ev_open(c, out, 'i', rec->ns, pid, rec->args[0]);
		fputs(",\"s\":\"t\",\"cat\":\"log\",\"name\":", out);
		put_str(out, rec->str, rec->len);
		fputs("}", out);
		return 0;
	}
	put_str(out, rec->str, rec->len);
	fputs("}}", out);
	return 0;
}

static int chrome_record(void *st, FILE *out, const struct export_names *nm,
			 const struct trace_rec *rec)
{
	struct chrome *c = st;

	c->last_ns = rec->ns;
	switch (rec->kind) {
	case TR_PROC_NEW:
		ev_meta(c, out, "process_name", rec->args[0], 0, rec->str, rec->len);
		return 0;
	case TR_THREAD_NEW:
		return on_thread_new(c, out, rec);
	case TR_THREAD_STATE:
		return on_thread_state(c, out, nm, rec);
	case TR_DISPATCH:
		return on_dispatch(c, out, nm, rec);
	case TR_IDLE:
		return on_idle(c, out, nm, rec);
	case TR_MSG_SEND:
		return on_send(c, out, rec);
	case TR_MSG_DELIVER:
		return on_deliver(c, out, nm, rec);
	case TR_MSG_DROP:
		return on_drop(c, out, rec);
	case TR_LOG:
	case TR_FAULT:
	case TR_DEADLOCK:
	case TR_CRASH:
		return on_text(c, out, rec);
	case TR_USWITCH:
		return on_uswitch(c, rec);
	case TR_UPCALL:
		return on_upcall(c, out, nm, rec);
	default:
		return 0;          /* ports, queues, names: shown through the args above */
	}
}

static int chrome_begin(void **st, FILE *out, const struct trace_reader *r)
{
	struct chrome *c = calloc(1, sizeof *c);

	(void)r;
	if (!c)
		return -1;
	c->threads = (struct export_tab)EXPORT_TAB(struct cthread);
	c->cpus = (struct export_tab)EXPORT_TAB(struct ccpu);
	c->sends = (struct export_tab)EXPORT_TAB(struct csend);
	*st = c;
	fputs("{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n", out);
	return 0;
}

static int by_key(const void *a, const void *b)
{
	uint64_t x = **(const uint64_t *const *)a, y = **(const uint64_t *const *)b;

	return (x > y) - (x < y);
}

/* The entries of t sorted by key (so that what finish writes does not
 * depend on the table's layout), or NULL when t is empty or memory runs
 * out. *n is set to the count. */
static void **sorted(const struct export_tab *t, size_t *n)
{
	void **v = t->n ? malloc(t->n * sizeof *v) : NULL;

	*n = 0;
	for (size_t i = 0; v && i < t->cap; i++)
		if (export_tab_at(t, i))
			v[(*n)++] = export_tab_at(t, i);
	if (v)
		qsort(v, *n, sizeof *v, by_key);
	return v;
}

/* Close what is still open at the time of the last record, then the array,
 * then the header as otherData. */
static void chrome_finish(void *st, FILE *out, const struct export_names *nm,
			  const struct trace_reader *r)
{
	struct chrome *c = st;
	size_t n;
	void **v = sorted(&c->threads, &n);

	for (size_t i = 0; i < n; i++)
		state_close(c, out, nm, v[i], c->last_ns);
	free(v);
	v = sorted(&c->cpus, &n);
	for (size_t i = 0; i < n; i++)
		cpu_close(c, out, nm, v[i], c->last_ns);
	free(v);
	fputs("\n],\n\"otherData\":{", out);
	for (size_t i = 0; i < trace_header_count(r); i++) {
		fputs(i ? "," : "", out);
		put_cstr(out, trace_header_key(r, i));
		fputc(':', out);
		put_cstr(out, trace_header_value(r, i));
	}
	fputs("}}\n", out);
}

static void chrome_free(void *st)
{
	struct chrome *c = st;

	export_tab_free(&c->threads);
	export_tab_free(&c->cpus);
	export_tab_free(&c->sends);
	free(c);
}

const struct exporter export_chrome = {
	"chrome", chrome_begin, chrome_record, chrome_finish, chrome_free,
};
