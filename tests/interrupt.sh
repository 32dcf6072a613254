#!/bin/sh
# interrupt.sh - Ctrl-C (SIGINT) and SIGTERM stop a run cleanly: exit status
# 128 + the signal, the trace closed as a valid trace that ends where the run
# stopped, the statistics say "interrupted", no temporary file is left; a
# sweep ends its children and leaves a file of -o untouched.
. "${top_srcdir:-.}/tests/lib.sh"

# A run that never ends on its own: a busy process and a ticking daemon.
cat >"$TMP/long.lua" <<'LUA'
process { "busy", main = function()
  local n = 0
  while true do compute("1ms"); n = n + 1; result("rounds", n); if n % 1000 == 0 then log("at %d", n) end end
end }
process { "ticker", daemon = true, main = function()
  while true do sleep("3ms") end
end }
LUA

# stop SIGNAL ARGS...: start ukern ARGS in the background, wait until it has
# run a while (its stderr has a log line, or half a second), send SIGNAL,
# and keep the exit status in $got.
stop() {
	sig=$1
	shift
	# Gone before the start: the redirections below happen in the child,
	# maybe after the first look for the log line.
	rm -f "$TMP/out" "$TMP/err"
	"$UKERN" "$@" >"$TMP/out" 2>"$TMP/err" &
	pid=$!
	i=0
	while [ $i -lt 50 ] && ! grep -q 'at 1000' "$TMP/err" 2>/dev/null; do
		sleep 0.1
		i=$((i + 1))
	done
	kill -"$sig" "$pid"
	wait "$pid"
	got=$?
}

expect_code() {
	checks=$((checks + 1))
	[ "$got" -eq "$1" ] || { fail "$2: exit status $got, expected $1"; sed 's/^/  stderr: /' "$TMP/err" | head -5 >&2; }
}

no_tmp() {
	checks=$((checks + 1))
	! ls "$TMP"/*.tmp.* >/dev/null 2>&1 || fail "$1: a temporary file was left: $(ls "$TMP"/*.tmp.*)"
}

echo "old trace" >"$TMP/t.uktrace"
stop INT run "$TMP/long.lua" --trace "$TMP/t.uktrace" --stats json
expect_code 130 "run, SIGINT"
expect_err '^ukern: interrupted \(SIGINT\) at [0-9]+ns: the run stopped there'
expect_out '"outcome": "interrupted"'
expect_out '^  "results": \{ "rounds": [1-9][0-9]* \},$'    # what was recorded before the stop
no_tmp "run, SIGINT"
# The trace is whole: the reader takes it to its end, which is where the run stopped.
end_ns=$(sed -n 's/.*"end_ns": \([0-9]*\),.*/\1/p' "$TMP/out")
checks=$((checks + 1))
[ -n "$end_ns" ] && [ "$end_ns" -gt 0 ] || fail "no end_ns in the statistics of the interrupted run"
run 0 export "$TMP/t.uktrace" --format csv &&
	expect_out '^time_ns,kind' && expect_out 'thread_new,2,2,,,,,"busy"'
last=$(tail -1 "$TMP/out" | cut -d, -f1)
checks=$((checks + 1))
[ "$last" -le "$end_ns" ] 2>/dev/null || fail "the trace goes on past the end of the run ($last > $end_ns)"
run 0 export "$TMP/t.uktrace" && expect_out '^# end: [0-9]+ records'

# SIGTERM: the same, status 143; the text summary says so.
stop TERM run "$TMP/long.lua" --trace "$TMP/t2.uktrace"
expect_code 143 "run, SIGTERM"
expect_err '^ukern: terminated \(SIGTERM\) at '
expect_out 'interrupted at [0-9.]+m?s'
run 0 export "$TMP/t2.uktrace" && expect_out '^# end: [0-9]+ records'
no_tmp "run, SIGTERM"

# An endless loop of zero-cost system calls never leaves its instant: the
# kernel still sees the signal between two events.
printf 'machine { costs = "zero" }\nprocess { "p", main = function()\n  log("at 1000")\n  while true do yield() end\nend }\n' >"$TMP/zero.lua"
stop INT run "$TMP/zero.lua" --stats json
expect_code 130 "run in one instant, SIGINT"
expect_out '"outcome": "interrupted"' && expect_out '"end_ns": 0,'

# A sweep: the runs going on are ended, no child is left, a file of -o is
# not replaced (nothing half-done stands under its name), exit 130.
echo "old rows" >"$TMP/rows.csv"
stop INT sweep "$TMP/long.lua" --seeds 1-4 -j 2 -o "$TMP/rows.csv"
expect_code 130 "sweep, SIGINT"
expect_err '^ukern: sweep: interrupted \(SIGINT\) after 0 of 4 rows'
checks=$((checks + 1))
[ "$(cat "$TMP/rows.csv")" = "old rows" ] || fail "an interrupted sweep replaced its -o file"
no_tmp "sweep"
checks=$((checks + 1))
sleep 0.2
! pgrep -f "$TMP/long.lua" >/dev/null || fail "an interrupted sweep left a child running"

# export and render have nothing to close: the signal removes the temporary
# file, leaves the old output as it was and exits 130/143 at once. A trace of
# 1000 s of long.lua (4.5 MB) takes about a second to export as text.
run 0 run "$TMP/long.lua" --until 1000s --trace "$TMP/big.uktrace" -q
# stop_out SIGNAL OUT ARGS...: start ukern ARGS in the background, wait until
# its temporary file OUT.tmp.* is there (or 5 s), send SIGNAL; $got, $seen.
stop_out() {
	sig=$1
	outf=$2
	shift 2
	"$UKERN" "$@" >"$TMP/out" 2>"$TMP/err" &
	pid=$!
	i=0
	seen=no
	while [ $i -lt 100 ]; do
		if ls "$outf".tmp.* >/dev/null 2>&1; then seen=yes; break; fi
		sleep 0.05
		i=$((i + 1))
	done
	kill -"$sig" "$pid" 2>/dev/null
	wait "$pid"
	got=$?
}
for sig in INT TERM; do
	code=130 word='interrupted \(SIGINT\)'
	[ $sig = TERM ] && code=143 word='terminated \(SIGTERM\)'
	echo "old export" >"$TMP/x.txt"
	stop_out $sig "$TMP/x.txt" export "$TMP/big.uktrace" -o "$TMP/x.txt"
	checks=$((checks + 1))
	[ $seen = yes ] || fail "export, SIG$sig: its temporary file never showed (finished too soon?)"
	expect_code $code "export, SIG$sig"
	expect_err "^ukern: export: $word; nothing written to $TMP/x.txt\$"
	checks=$((checks + 1))
	[ "$(cat "$TMP/x.txt")" = "old export" ] || fail "an interrupted export replaced its -o file"
	no_tmp "export, SIG$sig"
done
# To stdout: the same status, no file.
"$UKERN" export "$TMP/big.uktrace" --format chrome 2>"$TMP/err" | { sleep 0.3; [ -n "${UKERN_VALGRIND:-}" ] && sleep 4; kill -INT $(pgrep -f "export $TMP/big.uktrace --format chrome") 2>/dev/null; cat >/dev/null; }
checks=$((checks + 1))
grep -q '^ukern: export: interrupted (SIGINT)$' "$TMP/err" ||
	fail "export to stdout, SIGINT: no message"
if [ "${UKERN_VIZ:-yes}" != no ]; then
	# render, stopped while it waits for its trace (a named pipe no one
	# writes): the old picture stays.
	echo "old picture" >"$TMP/x.png"
	mkfifo "$TMP/fifo.uktrace"
	"$UKERN" render "$TMP/fifo.uktrace" -o "$TMP/x.png" >"$TMP/out" 2>"$TMP/err" &
	pid=$!
	sleep 0.5
	[ -n "${UKERN_VALGRIND:-}" ] && sleep 4    # valgrind takes seconds to start
	kill -TERM "$pid"
	wait "$pid"
	got=$?
	expect_code 143 "render, SIGTERM"
	expect_err "^ukern: render: terminated \\(SIGTERM\\); nothing written to $TMP/x.png\$"
	checks=$((checks + 1))
	[ "$(cat "$TMP/x.png")" = "old picture" ] || fail "an interrupted render replaced its -o file"
	no_tmp "render, SIGTERM"
fi
finish
