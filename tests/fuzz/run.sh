#!/bin/sh
# run.sh - run libFuzzer targets for a bounded time each (make fuzz).
#
#   FUZZ_SECONDS=60 FUZZ_OUT=fuzz-out top_srcdir=SRC run.sh TARGET...
#
# Each target tests/fuzz/fuzz_TARGET (in the build directory) starts from
# the committed corpus and regression inputs (SRC/tests/fuzz/corpus/TARGET,
# SRC/tests/fuzz/regress/TARGET) and from what earlier runs found, and
# writes what it finds to FUZZ_OUT/corpus/TARGET - never to the committed
# corpus. A crash, leak, timeout or broken property stops that target and
# leaves the input in FUZZ_OUT/crashes/TARGET/; the full log is
# FUZZ_OUT/TARGET.log. Then comes a line per target: runs, runs per second,
# coverage, corpus size, and what it found.
#
# Exit status: 0 when no target found anything, 1 otherwise (or on misuse).
set -u
: "${FUZZ_SECONDS:=60}"
: "${FUZZ_OUT:=fuzz-out}"
: "${FUZZ_TIMEOUT:=25}"
: "${top_srcdir:=.}"
if [ $# -eq 0 ]; then
	echo "usage: run.sh TARGET..." >&2
	exit 1
fi
fuzzdir=$top_srcdir/tests/fuzz
found=0

# The last value of libFuzzer's final statistic NAME in LOG.
stat() {
	sed -n "s/^stat::$1: *//p" "$2" | tail -n 1
}

for t in "$@"; do
	bin=./tests/fuzz/fuzz_$t
	if [ ! -x "$bin" ]; then
		echo "run.sh: $bin is not built (configure --enable-fuzz, then make fuzz)" >&2
		exit 1
	fi
	mkdir -p "$FUZZ_OUT/corpus/$t" "$FUZZ_OUT/crashes/$t"
	before=$(ls "$FUZZ_OUT/crashes/$t" | wc -l)
	set -- "$FUZZ_OUT/corpus/$t" "$fuzzdir/corpus/$t"
	if [ -d "$fuzzdir/regress/$t" ]; then
		set -- "$@" "$fuzzdir/regress/$t"
	fi
	dict=
	if [ -f "$fuzzdir/$t.dict" ]; then
		dict=-dict=$fuzzdir/$t.dict
	fi
	# -close_fd_mask=1: the targets' stdout is not wanted; stderr carries
	# the reports of libFuzzer, the sanitizers and fuzz_fail.
	"$bin" -max_total_time="$FUZZ_SECONDS" -timeout="$FUZZ_TIMEOUT" -rss_limit_mb=2048 \
		-close_fd_mask=1 -print_final_stats=1 -artifact_prefix="$FUZZ_OUT/crashes/$t/" \
		$dict "$@" >"$FUZZ_OUT/$t.log" 2>&1
	rc=$?
	runs=$(stat number_of_executed_units "$FUZZ_OUT/$t.log")
	speed=$(stat average_exec_per_sec "$FUZZ_OUT/$t.log")
	cov=$(grep -o 'cov: [0-9]*' "$FUZZ_OUT/$t.log" | tail -n 1)
	corp=$(grep -o 'corp: [0-9]*/[0-9]*[a-zA-Z]*' "$FUZZ_OUT/$t.log" | tail -n 1)
	crashes=$(($(ls "$FUZZ_OUT/crashes/$t" | wc -l) - before))
	printf '%-9s %10s runs %7s/s  %-10s %-16s %s\n' "$t" "${runs:-?}" "${speed:-?}" \
		"${cov:-cov: ?}" "${corp:-corp: ?}" \
		"$(if [ "$rc" -ne 0 ] || [ "$crashes" -ne 0 ]; then
			echo "FOUND: exit $rc, see $FUZZ_OUT/$t.log and $FUZZ_OUT/crashes/$t/"
		else
			echo "nothing found"
		fi)"
	if [ "$rc" -ne 0 ] || [ "$crashes" -ne 0 ]; then
		found=1
	fi
done
exit $found
