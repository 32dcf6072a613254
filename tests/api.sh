#!/bin/sh
# api.sh - the scenario API behaves as documented in doc/scenario-api.md:
# threads and join, exit, timeouts, dead ports, naming errors, scheduling.
. "${top_srcdir:-.}/tests/lib.sh"
A=tests/api

run 0 run $A/threads.lua --stats json &&
	expect_err '10ms  main +\| joined a -> 42 at 10000000' &&
	expect_err 'joined b -> done' && expect_err 'join twice: no such thread' &&
	expect_err 'thread handle: thread main.1' &&
	expect_out '"name": "main", "pid": 2, "state": "exited", "model": "one-to-one", "exit_code": 7,' &&
	expect_out '"name": "quitter", "pid": 3, "state": "exited", "model": "one-to-one", "exit_code": 3,' &&
	expect_out '"name": "quitter.1", "process": "quitter", .*"finish_ns": 5000000,'

run 0 run $A/timeouts.lua &&
	expect_err '6ms  cli +\| first call: nil timeout at 6000000' &&
	expect_err 'second call: n=2 late=nil at 51000000' &&
	expect_err 'recv: nil timeout at 53000000'

run 0 run $A/deadport.lua --stats json &&
	expect_err 'call while the server dies: nil, dead port' &&
	expect_err 'send after it died: nil, dead port' &&
	expect_err 'lookup of an unknown name: nil, unknown name' &&
	expect_err 'register a name someone else owns: nil, not owner'

run 0 run $A/bytecode.lua &&
	expect_err "^top load binary: nil attempt to load a binary chunk \\(mode is 't'\\)" &&
	expect_err '^top load binary, mode b: nil$' && expect_err '^top load text: 2$' &&
	expect_err '^top load with env: 7$' && expect_err '^top load with env nil: false$' &&
	expect_err '^top loadfile binary: attempt to load a binary chunk' &&
	expect_err '^top dofile binary: attempt to load a binary chunk' &&
	expect_err '^top dofile text: from a file$' &&
	expect_err 'p +\| body load binary: nil attempt to load a binary chunk' &&
	expect_err 'p +\| body load text: ok'

run 0 run $A/names.lua &&
	expect_err 'srv +\| names: alpha,echo' &&
	expect_err 'unreg by other: nil not owner' &&
	expect_err 'lookup: port\(2 of pid 3\)' &&
	expect_err 'after death: nil unknown name' &&
	expect_err 'other +\| names: $' &&
	expect_err 'take over: true' && expect_err 'unreg own: true' &&
	expect_err 'unreg again: nil unknown name'

run 0 run $A/rpc.lua --stats json &&
	expect_err 'client +\| Add: 42$' && expect_err 'Add past int32: 2147483648 integer' &&
	expect_err 'Echo: 3 nil two 0' && expect_err 'Echo tables: 1,2,3 1.5 n' &&
	expect_err 'Fail: nil tests/api/rpc.lua:8: no funds' && expect_err 'async: 4 2' &&
	expect_err 'nested: 42' && expect_err 'bind unknown: nil unknown name' &&
	expect_err "unknown method: tests/api/rpc.lua:30: rpc: service 'adder' has no method 'Mul'" &&
	expect_err 'bad arg: tests/api/rpc.lua:31: rpc: cannot pass a value of type function' &&
	expect_err "bad option: tests/api/rpc.lua:32: rpc.bind: unknown option 'retry'" &&
	expect_err "bad semantics: tests/api/rpc.lua:33: rpc.bind: semantics must be one of" &&
	expect_out '"binding": "adder", "method": "Add", "kind": "message", "calls": 5, "failed": 0, "retransmissions": 0, "executions": 5,' &&
	expect_out '"binding": "front", "method": "Twice", "kind": "message", "calls": 1,'

# 44 numbers converted, by each side: request 17 (header 6, the array and its
# 10 integers), reply 5; both sides little-endian: 2 x 22 x 1 us more.
run 0 run $A/byteorder.lua && expect_err 'sum 55 in 49412 ns'
run 0 run $A/byteorder.lua --set order=big && expect_err 'sum 55 in 5412 ns'

run 0 run $A/sched.lua --stats csv --quiet &&
	expect_out '^A,A,exited,0,0,50000000,30000000,0,50000000,20000000,' &&
	expect_out '^B,B,exited,0,10000000,40000000,20000000,10000000,40000000,20000000,'
run 0 run $A/sched.lua --set sched=fifo --stats csv --quiet &&
	expect_out '^A,A,exited,0,0,30000000,30000000,0,30000000,0,' &&
	expect_out '^B,B,exited,0,30000000,50000000,20000000,30000000,50000000,30000000,'
run 0 run $A/cpus.lua --stats csv --quiet &&
	expect_out '^A,A,exited,0,0,30000000,' && expect_out '^B,B,exited,0,0,20000000,' &&
	expect_out '^C,C,exited,0,20000000,30000000,'
run 0 run $A/params.lua --set label=hello --stats json &&
	expect_out '"params": \{ "flag": true, "label": "hello", "n": 3 \}' &&
	expect_err 'flag=true label=hello n=3 random=' && cp "$TMP/err" "$TMP/params1"
run 0 run $A/params.lua --set label=hello && checks=$((checks + 1)) &&
	{ cmp -s "$TMP/err" "$TMP/params1" || fail "math.random differs between two runs"; }
run 0 run $A/params.lua --set flag=false --set n=5 --stats json &&
	expect_out '"params": \{ "flag": false, "label": "42", "n": 5 \}'
run 0 run $A/params.lua --seed 9 && checks=$((checks + 1)) &&
	{ cmp -s "$TMP/err" "$TMP/params1" && fail "another seed gave the same random numbers"; }

run 0 run $A/tinyquantum.lua --stats csv --quiet --max-events 100000 &&
	expect_out '^A,A,exited,' && expect_out '^B,B,exited,'
# Injected faults: delays add up, scope a process, and fail calls whose
# port dies while their request is in flight.
run 0 run $A/delay.lua --stats json &&
	expect_err '3ms  echo +\| echo got a from fast at 3000000' &&
	expect_err 'fast: doomed: nil, dead port at 4000000' &&
	expect_err 'echo got b from fast at 6000000' && expect_err 'fast: the call returned b at 8000000' &&
	expect_err 'fast: doomed again: nil, dead port at 8000000' &&
	expect_err 'slow has the port at 11000000' && expect_err 'echo got c from slow at 18000000' &&
	expect_out '"dropped": 2, "duplicated": 0, "delayed": 7 \}'
# Crashes and restarts: dead port, names removed, the new incarnation
# registers again, an at-least-once client survives two crashes, the
# backoff doubles, and the stats say who crashed.
run 0 run $A/crash.lua --stats json &&
	expect_err '1ms  kernel +\| crash of ghost \(fault at tests/api/crash.lua:[0-9]+\): no live process serves that name now; nothing crashes' &&
	expect_err 'call during the crash: nil, dead port at 10500000' &&
	expect_err 'send after it: nil, dead port' && expect_err 'lookup at 11000000: nil, unknown name' &&
	expect_err '13ms  rs +\| restarted echo as echo#2 \(pid [0-9]+\), 2.5ms after its crash' &&
	expect_err '13ms  echo#2 +\| serving' &&
	expect_err 'the new incarnation answers: 3; names: calc,echo' &&
	expect_err 'calc#2 \(pid [0-9]+\) crashed at 30ms, crash 2: restart after 8ms, at the first check from 38ms' &&
	expect_err '38ms  rs +\| restarted calc#2 as calc#3' &&
	expect_err '12 of 12 calls succeeded' && expect_err '3ms  m1#2.1 +\| helper runs' &&
	expect_out '"name": "echo", "pid": 2, "state": "crashed", "model": "one-to-one", "exit_code": null, "daemon": true, "faulted": false, "incarnation": 1 \}' &&
	expect_out '"name": "echo#2", "pid": [0-9]+, "state": "live", .*"incarnation": 2 \}' &&
	expect_out '"name": "worker", "pid": 6, "state": "crashed", .*"daemon": false' &&
	expect_out '"name": "calc#2.1", "process": "calc#2",' &&
	expect_out '"binding": "calc", "method": "Add", "kind": "message", "calls": 12, "failed": 0,'
# The same run, twice: byte-identical trace and stats.
run 0 run $A/crash.lua --trace "$TMP/crash1.uktrace" --stats json --quiet && cp "$TMP/out" "$TMP/crash1.json"
run 0 run $A/crash.lua --trace "$TMP/crash2.uktrace" --stats json --quiet && checks=$((checks + 2)) &&
	{ cmp -s "$TMP/crash1.uktrace" "$TMP/crash2.uktrace" || fail "crash.lua: traces differ"; } &&
	{ cmp -s "$TMP/crash1.json" "$TMP/out" || fail "crash.lua: stats differ"; }
finish
