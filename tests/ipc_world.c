/*
 * ipc_world.c - the helpers of ipc_world.h.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "ipc_world.h"
#include "machine.h"
#include "msg.h"
#include "name/name.h"
#include "proc.h"
#include "thread.h"
#include "uk.h"

/* A machine with the name server, pid 1; the processes a test adds follow. */
struct machine *world_machine(void **state, unsigned cpus)
{
	struct machine *m = *state;

	assert_int_equal(h_machine(m, cpus, "fifo", 10 * MS, 16), 0);
	assert_non_null(ns_install(m));
	return m;
}

struct proc *add(struct machine *m, const char *name, uint64_t start, body_c_fn fn,
		 struct world *w, int daemon)
{
	struct proc *p = h_proc(m, name, start, fn, w);

	assert_non_null(p);
	p->daemon = daemon;
	return p;
}

/* A new port with qlimit, registered as service. Returns its name. */
int32_t serve_port(struct thread *self, struct world *w, const char *service,
		   uint64_t qlimit)
{
	int32_t pn = 0;

	if (uk_port(self, qlimit, &pn) != UK_OK || h_register(self, service, pn) != UK_OK)
		w->bad++;
	return pn;
}

/* A send right to service. */
int32_t find(struct thread *self, struct world *w, const char *service)
{
	int32_t pn = 0;

	if (h_lookup(self, service, &pn) != UK_OK)
		w->bad++;
	return pn;
}

/* Send the value val on name; returns the error. */
int send_val(struct thread *self, int32_t name, int64_t val, uint64_t timeout)
{
	return uk_send(self, name, h_msg(val), timeout);
}

/* Receive on name and note the value (or -error) under what. */
void recv_note(struct thread *self, struct world *w, int32_t name, uint64_t timeout,
	       const char *what)
{
	int err;
	struct msg *msg = uk_recv(self, name, timeout, &err);

	h_note(&w->lg, self, what, msg ? h_val(msg) : -err);
	msg_free(msg);
}

/* Call name with val; note the reply's value (or -error) under what. */
void call_note(struct thread *self, struct world *w, int32_t name, int64_t val,
	       uint64_t timeout, const char *what)
{
	int err;
	struct msg *reply = uk_call(self, name, h_msg(val), timeout, &err);

	h_note(&w->lg, self, what, reply ? h_val(reply) : -err);
	msg_free(reply);
}

/* An echo server's loop: answer every call with its value + 1000, after
 * computing delay_ns. */
void echo_loop(struct thread *self, int32_t pn, uint64_t delay_ns)
{
	for (;;) {
		int err;
		struct msg *req = uk_recv(self, pn, UK_FOREVER, &err);
		int64_t val = h_val(req);
		int32_t rn = req ? req->reply_name : 0;

		msg_free(req);
		uk_compute(self, delay_ns);
		if (rn)
			uk_reply(self, rn, h_msg(val + 1000));
	}
}
