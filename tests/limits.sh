#!/bin/sh
# limits.sh - every limit a scenario can run into ends with a clear error
# naming the file and line and the documented exit status, instead of
# hanging or exhausting the host (doc/scenario-api.md section 20,
# doc/hardening.md). The frame and message-size limits are in api.sh and
# scenarios.sh; the instruction budget of a body and of the top level in
# badinput.sh.
. "${top_srcdir:-.}/tests/lib.sh"

# limit CODE 'ERROR REGEX' 'LUA TEXT' [OPTIONS...]: the scenario (written to
# $TMP/l.lua) stops with CODE and the message.
limit() {
	code=$1 re=$2
	printf '%s\n' "$3" >"$TMP/l.lua"
	shift 3
	run "$code" run "$TMP/l.lua" "$@" && expect_err "$re"
}
L="[^ ]*l.lua"

# Loops that make threads, processes or ports without end (with a cost, and
# at zero cost, where no time passes between two of them).
limit 4 "^$L:2: thread: the run has made 250000 threads, the most one run may make \\(a loop that makes them without end\\? machine \\{ max_threads = N \\} allows more\\) \\(process p, thread p, at " \
	'process { "p", main = function()
  while true do thread(function() end) end
end }'
limit 4 "^$L:3: thread: the run has made 250000 threads" \
	'machine { costs = "zero" }
process { "p", main = function()
  while true do thread(function() sleep(1) end) end
end }'
# machine { max_threads } sets the limit on the threads the scenario makes
# (thread() and fork(); not the system's: servers, LWPs, activations), and
# stays within its range.
limit 4 "^$L:4: thread: the run has made 1000 threads, the most one run may make" \
	'machine { costs = "zero", max_threads = 1000 }
process { "p", main = function()
  local n = 0
  while true do thread(function() end); n = n + 1; count = n end
end }
process { "q", start = "1ms", main = function() log("made %d", count) end }'
expect_err 'q +\| made 1000$'
# An activation per blocking call is the system's, not the scenario's: 100
# calls to an activations server leave room for the client's thread.
limit 0 'cli +\| made a thread: 1$' \
	'machine { cpus = 1, max_threads = 50 }
process { name = "srv", daemon = true, threads = "many-to-many", activations = true, lwps = 1, main = function()
  local p = port(); register("svc", p)
  local m = recv(p)
  while true do m = reply_recv(m, { n = m.n }, p) end
end }
process { name = "cli", start = "1ms", main = function()
  local p = lookup("svc")
  for i = 1, 100 do call(p, { n = i }) end
  log("made a thread: %s", tostring(join(thread(function() return 1 end))))
end }' --trace "$TMP/sa.uktrace"
checks=$((checks + 1))
[ "$("$UKERN" export "$TMP/sa.uktrace" | grep -c 'thread_new')" -gt 50 ] ||
	fail "the activations server made no more threads than max_threads: the test shows nothing"
limit 4 "^$L:2: thread: the run has made 1 thread, the most one run may make" \
	'machine { costs = "zero", max_threads = 1 }
process { "p", main = function() while true do thread(function() end) end end }'
limit 2 "^$L:1: machine: 'max_threads' must be an integer from 1 to 4000000, not '4000001'$" \
	'machine { max_threads = 4000001 }'
limit 2 "^$L:1: machine: 'max_threads' must be an integer from 1 to 4000000, not 'many'$" \
	'machine { max_threads = "many" }'
# The cap on processes stops the run at the fork past it, as the frame
# memory's does: one message, outcome limit, exit status 1, the trace and the
# statistics up to there. A fork bomb (every child forks for ever) is not
# answered by an error in each of its 49 999 children.
limit 1 "^$L:2: fork: the run has made 50000 processes, the most one run may make \\(a loop that makes them without end\\?\\) \\(process p, thread p, at [0-9.]+ms\\): the run stopped there$" \
	'process { "p", main = function()
  while true do fork(function() end) end
end }' --stats json --trace "$TMP/fork.uktrace"
expect_out '"outcome": "limit"'
checks=$((checks + 1))
[ "$(wc -l <"$TMP/err")" -eq 1 ] || fail "the cap on processes gave $(wc -l <"$TMP/err") lines on stderr, not one"
checks=$((checks + 1))
"$UKERN" export "$TMP/fork.uktrace" | tail -n 2 | grep -q ' log tid=0 ".*l.lua:2: fork: the run has made 50000 processes.*the run stopped there"$' ||
	fail "the trace does not end with the cap's log record"
limit 1 "^$L:4: fork: the run has made 50000 processes, the most one run may make .*\\(process bomb[.fork0-9]*, thread bomb[.fork0-9]*, at [0-9.]+ms\\): the run stopped there$" \
	'machine { cpus = 2 }
local function bomb()
  while true do
    if not fork(bomb) then return end
  end
end
process { name = "bomb", main = bomb }'
checks=$((checks + 1))
[ "$(wc -l <"$TMP/err")" -eq 1 ] || fail "a fork bomb gave $(wc -l <"$TMP/err") lines on stderr, not one"
# Many threads that raise the same error: the first few in full, then one
# line for the rest at the end; the trace and the statistics keep every one.
limit 4 "^$L:1: attempt to index a nil value \\(local 't'\\) \\(process p3, thread p3, at " \
	'local function bad() local t = nil; return t.x end
for i = 1, 10 do process { name = "p" .. i, main = bad } end
process { name = "q", main = function() error("other") end }' --trace "$TMP/same.uktrace"
expect_err "^$L:3: other \\(process q, thread q, at "
expect_err "^ukern: 7 more threads raised the same error at $L:1$"
checks=$((checks + 1))
[ "$(grep -c "attempt to index" "$TMP/err")" -eq 3 ] ||
	fail "the same error was shown $(grep -c "attempt to index" "$TMP/err") times, not 3"
checks=$((checks + 1))
[ "$("$UKERN" export "$TMP/same.uktrace" | grep -c ' fault .*attempt to index')" -eq 10 ] ||
	fail "the trace does not hold the 10 faults"
limit 4 "^$L:3: port: the run has made 1000000 ports, the most one run may make" \
	'machine { costs = "zero" }
process { "p", main = function()
  while true do port() end
end }'
# The process that hit a limit is killed; the others go on.
limit 4 "^$L:3: port: the run has made 1000000 ports" \
	'machine { costs = "zero" }
process { "p", main = function()
  while true do port() end
end }
process { "q", start = "1ms", main = function() log("q ran") end }' --stats json
expect_out '"name": "q", "pid": 3, "state": "exited", .*"exit_code": 0'
# mem.restrict counts against it only when it makes a port: at the limit, a
# handle restricted before, a restricted one and an "r" segment's still give
# their handle; the first restriction of another segment is refused.
limit 4 "^$L:11: mem.restrict: the run has made 1000000 ports, the most one run may make" \
	'machine { costs = "zero" }
process { "p", main = function()
  local _, seg = mem.share(4096)
  local ro = mem.restrict(seg, "r")
  local _, rseg = mem.share(4096, "r")
  local _, other = mem.share(4096)
  pcall(function() while true do port() end end)
  log("again: %s", tostring(mem.restrict(seg, "r") == ro))
  log("restricted: %s", tostring(mem.restrict(ro, "r") == ro))
  log("r segment: %s", tostring(mem.restrict(rseg, "r") == rseg))
  mem.restrict(other, "r")
end }'
expect_err 'p +\| again: true$' && expect_err 'p +\| restricted: true$' &&
	expect_err 'p +\| r segment: true$'

# Lua memory: a body that keeps everything it makes is stopped at its line,
# its process killed (4); at the top level the scenario does not load (2).
limit 4 "^$L:4: not enough memory \\(the scenario's Lua memory is limited to 64MiB, ukern run --lua-memory\\) \\(process p, thread p, at " \
	'process { "p", main = function()
  local t, s = {}, ("x"):rep(1000)
  compute(1)
  while true do t[#t + 1] = s .. #t end
end }
process { "q", start = "1ms", main = function() log("q still runs") end }' --lua-memory 64MiB --stats json
expect_out '"name": "q", "pid": 3, "state": "exited", .*"exit_code": 0'
limit 2 "^$L:2: not enough memory \\(the scenario's Lua memory is limited to 16MiB, ukern run --lua-memory\\)$" \
	'local t = {}
while true do t[#t + 1] = ("y"):rep(100) .. #t end' --lua-memory 16MiB
# ... at the line it reached, also inside a function or a coroutine of the
# script's own (the line that resumed it).
limit 2 "^$L:3: not enough memory \\(the scenario's Lua memory is limited to 16MiB, ukern run --lua-memory\\)$" \
	'local function fill(t)
  for i = 1, 1e9 do
    t[i] = ("w"):rep(50) .. i
  end
end
fill({})' --lua-memory 16MiB
limit 2 "^$L:3: not enough memory \\(the scenario's Lua memory is limited to 16MiB, ukern run --lua-memory\\)$" \
	'local keep = {}
local co = coroutine.wrap(function() while true do keep[#keep + 1] = ("v"):rep(64) .. #keep end end)
co()' --lua-memory 16MiB
limit 4 "^$L:3: not enough memory \\(the scenario's Lua memory is limited to 3000000 bytes, ukern run --lua-memory\\) \\(process p" \
	'process { "p", main = function()
  compute(1)
  local s = ("z"):rep(4 << 20)
end }' --lua-memory 3000000
# ... caught with pcall, it is an error like any other, and the body goes on.
limit 0 'p +\| caught: not enough memory; then: ok' \
	'process { "p", main = function()
  compute(1)
  local ok, why = pcall(string.rep, "z", 4 << 20)
  log("caught: %s; then: %s", why, ("ok"):rep(1))
end }' --lua-memory 2MiB
# A scheduler's pick that allocates without end is stopped like one that loops.
limit 4 "^not enough memory \\(the scenario's Lua memory is limited to 8MiB, ukern run --lua-memory\\) \\(in the scenario's scheduler" \
	'local keep = {}
machine { sched = { pick = function(ready, cpu)
  while true do keep[#keep + 1] = ("k"):rep(64) .. #keep end
end } }
process { "p", main = function() compute(1) end }' --lua-memory 8MiB
# The default (1 GiB) is not in the way of the shipped scenarios (scenarios.sh).
# machine { lua_memory } sets the scenario's own limit, for its bodies and
# for the rest of its top level; --lua-memory overrides it.
cat >"$TMP/decl.lua" <<'LUA'
machine { lua_memory = "4MiB" }
process { "p", main = function()
  compute(1)
  local s = ("z"):rep(8 << 20)
  log("made %d bytes", #s)
end }
LUA
run 4 run "$TMP/decl.lua" --quiet &&
	expect_err "^[^ ]*decl.lua:4: not enough memory \\(the scenario's Lua memory is limited to 4MiB, ukern run --lua-memory\\) \\(process p"
run 0 run "$TMP/decl.lua" --lua-memory 64MiB && expect_err 'p +\| made 8388608 bytes'
run 4 run "$TMP/decl.lua" --lua-memory 2MiB --quiet && expect_err 'limited to 2MiB'
# sweep runs the scenario with its declared limit too.
run 0 sweep "$TMP/decl.lua" --seeds 1 && expect_err 'decl.lua:4: not enough memory .*limited to 4MiB'
limit 2 "^$L:3: not enough memory \\(the scenario's Lua memory is limited to 3MiB, ukern run --lua-memory\\)$" \
	'machine { lua_memory = 3 << 20 }
local t = {}
while true do t[#t + 1] = ("y"):rep(100) .. #t end'
limit 0 'q +\| ok' \
	'machine { lua_memory = "2MiB" }
process { "q", main = function() compute(1); log("ok") end }' --lua-memory 1GiB

# The instruction budget: an endless loop in a scheduler's pick (exit 4, the
# run goes on in first-come order).
limit 4 "^$L:3: 100 million Lua instructions without a system call: an endless loop\\? .*\\(in the scenario's scheduler, at 0ns; the run goes on in first-come order\\)" \
	'machine { sched = { pick = function(ready, cpu)
  local n = 0
  while true do n = n + 1 end
end } }
process { "p", main = function() compute(1) end }'

# Events: a run that never ends stops at --max-events (outcome limit, 0).
printf 'process { "p", main = function() while true do yield() end end }\n' >"$TMP/y.lua"
run 0 run "$TMP/y.lua" --max-events 100000 --quiet --stats text &&
	expect_out '^[^ ]*y.lua  seed 1  limit at [0-9.]+m?s  \(100000 events\)'

# --lua-memory takes a size of at least 1 MiB; a malformed one is told the
# forms a size takes.
for v in 1000 0; do
	run 2 run scenarios/hello.lua --lua-memory "$v" &&
		expect_err "^ukern: --lua-memory $v: expected a size of at least 1MiB$"
done
for v in 1MB 1.5MiB -1 abc ""; do
	run 2 run scenarios/hello.lua --lua-memory "$v" &&
		expect_err "^ukern: --lua-memory $v: expected a size such as 256MiB: a whole number of bytes, or of KiB, MiB, GiB or TiB$"
done
run 2 run scenarios/hello.lua --lua-memory && expect_err '^ukern: --lua-memory needs a value'
run 0 run scenarios/hello.lua --lua-memory 1MiB --quiet
run 0 run scenarios/hello.lua --lua-memory=4194304 --quiet
finish
