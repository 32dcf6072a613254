/*
 * fsrv.c - the file server process (see fsrv.h): how an incarnation is
 * made and starts (its port, its name at the name server), the four
 * structures that run the methods of fsrv_ops.c, what it does with the
 * kernel's notices, and the counts it keeps for the statistics.
 *
 * The one idea: a request goes through the same steps in every structure
 * - the service time (CPU), the method, the disk, the reply - and the
 * structures differ only in which thread takes each step and whether it
 * blocks for the disk. A blocking thread waits in uk_io (blocked, reason
 * io); the event-driven thread asks for a timer notice at the disk's
 * completion and goes on receiving.
 *
 * The serving code reaches the kernel only through uk.h; fsrv_install and
 * the respawn hook are the machine-building side, like ns_install.
 *
 * Entry points: fsrv_install, fsrv_arch_parse, fsrv_arch_name, and for
 * fsrv_ops.c fsrv_slot_get, fsrv_slot_put, fsrv_watch.
 */
#include "file/fsrv_impl.h"

#include <stdlib.h>
#include <string.h>

#include "body_c.h"
#include "machine.h"
#include "msg.h"
#include "proc.h"
#include "srvstat.h"
#include "thread.h"
#include "uk.h"

static const char *const arch_names[FSRV_ARCH_COUNT] = {
	[FSRV_SINGLE] = "single",
	[FSRV_THREAD_PER_REQUEST] = "thread-per-request",
	[FSRV_POOL] = "pool",
	[FSRV_EVENT] = "event-driven",
};

int fsrv_arch_parse(const char *name)
{
	for (int i = 0; i < FSRV_ARCH_COUNT; i++)
		if (strcmp(arch_names[i], name) == 0)
			return i;
	return -1;
}

const char *fsrv_arch_name(enum fsrv_arch a)
{
	return arch_names[a];
}

/* ---- the statistics ---- */

/* Copy the counts into the statistics entry (the first call fixes the
 * order of the figures). */
static void publish(struct fsrv_shared *sh)
{
	const struct disk_stats *d = &sh->disk.st;
	struct srvstat *st = sh->st;

	srvstat_set(st, "requests", sh->requests);
	srvstat_set(st, "failed", sh->failed);
	srvstat_set(st, "max_in_service", sh->max_in_service);
	srvstat_set(st, "disk_requests", d->requests);
	srvstat_set(st, "disk_bytes", d->bytes);
	srvstat_set(st, "disk_busy_ns", d->busy_ns);
	srvstat_set(st, "disk_wait_ns", d->wait_ns);
	srvstat_set(st, "disk_max_queue", d->max_queue);
	srvstat_set(st, "closed_on_exit", sh->exit_closes);
}

/* ---- slots ---- */

struct fsrv_slot *fsrv_slot_get(struct fsrv *s)
{
	struct fsrv_slot *sl = s->free_slots;

	if (sl) {
		s->free_slots = sl->next_free;
	} else {
		if (s->nslots == s->slots_cap) {
			uint32_t cap = s->slots_cap ? s->slots_cap * 2 : 8;
			struct fsrv_slot **v = realloc(s->slots, cap * sizeof *v);
			if (!v)
				return NULL;
			s->slots = v;
			s->slots_cap = cap;
		}
		if (!(sl = calloc(1, sizeof *sl)))
			return NULL;
		sl->index = s->nslots;
		sl->s = s;
		s->slots[s->nslots++] = sl;
	}
	sl->state = SLOT_RECEIVED;
	if (++s->in_service > s->sh->max_in_service)
		s->sh->max_in_service = s->in_service;
	return sl;
}

void fsrv_slot_put(struct fsrv_slot *sl)
{
	struct fsrv *s = sl->s;

	msg_free(sl->req);
	msg_free(sl->reply);
	sl->req = sl->reply = NULL;
	sl->state = SLOT_FREE;
	sl->next_free = s->free_slots;
	s->free_slots = sl;
	s->in_service--;
}

/* ---- notices ---- */

void fsrv_watch(struct thread *self, struct fsrv *s, uint32_t pid)
{
	for (size_t i = 0; i < s->nwatched; i++)
		if (s->watched[i] == pid)
			return;
	if (s->nwatched == s->watched_cap) {
		size_t cap = s->watched_cap ? s->watched_cap * 2 : 8;
		uint32_t *v = realloc(s->watched, cap * sizeof *v);
		if (!v)
			return;   /* its descriptors stay open after it ends: host memory is gone */
		s->watched = v;
		s->watched_cap = cap;
	}
	/* Noted before asking: another thread of a pool asks no second time. */
	s->watched[s->nwatched++] = pid;
	if (uk_notify_exit(self, pid, s->port) != UK_OK)
		s->nwatched--;
}

/* Client pid has ended: close what it left open. */
static void client_ended(struct fsrv *s, uint32_t pid)
{
	for (size_t i = 0; i < s->nwatched; i++) {
		if (s->watched[i] == pid) {
			s->watched[i] = s->watched[--s->nwatched];
			break;
		}
	}
	if (s->ft)
		s->sh->exit_closes += fs_fd_close_all(s->ft, pid);
	publish(s->sh);
}

/* What a message from the kernel (sender pid 0) says: its kind, and the
 * cookie of a timer notice or the pid of an exit notice. 0: not a notice. */
static uint32_t notice_of(const struct msg *m, uint64_t *what)
{
	struct uk_timer_notice tn;
	struct uk_notice n;

	if (m->sender_pid != 0 || m->size < sizeof n)
		return 0;
	memcpy(&n, m->data, sizeof n);
	if (n.kind == UK_NOTICE_TIMER && m->size == sizeof tn) {
		memcpy(&tn, m->data, sizeof tn);
		*what = tn.cookie;
	} else {
		*what = (uint32_t)n.name;
	}
	return n.kind;
}

/* ---- serving ---- */

/* Send the reply a slot holds, if any; the message is the kernel's from
 * the call on, so the slot lets go of it first. */
static void answer(struct thread *self, struct fsrv_slot *sl)
{
	struct msg *reply = sl->reply;

	sl->reply = NULL;
	if (!reply)
		return;
	if (sl->async)
		uk_send(self, sl->to, reply, UK_FOREVER);
	else
		uk_reply(self, sl->to, reply);
}

/* Submit the slot's disk request now: when the disk will be done with it. */
static uint64_t submit(struct fsrv *s, struct fsrv_slot *sl, uint64_t now)
{
	uint64_t done = now;

	if (disk_submit(&s->sh->disk, now, sl->disk_bytes, &done) != 0)
		done = now;   /* no memory for the disk's queue: served at once */
	return done;
}

/* The steps before the disk: the service time, the method, and asking to
 * be told when the client that opened a file ends. */
static void serve_front(struct thread *self, struct fsrv_slot *sl)
{
	struct fsrv *s = sl->s;

	if (s->sh->cfg.service_ns)
		uk_compute(self, s->sh->cfg.service_ns);
	fsrv_serve(self, sl, uk_now(self));
	if (sl->watch)
		fsrv_watch(self, s, sl->watch);
}

/* Serve one request in this thread from start to reply, blocked (reason
 * io) while the disk works. */
static void serve_blocking(struct thread *self, struct fsrv_slot *sl)
{
	struct fsrv *s = sl->s;

	serve_front(self, sl);
	if (sl->disk) {
		uint64_t now = uk_now(self);
		sl->state = SLOT_DISK;
		sl->done_ns = submit(s, sl, now);
		uk_io(self, sl->done_ns - now);
	}
	answer(self, sl);
	fsrv_slot_put(sl);
	publish(s->sh);
}

/* The next message on the service port, or NULL when the port is gone. A
 * kernel notice other than a timer's is dealt with here; a timer notice is
 * returned with *cookie set (only the event-driven server asks for them). */
static struct msg *next_message(struct thread *self, struct fsrv *s, int *timer, uint64_t *cookie)
{
	for (;;) {
		int err;
		struct msg *m = uk_recv(self, s->port, UK_FOREVER, &err);
		uint32_t kind;

		if (!m)
			return NULL;
		kind = notice_of(m, cookie);
		*timer = kind == UK_NOTICE_TIMER;
		if (kind == 0 || *timer)
			return m;
		if (kind == UK_NOTICE_EXIT)
			client_ended(s, (uint32_t)*cookie);
		msg_free(m);
	}
}

/* "single", and each thread of a "pool": receive, serve, reply, again. */
static void serve_loop(struct thread *self, void *arg)
{
	struct fsrv *s = arg;
	struct fsrv_slot *sl;
	struct msg *m;
	uint64_t cookie;
	int timer;

	while ((m = next_message(self, s, &timer, &cookie)) != NULL) {
		if (timer || !(sl = fsrv_slot_get(s))) {
			msg_free(m);
			continue;
		}
		sl->req = m;
		serve_blocking(self, sl);
	}
}

static void pool(struct thread *self, struct fsrv *s)
{
	for (uint32_t i = 1; i < s->sh->cfg.workers; i++) {
		uint32_t tid;
		(void)uk_spawn(self, serve_loop, s, &tid);   /* fewer threads without memory */
	}
	serve_loop(self, s);
}

static void one_request(struct thread *self, void *arg)
{
	serve_blocking(self, arg);
}

/* "thread-per-request": the dispatcher only receives; each request gets a
 * thread of its own, which ends once it has replied. */
static void dispatcher(struct thread *self, struct fsrv *s)
{
	struct fsrv_slot *sl;
	struct msg *m;
	uint64_t cookie;
	int timer;

	while ((m = next_message(self, s, &timer, &cookie)) != NULL) {
		uint32_t tid;
		if (timer || !(sl = fsrv_slot_get(s))) {
			msg_free(m);
			continue;
		}
		sl->req = m;
		if (uk_spawn(self, one_request, sl, &tid) != UK_OK)
			serve_blocking(self, sl);   /* no thread to be had: serve it here */
	}
}

/* "event-driven": one thread, one finite-state machine per request
 * (received -> waiting for the disk -> replied). A request that needs the
 * disk is submitted and parked in its slot with a timer notice due at the
 * disk's completion; the thread never blocks on the disk. */
static void event_loop(struct thread *self, struct fsrv *s)
{
	struct fsrv_slot *sl;
	struct msg *m;
	uint64_t cookie;
	int timer;

	while ((m = next_message(self, s, &timer, &cookie)) != NULL) {
		if (timer) {
			msg_free(m);
			sl = cookie < s->nslots ? s->slots[cookie] : NULL;
			if (sl && sl->state == SLOT_DISK) {
				answer(self, sl);
				fsrv_slot_put(sl);
				publish(s->sh);
			}
			continue;
		}
		if (!(sl = fsrv_slot_get(s))) {
			msg_free(m);
			continue;
		}
		sl->req = m;
		serve_front(self, sl);
		if (sl->disk) {
			uint64_t now = uk_now(self);
			sl->state = SLOT_DISK;
			sl->done_ns = submit(s, sl, now);
			if (uk_timer(self, sl->done_ns, s->port, sl->index) == UK_OK) {
				publish(s->sh);
				continue;
			}
			uk_io(self, sl->done_ns - now);   /* no timer to be had: wait here */
		}
		answer(self, sl);
		fsrv_slot_put(sl);
		publish(s->sh);
	}
}

static void fsrv_main(struct thread *self, void *arg)
{
	struct fsrv *s = arg;
	const char *name = s->sh->cfg.name;
	int err = uk_port(self, UINT64_MAX, &s->port);

	if (err == UK_OK)
		err = uk_register(self, name, s->port);
	if (err != UK_OK) {
		/* Returning ends the process: nobody can reach it anyway. */
		uk_log(self, "file server '%s': cannot register its name: %s", name, uk_strerror(err));
		return;
	}
	switch (s->sh->cfg.arch) {
	case FSRV_POOL:
		pool(self, s);
		break;
	case FSRV_THREAD_PER_REQUEST:
		dispatcher(self, s);
		break;
	case FSRV_EVENT:
		event_loop(self, s);
		break;
	default:
		serve_loop(self, s);
		break;
	}
}

/* ---- incarnations ---- */

static void free_shared(struct fsrv_shared *sh)
{
	fs_free(sh->fs);
	disk_free(&sh->disk);
	free(sh);
}

/* The process's memory: requests in service, the open-file table. The
 * shared file system goes with the last incarnation. */
static void fsrv_free(void *udata)
{
	struct fsrv *s = udata;
	struct fsrv_shared *sh = s->sh;

	for (uint32_t i = 0; i < s->nslots; i++) {
		msg_free(s->slots[i]->req);
		msg_free(s->slots[i]->reply);
		free(s->slots[i]);
	}
	free(s->slots);
	free(s->watched);
	fs_fdtab_free(s->ft);
	free(s);
	if (--sh->refs == 0)
		free_shared(sh);
}

static struct proc *incarnation(struct machine *m, struct fsrv_shared *sh, uint64_t start,
				uint32_t number);

/* The respawn hook (proc.h): the same file system and disk, a new process
 * with an empty open-file table, starting now. */
static struct proc *fsrv_respawn(struct proc *old)
{
	struct fsrv *s = old->udata;

	return incarnation(old->m, s->sh, old->m->now, old->incarnation + 1);
}

/* Declare incarnation number of the server over sh, starting at start.
 * NULL when memory runs out (sh untouched). */
static struct proc *incarnation(struct machine *m, struct fsrv_shared *sh, uint64_t start,
				uint32_t number)
{
	struct fsrv *s = calloc(1, sizeof *s);
	void *body = NULL;
	struct proc *p = NULL;

	if (s && (sh->cfg.stateless || (s->ft = fs_fdtab_new(sh->fs, sh->cfg.max_open))))
		body = body_c_new(m, fsrv_main, s);
	if (body && !(p = proc_new(m, sh->cfg.name, start, &body_c_ops, body))) {
		struct thread tmp = { .body_data = body, .m = m };
		body_c_ops.destroy(&tmp);
	}
	if (!p) {
		if (s)
			fs_fdtab_free(s->ft);
		free(s);
		return NULL;
	}
	s->sh = sh;
	sh->refs++;
	p->udata = s;
	p->udata_free = fsrv_free;
	p->daemon = 1;
	p->respawn = fsrv_respawn;
	p->incarnation = number;
	srvstat_set(sh->st, "incarnations", number);
	return p;
}

struct proc *fsrv_install(struct machine *m, const struct fsrv_config *cfg, struct fs *fs)
{
	struct fsrv_shared *sh = calloc(1, sizeof *sh);
	struct proc *p = NULL;

	if (!sh) {
		fs_free(fs);
		return NULL;
	}
	sh->cfg = *cfg;
	sh->fs = fs;
	disk_init(&sh->disk, cfg->access_ns, cfg->ps_per_byte);
	sh->st = srvstat_add(m, cfg->name, "file");
	if (sh->st && srvstat_attr(sh->st, "arch", fsrv_arch_name(cfg->arch)) == 0 &&
	    srvstat_attr(sh->st, "mode", cfg->stateless ? "stateless" : "stateful") == 0) {
		publish(sh);
		p = incarnation(m, sh, 0, 1);
	}
	if (!p)
		free_shared(sh);
	return p;
}
