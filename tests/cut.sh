#!/bin/sh
# cut.sh - every case of tests/scenarios.sh stopped in the middle, at a few
# --max-events and --until values, ends as cleanly as a run that completed:
# exit 0, outcome "limit", a trace that reads to its end, and nothing left
# behind. In the sanitizer build (./configure --enable-sanitizers, .ci/run)
# a leak makes ukern exit non-zero, so this is where the teardown of a run
# cut anywhere is checked: messages in queues, in flight, delayed by faults,
# held on the stack of a suspended C server, packets on links, LRPC calls
# under way (doc/hardening.md). Under make check-valgrind the same.
#
# The cut points are chosen deterministically: fractions of the whole run's
# events and time, shifted by a few events depending on the case's name, so
# that different cases stop in different phases; plus the points where leaks
# were first seen (hello.lua at 27 events, nameserver.lua at 48).
. "${top_srcdir:-.}/tests/lib.sh"

cases=$(sed -n "/^cases='/,/^'/p" tests/scenarios.sh | grep '|')
checks=$((checks + 1))
[ "$(echo "$cases" | wc -l)" -ge 40 ] || fail "cannot read the cases of tests/scenarios.sh"
# Under valgrind (make check-valgrind), where a start of ukern costs seconds:
# every fourth case.
[ -n "${UKERN_VALGRIND:-}" ] && cases=$(echo "$cases" | awk 'NR % 4 == 1')

# stop_at NAME ARGS...: one run stopped by ARGS (after the scenario's own
# arguments in $args): exit 0, outcome "limit", a whole trace.
stop_at() {
	what=$1
	shift
	checks=$((checks + 1))
	rm -f "$TMP/cut.uktrace"
	# shellcheck disable=SC2086
	"$UKERN" run $args "$@" --stats json --quiet --trace "$TMP/cut.uktrace" \
		>"$TMP/out" 2>"$TMP/err"
	got=$?
	if [ "$got" -ne 0 ]; then
		fail "$what $*: exit $got"
		grep -v '^ *#[0-9]' "$TMP/err" | head -12 | sed 's/^/  stderr: /' >&2
		return
	fi
	checks=$((checks + 1))
	grep -q '"outcome": "limit"' "$TMP/out" || fail "$what $*: the outcome is not \"limit\""
	checks=$((checks + 1))
	"$UKERN" export "$TMP/cut.uktrace" --format csv >/dev/null 2>"$TMP/err" ||
		{ fail "$what $*: its trace does not read"; head -3 "$TMP/err" >&2; }
}

echo "$cases" | while IFS='|' read -r name args; do
	# The whole run: how many events, how long.
	# shellcheck disable=SC2086
	line=$("$UKERN" run $args --stats text --quiet 2>/dev/null | head -1)
	events=$(echo "$line" | sed -n 's/.*(\([0-9]*\) events)$/\1/p')
	end_ns=$(echo "$line" | sed -n 's/.* at \([0-9.]*[a-z]*\)  (.*/\1/p' | awk '
		/ns$/ { sub(/ns$/, ""); printf "%d\n", $0; next }
		/us$/ { sub(/us$/, ""); printf "%d\n", $0 * 1000; next }
		/ms$/ { sub(/ms$/, ""); printf "%d\n", $0 * 1000000; next }
		/s$/  { sub(/s$/, "");  printf "%d\n", $0 * 1000000000; next }')
	if [ -z "$events" ] || [ -z "$end_ns" ] || [ "$events" -lt 8 ]; then
		fail "$name: no events or end in '$line'"
		echo "$checks $failures" >"$TMP/counts"
		continue
	fi
	shift_by=$(( $(printf '%s' "$name" | cksum | cut -d' ' -f1) % 7 ))
	for k in 1 2 3; do
		stop_at "$name" --max-events $((events * k / 4 + shift_by))
	done
	stop_at "$name" --until "$((end_ns / 2 + shift_by))ns"
	echo "$checks $failures" >"$TMP/counts"
done
# The loop ran in a subshell: its counts come back through a file.
if [ -s "$TMP/counts" ]; then
	read -r checks failures <"$TMP/counts"
else
	fail "the loop over the cases did not run"
fi

args=scenarios/hello.lua
stop_at hello --max-events 27
args=scenarios/nameserver.lua
stop_at nameserver --max-events 48
finish
