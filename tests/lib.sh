# lib.sh - helpers for the shell tests: run ukern as a user would and check
# exit codes, output and messages. Sourced by tests/*.sh; needs $UKERN and
# $top_srcdir (set by make check).
set -u
: "${UKERN:?UKERN must name the ukern binary}"
: "${top_srcdir:?top_srcdir must name the source tree}"
SELF=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")   # before the cd below
cd "$top_srcdir"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/ukern-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
failures=0
checks=0

fail() {
	echo "FAIL: $*" >&2
	failures=$((failures + 1))
}

# run EXPECTED_EXIT ARGS...: run ukern, keep stdout/stderr in $TMP/out, $TMP/err.
run() {
	want=$1
	shift
	checks=$((checks + 1))
	"$UKERN" "$@" >"$TMP/out" 2>"$TMP/err"
	got=$?
	if [ "$got" -ne "$want" ]; then
		fail "ukern $* exited $got, expected $want"
		sed 's/^/  stderr: /' "$TMP/err" | head -20 >&2
		return 1
	fi
	return 0
}

# expect_err REGEX: the last run's stderr matches (grep -E).
expect_err() {
	checks=$((checks + 1))
	grep -E -q -- "$1" "$TMP/err" || {
		fail "stderr does not match /$1/"
		sed 's/^/  stderr: /' "$TMP/err" | head -20 >&2
	}
}

# expect_out REGEX: the last run's stdout matches.
expect_out() {
	checks=$((checks + 1))
	grep -E -q -- "$1" "$TMP/out" || {
		fail "stdout does not match /$1/"
		sed 's/^/  stdout: /' "$TMP/out" | head -20 >&2
	}
}

# finish: report and exit with the automake code.
finish() {
	if [ "$failures" -eq 0 ]; then
		echo "$checks passed, 0 failed"
		exit 0
	fi
	echo "$((checks - failures)) passed, $failures failed"
	exit 1
}
