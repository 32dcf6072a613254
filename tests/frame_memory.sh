#!/bin/sh
# frame_memory.sh - the cap on the host memory the simulated frames hold
# (ukern run --frame-memory, machine { frame_memory }, default 1 GiB;
# doc/cli.md, doc/scenario-api.md section 20): a page that would need a
# frame past it stops the run with a message naming the limit, the option,
# the scenario's line and the thread; exit status 1, the trace and the
# statistics written up to there, deterministic. Frames freed and handed out
# again cost nothing more; fork's copies, shared segments, LRPC A-stacks and
# a migration's pages on another node count, every node together.
. "${top_srcdir:-.}/tests/lib.sh"

L="[^ ]*f.lua"
MSG="not enough frame memory \\(the frames may hold 1MiB of the host's memory, ukern run --frame-memory\\)"

# cap CODE 'ERROR REGEX' 'LUA TEXT' [OPTIONS...]: the scenario (written to
# $TMP/f.lua) ends with CODE and the message.
cap() {
	code=$1 re=$2
	printf '%s\n' "$3" >"$TMP/f.lua"
	shift 3
	run "$code" run "$TMP/f.lua" "$@" && expect_err "$re"
}

# A loop touching 1000 pages of 4 KiB under a cap of 1 MiB (256 pages): the
# 257th page stops the run at its line; the other process runs no further.
touch='machine { cpus = 1 }
process { "hog", main = function()
  local ps = mem.page_size()
  local a = assert(mem.alloc(1000 * ps))
  for i = 0, 999 do mem.write(a + i * ps, "x") end
  log("touched them all")
end }
process { "other", main = function()
  for i = 1, 100 do sleep("1ms") end
  log("other ends")
end }'
cap 1 "^$L:5: $MSG \\(process hog, thread hog, at [0-9.]+us\\): the run stopped there$" \
	"$touch" --frame-memory 1MiB --trace "$TMP/a.uktrace" --stats json
expect_out '"outcome": "limit"'
expect_out '"frames_peak": 256,'
checks=$((checks + 1))
if grep -q 'touched them all\|other ends\|host ran out' "$TMP/err"; then
	fail "a body went on after the cap stopped the run"
fi
cp "$TMP/out" "$TMP/a.json"
cp "$TMP/err" "$TMP/a.err"
# The trace ends with the same text, a log record of the kernel.
run 0 export "$TMP/a.uktrace"
expect_out "log tid=0 \"$L:5: $MSG \\(process hog"
checks=$((checks + 1))
[ "$(grep -v '^#' "$TMP/out" | tail -1 | grep -c 'log tid=0')" -eq 1 ] ||
	fail "the kernel's log record is not the trace's last"
# Deterministic: the same run again gives the same trace, statistics, message.
cap 1 "^$L:5: $MSG" "$touch" --frame-memory 1MiB --trace "$TMP/b.uktrace" --stats json
checks=$((checks + 1))
cmp -s "$TMP/a.uktrace" "$TMP/b.uktrace" && cmp -s "$TMP/a.json" "$TMP/out" &&
	cmp -s "$TMP/a.err" "$TMP/err" || fail "two runs at the cap differ"

# The text summary points at stderr for the reason, as after a deadlock.
cap 1 "^$L:5: $MSG" "$touch" --frame-memory 1MiB
expect_out '  limit at [0-9.]+us  '
expect_out '^\(why the run stopped is on stderr\)$'

# machine { frame_memory } sets it; --frame-memory overrides it either way.
cap 1 "^$L:5: $MSG \\(process hog" "$(printf '%s\n' "$touch" |
	sed 's/machine { cpus = 1 }/machine { cpus = 1, frame_memory = "1MiB" }/')"
cap 0 'hog +\| touched them all' "$(printf '%s\n' "$touch" |
	sed 's/machine { cpus = 1 }/machine { cpus = 1, frame_memory = "1MiB" }/')" --frame-memory 4MiB
cap 1 "^$L:5: not enough frame memory \\(the frames may hold 3000000 bytes of the host's memory" \
	"$(printf '%s\n' "$touch" | sed 's/machine { cpus = 1 }/machine { cpus = 1, frame_memory = "64MiB" }/')" \
	--frame-memory 3000000
# The default, 1 GiB: 1024 pages of 1 MiB fit (a byte written in each), the
# 1025th does not.
cap 1 "^$L:4: not enough frame memory \\(the frames may hold 1024MiB of the host's memory, ukern run --frame-memory\\) \\(process p, thread p" \
	'machine { page_size = 1048576, frames = 2048 }
process { "p", main = function()
  local a = assert(mem.alloc(2048 * mem.page_size()))
  for i = 0, 2047 do mem.write(a + i * mem.page_size(), "y") end
end }' --stats json
expect_out '"frames_peak": 1024,'

# Frames freed are handed out again: 20 rounds of 200 pages stay within 256.
cap 0 'p +\| 4000 pages written, 200 at a time$' \
	'machine { cpus = 1, frame_memory = "1MiB" }
process { "p", main = function()
  local ps = mem.page_size()
  for k = 1, 20 do
    local a = assert(mem.alloc(200 * ps))
    for i = 0, 199 do mem.write(a + i * ps, "x") end
    mem.free(a)
  end
  log("4000 pages written, 200 at a time")
end }'

# A fork shares the parent's 200 frames; the child's writes copy them, and
# the 57th copy is past the cap: the child's line, the child named.
cap 1 "^$L:8: $MSG \\(process parent.fork1, thread parent.fork1, at " \
	'machine { cpus = 1, frame_memory = "1MiB" }
process { "parent", main = function()
  local ps = mem.page_size()
  local a = assert(mem.alloc(200 * ps))
  for i = 0, 199 do mem.write(a + i * ps, "p") end
  log("parent wrote 200 pages")
  wait(fork(function()
    for i = 0, 199 do mem.write(a + i * ps, "c") end
    log("child copied them")
  end))
end }'
expect_err 'parent +\| parent wrote 200 pages'

# A shared segment takes its frames when it is made.
cap 1 "^$L:5: $MSG \\(process p, thread p, at " \
	'machine { cpus = 1, frame_memory = "1MiB" }
process { "p", main = function()
  local a = mem.share(200 * mem.page_size())
  log("one segment of 200 pages")
  local b = mem.share(100 * mem.page_size())
  log("a second of 100")
end }'
expect_err 'p +\| one segment of 200 pages'

# LRPC A-stacks: 10 of 64 KiB per binding, 160 frames; the second binding
# is past the cap, at the scenario's lrpc.bind (not inside lrpc's library).
cap 1 "^$L:12: $MSG \\(process c2, thread c2, at " \
	'machine { cpus = 2, frame_memory = "1MiB" }
process { name = "calc", daemon = true, main = function()
  lrpc.export("calc", { Add = { function(a, b) return a + b end, args = 65536,
                                results = 65536, astacks = 10 } })
end }
process { name = "c1", start = "1ms", main = function()
  local calc = assert(lrpc.bind("calc"))
  log("c1 bound")
  sleep("5ms")
end }
process { name = "c2", start = "2ms", main = function()
  local calc = assert(lrpc.bind("calc"))
  log("c2 bound")
  sleep("5ms")
end }'
expect_err 'c1 +\| c1 bound'

# Every node together: w'"'"'s 200 pages take 200 new frames on node B when it
# migrates there (A'"'"'s go only after); the cap counts both memories.
migr='machine { cpus = 2, frame_memory = "1MiB" }
node { "B", cpus = 1 }
link { "A", "B", latency = "1ms", bandwidth = "100Mbps" }
process { "w", main = function()
  local ps = mem.page_size()
  local a = mem.alloc(200 * ps)
  for i = 0, 199 do mem.write(a + i * ps, "w") end
  sleep("50ms")
  log("w ends")
end }
process { "ctl", main = function()
  sleep("10ms")
  log("migrated: %s", tostring(migrate("w", "B") ~= nil))
end }'
# The message names the scenario's migrate() call (line 13).
cap 1 "^$L:13: $MSG \\(migrate 'w' to 'B', at [0-9.]+ms\\): the run stopped there$" "$migr"
# The run stops there: the kernel does not also say that w runs on at A.
checks=$((checks + 1))
if grep -q 'runs on at\|too few free frames' "$TMP/err"; then
	fail "a migration stopped by the cap is said to leave the process running"
	sed 's/^/  stderr: /' "$TMP/err" >&2
fi
cap 0 'ctl +\| migrated: true' "$migr" --frame-memory 2MiB

# ukern sweep: the machine's cap holds in each run; the row says exit_code 1.
printf '%s\n' "$touch" | sed 's/machine { cpus = 1 }/local n = param("n", 1)\nmachine { cpus = 1, frame_memory = "1MiB" }/' >"$TMP/sw.lua"
run 0 sweep "$TMP/sw.lua" --set n=1,2
expect_err "^ukern: sweep: run 1 \\(n=1\\): [^ ]*sw.lua:6: $MSG \\(process hog"
checks=$((checks + 1))
[ "$(grep -c '^[12],1,1,limit,' "$TMP/out")" -eq 2 ] || {
	fail "the sweep's rows do not say exit_code 1, outcome limit"
	sed 's/^/  stdout: /' "$TMP/out" >&2
}

# ukern sweep --frame-memory overrides it in every run, as ukern run's does,
# and --emit passes it on (with --lua-memory).
run 0 sweep "$TMP/sw.lua" --set n=1,2 --frame-memory 8MiB
checks=$((checks + 1))
[ "$(grep -c '^[12],1,0,completed,' "$TMP/out")" -eq 2 ] || {
	fail "sweep --frame-memory 8MiB did not lift the scenario's 1MiB cap"
	sed 's/^/  stdout: /' "$TMP/out" >&2
}
run 0 sweep "$TMP/sw.lua" --set n=1 --frame-memory 1TiB --lua-memory 64MiB --emit &&
	expect_out "^[^ ]*ukern run [^ ]*sw.lua --set n=1 --lua-memory 64MiB --frame-memory 1TiB --stats json$"
run 2 sweep "$TMP/sw.lua" --frame-memory 1GB &&
	expect_err "^ukern: --frame-memory 1GB: expected a size such as 4GiB: a whole number of bytes, or of KiB, MiB, GiB or TiB$"
run 2 sweep "$TMP/sw.lua" --lua-memory 1KiB && expect_err "^ukern: --lua-memory 1KiB: expected a size of at least 1MiB$"

# Bad values: exit status 2, nothing run; each message says what is wrong:
# the form, below 1MiB, or too large.
for v in abc 10x -1 2MB 1GB 1gib 512k 1.5GiB 1e9; do
	run 2 run scenarios/hello.lua --frame-memory "$v" &&
		expect_err "^ukern: --frame-memory $v: expected a size such as 4GiB: a whole number of bytes, or of KiB, MiB, GiB or TiB$"
done
for v in 0 1KiB 1048575; do
	run 2 run scenarios/hello.lua --frame-memory "$v" &&
		expect_err "^ukern: --frame-memory $v: expected a size of at least 1MiB$"
done
for v in 17179869184GiB 99999999999999999999GiB 16777216TiB; do
	run 2 run scenarios/hello.lua --frame-memory "$v" &&
		expect_err "^ukern: --frame-memory $v: too large \\(the most is 18446744073709551615 bytes\\)$"
done
run 0 run scenarios/hello.lua --frame-memory 1TiB --quiet
run 2 run scenarios/hello.lua --frame-memory && expect_err '^ukern: --frame-memory needs a value$'
run 0 run scenarios/hello.lua --frame-memory 1MiB --quiet
run 0 run scenarios/hello.lua --frame-memory=1048576 --quiet
for bad in 'true@must be a size such as "256MiB", not a boolean' \
	'-1@must be at least 1MiB, not -1 bytes$' \
	'1.5@must be a whole number of bytes or a size such as "256MiB", not 1.5$' \
	'2^70@= 1.1805916207174e\+21 is too large for a number of bytes$' \
	'"10x"@= "10x": expected a size \(bytes, or with KiB, MiB, GiB or TiB: "256MiB"\)' \
	'"99999999999999999999GiB"@= "99999999999999999999GiB" is too large for a number of bytes$' \
	'0@must be at least 1MiB, not 0 bytes' '"512KiB"@must be at least 1MiB, not 524288 bytes'; do
	printf 'machine { frame_memory = %s }\n' "${bad%%@*}" >"$TMP/d.lua"
	run 2 run "$TMP/d.lua" && expect_err "^[^ ]*d.lua:1: machine: 'frame_memory' ${bad#*@}"
done
# 2^30 is a float in Lua, with a whole value: 1 GiB.
printf '%s\n' 'machine { frame_memory = 2^30 }' 'process { "p", main = function() end }' >"$TMP/d.lua"
run 0 run "$TMP/d.lua" --quiet
printf '%s\n' 'machine { frame_memory = "2TiB" }' 'process { "p", main = function() end }' >"$TMP/d.lua"
run 0 run "$TMP/d.lua" --quiet
finish
