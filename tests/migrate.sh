#!/bin/sh
# migrate.sh - process migration (doc/scenario-api.md section 18e): each
# strategy's downtime, total time, pages and bytes computed from the link's
# parameters, memory read back intact after the move, a counter carrying on
# (strong) or starting again (weak), a server's callers and senders losing
# nothing while it moves, files and clocks after a move, the records in the
# trace and the statistics, determinism, and misuse.
. "${top_srcdir:-.}/tests/lib.sh"
A=tests/api

# The link of tests/api/migrate.lua: 8 Mbit/s (one byte a microsecond),
# 1 ms of latency, MTU 1500 (1472 bytes of payload a packet, 28 of header);
# pages of 4096 bytes; the code is 4 pages, a thread's state 1024 bytes.
# time_ns BYTES: the transfer of BYTES of payload, its last packet's arrival.
time_ns() {
	pk=$((($1 + 1471) / 1472))
	echo $(((($1 + 28 * pk) * 1000) + 1000000))
}
PS=4096
# stop-and-copy: code, the 8 data pages and the state, while it is stopped
SC_BYTES=$(((4 + 8) * PS + 1024))
SC_DOWN=$(time_ns $SC_BYTES)
# pre-copy: code and data while it runs, then the one page it keeps writing
# (its counter) and the state while it is stopped
PC_ROUND=$(time_ns $(((4 + 8) * PS)))
PC_DOWN=$(time_ns $((PS + 1024)))
# on-demand: code and state only; then each page on its first access
OD_DOWN=$(time_ns $((4 * PS + 1024)))

for s in stop-and-copy pre-copy on-demand; do
	run 0 run $A/migrate.lua --set strategy=$s --stats json --trace "$TMP/$s.uktrace" &&
		expect_err 'worker +\| worker: n=100; page 1,page 2,page 3,page 4,page 5,page 6,page 7 at' &&
		expect_err 'client +\| client: 60 of 60 answered' &&
		expect_err 'srv +\| srv: all 81 served' &&
		expect_err 'local +\| local: last answer 7, ' &&
		expect_err "again: migrate 'srv' to 'B': the process is on that node already" &&
		expect_out '"migrations": \[' &&
		expect_out "\"process\": \"worker\", .*\"strategy\": \"$s\", \"mobility\": \"strong\", \"done\": true"
	cp "$TMP/out" "$TMP/$s.json"
	cp "$TMP/err" "$TMP/$s.err"
done

grep -E -q "ctl +\| worker stop-and-copy: downtime $SC_DOWN total $SC_DOWN pages 12 bytes $SC_BYTES packets 35 rounds 0 left 0" "$TMP/stop-and-copy.err" ||
	fail "stop-and-copy's figures are not the link's ($SC_DOWN ns, $SC_BYTES bytes)"
grep -E -q "ctl +\| worker pre-copy: downtime $PC_DOWN total $((PC_ROUND + PC_DOWN)) pages 13 bytes $((13 * PS + 1024)) packets 38 rounds 1 left 0" "$TMP/pre-copy.err" ||
	fail "pre-copy's figures are not the link's (round $PC_ROUND ns, stop $PC_DOWN ns)"
grep -E -q "ctl +\| worker on-demand: downtime $OD_DOWN total $OD_DOWN pages 4 bytes $((4 * PS + 1024)) packets 12 rounds 0 left 8" "$TMP/on-demand.err" ||
	fail "on-demand's figures are not the link's ($OD_DOWN ns)"
checks=$((checks + 3))
# on-demand: the 8 data pages were each pulled once, on a fault, in the end
grep -q '"process": "worker", .*"remote_faults": 8, "pages_left": 0,' "$TMP/on-demand.json" ||
	fail "on-demand did not pull the 8 pages"
grep -q '"process": "worker", .*"pages": 12, .*"bytes": 50176,' "$TMP/on-demand.json" ||
	fail "on-demand's final pages and bytes"
# the server's queued requests went after it
grep -q '"process": "srv", .*"messages_forwarded": [1-9]' "$TMP/on-demand.json" ||
	fail "no message forwarded when the server moved"
checks=$((checks + 3))

"$UKERN" export "$TMP/on-demand.uktrace" >"$TMP/od.txt" 2>&1 || fail "export of a trace with migrations"
for r in 'migrate id=1 pid=[0-9]*\(worker\) from=0\(A\) to=1\(B\) strategy=on-demand mobility=strong' \
	"migrate_round id=1 round=0\\(stopped\\) pages=4 bytes=$((4 * PS + 1024)) arrive=$((20000000 + OD_DOWN))" \
	'migrate_pull id=1 tid=[0-9]*\(worker\) addr=0x[0-9a-f]* arrive=' \
	"migrate_end id=1 pid=[0-9]*\(worker\) downtime=$OD_DOWN total=$OD_DOWN pages=4" \
	'migrate_forward id=2 flow=[0-9]* from=0\(A\) to=1\(B\)$' \
	'proc_node pid=[0-9]*\(srv\) node=1'; do
	checks=$((checks + 1))
	grep -E -q "$r" "$TMP/od.txt" || fail "no record /$r/ in the trace"
done

# on-demand: a page takes a frame of the target (its page_move) when it
# arrives, not when the process starts there: each page_move of the worker
# comes at the arrival of the pull of its page, and there is one per pull
awk '/migrate_pull id=1 tid=[0-9]*\(worker\)/ { split($0, f, "addr="); split(f[2], g, " ");
		split($0, h, "arrive="); want[g[1]] = h[2] + 0; n++ }
	/page_move pid=[0-9]*\(worker\)/ { split($0, f, "addr="); split(f[2], g, " ");
		t = $1; sub("ms", "", t); ns = int(t * 1000000 + 0.5);
		if (!(g[1] in want) || want[g[1]] != ns) bad++; moved++ }
	END { exit !(n == 8 && moved == 8 && !bad) }' "$TMP/od.txt" ||
	fail "on-demand's pages did not each move when its pull arrived"
checks=$((checks + 1))

# on-demand: the residual dependency; out-of-line data and a fork pull the
# pages they take first, a freed region is not pulled (its frames on A go),
# two threads touching a page wait for the same arrival
run 0 run $A/migrate_ondemand.lua --stats json --trace "$TMP/mo.uktrace" &&
	expect_err 'ctl +\| ctl: left 7' &&
	expect_err 'worker +\| worker: freed at 0' &&
	expect_err 'sink +\| sink: page 1 at 38376000' &&
	expect_err 'worker +\| worker: page 3 after 6240000, page 3 after 6240000' &&
	expect_err 'worker.fork1 *\| child reads page 2' &&
	expect_err 'worker +\| worker: page 0, page 4' &&
	expect_out '"process": "worker", .*"strategy": "on-demand", .*"remote_faults": 5, "pages_left": 0,'
checks=$((checks + 1))
"$UKERN" export "$TMP/mo.uktrace" >"$TMP/mo.txt" 2>&1 || fail "export of the on-demand trace"
grep -q '^ *30.000000ms  frames used=5 shared=0' "$TMP/mo.txt" ||
	fail "the freed region's frames on the old node were not freed"
[ "$(grep -c 'migrate_pull id=1' "$TMP/mo.txt")" = 5 ] || fail "not one pull per page"
checks=$((checks + 2))

# on-demand: the target's frames are not held for the pages to come; taken
# meanwhile, the page that arrives is lost and its access faults
run 4 run $A/migrate_ondemand_full.lua --stats json &&
	expect_err 'ctl +\| ctl: moved, 4 pages left' &&
	expect_err "kernel +\| migrate 'worker' to 'B': page 0x10000000 lost: no free frame there when it arrived" &&
	expect_err "migrate_ondemand_full.lua:16: out of memory at 0x10000000: no free frame \(all 8 frames of node 'B' are in use\)" &&
	expect_out '"process": "worker", .*"remote_faults": 1, "pages_left": 3,'
checks=$((checks + 1))
grep -q 'worker: reads' "$TMP/err" && fail "a lost page was read"

# the target node's own scheduler takes the threads that arrive
for b in fifo cfs lottery; do
	for s in pre-copy on-demand; do
		run 0 run $A/migrate.lua --set strategy=$s --set bsched=$b &&
			expect_err 'worker +\| worker: n=100; page 1,page 2,page 3,page 4,page 5,page 6,page 7 at' &&
			expect_err 'client +\| client: 60 of 60 answered' && expect_err 'srv +\| srv: all 81 served'
	done
done

# determinism: the same seed, the same trace and statistics
run 0 run $A/migrate.lua --set strategy=pre-copy --stats json --trace "$TMP/again.uktrace" --quiet
cmp -s "$TMP/again.uktrace" "$TMP/pre-copy.uktrace" || fail "a migration's traces differ between runs"
cmp -s "$TMP/out" "$TMP/pre-copy.json" || fail "a migration's statistics differ between runs"
checks=$((checks + 2))

# resources: a file (global reference) works on; the clock is rebound or copied;
# weak mobility starts the program again as a new incarnation
run 0 run $A/migrate_bind.lua --stats json &&
	expect_err 'writer +\| writer: clock now 5000000 ahead' &&
	expect_err 'writer +\| writer: line 1;line 2;line 3;line 4;line 5;line 6;' &&
	expect_err 'ctl +\| restarts moved: pid ([0-9]+) -> ([0-9]+), 4 pages, downtime ' &&
	expect_err 'ctl +\| the old one: process has ended' &&
	expect_err 'restarts#2 +\| restarts: started at 2[0-9]+' &&
	expect_err 'restarts#2 +\| restarts: done at ' &&
	expect_out '"process": "restarts", .*"strategy": "stop-and-copy", "mobility": "weak", "done": true'
run 0 run $A/migrate_bind.lua --set clock=copy &&
	expect_err 'writer +\| writer: line 1;line 2;line 3;line 4;line 5;line 6;'
checks=$((checks + 1))
grep -q 'writer: clock now' "$TMP/err" && fail "a copied clock jumped"

# misuse raises at the calling line; what the kernel finds is nil, reason
run 4 run $A/migrate_misuse.lua &&
	expect_err "ctl +\| migrate: no process named 'nobody'" &&
	expect_err "ctl +\| migrate: no node named 'Z'" &&
	expect_err "ctl +\| migrate 'idle' to 'C': no link joins the two nodes" &&
	expect_err "ctl +\| migrate 'idle' to 'A': the process is on that node already" &&
	expect_err "option 'strategy' must be \"stop-and-copy\", \"pre-copy\" or \"on-demand\", not teleport" &&
	expect_err "option 'mobility' must be \"strong\" or \"weak\", not medium" &&
	expect_err "option 'clock' must be \"rebind\" or \"copy\", not reset" &&
	expect_err "option 'rounds' must be an integer from 1 to 64, not '0'" &&
	expect_err "unknown option 'speed'" &&
	expect_err "on-demand needs mobility = \"strong\"" &&
	expect_err "migrate 'ctl' to 'B': a process cannot migrate itself" &&
	expect_err "migrate 'name' to 'B': a built-in server stays on its node \(the scenario's own processes move\)" &&
	expect_err "migrate 'net.A' to 'B': a built-in server stays on its node" &&
	expect_err 'migrate: no process of pid 42' &&
	expect_err 'migrate: the process must be a name or a pid, not a table' &&
	expect_err 'lrpc client: to B, 1 binding\(s\) made global references' &&
	expect_err 'lrpc server: to B, 1 client binding\(s\) rebound$' &&
	expect_err "^tests/api/migrate_misuse.lua:[0-9]+: migrate: no node named 'Q' \(process ctl"

# declared at the top level: the kernel moves it at the time given; a
# process that has ended by then is not moved, and the log says so
run 0 run $A/migrate_decl.lua --stats json &&
	expect_err 'worker +\| worker: n=40, page 3 at 51232000' &&
	expect_err "kernel +\| tests/api/migrate_decl.lua:18: migrate 'brief' to 'B': not moved: the process is not running" &&
	expect_out '"process": "worker", .*"strategy": "pre-copy", "mobility": "strong", "done": true, "begin_ns": 10000000, "downtime_ns": 6232000, "total_ns": 40644000,' &&
	expect_out '"process": "brief", .*"done": false,'
bad() {
	printf '%s\n' "$1" >"$TMP/bad.lua"
	run 2 run "$TMP/bad.lua" && expect_err "$2"
}
NODES='node { "B" }
node { "C" }
link { "A", "B" }
process { "w", main = function() end }
process { "m", threads = "many-to-one", main = function() end }
job { "j", run = "5ms" }'
bad "$NODES
migrate { at = \"1ms\", process = \"x\", to = \"B\" }" \
	"bad.lua:7: migrate: process = 'x', but no process of that name is declared"
bad "$NODES
migrate { at = \"1ms\", process = \"w\", to = \"Z\" }" "bad.lua:7: migrate: unknown node 'Z'"
bad "$NODES
migrate { at = \"1ms\", process = \"w\", to = \"C\" }" \
	"bad.lua:7: migrate: no link joins node 'C' to 'A', where 'w' runs"
bad "$NODES
migrate { at = \"1ms\", process = \"w\", to = \"A\" }" "bad.lua:7: migrate: 'w' is on node 'A' already"
bad "$NODES
migrate { at = \"1ms\", process = \"j\", to = \"B\" }" "bad.lua:7: migrate: 'j' is a built-in program"
bad "$NODES
migrate { at = \"soon\", process = \"w\", to = \"B\" }" \
	"bad.lua:7: migrate: 'at' must be a duration \(a number of ms, .*\), not 'soon'"
bad "$NODES
migrate { process = \"w\", to = \"B\" }" "bad.lua:7: migrate: 'at' is required"
bad "$NODES
migrate { at = 1, process = {}, to = \"B\" }" "bad.lua:7: migrate: 'process' must be the name of a process, not 'a table'"
bad "$NODES
migrate { at = 1, process = \"w\", to = \"B\", speed = 2 }" "bad.lua:7: migrate: unknown field 'speed'"
bad "$NODES
migrate { at = 1, process = \"w\", to = \"B\", strategy = \"teleport\" }" \
	"bad.lua:7: migrate: option 'strategy' must be"
bad "$NODES
migrate { at = 1, process = \"w\", to = \"B\", mobility = \"weak\", strategy = \"on-demand\" }" \
	"bad.lua:7: migrate: weak mobility moves no address space"

# without nodes there is nowhere to go
cat >"$TMP/nonodes.lua" <<'LUA'
process { "a", daemon = true, main = function() sleep("1s") end }
process { "b", main = function() migrate("a", "B") end }
LUA
run 4 run "$TMP/nonodes.lua" &&
	expect_err 'nonodes.lua:2: migrate: the scenario declares no node'
finish
