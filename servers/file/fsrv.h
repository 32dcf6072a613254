/*
 * fsrv.h - the file server process: the file system of fs.h served over
 * the RPC protocol (rpc_proto.h), with a disk (disk.h) that makes requests
 * wait, in one of four structures and two modes.
 *
 * The one idea: one request handler (fsrv_ops.c) and four ways to run it.
 * "single": one thread receives, serves and waits for the disk, one
 * request at a time. "thread-per-request": a dispatcher receives and
 * starts a thread for each request, which serves it, replies and ends.
 * "pool": a fixed number of threads all receive on the service port.
 * "event-driven": one thread that never blocks on the disk: it submits the
 * request, asks the kernel for a timer notice at its completion
 * (uk_timer) and goes on receiving; the notice finishes the request.
 *
 * The modes: "stateful" keeps an open-file table per client (descriptors,
 * closed when the client process ends); "stateless" serves only the
 * methods by handle, each request carrying everything it needs.
 *
 * The file system and the disk survive a crash (they are "the disk");
 * the open-file table and the requests in service are the process's and
 * are lost. p->respawn makes a new incarnation that registers its new port
 * under the same name. doc/file-server.md is the full description.
 *
 * Entry points: fsrv_install, fsrv_arch_parse, fsrv_arch_name.
 */
#ifndef UKERN_FSRV_H
#define UKERN_FSRV_H

#include <stdint.h>

#include "uk_limits.h"

struct fs;
struct machine;
struct proc;

enum fsrv_arch { FSRV_SINGLE, FSRV_THREAD_PER_REQUEST, FSRV_POOL, FSRV_EVENT, FSRV_ARCH_COUNT };

#define FSRV_MAX_WORKERS 1024     /* threads of a pool */
#define FSRV_IO_MAX 65536         /* bytes one read returns at most */
#define FSRV_DIR_MAX 64           /* entries one readdir returns at most */

struct fsrv_config {
	char name[UK_NAME_MAX];   /* the service name, and the process's */
	enum fsrv_arch arch;
	uint32_t workers;         /* pool: threads, 1 - FSRV_MAX_WORKERS */
	int stateless;            /* 1: only the methods by handle */
	uint64_t access_ns;       /* the disk: ns every request takes */
	uint64_t ps_per_byte;     /* the disk: ps to transfer one byte (0: no transfer time) */
	uint64_t service_ns;      /* CPU the server spends on each request */
	uint32_t max_open;        /* stateful: descriptors per client (0: FS_DEFAULT_MAX_OPEN) */
};

/* Declare the file server process described by cfg, serving fs (which it
 * takes over: freed with the last incarnation, or here on failure). It
 * starts at time 0, a daemon, and registers cfg->name with the name
 * server. Its statistics entry is made now, so the servers come out in the
 * order they were installed. Returns the process, or NULL when memory runs
 * out. */
struct proc *fsrv_install(struct machine *m, const struct fsrv_config *cfg, struct fs *fs);

/* The arch called name ("single", "thread-per-request", "pool",
 * "event-driven"), or -1. */
int fsrv_arch_parse(const char *name);

/* The name of an arch. */
const char *fsrv_arch_name(enum fsrv_arch a);

#endif
