/*
 * trace_check.c - the values a record may hold (API: trace_check.h).
 *
 * One table: for each kind, one letter per argument saying what it is -
 * an enumeration with its range, a thread, process or port that must exist
 * (or may also be 0, "none"), an identifier the record creates, or a value
 * the format does not restrict. The ranges are those of doc/trace-format.md
 * section 5. Two references legitimately come before their creation record
 * and are not checked: a fork's child and a respawn's new process (their
 * proc_new follows).
 */
#include "trace_check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace_format.h"

enum { ID_TID, ID_PID, ID_PORT };

/*
 * Argument letters:
 *   T P Q   a tid, pid or port some earlier record created
 *   t p q   the same, or 0 (none; tid 0 is the kernel itself)
 *   a b c   a tid, pid or port this record creates (one not created before)
 *   l       a port this record labels: it creates it if nothing did (the
 *           network servers' ports are made before the trace begins)
 *   e       an enumeration: lo[i] to hi[i]
 *   .       not restricted
 */
struct kind_rule {
	const char *spec;
	uint8_t lo[TRACE_MAX_ARGS], hi[TRACE_MAX_ARGS];
};

#define R(s, ...) { s, __VA_ARGS__ }
#define E0 { 0 }, { 0 }

static const struct kind_rule rules[TR_KIND_COUNT] = {
	[TR_PROC_NEW] = R("be", { 0, 0 }, { 0, 1 }),
	[TR_PROC_EXIT] = R("P.e", { 0, 0, 0 }, { 0, 0, 2 }),
	[TR_THREAD_NEW] = R("aP", E0),
	[TR_THREAD_STATE] = R("Teeq", { 0, 0, 0 }, { 0, 3, 18 }),
	[TR_DISPATCH] = R(".T", E0),
	[TR_PORT_NEW] = R("cp.", E0),
	[TR_PORT_DEAD] = R("Q", E0),
	[TR_MSG_SEND] = R(".tQ.e.", { 0 }, { 0, 0, 0, 0, 2 }),
	[TR_MSG_ENQUEUE] = R(".Q.", E0),
	[TR_MSG_DELIVER] = R(".TQ", E0),
	[TR_MSG_DROP] = R(".Qe", { 0, 0, 1 }, { 0, 0, 4 }),
	[TR_LOG] = R("t", E0),
	[TR_NAME] = R("pqee", { 0, 0, 1, 0 }, { 0, 0, 3, 1 }),
	[TR_FAULT] = R("TP", E0),
	[TR_PORT_LABEL] = R("l", E0),
	[TR_THREAD_KIND] = R("Te", { 0, 1 }, { 0, 2 }),
	[TR_USWITCH] = R("TtT", E0),
	[TR_UPCALL] = R("Tet", { 0, 1 }, { 0, 4 }),
	[TR_WAIT] = R("Teqpt", { 0 }, { 0, 18 }),
	[TR_MSG_DELAY] = R(".Q.", E0),
	[TR_CRASH] = R("p.", E0),
	[TR_RESPAWN] = R("TP..", E0),
	[TR_TIMER] = R("TQ..", E0),
	[TR_VM_MAP] = R("P..ee", { 0, 0, 0, 1, 0 }, { 0, 0, 0, 4, 3 }),
	[TR_VM_UNMAP] = R("P..", E0),
	[TR_VM_PROTECT] = R("P..e", { 0 }, { 0, 0, 0, 3 }),
	[TR_PAGE_FAULT] = R("TP.e.", { 0, 0, 0, 1 }, { 0, 0, 0, 6 }),
	[TR_PAGE_COPY] = R("P...", E0),
	[TR_FORK] = R("P..", E0),
	[TR_OOL] = R(".P..e", { 0, 0, 0, 0, 1 }, { 0, 0, 0, 0, 2 }),
	[TR_LRPC_EXPORT] = R(".PQ.", E0),
	[TR_LRPC_BIND] = R("..P...", E0),
	[TR_LRPC_CALL] = R("TPP..e", { 0 }, { 0, 0, 0, 0, 0, 2 }),
	[TR_LRPC_RETURN] = R("TPP..e", { 0 }, { 0, 0, 0, 0, 0, 2 }),
	[TR_LRPC_ESTACK] = R("...e", { 0 }, { 0, 0, 0, 1 }),
	[TR_NODE] = R("...e", { 0 }, { 0, 0, 0, 1 }),
	[TR_PROC_NODE] = R("P.", E0),
	[TR_PKT_ARRIVE] = R("...e", { 0 }, { 0, 0, 0, 1 }),
	[TR_CONVERT] = R("...e", { 0, 0, 0, 1 }, { 0, 0, 0, 2 }),
	[TR_PAGE_MOVE] = R("P...", E0),
	[TR_OBJ_EXPORT] = R("PQ.", E0),
	[TR_OBJ_CALL] = R("TPQ..e", { 0 }, { 0, 0, 0, 0, 0, 1 }),
	[TR_CLOCK_ROUND] = R("P....e", { 0 }, { 0, 0, 0, 0, 0, 1 }),
	[TR_CLOCK_ADJUST] = R("P..e.e", { 0 }, { 0, 0, 0, 1, 0, 1 }),
	[TR_MIGRATE] = R(".P..ee", { 0, 0, 0, 0, 1, 1 }, { 0, 0, 0, 0, 3, 2 }),
	[TR_MIGRATE_PULL] = R(".T..", E0),
	[TR_MIGRATE_END] = R(".P....", E0),
	[TR_SHM_NEW] = R(".P..eQ", { 0 }, { 0, 0, 0, 0, 3 }),
	[TR_SHM_MAP] = R(".P..e", { 0 }, { 0, 0, 0, 0, 3 }),
	[TR_SHM_UNMAP] = R(".P..", E0),
	[TR_PAGE_FRAME] = R("P..", E0),
	[TR_SHM_RESTRICT] = R(".PQe", { 0 }, { 0, 0, 0, 3 }),
};

static const char *const id_thing[3] = { "thread", "process", "port" };
static const char *const id_maker[3] = { "thread_new", "proc_new", "port_new" };

/* Which identifier space a letter names. */
static int id_space(char l)
{
	switch (l) {
	case 'T': case 't': case 'a': return ID_TID;
	case 'P': case 'p': case 'b': return ID_PID;
	default: return ID_PORT;
	}
}

/* The index of the first value >= v in s. */
static size_t idset_find(const struct trace_idset *s, uint64_t v)
{
	size_t lo = 0, hi = s->n;

	if (s->n && s->v[s->n - 1] < v)      /* identifiers mostly come in order */
		return s->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->v[mid] < v)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int idset_has(const struct trace_idset *s, uint64_t v)
{
	size_t i = idset_find(s, v);

	return i < s->n && s->v[i] == v;
}

/* Add v (not in s); 0, or -1 when memory runs out. */
static int idset_add(struct trace_idset *s, uint64_t v)
{
	size_t i = idset_find(s, v);

	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 64;
		uint64_t *nv = realloc(s->v, cap * sizeof *nv);
		if (!nv)
			return -1;
		s->v = nv;
		s->cap = cap;
	}
	memmove(s->v + i + 1, s->v + i, (s->n - i) * sizeof *s->v);
	s->v[i] = v;
	s->n++;
	return 0;
}

/* Does identifier v of space sp exist? Port 1 is the name server's, made
 * before the trace begins (so it has no port_new). */
static int exists(const struct trace_check *c, int sp, uint64_t v)
{
	return idset_has(&c->ids[sp], v) || (sp == ID_PORT && v == 1);
}

/* Argument i (value v) of a record of kind k against its letter; 0 or -1
 * with msg. */
static int check_arg(const struct trace_check *c, const struct kind_rule *rule, unsigned k,
		     unsigned i, uint64_t v, char *msg, size_t len)
{
	const char *name = trace_kinds[k].name, *arg = trace_kinds[k].args[i];
	char l = rule->spec[i];
	int sp = id_space(l);

	switch (l) {
	case '.': case 'l':
		return 0;
	case 'e':
		if (v >= rule->lo[i] && v <= rule->hi[i])
			return 0;
		snprintf(msg, len, "%s record: %s %llu is out of its range (%u to %u)", name, arg,
			 (unsigned long long)v, rule->lo[i], rule->hi[i]);
		return -1;
	case 'a': case 'b': case 'c':
		if (v != 0 && !idset_has(&c->ids[sp], v))
			return 0;
		snprintf(msg, len, v ? "%s record: %s %llu was created before (identifiers are "
			 "never reused)" : "%s record: %s %llu: identifiers start at 1", name, arg,
			 (unsigned long long)v);
		return -1;
	default:
		if ((v == 0 && l >= 'a') || (v != 0 && exists(c, sp, v)))
			return 0;
		snprintf(msg, len, "%s record: %s %llu names no %s (no %s record created it "
			 "before)", name, arg, (unsigned long long)v, id_thing[sp], id_maker[sp]);
		return -1;
	}
}

/* Note what argument i (letter l, value v) creates; 0 or -1 (memory). */
static int note_arg(struct trace_check *c, char l, uint64_t v)
{
	int sp = id_space(l);

	if (!(l == 'a' || l == 'b' || l == 'c' || l == 'l') || idset_has(&c->ids[sp], v))
		return 0;
	return idset_add(&c->ids[sp], v);
}

int trace_check_record(struct trace_check *c, unsigned kind, const uint64_t *args, char *msg,
		       size_t len)
{
	const struct kind_rule *rule = kind < TR_KIND_COUNT ? &rules[kind] : NULL;
	unsigned n;

	if (!rule || !rule->spec)
		return 0;
	n = trace_kinds[kind].nargs;
	for (unsigned i = 0; i < n && rule->spec[i]; i++)
		if (check_arg(c, rule, kind, i, args[i], msg, len) != 0)
			return -1;
	for (unsigned i = 0; i < n && rule->spec[i]; i++)
		if (note_arg(c, rule->spec[i], args[i]) != 0) {
			snprintf(msg, len, "out of memory");
			return -1;
		}
	return 0;
}

void trace_check_free(struct trace_check *c)
{
	for (int i = 0; i < 3; i++) {
		free(c->ids[i].v);
		c->ids[i] = (struct trace_idset){ NULL, 0, 0 };
	}
}
