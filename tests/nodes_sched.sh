#!/bin/sh
# nodes_sched.sh - scheduling with several nodes (doc/scenario-api.md
# section 18d, doc/scheduling.md sections 3.11 and 4): per-CPU queues on
# every node, each node balancing among its own CPUs; a policy in Lua run
# by every node over its own threads, or a node's own; a migrating process
# leaving one node's queues for the other's; the same seed giving the same
# run; declarations and picks that are wrong.
. "${top_srcdir:-.}/tests/lib.sh"
A=tests/api

# on_cpus TRACE_TEXT NAME LO HI [FROM_MS [TO_MS]]: every dispatch of thread
# NAME (between FROM_MS and TO_MS) is on a CPU from LO to HI, and there is one.
on_cpus() {
	checks=$((checks + 1))
	awk -v n="($2)" -v lo="$3" -v hi="$4" -v from="${5:-0}" -v to="${6:-1e18}" '
		$2 == "dispatch" && index($0, n) && $1 + 0 >= from && $1 + 0 < to {
			seen++; c = substr($3, 5) + 0; if (c < lo || c > hi) bad++ }
		END { exit !(seen > 0 && !bad) }' "$1" ||
		fail "$2 ran outside CPUs $3-$4 (or never) in ${5:-0}..${6:-end} ms of $1"
}

# Per-CPU queues: A and B (machine { balance = "none" }) keep A2, A4 on one
# CPU while the other idles from 20 ms; C steals (A4's twin moves: one
# migration); D has one global queue.
run 0 run $A/nodes_percpu.lua --stats json --trace "$TMP/pc.uktrace" &&
	expect_err 'A2 done at 70000000' && expect_err 'A4 done at 80000000' &&
	expect_err 'B2 done at 70000000' && expect_err 'B4 done at 80000000' &&
	expect_err 'C2 done at 50000000' && expect_err 'C4 done at 50000000' &&
	expect_err 'D2 done at 50000000' && expect_err 'D4 done at 50000000' &&
	expect_out '"name": "A", "id": 0, "cpus": 2, "cpu0": 0, "sched": "rr", "queues": "per-cpu", "balance": "none", "quantum_ns": 10000000,' &&
	expect_out '"name": "B", "id": 1, "cpus": 2, "cpu0": 2, "sched": "rr", "queues": "per-cpu", "balance": "none", "quantum_ns": 10000000,' &&
	expect_out '"name": "C", "id": 2, "cpus": 2, "cpu0": 4, "sched": "rr", "queues": "per-cpu", "balance": "stealing", "quantum_ns"' &&
	expect_out '"name": "D", "id": 3, "cpus": 2, "cpu0": 6, "sched": "rr", "quantum_ns"' &&
	expect_out '"name": "A4", .*"migrations": 0,' && expect_out '"name": "B4", .*"migrations": 0,' &&
	expect_out '"name": "C4", .*"migrations": 1,'
cp "$TMP/out" "$TMP/pc.json"
"$UKERN" export "$TMP/pc.uktrace" >"$TMP/pc.txt" 2>&1 || fail "export of the per-cpu trace"
for n in A B C D; do
	lo=$(( $(printf 'ABCD' | sed "s/$n.*//" | wc -c) * 2 ))
	for i in 1 2 3 4; do on_cpus "$TMP/pc.txt" "$n$i" $lo $((lo + 1)); done
	on_cpus "$TMP/pc.txt" "net.$n" $lo $((lo + 1))
done
# the same seed, the same trace and statistics
run 0 run $A/nodes_percpu.lua --stats json --trace "$TMP/pc2.uktrace" --quiet
checks=$((checks + 2))
cmp -s "$TMP/pc.uktrace" "$TMP/pc2.uktrace" || fail "per-cpu traces with nodes differ between runs"
cmp -s "$TMP/out" "$TMP/pc.json" || fail "per-cpu statistics with nodes differ between runs"
for b in stealing periodic; do
	run 0 run $A/nodes_percpu.lua --set balance=$b --stats text &&
		expect_err 'A4 done at 50000000' && expect_err 'B4 done at 50000000' &&
		expect_out "node   B: cpus 2-3, rr \(per-cpu queues\), little-endian"
done
run 0 run $A/nodes_percpu.lua --set balance=periodic --stats json &&
	expect_out '"name": "A", .*"queues": "per-cpu", "balance": "periodic", "balance_every_ns": 4000000, "quantum_ns"'

# load-balance.lua --set nodes=true (the lesson's numbers): A's CPUs steal
# from each other only, B's idle; the run ends at 250 ms, or 300 without balancing.
run 0 run scenarios/load-balance.lua --set nodes=true --answers &&
	expect_out 'Average +-- Response: +6.25 +Turnaround +145.00'
run 0 run scenarios/load-balance.lua --set nodes=true &&
	expect_out 'completed at 250ms' && expect_out 'cpu2 +busy +20ms \( +8.0%\)' &&
	expect_out 'cpu3 +busy +10ms \( +4.0%\)'
run 0 run scenarios/load-balance.lua --set nodes=true --set balance=none --answers &&
	expect_out 'Average +-- Response: +6.25 +Turnaround +162.50'
run 0 run scenarios/load-balance.lua --set nodes=true --set balance=none &&
	expect_out 'completed at 300ms'

# A policy in Lua: machine { }'s pick on A and B (each over its own CPUs
# and threads: the name that sorts last first, so X1 last), C's own (the
# last ready first), D fifo.
run 0 run $A/nodes_pick.lua --stats json --trace "$TMP/pick.uktrace" &&
	expect_err 'A3 done at 11000000' && expect_err 'A2 done at 11000000' &&
	expect_err 'A1 done at 21000000' && expect_err 'B1 done at 21000000' &&
	expect_err 'C3 done at 11000000' && expect_err 'C1 done at 31000000' &&
	expect_err 'D1 done at 11000000' && expect_err 'D3 done at 31000000' &&
	expect_err 'picks: A on cpus 0,1; B on cpus 2,3; C on cpus 4; A by machine.s true, B by machine.s true, C by its own true, D by pick false; 0 mismatches' &&
	expect_out '"name": "B", "id": 1, "cpus": 2, "cpu0": 2, "sched": "lua", "quantum_ns": 5000000,' &&
	expect_out '"name": "C", "id": 2, "cpus": 1, "cpu0": 4, "sched": "lua", "quantum_ns": 0,' &&
	expect_out '"name": "D", "id": 3, "cpus": 1, "cpu0": 5, "sched": "fifo",'
cp "$TMP/out" "$TMP/pick.json"
run 0 run $A/nodes_pick.lua --stats json --trace "$TMP/pick2.uktrace" --quiet
checks=$((checks + 2))
cmp -s "$TMP/pick.uktrace" "$TMP/pick2.uktrace" || fail "Lua-policy traces with nodes differ between runs"
cmp -s "$TMP/out" "$TMP/pick.json" || fail "Lua-policy statistics with nodes differ between runs"
# A's pick returns a thread of B it kept: reported once, at the line of
# pick; every node running that pick goes on in first-come order (B1 first).
run 4 run $A/nodes_pick.lua --set wrong=true &&
	expect_err "^$A/nodes_pick.lua:25: scheduler: pick returned thread 3 \('net.B' of process 'net.B'\), which is on node 'B', to CPU 0 of node 'A': a node's pick chooses among its own ready threads \(in the scenario's scheduler, picking for node 'A', at 1ms; the run goes on in first-come order\)" &&
	expect_err 'B1 done at 11000000' && expect_err 'C3 done at 11000000'
checks=$((checks + 1))
[ "$(grep -c 'scheduler' "$TMP/err")" -eq 1 ] || fail "the broken pick was reported more than once"
# An error raised in pick on one node: its line, once.
cat >"$TMP/boom.lua" <<'LUA'
machine { cpus = 1, costs = "zero", sched = { pick = function(ready, cpu, node)
  if node == "B" then error("no policy for " .. node .. " cpu " .. cpu) end
  return 1
end } }
node { "B", cpus = 2 }
link { "A", "B" }
process { "b", node = "B", main = function() compute("1ms"); log("b done") end }
LUA
run 4 run "$TMP/boom.lua" &&
	expect_err "^[^ ]*boom.lua:2: no policy for B cpu 1 \(in the scenario's scheduler, picking for node 'B', at 0ns; the run goes on in first-come order\)" &&
	expect_err 'b +\| b done'

# Migration: the moved process leaves A's queues for B's.
for mode in per-cpu lua; do
	run 0 run $A/nodes_migsched.lua --set mode=$mode --trace "$TMP/mig-$mode.uktrace" &&
		expect_err 'ctl +\| w1 moved: downtime 18744000' && expect_err 'w1 +\| w1 done at' &&
		expect_err 'w2 +\| w2 done at' && expect_err 'w3 +\| w3 done at'
	"$UKERN" export "$TMP/mig-$mode.uktrace" >"$TMP/mig-$mode.txt" 2>&1 || fail "export of $mode"
	on_cpus "$TMP/mig-$mode.txt" w1 0 1 0 28
	on_cpus "$TMP/mig-$mode.txt" w1 2 3 28
	on_cpus "$TMP/mig-$mode.txt" w2 0 1
	on_cpus "$TMP/mig-$mode.txt" w3 0 1
done
run 0 run $A/nodes_migsched.lua --set mode=lua && expect_err "B's pick sees w1 on cpu 2"

# Declarations that are wrong name the file, the line and the field: exit 2.
bad() {
	printf '%s\n' "$1" >"$TMP/bad.lua"
	run 2 run "$TMP/bad.lua" && expect_err "$2"
}
bad 'node { "B", queues = "local" }' \
	"bad.lua:1: node 'B': queues = \"local\": expected \"global\" or \"per-cpu\""
bad 'node { "B", queues = 3 }' \
	"bad.lua:1: node 'B': queues = 3: a number of queues is a parameter of machine \{ sched = \"mlfq\" \}"
bad 'node { "B", queues = "per-cpu", balance = "sometimes" }' \
	"bad.lua:1: node 'B': balance = \"sometimes\": expected \"stealing\", \"periodic\" or \"none\""
bad 'node { "B", queues = "per-cpu", balance_every = "0ms" }' \
	"bad.lua:1: node 'B': 'balance_every' must be above 0"
bad 'node { "B", balance = "none" }' \
	"bad.lua:1: node 'B': balancing applies to queues = \"per-cpu\"$"
bad 'machine { cpus = 2, queues = "per-cpu" }
node { "B", sched = "mlfq", balance = "none" }' \
	"bad.lua:2: node 'B': balancing applies to queues = \"per-cpu\" \(its policy keeps one queue set, whatever machine \{ queues \} says\)"
bad 'node { "B", sched = "mlfq", queues = "per-cpu" }' \
	"bad.lua:1: node 'B': queues = \"per-cpu\" does not apply to its policy, mlfq"
bad 'node { "B", queues = "per-cpu", sched = { pick = function() return 1 end } }' \
	"bad.lua:1: node 'B': queues = \"per-cpu\" does not apply to its policy, a policy in Lua"
bad 'machine { sched = { pick = function() return 1 end } }
node { "B", queues = "per-cpu" }' \
	"bad.lua:2: node 'B': queues = \"per-cpu\" does not apply to its policy, a policy in Lua"
bad 'node { "B", sched = { pick = 3 } }' \
	"bad.lua:1: node 'B': sched = \{ pick = function\(ready, cpu\) ... end \}: 'pick' must be a function"
bad 'node { "B", sched = { pick = function() end, quantum = "soon" } }' \
	"bad.lua:1: node 'B': sched = \{ quantum = ... \} must be a duration"
bad 'node { "B", sched = { pick = function() end, colour = 1 } }' \
	"bad.lua:1: node 'B': sched = \{ ... \}: unknown field 'colour' \(known fields: pick, quantum\)"
bad 'machine { sched = { pick = function() end, colour = 1 } }' \
	"bad.lua:1: machine: sched = \{ ... \}: unknown field 'colour' \(known fields: pick, quantum\)"
bad 'node { "B", sched = 7 }' "bad.lua:1: node: 'sched' must be a string, not a number"

# Per-CPU queues and a preemptive policy while a process is stopped for its
# migration: the stopped thread waits in its queue without preempting the
# CPU for ever (the run used to never end: hence the timeout).
checks=$((checks + 1))
timeout 120 "$UKERN" run $A/nodes_victim.lua >"$TMP/out" 2>"$TMP/err"
rc=$?
[ "$rc" -eq 0 ] || fail "nodes_victim.lua exited $rc (124: it did not end)"
expect_err '20ms  low1 +\| low1 done$' && expect_err '22.43152ms  high +\| high done$' &&
	expect_err '25.002ms  low2 +\| low2 done$'
# An error raised by a C function inside pick (coroutine.yield) is reported
# at the scenario's line, with the node whose CPU was being picked for.
cat >"$TMP/yield.lua" <<'EOS'
local function pick(ready, cpu, node)
  if node == "B" then coroutine.yield(1) end
  return 1
end
machine { cpus = 1, sched = { pick = pick, quantum = "1ms" } }
node { "B", cpus = 2 }
link { "A", "B" }
process { "w2", node = "B", main = function() compute("3ms") end }
EOS
run 4 run "$TMP/yield.lua" --quiet &&
	expect_err "^[^ ]*yield.lua:2: attempt to yield from outside a coroutine \(in the scenario's scheduler, picking for node 'B', at 0ns; the run goes on in first-come order\)"
finish
