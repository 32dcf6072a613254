#!/bin/sh
# view_keys.sh - keys of ukern view that move the picture do what
# doc/viewer.md says, under Xvfb (with xdotool):
#  - + zooms around the middle of the picture: on the hello trace, whose
#    idle millisecond is collapsed left of the middle, two presses still
#    show the client running (around the middle of the window's times
#    they showed nothing but that idle stretch);
#  - Down in a view whose rows all fit changes nothing in another view:
#    the sequence view of peer-to-peer.lua fits, its CPU view does not
#    (how far each view scrolls: test_view_fit's test_first_row);
#  - ? opens the help as h does: it is typed as Shift and / on the X
#    server's US layout, so the viewer takes it as a character.
# Skips (77) without Xvfb, import or xdotool, and in a ukern built without
# the viewer.
. "${top_srcdir:-.}/tests/lib.sh"

need_window_tools

viewer_fonts
unset SDL_VIDEODRIVER
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"

run 0 run scenarios/hello.lua --trace "$TMP/hello.uktrace" --quiet
run 0 run scenarios/peer-to-peer.lua --trace "$TMP/p2p.uktrace" --quiet
SDL_VIDEODRIVER=dummy run 0 render "$TMP/p2p.uktrace" -o "$TMP/p2p-cpu.png" --view cpu
SDL_VIDEODRIVER=dummy run 0 render "$TMP/hello.uktrace" -o "$TMP/hello.png"

# In the X server: for each trace, start the viewer, wait for its window,
# press the keys, wait for the picture to settle and take a screenshot.
cat >"$TMP/inside.sh" <<'EOF'
. "${top_srcdir:-.}/tests/xwindow.sh"
# shot NAME TRACE KEYS...
shot() {
	name=$1 trace=$2
	shift 2
	view_window "$T/$name.out" "$T/$name.err" "$trace"
	sleep 1
	win=$(xdotool search --name "ukern view" | head -1)
	for k in "$@"; do
		xdotool key --window "$win" "$k"
		sleep 0.1
	done
	sleep 1.5
	import -window root "$T/$name.png"
	kill $pid 2>/dev/null
	wait $pid 2>/dev/null
	sleep 0.5
}
T=$1
shot zoom "$T/hello.uktrace" plus plus
shot carry "$T/p2p.uktrace" Down Down Next 2
shot help_h "$T/hello.uktrace" h
shot help_q "$T/hello.uktrace" question
exit 0
EOF
checks=$((checks + 1))
under_xvfb 120 "$TMP/xvfb.out" sh "$TMP/inside.sh" "$TMP" ||
	fail "the X session failed: $(head -5 "$TMP/xvfb.out")"

measure() {
	"$PNGCHECK" "$@" 2>/dev/null || echo -1
}
# Running green in the lanes after two presses of +.
checks=$((checks + 1))
[ "$(measure "$TMP/zoom.png" count 2da44e 6 110 40 1150 700)" -gt 5000 ] ||
	fail "after + +, the lanes show nothing running (viewer: $(head -3 "$TMP/zoom.err"))"
# The CPU rows and the thread rows from the first (names and bars, above the
# note that says which are shown and the cursor at the right edge) are the
# render's.
checks=$((checks + 1))
d=$(measure "$TMP/carry.png" diff "$TMP/p2p-cpu.png" 0 40 1250 600)
[ "$d" -eq 0 ] || fail "Down in the sequence view scrolled the CPU view: $d pixels differ"
# h covers the lanes with the help (most of their pixels differ from the
# render's), and ? shows the same.
checks=$((checks + 1))
d=$(measure "$TMP/help_h.png" diff "$TMP/hello.png" 0 110 1150 600)
[ "$d" -gt 100000 ] || fail "h shows no help: $d pixels of the lanes differ from the render"
checks=$((checks + 1))
d=$(measure "$TMP/help_q.png" diff "$TMP/help_h.png" 0 0 1280 800)
[ "$d" -eq 0 ] || fail "? does not show the help as h does: $d pixels differ"
finish
