/*
 * ipc_impl.h - what the files of message passing share: ipc.c (the
 * rendezvous of send, receive, call and reply, and the fate of each
 * message), ipc_flight.c (messages not handed over at once: lost,
 * duplicated, held, or on a link to another node) and ipc_notice.c (the
 * kernel's own notices). Not for other modules, which use ipc.h.
 */
#ifndef UKERN_IPC_IMPL_H
#define UKERN_IPC_IMPL_H

#include <stdint.h>

#include "ipc.h"

struct machine;
struct msg;
struct port;
struct proc;
struct thread;

/* ipc.c */

/* A message that will never be delivered: count it dropped. */
void ipc_dropped(struct machine *m);

/* Hand d to a receiver waiting on pt, or queue it even past the port's
 * limit (a copy made by the network, a delayed message, a notice). */
void ipc_post_copy(struct port *pt, struct msg *d);

/* The oldest message queued on pt (there is one), taken off the queue. */
struct msg *ipc_dequeue(struct port *pt);

/* Reply msg reaches reply port pt: its caller gets it if it still waits
 * for that very call, else it is dropped. Returns UK_EDEADPORT when pt is
 * dead (the caller has ended), else UK_OK. */
int ipc_reply_reach(struct machine *m, struct port *pt, struct msg *msg);

/* ipc_flight.c */

/* The network lost msg on its way to pt (an injected fault): it is
 * dropped (reason 4, lost), nobody is told. */
void ipc_lose(struct machine *m, struct port *pt, struct msg *msg);

/* A copy of msg, from t to pt, with a flow of its own whose reply right
 * answers the same call (an injected fault duplicates it). NULL without
 * memory. */
struct msg *ipc_duplicate(struct thread *t, struct port *pt, const struct msg *msg);

/* Hold msg in flight on its way to pt for delay ns (an injected fault); it
 * reaches ipc_arrive then. */
void ipc_hold(struct machine *m, struct port *pt, struct msg *msg, uint64_t delay);

/* Send msg from process from to pt, received on another node, over their
 * link, leaving after delay ns. UK_OK, or UK_ENOROUTE when no link joins
 * the two nodes (msg untouched). */
int ipc_travel(struct machine *m, struct proc *from, struct port *pt, struct msg *msg,
	       uint64_t delay);

#endif
