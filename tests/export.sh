#!/bin/sh
# export.sh - "ukern export" in every format on the traces of every shipped
# scenario: the same trace gives the same bytes, -o writes what stdout
# shows, every delivered message gets one s/f flow pair (chrome) and one
# link (paje), and bad input gets the documented exit code with nothing left
# behind. The deeper checks that need python3 or pj_dump are in
# export_chrome.sh and export_paje.sh.
. "${top_srcdir:-.}/tests/lib.sh"

FORMATS="text csv chrome paje"

# count PATTERN FILE: lines of FILE matching the fixed string PATTERN.
count() {
	grep -c -F -- "$1" "$2"
}

# 1 if the kernel sent notices of its own (its lane, pid 0, is named), else 0.
kernel_lane() {
	if grep -q ' msg_send flow=[0-9]* tid=0 ' "$1"; then echo 1; else echo 0; fi
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

for f in scenarios/*.lua; do
	s=$(basename "$f" .lua)
	record "$s" "$f" || continue
	run 0 export "$TMP/$s.uktrace" && cp "$TMP/out" "$TMP/$s.txt"
	delivered=$(count ' msg_deliver ' "$TMP/$s.txt")
	sends=$(count ' msg_send ' "$TMP/$s.txt")
	for f in $FORMATS; do
		run 0 export "$TMP/$s.uktrace" --format "$f" && cp "$TMP/out" "$TMP/$s.$f"
		run 0 export "$TMP/$s.uktrace" --format "$f" && checks=$((checks + 1)) &&
			{ cmp -s "$TMP/$s.$f" "$TMP/out" || fail "$s: --format $f differs between two exports"; }
		run 0 export "$TMP/$s.uktrace" --format "$f" -o "$TMP/$s-o.$f" && checks=$((checks + 1)) &&
			{ cmp -s "$TMP/$s.$f" "$TMP/$s-o.$f" || fail "$s: --format $f: -o FILE differs from stdout"; }
	done

	# chrome: an object with the two keys, one event per line, an s and an
	# f per delivered message, every f bound to the enclosing slice.
	checks=$((checks + 5))
	head -n 1 "$TMP/$s.chrome" | grep -q '^{"displayTimeUnit":"ns","traceEvents":\[$' ||
		fail "$s: chrome does not start with displayTimeUnit and traceEvents"
	[ "$(count '"ph":"s"' "$TMP/$s.chrome")" -eq "$delivered" ] ||
		fail "$s: $(count '"ph":"s"' "$TMP/$s.chrome") flow starts for $delivered deliveries"
	[ "$(count '"ph":"f"' "$TMP/$s.chrome")" -eq "$delivered" ] ||
		fail "$s: $(count '"ph":"f"' "$TMP/$s.chrome") flow ends for $delivered deliveries"
	[ "$(count '"bp":"e"}' "$TMP/$s.chrome")" -eq "$delivered" ] ||
		fail "$s: not every flow end binds to its enclosing slice"
	[ "$(count '"name":"process_name"' "$TMP/$s.chrome")" -eq \
	  "$(($(count ' proc_new ' "$TMP/$s.txt") + 1 + $(kernel_lane "$TMP/$s.txt")))" ] ||
		fail "$s: not one process_name per process (and one for the CPUs)"

	# paje: the header defines the events it uses, a link starts at every
	# send and ends at every delivery or drop, or (in the "undelivered" row)
	# at the end of the trace for a message still queued then (a client's
	# exit notice to a file server, sent as the last client ends the run).
	checks=$((checks + 4))
	grep -q '^%EventDef PajeStartLink ' "$TMP/$s.paje" || fail "$s: paje defines no PajeStartLink"
	grep -q '^%EventDef PajeDefineEntityValue ' "$TMP/$s.paje" ||
		fail "$s: paje defines no entity values"
	[ "$(grep -c '^9 ' "$TMP/$s.paje")" -eq "$sends" ] || fail "$s: not one PajeStartLink per send"
	[ "$(grep -c '^10 ' "$TMP/$s.paje")" -eq "$sends" ] &&
		[ "$sends" -ge "$((delivered + $(count ' msg_drop ' "$TMP/$s.txt")))" ] ||
		fail "$s: not one PajeEndLink per delivery, drop or message still queued at the end"
done

# An unknown format lists the formats; usage names them too.
run 2 export "$TMP/hello.uktrace" --format yaml &&
	expect_err "^ukern: export: --format yaml: unknown format \(formats: text, csv, chrome, paje\)$"
run 2 export && expect_err 'usage: ukern export TRACE --format text\|csv\|chrome\|paje \[-o FILE\]'

# A truncated trace: exit 2 with the reader's message, in every format; with
# -o nothing is written and an older file stays as it was.
head -c 294 "$TMP/hello.uktrace" >"$TMP/cut.uktrace"
run 2 export "$TMP/cut.uktrace" &&
	expect_err "cut.uktrace: byte 294: trace is truncated inside the deliver_woken record that starts at byte 291, after 42 records \(the file was cut short: an incomplete copy, a full disk, or a crash of the program writing it\)$"
for f in $FORMATS; do
	run 2 export "$TMP/cut.uktrace" --format "$f" &&
		expect_err "cut.uktrace: byte 294: trace is truncated"
	echo precious >"$TMP/old.$f"
	run 2 export "$TMP/cut.uktrace" --format "$f" -o "$TMP/old.$f" &&
		expect_err "cut.uktrace: byte 294: trace is truncated"
	checks=$((checks + 1))
	[ "$(cat "$TMP/old.$f")" = precious ] || fail "$f: a failed export overwrote its output"
done
run 2 export /dev/null --format chrome && expect_err '^/dev/null: byte 0: empty file, not a ukern trace'

# -o into a directory that does not exist: a host error, nothing left.
for f in chrome paje; do
	run 1 export "$TMP/hello.uktrace" --format "$f" -o "$TMP/no/such/dir/x.$f" &&
		expect_err "no/such/dir/x.$f: cannot write: No such file or directory"
done
checks=$((checks + 2))
[ ! -e "$TMP/no" ] || fail "a failed export created a directory"
ls "$TMP" | grep -q '\.tmp\.' && fail "temporary export files left behind"
# Version 3's fault records, decoded: a crash names the process, a respawn
# both incarnations; the crashed thread's reason and the exit say crash.
run 0 export "$TMP/reincarnation.uktrace" &&
	expect_out ' crash pid=2\(quote\) incarnation=1 "quote"$' &&
	expect_out ' log tid=0 "crash of quote \(fault at scenarios/reincarnation.lua:[0-9]+\): process quote \(pid 2\) crashes"' &&
	expect_out ' thread_state tid=2\(quote\) state=exited reason=crash port=0' &&
	expect_out ' proc_exit pid=2\(quote\) code=-1 faulted=2' &&
	expect_out ' respawn tid=[0-9]+\(rs\) old=2\(quote\) pid=7 incarnation=2' &&
	expect_out ' proc_new pid=7\(quote#2\) daemon=1 "quote#2"'
record delay tests/api/delay.lua && run 0 export "$TMP/delay.uktrace" &&
	expect_out ' msg_delay flow=[0-9]+ port=[0-9]+\(echo\) delay=2000000$'

# Migration records name their nodes, strategy and mobility; the batch sent
# while the process is stopped is round 0, marked so; csv keeps the numbers.
run 0 run tests/api/migrate.lua --set strategy=pre-copy --trace "$TMP/mig.uktrace" --quiet
run 0 export "$TMP/mig.uktrace" &&
	expect_out '^ +20\.000000ms  migrate id=1 pid=5\(worker\) from=0\(A\) to=1\(B\) strategy=pre-copy mobility=strong$' &&
	expect_out 'migrate_round id=1 round=1 pages=' && expect_out 'migrate_round id=1 round=0\(stopped\) pages=' &&
	expect_out 'proc_node pid=5\(worker\) node=1\(B\)$'
run 0 export "$TMP/mig.uktrace" --format csv && expect_out '^20000000,migrate,1,5,0,1,2,1,'
# A destination named through a symbolic link keeps the link, and the file
# it names gets the output: renaming over the link would replace it with a
# file (and --trace /dev/stdout, standard output being a file, would replace
# /dev/stdout itself).
ln -s hello-real.uktrace "$TMP/hello-link.uktrace"
ln -s hello-real.txt "$TMP/hello-link.txt"
run 0 run scenarios/hello.lua --trace "$TMP/hello-link.uktrace" --quiet
run 0 export "$TMP/hello-link.uktrace" -o "$TMP/hello-link.txt"
checks=$((checks + 4))
[ -L "$TMP/hello-link.uktrace" ] || fail "run --trace LINK replaced the link with a file"
cmp -s "$TMP/hello-real.uktrace" "$TMP/hello.uktrace" ||
	fail "run --trace LINK: the file the link names is not the trace"
[ -L "$TMP/hello-link.txt" ] || fail "export -o LINK replaced the link with a file"
cmp -s "$TMP/hello-real.txt" "$TMP/hello.txt" ||
	fail "export -o LINK: the file the link names is not the export"
# --trace /dev/stdout writes the trace to standard output (which the run
# sets aside for the statistics), down a pipe as into a file; the
# statistics follow it, not over it.
checks=$((checks + 3))
"$UKERN" run scenarios/hello.lua --trace /dev/stdout --quiet 2>/dev/null >"$TMP/so.uktrace"
cmp -s "$TMP/so.uktrace" "$TMP/hello.uktrace" || fail "run --trace /dev/stdout: not the trace"
"$UKERN" run scenarios/hello.lua --trace /dev/stdout --quiet 2>/dev/null | cat >"$TMP/sop.uktrace"
cmp -s "$TMP/sop.uktrace" "$TMP/hello.uktrace" || fail "run --trace /dev/stdout | cat: not the trace"
"$UKERN" run scenarios/hello.lua --trace /dev/stdout --stats json --quiet 2>/dev/null >"$TMP/sos"
head -c "$(wc -c <"$TMP/hello.uktrace")" "$TMP/sos" | cmp -s - "$TMP/hello.uktrace" &&
	tail -n 1 "$TMP/sos" | grep -q '^}$' ||
	fail "run --trace /dev/stdout --stats json: not the trace, then the statistics"
finish
