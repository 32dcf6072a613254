#!/bin/sh
# migrate_uthreads.sh - the migration of many-to-one, many-to-many and
# scheduler-activation processes (doc/scenario-api.md section 18e): under
# strong mobility every user thread goes on where it was (its counter, its
# page, a user thread blocked on a semaphore, one waiting in the runtime's
# queue, an LWP blocked in recv), the LWPs run on the target's CPUs, the
# execution state counts each LWP and each user thread; under weak mobility
# the program starts again; with every strategy; the report, the
# statistics, the trace and determinism; and a user thread that calls
# migrate.
. "${top_srcdir:-.}/tests/lib.sh"
S=tests/api/migrate_uthreads.lua

# The link: 100 Mbit/s (80 ns a byte), 1 ms of latency, MTU 1500 (1472
# bytes of payload a packet, 28 of header); pages of 4096 bytes, the code 4
# pages; 1024 bytes of state per LWP, 256 per user thread.
tx_ns() {
	pk=$((($1 + 1471) / 1472))
	echo $((($1 + 28 * pk) * 80))
}
PS=4096
# "ult": 3 data pages; 4 user threads (main, w1, w2, waiter) and 1 LWP
# (many-to-one) or 2 (many-to-many, activations); "m2o": 2 user threads, 1 LWP
M2O_STATE=$((1024 + 4 * 256))
M2M_STATE=$((2 * 1024 + 4 * 256))
M2O_BYTES=$((7 * PS + M2O_STATE))
M2M_BYTES=$((7 * PS + M2M_STATE))
M2O_DOWN=$(($(tx_ns $M2O_BYTES) + 1000000))
M2M_DOWN=$(($(tx_ns $M2M_BYTES) + 1000000))
# "m2o" moves at 12 ms, its transfer after the rest of ult's on the link
SMALL_BYTES=$((4 * PS + 1024 + 2 * 256))
M2M_SMALL_RESUME=$((10000000 + $(tx_ns $M2M_BYTES) + $(tx_ns $SMALL_BYTES) + 1000000))

# stop-and-copy, strong, many-to-one: one LWP, so the two workers share it
# before and after (80 ms of compute in all, plus the downtime)
run 0 run $S --set model=many-to-one --stats json &&
	expect_err "ctl.ult +\| ult moved: downtime $M2O_DOWN total $M2O_DOWN pages 7 bytes $M2O_BYTES state $M2O_STATE rounds 0 left 0 new_pid 4" &&
	expect_err "ult.1 +\| w1: 40 steps, memory 'w1 040', done at $((80000000 + M2O_DOWN))" &&
	expect_err "ult.2 +\| w2: 40 steps, memory 'w2 040', done at $((80000000 + M2O_DOWN))" &&
	expect_err "ult.3 +\| waiter: woken at $((80000000 + M2O_DOWN)), page 0 'main'" &&
	expect_out '"name": "ult", "pid": 4, "state": "exited", "model": "many-to-one", .*"node": "B"' &&
	expect_out "\"process\": \"ult\", .*\"mobility\": \"strong\", \"done\": true, .*\"state_bytes\": $M2O_STATE,"

# many-to-many and activations: w1 ran alone for the 10 ms quantum of A's
# one CPU; on B (three CPUs) both LWPs run at once: w1's 30 steps left and
# w2's 40 end 10 ms apart
for m in many-to-many activations; do
	run 0 run $S --set model=$m --stats json --trace "$TMP/$m.uktrace" &&
		expect_err "ctl.ult +\| ult moved: downtime $M2M_DOWN total $M2M_DOWN pages 7 bytes $M2M_BYTES state $M2M_STATE rounds 0" &&
		expect_err "ult.1 +\| w1: step 1 at 0" &&
		expect_err "ult.2 +\| w2: step 1 at 10000000" &&
		expect_err "ult.1 +\| w1: 40 steps, memory 'w1 040', done at $((40000000 + M2M_DOWN))" &&
		expect_err "ult.2 +\| w2: 40 steps, memory 'w2 040', done at $((50000000 + M2M_DOWN))" &&
		expect_err "ult.3 +\| waiter: woken at $((50000000 + M2M_DOWN)), page 0 'main'" &&
		expect_err "ult +\| ult: all joined at $((50000000 + M2M_DOWN))" &&
		expect_out '"name": "ult.1", "process": "ult", "model": "many-to-many", .*"cpu_ns": 40000000,' &&
		expect_out '"name": "ult.2", "process": "ult", "model": "many-to-many", .*"cpu_ns": 40000000,' &&
		expect_out '"name": "ult", "pid": 4, .*"model": "many-to-many", "lwps": 2, .*"node": "B"' &&
		expect_out "\"process\": \"ult\", .*\"done\": true, .*\"state_bytes\": $M2M_STATE,"
	cp "$TMP/out" "$TMP/$m.json"
	# the LWP blocked in recv went with it: the message sent while it was
	# stopped is received once it runs on B; the ticker waited in the queue
	run 0 run $S --set model=$m &&
		expect_err "ctl.m2o +\| m2o moved: downtime $((M2M_SMALL_RESUME - 12000000)) total [0-9]+ pages 4 bytes $SMALL_BYTES state 1536 rounds 0" &&
		expect_err "m2o +\| m2o: got 41 at $M2M_SMALL_RESUME, ticks so far 0" &&
		expect_err 'm2o +\| m2o: got 42 at 31003840, ticks so far 0' &&
		expect_err 'm2o.1 +\| m2o ticker: 3 ticks, done at 34003840'
done
checks=$((checks + 3))
grep -q "ult: all joined" "$TMP/err" || fail "no run of ult"
"$UKERN" export "$TMP/activations.uktrace" >"$TMP/sa.txt" 2>&1 || fail "export of the activations trace"
# the running activation was preempted by the stop; its "preempted" upcall is
# delivered on B, where both activations go on
grep -E -q '^ +13\.588800ms +upcall lwp=[0-9]+ kind=2 tid=[0-9]+\(ult.2\)' "$TMP/sa.txt" ||
	fail "no preempted upcall for ult.2 on arrival"
grep -E -q '^ +13\.588800ms +proc_node pid=4\(ult\) node=1' "$TMP/sa.txt" || fail "no proc_node record for ult"

# weak mobility: only the code (4 pages) crosses; the program starts again as
# "ult#2" on B, whose workers count from 1 again, now both at once
WEAK_DOWN=$(($(tx_ns $((4 * PS))) + 1000000))
for m in many-to-one many-to-many activations; do
	run 0 run $S --set model=$m --set mobility=weak --stats json &&
		expect_err "ctl.ult +\| ult moved: downtime $WEAK_DOWN total $WEAK_DOWN pages 4 bytes $((4 * PS)) state 0 rounds 0 left 0 new_pid 9" &&
		expect_err "ult#2.1 +\| w1: step 1 at $((10000000 + WEAK_DOWN))" &&
		expect_err "ult#2.1 +\| w1: 40 steps, memory 'w1 040'" &&
		expect_err "ult#2.3 +\| waiter: woken at [0-9]+, page 0 'main'" &&
		expect_err 'm2o#2 +\| m2o: got 42 at' &&
		expect_out '"name": "ult#2", "pid": 9, "state": "exited", .*"node": "B"' &&
		expect_out '"process": "ult", "pid": 4, "new_pid": 9, .*"mobility": "weak", "done": true'
	checks=$((checks + 1))
	grep -E -q "ult\.[12] +\| w[12]: 40 steps" "$TMP/err" && fail "$m: the old incarnation finished its steps"
done
run 0 run $S --set model=many-to-many --set mobility=weak &&
	expect_err "ult#2.2 +\| w2: 40 steps, memory 'w2 040', done at $((50000000 + WEAK_DOWN))"
run 0 run $S --set model=many-to-one --set mobility=weak &&
	expect_err "ult#2.2 +\| w2: 40 steps, memory 'w2 040', done at $((90000000 + WEAK_DOWN))"

# pre-copy: the pages while the user threads run (the first round: the code
# and the 3 data pages), then the pages written meanwhile with the state; on-demand: the code and the state,
# then the three data pages, each pulled by the user thread that touches it
# (many-to-one: both workers took turns on its LWP and wrote their pages)
for m in many-to-one many-to-many activations; do
	if [ $m = many-to-one ]; then pc=9 st=$M2O_STATE; else pc=8 st=$M2M_STATE; fi
	run 0 run $S --set model=$m --set strategy=pre-copy --stats json &&
		expect_err "ctl.ult +\| ult moved: downtime [0-9]+ total [0-9]+ pages $pc bytes $((pc * PS + st)) state $st rounds 1 left 0" &&
		expect_err "ult.1 +\| w1: 40 steps, memory 'w1 040'" &&
		expect_err "ult.2 +\| w2: 40 steps, memory 'w2 040'" &&
		expect_err "ult +\| ult: all joined" &&
		expect_out '"process": "ult", .*"strategy": "pre-copy", "mobility": "strong", "done": true, .*"rounds": 1, "round_pages": \[3\],'
	run 0 run $S --set model=$m --set strategy=on-demand --stats json --trace "$TMP/od-$m.uktrace" &&
		expect_err "ctl.ult +\| ult moved: downtime [0-9]+ total [0-9]+ pages 4 bytes [0-9]+ state [0-9]+ rounds 0 left 3" &&
		expect_err "ult.1 +\| w1: 40 steps, memory 'w1 040'" &&
		expect_err "ult.3 +\| waiter: woken at [0-9]+, page 0 'main'" &&
		expect_out '"process": "ult", .*"strategy": "on-demand", .*"pages": 7, .*"remote_faults": 3, "pages_left": 0,'
	"$UKERN" export "$TMP/od-$m.uktrace" >"$TMP/od.txt" 2>&1 || fail "export of $m on-demand"
	for u in ult.1 ult.2 ult.3; do
		checks=$((checks + 1))
		grep -E -q "migrate_pull id=1 tid=[0-9]+\\($u\\) addr=0x" "$TMP/od.txt" ||
			fail "$m: no page pulled by user thread $u"
	done
done
# under activations a pull blocks the activation: the kernel starts another
# ("blocked" upcall)
grep -E -q 'upcall lwp=[0-9]+ kind=3 tid=[0-9]+\(ult.1\)' "$TMP/od.txt" || fail "no blocked upcall for a pull"
checks=$((checks + 1))

# with modern costs (user switches, upcalls and traps charged: LWPs stopped
# in the middle of a switch or an upcall) every thread still ends its work
for m in many-to-one many-to-many activations; do
	for s in stop-and-copy pre-copy on-demand; do
		run 0 run $S --set model=$m --set strategy=$s --set costs=modern &&
			expect_err "ult.1 +\| w1: 40 steps, memory 'w1 040'" &&
			expect_err "ult.2 +\| w2: 40 steps, memory 'w2 040'" &&
			expect_err "ult +\| ult: all joined" && expect_err 'm2o.1 +\| m2o ticker: 3 ticks'
	done
done

# determinism: the same seed, the same trace and statistics
for m in many-to-many activations; do
	run 0 run $S --set model=$m --stats json --trace "$TMP/again.uktrace" --quiet
	checks=$((checks + 2))
	cmp -s "$TMP/again.uktrace" "$TMP/$m.uktrace" || fail "$m: the traces differ between runs"
	cmp -s "$TMP/out" "$TMP/$m.json" || fail "$m: the statistics differ between runs"
done

# declared at the top level, for a many-to-many process
cat >"$TMP/decl.lua" <<'LUA'
machine { cpus = 1, costs = "zero" }
node { "B", cpus = 2 }
link { "A", "B", latency = "1ms", bandwidth = "100Mbps" }
process { "m", threads = "many-to-many", lwps = 2, main = function()
  local n = { 0, 0 }
  local t = {}
  for k = 1, 2 do
    t[k] = thread(function() for _ = 1, 20 do n[k] = n[k] + 1; compute("1ms") end end)
  end
  join(t[1]); join(t[2])
  log("m: %d and %d steps, done at %d", n[1], n[2], now())
end }
migrate { at = "5ms", process = "m", to = "B", strategy = "pre-copy" }
LUA
run 0 run "$TMP/decl.lua" --stats json &&
	expect_err 'm +\| m: 20 and 20 steps, done at' &&
	expect_out '"name": "m", "pid": [0-9]+, "state": "exited", "model": "many-to-many", .*"node": "B"' &&
	expect_out '"process": "m", .*"strategy": "pre-copy", "mobility": "strong", "done": true'

# a user thread calls migrate: its LWP waits for the move, and in a
# many-to-one process so does the other user thread (5 ms of compute left)
cat >"$TMP/caller.lua" <<'LUA'
machine { cpus = 1, costs = "zero" }
node { "B", cpus = 1 }
link { "A", "B", latency = "1ms", bandwidth = "100Mbps" }
process { "w", main = function() for _ = 1, 20 do compute("1ms") end log("w done at %d", now()) end }
process { "ctl", threads = "many-to-one", start = "5ms", main = function()
  local t = thread(function() for _ = 1, 5 do compute("1ms") end log("other done at %d", now()) end)
  local r = assert(migrate("w", "B"))
  log("moved: downtime %d, at %d", r.downtime_ns, now())
  join(t)
end }
LUA
# w leaves A's CPU at the end of its quantum (10 ms), when ctl calls
CALL_DOWN=$(($(tx_ns $((4 * PS + 1024))) + 1000000))
run 0 run "$TMP/caller.lua" &&
	expect_err "ctl +\| moved: downtime $CALL_DOWN, at $((10000000 + CALL_DOWN))" &&
	expect_err "ctl.1 +\| other done at $((15000000 + CALL_DOWN))" &&
	expect_err "w +\| w done at $((20000000 + CALL_DOWN))"

# stopped in the middle of a user-level switch (2 ms each here): the LWP
# does the rest of it on B; every thread ends exactly the downtime later
cat >"$TMP/switch.lua" <<'LUA'
machine { cpus = 1, costs = { profile = "zero", user_switch = "2ms" } }
node { "B", cpus = 1 }
link { "A", "B", latency = "1ms", bandwidth = "100Mbps" }
process { "p", threads = "many-to-one", main = function()
  local function steps(name)
    for _ = 1, 5 do compute("1ms"); yield() end
    log("%s done at %d", name, now())
  end
  local a, b = thread(steps, "a"), thread(steps, "b")
  join(a); join(b)
end }
if param("move", "yes") == "yes" then migrate { at = "9ms", process = "p", to = "B" } end
LUA
# 1 LWP and 3 user threads; the switch from b to a runs from 8 to 10 ms
SW_DOWN=$(($(tx_ns $((4 * PS + 1024 + 3 * 256))) + 1000000))
run 0 run "$TMP/switch.lua" --set move=no &&
	expect_err 'p.1 +\| a done at 34000000' && expect_err 'p.2 +\| b done at 36000000'
run 0 run "$TMP/switch.lua" --trace "$TMP/switch.uktrace" &&
	expect_err "p.1 +\| a done at $((34000000 + SW_DOWN))" &&
	expect_err "p.2 +\| b done at $((36000000 + SW_DOWN))"
"$UKERN" export "$TMP/switch.uktrace" >"$TMP/switch.txt" 2>&1 || fail "export of the switch trace"
checks=$((checks + 1))
# the next switch comes 1 ms (the rest of the switch) + 1 ms (a's step) after it is back
grep -E -q "^ +$(printf '%d.%06d' $(((11000000 + SW_DOWN) / 1000000)) $(((11000000 + SW_DOWN) % 1000000)))ms +uswitch lwp=[0-9]+ from=6 to=7" \
	"$TMP/switch.txt" || fail "the switch interrupted by the move was not finished on B"

# an activation blocked in sleep is woken while the process is stopped: its
# "unblocked" upcall is delivered on B
cat >"$TMP/upcall.lua" <<'LUA'
machine { cpus = 1, costs = "zero" }
node { "B", cpus = 1 }
link { "A", "B", latency = "1ms", bandwidth = "100Mbps" }
process { "sa", threads = "many-to-many", lwps = 1, activations = true, main = function()
  local s = thread(function() sleep("11ms"); log("sleeper woken at %d", now()) end)
  local w = thread(function() for _ = 1, 20 do compute("1ms") end log("worker done at %d", now()) end)
  join(s); join(w)
end }
migrate { at = "10ms", process = "sa", to = "B" }
LUA
# two activations (the sleeper's, blocked, and the worker's), 3 user threads
UP_DOWN=$(($(tx_ns $((4 * PS + 2 * 1024 + 3 * 256))) + 1000000))
run 0 run "$TMP/upcall.lua" --trace "$TMP/upcall.uktrace" &&
	expect_err "sa.2 +\| worker done at $((20000000 + UP_DOWN))" &&
	expect_err "sa.1 +\| sleeper woken at $((20000000 + UP_DOWN))"
"$UKERN" export "$TMP/upcall.uktrace" >"$TMP/upcall.txt" 2>&1 || fail "export of the upcall trace"
checks=$((checks + 2))
sed -n '/migrate_end id=1/,$p' "$TMP/upcall.txt" | grep -E -q 'upcall lwp=[0-9]+ kind=2 tid=[0-9]+\(sa.2\)' ||
	fail "no preempted upcall on B"
sed -n '/migrate_end id=1/,$p' "$TMP/upcall.txt" | grep -E -q 'upcall lwp=[0-9]+ kind=4 tid=[0-9]+\(sa.1\)' ||
	fail "no unblocked upcall on B"
finish
