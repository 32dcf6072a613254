#!/bin/sh
# render.sh - ukern render draws the shipped scenarios' traces headless:
# each view is checked by regions and colours (the page is white, state
# bands and arrows of the right colours are in the lanes, the header,
# gutter and legend carry text; the memory view of cow-fork.lua has its
# processes' frames and pages, shared ones edged, the latest ringed), the
# same input gives the same PNG bytes,
# and bad input gets its message and exit code with nothing written. In a
# ukern built without the viewer, view and render say so (exit 2).
# Pixel regions assume the default 1280x800 layout; colours are those of
# viz/palette.[ch].
. "${top_srcdir:-.}/tests/lib.sh"

export SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy SDL_RENDER_DRIVER=software
D=/usr/share/fonts/truetype/dejavu
if [ -f "$D/DejaVuSans.ttf" ] && [ -f "$D/DejaVuSans-Bold.ttf" ]; then
	export UKERN_FONT="$D/DejaVuSans.ttf" UKERN_FONT_BOLD="$D/DejaVuSans-Bold.ttf" \
		UKERN_FONT_MONO="$D/DejaVuSansMono.ttf"
fi

if [ "${UKERN_VIZ:-yes}" = no ]; then
	run 2 render "$TMP/x.uktrace" -o "$TMP/x.png" && expect_err 'built without the viewer'
	run 2 view "$TMP/x.uktrace" && expect_err 'built without the viewer'
	finish
fi
: "${PNGCHECK:?PNGCHECK must name tests/test_pngcheck}"

# measure PNG WHAT ARGS...: print what test_pngcheck measures.
measure() {
	"$PNGCHECK" "$@" 2>>"$TMP/err" || echo -1
}

# at_least N WHAT LABEL: fail unless WHAT >= N.
at_least() {
	checks=$((checks + 1))
	[ "$2" -ge "$1" ] || fail "$3: $2, expected at least $1"
}

# at_most N WHAT LABEL: fail unless WHAT <= N.
at_most() {
	checks=$((checks + 1))
	[ "$2" -le "$1" ] || fail "$3: $2, expected at most $1"
}

LANES='115 50 1140 690'
for s in hello pingpong buffering; do
	run 0 run "scenarios/$s.lua" --trace "$TMP/$s.uktrace" --quiet
done

# The sequence view of hello: lanes on white, running (green) and
# reply-blocked (lavender) bands, arrows to echo's port (blue) and to the
# name server (grey), the idle millisecond collapsed into a band, text in
# the header, the gutter and the legend.
P="$TMP/hello-seq.png"
run 0 render "$TMP/hello.uktrace" -o "$P"
checks=$((checks + 2))
[ ! -s "$TMP/out" ] || fail "render wrote to stdout: $(head -3 "$TMP/out")"
[ "$(measure "$P" size)" = "1280 800" ] || fail "hello: size $(measure "$P" size)"
at_least 300000 "$(measure "$P" count ffffff 0 $LANES)" "hello: white in the lanes"
at_least 3000 "$(measure "$P" count 2da44e 6 $LANES)" "hello: running (green) in the lanes"
at_least 1000 "$(measure "$P" count c5b3f6 6 $LANES)" "hello: reply-blocked (lavender)"
at_least 150 "$(measure "$P" count 0969da 40 $LANES)" "hello: arrows to echo's port (blue)"
at_least 150 "$(measure "$P" count 6e7781 30 $LANES)" "hello: arrows to the name server (grey)"
at_least 2000 "$(measure "$P" count eef1f4 2 $LANES)" "hello: the collapsed idle stretch"
at_least 300 "$(measure "$P" ink 0 0 1280 34)" "hello: text in the header"
at_least 150 "$(measure "$P" ink 0 50 105 690)" "hello: process names in the gutter"
at_least 300 "$(measure "$P" ink 0 772 1280 28)" "hello: text in the legend"
at_least 200 "$(measure "$P" ink 110 745 1170 25)" "hello: axis labels"
at_least 10 "$(measure "$P" colours $LANES)" "hello: colours in the lanes"

# Same input, same bytes; --view timeline is the sequence view; --linear
# keeps the idle millisecond (no collapsed band).
run 0 render "$TMP/hello.uktrace" -o "$TMP/again.png"
run 0 render "$TMP/hello.uktrace" -o "$TMP/timeline.png" --view timeline
checks=$((checks + 1))
! grep -q 'note:' "$TMP/err" || fail "render to a .png: a note"
# Another name gets the same PNG bytes, and a note that says so.
run 0 render "$TMP/hello.uktrace" -o "$TMP/again.jpg" &&
	expect_err "^ukern: note: $TMP/again.jpg: written as a PNG picture \(render writes PNG only" &&
	{ checks=$((checks + 1)); cmp -s "$P" "$TMP/again.jpg" || fail "hello: the .jpg is not the PNG"; }
checks=$((checks + 2))
cmp -s "$P" "$TMP/again.png" || fail "hello: two renders differ"
cmp -s "$P" "$TMP/timeline.png" || fail "hello: --view timeline differs from sequence"
run 0 render "$TMP/hello.uktrace" -o "$TMP/linear.png" --linear
at_most 50 "$(measure "$TMP/linear.png" count eef1f4 2 $LANES)" "hello --linear: a collapsed band"

# A window: 1.007ms to 1.010ms holds the call to echo and its reply only.
run 0 render "$TMP/hello.uktrace" -o "$TMP/zoom.png" --from 1.007ms --to 1.010ms
at_least 400 "$(measure "$TMP/zoom.png" count 0969da 40 $LANES)" "hello zoomed: the call to echo"
at_most 20 "$(measure "$TMP/zoom.png" count 6e7781 10 $LANES)" "hello zoomed: name server arrows"
# A window reaching the end of virtual time draws its ticks and ends (no wrap-around).
for v in sequence cpu topology; do
	checks=$((checks + 1))
	timeout 60 "$UKERN" render "$TMP/hello.uktrace" -o "$TMP/far.png" --view $v \
		--to 18446744073709551614ns >/dev/null 2>&1 ||
		fail "render --view $v to the end of virtual time: exit $?"
done

# CPU view: a bar per run in the thread's colour (echo blue, client purple,
# the name server grey), ready waits amber.
P="$TMP/hello-cpu.png"
run 0 render "$TMP/hello.uktrace" -o "$P" --view cpu
at_least 3000 "$(measure "$P" count 54aeff 4 150 40 1120 200)" "cpu: echo's runs"
at_least 3000 "$(measure "$P" count c297ff 4 150 40 1120 200)" "cpu: client's runs"
at_least 1000 "$(measure "$P" count afb8c1 4 150 40 1120 200)" "cpu: the name server's runs"
at_least 20 "$(measure "$P" count f2c94c 4 150 40 1120 200)" "cpu: ready waits"
at_least 100 "$(measure "$P" ink 0 40 140 200)" "cpu: CPU and thread names"
# A thread dispatched again at each tick is one bar: in mlfq-gaming.lua
# the first gamer runs from 10 ms to 19 ms (x 243 to 325 of the 120 ms in
# 1110 px), one dispatch a ms; past its name the bar is its colour only,
# with no border at each ms.
run 0 run scenarios/mlfq-gaming.lua --trace "$TMP/mlfq.uktrace" --quiet
P="$TMP/mlfq-cpu.png"
run 0 render "$TMP/mlfq.uktrace" -o "$P" --view cpu --to 120ms
at_least 1000 "$(measure "$P" count c297ff 0 265 60 50 20)" "cpu: the gamer's bar"
at_most 1 "$(measure "$P" colours 265 60 50 20)" "cpu: colours in the gamer's bar"

# Topology of buffering at 25 ms: the producer is SEND-blocked, the sink's
# queue (consumer blue) holds 2 of 2, three messages are in flight.
P="$TMP/buffering-topo.png"
run 0 render "$TMP/buffering.uktrace" -o "$P" --view topology --to 25ms
at_least 300 "$(measure "$P" count 0969da 10 0 40 1280 660)" "topology: queued messages and edges"
at_least 50 "$(measure "$P" count ffa46b 6 0 40 1280 660)" "topology: the producer's send-blocked swatch"
at_least 1000 "$(measure "$P" ink 0 40 1280 660)" "topology: box text"
run 0 render "$TMP/buffering.uktrace" -o "$TMP/buffering-empty.png" --view topology --to 1ms
checks=$((checks + 1))
[ "$(measure "$P" count 0969da 10 0 40 1280 660)" -gt \
  "$(measure "$TMP/buffering-empty.png" count 0969da 10 0 40 1280 660)" ] ||
	fail "topology: the queue is not fuller at 25 ms than at 1 ms"

# pingpong: a hundred round trips draw; other sizes draw at their size.
run 0 render "$TMP/pingpong.uktrace" -o "$TMP/pp.png" --size 640x400
checks=$((checks + 1))
[ "$(measure "$TMP/pp.png" size)" = "640 400" ] || fail "pingpong: size $(measure "$TMP/pp.png" size)"
run 0 render "$TMP/pingpong.uktrace" -o "$TMP/pp-big.png" --size 1920x1200 --frames 2 &&
	expect_err 'sequence view, 1920x1200, [0-9]+ records: 2 frames, [0-9.]+ ms per frame'
at_least 2000 "$(measure "$TMP/pp-big.png" count 0969da 60 160 70 1700 1000)" "pingpong: arrows to pong"

# LRPC in the sequence view: the caller's thread visits the server's lane (a
# band in the caller's colour, 4ac26b, under the server's own band) with an
# arrow in and one back across the lane between; the name server's lane
# above has none of it.
run 0 run scenarios/lrpc-paper.lua --set calls=1 --trace "$TMP/lrpc.uktrace" --quiet
run 0 render "$TMP/lrpc.uktrace" -o "$TMP/lrpc.png" --from 2.9ms --to 3.2ms --size 1100x620
at_least 3000 "$(measure "$TMP/lrpc.png" count 4ac26b 4 110 172 970 128)" "lrpc: the caller in the server's lane"
at_least 300 "$(measure "$TMP/lrpc.png" count 4ac26b 4 110 302 970 130)" "lrpc: arrows across taos's lane"
at_most 0 "$(measure "$TMP/lrpc.png" count 4ac26b 4 110 42 970 128)" "lrpc: nothing in the name server's lane"

# Bad input: messages, exit codes, nothing written under the real name.
T="$TMP/hello.uktrace"
run 2 render && expect_err 'render: no trace given'
run 2 render "$T" && expect_err 'no output file given \(-o OUT.png\)'
run 2 render "$TMP/none.uktrace" -o "$TMP/o.png" && expect_err "none.uktrace: No such file"
head -c 9 "$T" >"$TMP/hcut.uktrace"
run 2 render "$TMP/hcut.uktrace" -o "$TMP/o.png" &&
	expect_err '^.*hcut.uktrace: byte 9: trace is truncated inside the header$'
run 2 render /dev/null -o "$TMP/o.png" && expect_err 'empty file, not a ukern trace'
run 2 render "$T" -o "$TMP/o.png" --size 10x10 &&
	expect_err '--size 10x10: expected WIDTHxHEIGHT from 480x320 to 8192x8192'
run 2 render "$T" -o "$TMP/o.png" --size big && expect_err '--size big: expected WIDTHxHEIGHT'
run 2 render "$T" -o "$TMP/o.png" --view pie && expect_err '--view pie: expected sequence, cpu, topology or memory'
run 2 render "$T" -o "$TMP/o.png" --from 5ms --to 2ms && expect_err 'the window is empty'
run 2 render "$T" -o "$TMP/o.png" --from 2s && expect_err 'is not before the end of the run \(1.011776ms\)'
run 2 render "$T" -o "$TMP/o.png" --to 5xs && expect_err '--to 5xs: invalid duration'
run 2 render "$T" -o "$TMP/o.png" --frames 0 && expect_err '--frames 0: expected a number'
run 2 render "$T" -o "$TMP/o.png" --bogus && expect_err "render: unknown option '--bogus'"
run 2 render "$T" -o && expect_err '^ukern: -o needs a value'
run 1 render "$T" -o "$TMP/no/such/dir/o.png" && expect_err 'o.png: cannot write: No such file'
checks=$((checks + 1))
[ ! -e "$TMP/o.png" ] || fail "a failed render left $TMP/o.png"
echo old >"$TMP/keep.png"
run 2 render "$TMP/hcut.uktrace" -o "$TMP/keep.png"
checks=$((checks + 2))
[ "$(cat "$TMP/keep.png")" = old ] || fail "a failed render changed an existing file"
ls "$TMP" | grep -q '\.tmp\.' && fail "temporary files left behind"

# A pipe or a device (/dev/null) is written directly, never replaced by a
# renamed file (tested on a FIFO: the reader gets the PNG, the FIFO stays).
if mkfifo "$TMP/pipe" 2>/dev/null; then
	cat "$TMP/pipe" >"$TMP/piped.png" &
	run 0 render "$T" -o "$TMP/pipe"
	wait
	checks=$((checks + 2))
	[ -p "$TMP/pipe" ] || fail "render -o FIFO replaced the FIFO"
	[ "$(measure "$TMP/piped.png" size)" = "1280 800" ] || fail "no PNG came through the FIFO"
fi

# view checks its arguments and the trace before it opens a window.
run 2 view && expect_err 'view: no trace given'
run 2 view "$TMP/hcut.uktrace" && expect_err 'trace is truncated inside the header'
run 2 view "$T" --size 1x1 && expect_err '--size 1x1: expected'
run 2 view "$T" --view pie && expect_err '--view pie: expected'
run 2 view "$T" --from 3s && expect_err 'not before the end of the run'

# A trace cut short (here inside a record) is drawn up to the cut: the
# reader's message and a note on stderr, exit status 0, and the title says
# so. The time axis ends at the last record before the cut.
head -c 294 "$T" >"$TMP/cut.uktrace"
run 0 render "$TMP/cut.uktrace" -o "$TMP/cut.png" &&
	expect_err '^.*cut.uktrace: byte 294: trace is truncated inside the deliver_woken record that starts at byte 291, after 42 records \(the file was cut short: ' &&
	expect_err '^ukern: render: note: showing the 42 records before the cut, up to 1.004694ms$'
checks=$((checks + 1))
grep -q 'interrupted' "$TMP/err" && fail "the message of a cut trace speaks of an interrupted run"
at_least 300 "$(measure "$TMP/cut.png" ink 100 0 380 34)" "cut: '(trace cut short at ...)' in the title"
at_most 0 "$(measure "$TMP/hello-seq.png" ink 100 0 380 34)" "hello: nothing after the title"
at_least 30000 "$(measure "$TMP/cut.png" count d4dbe3 4 $LANES)" "cut: the servers' recv bands, drawn to the cut"
run 2 render "$TMP/cut.uktrace" -o "$TMP/o.png" --from 2ms &&
	expect_err 'is not before the end of the run \(1.004694ms\)'
# view loads it the same way, then (no display here) cannot open a window.
run 1 view "$TMP/cut.uktrace" &&
	expect_err '^ukern: view: note: showing the 42 records before the cut' &&
	expect_err '^ukern: view: cannot open a window'

# Without a display (no driver chosen, no X11, no Wayland reachable), view and
# run --view say one line, ukern's own (no line of SDL's or Wayland's before
# it), and exit 1, a failure of the host; run --view runs and writes nothing.
for cmd in "view $T" "run scenarios/hello.lua --view --trace $TMP/nodisp.uktrace"; do
	# shellcheck disable=SC2086
	SDL_VIDEODRIVER= DISPLAY= WAYLAND_DISPLAY= XDG_RUNTIME_DIR= run 1 $cmd &&
		expect_err '^ukern: (view|run --view): cannot open a window: '
	checks=$((checks + 1))
	[ "$(wc -l <"$TMP/err")" -eq 1 ] || fail "ukern $cmd without a display: $(cat "$TMP/err")"
done
checks=$((checks + 1))
[ ! -e "$TMP/nodisp.uktrace" ] || fail "run --view without a display wrote a trace"

# Page faults in the CPU view: a tick per fault on the thread's row, orange
# for a copy-on-write copy, amber for one without a copy; none in a run
# without memory.
run 0 run scenarios/cow-fork.lua --trace "$TMP/cow.uktrace" --quiet
run 0 render "$TMP/cow.uktrace" -o "$TMP/cow-cpu.png" --view cpu
run 0 render "$TMP/hello.uktrace" -o "$TMP/hello-cpu.png" --view cpu
at_least 100 "$(measure "$TMP/cow-cpu.png" count bc4c00 8 $LANES)" "cow-fork: copy-on-write ticks (orange)"
at_least 10 "$(measure "$TMP/cow-cpu.png" count d4a72c 8 $LANES)" "cow-fork: the last sharer's tick (amber)"
at_most 0 "$(measure "$TMP/hello-cpu.png" count bc4c00 8 $LANES)" "hello: page-fault ticks without memory"

# The memory view of cow-fork at 80 us: the parent's frames are shared by
# the three children (split in the four processes' colours with dark
# edges), the first child has copied two pages (its own purple frames, the
# latest ringed blue); each process's pages; the strip's zero-fill ticks,
# copy-on-write copies and frame counts. At 60 us, before the forks, only
# the parent's blue frames and nothing shared.
GRID='55 95 620 440' SPACES='695 60 580 520' STRIP='150 595 1115 140'
P="$TMP/cow-mem.png"
run 0 render "$TMP/cow.uktrace" -o "$P" --view memory --to 80us
for c in 54aeff c297ff 4ac26b fb8f44; do
	at_least 1000 "$(measure "$P" count $c 6 $GRID)" "cow-fork memory: frames of process colour $c"
	at_least 2000 "$(measure "$P" count $c 6 $SPACES)" "cow-fork memory: pages of process colour $c"
done
at_least 2000 "$(measure "$P" count 24292f 6 $GRID)" "cow-fork memory: shared frames' dark edges"
at_least 5000 "$(measure "$P" count 24292f 6 $SPACES)" "cow-fork memory: shared pages' dark edges"
at_least 150000 "$(measure "$P" count eef1f4 2 $GRID)" "cow-fork memory: free frames"
at_least 60 "$(measure "$P" count 0969da 10 $GRID)" "cow-fork memory: the latest copy ringed"
at_least 1000 "$(measure "$P" count 6e7781 8 $STRIP)" "cow-fork memory: zero-fill ticks"
at_least 20 "$(measure "$P" count bc4c00 8 $STRIP)" "cow-fork memory: copy-on-write ticks"
at_least 500 "$(measure "$P" count 8250df 8 $STRIP)" "cow-fork memory: the frames-shared line"
at_least 300 "$(measure "$P" ink 0 40 680 60)" "cow-fork memory: the grid's title"
at_least 300 "$(measure "$P" ink 690 40 590 400)" "cow-fork memory: process and region names"
run 0 render "$TMP/cow.uktrace" -o "$TMP/cow-mem60.png" --view memory --to 60us
at_least 10000 "$(measure "$TMP/cow-mem60.png" count 54aeff 6 $GRID)" "cow-fork at 60 us: the parent's frames"
at_most 0 "$(measure "$TMP/cow-mem60.png" count c297ff 6 $GRID)" "cow-fork at 60 us: a child's frames"
at_most 0 "$(measure "$TMP/cow-mem60.png" count 24292f 6 $GRID)" "cow-fork at 60 us: a shared frame"
at_most 0 "$(measure "$TMP/cow-mem60.png" count bc4c00 8 $STRIP)" "cow-fork at 60 us: copy-on-write ticks"
# Same input, same bytes; other sizes; the benchmark; a run without memory says so.
run 0 render "$TMP/cow.uktrace" -o "$TMP/cow-mem-again.png" --view memory --to 80us
checks=$((checks + 1))
cmp -s "$P" "$TMP/cow-mem-again.png" || fail "cow-fork memory: two renders differ"
run 0 render "$TMP/cow.uktrace" -o "$TMP/cow-mem-big.png" --view memory --to 80us --size 1920x1200 \
	--frames 2 && expect_err 'memory view, 1920x1200, [0-9]+ records: 2 frames, [0-9.]+ ms per frame'
checks=$((checks + 1))
[ "$(measure "$TMP/cow-mem-big.png" size)" = "1920 1200" ] || fail "memory view: size"
at_least 2000 "$(measure "$TMP/cow-mem-big.png" count c297ff 6 0 60 1920 800)" "memory view 1920x1200: a child's frames and pages"
run 0 render "$TMP/cow.uktrace" -o "$TMP/cow-mem-small.png" --view memory --to 80us --size 640x400
at_least 50 "$(measure "$TMP/cow-mem-small.png" count c297ff 6 0 30 640 300)" "memory view 640x400: a child's frames"
# ool-messages with touch=all (doc/tutorial/ool-messages.md): just after the
# last buffer is mapped, the server's received pages share the client's
# frames (dark edges) and the strip has the transfers' teal diamonds; by the
# time the server has written them all, none is shared any more.
run 0 run scenarios/ool-messages.lua --set touch=all --trace "$TMP/ool.uktrace" --quiet
run 0 render "$TMP/ool.uktrace" -o "$TMP/ool-mapped.png" --view memory --to 1.8021ms
run 0 render "$TMP/ool.uktrace" -o "$TMP/ool-written.png" --view memory --to 1.987ms
at_least 3000 "$(measure "$TMP/ool-mapped.png" count 24292f 6 695 100 580 60)" "ool memory: the received pages shared"
at_least 500 "$(measure "$TMP/ool-mapped.png" count 1b7c83 6 $STRIP)" "ool memory: out-of-line transfers"
at_most 0 "$(measure "$TMP/ool-written.png" count 24292f 6 695 100 580 60)" "ool memory: the written pages still shared"
at_least 8000 "$(measure "$TMP/ool-written.png" count 54aeff 6 695 100 580 60)" "ool memory: the server's own pages"
# --first-row: the rows from N on (clamped so that the last rows fill the
# picture); fileserver-architectures has 30 lanes, 9 of them shown at 480x320
run 0 run scenarios/fileserver-architectures.lua --trace "$TMP/fs.uktrace" --quiet
run 0 render "$TMP/fs.uktrace" -o "$TMP/fs-1.png" --size 480x320
run 0 render "$TMP/fs.uktrace" -o "$TMP/fs-10.png" --size 480x320 --first-row 10
run 0 render "$TMP/fs.uktrace" -o "$TMP/fs-10b.png" --size 480x320 --first-row 10
run 0 render "$TMP/fs.uktrace" -o "$TMP/fs-22.png" --size 480x320 --first-row 22
run 0 render "$TMP/fs.uktrace" -o "$TMP/fs-max.png" --size 480x320 --first-row 100000
run 0 render "$TMP/fs.uktrace" -o "$TMP/fs-one.png" --size 480x320 --first-row 1
checks=$((checks + 5))
cmp -s "$TMP/fs-1.png" "$TMP/fs-10.png" && fail "--first-row 10: the same picture as the first rows"
cmp -s "$TMP/fs-10.png" "$TMP/fs-10b.png" || fail "--first-row 10: two renders differ"
cmp -s "$TMP/fs-10.png" "$TMP/fs-22.png" && fail "--first-row 22: the same picture as 10"
cmp -s "$TMP/fs-22.png" "$TMP/fs-max.png" || fail "--first-row 100000: not the last rows (22-30)"
cmp -s "$TMP/fs-1.png" "$TMP/fs-one.png" || fail "--first-row 1: not the first rows"
run 2 render "$TMP/fs.uktrace" -o "$TMP/o.png" --first-row 0 &&
	expect_err '^ukern: --first-row 0: expected a row number from 1 to 100000$'
run 2 render "$TMP/fs.uktrace" -o "$TMP/o.png" --first-row x &&
	expect_err '--first-row x: expected a row number'
run 2 render "$TMP/fs.uktrace" -o "$TMP/o.png" --first-row &&
	expect_err 'first-row'
[ ! -e "$TMP/o.png" ] || fail "--first-row 0: a picture was written"
run 0 render "$TMP/hello.uktrace" -o "$TMP/hello-mem.png" --view memory
at_least 200 "$(measure "$TMP/hello-mem.png" count 8c959f 30 0 200 1280 200)" "hello memory: says it used none"
at_most 0 "$(measure "$TMP/hello-mem.png" count c297ff 6 0 40 1280 560)" "hello memory: process colours"
# at 480x320 the sentence breaks into lines inside the picture
run 0 render "$TMP/hello.uktrace" -o "$TMP/hello-mem-small.png" --view memory --size 480x320
at_least 100 "$(measure "$TMP/hello-mem-small.png" count 8c959f 30 0 40 480 140)" "hello memory 480x320: says it used none"
at_most 0 "$(measure "$TMP/hello-mem-small.png" count 8c959f 30 0 40 8 140)" "hello memory 480x320: text at the left edge"
at_most 0 "$(measure "$TMP/hello-mem-small.png" count 8c959f 30 472 40 8 140)" "hello memory 480x320: text at the right edge"
finish
