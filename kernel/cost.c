/*
 * cost.c - the cost profiles and the table that names each constant.
 *
 * "modern" figures are rough round numbers for a current x86-64 Linux box;
 * "firefly-1990" comes from Bershad et al., "Lightweight Remote Procedure
 * Call", ACM TOCS 8(1), 1990, measured on the C-VAX Firefly. The sources are
 * detailed in doc/cost-model.md.
 */
#include "cost.h"

#include <string.h>

static const struct costs profiles[] = {
	{ .profile = "zero" },
	{
		.profile = "modern",
		.trap_ns = 100,            /* syscall+sysret with mitigations */
		.kernel_switch_ns = 1500,  /* lmbench lat_ctx, 2 processes */
		.as_switch_ns = 500,       /* CR3 reload and the TLB refill after it */
		.user_switch_ns = 20,      /* a register save/restore in user space */
		.upcall_ns = 600,
		.msg_ns = 200,
		.copy_kernel_ps = 100,     /* ~10 GB/s memcpy */
		.copy_stub_ps = 100,
		.marshal_arg_ns = 15,
		.page_fault_ns = 1000,
		.page_copy_ns = 400,       /* 4 KiB at ~10 GB/s */
		.proc_call_ns = 2,
		.lrpc_transfer_ns = 150,
		.disk_ns = 100000,         /* NVMe read, 100 us */
		.migrate_ns = 10000,       /* refilling L1/L2 from L3 or another core: ~10 us */
		.byteswap_ns = 1,          /* a bswap and its load and store */
		.page_map_ns = 50,         /* fork: a page-table entry copied, marked copy-on-write */
		.lrpc_stub_ns = 20,        /* the paper's 21 us are ~60 VAX instructions */
		.exchange_ns = 300,        /* the thread's state handed to another core */
		.copy_remote_ps = 50,      /* lines another core just wrote, streamed: ~20 GB/s */
		.net_msg_ns = 5000,        /* a UDP send or receive through the socket layer: ~5 us */
		.net_packet_ns = 1000,     /* per packet: headers, checksum, the interrupt */
	},
	{
		.profile = "firefly-1990",
		.trap_ns = 18000,           /* two traps = 36 us */
		.kernel_switch_ns = 33000,  /* estimate: as much as the address-space part */
		.as_switch_ns = 33000,      /* two context switches of the Null LRPC = 66 us */
		.user_switch_ns = 4000,
		.upcall_ns = 33000,
		.msg_ns = 111000,           /* the rest of Taos's message Null, per message */
		.copy_kernel_ps = 12500,    /* Taos BigIn - Null beyond the two stub copies */
		.copy_stub_ps = 166667,     /* LRPC BigIn - Null and Add - Null, solved together */
		.marshal_arg_ns = 1667,     /* ... for the byte and the value: 1/6 us and 5/3 us */
		.page_fault_ns = 500000,
		.page_copy_ns = 700000,
		.proc_call_ns = 7000,       /* procedure call 7 us */
		.lrpc_transfer_ns = 27000,  /* kernel transfer 27 us */
		.disk_ns = 25000000,        /* a 1990 disk, 25 ms */
		.byteswap_ns = 3000,        /* no swap instruction: ~10 VAX instructions at ~3 MIPS */
		.page_map_ns = 10000,       /* a page-table entry and its reference: ~30 instructions */
		.lrpc_stub_ns = 21000,      /* stubs 21 us */
		.exchange_ns = 17000,       /* LRPC/MP Null 125 = 157 - 2 x 33 + 2 x 17 */
		.copy_remote_ps = 60000,    /* LRPC/MP BigInOut - Null beyond LRPC's: 24 us per 400 bytes */
		.net_msg_ns = 450000,       /* Firefly RPC: ~0.9 ms of the Null call's software, per side */
		.net_packet_ns = 200000,    /* ... per extra 1500-byte packet, beyond the wire time */
	},
};

#define F(name, field, unit) { name, offsetof(struct costs, field), unit }
static const struct { const char *name; size_t off; const char *unit; } fields[] = {
	F("trap", trap_ns, "ns"),
	F("kernel_switch", kernel_switch_ns, "ns"),
	F("as_switch", as_switch_ns, "ns"),
	F("user_switch", user_switch_ns, "ns"),
	F("upcall", upcall_ns, "ns"),
	F("msg", msg_ns, "ns"),
	F("copy_kernel", copy_kernel_ps, "ps/byte"),
	F("copy_stub", copy_stub_ps, "ps/byte"),
	F("marshal_arg", marshal_arg_ns, "ns"),
	F("page_fault", page_fault_ns, "ns"),
	F("page_copy", page_copy_ns, "ns"),
	F("proc_call", proc_call_ns, "ns"),
	F("lrpc_transfer", lrpc_transfer_ns, "ns"),
	F("disk", disk_ns, "ns"),
	F("migrate", migrate_ns, "ns"),
	F("byteswap", byteswap_ns, "ns"),
	F("page_map", page_map_ns, "ns"),
	F("lrpc_stub", lrpc_stub_ns, "ns"),
	F("cpu_exchange", exchange_ns, "ns"),
	F("copy_remote", copy_remote_ps, "ps/byte"),
	F("net_msg", net_msg_ns, "ns"),
	F("net_packet", net_packet_ns, "ns"),
};
#undef F
#define NFIELDS (sizeof fields / sizeof fields[0])

int cost_profile(const char *name, struct costs *out)
{
	for (size_t i = 0; i < sizeof profiles / sizeof profiles[0]; i++) {
		if (strcmp(profiles[i].profile, name) == 0) {
			*out = profiles[i];
			return 0;
		}
	}
	return -1;
}

int cost_set(struct costs *c, const char *field, uint64_t value)
{
	for (size_t i = 0; i < NFIELDS; i++) {
		if (strcmp(fields[i].name, field) == 0) {
			*(uint64_t *)((char *)c + fields[i].off) = value;
			return 0;
		}
	}
	return -1;
}

const char *cost_field_name(size_t i, const char **unit)
{
	if (i >= NFIELDS)
		return NULL;
	if (unit)
		*unit = fields[i].unit;
	return fields[i].name;
}

uint64_t cost_field_value(const struct costs *c, size_t i)
{
	return i < NFIELDS ? *(const uint64_t *)((const char *)c + fields[i].off) : 0;
}
