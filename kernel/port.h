/*
 * port.h - ports: kernel message queues named by rights.
 *
 * One process holds the receive right; any number hold send rights. A port
 * queues up to qlimit messages (0 = rendezvous: a sender waits until a
 * receiver takes its message). Reply ports are private to one thread: a
 * reply arrives only while that thread waits for that very call, and never
 * blocks the replier.
 */
#ifndef UKERN_PORT_H
#define UKERN_PORT_H

#include <stdint.h>

#include "thread.h"

struct ktimer;
struct msg;
struct proc;
struct machine;

/* A request for a dead-name notice: when the port dies, the kernel sends
 * a struct uk_notice naming it (name, a right of to's owner) to port to. */
struct dn_request {
	struct dn_request *next;
	struct port *to;
	int32_t name;
};

struct port {
	uint32_t id;                /* machine-wide, from 1 */
	struct machine *m;
	struct proc *owner;         /* receive right holder; NULL once dead */
	struct thread *reply_of;    /* reply ports: the thread it belongs to */
	uint32_t sonce_held;        /* send-once rights to it in rights tables (deadlock.c) */
	struct proc *sonce_holder;  /* the holder of the one made last, and its flow; NULL once */
	uint64_t sonce_flow;        /* one is given up (who holds the rest is not known) */
	uint32_t qlimit;            /* messages queued before senders block */
	uint8_t dead;
	struct msg *qhead, *qtail;  /* queued messages */
	uint32_t qlen;
	struct tqueue recvq;        /* RECEIVE-blocked threads */
	struct tqueue sendq;        /* SEND-blocked threads, message in t->sc.m */
	char label[UK_NAME_MAX];    /* registered service name, for reports */
	struct dn_request *dn;      /* dead-name notices to send when it dies */
	struct ktimer *timers;      /* timer notices pending for it (ktimer.h) */
	struct vm_seg *seg;         /* a segment's port (vmsys_shm.c): no receiver; its rights
				     * (RIGHT_MAP) map the segment. NULL: a message port */
	uint8_t seg_perm;           /* a segment's port: the most a mapping made through its
				     * rights may have (the segment's own perm; VM_R for the
				     * read-only port mem.restrict makes) */
};

/* A new live port owned by p. Returns NULL when memory runs out. */
struct port *port_new(struct machine *m, struct proc *owner, uint32_t qlimit);

/* Kill pt: queued messages are destroyed (their reply rights notified),
 * blocked senders get UK_EDEADPORT. */
void port_kill(struct port *pt);

/* Ask for a notice on to when pt dies, naming it by name (a right of to's
 * owner); a second identical request is ignored. 0, or -1 without memory. */
int port_notify_dead(struct port *pt, struct port *to, int32_t name);

/* Free pt's memory at the end of a run. */
void port_free(struct port *pt);

#endif
