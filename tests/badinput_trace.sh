#!/bin/sh
# badinput_trace.sh - damaged traces for the commands that read them (export
# in every format, render, view): cut at every byte (so at every record
# boundary too), every byte overwritten, a wrong magic or version, absurd
# lengths, values no run writes. Each gets "FILE: byte N: ..." and exit
# status 2, or (a byte overwritten into another valid value) is read, or
# (render and view, a trace cut after its header) is shown up to the cut
# with a note; never a crash, never a half-written output. The reader itself: tests/test_trace_damage.c.
. "${top_srcdir:-.}/tests/lib.sh"

T="$TMP/good.uktrace"
run 0 run scenarios/hello.lua --trace "$T" --quiet || finish
size=$(wc -c <"$T")
D="$TMP/bad.uktrace"
O="$TMP/out.csv"
# Under valgrind (make check-valgrind) every program start costs seconds:
# look at every 16th byte only.
step=1
[ -n "${UKERN_VALGRIND:-}" ] && step=16
NOVIZ=
"$UKERN" render "$T" -o "$TMP/x.png" >/dev/null 2>&1 || NOVIZ=1

# damaged CMD...: ukern CMD on $D exits 2 with a message naming $D and a
# byte offset, and writes nothing under $O.
damaged() {
	"$UKERN" "$@" >/dev/null 2>"$TMP/err"
	got=$?
	checks=$((checks + 1))
	if [ "$got" -ne 2 ]; then
		fail "ukern $* on $(cat "$TMP/what") exited $got, expected 2"
	elif ! grep -q "^$D: byte [0-9]*: " "$TMP/err"; then
		fail "ukern $* on $(cat "$TMP/what"): no 'FILE: byte N:' message: $(head -c 200 "$TMP/err")"
	fi
	if [ -e "$O" ] || ls "$TMP"/*.tmp.* >/dev/null 2>&1; then
		fail "ukern $* on $(cat "$TMP/what") left an output or a temporary file"
		rm -f "$O" "$TMP"/*.tmp.*
	fi
}

# read_or_refused CMD...: exit 0 or 2 (a changed byte may still make a valid
# trace), never a crash; on 2 the message names the file and the byte.
read_or_refused() {
	"$UKERN" "$@" >/dev/null 2>"$TMP/err"
	got=$?
	checks=$((checks + 1))
	case $got in
	0) rm -f "$O" ;;
	2) grep -q "^$D: byte [0-9]*: " "$TMP/err" ||
		fail "ukern $* on $(cat "$TMP/what"): no 'FILE: byte N:' message: $(head -c 200 "$TMP/err")" ;;
	*) fail "ukern $* on $(cat "$TMP/what") exited $got" ;;
	esac
}

# drawn_to_cut CODE CMD...: ukern CMD on $D, a trace cut after its header,
# shows the records before the cut: exit CODE, the reader's message naming
# $D and the byte, then the note.
drawn_to_cut() {
	want=$1
	shift
	"$UKERN" "$@" >/dev/null 2>"$TMP/err"
	got=$?
	checks=$((checks + 1))
	if [ "$got" -ne "$want" ]; then
		fail "ukern $* on $(cat "$TMP/what") exited $got, expected $want: $(head -c 300 "$TMP/err")"
	elif ! grep -Eq "^$D: byte [0-9]*: (trace is truncated|string of [0-9]+ bytes runs past the end of the file)" "$TMP/err" ||
		! grep -q "^ukern: $1: note: showing the [0-9]* records\? before the cut" "$TMP/err"; then
		fail "ukern $* on $(cat "$TMP/what"): no message and note: $(head -c 300 "$TMP/err")"
	fi
	rm -f "$O"
}

# Cut at every byte: always refused by export, whatever the format (the
# other formats at every 32nd byte). render and view (which reads the whole
# trace before it opens a window; there is no display here) at every 64th:
# a cut inside the header (hello's is 59 bytes) is refused, any later one
# shows the records before the cut.
n=0
while [ $n -lt "$size" ]; do
	head -c $n "$T" >"$D"
	echo "the trace cut at byte $n" >"$TMP/what"
	damaged export "$D" --format csv -o "$O"
	if [ $((n % 32)) -eq 0 ]; then
		damaged export "$D" --format chrome -o "$O"
		damaged export "$D" --format paje -o "$O"
		damaged export "$D" -o "$O"
	fi
	if [ $((n % 64)) -eq 0 ] && [ -z "$NOVIZ" ] && [ $n -lt 59 ]; then
		damaged render "$D" -o "$O"
		DISPLAY= damaged view "$D"
	elif [ $((n % 64)) -eq 0 ] && [ -z "$NOVIZ" ]; then
		drawn_to_cut 0 render "$D" -o "$O"
		SDL_VIDEODRIVER=dummy drawn_to_cut 1 view "$D"
	fi
	n=$((n + step))
done

# Every byte overwritten with 0xff, every 8th with 0x00 (chrome at every 32nd).
n=0
while [ $n -lt "$size" ]; do
	for b in '\377' '\000'; do
		[ "$b" = '\000' ] && [ $((n % 8)) -ne 0 ] && continue
		{ head -c $n "$T"; printf "$b"; tail -c +$((n + 2)) "$T"; } >"$D"
		echo "the trace with byte $n set to $b" >"$TMP/what"
		read_or_refused export "$D" --format csv -o "$O"
		[ $((n % 32)) -eq 0 ] && read_or_refused export "$D" --format chrome -o "$O"
	done
	n=$((n + step))
done

# A wrong magic, a version from the future, absurd lengths and counts.
# bytes: 0-7 magic, 8 version (4), 9 the number of header pairs, 10 the
# length of the first key.
patch() {   # patch OFFSET BYTES(printf) WHAT
	{ head -c "$1" "$T"; printf "$2"; tail -c +$(($1 + 1 + $4)) "$T"; } >"$D"
	echo "$3" >"$TMP/what"
}
patch 0 'UKTRACF\n' "a wrong magic" 8
damaged export "$D" -o "$O" && expect_err 'byte [0-7]: not a ukern trace \(bad magic\)'
patch 8 '\005' "version 5" 1
damaged export "$D" -o "$O" && expect_err 'byte 8: .*version 5'
patch 8 '\377\377\377\377\377\377\377\377\377\001' "a version of 2^64-1" 1
damaged export "$D" -o "$O"
patch 9 '\377\377\377\377\017' "4 billion header pairs" 1
damaged export "$D" -o "$O"
patch 10 '\377\377\377\377\017' "a key of 4 GiB" 1
damaged export "$D" -o "$O"
patch 10 '\377\377\377\377\377\377\377\377\377\177' "a key length past 64 bits" 1
damaged export "$D" -o "$O"
# Values no run writes, refused by every reader (trace-format.md section 6).
# bytes: hello's third record, a thread_state, starts at 77: kind, delta,
# tid 79, state 80, reason 81, port 82; its msg_send of flow 1 at 133:
# kind, delta, flow, tid 136, port 137.
bad_value() {   # bad_value OFFSET BYTE WHAT MESSAGE
	patch "$1" "$2" "$3" 1
	damaged export "$D" -o "$O" && expect_err "^$D: byte [0-9]*: $4\$"
	if [ -z "$NOVIZ" ]; then
		damaged render "$D" -o "$O" && expect_err "^$D: byte [0-9]*: $4\$"
		DISPLAY= damaged view "$D" && expect_err "^$D: byte [0-9]*: $4\$"
	fi
}
bad_value 80 '\025' "thread state 21" 'thread_state record: state 21 is out of its range \(0 to 3\)'
bad_value 81 '\023' "thread reason 19" 'thread_state record: reason 19 is out of its range \(0 to 18\)'
bad_value 79 '\011' "thread_state of tid 9" 'thread_state record: tid 9 names no thread \(no thread_new record created it before\)'
bad_value 136 '\136' "msg_send from tid 94" 'msg_send record: tid 94 names no thread \(no thread_new record created it before\)'
bad_value 137 '\164' "msg_send to port 116" 'msg_send record: port 116 names no port \(no port_new record created it before\)'
# A folded record is refused as the half that holds the value: its first
# dispatch_running at 107: kind, delta, cpu, tid 110; its deliver_woken of
# flow 1 at 141: kind, delta, flow, tid 144, port 145.
bad_value 110 '\011' "dispatch_running of tid 9" 'dispatch record: tid 9 names no thread \(no thread_new record created it before\) \(one half of a dispatch_running record\)'
bad_value 145 '\164' "deliver_woken from port 116" 'msg_deliver record: port 116 names no port \(no port_new record created it before\) \(one half of a deliver_woken record\)'
# The end record (its count at 475, the last byte) counts the file's 49
# records, a folded one once; read, they are 64, as the other messages say.
bad_value 475 '\100' "an end count of 64" 'the end record counts 64 records but the trace has 49 \(64 as read: a folded record, dispatch_running or deliver_woken, counts once\)'

# A cut that leaves one record: the note says "1 record".
if [ -z "$NOVIZ" ]; then
	n=60
	one=
	while [ $n -lt 120 ] && [ -z "$one" ]; do
		head -c $n "$T" >"$D"
		"$UKERN" render "$D" -o "$O" >/dev/null 2>"$TMP/err"
		grep -q "showing the [1-9][0-9]* records\? before the cut" "$TMP/err" && one=$n
		n=$((n + 1))
	done
	checks=$((checks + 1))
	[ -n "$one" ] && grep -q "^ukern: render: note: showing the 1 record before the cut" "$TMP/err" ||
		fail "the shortest cut shown after the header does not say '1 record': $(head -c 300 "$TMP/err")"
	rm -f "$O"
fi

: >"$D"
echo "an empty file" >"$TMP/what"
damaged export "$D" -o "$O" && expect_err "^$D: byte 0: "
[ -z "$NOVIZ" ] && damaged render "$D" -o "$O"
finish
