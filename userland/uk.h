/*
 * uk.h - the system-call API for simulated programs written in C (the
 * servers, built-in programs, benchmarks). Each call posts a request
 * through the gate and returns when the kernel answers; calls that wait
 * block the calling simulated thread, not the host.
 *
 * Errors are UK_E* codes (uk_err.h). Messages are struct msg (msg.h): the
 * caller builds one with msg_new, and a received one is the caller's to
 * free with msg_free.
 */
#ifndef UKERN_UK_H
#define UKERN_UK_H

#include <stdint.h>

#include "msg.h"
#include "uk_err.h"

struct thread;
struct uk_svc_status;

#define UK_FOREVER UINT64_MAX

/* Burn ns of CPU. */
void uk_compute(struct thread *self, uint64_t ns);

/* Sleep for ns. */
void uk_sleep(struct thread *self, uint64_t ns);

/* Start an I/O that takes ns and wait for it (blocked with reason io). */
void uk_io(struct thread *self, uint64_t ns);

/* A new port with the machine's queue limit (qlimit UINT64_MAX) or qlimit;
 * *name receives its name (receive and send right). */
int uk_port(struct thread *self, uint64_t qlimit, int32_t *name);

/* Send m on name; m is consumed whatever the result. */
int uk_send(struct thread *self, int32_t name, struct msg *m, uint64_t timeout);

/* Receive on name. Returns the message, or NULL with *err set. */
struct msg *uk_recv(struct thread *self, int32_t name, uint64_t timeout, int *err);

/* Send m on name with a reply right and wait for the reply. m is consumed.
 * Returns the reply, or NULL with *err set. */
struct msg *uk_call(struct thread *self, int32_t name, struct msg *m, uint64_t timeout, int *err);

/* Answer a request through its send-once right (req->reply_name). m is consumed. */
int uk_reply(struct thread *self, int32_t reply_name, struct msg *m);

/* A server's loop step in one system call (L4's ReplyWait): reply m through
 * reply_name as uk_reply, then, whatever became of the reply (a caller that
 * has gone drops it), receive on name as uk_recv. One trap instead of two,
 * so in simulated time it costs a reply (the receive adds no trap cost).
 * Returns the message received, or NULL with *err set; UK_ENORIGHT, with
 * nothing done, when name is not a receive right of the caller's, and with
 * nothing received when the reply could not be made for want of a right
 * (reply_name not a send-once right, or a right m carries that the caller
 * does not hold). m is consumed. */
struct msg *uk_reply_recv(struct thread *self, int32_t reply_name, struct msg *m, int32_t name,
			  uint64_t timeout, int *err);

/* Start a new thread of the calling process running fn(self, arg) on a
 * pooled stack (arg stays the caller's). Returns UK_OK with *tid set, or
 * UK_ENOMEM. */
int uk_spawn(struct thread *self, void (*fn)(struct thread *self, void *arg), void *arg,
	     uint32_t *tid);

/* Wait for thread tid of the calling process to end (each thread is joined
 * once). Returns UK_OK or UK_ENOTHREAD. */
int uk_join(struct thread *self, uint32_t tid);

/* Ask the kernel for a dead-name notice: when the port of right name dies,
 * a message from the kernel (sender pid 0) whose payload is a struct
 * uk_notice naming it arrives on the receive right to. Returns UK_OK,
 * UK_ENORIGHT or UK_ENOMEM. */
int uk_notify_dead(struct thread *self, int32_t name, int32_t to);

/* Ask the kernel for a timer notice: at virtual time at_ns (at once if
 * that has passed) a message from the kernel (sender pid 0) whose payload
 * is a struct uk_timer_notice carrying cookie arrives on the receive right
 * port. Never blocks; cannot be cancelled. Returns UK_OK, UK_ENORIGHT or
 * UK_ENOMEM. */
int uk_timer(struct thread *self, uint64_t at_ns, int32_t port, uint64_t cookie);

/* Ask the kernel for an exit notice: when process pid ends (at once if it
 * has), a message from the kernel whose payload is a struct uk_notice of
 * kind UK_NOTICE_EXIT naming pid arrives on the receive right to. Returns
 * UK_OK, UK_ENORIGHT, UK_EINVAL (no such process) or UK_ENOMEM. */
int uk_notify_exit(struct thread *self, uint32_t pid, int32_t to);

/* Count one execution of method of service in the RPC statistics (the
 * server's side of rpc[]: see rpcstat.h). Not a system call. */
void uk_rpc_executed(struct thread *self, const char *service, const char *method);

/* Register the port of right port under service (1 to UK_NAME_MAX bytes)
 * with the name server: a call to its well-known port, as a Lua
 * register() makes. Returns UK_OK, UK_EINVAL (a bad name), UK_ENOMEM, or
 * the name server's answer (UK_ENOTOWNER ...). */
int uk_register(struct thread *self, const char *service, int32_t port);

/* Print a log line (trace and console). */
void uk_log(struct thread *self, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Record a naming operation (op: 1 register, 2 lookup, 3 unregister) by
 * process client_pid for the trace; a successful register also labels the
 * port of right name with text in reports. */
void uk_note_name(struct thread *self, int32_t name, unsigned op, int ok, uint32_t client_pid,
		  const char *text);

/* The current virtual time, ns. */
uint64_t uk_now(struct thread *self);

/* What the calling process's own clock reads now, ns: a drifting clock
 * when the scenario declares one (servers/time/pclock.h), else true time. */
uint64_t uk_clock(struct thread *self);

/* The ns of true time until the calling process's clock reads x: 0 when
 * it already does, UK_FOREVER when it never will. Sleeping that long with
 * uk_sleep is an alarm in local time. */
uint64_t uk_clock_until(struct thread *self, uint64_t x);
/* The supervisor's calls (kernel/crash.h). uk_svc_watch makes the caller's
 * process the supervisor: crash notices (struct uk_notice, kind
 * UK_NOTICE_CRASH) arrive on the receive right port; UK_ENOTOWNER if
 * another process is. Then, for the supervisor only: uk_svc_status fills
 * *st for supervised program slot (UK_ENOENT past the last one), and
 * uk_respawn restarts the dead program of slot as a new process, *pid set
 * (UK_EINVAL if it is not dead, UK_ENOMEM). */
int uk_svc_watch(struct thread *self, int32_t port);

/* A node's network server sends on the message the kernel named id in a
 * struct uk_net_notice (kernel/net.h). UK_OK, or UK_EINVAL when id is not
 * a message in this server's hands. */
int uk_net_forward(struct thread *self, uint32_t id);
int uk_svc_status(struct thread *self, uint32_t slot, struct uk_svc_status *st);
int uk_respawn(struct thread *self, uint32_t slot, uint32_t *pid);

/*
 * Memory (kernel/vmsys.h). Addresses are in the calling process's address
 * space; perm is VM_R | VM_W (vm.h). An access that faults for good (an
 * unmapped address, against the permissions, no frame left) kills the
 * process: the call does not return. To send pages out of line, set
 * m->ool_addr and m->ool_len before uk_send or uk_call; a received message
 * whose ool_len is not 0 brought that many bytes, mapped at m->ool_addr.
 */

/* Map a new region of at least bytes (whole pages); *addr gets its
 * address. UK_OK, UK_EINVAL (bytes 0) or UK_ENOMEM (no room). */
int uk_mem_alloc(struct thread *self, uint64_t bytes, unsigned perm, uint64_t *addr);

/* Unmap the region mem_alloc (or an out-of-line message) made at addr.
 * UK_OK or UK_EINVAL. */
int uk_mem_free(struct thread *self, uint64_t addr);

/* Set the permission of the pages of [addr, addr + len) (addr page-aligned).
 * UK_OK or UK_EINVAL (not all mapped). */
int uk_mem_protect(struct thread *self, uint64_t addr, uint64_t len, unsigned perm);

/* Copy len bytes (at most UK_MEM_MAX_IO) from buf to addr, or from addr to
 * buf. UK_OK or UK_ENOMEM (the host's). */
int uk_mem_write(struct thread *self, uint64_t addr, const void *buf, uint64_t len);
int uk_mem_read(struct thread *self, uint64_t addr, void *buf, uint64_t len);

/* A child process, <name>.fork<k>, with a copy-on-write copy of the
 * caller's memory, running fn(child's thread, arg) on a stack of its own
 * (C stacks are not copied; arg stays the caller's). *pid gets its pid.
 * UK_OK or UK_ENOMEM. */
int uk_fork(struct thread *self, void (*fn)(struct thread *self, void *arg), void *arg,
	    uint32_t *pid);

/* Wait for child pid to end (each child once): *code gets its exit code,
 * *faulted 1 if a fault ended it. UK_OK or UK_ECHILD. */
int uk_wait(struct thread *self, uint32_t pid, int *code, int *faulted);

#endif
