/*
 * fsrv_impl.h - what the file server's files share: the state that
 * survives a crash, the state of one incarnation, and the slot one request
 * occupies from its arrival to its reply. Nothing outside
 * servers/file/fsrv*.c includes it.
 *
 * Every request lives in a slot the incarnation owns, never on a thread's
 * stack: a thread killed in a crash while it waits for the disk leaves its
 * request behind in the slot, and the incarnation's memory is freed whole.
 */
#ifndef UKERN_FSRV_IMPL_H
#define UKERN_FSRV_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "file/disk.h"
#include "file/fs.h"
#include "file/fsrv.h"

struct msg;
struct srvstat;
struct thread;

/* What survives a crash: "the disk". Shared by every incarnation. */
struct fsrv_shared {
	uint32_t refs;              /* incarnations that hold it */
	struct fsrv_config cfg;
	struct fs *fs;
	struct disk disk;
	struct srvstat *st;         /* the statistics entry (the machine's) */
	uint64_t requests, failed;  /* requests answered; of those, with an error status */
	uint64_t max_in_service;    /* most requests between arrival and reply at once */
	uint64_t exit_closes;       /* descriptors closed because their client ended */
};

enum slot_state {
	SLOT_FREE,
	SLOT_RECEIVED,              /* the request is in req */
	SLOT_DISK,                  /* served; its reply waits for the disk until done_ns */
};

/* One request, from its arrival to its reply: the event-driven server's
 * finite-state machine, and what the blocking structures go through in
 * one thread. */
struct fsrv_slot {
	enum slot_state state;
	uint32_t index;             /* in the incarnation's slots: the timer's cookie */
	struct fsrv *s;             /* the incarnation */
	struct msg *req;            /* SLOT_RECEIVED: the request */
	struct msg *reply;          /* SLOT_DISK: the reply to send, or NULL (none is due) */
	int32_t to;                 /* where it goes: a send-once right, or a port (async) */
	int async;                  /* 1: send on to rather than reply */
	uint64_t disk_bytes;        /* what the request asks of the disk */
	int disk;                   /* 1: it needs the disk */
	uint64_t done_ns;           /* SLOT_DISK: when the disk is done with it */
	uint32_t watch;             /* a client that opened a file (its pid), to watch; 0: none */
	struct fsrv_slot *next_free;
};

/* One incarnation: the server's process memory, lost in a crash. */
struct fsrv {
	struct fsrv_shared *sh;
	struct fs_fdtab *ft;        /* stateful: the open-file table; NULL when stateless */
	int32_t port;               /* the service port (receive right), 0 until made */
	struct fsrv_slot **slots;   /* every slot made, by index */
	uint32_t nslots, slots_cap, in_service;
	struct fsrv_slot *free_slots;
	uint32_t *watched;          /* clients whose exit the kernel will tell it */
	size_t nwatched, watched_cap;
};

/* A free slot for a request (made if none is free), in state
 * SLOT_RECEIVED; NULL when memory runs out. */
struct fsrv_slot *fsrv_slot_get(struct fsrv *s);

/* Give a slot back, freeing what it still holds. */
void fsrv_slot_put(struct fsrv_slot *sl);

/* Serve the request in sl->req at virtual time now, from thread self:
 * decode it, run the method, build the reply (sl->reply, sl->to,
 * sl->async; reply NULL when none is due) and say what it asks of the disk
 * (sl->disk, sl->disk_bytes). The request is freed. Never blocks. */
void fsrv_serve(struct thread *self, struct fsrv_slot *sl, uint64_t now);

/* Note that the client pid opened a file: the kernel is asked to tell the
 * server when pid ends, once per client. */
void fsrv_watch(struct thread *self, struct fsrv *s, uint32_t pid);

#endif
