#!/bin/sh
# results.sh - a scenario's own figures, result(name, value), in the
# statistics: JSON's "results" object, the text summary's "results" lines,
# one CSV column per result on every row; written when the run stops early
# too; absent from a run that records none; the same in every run.
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
finish
