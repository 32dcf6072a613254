#!/bin/sh
# results.sh - a scenario's own figures, result(name, value), in the
# statistics: JSON's "results" object, the text summary's "results" lines,
# one CSV column per result on every row; written when the run stops early
# too; absent from a run that records none; the same in every run; and as
# the columns of ukern sweep.
. "${top_srcdir:-.}/tests/lib.sh"
F=tests/results/figures.lua

run 0 run $F --stats json &&
	expect_out '^  "results": \{ "n": 3, "done": 3, "mean_ms": 1.0, "state": 1 \},$' &&
	expect_out '^  "rpc": \[\],$'
# the key comes after every figure of the kernel's, just before "deadlock"
checks=$((checks + 1))
[ "$(grep -A1 '"results"' "$TMP/out" | tail -1)" = '  "deadlock": null' ] ||
	fail "json: \"results\" is not followed by \"deadlock\""
run 0 run $F --set n=5 --stats json &&
	expect_out '"results": \{ "n": 5, "done": 5, "mean_ms": 1.0, "state": 1, "extra": 5 \},'

run 0 run $F --stats text && expect_out '^results$' &&
	expect_out '^  n                3$' && expect_out '^  mean_ms          1.0$'
checks=$((checks + 1))
[ "$(sed -n '/^results$/,$p' "$TMP/out" | wc -l)" -eq 5 ] || fail "text: the results section is not 5 lines"

# CSV: the run's results after the thread columns, the same on every row;
# "state" is a thread column, so the result's column is result.state.
run 0 run $F --stats csv &&
	expect_out '^thread,process,state,.*,tickets,share,ticket_share,n,done,mean_ms,result.state$' &&
	expect_out '^name,name,blocked,.*,,,,3,3,1.0,1$' &&
	expect_out '^worker,worker,exited,.*,1.000000,1.000000,3,3,1.0,1$'

# Written however the run stops: a script error, a deadlock, a limit.
run 4 run $F --set stop=error --stats json && expect_out '"results": \{ "n": 3, "done": 3, "mean_ms": 1.0, "state": 1 \},'
run 3 run $F --set stop=deadlock --stats text && expect_out '^  state            1$' &&
	expect_out '^\(the deadlock report is on stderr\)$'
run 0 run $F --set stop=limit --until 2500us --stats json &&
	expect_out '"outcome": "limit"' && expect_out '"results": \{ "n": 3, "done": 2 \},'

# A run that records none has no trace of them: the statistics keep the
# shape they had (the golden files of tests/scenarios.sh check the rest).
run 0 run scenarios/hello.lua --stats json
checks=$((checks + 1))
grep -q '"results"' "$TMP/out" && fail "hello.lua: a \"results\" key without results"
run 0 run scenarios/hello.lua --stats csv && expect_out ',tickets,share,ticket_share$'
run 0 run scenarios/hello.lua --stats text
checks=$((checks + 1))
grep -q '^results' "$TMP/out" && fail "hello.lua: a results section without results"

# Deterministic: the same run twice gives the same bytes, in each format.
for fmt in json text csv; do
	"$UKERN" run $F --set n=5 --stats $fmt >"$TMP/a" 2>/dev/null
	"$UKERN" run $F --set n=5 --stats $fmt >"$TMP/b" 2>/dev/null
	checks=$((checks + 1))
	cmp -s "$TMP/a" "$TMP/b" || fail "$fmt: two runs differ"
done
# stats.md's examples of the three formats are what ukern prints.
ST=doc/stats.md
# doc_block MARKER: the fenced block after the line that holds MARKER, unindented.
doc_block() {
	awk -v p="$1" 'index($0, p) { f = 1; next } f && /^ *```/ { n++; if (n == 2) exit; next }
		f && n == 1 { sub(/^  /, ""); print }' "$ST"
}
doc_same() {
	checks=$((checks + 1))
	[ -s "$TMP/want" ] || { fail "$ST: no example '$1'"; return; }
	cmp -s "$TMP/want" "$TMP/got" || {
		fail "$ST: the example '$1' is not what ukern prints (< doc, > ukern):"
		diff "$TMP/want" "$TMP/got" | grep '^[<>]' | head -10 >&2
	}
}
doc_block 'Real output of `ukern run tests/results/figures.lua --set n=5 --stats json`:' >"$TMP/want"
"$UKERN" run $F --set n=5 --stats json 2>/dev/null | sed -n 's/^  "results"/"results"/p' >"$TMP/got"
doc_same 'json'
doc_block 'writes it. From `ukern run tests/results/figures.lua --set n=5`:' >"$TMP/want"
"$UKERN" run $F --set n=5 2>/dev/null | sed -n '/^results$/,$p' >"$TMP/got"
doc_same 'text'
doc_block 'real output of `ukern run tests/results/figures.lua --stats csv`' >"$TMP/want"
"$UKERN" run $F --stats csv >"$TMP/got" 2>/dev/null
doc_same 'csv'
# ukern sweep: one column per result after the fixed ones, as run 1
# recorded them ("n" is a swept parameter too: result.n); a run without one
# of them has an empty cell; one that records a name run 1 did not is told
# once on stderr; -j 1 and -j 3 print the same bytes.
FIXED='seed,exit_code,outcome,end_ns,threads,mean_response_ns,mean_turnaround_ns,mean_wait_ns,messages,calls,latency_mean_ns,latency_p99_ns,dropped,events'
run 0 sweep $F --set n=5,3,4 -j 1 && cp "$TMP/out" "$TMP/j1.csv" &&
	expect_out "^n,$FIXED,result.n,done,mean_ms,state,extra\$" &&
	expect_out '^5,1,0,completed,5000000,.*,5,5,1.0,1,5$' &&
	expect_out '^3,1,0,completed,3000000,.*,3,3,1.0,1,$' &&
	expect_out '^4,1,0,completed,4000000,.*,4,4,1.0,1,4$'
checks=$((checks + 2))
[ "$(wc -l <"$TMP/out")" -eq 4 ] || fail "sweep: $(wc -l <"$TMP/out") lines"
[ -s "$TMP/err" ] && fail "sweep: a note on stderr although run 1 recorded every name"
run 0 sweep $F --set n=5,3,4 -j 3 && cp "$TMP/out" "$TMP/j3.csv"
checks=$((checks + 1))
cmp -s "$TMP/j1.csv" "$TMP/j3.csv" || fail "sweep: -j 1 and -j 3 differ"

run 0 sweep $F --set n=3,5,4 --set stop=none,deadlock -j 2 && cp "$TMP/out" "$TMP/j2.csv" &&
	expect_out "^n,stop,$FIXED,result.n,done,mean_ms,state\$" &&
	expect_out '^5,deadlock,1,3,deadlock,5000000,.*,5,5,1.0,1$' &&
	expect_err "^ukern: sweep: run 3 recorded result 'extra', which run 1 did not: not in the CSV$"
checks=$((checks + 2))
[ "$(grep -c 'which run 1 did not' "$TMP/err")" -eq 1 ] || fail "sweep: the note is not given once"
grep -q extra "$TMP/out" && fail "sweep: a column for a name run 1 did not record"
run 0 sweep $F --set n=3,5,4 --set stop=none,deadlock -j 1
checks=$((checks + 1))
cmp -s "$TMP/out" "$TMP/j2.csv" || fail "sweep: -j 1 and -j 2 differ"

# A run that stops early keeps the results it recorded ("n" is not swept
# here: no clash); one that does not load has empty cells.
run 0 sweep $F --set stop=limit --until 2500us &&
	expect_out "^stop,$FIXED,n,done\$" && expect_out '^limit,1,0,limit,2500000,.*,3,2$'
run 0 sweep $F --set n=3,many &&
	expect_out '^3,1,0,completed,.*,3,3,1.0,1$' && expect_out '^many,,2,invalid,,,,,,,,,,,,,,,$'
# A scenario without results: the columns of old, no note.
run 0 sweep scenarios/pingpong.lua --set n=3,4 && expect_out "^n,$FIXED\$"
# Every column has a name of its own: a result renamed result.NAME does not
# take the name of another result, in --stats csv as in ukern sweep.
C=tests/results/clash.lua
run 0 run $C --stats csv &&
	expect_out ',ticket_share,result.thread,result.result.thread,seed,result.seed$'
run 0 sweep $C &&
	expect_out "^$FIXED,thread,result.thread,result.seed,result.result.seed\$"
# tests/results is a directory beside tests/results.sh (as tests/sched and
# tests/threads are): GNU make's built-in rule '%: %.sh' must not "remake"
# it from the script, which made make dist fail once the script was newer.
if [ -f Makefile ]; then
	for d in tests/results tests/sched tests/threads; do
		checks=$((checks + 1))
		env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -n -W $d.sh $d 2>&1 | grep -q "$d.sh" &&
			fail "make would overwrite the directory $d with $d.sh"
	done
fi
finish
