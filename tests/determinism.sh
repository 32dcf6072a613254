#!/bin/sh
# determinism.sh - the same scenario, parameters and seed give a
# byte-identical trace and identical statistics.
. "${top_srcdir:-.}/tests/lib.sh"

for s in pingpong hello buffering reincarnation cow-fork ool-messages lrpc-paper lrpc-vs-rpc \
	remote-objects clock-sync two-nodes-rpc migration peer-to-peer; do
	run 0 run "scenarios/$s.lua" --seed 7 --trace "$TMP/$s-1.uktrace" --stats json --quiet &&
		cp "$TMP/out" "$TMP/$s-1.json"
	run 0 run "scenarios/$s.lua" --seed 7 --trace "$TMP/$s-2.uktrace" --stats json --quiet &&
		cp "$TMP/out" "$TMP/$s-2.json"
	checks=$((checks + 2))
	cmp -s "$TMP/$s-1.uktrace" "$TMP/$s-2.uktrace" || fail "$s: traces differ between two runs"
	cmp -s "$TMP/$s-1.json" "$TMP/$s-2.json" || fail "$s: stats differ between two runs"
done

# The trace starts with the magic and echoes the scenario, seed and parameters.
checks=$((checks + 3))
[ "$(head -c 8 "$TMP/pingpong-1.uktrace")" = "UKTRACE" ] || fail "trace magic"
grep -a -q 'scenarios/pingpong.lua' "$TMP/pingpong-1.uktrace" || fail "trace header lacks the scenario"
grep -a -q 'param.n' "$TMP/pingpong-1.uktrace" || fail "trace header lacks the parameters"

# No temporary files are left next to the trace.
checks=$((checks + 1))
ls "$TMP" | grep -q '\.tmp\.' && fail "temporary trace files left behind"

# The trace file is the same when another sink takes the records too (the
# --ticks table's): the records then reach the file through the sinks'
# common path instead of the direct one, and fold the same way.
for s in pingpong lrpc-paper; do
	run 0 run "scenarios/$s.lua" --seed 7 --trace "$TMP/$s-3.uktrace" --ticks --quiet
	checks=$((checks + 1))
	cmp -s "$TMP/$s-1.uktrace" "$TMP/$s-3.uktrace" || fail "$s: the trace differs with --ticks"
done

# A trace of many buffers is the same whether the writer's thread writes
# them (a process allowed two CPUs or more) or the run itself (one CPU).
run 0 run scenarios/pingpong.lua --set n=100000 --trace "$TMP/big-1.uktrace" --quiet
checks=$((checks + 1))
if command -v taskset >/dev/null 2>&1; then
	taskset -c 0 "$UKERN" run scenarios/pingpong.lua --set n=100000 --trace "$TMP/big-2.uktrace" \
		--quiet || fail "pingpong on one CPU failed"
	cmp -s "$TMP/big-1.uktrace" "$TMP/big-2.uktrace" ||
		fail "the trace differs when written without the writer's thread"
fi
[ "$(wc -c <"$TMP/big-1.uktrace")" -gt 1000000 ] || fail "the big trace is not big"

# A different parameter gives a different trace.
run 0 run scenarios/pingpong.lua --set n=5 --trace "$TMP/other.uktrace" --quiet
checks=$((checks + 1))
cmp -s "$TMP/pingpong-1.uktrace" "$TMP/other.uktrace" && fail "different runs gave the same trace"
finish
