#!/bin/sh
# scenarios.sh - every shipped scenario runs, and the deterministic ones
# give exactly their golden statistics (simulated time only, so golden
# files hold on any machine). UPDATE_GOLDEN=1 rewrites the golden files.
. "${top_srcdir:-.}/tests/lib.sh"

# name | arguments after "ukern run"
cases='
hello|scenarios/hello.lua
pingpong|scenarios/pingpong.lua
pingpong-firefly|scenarios/pingpong.lua --set n=10 --set costs=firefly-1990
buffering|scenarios/buffering.lua
buffering-q2|scenarios/buffering.lua --set qlimit=2
load-balance|scenarios/load-balance.lua
load-balance-none|scenarios/load-balance.lua --set balance=none
load-balance-global|scenarios/load-balance.lua --set queues=global
race|scenarios/race.lua
race-unlocked|scenarios/race.lua --set locked=false
thread-models|scenarios/thread-models.lua
thread-models-m1|scenarios/thread-models.lua --set model=many-to-one
thread-models-mm|scenarios/thread-models.lua --set model=many-to-many
thread-models-sa|scenarios/thread-models.lua --set model=activations
convoy|scenarios/convoy.lua --set sched=stcf
rr-quantum|scenarios/rr-quantum.lua --set quantum=1 --set switch=0.1
mlfq-gaming|scenarios/mlfq-gaming.lua
lottery|scenarios/lottery.lua --seed 3
rpc-maybe|scenarios/rpc-semantics.lua --set semantics=maybe
rpc-at-least-once|scenarios/rpc-semantics.lua --set semantics=at-least-once
rpc-at-most-once|scenarios/rpc-semantics.lua --set semantics=at-most-once
fileserver-architectures|scenarios/fileserver-architectures.lua
'

echo "$cases" | while IFS='|' read -r name args; do
	[ -n "$name" ] || continue
	# shellcheck disable=SC2086
	"$UKERN" run $args --stats json --quiet >"$TMP/$name.json" 2>"$TMP/$name.err"
	code=$?
	echo "$name $code" >>"$TMP/codes"
	if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then
		cp "$TMP/$name.json" "tests/golden/$name.json"
	fi
done

while read -r name code; do
	checks=$((checks + 1))
	[ "$code" -eq 0 ] || { fail "$name: exit $code"; cat "$TMP/$name.err" >&2; continue; }
	checks=$((checks + 1))
	if ! cmp -s "$TMP/$name.json" "tests/golden/$name.json"; then
		fail "$name: stats differ from tests/golden/$name.json"
		diff "tests/golden/$name.json" "$TMP/$name.json" | head -20 >&2
	fi
done <"$TMP/codes"

# Every scenario in scenarios/ is covered above.
for f in scenarios/*.lua; do
	checks=$((checks + 1))
	grep -q "$f" "$SELF" || fail "$f has no case in tests/scenarios.sh"
done

# What the stats must say, independently of the golden files.
run 0 run scenarios/pingpong.lua --set n=50 --stats json --quiet &&
	expect_out '"calls": 52' && expect_out '"messages": 104' &&
	expect_out '"outcome": "completed"' && expect_out '"name": "ping", "process": "ping"'
run 0 run scenarios/buffering.lua --set qlimit=2 &&
	expect_err '0ns  producer +\| sent message 2 at 0 ms' &&
	expect_err '10ms  producer +\| sent message 3 at 10 ms'
run 0 run scenarios/buffering.lua &&
	expect_err '10ms  producer +\| sent message 1 at 10 ms'
# Call semantics under loss and duplication, whatever the network's draws:
# at-most-once executes each deposit once; at-least-once gets every call
# through but runs some twice; maybe never retransmits.
for seed in 1 2 3 4; do
	run 0 run scenarios/rpc-semantics.lua --seed $seed --stats json &&
		expect_err 'acknowledged, 0 failed; the bank holds 200 \(exactly once: 200\)' &&
		expect_out '"method": "Deposit", "kind": "message", "calls": 20, "failed": 0, "retransmissions": [1-9][0-9]*, "executions": 20,'
	run 0 run scenarios/rpc-semantics.lua --seed $seed --set semantics=at-least-once --stats json &&
		expect_err '20 deposits of 10 acknowledged, 0 failed' &&
		expect_out '"calls": 20, "failed": 0, "retransmissions": [1-9][0-9]*, "executions": (2[1-9]|[3-9][0-9]),'
done
run 0 run scenarios/rpc-semantics.lua --set semantics=maybe --stats json &&
	expect_out '"calls": 20, "failed": [1-9][0-9]*, "retransmissions": 0,'

run 0 run scenarios/hello.lua --stats csv --quiet &&
	expect_out '^thread,process,state,arrival_ns' && expect_out '^client,client,exited,1000000,'
finish
