#!/bin/sh
# migrate_lrpc.sh - the migration of a process with LRPC bindings
# (doc/scenario-api.md sections 18 and 18e): a client moved away from its
# server keeps its binding as a global reference (the same results, each
# call a message over the link, its A-stacks unmapped) and is rebound as an
# LRPC when it comes back; a call in progress in the server's domain when
# the process stops returns first, and the copy waits for it; an exporting
# server stays; weak mobility restarts the client, whose bind then fails;
# the report, the statistics, the trace, determinism.
. "${top_srcdir:-.}/tests/lib.sh"
S=tests/api/migrate_lrpc.lua

# The link: 100 Mbit/s (80 ns a byte), 1 ms of latency, MTU 1500 (1472
# bytes of payload a packet, 28 of header). A stop-and-copy of the client:
# its code (4 pages of 4096 bytes) and one thread's state (1024 bytes); its
# A-stacks (a shared page) are not sent.
SC_BYTES=$((4 * 4096 + 1024))
PK=$(((SC_BYTES + 1471) / 1472))
SC_DOWN=$(((SC_BYTES + 28 * PK) * 80 + 1000000))

# away (GR) and back (RB): LRPC-fast, then two link latencies and more,
# then fast again
run 0 run $S --stats json --trace "$TMP/a.tr" &&
	expect_err 'client +\| round 1: Add\(40, 1\) = 41 nil in 1419 ns; global false; shared 1$' &&
	expect_err "kernel +\\| migrate 'client' to 'B': LRPC bindings: 1 made global references \\(calls go as messages\\), 0 rebound as LRPC$" &&
	expect_err 'ctl +\| away: B nil global 1 rebound 0 waited 0$' &&
	expect_err 'client +\| round 2: Add\(40, 2\) = 42 nil in 2062720 ns; global true; shared 0$' &&
	expect_err 'client +\| Big: lrpc: the results of calc.Big take 20 bytes; its A-stacks hold 8$' &&
	expect_err "kernel +\\| migrate 'client' to 'A': LRPC bindings: 0 made global references \\(calls go as messages\\), 1 rebound as LRPC$" &&
	expect_err 'ctl +\| back: A nil global 0 rebound 1$' &&
	expect_err 'client +\| round 3: Add\(40, 3\) = 43 nil in 1021 ns; global false; shared 1$' &&
	expect_out '"binding": "calc", "method": "Add", "kind": "lrpc", "calls": 1, "failed": 0,' &&
	expect_out '"binding": "calc", "method": "Add", "kind": "lrpc-gr", "calls": 1, "failed": 0, "retransmissions": 0, "executions": 1,' &&
	expect_out '"binding": "calc", "method": "Big", "kind": "lrpc-gr", "calls": 1, "failed": 1,' &&
	expect_out '"binding": "calc", "method": "Add", "kind": "lrpc-mp", "calls": 1, "failed": 0,' &&
	expect_out "\"from\": \"A\", \"to\": \"B\", .*\"downtime_ns\": $SC_DOWN, .*\"bytes\": $SC_BYTES, .*\"lrpc_global\": 1, \"lrpc_rebound\": 0, \"lrpc_wait_ns\": 0 }" &&
	expect_out '"from": "B", "to": "A", "strategy": "pre-copy", .*"lrpc_global": 0, "lrpc_rebound": 1, "lrpc_wait_ns": 0 }' &&
	expect_out '"lrpc": \{ "interfaces": 1, "bindings": 1, "calls": 2,'
checks=$((checks + 1))
ns=$(sed -n 's/.*round 2: Add(40, 2) = 42 nil in \([0-9]*\) ns.*/\1/p' "$TMP/err")
[ "${ns:-0}" -gt 2000000 ] || fail "a call by message took $ns ns, less than two link latencies"
# the trace: the binding's page unmapped from both domains at the stop, and
# mapped again (a second lrpc_bind of binding 1) on the way back
run 0 export "$TMP/a.tr" --format text &&
	expect_out '^ +5\.002100ms  vm_unmap pid=5\(client\) addr=0x10000000 pages=1$' &&
	expect_out '^ +5\.002100ms  vm_unmap pid=4\(calc\) addr=0x10000000 pages=1$' &&
	expect_out '^ +20\.845580ms  lrpc_bind binding=1 iface=1 pid=5\(client\) addr=0x10000000 '
checks=$((checks + 1))
[ "$(grep -c 'lrpc_bind binding=1 ' "$TMP/out")" -eq 2 ] || fail "binding 1 is not bound twice in the trace"

# a call in progress when the process stops: it returns in the server's
# domain first; the copy begins then, so the downtime is the wait and the copy
run 0 run $S --set part=inflight --stats json &&
	expect_err "kernel +\\| migrate 'client' to 'B': LRPC bindings: 1 made global references \\(calls go as messages\\), 0 rebound as LRPC; it waited for calls in progress$" &&
	expect_err 'ctl +\| moved: B nil global 1 waited 4027784 downtime '"$((4027784 + SC_DOWN))"'$' &&
	expect_err 'client +\| Slow\(21\) = 42 nil in 7445024 ns$' &&
	expect_err 'client +\| Add\(1, 2\) = 3 nil in 2062220 ns$' &&
	expect_out '"kind": "lrpc-gr", "calls": 1, "failed": 0,'

# a thread waiting for the A-stack another holds at the stop gets it when
# that call returns, and its call too returns before the copy: two sleeps
# of 5 ms in the server, one after the other, from 1 ms
run 0 run $S --set part=waiters &&
	expect_err 'ctl +\| moved: B nil waited 9030084$' &&
	expect_err 'client +\| main: Slow1\(2\) = 4 nil in 12529384 ns$' &&
	expect_err 'client.1 +\| thread: Slow1\(1\) = 2 nil in [0-9]+ ns$' &&
	expect_err 'client +\| global true$'
checks=$((checks + 1))
ns=$(sed -n 's/.*thread: Slow1(1) = 2 nil in \([0-9]*\) ns$/\1/p' "$TMP/err")
[ "${ns:-0}" -gt $((9030084 + SC_DOWN)) ] || fail "the waiting thread's call returned before the copy ($ns ns)"

# an exporting server stays where its clients' A-stacks are
run 0 run $S --set part=server &&
	expect_err 'client +\| client: 42$' &&
	expect_err "ctl +\\| server: exports an LRPC interface \\(its clients' A-stacks are in its memory, on its node\\)$"

# weak mobility: the program starts again on B, and binds again: LRPC is
# of one machine, so that bind fails
run 0 run $S --set part=weak &&
	expect_err 'client +\| client: bind lrpc binding 1 \(calc\) nil$' &&
	expect_err 'ctl +\| weak: B nil global 0$' &&
	expect_err 'client#2 +\| client: bind nil on another node$'

# determinism: the same trace and statistics twice
for p in move inflight; do
	run 0 run $S --set part=$p --stats json --trace "$TMP/1.tr" && cp "$TMP/out" "$TMP/1.out"
	run 0 run $S --set part=$p --stats json --trace "$TMP/2.tr"
	checks=$((checks + 1))
	cmp -s "$TMP/1.tr" "$TMP/2.tr" && cmp -s "$TMP/1.out" "$TMP/out" ||
		fail "part=$p: two runs differ"
done
# Calls through a global reference over a lossy link: sent again, answered
# once (the clerk's reply history: without it the procedure ran 31 times);
# calls queued at the clerk when the binding is rebound are still served.
G=tests/api/migrate_lrpc_gr.lua
run 0 run $G &&
	expect_err 'client +\| call 9: timeout$' && expect_err 'client +\| call 17: timeout$' &&
	expect_err 'client +\| 18 calls returned, 2 failed; the procedure ran 20 times$'
run 0 run $G --set part=rebind &&
	expect_err 'ctl +\| back, rebound 1$' && expect_err '15.088622ms  client +\| main: 4 nil$' &&
	expect_err '23.088846ms  client.1 +\| t: 2 nil$'
# A crash of the client while its stop waits for its call in progress: the
# migration fails, and the client's stopped millisecond is its downtime.
run 0 run tests/api/migrate_lrpc_crash.lua --set crash=client --stats json &&
	expect_err 'ctl +\| migrate: nil process has ended wait nil$' &&
	expect_out '"process": "client", .*"done": false, "begin_ns": 2002100, "downtime_ns": 997900,'
finish
