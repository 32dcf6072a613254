/*
 * rs.c - the reincarnation server (see rs.h): wait for a crash notice, then
 * check every period until every crashed program is restarted. It uses only
 * the userland API; the kernel's side is kernel/crash.c.
 */
#include "rs/rs.h"

#include <stdlib.h>
#include <string.h>

#include "body_c.h"
#include "crash.h"
#include "machine.h"
#include "proc.h"
#include "uk.h"
#include "units.h"

struct rs_state {
	uint64_t check_ns;
	uint32_t *logged;     /* per slot: the pid whose crash was last reported */
	uint32_t nlogged;
};

uint64_t rs_backoff(uint64_t restart_ns, uint32_t crashes, uint64_t max_ns)
{
	uint64_t d = restart_ns;

	for (uint32_t i = 1; i < crashes && d < max_ns; i++)
		d = d > UINT64_MAX / 2 ? UINT64_MAX : d * 2;
	return d > max_ns && max_ns >= restart_ns ? max_ns : d;
}

static const char *dur(uint64_t ns, char *buf, size_t len)
{
	units_format_ns(ns, buf, len);
	return buf;
}

/* Report a crash the first time a check sees it. */
static void report(struct thread *self, struct rs_state *s, uint32_t slot,
		   const struct uk_svc_status *st, uint64_t delay)
{
	char a[32], b[32], c[32];

	if (slot >= s->nlogged) {
		uint32_t n = slot + 8;
		uint32_t *v = realloc(s->logged, n * sizeof *v);
		if (!v)
			return;
		memset(v + s->nlogged, 0, (n - s->nlogged) * sizeof *v);
		s->logged = v;
		s->nlogged = n;
	}
	if (s->logged[slot] == st->pid)
		return;
	s->logged[slot] = st->pid;
	uk_log(self, "%s (pid %u) crashed at %s, crash %u: restart after %s, at the first check "
		     "from %s", st->name, st->pid, dur(st->died_ns, a, sizeof a), st->crashes,
	       dur(delay, b, sizeof b),
	       dur(delay > UINT64_MAX - st->died_ns ? UINT64_MAX : st->died_ns + delay, c, sizeof c));
}

/* Restart the program of slot, dead since st->died_ns. Returns 0, or -1
 * when it could not be (it is tried again at the next check). */
static int restart(struct thread *self, uint32_t slot, const struct uk_svc_status *st)
{
	struct uk_svc_status now;
	uint32_t pid;
	char a[32];
	int err = uk_respawn(self, slot, &pid);

	if (err != UK_OK) {
		uk_log(self, "cannot restart %s: %s", st->name, uk_strerror(err));
		return -1;
	}
	if (uk_svc_status(self, slot, &now) == UK_OK)
		uk_log(self, "restarted %s as %s (pid %u), %s after its crash", st->name, now.name,
		       pid, dur(uk_now(self) - st->died_ns, a, sizeof a));
	return 0;
}

/* Look at every supervised program; restart those whose delay has passed.
 * Returns how many are still waiting. */
static int check(struct thread *self, struct rs_state *s)
{
	int waiting = 0;

	for (uint32_t slot = 0;; slot++) {
		struct uk_svc_status st;
		uint64_t delay;
		if (uk_svc_status(self, slot, &st) != UK_OK)
			break;
		if (!st.dead)
			continue;
		delay = rs_backoff(st.restart_ns, st.crashes, st.backoff_max_ns);
		report(self, s, slot, &st, delay);
		if (uk_now(self) - st.died_ns < delay || restart(self, slot, &st) != 0)
			waiting++;
	}
	return waiting;
}

static void rs_main(struct thread *self, void *arg)
{
	struct rs_state *s = arg;
	int32_t pn = 0;

	if (uk_port(self, UINT64_MAX, &pn) != UK_OK || uk_svc_watch(self, pn) != UK_OK) {
		uk_log(self, "cannot watch for crashes: out of memory");
		return;
	}
	for (;;) {
		/* Idle until a crash notice; while a program waits, wake at each check. */
		uint64_t timeout = UK_FOREVER;
		int err;
		if (check(self, s)) {
			uint64_t t = uk_now(self);
			timeout = (t / s->check_ns + 1) * s->check_ns - t;
		}
		msg_free(uk_recv(self, pn, timeout, &err));
	}
}

static void rs_free(void *arg)
{
	struct rs_state *s = arg;

	free(s->logged);
	free(s);
}

struct proc *rs_install(struct machine *m, uint64_t check_ns)
{
	struct rs_state *s = calloc(1, sizeof *s);
	void *body = s ? body_c_new(m, rs_main, s) : NULL;
	struct proc *p;

	if (!body) {
		free(s);
		return NULL;
	}
	s->check_ns = check_ns;
	p = proc_new(m, "rs", 0, &body_c_ops, body);
	if (!p) {
		struct thread tmp = { .body_data = body, .m = m };
		body_c_ops.destroy(&tmp);
		free(s);
		return NULL;
	}
	p->udata = s;
	p->udata_free = rs_free;
	p->daemon = 1;
	return p;
}
