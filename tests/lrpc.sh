#!/bin/sh
# lrpc.sh - the claims of the lessons lrpc-paper.md, lrpc-vs-rpc.md and
# syscall-vs-rpc.md: the firefly-1990 model reproduces the LRPC paper's
# table within its tolerances (LRPC 3 %, LRPC/MP 5 %, message RPC 10 %),
# the stats have one rpc entry per binding, method and kind with the
# copies of the paper's table, and the orders of magnitude between a trap,
# an LRPC and a message RPC hold.
. "${top_srcdir:-.}/tests/lib.sh"

# within NAME VALUE PAPER PERCENT: |VALUE / PAPER - 1| <= PERCENT / 100
within() {
	checks=$((checks + 1))
	awk -v v="$2" -v p="$3" -v tol="$4" 'BEGIN {
		r = v / p - 1; if (r < 0) r = -r; exit !(r <= tol / 100) }' ||
		fail "$1: $2 us against the paper's $3 us, more than $4 % off"
}

# The table the scenario prints: one line per call, three columns of
# (model, paper, ratio).
run 0 run scenarios/lrpc-paper.lua --stats json &&
	expect_err 'LRPC/MP \(domain caching\) +LRPC +message RPC \(Taos\)' &&
	expect_err 'Null +125.0 +125 +1.000 +157.0 +157 +1.000 +463.6 +464 +0.999$' &&
	expect_err 'BigInOut +219.0 +219 +1.000 +227.0 +227 +1.000 +617.1 +636 +0.970$'
for call in Null Add BigIn BigInOut; do
	line=$(grep -E "\| $call +[0-9]" "$TMP/err" | sed 's/.*| //')
	checks=$((checks + 1))
	[ -n "$line" ] || { fail "no line for $call in the table"; continue; }
	# shellcheck disable=SC2086
	set -- $line
	within "$call LRPC/MP" "$2" "$3" 5
	within "$call LRPC" "$5" "$6" 3
	within "$call message RPC" "$8" "$9" 10
done
# One rpc entry per binding, method and kind, with the paper's copies: LRPC
# copies onto the A-stack (A) and off it (F); a message is copied into a
# message, into the kernel, out of it and off it both ways.
expect_out '"binding": "firefly", "method": "Null", "kind": "lrpc", "calls": 12, .*"copies": \{ "A": 0, "B": 0, "C": 0, "D": 0, "E": 0, "F": 0 \}'
expect_out '"binding": "firefly", "method": "Null", "kind": "lrpc-mp", "calls": 10, .*"mean": 125000,'
expect_out '"binding": "firefly", "method": "Add", "kind": "lrpc", "calls": 11, .*"mean": 164002, .*"copies": \{ "A": 11, "B": 0, "C": 0, "D": 0, "E": 0, "F": 11 \}, "copies_per_call": 2.00'
expect_out '"binding": "firefly", "method": "BigIn", "kind": "lrpc-mp", .*"copies_per_call": 1.00'
expect_out '"binding": "taos", "method": "BigInOut", "kind": "message", "calls": 11, .*"copies": \{ "A": 22, "B": 22, "C": 22, "D": 0, "E": 11, "F": 11 \}, "copies_per_call": 8.00'
expect_out '"lrpc": \{ "interfaces": 1, "bindings": 1, "calls": 88, "mp_calls": 43, "mp_returns": 43, "revoked": 0, "astack_waits": 0, "estacks": 4, "estack_associations": 4, "prods": 1, "global_refs": 0, "rebinds": 0 \}'

# lrpc-vs-rpc: one CPU, LRPC about 3.7 times faster than a message RPC; the
# copies per call 2 against 8.
run 0 run scenarios/lrpc-vs-rpc.lua --stats json &&
	expect_err 'Null +1372 +5052 +3.68$' && expect_err 'Add +1419 +5152 +3.63$' &&
	expect_err 'Store +1423 +5196 +3.65$' &&
	expect_out '"binding": "counter", "method": "Store", "kind": "lrpc", .*"copies": \{ "A": 21, "B": 0, "C": 0, "D": 0, "E": 0, "F": 21 \}, "copies_per_call": 2.00' &&
	expect_out '"binding": "counter-msg", "method": "Store", "kind": "message", .*"copies": \{ "A": 42, "B": 42, "C": 42, "D": 0, "E": 21, "F": 21 \}, "copies_per_call": 8.00'
run 0 run scenarios/lrpc-vs-rpc.lua --set bytes=4000 &&
	expect_err 'Store +1803 +6716 +3.72$'
# Two CPUs: the message server keeps its own CPU, LRPC exchanges
# processors; small calls cost alike, bytes still favour LRPC.
run 0 run scenarios/lrpc-vs-rpc.lua --set cpus=2 --stats json &&
	expect_err 'Null +972 +952 +0.98$' && expect_err 'Store +1034 +1096 +1.06$' &&
	expect_out '"binding": "counter", "method": "Null", "kind": "lrpc-mp", "calls": 20,'
run 0 run scenarios/lrpc-vs-rpc.lua --set cpus=2 --set bytes=4000 &&
	expect_err 'Store +1604 +2616 +1.63$'

# syscall-vs-rpc: a trap, an LRPC, two messages.
run 0 run scenarios/syscall-vs-rpc.lua --stats json &&
	expect_err 'getpid\(\) = 4 by a system call: 100 ns a call$' &&
	expect_err 'getpid\(\) = 4 by a message to pm: 4836 ns a call \(48.4 times the system call\)' &&
	expect_err 'an LRPC Null to a server of the same machine: 1372 ns \(13.7 times\)' &&
	expect_out '"ipc": \{ "messages": 50, ' &&
	expect_out '"name": "client", "process": "client", .*"switches": 24, ' &&
	expect_out '"id": 0, "busy_ns": [0-9]+, "idle_ns": [0-9]+, "utilisation": [0-9.]+, "switches": 52 \}'
run 0 run scenarios/syscall-vs-rpc.lua --set costs=firefly-1990 &&
	expect_err 'by a system call: 18000 ns' &&
	expect_err 'by a message to pm: 431014 ns a call \(23.9 times the system call\)' &&
	expect_err 'an LRPC Null .*: 157000 ns \(8.7 times\)'

# The trace: a call and its return per LRPC, named, with how they crossed.
run 0 run scenarios/lrpc-paper.lua --set calls=1 --trace "$TMP/paper.uktrace" --quiet
run 0 export "$TMP/paper.uktrace" &&
	expect_out 'lrpc_export iface=1 pid=2\(server\) port=2 procs=4 "firefly"' &&
	expect_out 'lrpc_bind binding=1 iface=1 pid=4\(client\) addr=0x10000000 server_addr=0x10000000 pages=1' &&
	expect_out 'lrpc_estack binding=1 astack=16 estack=1 new=1' &&
	expect_out 'lrpc_call tid=4\(client\) pid=4\(client\) to_pid=2\(server\) binding=1 proc=4 how=switch "firefly.Null"' &&
	expect_out 'lrpc_call .* how=exchange "firefly.BigInOut"' &&
	expect_out 'lrpc_return tid=4\(client\) pid=2\(server\) to_pid=4\(client\) binding=1 proc=3 how=exchange'
finish
