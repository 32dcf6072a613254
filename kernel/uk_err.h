/*
 * uk_err.h - the errors a simulated program gets back from the kernel and
 * is expected to handle. Scripts see them as nil, "reason".
 */
#ifndef UKERN_UK_ERR_H
#define UKERN_UK_ERR_H

enum uk_err {
	UK_OK = 0,
	UK_ETIMEDOUT,   /* "timeout" */
	UK_ENORIGHT,    /* "no right": the name is not a right of this process */
	UK_EDEADPORT,   /* "dead port": the receive right's owner is gone */
	UK_ENOENT,      /* "unknown name" */
	UK_ENOTOWNER,   /* "not owner" */
	UK_EINVAL,      /* "invalid argument" */
	UK_ENOMEM,      /* "out of memory" */
	UK_ENOTHREAD,   /* "no such thread" */
	UK_EFAULT,      /* "bad address": memory named in a call is not mapped or not readable */
	UK_ECHILD,      /* "no such child": wait() on a process that is not an unwaited child */
	UK_EREVOKED,    /* "revoked": an LRPC binding whose server ended (lrpc.h) */
	UK_ENOTLRPC,    /* "not an LRPC interface": lrpc.bind of a name that serves messages */
	UK_ENOROUTE,    /* "no route": the port is on a node no link reaches (net.h) */
	UK_EREMOTE,     /* "on another node": lrpc.bind of an interface another node exports */
	UK_EDEADSEG,    /* "dead segment": mem.map of a segment nobody maps any more */
	UK_ESHARED,     /* migrate of a process that maps a shared segment */
	UK_EMOVING,     /* "moving": mem.share or mem.map by a process being migrated */
	UK_ERR_COUNT
};

/* The short reason string of an error code ("timeout", "dead port", ...). */
const char *uk_strerror(int err);

#endif
