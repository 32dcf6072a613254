/*
 * uk.c - the C system-call stubs: fill the request, trap, read the answer.
 */
#include "uk.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "body_c.h"
#include "crash.h"
#include "machine.h"
#include "name/name.h"
#include "net.h"
#include "proc.h"
#include "rpcstat.h"
#include "syscall.h"
#include "thread.h"
#include "time/pclock.h"
#include "uk_limits.h"

/* The one private helper every stub goes through. */
static int invoke(struct thread *self, unsigned op, int32_t name, uint64_t arg, uint64_t timeout,
		  struct msg *m)
{
	struct sc *sc = &self->sc;

	sc->op = (uint16_t)op;
	sc->name = name;
	sc->arg = arg;
	sc->timeout = timeout;
	sc->m = m;
	if (m)
		msg_unhold(m);    /* the kernel's now (forwarded, or a reply) */
	body_c_trap(self);
	return sc->err;
}

void uk_compute(struct thread *self, uint64_t ns)
{
	invoke(self, SYS_COMPUTE, 0, ns, UK_FOREVER, NULL);
}

void uk_sleep(struct thread *self, uint64_t ns)
{
	invoke(self, SYS_SLEEP, 0, ns, UK_FOREVER, NULL);
}

void uk_io(struct thread *self, uint64_t ns)
{
	invoke(self, SYS_IO, 0, ns, UK_FOREVER, NULL);
}

int uk_port(struct thread *self, uint64_t qlimit, int32_t *name)
{
	int err = invoke(self, SYS_PORT, 0, qlimit, UK_FOREVER, NULL);

	*name = (int32_t)self->sc.val;
	return err;
}

int uk_send(struct thread *self, int32_t name, struct msg *m, uint64_t timeout)
{
	return invoke(self, SYS_SEND, name, 0, timeout, m);
}

/* Take the message the kernel left in sc.m. */
static struct msg *take(struct thread *self, int err, int *errp)
{
	struct msg *m = self->sc.m;

	self->sc.m = NULL;
	*errp = err;
	if (err) {
		msg_free(m);
		return NULL;
	}
	if (m)
		msg_hold(m);      /* on the body's stack only: msg_reclaim */
	return m;
}

struct msg *uk_recv(struct thread *self, int32_t name, uint64_t timeout, int *err)
{
	return take(self, invoke(self, SYS_RECV, name, 0, timeout, NULL), err);
}

struct msg *uk_call(struct thread *self, int32_t name, struct msg *m, uint64_t timeout, int *err)
{
	return take(self, invoke(self, SYS_CALL, name, 0, timeout, m), err);
}

int uk_reply(struct thread *self, int32_t reply_name, struct msg *m)
{
	return invoke(self, SYS_REPLY, reply_name, 0, UK_FOREVER, m);
}

struct msg *uk_reply_recv(struct thread *self, int32_t reply_name, struct msg *m, int32_t name,
			  uint64_t timeout, int *err)
{
	return take(self, invoke(self, SYS_REPLY_RECV, reply_name, (uint64_t)(uint32_t)name,
				 timeout, m), err);
}

/* Start fn(new thread, arg) on a pooled stack with op (a thread of the
 * caller's process, or a forked child); *id gets the kernel's answer. */
static int start_body(struct thread *self, unsigned op, void (*fn)(struct thread *, void *),
		      void *arg, uint32_t *id)
{
	void *body = body_c_new(self->m, fn, arg);
	int err;

	if (!body)
		return UK_ENOMEM;
	self->sc.body = &body_c_ops;
	self->sc.ptr = body;
	err = invoke(self, op, 0, 0, UK_FOREVER, NULL);
	*id = (uint32_t)self->sc.val;
	return err;
}

int uk_spawn(struct thread *self, void (*fn)(struct thread *self, void *arg), void *arg,
	     uint32_t *tid)
{
	return start_body(self, SYS_SPAWN, fn, arg, tid);
}

int uk_join(struct thread *self, uint32_t tid)
{
	return invoke(self, SYS_JOIN, 0, tid, UK_FOREVER, NULL);
}

int uk_notify_dead(struct thread *self, int32_t name, int32_t to)
{
	return invoke(self, SYS_NOTIFY, name, (uint64_t)to, UK_FOREVER, NULL);
}

int uk_timer(struct thread *self, uint64_t at_ns, int32_t port, uint64_t cookie)
{
	self->sc.val = (int64_t)cookie;
	return invoke(self, SYS_TIMER, port, at_ns, UK_FOREVER, NULL);
}

int uk_notify_exit(struct thread *self, uint32_t pid, int32_t to)
{
	return invoke(self, SYS_WATCH, to, pid, UK_FOREVER, NULL);
}

void uk_rpc_executed(struct thread *self, const char *service, const char *method)
{
	/* statistics only: a count lost to a lack of memory changes no run */
	(void)rpcstat_note(self->m, service, method, RS_EXECUTION, 0, 0);
}

int uk_register(struct thread *self, const char *service, int32_t port)
{
	struct ns_request rq = { NS_REGISTER, (uint32_t)strlen(service), { 0 } };
	struct ns_reply rp = { UK_EINVAL, 0 };
	uint64_t retry = net_retry_ns(self->m, self->p->node, 0);
	struct msg *m, *reply = NULL;
	int err = UK_ETIMEDOUT;

	if (rq.len == 0 || rq.len > UK_NAME_MAX)
		return UK_EINVAL;
	memcpy(rq.name, service, rq.len);
	/* Sent again when its answer is lost on the way (net_retry_ns; a
	 * registration made twice is made once). */
	for (int tries = 0; !reply && err == UK_ETIMEDOUT && tries <= NET_NS_RETRIES; tries++) {
		if (!(m = msg_new(sizeof rq)))
			return UK_ENOMEM;
		memcpy(m->data, &rq, sizeof rq);
		m->nvalues = 2;
		m->nrights = 1;
		m->names[0] = port;
		reply = uk_call(self, UK_NAME_NAMESERVER, m, retry ? retry << tries : UK_FOREVER,
				&err);
		if (!retry)
			break;
		retry = net_retry_ns(self->m, self->p->node, 0);   /* the links' queues now */
	}
	if (!reply)
		return err;
	if (reply->size == sizeof rp)
		memcpy(&rp, reply->data, sizeof rp);
	msg_free(reply);
	return rp.err;
}

void uk_log(struct thread *self, const char *fmt, ...)
{
	va_list ap;
	char *text;

	va_start(ap, fmt);
	if (vasprintf(&text, fmt, ap) < 0)
		text = NULL;
	va_end(ap);
	if (!text)
		return;
	self->sc.ptr = text;
	invoke(self, SYS_LOG, 0, 0, UK_FOREVER, NULL);
}

void uk_note_name(struct thread *self, int32_t name, unsigned op, int ok, uint32_t client_pid,
		  const char *text)
{
	self->sc.ptr = strdup(text);
	if (!self->sc.ptr)
		return;
	invoke(self, SYS_NAMEOP, name, op | (uint64_t)(ok ? 1 : 0) << 8 | (uint64_t)client_pid << 32,
	       UK_FOREVER, NULL);
}

uint64_t uk_now(struct thread *self)
{
	return self->m->now;
}

uint64_t uk_clock(struct thread *self)
{
	return pclock_read(self->p, self->m->now);
}

uint64_t uk_clock_until(struct thread *self, uint64_t x)
{
	return pclock_until(self->p, self->m->now, x);
}

int uk_net_forward(struct thread *self, uint32_t id)
{
	return invoke(self, SYS_NET_FORWARD, 0, id, UK_FOREVER, NULL);
}

int uk_svc_watch(struct thread *self, int32_t port)
{
	return invoke(self, SYS_SVC, port, SVC_WATCH, UK_FOREVER, NULL);
}

int uk_svc_status(struct thread *self, uint32_t slot, struct uk_svc_status *st)
{
	int err = invoke(self, SYS_SVC, 0, SVC_STATUS | (uint64_t)slot << 8, UK_FOREVER, NULL);

	if (err == UK_OK)
		memcpy(st, self->sc.ptr, sizeof *st);
	free(self->sc.ptr);
	self->sc.ptr = NULL;
	return err;
}

int uk_respawn(struct thread *self, uint32_t slot, uint32_t *pid)
{
	int err = invoke(self, SYS_SVC, 0, SVC_RESPAWN | (uint64_t)slot << 8, UK_FOREVER, NULL);

	*pid = (uint32_t)self->sc.val;
	return err;
}

int uk_mem_alloc(struct thread *self, uint64_t bytes, unsigned perm, uint64_t *addr)
{
	int err = invoke(self, SYS_MEM_ALLOC, (int32_t)perm, bytes, UK_FOREVER, NULL);

	*addr = (uint64_t)self->sc.val;
	return err;
}

int uk_mem_free(struct thread *self, uint64_t addr)
{
	return invoke(self, SYS_MEM_FREE, 0, addr, UK_FOREVER, NULL);
}

int uk_mem_protect(struct thread *self, uint64_t addr, uint64_t len, unsigned perm)
{
	self->sc.len = len;
	return invoke(self, SYS_MEM_PROTECT, (int32_t)perm, addr, UK_FOREVER, NULL);
}

int uk_mem_write(struct thread *self, uint64_t addr, const void *buf, uint64_t len)
{
	struct msg *m;

	if (len == 0)
		return UK_OK;
	if (len > UK_MEM_MAX_IO || !(m = msg_new((uint32_t)len)))
		return UK_ENOMEM;
	memcpy(m->data, buf, len);
	self->sc.len = len;
	return invoke(self, SYS_MEM_WRITE, 0, addr, UK_FOREVER, m);
}

int uk_mem_read(struct thread *self, uint64_t addr, void *buf, uint64_t len)
{
	int err;

	if (len == 0)
		return UK_OK;
	self->sc.len = len;
	err = invoke(self, SYS_MEM_READ, 0, addr, UK_FOREVER, NULL);
	if (!err)
		memcpy(buf, self->sc.m->data, len);
	msg_free(self->sc.m);
	self->sc.m = NULL;
	return err;
}

int uk_fork(struct thread *self, void (*fn)(struct thread *self, void *arg), void *arg,
	    uint32_t *pid)
{
	return start_body(self, SYS_FORK, fn, arg, pid);
}

int uk_wait(struct thread *self, uint32_t pid, int *code, int *faulted)
{
	int err = invoke(self, SYS_WAIT, 0, pid, UK_FOREVER, NULL);
	uint64_t v = (uint64_t)self->sc.val;

	*code = (int)(int32_t)(uint32_t)v;
	*faulted = (int)(v >> 32);
	return err;
}
