#!/bin/sh
# view_live.sh - ukern run --view in a real window, driven by keys as a user
# would: under Xvfb, xdotool steps the paused run, runs it to a time, then
# to the end, takes a screenshot and quits. The window only drives the
# simulation: the trace and the statistics are byte for byte those of the
# same run without --view, deadlock (exit 3) included. Skips (77) without
# Xvfb, import or xdotool, and in a ukern built without the viewer.
. "${top_srcdir:-.}/tests/lib.sh"

need_window_tools

export SDL_AUDIODRIVER=dummy SDL_RENDER_DRIVER=software
unset SDL_VIDEODRIVER
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
S="${top_srcdir:-.}/scenarios/nested-servers.lua"

# The reference: the same runs without the viewer.
run 0 run "$S" --stats json --trace "$TMP/plain.uktrace"
cp "$TMP/out" "$TMP/plain.json"
run 3 run "$S" --set deadlock=true --stats json --trace "$TMP/plain-dl.uktrace"
cp "$TMP/out" "$TMP/plain-dl.json"

# In the X server: KEYS are typed into the window one by one, with a pause
# after each; a screenshot after the keys marked "shot".
cat >"$TMP/inside.sh" <<'INNER'
dir=$1 name=$2 shift_n=2
shift 2
"$UKERN" run "$@" --view --paused --stats json --trace "$dir/$name.uktrace" \
	>"$dir/$name.json" 2>"$dir/$name.err" &
pid=$!
i=0
until xdotool search --name "ukern run --view" >/dev/null 2>&1 || [ $i -ge 80 ]; do
	sleep 0.25
	i=$((i + 1))
done
win=$(xdotool search --name "ukern run --view" | head -1)
xdotool getwindowname "$win" >"$dir/$name.title"
sleep 1
import -window root "$dir/$name-start.png" 2>/dev/null
for k in n n; do
	xdotool key --window "$win" "$k"
	sleep 0.2
done
sleep 0.5
import -window root "$dir/$name-early.png" 2>/dev/null
for k in n n n t 2 m s Return; do
	xdotool key --window "$win" "$k"
	sleep 0.2
done
sleep 1
import -window root "$dir/$name-mid.png" 2>/dev/null
for k in t 1 m s Return; do
	xdotool key --window "$win" "$k"
	sleep 0.2
done
sleep 0.3
import -window root "$dir/$name-past.png" 2>/dev/null
xdotool key --window "$win" e
sleep 3
import -window root "$dir/$name-end.png" 2>/dev/null
# Hover over the front server's lane: a tooltip names what is there.
xdotool mousemove --window "$win" 600 175
sleep 0.3
xdotool mousemove --window "$win" 602 176
sleep 0.7
import -window root "$dir/$name-hover.png" 2>/dev/null
xdotool key --window "$win" q
wait $pid
echo $? >"$dir/$name.code"
INNER

checks=$((checks + 1))
under_xvfb 300 "$TMP/xvfb.out" sh "$TMP/inside.sh" "$TMP" live "$S" ||
	fail "the X session failed: $(head -5 "$TMP/xvfb.out")"
checks=$((checks + 1))
under_xvfb 300 "$TMP/xvfb.out" sh "$TMP/inside.sh" "$TMP" live-dl "$S" --set deadlock=true ||
	fail "the X session failed: $(head -5 "$TMP/xvfb.out")"

measure() {
	"$PNGCHECK" "$@" 2>/dev/null || echo -1
}
for name in live live-dl; do
	checks=$((checks + 1))
	[ -f "$TMP/$name.code" ] || { fail "$name: the run did not finish ($(head -3 "$TMP/$name.err"))"; continue; }
	checks=$((checks + 4))
	[ "$(measure "$TMP/$name-start.png" count ffffff 0 0 0 1280 800)" -gt 200000 ] ||
		fail "$name: the window at the start is blank ($(head -3 "$TMP/$name.err"))"
	[ "$(measure "$TMP/$name-mid.png" ink 0 0 1280 800)" -gt 2000 ] || fail "$name: no text mid-run"
	[ "$(measure "$TMP/$name-end.png" colours 0 0 1280 800)" -gt 20 ] || fail "$name: too few colours at the end"
	! cmp -s "$TMP/$name-start.png" "$TMP/$name-end.png" || fail "$name: the window did not change as the run went on"
	checks=$((checks + 1))
	[ "$(measure "$TMP/$name-hover.png" count 24292f 0 600 170 360 90)" -gt 300 ] ||
		fail "$name: no tooltip beside the pointer"
done
# Paused after two steps (0.1 us into the 1 us window), each lane's last
# state ends where the run is: the window's last 30 px have no running
# (green) or ready (amber) band in them.
checks=$((checks + 1))
[ "$(measure "$TMP/live-early.png" count 2da44e 8 1230 40 28 700)" = 0 ] &&
	[ "$(measure "$TMP/live-early.png" count f2c94c 8 1230 40 28 700)" = 0 ] ||
	fail "live: paused early, a lane's state is drawn on past the time the run has reached"
# Run to 1ms when the run is at 2ms: the current time moves back there
# (the lanes change: the cursor), and a message says so.
checks=$((checks + 1))
[ "$(measure "$TMP/live-past.png" diff "$TMP/live-mid.png" 110 40 1150 680)" -gt 100 ] &&
	[ "$(measure "$TMP/live-past.png" count 24292f 0 300 720 680 50)" -gt 300 ] ||
	fail "live: t to a time the run has passed did not show it"
checks=$((checks + 5))
[ "$(cat "$TMP/live.code" 2>/dev/null)" = 0 ] || fail "live: exit $(cat "$TMP/live.code" 2>/dev/null)"
[ "$(cat "$TMP/live-dl.code" 2>/dev/null)" = 3 ] || fail "live-dl: exit $(cat "$TMP/live-dl.code" 2>/dev/null), expected 3 (deadlock)"
cmp -s "$TMP/live.json" "$TMP/plain.json" || fail "live: the statistics differ from the run without --view"
cmp -s "$TMP/live.uktrace" "$TMP/plain.uktrace" || fail "live: the trace differs from the run without --view"
cmp -s "$TMP/live-dl.uktrace" "$TMP/plain-dl.uktrace" && cmp -s "$TMP/live-dl.json" "$TMP/plain-dl.json" ||
	fail "live-dl: the trace or statistics differ from the run without --view"
checks=$((checks + 1))
[ "$(cat "$TMP/live.title" 2>/dev/null)" = "ukern run --view - nested-servers.lua" ] ||
	fail "live: the window is titled '$(cat "$TMP/live.title" 2>/dev/null)', not with the scenario's file name"
checks=$((checks + 1))
grep -q 'a cycle of 3 threads' "$TMP/live-dl.err" || fail "live-dl: no deadlock report on stderr"

# Without a display, --view says so and exits 1 (as view), writing nothing.
DISPLAY= SDL_VIDEODRIVER=x11 run 1 run "$S" --view --trace "$TMP/nodisplay.uktrace" && expect_err 'run --view: cannot open a window'
checks=$((checks + 1))
[ ! -e "$TMP/nodisplay.uktrace" ] || fail "a failed --view left a trace behind"
run 2 run "$S" --paused && expect_err -- '--paused goes with --view'
finish
