/*
 * name.c - the name server, in the MINIX data-store pattern: receive a
 * request, dispatch on its op through a table of do_<op> handlers that check
 * then act, reply. It uses only the userland API.
 *
 * Only the process that registered a name may replace or remove it; others
 * get "not owner" and the name keeps pointing where it did. When a
 * registered port dies, the kernel's dead-name notice removes its names.
 */
#include "name/name.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "body_c.h"
#include "machine.h"
#include "port.h"
#include "proc.h"
#include "uk.h"

struct entry {
	char name[UK_NAME_MAX + 1];
	uint32_t owner;     /* pid of the registrant */
	int32_t right;      /* the name server's send right to the port */
};

struct ns_state {
	struct entry *v;
	size_t n, cap;
};

static struct entry *find(struct ns_state *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->v[i].name, name) == 0)
			return &s->v[i];
	return NULL;
}

static int do_register(struct ns_state *s, const char *name, struct msg *req, int32_t *out)
{
	struct entry *e = find(s, name);

	if (req->nrights != 1)
		return UK_EINVAL;
	if (e && e->owner != req->sender_pid)
		return UK_ENOTOWNER;
	if (!e) {
		if (s->n == s->cap) {
			size_t cap = s->cap ? s->cap * 2 : 16;
			struct entry *v = realloc(s->v, cap * sizeof *v);
			if (!v)
				return UK_ENOMEM;
			s->v = v;
			s->cap = cap;
		}
		e = &s->v[s->n++];
		strcpy(e->name, name);
		e->owner = req->sender_pid;
	}
	e->right = req->names[0];
	*out = e->right;
	return UK_OK;
}

static int do_lookup(struct ns_state *s, const char *name, struct msg *req, int32_t *out)
{
	struct entry *e = find(s, name);

	(void)req;
	if (!e)
		return UK_ENOENT;
	*out = e->right;
	return UK_OK;
}

static int do_unregister(struct ns_state *s, const char *name, struct msg *req, int32_t *out)
{
	struct entry *e = find(s, name);

	(void)out;
	if (!e)
		return UK_ENOENT;
	if (e->owner != req->sender_pid)
		return UK_ENOTOWNER;
	*out = e->right;
	*e = s->v[--s->n];
	return UK_OK;
}

static int do_list(struct ns_state *s, const char *name, struct msg *req, int32_t *out)
{
	(void)s, (void)name, (void)req, (void)out;
	return UK_OK;
}

typedef int (*ns_handler)(struct ns_state *s, const char *name, struct msg *req, int32_t *out);

static const ns_handler handlers[] = {
	[NS_REGISTER] = do_register,
	[NS_LOOKUP] = do_lookup,
	[NS_UNREGISTER] = do_unregister,
	[NS_LIST] = do_list,
};

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->name, ((const struct entry *)b)->name);
}

/* The reply to a list: the header, then every name, sorted. */
static struct msg *list_reply(struct ns_state *s, struct ns_reply *rp)
{
	size_t bytes = sizeof *rp;
	struct msg *out;
	uint8_t *p;

	qsort(s->v, s->n, sizeof *s->v, by_name);
	for (size_t i = 0; i < s->n; i++)
		bytes += strlen(s->v[i].name) + 1;
	out = msg_new((uint32_t)bytes);
	if (!out)
		return NULL;
	rp->count = (uint32_t)s->n;
	memcpy(out->data, rp, sizeof *rp);
	p = out->data + sizeof *rp;
	for (size_t i = 0; i < s->n; i++) {
		size_t len = strlen(s->v[i].name) + 1;
		memcpy(p, s->v[i].name, len);
		p += len;
	}
	out->nvalues = 1 + (uint32_t)s->n;
	return out;
}

/* A dead-name notice: the port of right name died; forget its names. */
static void forget_dead(struct thread *self, struct ns_state *s, int32_t name)
{
	for (size_t i = 0; i < s->n;) {
		if (s->v[i].right != name) {
			i++;
			continue;
		}
		uk_note_name(self, name, NS_UNREGISTER, 1, 0, s->v[i].name);
		s->v[i] = s->v[--s->n];
	}
}

/* Answer one request; the reply carries a send right for a lookup. */
static void serve(struct thread *self, struct ns_state *s, struct msg *req)
{
	struct ns_request rq = { 0, 0, { 0 } };
	struct ns_reply rp = { UK_EINVAL, 0 };
	char name[UK_NAME_MAX + 1];
	int32_t right = 0;
	struct msg *out;

	if (req->size == sizeof rq) {
		memcpy(&rq, req->data, sizeof rq);
		if (rq.op < sizeof handlers / sizeof handlers[0] && handlers[rq.op] &&
		    rq.len <= UK_NAME_MAX) {
			memcpy(name, rq.name, rq.len);
			name[rq.len] = '\0';
			rp.err = handlers[rq.op](s, name, req, &right);
			if (rq.op == NS_REGISTER && rp.err == UK_OK &&
			    uk_notify_dead(self, right, UK_NAME_NAMESERVER) != UK_OK)
				rp.err = UK_ENOMEM;
			if (rq.op != NS_LIST)
				uk_note_name(self, right, rq.op, rp.err == UK_OK, req->sender_pid, name);
		}
	}
	if (rq.op == NS_LIST && rp.err == UK_OK) {
		out = list_reply(s, &rp);
	} else {
		out = msg_new(sizeof rp);
		if (out)
			memcpy(out->data, &rp, sizeof rp);
	}
	if (!out)
		return;
	if (rq.op == NS_LOOKUP && rp.err == UK_OK) {
		out->nrights = 1;
		out->names[0] = right;
	}
	uk_reply(self, req->reply_name, out);
}

static void ns_main(struct thread *self, void *arg)
{
	struct ns_state *s = arg;

	for (;;) {
		int err;
		struct msg *req = uk_recv(self, UK_NAME_NAMESERVER, UK_FOREVER, &err);
		if (!req)
			continue;
		if (req->sender_pid == 0 && req->size == sizeof(struct uk_notice)) {
			struct uk_notice n;
			memcpy(&n, req->data, sizeof n);
			if (n.kind == UK_NOTICE_DEAD_NAME)
				forget_dead(self, s, n.name);
		} else if (req->reply_name) {
			serve(self, s, req);
		}
		msg_free(req);
	}
}

static void ns_free(void *arg)
{
	struct ns_state *s = arg;

	free(s->v);
	free(s);
}

struct proc *ns_install(struct machine *m)
{
	struct ns_state *s = calloc(1, sizeof *s);
	void *body = s ? body_c_new(m, ns_main, s) : NULL;
	struct proc *p;
	struct port *pt;

	if (!body) {
		free(s);
		return NULL;
	}
	p = proc_new(m, "name", 0, &body_c_ops, body);
	if (!p) {
		free(s);
		return NULL;
	}
	p->udata = s;
	p->udata_free = ns_free;
	p->daemon = 1;
	pt = port_new(m, p, m->cfg.qlimit);
	if (!pt || proc_add_right(p, pt, RIGHT_RECV | RIGHT_SEND, 0) != UK_NAME_NAMESERVER)
		return NULL;
	snprintf(pt->label, sizeof pt->label, "name");
	m->ns_port = pt;
	return p;
}
