#!/bin/sh
# floor.sh - bench/floor, the minimal kernel loop bench/compare.sh measures ukern's C round trip
# against, runs and checks its own replies; compare.sh refuses bad arguments. Speed is never
# asserted here: compare.sh measures it.
. "${top_srcdir:-.}/tests/lib.sh"
: "${FLOOR:?FLOOR must name the bench/floor binary}"

case $(uname -m) in
x86_64) ;;
*) echo "SKIP: bench/floor's stack switch is written for x86-64"; exit 77 ;;
esac

checks=$((checks + 1))
"$FLOOR" 20000 >"$TMP/out" 2>"$TMP/err" || fail "bench/floor 20000 exited $?: $(cat "$TMP/err")"
grep -Eq '^RESULT floor-kernel-loop n=20000 ns_per_op=[0-9]+\.[0-9]+ ns_per_roundtrip=[0-9]+\.[0-9]+$' "$TMP/out" ||
	fail "bench/floor's RESULT line: $(cat "$TMP/out")"
checks=$((checks + 1))
"$FLOOR" 0 >"$TMP/out" 2>"$TMP/err"
[ $? -eq 2 ] && grep -q 'N must be a positive number' "$TMP/err" || fail "bench/floor 0 is not refused"

# compare.sh: a wrong argument or a missing binary is exit 2 with a message, before any build
checks=$((checks + 1))
bash bench/compare.sh 12x >"$TMP/out" 2>"$TMP/err"
[ $? -eq 2 ] && grep -q 'must be positive integers' "$TMP/err" || fail "compare.sh 12x is not refused"
checks=$((checks + 1))
UKERN="$TMP/none" bash bench/compare.sh 10 >"$TMP/out" 2>"$TMP/err"
[ $? -eq 2 ] && grep -q "no ukern binary at '$TMP/none'" "$TMP/err" || fail "compare.sh with no binary is not refused"

finish
