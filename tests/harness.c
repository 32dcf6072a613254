/*
 * harness.c - the test kit of harness.h: machine and process set-up, the
 * event log and its checker, and the few body-side stubs the userland API
 * lacks (yield, spawn, the name-server protocol).
 */
#include "harness.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "body_c.h"
#include "cost.h"
#include "machine.h"
#include "name/name.h"
#include "proc.h"
#include "sched.h"
#include "syscall.h"
#include "thread.h"
#include "uk.h"

enum { H_MAX_EVENTS = 1000000 };

int h_setup(void **state)
{
	struct machine *m = calloc(1, sizeof *m);

	*state = m;
	return m ? 0 : -1;
}

int h_teardown(void **state)
{
	struct machine *m = *state;

	if (m && m->cpus)
		machine_free(m);
	free(m);
	return 0;
}

int h_machine(struct machine *m, unsigned cpus, const char *sched, uint64_t quantum_ns,
	      uint32_t qlimit)
{
	struct machine_config cfg = {
		.cpus = cpus,
		.sched = sched_find(sched),
		.quantum_ns = quantum_ns,
		.qlimit = qlimit,
		.seed = 1,
		.until_ns = UINT64_MAX,
		.max_events = H_MAX_EVENTS,
	};

	if (!cfg.sched || cost_profile("zero", &cfg.costs) != 0)
		return -1;
	return machine_init(m, &cfg);
}

int h_costs(struct machine *m, const char *profile)
{
	return cost_profile(profile, &m->cfg.costs);
}

struct proc *h_proc(struct machine *m, const char *name, uint64_t start_ns, body_c_fn fn,
		    void *arg)
{
	void *body = body_c_new(m, fn, arg);
	struct proc *p;

	if (!body)
		return NULL;
	p = proc_new(m, name, start_ns, &body_c_ops, body);
	if (!p) {
		struct thread tmp = { .body_data = body, .m = m };
		body_c_ops.destroy(&tmp);
	}
	return p;
}

static void print_events(const char *title, const struct h_event *ev, unsigned n)
{
	print_message("%s (%u):\n", title, n);
	for (unsigned i = 0; i < n; i++)
		print_message("  %2u  %12llu ns  %-16s %lld\n", i, (unsigned long long)ev[i].ns,
			      ev[i].what, (long long)ev[i].val);
}

static int same_event(const struct h_event *a, const struct h_event *b)
{
	return a->ns == b->ns && a->val == b->val && strcmp(a->what, b->what) == 0;
}

void h_expect(const struct h_log *lg, const struct h_event *want, unsigned n)
{
	unsigned kept = lg->n < H_LOG_MAX ? lg->n : H_LOG_MAX;
	unsigned i = 0;

	if (lg->n == n)
		while (i < n && same_event(&lg->ev[i], &want[i]))
			i++;
	if (lg->n == n && i == n)
		return;
	print_events("expected", want, n);
	print_events("got", lg->ev, kept);
	fail_msg("event log differs (first difference at %u)", i);
}

void h_note(struct h_log *lg, struct thread *self, const char *what, int64_t val)
{
	if (lg->n < H_LOG_MAX)
		lg->ev[lg->n] = (struct h_event){ uk_now(self), what, val };
	lg->n++;
}

void h_yield(struct thread *self)
{
	self->sc.op = SYS_YIELD;
	body_c_trap(self);
}

int h_spawn(struct thread *self, body_c_fn fn, void *arg, uint32_t *tid)
{
	void *body = body_c_new(self->m, fn, arg);

	if (!body)
		return UK_ENOMEM;
	self->sc.op = SYS_SPAWN;
	self->sc.body = &body_c_ops;
	self->sc.ptr = body;
	body_c_trap(self);
	*tid = (uint32_t)self->sc.val;
	return self->sc.err;
}

struct msg *h_msg(int64_t val)
{
	struct msg *m = msg_new(sizeof val);

	if (m) {
		memcpy(m->data, &val, sizeof val);
		m->nvalues = 1;
	}
	return m;
}

int64_t h_val(const struct msg *m)
{
	int64_t val;

	if (!m || m->size != sizeof val)
		return -1;
	memcpy(&val, m->data, sizeof val);
	return val;
}

/* The one private stub of the name-server protocol: call it with op on
 * service (carrying the right port when not 0); *reply gets its answer. */
static int ns_invoke(struct thread *self, unsigned op, const char *service, int32_t port,
		     struct msg **reply)
{
	struct ns_request rq = { op, (uint32_t)strlen(service), { 0 } };
	struct ns_reply rp;
	struct msg *m;
	int err;

	*reply = NULL;
	if (rq.len == 0 || rq.len > UK_NAME_MAX)
		return UK_EINVAL;
	memcpy(rq.name, service, rq.len);
	m = msg_new(sizeof rq);
	if (!m)
		return UK_ENOMEM;
	memcpy(m->data, &rq, sizeof rq);
	m->nvalues = 2;
	if (port) {
		m->nrights = 1;
		m->names[0] = port;
	}
	*reply = uk_call(self, UK_NAME_NAMESERVER, m, UK_FOREVER, &err);
	if (!*reply)
		return err;
	if ((*reply)->size != sizeof rp)
		return UK_EINVAL;
	memcpy(&rp, (*reply)->data, sizeof rp);
	return rp.err;
}

int h_register(struct thread *self, const char *service, int32_t port)
{
	struct msg *reply;
	int err = ns_invoke(self, NS_REGISTER, service, port, &reply);

	msg_free(reply);
	return err;
}

int h_lookup(struct thread *self, const char *service, int32_t *port)
{
	struct msg *reply;
	int err = ns_invoke(self, NS_LOOKUP, service, 0, &reply);

	*port = 0;
	if (!err && reply->nrights != 1)
		err = UK_EINVAL;
	if (!err)
		*port = reply->names[0];
	msg_free(reply);
	return err;
}
