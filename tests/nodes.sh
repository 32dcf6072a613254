#!/bin/sh
# nodes.sh - several machines (doc/scenario-api.md section 18d): remote
# ports, naming across nodes, byte order, node clocks, loss with and
# without retransmission, the new trace records and statistics, the same
# seed giving the same run, and declarations that are wrong.
. "${top_srcdir:-.}/tests/lib.sh"
A=tests/api

run 0 run $A/nodes.lua --stats json --trace "$TMP/nodes.uktrace" &&
	expect_err "B's clock is 3004000 ahead at 200000000" &&
	expect_err 'lookup from B: found in 2136000 ns' &&
	expect_err 'call from B to C through A: far got x in 102187200 ns' &&
	expect_err 'add 5 in 2134000 ns' &&
	expect_err 'far got hi in 100084800 ns' &&
	expect_err 'call to a dying remote server: dead port after 11048000 ns' &&
	expect_err 'send to it now: dead port' &&
	expect_err "sync from A to B's time server: offset 3010564, bound 1063500, rtt 2127000" &&
	expect_err "after the sync A's clock is 2479 from B's" &&
	expect_err 'lrpc.bind across nodes: nil, on another node' &&
	expect_out '"name": "net.A", "pid": 2, .*"node": "A"' &&
	expect_out '"name": "net.C", "pid": 4, .*"node": "C"' &&
	expect_out '"name": "time", .*"node": "B"' &&
	expect_out '"name": "adder", .*"node": "B"' &&
	expect_out '"name": "client", .*"node": "A"' &&
	expect_out '\{ "name": "B", "id": 1, "cpus": 1, "cpu0": 1, "sched": "rr", "quantum_ns": 10000000, "costs": "zero", "byte_order": "big", "clock_offset_ns": 3000000, "drift_ppb": 20000,.* "values_converted": 0, "frames": 4096, "frames_used": 0, "frames_peak": 0 \}' &&
	expect_out '\{ "name": "C", "id": 2, "cpus": 2, "cpu0": 2, "sched": "rr", "quantum_ns": 10000000, "costs": "zero", "byte_order": "little",' &&
	expect_out '"a": "A", "b": "C", "profile": "wan", "latency_ns": 50000000, "bandwidth_bps": 10000000, "mtu": 1500,'
# Only the little-endian side converts: A's client (to and from the
# canonical form), never big-endian B.
checks=$((checks + 1))
grep -q '"name": "A", .*"values_converted": [1-9]' "$TMP/out" || fail "node A converted nothing"
"$UKERN" export "$TMP/nodes.uktrace" >"$TMP/nodes.txt" 2>&1 || fail "export of a trace with nodes"
checks=$((checks + 7))
grep -q 'node node=1 cpus=1 cpu0=1 big_endian=1 "B"' "$TMP/nodes.txt" || fail "no node record"
grep -q 'link link=2 a=0 b=2 latency=50000000 bandwidth=10000000 mtu=1500 "wan"' "$TMP/nodes.txt" ||
	fail "no link record"
grep -q 'proc_node pid=[0-9]*(adder) node=1' "$TMP/nodes.txt" || fail "no placement record"
grep -q 'pkt_send link=1 from=0 ' "$TMP/nodes.txt" || fail "no packet sent"
grep -q 'pkt_arrive link=1 .* last=1' "$TMP/nodes.txt" || fail "no packet arrived"
grep -q 'convert flow=[0-9]* node=0 values=[0-9]* op=1' "$TMP/nodes.txt" || fail "no conversion at A"
grep -q 'convert flow=[0-9]* node=1 ' "$TMP/nodes.txt" && fail "big-endian B converted"
for v in sequence cpu topology memory; do
	run 0 render "$TMP/nodes.uktrace" -o "$TMP/nodes-$v.png" --view "$v"
done

# Loss: without retransmission calls fail and some ran although their
# reply was lost; with retries and at-most-once, all run exactly once.
run 0 run $A/nodes_loss.lua --stats json &&
	expect_err 'retries 0: 12 ok, 8 failed, 17 executed' &&
	expect_out '"from": "B", "messages": [0-9]+, "messages_lost": [1-9]'
run 0 run $A/nodes_loss.lua --set retries=10 && expect_err 'retries 10: 20 ok, 0 failed, 20 executed'

# Each node its own scheduler.
run 0 run $A/nodes_sched.lua --stats json &&
	expect_err 'A1 done at 5000000' && expect_err 'A2 done at 10000000' &&
	expect_err 'B1 done at 9000000' && expect_err 'B2 done at 10000000' &&
	expect_err 'C1 done at 5000000' && expect_err 'C2 done at 10000000' &&
	expect_out '"name": "B", "id": 1, "cpus": 1, "cpu0": 1, "sched": "rr", "quantum_ns": 1000000,' &&
	expect_out '"name": "C", "id": 2, "cpus": 1, "cpu0": 2, "sched": "fifo",'

# Each node its own cost model.
run 0 run $A/nodes_costs.lua --stats json &&
	expect_err 'A: two getpid in 0 ns' && expect_err 'B: two getpid in 3000000 ns' &&
	expect_err 'C: one getpid in 102000 ns' &&
	expect_out '"name": "B", .*"costs": "zero \(with overrides\)"' &&
	expect_out '"name": "C", .*"costs": "firefly-1990"'

# A restarted server runs where it ran; the supervisor, made by the
# kernel, on A's CPUs.
cat >"$TMP/restart.lua" <<'LUA'
machine { costs = "zero" }
node { "B", byte_order = "big" }
link { "A", "B" }
server { "time", node = "B" }
fault { at = "5ms", crash = "time", restart_after = "1ms" }
process { "p", node = "B", main = function() sleep("20ms") log("time now %d", clock.now("time")) end }
LUA
run 0 run "$TMP/restart.lua" --stats json --trace "$TMP/restart.uktrace" &&
	expect_err 'time now 20000000' &&
	expect_out '"name": "time#2", "pid": 7, .*"incarnation": 2, "node": "B"' &&
	expect_out '"name": "rs", "pid": 6, .*"node": "A"'
"$UKERN" export "$TMP/restart.uktrace" >"$TMP/restart.txt" 2>&1
checks=$((checks + 2))
grep -q 'dispatch cpu=1 tid=7(time#2)' "$TMP/restart.txt" || fail "the restarted server left node B"
grep -q 'dispatch cpu=1 tid=6(rs)' "$TMP/restart.txt" && fail "the supervisor ran on node B"

# Same seed, same run: byte-identical trace and statistics.
for i in 1 2; do
	run 0 run $A/nodes_loss.lua --seed 3 --trace "$TMP/loss-$i.uktrace" --stats json --quiet &&
		cp "$TMP/out" "$TMP/loss-$i.json"
done
checks=$((checks + 3))
cmp -s "$TMP/loss-1.uktrace" "$TMP/loss-2.uktrace" || fail "traces with nodes differ between runs"
cmp -s "$TMP/loss-1.json" "$TMP/loss-2.json" || fail "stats with nodes differ between runs"
run 0 run $A/nodes_loss.lua --seed 4 --trace "$TMP/loss-3.uktrace" --quiet
cmp -s "$TMP/loss-1.uktrace" "$TMP/loss-3.uktrace" && fail "another seed gave the same losses"

# Remote object references across nodes: an object made on B, its
# reference sent from A to C in a plain message and called through from C
# straight over the B-C link (3 ms each way: 6 ms, not the 4 ms through A),
# sent back to B and called locally; a callback object made on C called
# by the server on B; the id rule holds across the link.
run 0 run $A/nodes_objref.lua --stats json --trace "$TMP/objref.uktrace" &&
	expect_err 'carol on C: Counter#1 \(remote\) add 50 -> 150 in 6010880 ns' &&
	expect_err 'carol on C: the bank poked her counter -> 1001, hers holds 1001' &&
	expect_err 'ann on A: carol saw 150; the counter holds 150' &&
	expect_err 'dave on B: add 7 -> 157 in 0 ns' &&
	expect_err 'ann on A: dave saw 157; the counter holds 157' &&
	expect_err 'ann on A: forged id: no object #2 behind this reference \(it names Counter#1\)' &&
	expect_out '"a": "B", "b": "C", .*\{ "from": "B", "messages": 4, .*\{ "from": "C", "messages": 4,'
"$UKERN" export "$TMP/objref.uktrace" >"$TMP/objref.txt" 2>&1 || fail "export of the objects' trace"
checks=$((checks + 2))
[ "$(grep -c 'obj_call tid=[0-9]*(bank.1) pid=[0-9]*(bank) .* ok=1 "Counter#1.add"' "$TMP/objref.txt")" -eq 3 ] ||
	fail "the bank's object did not take the three adds (A, C, B)"
grep -q 'obj_call tid=[0-9]*(carol.1) pid=[0-9]*(carol) .* ok=1 "Counter#1.add"' "$TMP/objref.txt" ||
	fail "carol's callback object on C was not called"

# Declarations that are wrong name the file, the line and the field: exit 2.
bad() {
	printf '%s\n' "$1" >"$TMP/bad.lua"
	run 2 run "$TMP/bad.lua" && expect_err "$2"
}
bad 'process { "p", node = "Z", main = function() end }' \
	"bad.lua:1: 'p': node: unknown node 'Z' \(declare it with node \{ \"Z\" \}\)"
bad 'node { "B" }
link { "A", "Q", profile = "lan" }' "bad.lua:2: link: unknown node 'Q'"
bad 'node { "B" }
link { "A", "B", bandwidth = "100MBps" }' \
	"bad.lua:2: link: 'bandwidth' must be a rate such as \"100Mbps\" \(units bps, kbps, Mbps, Gbps\), not '100MBps'"
bad 'node { "B" }
link { "A", "B", bandwidth = 100 }' "bad.lua:2: link: 'bandwidth' must be a rate"
bad 'node { "B" }
node { "B", cpus = 2 }' "bad.lua:2: node: a node named 'B' is already declared"
bad 'node { "A" }' "bad.lua:1: node: 'A' is the machine's own node"
bad 'node { 42 }' "bad.lua:1: node: 'name' must be a string \\(\"42\"\\), not the number 42"
bad 'node { name = "B", "C" }' "bad.lua:1: node: the name is given twice, 'C' and name = 'B'; give one"
bad 'node { "B" }
link { "A", 2 }' "bad.lua:2: link: the second value must be a string \\(\"2\"\\), not the number 2"
bad 'node { "B" }
link { "B" }' "bad.lua:2: link: the second value must be a node's name, a string of 1 to 63 characters"
bad 'node { "B" }
link { name = "A", "B" }' "bad.lua:2: link: unknown field 'name'"
bad 'node { "B", byte_order = "middle" }' "bad.lua:1: node 'B': byte_order must be \"little\" or \"big\", not 'middle'"
bad 'node { "B", colour = 1 }' "bad.lua:1: node: unknown field 'colour'"
bad 'node { "B", costs = "fast" }' "bad.lua:1: node 'B': unknown cost profile 'fast'"
bad 'node { "B", costs = { warp = 1 } }' "bad.lua:1: node 'B': costs: unknown cost 'warp'"
bad 'node { "B", sched = "process-run" }' "bad.lua:1: node 'B': sched must be one of fifo, rr, sjf, stcf, priority, lottery, stride, cfs, mlfq, or a table \\{ pick = f, quantum = d \\} \\(a policy in Lua\\), not 'process-run' \\(process-run is machine \\{ \\}'s only\\)"
bad 'node { "B", frames = 0 }' "bad.lua:1: node: 'frames' must be an integer from 1 to 16777216, not '0'"
bad 'node { "B", quantum = "fast" }' "bad.lua:1: node: 'quantum' must be a duration"
bad 'node { "B", drift = "fast" }' "bad.lua:1: node 'B': "
bad 'node { "B" }
link { "A", "B", profile = "dialup" }' \
	"bad.lua:2: link: unknown profile 'dialup' \(profiles: lan, man, wan, wireless-lan, wireless-wan, internet\)"
bad 'node { "B" }
link { "A", "B", loss = 2 }' "bad.lua:2: link: 'loss' must be a probability from 0 to 1, not '2'"
bad 'node { "B" }
link { "A", "B", mtu = 20 }' "bad.lua:2: link: 'mtu' must be an integer from 68 to 65535"
bad 'node { "B" }
link { "A", "B" }
link { "B", "A" }' "bad.lua:3: link: nodes 'B' and 'A' are already linked \(at [^ ]*bad.lua:2\)$"
bad 'node { "B" }
link { "B", "B" }' "bad.lua:2: link: both ends are node 'B'"
bad 'node { "B" }
node { "C" }
link { "A", "B" }
process { "p", node = "C", main = function() end }' \
	"bad.lua:4: 'p': no chain of links joins node 'C' to node 'A', where the name server runs: no route"
bad 'node { "B", cpus = 2 }
link { "A", "B" }
process { "p", node = "B", affinity = { 5 }, main = function() end }' \
	"bad.lua:3: 'p': its affinity names no CPU of node 'B' \(it has 2"
bad 'machine { cpus = 60 }
node { "B", cpus = 8 }' "bad.lua:2: node 'B': the nodes have 68 CPUs in all; at most 64"
bad 'process { "p", node = 3, main = function() end }' "bad.lua:1: process: 'node' must be a string"
bad 'node { "B" }
link { "A", "B" }
process { "net.B", main = function() end }' "bad.lua:3: 'net.B' is the name of node 'B''s network server"
# invocation-kinds.md's table: each kind an order of magnitude or more beyond the
# one before (a trap, an LRPC, a message RPC on one machine, an RPC to another).
run 0 run scenarios/invocation-kinds.lua &&
	expect_err 'system call \(getpid\) +100 ns' &&
	expect_err 'LRPC, same machine +1387 ns' &&
	expect_err 'message RPC, same machine +5084 ns' &&
	expect_err 'message RPC, another machine \(lan\) +2043880 ns'
run 0 run scenarios/invocation-kinds.lua --set costs=firefly-1990 &&
	expect_err 'another machine \(lan\) +5416876 ns +300\.9 x'
run 0 run scenarios/invocation-kinds.lua --set size=4000 &&
	expect_err 'another machine \(lan\) +2373960 ns'
# Naming over a lossy link: register, lookup and unregister from node B are
# sent again when their answer is lost, and all succeed.
run 0 run tests/api/nodes_name_loss.lua --stats json --trace "$TMP/nl.uktrace" &&
	expect_err 'srv +\| registered 10$' &&
	expect_err 'srv +\| unregister: true nil$' &&
	expect_err 'cli +\| found 9 of 9; svc1: unknown name$' &&
	expect_err 'cli +\| time server: true$' &&
	expect_out '"messages_lost": [1-9]'
run 0 export "$TMP/nl.uktrace"
checks=$((checks + 1))
calls=$(grep -c 'kind=call' "$TMP/out")
# 10 registrations, 1 unregistration, 11 lookups, the time server's registration:
# 23 calls, and as many more as answers were lost.
[ "$calls" -gt 23 ] || fail "no name-server call was sent again ($calls calls)"

# A file server placed on node B.
run 0 run tests/api/nodes_file.lua --stats json &&
	expect_err 'c +\| read: hi there$' &&
	expect_out '"name": "file", "pid": [0-9]+, .*"node": "B"' &&
	expect_out '"name": "B", "id": 1, .*"messages_in": [1-9]'
bad 'node { "B" }
server { "file", node = "Z" }' "bad.lua:2: server 'file': unknown node 'Z' \\(declare it with node \\{ \"Z\" \\}\\)"
bad 'node { "B" }
node { "C" }
link { "A", "B" }
server { "file", node = "C" }' "bad.lua:4: server 'file': no chain of links joins node 'C' to node 'A', where the name server runs: no route"

# Routes through nodes between: A - B - C - D, a server on D. Every message
# crosses the three links (12 each way: 10 calls, the lookup, the interface),
# and a call takes at least the 2 x 6 ms of latency on the way.
run 0 run tests/api/nodes_route.lua --stats json &&
	expect_err 'cli +\| first call in 12476508 ns$' &&
	expect_err 'cli +\| 10 of 10 answered in [0-9]+ ns$' &&
	expect_out '"a": "A", "b": "B", .*\{ "from": "A", "messages": 12, "messages_lost": 0, .*\{ "from": "B", "messages": 12,' &&
	expect_out '"a": "B", "b": "C", .*\{ "from": "B", "messages": 12, "messages_lost": 0, .*\{ "from": "C", "messages": 12,' &&
	expect_out '"a": "C", "b": "D", .*\{ "from": "C", "messages": 12, "messages_lost": 0, .*\{ "from": "D", "messages": 12,'
# Loss on the middle link: retransmissions get every call through.
run 0 run tests/api/nodes_route.lua --set loss=0.2 --stats json &&
	expect_err 'cli +\| 10 of 10 answered in [0-9]+ ns$' &&
	expect_out '"retransmissions": [1-9]' &&
	expect_out '"a": "B", "b": "C", .*"messages_lost": [1-9]'

# A node's own mlfq beside rr and fifo: the short job that arrives at 25 ms.
run 0 run $A/nodes_mlfq.lua --stats json &&
	expect_err 'B\.short +\| B short done at 30000000$' &&
	expect_err 'A\.short +\| A short done at 35000000$' &&
	expect_err 'C\.short +\| C short done at 55000000$' &&
	expect_out '"name": "B", "id": 1, "cpus": 1, "cpu0": 1, "sched": "mlfq"'

# A name-server call over a link that loses nearly everything: 5 tries, each
# waiting twice as long as the one before, then "timeout"; names() too.
for op in lookup names; do
	run 0 run tests/api/nodes_name_timeout.lua --set op=$op --trace "$TMP/nt.uktrace" &&
		expect_err "p +\| $op: nil timeout after 171379730 ns$"
	run 0 export "$TMP/nt.uktrace"
	checks=$((checks + 1))
	[ "$(grep -c 'kind=call' "$TMP/out")" -eq 5 ] || fail "$op: not 5 tries: $(grep -c 'kind=call' "$TMP/out")"
done

finish
