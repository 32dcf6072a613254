/*
 * disk.h - the file server's disk: one device serving requests in arrival
 * order (FIFO), as arithmetic on virtual time. It never blocks or calls the
 * simulator: the server asks when a request would complete and blocks its
 * own thread until then.
 *
 * A request of n bytes issued at virtual time t starts when the disk is
 * free and completes at
 *
 *     done = max(t, free) + access_ns + ceil(n * ps_per_byte / 1000)
 *
 * after which the disk is free at done. Every sum and product saturates at
 * 2^64 - 1 ns instead of wrapping, so an absurd size gives "never" rather
 * than a time in the past. See doc/file-server.md.
 *
 * Entry points: disk_init, disk_free, disk_service_ns, disk_submit,
 * disk_queue.
 */
#ifndef UKERN_DISK_H
#define UKERN_DISK_H

#include <stddef.h>
#include <stdint.h>

/* What the disk has done; changed by disk_submit only. */
struct disk_stats {
	uint64_t requests;      /* requests submitted */
	uint64_t bytes;         /* bytes requested (saturating) */
	uint64_t busy_ns;       /* ns the disk spent serving: the sum of done - start */
	uint64_t wait_ns;       /* ns requests spent queued behind earlier ones: sum of start - t */
	uint64_t max_queue;     /* most requests at the disk at once (in service or waiting), */
	                        /* counted as each arrives, itself included */
};

struct disk {
	uint64_t access_ns;     /* ns: fixed cost of every request (seek and rotation, or flash) */
	uint64_t ps_per_byte;   /* ps: transfer time of one byte */
	uint64_t free_ns;       /* virtual ns: when the last request submitted completes */
	uint64_t last_ns;       /* virtual ns: when the last request was submitted */
	uint64_t *done;         /* ring of completion times of requests not done at last_ns, */
	size_t head, len, cap;  /* in submission (so also completion) order */
	struct disk_stats st;
};

/* An idle disk, free from time 0, with no history. */
void disk_init(struct disk *d, uint64_t access_ns, uint64_t ps_per_byte);

/* Free the disk's memory; it is then as after disk_init with the same
 * parameters. */
void disk_free(struct disk *d);

/* How long the disk takes to serve n bytes once it starts:
 * access_ns + ceil(n * ps_per_byte / 1000), saturating. */
uint64_t disk_service_ns(const struct disk *d, uint64_t n);

/* Submit a request of n bytes at virtual time now_ns (never before the
 * previous submission). Sets *done_ns to its completion time and updates
 * the counts. Returns 0, or -1 when memory runs out (the disk unchanged). */
int disk_submit(struct disk *d, uint64_t now_ns, uint64_t n, uint64_t *done_ns);

/* Requests at the disk at now_ns (submitted and not complete: done > now),
 * for now_ns at or after the last submission. */
uint64_t disk_queue(const struct disk *d, uint64_t now_ns);

#endif
