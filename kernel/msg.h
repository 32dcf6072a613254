/*
 * msg.h - kernel messages: a byte payload plus the port rights it carries.
 *
 * A message is built by the sender's stubs (bytes in the canonical encoding
 * of userland/marshal), travels through the kernel by pointer, and is handed
 * to the receiver, who frees it. The rights in it are kernel references while
 * in flight; on delivery the kernel turns them into names in the receiver's
 * right table (names[], reply_name).
 */
#ifndef UKERN_MSG_H
#define UKERN_MSG_H

#include <stddef.h>
#include <stdint.h>

#include "uk_limits.h"

struct port;
struct thread;
struct machine;
struct vm_ool;

enum msg_kind {
	MSG_SEND = 0,   /* a plain send */
	MSG_CALL = 1,   /* a request carrying a send-once reply right */
	MSG_REPLY = 2,  /* sent on a send-once right */
};

struct msg {
	struct msg *next;        /* port queue or free list; owner: whoever holds the message */
	uint64_t flow;           /* trace flow id, unique per run; set by the kernel */
	uint64_t sent_ns;        /* when the sender issued the send; set by the kernel */
	uint64_t reply_to;       /* MSG_REPLY: flow of the call it answers */
	uint64_t sonce_flow;     /* a duplicated call: the flow its reply right answers (0: flow) */
	uint32_t sender_pid;     /* stamped by the kernel; cannot be forged */
	uint32_t sender_tid;
	uint32_t size;           /* payload bytes */
	uint32_t nvalues;        /* values the stubs marshalled (stub cost) */
	uint32_t nnums;          /* multi-byte numbers in the wire encoding (RPC): each is
				  * converted by a little-endian sender and receiver */
	uint32_t cap;            /* allocated payload bytes */
	uint8_t *data;
	uint8_t kind;            /* enum msg_kind */
	uint8_t nrights;         /* rights carried (sender's names before the send) */
	int32_t names[UK_MSG_MAX_RIGHTS];   /* sender: names to pass; receiver: names given */
	struct port *rights[UK_MSG_MAX_RIGHTS]; /* in flight: the ports, each a send right */
	struct port *reply;      /* in flight: the send-once reply right (calls only) */
	int32_t reply_name;      /* receiver: name of that send-once right, or 0 */
	struct port *dest;       /* delayed by an injected fault: the port it travels to */
	/* out-of-line data (vmsys.c): the sender sets ool_addr and ool_len (its
	 * own range); the kernel takes the pages (ool, ool_pages) and, on
	 * delivery, maps them into the receiver and sets ool_addr to the
	 * receiver's address (ool_failed: there was no room, nothing mapped) */
	uint64_t ool_addr, ool_len;   /* bytes */
	uint64_t ool_pages;
	struct vm_ool *ool;      /* in flight: the pages taken, one reference each */
	uint8_t ool_failed;
	/* several machines (net.c): the packets it took from node from_node
	 * (0: it did not leave its node) on its way to node to_node (the last
	 * hop's; it may pass through nodes between) */
	uint32_t npackets, from_node, to_node;
	/* held by a C body (msg_hold): the list msg_reclaim frees */
	struct msg *held_prev, *held_next;
	uint8_t held;
};

/* A notice from the kernel itself (sender pid 0): the payload of a
 * message the kernel sends on its own, as Mach's notifications. Every
 * notice starts with a struct uk_notice; a kind may add fields after it. */
enum uk_notice_kind {
	UK_NOTICE_DEAD_NAME = 1,  /* struct uk_notice: the port of right name died */
	UK_NOTICE_TIMER = 2,      /* struct uk_timer_notice: a timer set with uk_timer came */
	UK_NOTICE_EXIT = 3,       /* struct uk_notice: process name (a pid) ended */
	UK_NOTICE_CRASH = 8,      /* to the supervisor: a program to restart crashed (crash.h) */
	UK_NOTICE_NET = 9,        /* to a network server: struct uk_net_notice (net.h) */
};

struct uk_notice {
	uint32_t kind;           /* enum uk_notice_kind */
	int32_t name;            /* the right (or, for an exit notice, the pid) it is about */
};

struct uk_timer_notice {
	struct uk_notice n;      /* kind UK_NOTICE_TIMER; name: the port it came on */
	uint64_t cookie;         /* the value given to uk_timer */
};

/* A message the network server of a node is to send on (net.h). */
struct uk_net_notice {
	struct uk_notice n;      /* kind UK_NOTICE_NET; name: the message's id in the kernel */
	uint64_t cost_ns;        /* the server's work for it: per message and per packet */
};

_Static_assert(sizeof(struct uk_notice) == 8, "uk_notice layout");
_Static_assert(sizeof(struct uk_timer_notice) == 16, "uk_timer_notice layout");

/* A message with room for size payload bytes (size set, contents
 * uninitialised). Returns NULL when memory runs out. */
struct msg *msg_new(uint32_t size);

/* Free a message. The caller must already have released the rights in it;
 * out-of-line pages still in it are released here. */
void msg_free(struct msg *m);

/* Grow the payload to size bytes, keeping the contents. Returns 0 or -1. */
int msg_resize(struct msg *m, uint32_t size);

/* Release the message pool (at the end of a run). */
void msg_pool_drain(void);

/* A C body (a server) took m from the kernel (uk_recv, uk_call): from now
 * on only the body's stack knows it, until the body frees it (msg_free) or
 * gives it back to the kernel (msg_unhold). msg_reclaim frees what a body
 * still held when the run stopped. */
void msg_hold(struct msg *m);
void msg_unhold(struct msg *m);

/* Free every message a C body still holds: for machine_free, when a run
 * stopped in the middle (at --max-events, --until, a signal) with a server
 * suspended between taking a request and freeing it. Returns how many there
 * were. The caller must know that no one will use them again: no other
 * machine is live. */
size_t msg_reclaim(void);

#endif
