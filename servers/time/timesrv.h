/*
 * timesrv.h - the time server: the time, sleeps and alarms as a service,
 * read from the server's own drifting clock (pclock.h). A simulated
 * process ("time") like any other, written against the userland API; it
 * speaks the RPC protocol of rpc_proto.h in the wire encoding, so Lua's
 * rpc.bind("time") and the clock.* client call it like any RPC server.
 *
 * Methods, numbered in the order of the interface that method 0 returns:
 *
 *   1 Alarm(at) -> r   reply when the server's clock reads at least at (ns);
 *                      r is its reading then
 *   2 Sleep(ns) -> r   reply once the server's clock has run ns further
 *   3 Time()    -> r   the server's clock when it handles the request
 *
 * The interface names semantics "maybe" and protocol "RR": a clock probe
 * must not be sent again, since the round trip of a retransmitted probe
 * measures nothing. A sleep or an alarm waits in a thread of its own, so
 * the server goes on answering meanwhile. Wrong arguments get status
 * RPC_EARGS with a reason; an undecodable request RPC_EMALFORMED.
 */
#ifndef UKERN_TIME_TIMESRV_H
#define UKERN_TIME_TIMESRV_H

#include <stdint.h>

struct machine;
struct proc;

enum ts_method { TS_ALARM = 1, TS_SLEEP = 2, TS_TIME = 3, TS_NMETHODS };

/* The service name it registers, and its process's name. */
#define TS_SERVICE "time"

/* Declare the time server: a daemon process named TS_SERVICE, started at
 * start_ns, that creates its port and registers it with the name server
 * (which must be installed first). Its clock is the caller's to attach
 * (pclock_attach); without one it reads true time. p->respawn makes a new
 * incarnation on a copy of its clock. Returns the process, or NULL when
 * memory runs out. */
struct proc *ts_install(struct machine *m, uint64_t start_ns);

#endif
