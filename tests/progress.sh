#!/bin/sh
# progress.sh - a long run shows a progress line on stderr when stderr is a
# terminal (faked with script(1)), never in a file, and showing it changes
# nothing in the run: the statistics are byte for byte those of a run
# without a terminal. Skips (77) without script(1).
. "${top_srcdir:-.}/tests/lib.sh"

command -v script >/dev/null 2>&1 || { echo "SKIP: script(1) is not installed"; exit 77; }
S="${top_srcdir:-.}/scenarios/pingpong.lua"

run 0 run "$S" --set n=20000 --stats json
cp "$TMP/out" "$TMP/plain.json"
checks=$((checks + 1))
grep -q 'events, virtual time' "$TMP/err" && fail "a progress line went to a file"

# On a terminal, from the first look (UKERN_PROGRESS_MS=0).
checks=$((checks + 3))
UKERN_PROGRESS_MS=0 script -qec "'$UKERN' run '$S' --set n=20000 --stats json >'$TMP/tty.json'" \
	/dev/null >"$TMP/tty.err" 2>&1 || fail "the run on a terminal failed"
grep -q 'events, virtual time' "$TMP/tty.err" || fail "no progress line on a terminal"
cmp -s "$TMP/tty.json" "$TMP/plain.json" || fail "the statistics differ when the progress line is shown"
finish
