#!/bin/sh
# migrate_lrpc.sh - the migration of a process with LRPC bindings
# (doc/scenario-api.md sections 18 and 18e): a client moved away from its
# server keeps its binding as a global reference (the same results, each
# call a message over the link, its A-stacks unmapped) and is rebound as an
# LRPC when it comes back; a call in progress in the server's domain when
# the process stops returns first, and the copy waits for it; weak mobility
# restarts the client, whose bind then fails; the report, the statistics,
# the trace, determinism. Then a server that exports an interface moves
# (tests/api/migrate_lrpc_server.lua): its clients' bindings become global
# references, are rebound where it is, and its stop waits for its clients'
# calls in progress in its domain.
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
	expect_out "\"from\": \"A\", \"to\": \"B\", .*\"downtime_ns\": $SC_DOWN, .*\"bytes\": $SC_BYTES, .*\"lrpc_global\": 1, \"lrpc_rebound\": 0, \"lrpc_wait_ns\": 0, \"lrpc_clients_global\": 0, \"lrpc_clients_rebound\": 0 }" &&
	expect_out '"from": "B", "to": "A", "strategy": "pre-copy", .*"lrpc_global": 0, "lrpc_rebound": 1, "lrpc_wait_ns": 0, ' &&
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

# an exporting server moves: its client's binding becomes a global reference
run 0 run $S --set part=server &&
	expect_err 'client +\| client: 42$' &&
	expect_err "ctl +\\| server: B nil clients global 1$"

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

# --- a server that exports an interface moves ---
V=tests/api/migrate_lrpc_server.lua
# calc, on A, goes to B and back. near (on A): LRPC-fast (1419 ns), then a
# global reference while calc is on B (two link latencies and more), then
# rebound and fast again; far (on B) is refused while calc is on A, binds
# while it is on B (fast), and is a global reference once it is back on A.
# The copy of a server is the copy of a client (SC_DOWN).
run 0 run $V --stats json --trace "$TMP/v.tr" &&
	expect_err 'near +\| round 1: Add\(40, 1\) = 41 nil in 1419 ns; global false$' &&
	expect_err 'far +\| bind: on another node$' &&
	expect_err "kernel +\\| migrate 'calc' to 'B': its LRPC clients' bindings: 1 made global references \\(calls go as messages to its clerk\\), 0 rebound as LRPC$" &&
	expect_err 'ctl +\| away: B nil global 0 rebound 0 clients global 1 rebound 0 waited 0$' &&
	expect_err 'near +\| round 2: Add\(40, 2\) = 42 nil in 2062720 ns; global true$' &&
	expect_err 'far +\| far 1: Add\(2, 1\) = 3 nil in 1419 ns; global false$' &&
	expect_err "kernel +\\| migrate 'calc' to 'A': its LRPC clients' bindings: 1 made global references \\(calls go as messages to its clerk\\), 1 rebound as LRPC$" &&
	expect_err 'ctl +\| back: A nil global 0 rebound 0 clients global 1 rebound 1 waited 0$' &&
	expect_err 'near +\| round 3: Add\(40, 3\) = 43 nil in 1419 ns; global false$' &&
	expect_err 'far +\| far 2: Add\(2, 2\) = 4 nil in 2062220 ns; global true$' &&
	expect_out '"binding": "calc", "method": "Add", "kind": "lrpc", "calls": 3, "failed": 0,' &&
	expect_out '"binding": "calc", "method": "Add", "kind": "lrpc-gr", "calls": 2, "failed": 0,' &&
	expect_out '"lrpc": \{ "interfaces": 1, "bindings": 2, "calls": 3, .*"global_refs": 2, "rebinds": 1 \}' &&
	expect_out "\"process\": \"calc\", .*\"from\": \"A\", \"to\": \"B\", .*\"downtime_ns\": $SC_DOWN, .*\"lrpc_wait_ns\": 0, \"lrpc_clients_global\": 1, \"lrpc_clients_rebound\": 0 }" &&
	expect_out '"process": "calc", .*"from": "B", "to": "A", .*"lrpc_clients_global": 1, "lrpc_clients_rebound": 1 }'
# the trace: at each stop the binding's page leaves the client and calc; on
# the way back near's binding 1 is mapped again
run 0 export "$TMP/v.tr" --format text &&
	expect_out '^ +5\.002100ms  vm_unmap pid=5\(near\) addr=0x10000000 pages=1$' &&
	expect_out '^ +5\.002100ms  vm_unmap pid=4\(calc\) addr=0x10000000 pages=1$' &&
	expect_out '^ +17\.423820ms  vm_unmap pid=6\(far\) addr=0x10000000 pages=1$' &&
	expect_out '^ +19\.843340ms  lrpc_bind binding=1 iface=1 pid=5\(near\) addr=0x10000000 '
# every strategy moves it; the calls' results and kinds are the same
for st in pre-copy on-demand; do
	run 0 run $V --set strategy=$st &&
		expect_err 'ctl +\| away: B nil global 0 rebound 0 clients global 1 rebound 0 waited 0$' &&
		expect_err 'near +\| round 2: Add\(40, 2\) = 42 nil in 2062720 ns; global true$' &&
		expect_err 'ctl +\| back: A nil global 0 rebound 0 clients global 1 rebound 1 waited 0$' &&
		expect_err 'near +\| round 3: Add\(40, 3\) = 43 nil in 1419 ns; global false$'
done

# near is in calc's domain (Slow, 5 ms) when calc stops at 2 ms: the copy
# waits for it (the downtime is the wait and the copy); near2's call during
# the wait and late's bind and call during the copy go to the clerk by
# message, served on B; rover, back on A while calc is stopped there, is
# not rebound (it would make an LRPC across the link: 1419 ns)
run 0 run $V --set part=inflight --stats json &&
	expect_err 'near +\| near: Slow\(21\) = 42 nil in 5003504 ns; global true$' &&
	expect_err 'ctl2 +\| rover back: A nil global 0 rebound 0 clients global 0 rebound 0 waited 0$' &&
	expect_err 'late +\| late bind: global true$' &&
	expect_err "kernel +\\| migrate 'calc' to 'B': its LRPC clients' bindings: 2 made global references \\(calls go as messages to its clerk\\), 0 rebound as LRPC; it waited for calls in progress$" &&
	expect_err 'ctl +\| moved: B nil global 0 rebound 0 clients global 2 rebound 0 waited 4017784 downtime '"$((4017784 + SC_DOWN))"'$' &&
	expect_err 'near2 +\| near2 during the stop: global false moving true$' &&
	expect_err 'near2 +\| near2 draining: Add\(3, 4\) = 7 nil in 6460898 ns; global true$' &&
	expect_err 'near2 +\| near2 after the move: moving false$' &&
	expect_err 'late +\| late: Add\(5, 6\) = 11 nil in 3503221 ns; global true$' &&
	expect_err 'rover +\| rover: Add\(7, 8\) = 15 nil in 2052720 ns; global true$' &&
	expect_out '"kind": "lrpc", "calls": 1, "failed": 0,' &&
	expect_out '"kind": "lrpc-gr", "calls": 4, "failed": 0,' &&
	expect_out '"process": "calc", .*"messages_forwarded": 2, .*"lrpc_wait_ns": 4017784, "lrpc_clients_global": 2,'
# a client that moves to calc's node is rebound there
run 0 run $V --set part=follow &&
	expect_err 'near +\| on A: Add\(1, 1\) = 2 nil in 2068720 ns; global true$' &&
	expect_err 'ctl +\| near: B nil global 0 rebound 1 clients global 0 rebound 0 waited 0$' &&
	expect_err 'near +\| on B: Add\(2, 2\) = 4 nil in 1021 ns; global false$'
# weak mobility: calc#2 exports again on B; the old binding is revoked, a
# bind from A refused, one from B an LRPC
run 0 run $V --set part=weak &&
	expect_err 'ctl +\| weak: B nil global 0 rebound 0 clients global 0 rebound 0 waited 0 new pid 8$' &&
	expect_err 'near +\| after: Add\(2, 2\) = nil revoked in [0-9]+ ns; global false$' &&
	expect_err 'near +\| bind again: on another node$' &&
	expect_err 'far +\| far: Add\(3, 3\) = 6 nil in 1419 ns; global false$'
# a crash of calc on B: the call by message in progress and the next fail
run 0 run $V --set part=crash &&
	expect_err 'near +\| during the crash: Slow\(1\) = nil revoked in 1981004 ns; global true$' &&
	expect_err 'near +\| after the crash: Add\(1, 1\) = nil revoked in [0-9]+ ns; global true$'
# an interface exported while a pre-copy runs, bound and called meanwhile:
# a global reference from the stop (this move used to fail on arrival)
run 0 run $V --set part=precopy &&
	expect_err 'near +\| while it moves: Twice\(1\) = 2 nil in 1404 ns; global false$' &&
	expect_err 'ctl +\| svc: B nil global 0 rebound 0 clients global 1 rebound 0 waited 0$' &&
	expect_err 'near +\| after: Twice\(2\) = 4 nil in 2068204 ns; global true$'
# on demand: the first LRPC into the moved server that reads its heap pulls
# the page (a request, then the page: more than two latencies)
run 0 run $V --set part=ondemand --stats json &&
	expect_err 'far +\| pulled: Peek\(\) = page nil in 2352088 ns; global false$' &&
	expect_err 'far +\| here: Peek\(\) = page nil in 989 ns; global false$' &&
	expect_out '"process": "mem", .*"strategy": "on-demand", .*"remote_faults": 1, "pages_left": 0,'
# a thread waiting at the stop for the A-stack another holds in calc's
# domain gets it, and the copy waits for its call too (5 ms more)
run 0 run $V --set part=waiters &&
	expect_err 'near +\| main: Slow1\(2\) = 4 nil in 5013504 ns; global false$' &&
	expect_err 'near.1 +\| thread: Slow1\(1\) = 2 nil in 10035204 ns; global true$' &&
	expect_err 'ctl +\| calc: B nil global 0 rebound 0 clients global 1 rebound 0 waited 9051584$'
# a crash of calc while its stop waits for near's call: revoked, not moved
run 0 run $V --set part=stopcrash &&
	expect_err 'near +\| near: Slow\(1\) = nil revoked in 1983604 ns; global false$' &&
	expect_err 'ctl +\| calc: nil process has ended '
# calc crashes while its pages cross the link: its binding is revoked, no
# longer stopped for a move, though the move fails only at the last packet
run 0 run $V --set part=copycrash &&
	expect_err 'near +\| during the copy: moving true$' &&
	expect_err 'near +\| after the crash: moving false$' &&
	expect_err 'near +\| near: Add\(1, 2\) = nil revoked in [0-9]+ ns; global true$' &&
	expect_err 'ctl +\| calc: nil process has ended '
# a lossy link: the calls by message are sent again (calc received 32
# requests for 20 calls) and each ran once
run 0 run $V --set part=loss --stats json &&
	expect_err 'near +\| call 9: timeout$' &&
	expect_err 'near +\| 18 calls returned, 2 failed; the procedure ran 20 times; global true$' &&
	expect_out '"name": "calc", "process": "calc", .*"messages_received": 32,'
# pages a client's call writes while the server's stop waits for it go with
# the copy (stop-and-copy sent 5 pages of 68 before), or stay on A to be
# pulled (on-demand)
D=tests/api/migrate_lrpc_drain.lua
run 0 run $D --set strategy=stop-and-copy &&
	expect_err 'ctl +\| moved: pages 68, 0 left on A, waited 2090768 ns$'
run 0 run $D --set strategy=on-demand &&
	expect_err 'ctl +\| moved: pages 4, 64 left on A, waited 2090768 ns$'
# a call during a copy that takes 870 ms waits for it (it failed with
# "timeout" after 400 ms, and the procedure ran later all the same)
run 0 run tests/api/migrate_lrpc_longstop.lua &&
	expect_err 'near +\| during the stop: 2 nil in 871548106 ns; runs 2$' &&
	expect_err 'near +\| later: runs 2$'
# an LRPC call inside a procedure to a server that moved, or is moving: a
# reason, not "rpc: not available inside an LRPC procedure" raised
run 0 run tests/api/migrate_lrpc_nested.lua &&
	expect_err 'near +\| after X moved: nil on another node$'
run 0 run tests/api/migrate_lrpc_nested.lua --set part=stopped &&
	expect_err 'near +\| inner: nil moving$'
# determinism
for p in move inflight loss; do
	run 0 run $V --set part=$p --stats json --trace "$TMP/1.tr" && cp "$TMP/out" "$TMP/1.out"
	run 0 run $V --set part=$p --stats json --trace "$TMP/2.tr"
	checks=$((checks + 1))
	cmp -s "$TMP/1.tr" "$TMP/2.tr" && cmp -s "$TMP/1.out" "$TMP/out" ||
		fail "server part=$p: two runs differ"
done
finish
