#!/bin/sh
# export_paje.sh - the Paje export read by pj_dump (Debian package pajeng):
# it accepts the file without a complaint, finds one thread container per
# thread, and one link per message - ending at the receiver when it was
# delivered, in the "undelivered" pseudo-thread when it was dropped or was
# still queued at the end. Skips (77) without pj_dump.
. "${top_srcdir:-.}/tests/lib.sh"

command -v pj_dump >/dev/null 2>&1 || { echo "pj_dump not found (apt-get install pajeng): skipped"; exit 77; }

# check NAME TRACE: export TRACE as text and paje and read it with pj_dump.
# (-e: pj_dump leaves out some entities that start exactly at the end of
# the trace unless the dump window reaches past it.)
check() {
	run 0 export "$2" -o "$TMP/$1.txt" || return
	run 0 export "$2" --format paje -o "$TMP/$1.paje" || return
	checks=$((checks + 1))
	if ! pj_dump -e 1e9 "$TMP/$1.paje" >"$TMP/$1.dump" 2>"$TMP/$1.err" || [ -s "$TMP/$1.err" ]; then
		fail "$1: pj_dump rejects the paje export"
		sed 's/^/  pj_dump: /' "$TMP/$1.err" | head -5 >&2
		return
	fi
	sends=$(grep -c ' msg_send ' "$TMP/$1.txt")
	delivered=$(grep -c ' msg_deliver ' "$TMP/$1.txt")
	threads=$(grep -c ' thread_new ' "$TMP/$1.txt")
	# the kernel's dead-name notices come from a "notices" pseudo-thread
	grep -q ' msg_send flow=[0-9]* tid=0 ' "$TMP/$1.txt" && threads=$((threads + 1))
	# messages never delivered (dropped, or left queued) end in an
	# "undelivered" pseudo-thread
	[ "$sends" -gt "$delivered" ] && threads=$((threads + 1))
	links=$(grep -c '^Link,' "$TMP/$1.dump")
	lost=$(grep -c '^Link,.*, undelivered, f[0-9]*$' "$TMP/$1.dump")
	echo "$1: $links links ($lost undelivered) for $sends messages, $delivered delivered"
	checks=$((checks + 3))
	[ "$links" -eq "$sends" ] || fail "$1: $links links for $sends messages"
	[ $((links - lost)) -eq "$delivered" ] || fail "$1: $((links - lost)) links delivered, not $delivered"
	[ "$(grep -c '^Container, [^,]*, Thread,' "$TMP/$1.dump")" -eq "$threads" ] ||
		fail "$1: not one thread container per thread"
}

# record NAME ARGS...: "ukern run ARGS" into $TMP/NAME.uktrace. Whatever the
# run's outcome (a deadlock, a script error), it must leave a trace.
record() {
	name=$1
	shift
	checks=$((checks + 1))
	"$UKERN" run "$@" --trace "$TMP/$name.uktrace" --quiet >/dev/null 2>&1
	[ -f "$TMP/$name.uktrace" ] || { fail "ukern run $*: no trace"; return 1; }
}

# Every shipped scenario, and variants that take other paths: buffered
# ports, user threads on LWPs, scheduler activations with their upcalls.
for f in scenarios/*.lua; do
	s=$(basename "$f" .lua)
	record "$s" "$f" && check "$s" "$TMP/$s.uktrace"
done
record buffering-q2 scenarios/buffering.lua --set qlimit=2 && check buffering-q2 "$TMP/buffering-q2.uktrace"
for m in many-to-one activations; do
	record "$m" scenarios/thread-models.lua --set model=$m && check "$m" "$TMP/$m.uktrace"
done
checks=$((checks + 1))
[ "$(grep -c '^Event, [^,]*, Upcall,' "$TMP/activations.dump")" -eq "$(grep -c ' upcall ' "$TMP/activations.txt")" ] ||
	fail "activations: not one event per upcall"

# A message dropped at a dead port, and two left queued by a deadlock, end
# in the "undelivered" pseudo-thread (one more thread container).
run 0 run tests/api/deadport.lua --trace "$TMP/deadport.uktrace" --quiet &&
	check deadport "$TMP/deadport.uktrace" && { checks=$((checks + 1));
	[ "$lost" -eq "$(grep -c ' msg_drop ' "$TMP/deadport.txt")" ] || fail "deadport: drops not undelivered"; }
run 3 run tests/bad/deadlock.lua --trace "$TMP/deadlock.uktrace" --quiet &&
	check deadlock "$TMP/deadlock.uktrace" && { checks=$((checks + 1));
	grep -q '^Event, machine, Deadlock,' "$TMP/deadlock.dump" || fail "deadlock: no deadlock event"; }
finish
