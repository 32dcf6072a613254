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
finish
