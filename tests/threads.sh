#!/bin/sh
# threads.sh - the thread models: what blocks what under one-to-one,
# many-to-one, many-to-many and scheduler activations; upcalls; mutexes,
# semaphores and conditions in every model; 100,000 user threads.
. "${top_srcdir:-.}/tests/lib.sh"
T=tests/threads

# A compute thread (20 ms) beside one blocked 50 ms in the kernel.
done_at() {   # done_at MS ARGS...: the compute thread finishes at MS
	ms=$1
	shift
	run 0 run $T/blocking.lua "$@" && expect_err "^ +${ms}ms  app.2 +\| compute done" &&
		expect_err "^ +50ms  app.1 +\| io done"
}
done_at 20
done_at 70 --set model=many-to-one
done_at 20 --set model=many-to-many --set lwps=2
done_at 70 --set model=many-to-many --set lwps=1
done_at 20 --set model=many-to-many --set lwps=1 --set activations=true

# Many-to-one: the compute thread lost the 50 ms the LWP spent blocked.
run 0 run $T/blocking.lua --set model=many-to-one --stats json &&
	expect_out '"name": "app.2", "process": "app", "model": "many-to-one", .*"user_switches": 1, "lost_ns": 50000000,' &&
	expect_out '"kernel_threads": \[' && expect_out '"name": "app/lwp0", "process": "app",' &&
	expect_out '"model": "many-to-one", "lwps": 1, "activations": false,'
run 0 run $T/blocking.lua --stats csv --quiet &&
	expect_out '^app.2,app,exited,.*,one-to-one,1,0,0,[0-9]+,100,1\.000000,0\.333333$'

# Scheduler activations: added, blocked, unblocked, in that order.
run 0 run $T/blocking.lua --set model=many-to-many --set lwps=1 --set activations=true \
	--trace "$TMP/sa.uktrace" --quiet
run 0 export "$TMP/sa.uktrace" &&
	grep -E 'upcall ' "$TMP/out" | sed -E 's/.*kind=([0-9]).*/\1/' | tr -d '\n' >"$TMP/kinds"
checks=$((checks + 1))
[ "$(cat "$TMP/kinds")" = 134 ] || fail "upcall kinds '$(cat "$TMP/kinds")', expected 134 (added, blocked, unblocked)"
run 0 export "$TMP/sa.uktrace" && expect_out 'upcall lwp=[0-9]+ kind=3 tid=[0-9]+\(app.1\)' &&
	expect_out 'upcall lwp=[0-9]+ kind=4 tid=[0-9]+\(app.1\)'

for model in one-to-one many-to-one many-to-many; do
	run 0 run $T/counter.lua --set model=$model && expect_err 'counter=20 expected=20'
	run 0 run $T/counter.lua --set model=$model --set locked=false && expect_err 'counter=5 expected=20'
	run 0 run $T/semaphore.lua --set model=$model &&
		expect_err 'got 1,2,3,4,5,6, at most 2 buffered, trylock=true'
	# In many-to-one the late waiter's sleep blocks the whole process for 5 ms.
	at=5000000
	[ $model = many-to-one ] && at=6000000
	run 0 run $T/cond.lua --set model=$model && expect_err "woken=3 at $at"
	run 4 run $T/misuse.lua --set model=$model &&
		expect_err "^$T/misuse.lua:5: unlock of a mutex this thread does not hold"
done
run 3 run $T/lockorder.lua && expect_err 'a cycle of 2 threads' &&
	expect_err 'thread app.1 \(process app\) waits for a mutex held by thread app.2'
run 3 run $T/lockorder.lua --set model=many-to-many && expect_err 'a cycle of 2 threads'
# Many-to-one serialises them: app.1 takes both and exits holding them.
run 3 run $T/lockorder.lua --set model=many-to-one &&
	expect_err 'thread app.2 \(process app\) waits for a mutex held by thread app.1'

# A thread ends holding a mutex while a daemon ticks: no cycle, and the
# report says what stops them, not that nothing is pending.
run 3 run $T/mutexexit.lua &&
	expect_err 'deadlock at 1.0087ms: no thread of a non-daemon process can run, and these wait for good' &&
	expect_err 'thread app.2 \(process app\) waits for a mutex held by thread app.1'

# Many-to-one: a's only LWP carries a call to b, which calls back a's port,
# whose receiver is a user thread that is ready but has no LWP to run on.
# A ticking daemon does not hide the cycle.
run 3 run $T/m1ticker.lua --until 2s && expect_err 'deadlock at 26.555us: a cycle of 2 threads' &&
	expect_err 'thread a \(process a\) waits for a reply to its call on port 4 "b" from process b'
run 3 run $T/m1ticker.lua --set ticker=false && expect_err 'deadlock at 24.455us: a cycle of 2 threads'

run 0 run $T/many.lua && expect_err '100000 threads joined at 100000000'

# Declarations that make no sense are refused with the line.
printf 'process { name = "p", threads = "many-to-one", lwps = 3, main = function() end }\n' >"$TMP/m1.lua"
run 2 run "$TMP/m1.lua" && expect_err "m1.lua:1: process 'p': many-to-one has exactly one LWP"
printf 'process { name = "p", activations = true, main = function() end }\n' >"$TMP/sa.lua"
run 2 run "$TMP/sa.lua" && expect_err "sa.lua:1: process 'p': lwps, activations and user_quantum need"
printf 'machine { threads = "two-to-one" }\n' >"$TMP/bad.lua"
run 2 run "$TMP/bad.lua" && expect_err 'bad.lua:1: machine: threads = "two-to-one": expected'
finish
