/*
 * ipc.h - message passing: send, receive, call and reply on ports.
 *
 * The rules (doc/scenario-api.md, "Messages"):
 *  - send: a receiver already waiting gets the message at once; otherwise it
 *    is queued if the port has room (qlimit), else the sender waits
 *    SEND-blocked until a receiver takes it (qlimit 0: always, a rendezvous).
 *  - recv: the oldest queued message, else the first blocked sender's, else
 *    wait RECEIVE-blocked.
 *  - call: send a request carrying a send-once right to the caller's private
 *    reply port, then wait REPLY-blocked for the reply to that very call.
 *  - reply: use the send-once right; never blocks; a reply nobody waits for
 *    any more (the call timed out) is dropped.
 *  - a send-once right destroyed unused (its holder died, its message was
 *    dropped) wakes the caller with "dead port".
 *  - an injected fault (fault.h) may lose, duplicate or delay a message;
 *    a delayed one has left its sender at once and reaches the port later
 *    (ipc_arrive), so delayed messages may overtake one another.
 */
#ifndef UKERN_IPC_H
#define UKERN_IPC_H

#include <stdint.h>

struct machine;
struct msg;
struct port;
struct thread;

/* System-call effects for SYS_SEND, SYS_CALL, SYS_RECV and SYS_REPLY. */
void ipc_send(struct thread *t);
void ipc_call(struct thread *t);
void ipc_recv(struct thread *t);
void ipc_reply(struct thread *t);

/* SYS_REPLY_RECV: the reply (name, m) as SYS_REPLY, then, whatever came of
 * it, a receive on the right in sc.arg as SYS_RECV, in the same trap: the
 * call costs a reply's (cost_msg), the receive no trap of its own. Fails
 * with UK_ENORIGHT, doing nothing, when sc.arg is not a receive right of
 * the caller's; and before anything is received when the reply cannot be
 * made for want of a right (name not a send-once right, or a right m
 * carries that the caller does not hold). */
void ipc_reply_recv(struct thread *t);

/* A blocked thread's timeout fired: take it off its wait and wake it with "timeout". */
void ipc_timeout(struct thread *t);

/* t, blocked, is being killed: take it off its wait and drop its message. */
void ipc_cancel(struct thread *t);

/* Destroy an undelivered message; its reply right, if any, is notified dead. */
void ipc_destroy(struct msg *msg);

/* The kernel itself sends pt a dead-name notice naming name (sender pid
 * 0), queued even past the port's limit, as a notice must not be lost.
 * Returns 0, or -1 when memory runs out (the notice is lost). */
int ipc_dead_notice(struct port *pt, int32_t name);

/* The same for a notice of any kind (enum uk_notice_kind) about name. */
int ipc_kernel_notice(struct port *pt, uint32_t kind, int32_t name);

/* A message an injected fault held in flight reaches its port (msg->dest)
 * now: a waiting receiver gets it, else it is queued, past the port's limit
 * if need be (the network's copy blocks nobody); a reply goes to its caller
 * if it still waits for it. On a dead port it is dropped (reason dead port:
 * a request's caller gets "dead port"); a reply nobody waits for any more
 * is dropped as stale. */
void ipc_arrive(struct machine *m, struct msg *msg);

/* A message on its way to msg->dest over a link (net.c) was lost: the
 * caller waiting for it stops counting it, and it is dropped (reason 4,
 * lost) as a message an injected fault loses. */
void ipc_lost(struct machine *m, struct msg *msg);
/* The kernel sends pt a timer notice (struct uk_timer_notice naming the
 * port by name, with cookie), as ipc_dead_notice. 0, or -1 without memory. */
int ipc_timer_notice(struct port *pt, int32_t name, uint64_t cookie);

/* The kernel sends pt an exit notice: process pid has ended (struct
 * uk_notice, kind UK_NOTICE_EXIT, name pid), as ipc_dead_notice. 0 or -1. */
int ipc_exit_notice(struct port *pt, uint32_t pid);

/* The kernel hands network server port pt the message of id id to send
 * on (struct uk_net_notice), as ipc_dead_notice. 0, or -1 without memory. */
int ipc_net_notice(struct port *pt, uint32_t id, uint64_t cost_ns);

/* Process migration: every message queued on pt (whose owner moved from
 * node from to node to) is taken off its queue and sent on to to over the
 * link, in order; *bytes adds their sizes. Returns how many. */
uint32_t ipc_forward_queued(struct port *pt, uint32_t from, uint32_t to, uint64_t *bytes);

/* The send-once right for flow to reply port pt was destroyed unused. */
void ipc_sonce_dead(struct port *pt, uint64_t flow);

#endif
