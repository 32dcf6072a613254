#!/bin/sh
# node_memory.sh - every node's own physical memory (doc/scenario-api.md
# section 18d, "Memory per node"): out-of-line data copied into the
# receiving node's frames (and its bytes on the link), a migration taking
# the target's frames and freeing the source's, one refused when it would
# not fit, a process killed when its node is full though another node has
# frames, the page_move and node_memory records, the statistics by node,
# determinism.
. "${top_srcdir:-.}/tests/lib.sh"
S=tests/api/node_memory.lua

run 0 run $S --stats json --trace "$TMP/a.uktrace" &&
	expect_err 'recv +\| free on B before: 8$' &&
	expect_err 'recv +\| received 16384 bytes: hello\.\.tail; free on B: 6$' &&
	expect_err 'send +\| sender still reads hello$' &&
	expect_err 'recv +\| freed; free on B: 8$' &&
	expect_err 'ctl +\| big: nil too few free frames on that node for its pages$' &&
	expect_err 'ctl +\| mover: B downtime [0-9]+$' &&
	expect_err 'mover +\| mover now: 6 frames, free 2: page 0,page 1,page 2,page 3,page 4,page 5$' &&
	expect_out '"name": "A", "id": 0, .*"frames": 64, "frames_used": 0, "frames_peak": 17 \}' &&
	expect_out '"name": "B", "id": 1, .*"frames": 8, "frames_used": 0, "frames_peak": 6 \}' &&
	expect_out '"vm": \{ "page_size": 4096, "frames": 72, '
cp "$TMP/out" "$TMP/a.json"

# The trace: each node's range, and one page_move per page with a frame:
# the 2 written pages of the out-of-line data, the 6 pages of the mover.
run 0 export "$TMP/a.uktrace" &&
	expect_out 'node_memory node=0 first=1 frames=64$' &&
	expect_out 'node_memory node=1 first=65 frames=8$' &&
	expect_out 'memory frames=72 page_size=4096$'
checks=$((checks + 1))
[ "$(grep -c 'page_move pid=[0-9]*(recv)' "$TMP/out")" -eq 2 ] ||
	fail "expected 2 page_move records for recv: $(grep -c 'page_move pid=[0-9]*(recv)' "$TMP/out")"
checks=$((checks + 1))
[ "$(grep -c 'page_move pid=[0-9]*(mover)' "$TMP/out")" -eq 6 ] ||
	fail "expected 6 page_move records for mover: $(grep -c 'page_move pid=[0-9]*(mover)' "$TMP/out")"
checks=$((checks + 1))
grep 'page_move' "$TMP/out" | grep -Eqv 'to=(6[5-9]|7[0-2])$' &&
	fail "a page moved to a frame that is not node B's (65-72)"
# The out-of-line bytes crossed the link: 16384 + the message, 12 packets at least.
checks=$((checks + 1))
[ "$(grep -c 'pkt_send link=1 from=0 flow=[0-9]* seq=11 ' "$TMP/out")" -ge 1 ] ||
	fail "the out-of-line data did not cross the link in its packets"

# Determinism.
run 0 run $S --stats json --trace "$TMP/b.uktrace" &&
	{ checks=$((checks + 1)); cmp -s "$TMP/a.uktrace" "$TMP/b.uktrace" || fail "traces differ between runs"; } &&
	{ checks=$((checks + 1)); cmp -s "$TMP/a.json" "$TMP/out" || fail "statistics differ between runs"; }

# A node full while another has frames: the process dies for want of memory.
run 4 run $S --set part=oom &&
	expect_err 'hog +\| page 8 written$' &&
	expect_err "node_memory.lua:18: out of memory at 0x10008000: no free frame \(all 8 frames of node 'B' are in use\) \(process hog"

# Migrations that fail when they arrive: the process runs on where it was,
# the kernel says why, and the statistics count the time it was stopped.
run 0 run tests/api/migrate_late.lua --stats json &&
	expect_err "kernel +\| migrate 'w' to 'B': not moved: too few free frames there for its pages; it runs on at 'A'$" &&
	expect_err 'ctl +\| migrate: nil too few free frames on that node for its pages$' &&
	expect_err 'w +\| w ends with 58 free frames on its node; reads p5$' &&
	expect_out '"process": "w", .*"done": false, "begin_ns": 10014300, "downtime_ns": 1418560, '
# a binding made during a pre-copy becomes a global reference at the stop
run 0 run tests/api/migrate_late.lua --set part=lrpc --stats json &&
	expect_err "kernel +\| migrate 'client' to 'B': LRPC bindings: 1 made global references \(calls go as messages\), 0 rebound as LRPC$" &&
	expect_err 'ctl +\| migrate: B nil$' &&
	expect_err 'client +\| Add\(40, 2\) = 42; shared 0$' &&
	expect_out '"process": "client", .*"done": true, .*"lrpc_global": 1, "lrpc_rebound": 0, "lrpc_wait_ns": 0, '

# Declarations.
printf 'node { "B", frames = -3 }\n' >"$TMP/bad.lua"
run 2 run "$TMP/bad.lua" &&
	expect_err "bad.lua:1: node: 'frames' must be an integer from 1 to 16777216, not '-3'"
printf 'node { "B", frames = "many" }\n' >"$TMP/bad.lua"
run 2 run "$TMP/bad.lua" &&
	expect_err "bad.lua:1: node: 'frames' must be an integer from 1 to 16777216, not 'many'"

finish
