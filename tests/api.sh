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

run 4 run $A/misuse_line.lua &&
	expect_err "^$A/misuse_line.lua:5: bad argument #1 to 'rpc.bind' \(string expected, got number\) \(process r" &&
	expect_err "^$A/misuse_line.lua:6: bad argument #1 to 'fs.read'" &&
	expect_err "^$A/misuse_line.lua:7: clock.sync: probes must be an integer from 1 to 1000"
checks=$((checks + 1))
grep -q '\(rpc\|fs\|clock\)\.lua:[0-9]' "$TMP/err" && fail "a report names a line of a built-in library"

run 0 run $A/ipc_options.lua &&
	expect_err "port: raised $A/ipc_options.lua:[0-9]+: port: unknown option 'qlim' \(options: qlimit\)$" &&
	expect_err "send: raised .*: send: unknown option 'aa' \(options: timeout, ool\)$" &&
	expect_err "call: raised .*: call: unknown option 'timout' \(options: timeout, ool\)$" &&
	expect_err "recv: raised .*: recv: unknown option '1' \(options: timeout\)$" &&
	expect_err "reply_recv: raised .*: reply_recv: unknown option 'time' \(options: timeout\)$" &&
	expect_err '1ms  p +\| recv, known option: nil, timeout$' &&
	expect_err 'port, known option: userdata$'

run 0 run $A/replyself.lua &&
	expect_err "reply\(m, m\): false tests/api/replyself.lua:8: reply: the value carries the reply right it answers through \(m.reply\)" &&
	expect_err 'reply with the data: true' && expect_err 'answer: 42 nil'

run 0 run $A/bytecode.lua &&
	expect_err "^top load binary: nil attempt to load a binary chunk \\(mode is 't'\\)" &&
	expect_err '^top load binary, mode b: nil$' && expect_err '^top load text: 2$' &&
	expect_err '^top load with env: 7$' && expect_err '^top load with env nil: false$' &&
	expect_err '^top loadfile binary: attempt to load a binary chunk' &&
	expect_err '^top dofile binary: attempt to load a binary chunk' &&
	expect_err '^top dofile text: from a file$' &&
	expect_err 'p +\| body load binary: nil attempt to load a binary chunk' &&
	expect_err 'p +\| body load text: ok'

# Capabilities: each way around a right fails (doc/scenario-api.md section 5, 17).
C=$A/capabilities.lua
run 4 run $C --stats json &&
	expect_err 'thief +\| send with the smuggled handle: nil, no right' &&
	expect_err 'call with it: nil, no right' && expect_err 'recv on it: nil, no right' &&
	expect_err 'register it: nil, no right' && expect_err 'it inside a message: nil, no right' &&
	expect_err "a table for a handle: raised [^ ]*capabilities.lua:[0-9]+: bad argument #1 to 'send' \\(ukern.port expected, got table\\)" &&
	expect_err "a number for a handle: raised [^ ]*capabilities.lua:[0-9]+: bad argument #1 to 'send' \\(ukern.port expected, got number\\)" &&
	expect_err 'client +\| recv on a send right: nil, no right' &&
	expect_err 'owner +\| first reply: true, nil' && expect_err 'second reply: nil, no right' &&
	expect_err 'reply through m.reply again: nil, no right' &&
	expect_err 'reply right put in a message: nil, no right' && expect_err 'client +\| call: one, nil' &&
	expect_err 'send to a dead port: nil, dead port' &&
	expect_err 'keeper has secret at 0x10007000' && expect_err 'owner +\| ool data: shared' &&
	expect_err 'prober.s own page at 0x10000000: "\\0\\0\\0\\0\\0\\0"' &&
	expect_err "^$C:[0-9]+: segmentation fault at 0x10007000 \(read of an unmapped address\) \(process prober" &&
	expect_out '"name": "prober", "pid": [0-9]+, "state": "exited", .*"faulted": true'
checks=$((checks + 1))
! grep -q 'not reached' "$TMP/err" || fail "a process read another's memory"

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
	expect_err "at-most-once of a maybe server: nil 'adder' keeps no reply history \\(it serves maybe semantics\\): at-most-once needs the server's rpc.serve\\(\\.\\.\\., \\{ semantics = \"at-most-once\" \\}\\)$" &&
	expect_err 'at-least-once of it: at-least-once$' &&
	expect_err 'serve a name another process registered: nil not owner$' &&
	expect_out '"binding": "adder", "method": "Add", "kind": "message", "calls": 5, "failed": 0, "retransmissions": 0, "executions": 5,' &&
	expect_out '"binding": "front", "method": "Twice", "kind": "message", "calls": 1,'

run 0 run $A/rpc_misuse.lua &&
	expect_err "call with a dot: $A/rpc_misuse.lua:17: bad argument #1 to 'call' \(rpc binding expected, got string: write binding:call\(method, \.\.\.\)\)$" &&
	expect_err "send with a dot: $A/rpc_misuse.lua:18: bad argument #1 to 'send' \(rpc binding expected, got string" &&
	expect_err "wait with a dot: $A/rpc_misuse.lua:20: bad argument #1 to 'wait' \(pending call expected, got nil: write pending:wait\(\[timeout\]\)\)$" &&
	expect_err "wait, a bad timeout: $A/rpc_misuse.lua:21: bad argument #1 to 'wait' \(invalid duration 'soon' \(write a number of ms" &&
	expect_err 'client +\| wait: 3$' && expect_err 'client +\| ref call: 7$' &&
	expect_err "ref call with a dot: $A/rpc_misuse.lua:24: bad argument #1 to 'call' \(remote reference expected, got string: write ref:call\(method, \.\.\.\)\)$" &&
	expect_err "bind, a bad timeout: $A/rpc_misuse.lua:26: rpc.bind: option 'timeout': invalid duration 'soon' \(write" &&
	expect_err "serve, a bad history: $A/rpc_misuse.lua:28: rpc.serve: option 'history': invalid duration 'table' \(write" &&
	expect_err "wait, too long: $A/rpc_misuse.lua:29: bad argument #1 to 'wait' \(duration '1e\+30' ms is too large" &&
	expect_err 'a handler raises a table: nil error object is a table value$' &&
	expect_err 'a method raises a table: nil error object is a table value$'

# A second pending:wait returns the same results, at once; the call counts once.
run 0 run $A/rpc_wait_twice.lua --stats json &&
	expect_err 'client +\| q first: 3,4 pair$' && expect_err 'p first: 3$' &&
	expect_err 'p again: 3$' && expect_err 'p again, with a timeout: 3$' &&
	expect_err 'q again: 3,4 pair, same table: true$' &&
	expect_err 'the second waits took 0 ns$' &&
	expect_err "f first: nil $A/rpc_wait_twice.lua:8: no funds$" &&
	expect_err "f again: nil $A/rpc_wait_twice.lua:8: no funds$" &&
	expect_err 's, 1ms: nil timeout$' && expect_err 's, then: 9$' && expect_err 's again: 9$' &&
	expect_out '"method": "Add", "kind": "message", "calls": 1, "failed": 0,' &&
	expect_out '"method": "Fail", "kind": "message", "calls": 1, "failed": 1,'

# ... and when it looks a restarted server up again
run 0 run $A/rpc_rebind_amo.lua &&
	expect_err 'cli +\| first: 1$' &&
	expect_err 'cli +\| after the restart: nil, dead port$' &&
	expect_err "cli +\\| a fresh bind: nil, 'calc' keeps no reply history \\(it serves maybe semantics\\)"


# 44 numbers converted, by each side: request 17 (header 6, the array and its
# 10 integers), reply 5; both sides little-endian: 2 x 22 x 1 us more.
run 0 run $A/byteorder.lua && expect_err 'sum 55 in 49412 ns'
run 0 run $A/byteorder.lua --set order=big && expect_err 'sum 55 in 5412 ns'

# rpc.encode: the examples of doc/rpc-wire.md, byte for byte, with their counts.
run 0 run $A/encode.lua &&
	expect_err 'top: 0800000002030000000a0300000014$' &&
	expect_err 'case 1: 0300000001 5 1 1$' && expect_err 'case 2: 03ffffffff 5 1 1$' &&
	expect_err 'case 3: 040000000080000000 9 1 1$' && expect_err 'case 4: 053ff0000000000000 9 1 1$' &&
	expect_err 'case 5: 060000000368c3a9 8 1 1$' && expect_err 'case 6: 0700000001ff 6 1 1$' &&
	expect_err 'case 7: 0900000000 5 1 1$' && expect_err 'case 8: 0800000002030000000a0300000014 15 3 3$' &&
	expect_err 'case 9: 090000000203000000010206000000026f700600000003616464 26 5 4$' &&
	expect_err 'three: 030000000106000000017800 3 2, 0 ns$' && expect_err 'none: \[\] 0 0$' &&
	expect_err 'function: tests/api/encode.lua:20: rpc.encode: cannot pass a value of type function$' &&
	expect_err 'cyclic: tests/api/encode.lua:23: rpc.encode: nested deeper than 32 \(is it cyclic\?\)$'

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
# Memory: mem.*, fork and wait, their errors; faults kill only their process.
M=tests/api/mem.lua
run 4 run $M --stats json &&
	expect_err 'alloc 0x10000000 0x10004000$' && expect_err 'read back "span"' &&
	expect_err 'never written: "\\0\\0\\0"' &&
	expect_err 'region 0x400000 16384 text "r"' && expect_err 'region 0x10004000 4096 heap "rw"' &&
	expect_err 'region 0x7fefffff0000 65536 stack "rw"' &&
	expect_err 'stat frames=3 shared=0 pages=24 zero=3 cow=0 copied=0 free=61' &&
	expect_err "alloc 0: $M:26: bad argument #1 to 'alloc' \(a size must be at least 1 byte, not 0\)" &&
	expect_err "alloc 1.5: $M:28: bad argument #1 to 'alloc' \(number has no integer" &&
	expect_err "alloc perm: $M:29: bad argument #2 to 'alloc' \(a permission is \"rw\", \"r\" or \"\"" &&
	expect_err "read address: $M:30: bad argument #1 to 'read' \(an address is an integer from 0\)" &&
	expect_err "read too much: $M:32: bad argument #2 to 'read' \(a length must be from 0 to 16777216 bytes" &&
	expect_err "free twice: $M:35: mem.free: no region made by mem.alloc, mem.share, mem.map or an out-of-line message starts at 0x10004000" &&
	expect_err "free the text: $M:37: mem.free: no region" &&
	expect_err "protect unaligned: $M:38: bad argument #1 to 'protect' \(the address must be page-aligned" &&
	expect_err "protect unmapped: $M:39: mem.protect: 0x10000000 \+ 16384 bytes is not all mapped" &&
	expect_err 'read-only read "sp"' && expect_err 'too big: nil, out of memory' &&
	expect_err "wait a number: $M:45: bad argument #1 to 'wait' \(ukern.process expected, got number\)" &&
	expect_err 'child process main.fork1 pid 9 name main.fork1' &&
	expect_err 'wait -> 42 false' && expect_err 'wait again -> nil no such child' &&
	expect_err "^$M:56: segmentation fault at 0x1000 \(write to an unmapped address\) \(process wild, thread wild, at 1ms\)" &&
	expect_err "^$M:60: segmentation fault at 0x400000 \(write to a read-only page\) \(process text" &&
	expect_err "^$M:64: segmentation fault at 0x10001000 \(read of an unmapped address\) \(process guard" &&
	expect_err "^$M:69: segmentation fault at 0x10000000 \(read of a page with no access\) \(process noaccess" &&
	expect_err "^$M:72: segmentation fault at 0x1000 .*\(process caught" &&
	expect_err "the others' faults did not stop me" &&
	expect_out '"name": "wild", "pid": 3, "state": "exited", .*"exit_code": 1, "daemon": false, "faulted": true, "frames": 0' &&
	expect_out '"name": "main.fork1", .*"exit_code": 42, .*"parent": "main", "frames": 0, "frames_peak": 3' &&
	expect_out '"vm": \{ "page_size": 4096, "frames": 64, "frames_used": 0, "frames_shared": 0, "frames_peak": 3, .*"forks": 1, .*"segfaults": 5, "out_of_memory": 0 \}'
checks=$((checks + 1))
grep -q 'not reached\|pcall returned' "$TMP/err" && fail "a segmentation fault was survived"
run 4 run tests/api/oom.lua --stats json &&
	expect_err '^tests/api/oom.lua:7: out of memory at 0x10008000: no free frame \(all 8 frames of the machine are in use\) \(process hog' &&
	expect_err '8 pages written; free frames: 0' &&
	expect_out '"frames_used": 0, .*"out_of_memory": 1 \}'
run 0 run tests/api/ool.lua --stats json &&
	expect_err 'put: 20 bytes inline, 12288 out of line at 0x10000000: "first"..."last!"' &&
	expect_err 'get: 20 bytes inline, 5 out of line at 0x10000000: "....."' &&
	expect_err 'server copied 2 page\(s\)' && expect_err 'client still has "first"' &&
	expect_err 'bad address: nil, bad address' &&
	expect_err "ool not a table: tests/api/ool.lua:37: send: option 'ool' must be \{ addr = address, len = bytes \}$" &&
	expect_err "ool len 0: tests/api/ool.lua:39: send: option 'ool' .* integer len from 1" &&
	expect_err "ool addr -1: tests/api/ool.lua:40: call: option 'ool' .* integer addr from 0" &&
	expect_err "ool unknown field: tests/api/ool.lua:41: send: option 'ool': unknown field 'x' \(known fields: addr, len\)$" &&
	expect_err "ool array part: tests/api/ool.lua:42: call: option 'ool': unknown field '1' \(known fields: addr, len\)$" &&
	expect_err 'plain: no ool' &&
	expect_out '"ool_messages": 2, "ool_pages": 4,' && expect_out '"frames_used": 0,'
run 0 run tests/api/now_limit.lua && expect_err 'after one: true' && expect_err 'after two: true'
run 0 run tests/api/ool_cost.lua &&
	expect_err 'no data: 349 ns, ok' && expect_err '4 pages: 549 ns, ok' &&
	expect_err 'past the end: 349 ns, bad address' && expect_err 'unmapped: 349 ns, bad address' &&
	expect_err '2\^63 - 1 bytes: 349 ns, bad address' && expect_err 'the stack: 399 ns, ok' &&
	expect_err 'fresh, the stack: 399 ns, ok' && expect_err 'fresh, unmapped: 349 ns, bad address'
run 0 run tests/api/forkmodel.lua --stats json &&
	expect_err '5ms  app.fork1 +\| child sees "parent"' && expect_err 'wait -> 3 at 5000000' &&
	expect_err 'other user thread ran at 6000000' &&
	expect_out '"name": "app.fork1", "pid": 3, "state": "exited", "model": "many-to-one", "lwps": 1,' &&
	expect_out '"name": "app.fork1/lwp0", "process": "app.fork1"'
# Exit codes are ints (doc/scenario-api.md sections 3, 4, 17): a whole number
# outside them, returned by a process's first thread or given to exit(), is an
# error at the scenario's line; any other value returned gives 0.
E=tests/api/exit_code.lua
R='out of range \(an integer from -2147483648 to 2147483647\), returned by the function defined here'
run 4 run $E --stats json &&
	expect_err 'parent +\| returns 7: 7 false$' && expect_err 'returns 2.0: 2 false$' &&
	expect_err 'returns -2147483648.0: -2147483648 false$' &&
	expect_err 'returns 2147483647.0: 2147483647 false$' &&
	expect_err 'returns x: 0 false$' && expect_err 'returns 2.5: 0 false$' &&
	expect_err "^$E:11: exit code 1099511627776.0 $R \(process parent.fork7," &&
	expect_err "^$E:11: exit code 9223372036854775807 $R \(process parent.fork8," &&
	expect_err "^$E:11: exit code 2147483648.0 $R \(process parent.fork9," &&
	expect_err "^$E:11: exit code 1e\+300 $R \(process parent.fork10," &&
	expect_err 'returns 1099511627776.0: 1 true$' && expect_err 'returns 9223372036854775807: 1 true$' &&
	expect_err 'returns 2147483648.0: 1 true$' && expect_err 'returns 1e\+300: 1 true$' &&
	expect_err 'a thread returns 2\^40 for join: 1099511627776.0$' &&
	expect_err 'exit\(-2\^31\): -2147483648 false$' &&
	expect_err "^$E:20: bad argument #1 to 'exit' \(exit code 1099511627776 out of range: an integer from -2147483648 to 2147483647\) \(process parent.fork12," &&
	expect_err 'exit\(2\^40\): 1 true$' &&
	expect_err "exit\(math.maxinteger\): bad argument #1 to 'exit' \(exit code 9223372036854775807 out of range" &&
	expect_err "^$E:25: exit code -9223372036854775808 $R \(process big," &&
	expect_err "^$E:26: exit code 4294967296.0 $R \(process m1," &&
	expect_out '"name": "big", "pid": [0-9]+, "state": "exited", .*"exit_code": 1, "daemon": false, "faulted": true' &&
	expect_out '"name": "m1", "pid": [0-9]+, "state": "exited", .*"exit_code": 1, "daemon": false, "faulted": true'
# Lightweight RPC: what travels on an A-stack, what a procedure may do (its
# memory is the server's), the errors returned and raised.
L=tests/api/lrpc.lua
run 0 run $L --stats json &&
	expect_err 'binding: lrpc binding 1 \(calc\)' && expect_err 'Add: 42$' &&
	expect_err 'Echo: 1.5 true nil s 1099511627776.0' && expect_err "Kept: server's own" &&
	expect_err "Fail: nil, $L:14: no funds" &&
	expect_err "Send: nil, $L:15: lookup: not available inside an LRPC procedure" &&
	expect_err 'Table: nil, lrpc: result 1 of calc.Table is a table' &&
	expect_err 'Big: nil, lrpc: the results of calc.Big take 20 bytes; its A-stacks hold 8$' &&
	expect_err 'regions: in the server 4, here 3' &&
	expect_err 'info: calc 4096 bytes, 40 A-stacks, Add,Big,Echo,Fail,Kept,Send,Table,Where' &&
	expect_err "unknown procedure: $L:47: lrpc: interface 'calc' has no procedure 'Mul'" &&
	expect_err "too big: $L:48: lrpc: the arguments of calc.Add take 12 bytes; its A-stacks hold 8" &&
	expect_err "a table: $L:49: lrpc: argument 1 of calc.Echo is a table" &&
	expect_err 'bind unknown: nil, unknown name' &&
	expect_err 'lrpc.bind of a message server: nil, not an LRPC interface' &&
	expect_err "rpc.bind of an interface: nil, 'calc' is an LRPC interface: bind it with lrpc.bind" &&
	expect_err "call\(\) on its port: 'calc' is an LRPC interface" &&
	expect_err "bind a number: $L:27: bad argument #1 to 'lrpc.bind' \(string expected, got number\)" &&
	expect_err "bind option: $L:27: lrpc.bind: unknown option 'timeout'" &&
	expect_err "another process's binding: nil, no right" &&
	expect_err "many-to-one: $L:27: lrpc.bind: not available in a many-to-one or many-to-many process" &&
	expect_err "no procedures: $L:27: lrpc.export: no procedures to export" &&
	expect_err "not a function: $L:27: lrpc.export: procedure 'P' must be a function or" &&
	expect_err "bad size: $L:27: lrpc.export: procedure 'P': args must be an integer from 0 to 65536, not -1" &&
	expect_err "bad field: $L:27: lrpc.export: procedure 'P': unknown field 'arg'" &&
	expect_err "bad option: $L:27: lrpc.export: unknown option 'stacks'" &&
	expect_err "astacks 0: $L:27: lrpc.export: astacks must be an integer from 1 to 64" &&
	expect_err 'name taken: nil, not owner' &&
	expect_out '"binding": "calc", "method": "Add", "kind": "lrpc", "calls": 2, "failed": 1, .*"copies": \{ "A": 1, "B": 0, "C": 0, "D": 0, "E": 0, "F": 1 \}' &&
	expect_out '"binding": "calc", "method": "Fail", "kind": "lrpc", "calls": 1, "failed": 1, .*"executions": 1,' &&
	expect_out '"lrpc": \{ "interfaces": 2, "bindings": 1, '
# The server's end revokes its bindings: a caller asleep or computing in its
# domain is thrown back at once; a restarted server is bound anew.
run 0 run tests/api/lrpc_crash.lua --stats json &&
	expect_err 'nap 10: nil, revoked at 5000000$' && expect_err 'again: nil, revoked$' &&
	expect_err 'spin 10: nil, revoked at 5000000$' && expect_err '14ms  sleeper +\| rebound: 1$' &&
	expect_err 'old binding: nil, revoked$' &&
	expect_out '"lrpc": \{ "interfaces": 2, "bindings": 3, "calls": 4, .*"revoked": 4,'
run 3 run tests/api/lrpc_crash.lua --set recursion=true &&
	expect_err 'deadlock at 1ms: a cycle of 1 thread' &&
	expect_err 'thread calc.1 \(process calc\) waits for a free A-stack of an LRPC binding, held by thread calc.1'
# Remote objects (§18b): by copy against by reference, references in RPC
# arguments, results, asynchronous calls and plain messages, a third
# process calling through one, the rule of ids, a client's object dying
# with it, misuse at the script's line; the trace names the objects.
run 0 run $A/objects.lua --stats json --trace "$TMP/objects.uktrace" &&
	expect_err 'client +\| by copy: server 2, mine 1$' &&
	expect_err 'ref: Counter#1 \(remote\) is_ref true id 1 class Counter$' &&
	expect_err 'add: 11 11$' &&
	expect_err 'pair: Counter#2 \(remote\)=1 Counter#3 \(remote\)=2$' &&
	expect_err 'third: n=16 ref=true fake-is-ref=false$' && expect_err 'after third: 16$' &&
	expect_err 'ref as argument: true 1016$' &&
	expect_err 'kept comes back: Counter#1 \(remote\) 1016$' &&
	expect_err 'async: Counter#1 \(remote\)$' &&
	expect_err 'forged id: no object #3 behind this reference \(it names Counter#2\)$' &&
	expect_err 'own id again: 1$' &&
	expect_err 'maker +\| local call: 8$' && expect_err 'from maker: Counter#1 \(remote\) 10$' &&
	expect_err 'after maker exit: dead port$' &&
	expect_err "no method: $A/objects.lua:70: rpc: Counter#1 has no method 'nope'" &&
	expect_err "bad class: $A/objects.lua:71: rpc.class: the name must be an identifier" &&
	expect_err "bad object: $A/objects.lua:72: rpc.object: the state must be a table" &&
	expect_err "foreign: $A/objects.lua:73: rpc: a Counter made by another process cannot travel" &&
	expect_out '"name": "maker", "pid": [0-9]+, "state": "exited", "model": "one-to-one", "exit_code": 0,' &&
	expect_out '"binding": "Counter", "method": "get", "kind": "message", "calls": 8, "failed": 2, "retransmissions": 0, "executions": 6,'
run 0 export "$TMP/objects.uktrace" --format text &&
	expect_out 'obj_export pid=[0-9]+\(srv\) port=[0-9]+\(Counter#1\) object=1 "Counter#1"' &&
	expect_out 'obj_call tid=[0-9]+\(srv\.[0-9]+\) pid=[0-9]+\(srv\) port=[0-9]+\(Counter#2\) object=3 method=2 ok=0 "Counter#3\.get"' &&
	expect_out 'msg_send .* port=[0-9]+\(Counter#1\) size='

run 0 run $A/objects_models.lua &&
	expect_err 'one-to-one  \| callback: one-to-one$' &&
	expect_err 'many-to-many\| callback: many-to-many$' &&
	expect_err "many-to-one \\| callback: $A/objects_models.lua:15: rpc: a K cannot be exported from a many-to-one process" &&
	expect_err 'many +\| 16 references: 16$' &&
	expect_err "17 references: $A/objects_models.lua:24: rpc: a message carries at most 16 ports \\(object references count one each\\)"

# References in plain messages, through marshal.c's hooks: export in the
# wire's key order, a reference as the whole message, an object in a reply,
# a foreign metatable left behind, misuse at the script's line.
run 0 run $A/objects_plain.lua &&
	expect_err 'box +\| ids: \[1\]=1 a=2 b=3 c\[1\]=4$' && expect_err 'values: 0 1 2 3$' &&
	expect_err 'whole: true K#5 \(remote\) 5$' &&
	expect_err 'cli +\| reply: K#1 \(remote\) 42 plain v=1 w=nil$' &&
	expect_err "stray: $A/objects_plain.lua:20: rpc: a K made by another process cannot travel" &&
	expect_err "function: $A/objects_plain.lua:21: cannot send a value of type function" &&
	expect_err 'bad: true$'

# Berkeley (§18c): the average computed exactly, the outlier left out of it
# but adjusted, every clock at the average; a busy participant answers.
run 0 run $A/berkeley.lua --trace "$TMP/berkeley.uktrace" --stats json &&
	expect_err 'checks +\| average: 750000 4$' &&
	expect_err 'average, even count: 13 3$' &&
	expect_err 'average, all out but the median: 5 1$' &&
	expect_err "bad outlier: $A/berkeley.lua:23: clock.average: outlier must be an integer" &&
	expect_err "bad offsets: $A/berkeley.lua:24: clock.average: offsets must be a non-empty" &&
	expect_err "bad option: $A/berkeley.lua:25: clock.berkeley: unknown option 'period'" &&
	expect_err 'join nobody: nil unknown name$' &&
	expect_err 'p1 +\| after the round: 750000$' && expect_err 'p2 +\| after the round: 750000$' &&
	expect_err 'p3 +\| after the round: 750000$' && expect_err 'p4 +\| after the round: 750000$' &&
	expect_err 'checks +\| master: 750000$' &&
	expect_out '"process": "p4", .*"berkeley_rounds": 1, "rounds": \[\{ "round": 1, "at_ns": 10000000, "error_ns": 750000 \}\]'
run 0 export "$TMP/berkeley.uktrace" --format text &&
	expect_out 'clock_round pid=[0-9]+\(timed\) round=1 polled=5 answered=5 used=4 back=0' &&
	expect_out 'clock_adjust pid=[0-9]+\(p1\) round=1 adjust_ns=3250000 back=1 error_ns=750000 behind=0' &&
	expect_out 'clock_adjust pid=[0-9]+\(p2\) round=1 adjust_ns=2750000 back=0 ' &&
	expect_out 'clock_adjust pid=[0-9]+\(p4\) round=1 adjust_ns=49250000 back=1 error_ns=750000' &&
	expect_out 'clock_adjust pid=[0-9]+\(timed\) round=1 adjust_ns=750000 back=0'
run 0 run $A/berkeley_dead.lua --trace "$TMP/bdead.uktrace" &&
	expect_err 'long +\| long: 666666$'
run 0 export "$TMP/bdead.uktrace" --format text &&
	expect_out 'clock_round pid=[0-9]+\(timed\) round=1 polled=3 answered=3 used=3 back=0' &&
	expect_out 'clock_round pid=[0-9]+\(timed\) round=2 polled=3 answered=2 used=2 back=0' &&
	expect_out 'clock_round pid=[0-9]+\(timed\) round=3 polled=2 answered=2 used=2 back=0'
run 0 run $A/berkeley_busy.lua --stats json &&
	expect_out '"process": "busy", .*"berkeley_rounds": 3,' &&
	expect_out '"name": "busy", "pid": [0-9]+, "state": "exited",' &&
	expect_err 'busy: -?[0-9] ns from true time$'
# Rounds before any clock joined: the master says so once, at the first.
run 0 run $A/berkeley_early.lua --trace "$TMP/bearly.uktrace" &&
	expect_err "^ +1ms  timed.1 +\| clock.berkeley: round 1: no clock has joined yet, so the round averages the master's own clock alone \(the rounds start 1.000 ms apart from the call; join the participants before the first round, or give a longer every\)$" &&
	expect_err 'p1 +\| after the rounds: 0$' && expect_err 'p2 +\| after the rounds: 0$'
checks=$((checks + 1))
[ "$(grep -c 'no clock has joined yet' "$TMP/err")" -eq 1 ] || fail "berkeley_early: the warning is not said exactly once"
run 0 export "$TMP/bearly.uktrace" --format text &&
	expect_out 'clock_round pid=[0-9]+\(timed\) round=2 polled=1 answered=1 used=1 back=0' &&
	expect_out 'clock_round pid=[0-9]+\(timed\) round=3 polled=3 answered=3 used=3 back=0' &&
	expect_out 'clock_round pid=[0-9]+\(timed\) round=6 polled=1 answered=1 used=1 back=0'
# Participants that joined before the first round, or that have all ended: no warning.
for f in berkeley berkeley_dead berkeley_busy; do
	run 0 run $A/$f.lua
	checks=$((checks + 1))
	grep -q 'no clock has joined' "$TMP/err" && fail "$f.lua: a warning with the clocks joined"
done

# What recv returns: a plain table, the kernel's fields replacing the
# sender's; what is not a port handle, even a userdata of a handle's size.
run 0 run $A/message.lua &&
	expect_err 'srv +\| call: n=1 reply=userdata sender=cli sender_pid=3 sender_thread=cli size=76 text=hi$' &&
	expect_err 'srv +\| plain: nil table$' && expect_err 'srv +\| reply handle: true$' &&
	expect_err 'srv +\| send: sender=cli sender_pid=3 sender_thread=cli.1 size=20 text=x$' &&
	expect_err "no reply: $A/message.lua:29: reply: this message was sent with send\(\), not call\(\)" &&
	expect_err 'srv +\| answered: true$' && expect_err 'cli +\| reply: n=2$' &&
	expect_err "stdout: $A/message.lua:41: bad argument #1 to 'send' \(ukern.port expected, got FILE\*\)" &&
	expect_err "inside: $A/message.lua:42: cannot send a value of type userdata in a message"
# reply_recv: a reply and the next receive in one system call; one trap
# (100 ns) less per request than reply then recv, the same answers.
R=$A/reply_recv.lua
run 0 run $R &&
	expect_err 'c1 +\| plain: sum 9 in 14892 ns$' && expect_err 'c2 +\| combined: sum 9 in 14592 ns$' &&
	expect_err 'srv +\| next: n=2 sender=cli reply=userdata$' &&
	expect_err 'srv +\| their port: nil, no right$' && expect_err 'srv +\| no receive right: nil, no right$' &&
	expect_err "raised: false $R:[0-9]+: reply_recv: the value carries the reply right it answers through \(m.reply\): reply with the data, as in reply_recv\(m, \{ n = m.n \}, p\), not with m itself \| false $R:[0-9]+: bad argument #3 to 'reply_recv' \(ukern.port expected, got string\) \| false $R:[0-9]+: option 'timeout': invalid duration 'soon'$" &&
	expect_err "srv +\| no request: $R:[0-9]+: bad argument #1 to 'reply_recv' \(the request to answer expected, got nil: receive the first one with recv\(p\)\)$" &&
	expect_err 'cli +\| call 1: 10$' && expect_err 'cli +\| call 2: 20$' &&
	expect_err 'srv +\| nothing within the timeout: nil, timeout after 3002349 ns$' &&
	expect_err 'srv +\| answered twice: nil, no right after 349 ns$' &&
	expect_err 'srv +\| a send: n=3 reply=nil$' &&
	expect_err "srv +\| raised: false $R:[0-9]+: reply_recv: this message was sent with send\(\), not call\(\): there is nothing to reply to$" &&
	expect_err 'cli +\| late: timeout$' && expect_err 'srv +\| after a dropped reply: n=5$' &&
	expect_err 'cli +\| call 5: 50$' && expect_err 'srv +\| on another port: nil, timeout$' &&
	expect_err 'cm +\| many-to-one: -7 -8$'
# result(name, value) (doc/scenario-api.md section 10a): the top level and
# bodies record, the last value wins, the order is that of first record;
# each mistake is an error at its line; a bad one in a body kills the
# process (status 4) and keeps what was recorded; at the top level, status 2.
R=$A/results.lua
run 0 run $R --stats json &&
	expect_out '^  "results": \{ "declared": 16, "zeta": 2, "alpha": 4, "ratio": 0.25, "whole": 2.0, "big": 9223372036854775807, "tiny": -1.5e-09, "in_coroutine": 5, "from_thread": 1000000, "y{63}": 7 \},$' &&
	expect_err "p +\| $R:22: result: invalid name '9lives': it does not start with a letter \(a name is 1 to 63 letters, digits, '_', '.' or '-', starting with a letter\)$" &&
	expect_err "p +\| $R:23: result: invalid name 'has space': it holds a character other than a letter, a digit" &&
	expect_err "p +\| $R:24: result: invalid name '': it is empty" &&
	expect_err "p +\| $R:25: result: invalid name 'x{64}': it is longer than 63 characters" &&
	expect_err "p +\| $R:26: result: the name must be a string of 1 to 63 letters, .*, not a number \(42\)$" &&
	expect_err "p +\| $R:27: result 'nan': the value must be a finite number, not nan$" &&
	expect_err "p +\| $R:28: result 'inf': the value must be a finite number, not -inf$" &&
	expect_err "p +\| $R:29: result 'text': the value must be a number, not a string \(\"12\"\)$" &&
	expect_err "p +\| $R:30: result 'none': the value must be a number, not nil$" &&
	expect_err "p +\| $R:31: result 'flag': the value must be a number, not a boolean \(true\)$" &&
	expect_err "p +\| $R:33: result: invalid name 'z{80}\.\.\. \(100000 bytes\)': it is longer than 63 characters \(a name is" &&
	expect_err "p +\| $R:34: result: invalid name 'two\?lines': it holds a character other than" &&
	expect_err 'p +\| accepted$'
checks=$((checks + 1))
[ "$(grep -c '"results"' "$TMP/out")" -eq 1 ] || fail "results: not one \"results\" key"
run 4 run $A/results_body.lua --stats json &&
	expect_err "^$A/results_body.lua:8: result 'lost': the value must be a finite number, not inf \(process bad, thread bad, at 1ms\)$" &&
	expect_out '^  "results": \{ "kept": 2 \},$'
run 2 run $A/results_top.lua &&
	expect_err "^$A/results_top.lua:5: result: invalid name 'no good': it holds a character other than"
checks=$((checks + 1))
[ -s "$TMP/out" ] && fail "results_top: a scenario that does not load wrote statistics"
finish
