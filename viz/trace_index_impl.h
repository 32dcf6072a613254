/*
 * trace_index_impl.h - what the three files of the trace index share and
 * nothing else sees: the loading state (id maps, what is open per thread,
 * CPU and port, array capacities) and the helpers that touch it.
 * trace_index.c adds records, trace_index_msg.c the message records,
 * trace_index_seal.c seals, loads and answers queries; trace_index_net.c
 * the records of several machines.
 */
#ifndef UKERN_TRACE_INDEX_IMPL_H
#define UKERN_TRACE_INDEX_IMPL_H

#include <stdio.h>

#include "trace_format.h"
#include "trace_index.h"

/* An open-addressing map from a trace id to a dense index (val TI_NONE:
 * empty slot). */
struct ti_map {
	struct ti_map_ent {
		uint64_t key;
		uint32_t val;
	} *e;
	size_t cap, n;           /* slots (a power of two), slots used */
};

/* A thread's current state, since t0. */
struct ti_open {
	uint64_t t0;             /* ns */
	uint32_t port;           /* port index waited on, or TI_NONE */
	uint8_t state, reason;   /* TI_EXITED before its first state record */
	uint16_t cpu;            /* the CPU it runs on, or UINT16_MAX */
};

/* What a CPU runs now, since t0. */
struct ti_cpu_open {
	uint64_t t0;             /* ns */
	uint32_t thread;         /* thread index, or TI_NONE when idle */
};

struct ti_vmbuild;

struct ti_build {
	struct ti_map pids, tids, portids, flows;
	struct ti_vmbuild *vm;           /* the memory replay (trace_index_vm.c), NULL until used */
	struct ti_open *open;            size_t opencap;      /* per thread */
	struct ti_cpu_open *cpu_open;    size_t cpuopencap;   /* per CPU */
	uint32_t *iv_thread;             size_t ivthcap;      /* per interval: its thread */
	uint32_t *run_cpu;               size_t runcpucap;    /* per run: its CPU */
	size_t proccap, threadcap, portcap, ivcap, runcap, msgcap;
	size_t logcap, namecap, timecap, strcap, hdrcap, waitcap, pfaultcap;
	struct ti_map lrpc_labels;       /* binding << 32 | procedure -> its label */
	uint32_t *lrpc_top;              size_t lrpctopcap;   /* per thread: its innermost
							       * LRPC open, or TI_NONE */
	size_t nlrpctop, lrpccap;
	struct ti_map nodeids, linkids;  /* trace id -> nodes, links index */
	struct ti_map pkt_flows;         /* flow -> its first packet */
	struct ti_map mig_ends;          /* migration id -> from node << 16 | to node (indices) */
	size_t nodecap, linkcap, pktcap, movecap;
};

/* Make room for n elements of size bytes at *p (capacity *cap). Returns 0,
 * or -1 when memory runs out (*p unchanged). */
int ti_grow(void **p, size_t *cap, size_t n, size_t size);

uint32_t ti_map_get(const struct ti_map *m, uint64_t key);
int ti_map_put(struct ti_map *m, uint64_t key, uint32_t val);

/* The index of the process, thread or port with this trace id, made (with a
 * placeholder name) when the trace never created it. TI_NONE when memory
 * runs out. */
uint32_t ti_proc_get(struct trace_index *ix, uint64_t pid, uint64_t ns);
uint32_t ti_thread_get(struct trace_index *ix, uint64_t tid, uint64_t pid, uint64_t ns);
uint32_t ti_port_get(struct trace_index *ix, uint64_t id, uint64_t ns);

/* End CPU c's current run at t1. Returns 0 or -1 (out of memory). */
int ti_close_run(struct trace_index *ix, uint32_t c, uint64_t t1);

/* Close every open interval and run at end_ns. Returns 0 or -1. */
int ti_close_all(struct trace_index *ix, uint64_t end_ns);

/* The message records (trace_index_msg.c); 0 or -1 when memory runs out. */
int ti_rec_msg_send(struct trace_index *ix, uint64_t ns, const uint64_t *a, const char *s,
		    size_t len);
int ti_rec_msg_enqueue(struct trace_index *ix, uint64_t ns, const uint64_t *a, const char *s,
		       size_t len);
int ti_rec_msg_deliver(struct trace_index *ix, uint64_t ns, const uint64_t *a, const char *s,
		       size_t len);
int ti_rec_msg_drop(struct trace_index *ix, uint64_t ns, const uint64_t *a, const char *s,
		    size_t len);

/* Stably reorder n elements of size bytes at *arr by key[i] < nkeys; first[k]
 * and count[k] get where key k's group starts and its length. Returns 0 or -1
 * (out of memory; *arr unchanged). */
int ti_group_by(void **arr, size_t n, size_t size, const uint32_t *key, size_t nkeys,
		size_t *first, size_t *count);

/* The memory replay (trace_index_vm.c): every record goes through
 * ti_vm_record, which follows the memory records and the ends of messages
 * that carry out-of-line data; ti_vm_seal groups what it built. 0, or -1
 * when memory runs out. */
int ti_vm_record(struct trace_index *ix, uint64_t ns, unsigned kind, const uint64_t *a);
int ti_vm_seal(struct trace_index *ix);
/* The page of every step the replay made (its build order), for sealing. */
const uint32_t *ti_vm_step_pages(const struct trace_index *ix);
void ti_vm_build_free(struct ti_vmbuild *v);

/* Shared segments in the memory replay (trace_index_shm.c): the records
 * shm_new, shm_frame and shm_map, and what they kept. */
struct ti_shm;
int ti_shm_new(struct trace_index *ix, uint64_t ns, const uint64_t *a);
int ti_shm_frame(struct trace_index *ix, uint64_t ns, const uint64_t *a);
int ti_shm_map(struct trace_index *ix, uint64_t ns, const uint64_t *a);
void ti_shm_free(struct ti_shm *s);
/* (trace_index_vm.c, for those) Where the replay keeps them; page addr of
 * process pr steps to frame (ignored when nothing maps addr now). 0, or -1
 * when memory runs out. */
struct ti_shm **ti_vm_shm(struct trace_index *ix);
/* The region of process pr that holds addr now, or TI_NONE. */
uint32_t ti_vm_region_of(struct trace_index *ix, uint32_t pr, uint64_t addr);
int ti_vm_step_addr(struct trace_index *ix, uint32_t pr, uint64_t addr, uint64_t ns,
		    uint32_t frame, int cow, enum ti_vm_cause cause);

/* Free the memory replay's arrays (the index's, not the loading state). */
void ti_vm_free(struct ti_vm *vm);

/* Append s (len bytes, at most max kept) to the string pool; its offset,
 * or 0 ("") when memory runs out. */
uint32_t ti_pool_add(struct trace_index *ix, const char *s, size_t len, size_t max);

/* The LRPC records (trace_index_lrpc.c); 0 or -1 when memory runs out. */
int ti_rec_lrpc_call(struct trace_index *ix, uint64_t ns, const uint64_t *a, const char *s,
		     size_t len);
int ti_rec_lrpc_return(struct trace_index *ix, uint64_t ns, const uint64_t *a, const char *s,
		       size_t len);

/* Close the LRPCs still open at end_ns and build lrpc_reach. 0 or -1. */
int ti_seal_lrpcs(struct trace_index *ix, uint64_t end_ns);

/* The records of several machines (trace_index_net.c); 0 or -1 when
 * memory runs out. */
int ti_rec_node(struct trace_index *ix, uint64_t ns, const uint64_t *a, const char *s,
		size_t len);
int ti_rec_proc_node(struct trace_index *ix, uint64_t ns, const uint64_t *a, const char *s,
		     size_t len);
int ti_rec_link(struct trace_index *ix, uint64_t ns, const uint64_t *a, const char *s,
		size_t len);
int ti_rec_link_loss(struct trace_index *ix, uint64_t ns, const uint64_t *a, const char *s,
		     size_t len);
int ti_rec_pkt_send(struct trace_index *ix, uint64_t ns, const uint64_t *a, const char *s,
		    size_t len);
int ti_rec_pkt_end(struct trace_index *ix, uint64_t ns, const uint64_t *a, const char *s,
		   size_t len);
int ti_rec_pkt_lost(struct trace_index *ix, uint64_t ns, const uint64_t *a, const char *s,
		    size_t len);
int ti_rec_migrate(struct trace_index *ix, uint64_t ns, const uint64_t *a, const char *s,
		    size_t len);
int ti_rec_migrate_xfer(struct trace_index *ix, uint64_t ns, const uint64_t *a, const char *s,
			size_t len);
int ti_rec_migrate_pull(struct trace_index *ix, uint64_t ns, const uint64_t *a, const char *s,
			size_t len);
int ti_rec_convert(struct trace_index *ix, uint64_t ns, const uint64_t *a, const char *s,
		   size_t len);

/* Count the links' and nodes' traffic, order the processes by node, build
 * pkt_reach and msg_pkt. 0 or -1 when memory runs out. */
int ti_seal_net(struct trace_index *ix);
void ti_net_free(struct trace_index *ix);

/* Free the loading state (after sealing, or with the index). */
void ti_build_free(struct ti_build *b);

#endif
