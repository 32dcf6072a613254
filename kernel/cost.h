/*
 * cost.h - the cost model: what each kernel operation charges in simulated
 * time. Simulated code runs for free; only compute() and these constants
 * make time pass. doc/cost-model.md gives the source of every figure.
 */
#ifndef UKERN_COST_H
#define UKERN_COST_H

#include <stddef.h>
#include <stdint.h>

struct costs {
	const char *profile;        /* name of the profile it started from */
	uint64_t trap_ns;           /* system-call entry + exit */
	uint64_t kernel_switch_ns;  /* switch between kernel threads on a CPU */
	uint64_t as_switch_ns;      /* extra when the address space changes too */
	uint64_t user_switch_ns;    /* user-level thread switch */
	uint64_t upcall_ns;         /* scheduler-activation upcall */
	uint64_t msg_ns;            /* kernel work per message, besides copying */
	uint64_t copy_kernel_ps;    /* kernel copy, picoseconds per byte */
	uint64_t copy_stub_ps;      /* stub copy, picoseconds per byte */
	uint64_t marshal_arg_ns;    /* stub work per marshalled value */
	uint64_t page_fault_ns;     /* taking and resolving a page fault */
	uint64_t page_copy_ns;      /* copying one page */
	uint64_t proc_call_ns;      /* a local procedure call and return */
	uint64_t lrpc_transfer_ns;  /* LRPC kernel transfer (binding and A-stack checks) */
	uint64_t disk_ns;           /* one disk access */
	uint64_t migrate_ns;        /* a thread dispatched on another CPU: its cache refilled */
	uint64_t byteswap_ns;       /* converting one number between byte orders */
	uint64_t page_map_ns;       /* mapping one page into another address space copy-on-write */
	uint64_t lrpc_stub_ns;      /* LRPC: the client's and the server's stubs, per call */
	uint64_t exchange_ns;       /* LRPC on a multiprocessor: exchanging the caller's processor
				     * for one idling in the domain it enters (domain caching) */
	uint64_t copy_remote_ps;    /* LRPC, exchanged: an A-stack byte read on another processor
				     * than the one that wrote it, picoseconds per byte */
	uint64_t net_msg_ns;        /* several machines: the network layer's work per message
				     * that leaves or enters a node, on each side */
	uint64_t net_packet_ns;     /* ... and per packet (header, checksum, interrupt) */
};

/* Load a named profile ("zero", "modern", "firefly-1990"). Returns 0, or -1
 * for an unknown name (out untouched). */
int cost_profile(const char *name, struct costs *out);

/* Set one field by its name without the unit suffix ("trap", "msg",
 * "copy_kernel" ...). Returns 0, or -1 for an unknown field. */
int cost_set(struct costs *c, const char *field, uint64_t value);

/* The i-th field name and its unit ("ns" or "ps/byte"), or NULL past the end. */
const char *cost_field_name(size_t i, const char **unit);

/* Read a field by index (same order as cost_field_name). */
uint64_t cost_field_value(const struct costs *c, size_t i);

/* Nanoseconds to copy n bytes at ps picoseconds per byte, rounded up. */
static inline uint64_t cost_copy(uint64_t ps, uint64_t n)
{
	return (ps * n + 999) / 1000;
}

#endif
