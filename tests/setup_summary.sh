#!/bin/sh
# setup_summary.sh - the one line ./setup.sh test prints after the suite
# counts every test program, those in tests/fuzz/ included, so that its
# totals are automake's (setup.sh's summary function, run on result files
# made up here).
. "${top_srcdir:-.}/tests/lib.sh"

sed -n '/^summary() {$/,/^}$/p' setup.sh >"$TMP/summary.sh"
checks=$((checks + 1))
grep -q 'find tests' "$TMP/summary.sh" || fail "setup.sh has no summary function"
mkdir -p "$TMP/tree/tests/fuzz" "$TMP/tree/tests/sched"
for t in a b c; do printf ':test-result: PASS\n' >"$TMP/tree/tests/$t.trs"; done
printf ':test-result: PASS\n' >"$TMP/tree/tests/fuzz/replay_x.trs"
printf ':test-result: FAIL\n' >"$TMP/tree/tests/fuzz/replay_y.trs"
printf ':test-result: SKIP\n' >"$TMP/tree/tests/sched/s.trs"
printf ':test-result: ERROR\n' >"$TMP/tree/tests/e.trs"
got=$(cd "$TMP/tree" && . "$TMP/summary.sh" && summary)
checks=$((checks + 1))
[ "$got" = "7 tests: 4 passed, 1 skipped, 2 failed" ] || fail "summary: '$got'"
# No result at all (the suite did not run): zeros, not an error.
rm -r "$TMP/tree/tests"
mkdir "$TMP/tree/tests"
got=$(cd "$TMP/tree" && . "$TMP/summary.sh" && summary)
checks=$((checks + 1))
[ "$got" = "0 tests: 0 passed, 0 skipped, 0 failed" ] || fail "summary without results: '$got'"
finish
