#!/bin/sh
# badinput.sh - what a student gets wrong gets a clear message naming the
# file and line, the documented exit code, and nothing already written is
# lost. Exit codes: 2 bad input, 3 deadlock, 4 script error, 1 host failure.
. "${top_srcdir:-.}/tests/lib.sh"
B=tests/bad

run 2 run no/such/scenario.lua && expect_err '^no/such/scenario.lua: cannot open scenario: No such file'
run 2 run $B/syntax.lua && expect_err "^$B/syntax.lua:3: "
run 4 run $B/runtime.lua --stats json &&
	expect_err "^$B/runtime.lua:5: attempt to index a nil value .*\(process buggy, thread buggy, at 1.0021ms\)" &&
	expect_out '"name": "buggy", "pid": 2, "state": "exited", "model": "one-to-one", "exit_code": 1, "daemon": false, "faulted": true' &&
	expect_err 'fine +\| still running'
run 4 run $B/duration.lua && expect_err "^$B/duration.lua:4: bad argument #1 to 'compute' \(invalid duration '10xs'"
printf 'process { "p", main = function() compute(-1) end }\n' >"$TMP/neg.lua"
run 4 run "$TMP/neg.lua" && expect_err "neg.lua:1: bad argument #1 to 'compute' \\(invalid duration '-1' "
# A number of ms past 2^64 ns is too large, not malformed.
printf 'process { "p", main = function() sleep(1e30) end }\n' >"$TMP/big.lua"
run 4 run "$TMP/big.lua" && expect_err "big.lua:1: bad argument #1 to 'sleep' \\(duration '1e\\+30' ms is too large \\(a duration is under 2\\^64 ns, about 584 years\\)\\)"
run 2 run $B/decl_duration.lua && expect_err "^$B/decl_duration.lua:2: process: 'start' must be a duration"
run 2 run $B/decl_type.lua && expect_err "^$B/decl_type.lua:2: machine: 'cpus' must be an integer"
run 2 run $B/decl_field.lua && expect_err "^$B/decl_field.lua:2: machine: unknown field 'cpu' \(known fields: cpus"
run 2 run $B/toplevel.lua && expect_err "^$B/toplevel.lua:2: compute\(\) can only be called inside a thread body"
run 4 run $B/sortyield.lua && expect_err "^$B/sortyield.lua:5: yield\(\) cannot be called here"
# An error at the top level without a position, or not a string, still names the line.
printf -- '-- top\nerror({})\n' >"$TMP/errtab.lua"
run 2 run "$TMP/errtab.lua" && expect_err "errtab.lua:2: error object is a table value"
printf -- '-- top\ncoroutine.yield()\n' >"$TMP/topyield.lua"
run 2 run "$TMP/topyield.lua" && expect_err "topyield.lua:2: attempt to yield from outside a coroutine"

# Misuse found inside ukern's own Lua (clock.lua, rpc.lua) is the script's,
# named once at its line (not behind clock.lua's own line).
printf -- '-- top\nlocal t = clock.now()\n' >"$TMP/ctop.lua"
run 2 run "$TMP/ctop.lua" &&
	expect_err "^[^ ]*ctop.lua:2: clock.now\(\) can only be called inside a thread body"
printf 'process { "p", main = function()\n  clock.get(5)\nend }\n' >"$TMP/cbody.lua"
run 4 run "$TMP/cbody.lua" &&
	expect_err "^[^ ]*cbody.lua:2: clock.get: options must be a table, not number \\(process p"
printf -- '-- top\nrpc.bind("calc")\n' >"$TMP/rtop.lua"
run 2 run "$TMP/rtop.lua" && expect_err "^[^ ]*rtop.lua:2: .*can only be called inside a thread body"

run 4 run $B/decl_in_body.lua && expect_err "^$B/decl_in_body.lua:4: process\(\) declares the machine and can only be used at the top level"
run 4 run $B/logformat.lua && expect_err "^$B/logformat.lua:4: log: bad argument #2 to 'string.format'" &&
	expect_err "^$B/logformat.lua:7: bad argument #1 to 'log' \(value expected\)"

# An error without a position or a string message still names the line.
printf 'process { "p", main = function()\n  compute(1)\n  error({})\nend }\n' >"$TMP/etab.lua"
run 4 run "$TMP/etab.lua" && expect_err "etab.lua:3: error object is a table value \\(process p, thread p, at "
printf 'process { "p", main = function()\n  compute(1)\n  error("plain", 0)\nend }\n' >"$TMP/epos.lua"
run 4 run "$TMP/epos.lua" && expect_err "epos.lua:3: plain \\(process p"
# A loop with no system call in it is stopped, not left to hang the run.
run 4 run $B/spin.lua --stats json &&
	expect_err "^$B/spin.lua:8: 100 million Lua instructions without a system call: an endless loop\\? .*\\(process spinner, thread spinner, at 2.2us\\)" &&
	expect_out '"name": "spinner", "pid": 2, "state": "exited", .*"faulted": true'
printf 'local n = 0\nwhile n >= 0 do n = n + 1 end\n' >"$TMP/top.lua"
run 2 run "$TMP/top.lua" && expect_err "top.lua:2: 100 million Lua instructions without a system call"

# Deadlock: exit 3, the report names the cycle.
run 3 run $B/deadlock.lua --stats json &&
	expect_err 'deadlock at 1ms: a cycle of 2 threads' &&
	expect_err 'thread alpha \(process alpha\) waits for a reply to its call on port [0-9]+ "beta" from process beta' &&
	expect_err 'thread beta \(process beta\) waits for a reply to its call on port [0-9]+ "alpha" from process alpha' &&
	expect_out '"outcome": "deadlock"' && expect_out '"cycle": \[ "(alpha|beta)", "(alpha|beta)" \]'
run 3 run $B/deadlock.lua --set ticker=true && expect_err 'deadlock at 1ms: a cycle of 2 threads'
run 3 run $B/lonely.lua && expect_err 'no thread can run and nothing is pending' &&
	expect_err 'thread waiter \(process waiter\) waits for a message on port [0-9]+ that no one sends'

# Capabilities: a handle that reached a process outside the kernel gives no right.
run 0 run $B/capability.lua &&
	expect_err 'send with a smuggled handle: nil, no right' &&
	expect_err 'recv with a smuggled handle: nil, no right'

# fault { }: every mistake is named at its line (exit 2).
badfault() {
	printf '%s\n' "$1" >"$TMP/fault.lua"
	run 2 run "$TMP/fault.lua" && expect_err "^$TMP/fault.lua:$2: $3"
}
badfault 'fault { name = "x", dorp = 0.1 }' 1 "fault: unknown field 'dorp' \(known fields: name, process, drop"
badfault 'fault { at = -1, crash = "x" }' 1 "fault: 'at' must be a duration .*not '-1'"
badfault 'fault { delay = "-1ms" }' 1 "fault: 'delay' must be a duration .*not '-1ms'"
badfault 'fault { name = "x", jitter = "1xs" }' 1 "fault: 'jitter' must be a duration"
badfault 'fault { restart_after = "1ms" }' 1 "fault: 'restart_after' needs crash = \(the service or process to crash\) and at = \(when\)"
badfault 'fault { crash = "x" }' 1 'fault: crash = "x" needs at = \(when it crashes\)'
badfault 'fault { crash = "x", at = 1, drop = 0.1 }' 1 "fault: 'drop' belongs to a message fault"
badfault 'fault { name = "x" }' 1 'fault: nothing to inject'
badfault 'fault { drop = 2 }' 1 "fault: 'drop' must be a probability from 0 to 1"
badfault 'fault { crash = 42, at = 1 }' 1 "fault: 'crash' must be a service name"
badfault 'fault { process = {}, delay = 1 }' 1 "fault: 'process' must be a process handle"
badfault 'fault { process = 42, delay = 1 }' 1 "fault: 'process' must be a process handle"
badfault 'fault { crash = { name = 42 }, at = 1 }' 1 "fault: 'crash' must be a service name"
badfault 'fault { name = 42, delay = 1 }' 1 "fault: 'name' must be a string, not a number"
badfault 'fault { "calc", delay = 1 }' 1 "fault: unknown field '1'"
badfault 'local p = process { "p", main = function() end }
fault { name = "x", process = p, delay = 1 }' 2 "fault: give 'name' \(a service\) or 'process', not both"
badfault 'fault { process = "ghost", delay = 1 }' 1 "fault: process = 'ghost', but no process of that name is declared"
badfault 'fault { crash = { name = "ghost" }, at = 1 }' 1 "fault: crash = a handle of 'ghost', but no process"
badfault 'fault { crash = "x", at = 1, count = 3 }' 1 "fault: 'count' needs every ="
badfault 'fault { crash = "x", at = 1, every = 0 }' 1 "fault: 'every' must be above 0"
badfault 'fault { crash = "x", at = 1, every = 1, count = 0 }' 1 "fault: 'count' must be an integer from 1 to 1000000"
badfault 'fault { crash = "x", at = 1, check = "1ms" }' 1 "fault: 'check' needs restart_after ="
badfault 'fault { crash = "x", at = 1, restart_after = 1, check = 0 }' 1 "fault: 'check' must be above 0"
badfault 'fault { crash = "x", at = 1, restart_after = "2ms", backoff_max = "1ms" }' 1 "fault: 'backoff_max' must be at least restart_after"
badfault 'fault { crash = "x", at = 1, restart_after = 1, check = 1 }
fault { crash = "y", at = 1, restart_after = 1, check = 2 }' 2 "fault: its check differs from the one of the fault at .*fault.lua:1"
badfault 'fault { crash = "name", at = 1 }' 1 'fault: the name server cannot be crashed'
badfault 'job { "A", run = 10 }
fault { crash = "A", at = 1, restart_after = 1 }' 2 "fault: job 'A' cannot be restarted"
badfault 'fault { crash = "x", at = 1, restart_after = 1 }
process { "rs", main = function() end }' 2 "process 'rs': a fault restarts a program, and the reincarnation server"
badfault 'machine { sched = "process-run" }
job { "A", program = "c1" }
fault { name = "x", drop = 0.5 }' 3 'fault: a process-run machine has no messages or servers'
badfault 'process { "a#2", main = function() end }' 1 "process: 'name' must be a string of 1 to 63 characters without spaces, commas, quotes or '#'"
# Memory: the machine's frames and page size are checked at load; memory
# calls belong to thread bodies.
printf 'machine { page_size = 1000 }\n' >"$TMP/ps.lua"
run 2 run "$TMP/ps.lua" && expect_err "ps.lua:1: machine: 'page_size' must be a power of two from 64 to 1048576, not 1000"
printf 'machine { page_size = 32 }\n' >"$TMP/ps2.lua"
run 2 run "$TMP/ps2.lua" && expect_err "ps2.lua:1: machine: 'page_size' must be an integer from 64 to 1048576, not '32'"
printf 'machine { frames = 0 }\n' >"$TMP/fr.lua"
run 2 run "$TMP/fr.lua" && expect_err "fr.lua:1: machine: 'frames' must be an integer from 1 to 16777216, not '0'"
printf -- '-- top\nlocal a = mem.alloc(10)\n' >"$TMP/topmem.lua"
run 2 run "$TMP/topmem.lua" && expect_err "topmem.lua:2: mem.alloc\\(\\) can only be called inside a thread body"

# Command-line mistakes.
run 2 run scenarios/hello.lua --bogus && expect_err "unknown option '--bogus'"
run 2 run && expect_err 'no scenario given'
run 2 run scenarios/hello.lua --until 10xs && expect_err '--until 10xs: invalid duration'
run 2 run scenarios/hello.lua --stats yaml && expect_err '--stats yaml: expected text, json or csv'
run 2 run scenarios/hello.lua --seed -3 && expect_err '--seed -3: expected a non-negative integer'
run 2 run scenarios/hello.lua --seed && expect_err '--seed needs a value'
run 2 run scenarios/pingpong.lua --set m=3 && expect_err "declares no parameter 'm' \(it declares: n costs loop\)"
run 2 run scenarios/pingpong.lua --set n=many && expect_err "parameter 'n' takes a number"
run 2 run scenarios/pingpong.lua --set n=1,2 && expect_err "takes a number \(a list of values is for ukern sweep"
run 2 run $B/deadlock.lua --set ticker=true,false &&
	expect_err "parameter 'ticker' takes true or false \(a list of values is for ukern sweep"
run 2 run scenarios/pingpong.lua --set n=1e400 && expect_err "parameter 'n' takes a finite number, and 1e400 is beyond"
run 2 run scenarios/pingpong.lua --set n && expect_err '^ukern: --set n: expected NAME=VALUE'
run 2 run scenarios/pingpong.lua --set n=1 --set n=2 && expect_err '^ukern: --set n given twice'
run 0 run --help && expect_out '^usage: ukern run SCENARIO ' && expect_out '--max-events N'
run 2 frobnicate && expect_err "unknown command 'frobnicate'"
run 0 --version && expect_out '^ukern [0-9]+\.[0-9]+'
run 0 --help && expect_out '^usage: ukern run SCENARIO '
# What a scenario writes to stdout (io.write), at the top level or in a
# body, goes to stderr: stdout carries the statistics only.
printf 'io.write("top level\\n")\nprocess { "p", main = function() io.write("body\\n") end }\n' >"$TMP/write.lua"
run 0 run "$TMP/write.lua" --stats json && expect_err '^top level$' && expect_err '^body$' &&
	expect_out '^\{$'
checks=$((checks + 1))
[ "$(head -c 1 "$TMP/out")" = "{" ] || fail "io.write landed on stdout: $(head -2 "$TMP/out")"
# The other commands' --help (or -h, anywhere after the command): their
# lines of the usage summary, on stdout, exit 0; nothing is read or run.
run 0 render --help && expect_out '^usage: ukern render TRACE -o OUT.png' && expect_out '--first-row N'
run 0 export no/such.trace -h && expect_out '^usage: ukern export TRACE'
run 0 view --help && expect_out '^usage: ukern view TRACE'
run 0 bench --help && expect_out '^usage: ukern bench \[--json\]'
run 0 list -h && expect_out '^usage: ukern list$'

# Limits end the run cleanly.
run 0 run scenarios/pingpong.lua --until 100us --stats json --quiet && expect_out '"outcome": "limit"' &&
	expect_out '"end_ns": 100000,'
run 0 run scenarios/pingpong.lua --max-events 50 --stats json --quiet && expect_out '"outcome": "limit"'
# It counts the events it handled, not the one it stopped before.
run 0 run scenarios/pingpong.lua --max-events 50 --stats text --quiet && expect_out '  \(50 events\)$'
# Thousands of processes: the JSON statistics come out in linear time, not cubic.
printf 'for i = 1, 3000 do process { "p" .. i, main = function() compute(1) end } end\n' >"$TMP/many.lua"
run 0 run "$TMP/many.lua" --until 1ms --stats json --quiet && expect_out '"name": "p3000"'
# Durations that overflow virtual time saturate: no hang, no wake-up in the past.
printf 'machine { sched = "fifo" }\nprocess { "p", main = function() compute(1); compute("18446744073709551615ns") end }\n' >"$TMP/long.lua"
run 0 run "$TMP/long.lua" --until 1s --stats json --quiet && expect_out '"end_ns": 1000000000,'
run 0 run "$TMP/long.lua" --stats json --quiet && expect_out '"outcome": "limit"'
printf 'process { "p", main = function() compute(1); sleep("18446744073709551614ns"); log("woke") end }\n' >"$TMP/nap.lua"
run 0 run "$TMP/nap.lua" --until 1s && expect_out 'limit at 1s'
checks=$((checks + 1))
! grep -q woke "$TMP/err" || fail "a sleep too long for virtual time woke up early"

# Nothing already written is lost: a failed run leaves an old trace alone,
# and an unwritable trace path is a host error (1) with a message.
echo "precious" >"$TMP/old.uktrace"
run 2 run $B/syntax.lua --trace "$TMP/old.uktrace"
checks=$((checks + 1))
[ "$(cat "$TMP/old.uktrace")" = precious ] || fail "a failed run overwrote the trace"
run 1 run scenarios/hello.lua --trace "$TMP/no/such/dir/t.uktrace" && expect_err 'cannot write the trace'
# A directory as the trace is refused before the run, not once it is over.
mkdir "$TMP/adir"
printf 'process { "p", main = function() log("ran") end }\n' >"$TMP/logs.lua"
run 1 run "$TMP/logs.lua" --trace "$TMP/adir" && expect_err 'adir: cannot write the trace: Is a directory'
checks=$((checks + 1))
! grep -q ran "$TMP/err" || fail "--trace DIR: the run ran before the error"
# A device or a pipe is written directly, never replaced by a renamed file.
mkfifo "$TMP/pipe"
cat "$TMP/pipe" >"$TMP/piped.uktrace" &
run 0 run scenarios/hello.lua --trace "$TMP/pipe" --quiet
wait
checks=$((checks + 1))
[ -p "$TMP/pipe" ] && [ "$(head -c 7 "$TMP/piped.uktrace")" = UKTRACE ] ||
	fail "--trace to a pipe replaced it or wrote nothing through it"
cat "$TMP/pipe" >"$TMP/piped.txt" &
run 0 export "$TMP/piped.uktrace" -o "$TMP/pipe"
wait
checks=$((checks + 1))
[ -p "$TMP/pipe" ] && grep -q '^# end: ' "$TMP/piped.txt" ||
	fail "export -o to a pipe replaced it or wrote nothing through it"
# --view takes an optional view name; a word that is neither a view nor a
# scenario is refused as a view, not taken for a second scenario.
run 2 run scenarios/hello.lua --view banana &&
	expect_err -- '--view banana: expected sequence, cpu, topology or memory \(or nothing, for sequence\)'
# A run that nothing keeps going (no process, or only daemons) ends at 0ns:
# said in one line on stderr, the exit status still 0; not said otherwise.
NOTE='^ukern: note: no process keeps the run going \(none is declared, or every one is a daemon\): it ended at 0ns'
printf 'machine { cpus = 1 }\n' >"$TMP/empty.lua"
run 0 run "$TMP/empty.lua" --quiet && expect_err "$NOTE"
printf 'process { "s", daemon = true, main = function() recv(port()) end }\n' >"$TMP/daemons.lua"
run 0 run "$TMP/daemons.lua" --stats json && expect_err "$NOTE" && expect_out '"outcome": "completed"'
run 0 run scenarios/hello.lua --quiet &&
	{ checks=$((checks + 1)); ! grep -q 'note:' "$TMP/err" || fail "hello.lua: a note on stderr"; }
# An error inside a coroutine.wrap of the script's own is placed once, at the
# line it was raised on (Lua itself puts the caller's line before it).
printf '%s\n' 'process { "p", main = function()' '  local p = port()' \
	'  local co = coroutine.wrap(function() return recv(p) end)' '  co()' 'end }' >"$TMP/wrap.lua"
run 4 run "$TMP/wrap.lua" --quiet &&
	expect_err "^[^ ]*wrap.lua:3: recv\(\) cannot be called inside a coroutine of the scenario's own \(process p"
finish
