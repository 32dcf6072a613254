/*
 * export_paje.c - "ukern export --format paje": a Paje trace, for ViTE and
 * the pajeng tools (pj_dump validates one), the format SimGrid users know.
 *
 * The one idea: Paje is self-describing and event-based, which fits a
 * stream. The file opens with the definitions of the events it uses
 * (%EventDef blocks) and of its types - containers machine -> process ->
 * thread and machine -> CPU, a state per thread and per CPU, a link type for
 * messages, event types for log lines, faults and the deadlock - then
 * replays the records in time order (upcalls of scheduler activations are
 * events on the activation): a container created or destroyed with
 * its process or thread, PajeSetState at each state change (running, ready,
 * or the blocking reason: send, recv, reply, sleep, join), a PajeStartLink
 * at each send and the PajeEndLink with the same key (the flow) at the
 * delivery. Paje wants every link ended, so a message that is dropped, or
 * still on its way when the trace ends, ends its arrow in the thread
 * "undelivered" of a pseudo-process "kernel". Times are seconds with nine
 * decimals, exact; strings are quoted, with '"' turned into '\'' and bytes
 * outside printable ASCII into '?', since Paje has no escapes.
 *
 * Entry point: export_paje.
 */
#include "export.h"

#include <stdlib.h>
#include <string.h>

#include "thread.h"

enum {
	EV_CONTAINER_TYPE, EV_STATE_TYPE, EV_EVENT_TYPE, EV_LINK_TYPE, EV_VALUE,
	EV_CREATE, EV_DESTROY, EV_SET_STATE, EV_NEW_EVENT, EV_START_LINK, EV_END_LINK,
};

/* The event definitions, in the order of the enum above. */
static const char *const eventdefs[] = {
	"PajeDefineContainerType Alias string|Type string|Name string",
	"PajeDefineStateType Alias string|Type string|Name string",
	"PajeDefineEventType Alias string|Type string|Name string",
	"PajeDefineLinkType Alias string|Type string|StartContainerType string|"
	"EndContainerType string|Name string",
	"PajeDefineEntityValue Alias string|Type string|Name string|Color color",
	"PajeCreateContainer Time date|Alias string|Type string|Container string|Name string",
	"PajeDestroyContainer Time date|Type string|Name string",
	"PajeSetState Time date|Type string|Container string|Value string",
	"PajeNewEvent Time date|Type string|Container string|Value string",
	"PajeStartLink Time date|Type string|Container string|Value string|"
	"StartContainer string|Key string",
	"PajeEndLink Time date|Type string|Container string|Value string|"
	"EndContainer string|Key string",
};

/* The type hierarchy and the colours of the known values. */
static const char types[] =
	"0 M 0 \"Machine\"\n"
	"0 P M \"Process\"\n"
	"0 T P \"Thread\"\n"
	"0 C M \"CPU\"\n"
	"1 TS T \"Thread state\"\n"
	"1 CS C \"CPU state\"\n"
	"2 LOG T \"Log\"\n"
	"2 FAULT T \"Fault\"\n"
	"2 UPCALL T \"Upcall\"\n"
	"2 DEADLOCK M \"Deadlock\"\n"
	"3 MSG M T T \"Message\"\n"
	"4 s_running TS \"running\" \"0.2 0.7 0.2\"\n"
	"4 s_ready TS \"ready\" \"0.95 0.8 0.2\"\n"
	"4 s_send TS \"send\" \"0.85 0.35 0.2\"\n"
	"4 s_recv TS \"recv\" \"0.6 0.7 0.9\"\n"
	"4 s_reply TS \"reply\" \"0.8 0.3 0.6\"\n"
	"4 s_sleep TS \"sleep\" \"0.7 0.7 0.7\"\n"
	"4 s_join TS \"join\" \"0.5 0.5 0.8\"\n"
	"4 s_lock TS \"lock\" \"0.9 0.2 0.2\"\n"
	"4 s_io TS \"io\" \"0.4 0.4 0.4\"\n"
	"4 s_idle TS \"idle\" \"0.85 0.85 0.85\"\n"
	"4 c_idle CS \"idle\" \"0.9 0.9 0.9\"\n"
	"4 m_send MSG \"send\" \"0.9 0.5 0.1\"\n"
	"4 m_call MSG \"call\" \"0.1 0.3 0.9\"\n"
	"4 m_reply MSG \"reply\" \"0.1 0.6 0.3\"\n";

/* A live thread: where it runs. */
struct pthread_ent {
	uint64_t tid;
	uint64_t cpu;            /* the CPU of its last dispatch */
};

/* A CPU and the thread on it. */
struct pcpu {
	uint64_t cpu;
	uint64_t tid;
	int busy;
};

/* A live process, or a message whose arrow is open (its kind). */
struct pkey {
	uint64_t id;
	uint64_t kind;
};

struct paje {
	struct export_tab threads, cpus, procs, sends;
	uint64_t last_ns;        /* time of the last record */
	int sink;                /* the "undelivered" pseudo-thread exists */
	int kernel;              /* the "kernel" container exists */
	int notices;             /* the kernel's "notices" pseudo-thread exists */
};

static void put_time(FILE *out, uint64_t ns)
{
	fprintf(out, " %llu.%09llu", (unsigned long long)(ns / 1000000000),
		(unsigned long long)(ns % 1000000000));
}

/* s (len bytes) for a Paje file, which has no escapes: '"' becomes '\'',
 * valid UTF-8 stays, and any other byte outside printable ASCII is '?'. */
static void put_raw(FILE *out, const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;

	for (size_t i = 0, n; i < len; i++) {
		if (u[i] >= 0x80 && (n = export_utf8_len(u + i, len - i)) > 0) {
			fwrite(u + i, 1, n, out);
			i += n - 1;
		} else {
			fputc(u[i] == '"' ? '\'' : u[i] >= ' ' && u[i] < 0x7f ? u[i] : '?', out);
		}
	}
}

/* " \"s\"": a field, quoted. */
static void put_str(FILE *out, const char *s, size_t len)
{
	fputs(" \"", out);
	put_raw(out, s, len);
	fputc('"', out);
}

static void put_cstr(FILE *out, const char *s)
{
	put_str(out, s, strlen(s));
}

/* The name of id in space, or "<what> <id>" when the trace gave none. */
static void put_name(FILE *out, const struct export_names *nm, enum export_space space,
		     uint64_t id, const char *what)
{
	size_t len;
	const char *s = export_name_raw(nm, space, id, &len);
	char buf[48];

	if (!s) {
		snprintf(buf, sizeof buf, "%s %llu", what, (unsigned long long)id);
		s = buf;
		len = strlen(buf);
	}
	put_str(out, s, len);
}

/* Start line of event ev at ns: "<ev> <time>". */
static void ev(FILE *out, int e, uint64_t ns)
{
	fprintf(out, "%d", e);
	put_time(out, ns);
}

static void create(FILE *out, uint64_t ns, char kind, uint64_t id, const char *type,
		   const char *parent)
{
	ev(out, EV_CREATE, ns);
	fprintf(out, " %c%llu %s %s", kind, (unsigned long long)id, type, parent);
}

/* The process container of pid, created (named "pid N" if the trace never
 * named it) if it does not exist yet. Returns -1 when memory runs out. */
static int proc_need(struct paje *pj, FILE *out, const struct export_names *nm, uint64_t pid,
		     uint64_t ns)
{
	if (export_tab_get(&pj->procs, pid))
		return 0;
	if (!export_tab_put(&pj->procs, pid))
		return -1;
	create(out, ns, 'p', pid, "P", "m");
	put_name(out, nm, EXPORT_PROC, pid, "pid");
	fputc('\n', out);
	return 0;
}

static int on_thread_new(struct paje *pj, FILE *out, const struct export_names *nm,
			 const struct trace_rec *rec)
{
	char parent[32];

	if (export_tab_get(&pj->threads, rec->args[0]))
		return 0;          /* named twice: one container is enough */
	if (proc_need(pj, out, nm, rec->args[1], rec->ns) != 0 ||
	    !export_tab_put(&pj->threads, rec->args[0]))
		return -1;
	snprintf(parent, sizeof parent, "p%llu", (unsigned long long)rec->args[1]);
	create(out, rec->ns, 't', rec->args[0], "T", parent);
	put_name(out, nm, EXPORT_THREAD, rec->args[0], "tid");
	fputc('\n', out);
	return 0;
}

static void set_cpu(FILE *out, const struct export_names *nm, uint64_t ns, uint64_t cpu,
		    uint64_t tid, int busy)
{
	ev(out, EV_SET_STATE, ns);
	fprintf(out, " CS c%llu", (unsigned long long)cpu);
	if (busy)
		put_name(out, nm, EXPORT_THREAD, tid, "tid");
	else
		fputs(" c_idle", out);
	fputc('\n', out);
}

static int on_dispatch(struct paje *pj, FILE *out, const struct export_names *nm,
		       const struct trace_rec *rec)
{
	struct pcpu *cpu = export_tab_get(&pj->cpus, rec->args[0]);
	struct pthread_ent *t = export_tab_get(&pj->threads, rec->args[1]);

	if (!cpu) {
		if (!(cpu = export_tab_put(&pj->cpus, rec->args[0])))
			return -1;
		create(out, rec->ns, 'c', rec->args[0], "C", "m");
		fprintf(out, " \"cpu %llu\"\n", (unsigned long long)rec->args[0]);
	}
	cpu->busy = 1;
	cpu->tid = rec->args[1];
	set_cpu(out, nm, rec->ns, cpu->cpu, cpu->tid, 1);
	if (t)
		t->cpu = rec->args[0];
	return 0;
}

static int on_idle(struct paje *pj, FILE *out, const struct export_names *nm,
		   const struct trace_rec *rec)
{
	struct pcpu *cpu = export_tab_get(&pj->cpus, rec->args[0]);

	if (cpu && cpu->busy) {
		cpu->busy = 0;
		set_cpu(out, nm, rec->ns, cpu->cpu, 0, 0);
	}
	return 0;
}

static const char *state_value(uint64_t state, uint64_t reason)
{
	if (state == T_RUNNING)
		return "running";
	if (state == T_READY)
		return "ready";
	return reason < R_REASON_COUNT ? thread_reason_name((enum treason)reason) : "blocked";
}

/* The thread's new state; its CPU goes idle when it stops running there; an
 * exited thread's container is destroyed. Unknown threads are skipped, so
 * the file never names a container it did not create. */
static int on_thread_state(struct paje *pj, FILE *out, const struct export_names *nm,
			   const struct trace_rec *rec)
{
	struct pthread_ent *t = export_tab_get(&pj->threads, rec->args[0]);
	struct pcpu *cpu;

	if (!t)
		return 0;
	if (rec->args[1] != T_RUNNING && (cpu = export_tab_get(&pj->cpus, t->cpu)) &&
	    cpu->busy && cpu->tid == t->tid) {
		cpu->busy = 0;
		set_cpu(out, nm, rec->ns, cpu->cpu, 0, 0);
	}
	if (rec->args[1] >= T_EXITED) {
		ev(out, EV_DESTROY, rec->ns);
		fprintf(out, " T t%llu\n", (unsigned long long)t->tid);
		export_tab_del(&pj->threads, t);
		return 0;
	}
	ev(out, EV_SET_STATE, rec->ns);
	fprintf(out, " TS t%llu", (unsigned long long)t->tid);
	put_cstr(out, state_value(rec->args[1], rec->args[2]));
	fputc('\n', out);
	return 0;
}

static int on_proc_exit(struct paje *pj, FILE *out, const struct trace_rec *rec)
{
	struct pkey *p = export_tab_get(&pj->procs, rec->args[0]);

	if (p) {
		ev(out, EV_DESTROY, rec->ns);
		fprintf(out, " P p%llu\n", (unsigned long long)p->id);
		export_tab_del(&pj->procs, p);
	}
	return 0;
}

static const char *link_value(uint64_t kind)
{
	static const char *const v[] = { "m_send", "m_call", "m_reply" };
	return kind < 3 ? v[kind] : "m_send";
}

/* The "kernel" container, holding the pseudo-threads below. */
static void kernel_container(struct paje *pj, FILE *out, uint64_t ns)
{
	if (pj->kernel)
		return;
	ev(out, EV_CREATE, ns);
	fputs(" pk P m \"kernel\"\n", out);
	pj->kernel = 1;
}

static int on_send(struct paje *pj, FILE *out, const struct trace_rec *rec)
{
	struct pkey *s;

	if (rec->args[1] == 0 && !pj->notices) {
		/* thread 0 is the kernel sending a notice of its own */
		kernel_container(pj, out, rec->ns);
		ev(out, EV_CREATE, rec->ns);
		fputs(" t0 T pk \"notices\"\n", out);
		pj->notices = 1;
	}
	if (rec->args[1] != 0 && !export_tab_get(&pj->threads, rec->args[1]))
		return 0;
	if (!(s = export_tab_put(&pj->sends, rec->args[0])))
		return -1;
	s->kind = rec->args[4];
	ev(out, EV_START_LINK, rec->ns);
	fprintf(out, " MSG m %s t%llu f%llu\n", link_value(s->kind),
		(unsigned long long)rec->args[1], (unsigned long long)s->id);
	return 0;
}

/* End the arrow of s at ns in thread tid, or, when tid is 0, in the
 * "undelivered" pseudo-thread (created the first time it is needed). */
static void end_link(struct paje *pj, FILE *out, struct pkey *s, uint64_t ns, uint64_t tid)
{
	if (!tid && !pj->sink) {
		kernel_container(pj, out, ns);
		ev(out, EV_CREATE, ns);
		fputs(" tk T pk \"undelivered\"\n", out);
		pj->sink = 1;
	}
	ev(out, EV_END_LINK, ns);
	fprintf(out, " MSG m %s ", link_value(s->kind));
	if (tid)
		fprintf(out, "t%llu", (unsigned long long)tid);
	else
		fputs("tk", out);
	fprintf(out, " f%llu\n", (unsigned long long)s->id);
	export_tab_del(&pj->sends, s);
}

/* A delivery ends the arrow at the receiver (in the sink if the receiver
 * is unknown); a drop ends it in the sink. */
static int on_msg_end(struct paje *pj, FILE *out, const struct trace_rec *rec)
{
	struct pkey *s = export_tab_get(&pj->sends, rec->args[0]);
	uint64_t tid = rec->kind == TR_MSG_DELIVER ? rec->args[1] : 0;

	if (s)
		end_link(pj, out, s, rec->ns, export_tab_get(&pj->threads, tid) ? tid : 0);
	return 0;
}

/* A log line or fault on its thread, the deadlock report on the machine. */
static int on_text(struct paje *pj, FILE *out, const struct trace_rec *rec)
{
	if (rec->kind == TR_DEADLOCK) {
		ev(out, EV_NEW_EVENT, rec->ns);
		fputs(" DEADLOCK m", out);
	} else if (export_tab_get(&pj->threads, rec->args[0])) {
		ev(out, EV_NEW_EVENT, rec->ns);
		fprintf(out, " %s t%llu", rec->kind == TR_FAULT ? "FAULT" : "LOG",
			(unsigned long long)rec->args[0]);
	} else {
		return 0;
	}
	put_str(out, rec->str, rec->len);
	fputc('\n', out);
	return 0;
}

/* An upcall of scheduler activations, as an event on the activation. */
static int on_upcall(struct paje *pj, FILE *out, const struct export_names *nm,
		     const struct trace_rec *rec)
{
	static const char *const kinds[] = { "upcall", "added", "preempted", "blocked",
					     "unblocked" };
	const char *who;

	if (!export_tab_get(&pj->threads, rec->args[0]))
		return 0;
	ev(out, EV_NEW_EVENT, rec->ns);
	fprintf(out, " UPCALL t%llu \"%s", (unsigned long long)rec->args[0],
		kinds[rec->args[1] < 5 ? rec->args[1] : 0]);
	if ((who = export_name(nm, EXPORT_THREAD, rec->args[2])))
		fprintf(out, " %s", who);
	fputs("\"\n", out);
	return 0;
}

static int paje_record(void *st, FILE *out, const struct export_names *nm,
		       const struct trace_rec *rec)
{
	struct paje *pj = st;

	pj->last_ns = rec->ns;
	switch (rec->kind) {
	case TR_PROC_NEW:
		return proc_need(pj, out, nm, rec->args[0], rec->ns);
	case TR_PROC_EXIT:
		return on_proc_exit(pj, out, rec);
	case TR_THREAD_NEW:
		return on_thread_new(pj, out, nm, rec);
	case TR_THREAD_STATE:
		return on_thread_state(pj, out, nm, rec);
	case TR_DISPATCH:
		return on_dispatch(pj, out, nm, rec);
	case TR_IDLE:
		return on_idle(pj, out, nm, rec);
	case TR_MSG_SEND:
		return on_send(pj, out, rec);
	case TR_MSG_DELIVER:
	case TR_MSG_DROP:
		return on_msg_end(pj, out, rec);
	case TR_LOG:
	case TR_FAULT:
	case TR_DEADLOCK:
		return on_text(pj, out, rec);
	case TR_UPCALL:
		return on_upcall(pj, out, nm, rec);
	default:
		return 0;
	}
}

/* "%EventDef NAME ID", one "% FIELD TYPE" line per field, "%EndEventDef". */
static void put_eventdef(FILE *out, int id, const char *def)
{
	const char *sp = strchr(def, ' ');

	fprintf(out, "%%EventDef %.*s %d\n", (int)(sp - def), def, id);
	for (const char *f = sp + 1, *e; *f; f = *e ? e + 1 : e) {
		e = strchr(f, '|');
		if (!e)
			e = f + strlen(f);
		fprintf(out, "%%       %.*s\n", (int)(e - f), f);
	}
	fputs("%EndEventDef\n", out);
}

static int paje_begin(void **st, FILE *out, const struct trace_reader *r)
{
	struct paje *pj = calloc(1, sizeof *pj);

	if (!pj)
		return -1;
	pj->threads = (struct export_tab)EXPORT_TAB(struct pthread_ent);
	pj->cpus = (struct export_tab)EXPORT_TAB(struct pcpu);
	pj->procs = (struct export_tab)EXPORT_TAB(struct pkey);
	pj->sends = (struct export_tab)EXPORT_TAB(struct pkey);
	*st = pj;
	fputs("# ukern trace exported as Paje (ukern export --format paje)\n", out);
	for (size_t i = 0; i < trace_header_count(r); i++) {
		const char *k = trace_header_key(r, i), *v = trace_header_value(r, i);
		fputs("# ", out);
		put_raw(out, k, strlen(k));
		fputs(": ", out);
		put_raw(out, v, strlen(v));
		fputc('\n', out);
	}
	for (int i = 0; i < (int)(sizeof eventdefs / sizeof eventdefs[0]); i++)
		put_eventdef(out, i, eventdefs[i]);
	fputs(types, out);
	ev(out, EV_CREATE, 0);
	fputs(" m M 0 \"machine\"\n", out);
	return 0;
}

static int by_id(const void *a, const void *b)
{
	uint64_t x = ((const struct pkey *)a)->id, y = ((const struct pkey *)b)->id;

	return (x > y) - (x < y);
}

/* End every arrow still open in the sink, in flow order. */
static void paje_finish(void *st, FILE *out, const struct export_names *nm,
			const struct trace_reader *r)
{
	struct paje *pj = st;
	size_t n = pj->sends.n, k = 0;
	struct pkey *v = n ? malloc(n * sizeof *v) : NULL;

	(void)nm;
	(void)r;
	for (size_t i = 0; v && i < pj->sends.cap; i++)
		if (export_tab_at(&pj->sends, i))
			v[k++] = *(struct pkey *)export_tab_at(&pj->sends, i);
	if (v)
		qsort(v, k, sizeof *v, by_id);
	for (size_t i = 0; i < k; i++)
		end_link(pj, out, export_tab_get(&pj->sends, v[i].id), pj->last_ns, 0);
	free(v);
}

static void paje_free(void *st)
{
	struct paje *pj = st;

	export_tab_free(&pj->threads);
	export_tab_free(&pj->cpus);
	export_tab_free(&pj->procs);
	export_tab_free(&pj->sends);
	free(pj);
}

const struct exporter export_paje = {
	"paje", paje_begin, paje_record, paje_finish, paje_free,
};
