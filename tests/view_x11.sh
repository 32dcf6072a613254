#!/bin/sh
# view_x11.sh - ukern view in a real window: under Xvfb, the viewer opens on
# the hello trace, a screenshot of the screen (ImageMagick's import) is not
# blank, and its plot equals the headless render of the same view pixel for
# pixel (both use SDL's software renderer); on cow-fork's trace the key 4
# shows the memory view, equal to its headless render (with xdotool). Skips (77) without Xvfb,
# import or xdotool, and in a ukern built without the viewer.
. "${top_srcdir:-.}/tests/lib.sh"

need_window_tools

viewer_fonts
unset SDL_VIDEODRIVER
# In a sanitizer build: the X11 and D-Bus libraries under SDL keep memory
# past exit that is not ukern's (render.sh checks ukern's own for leaks).
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"

run 0 run scenarios/hello.lua --trace "$TMP/hello.uktrace" --quiet
SDL_VIDEODRIVER=dummy run 0 render "$TMP/hello.uktrace" -o "$TMP/ref.png"
run 0 run scenarios/cow-fork.lua --trace "$TMP/cow.uktrace" --quiet
SDL_VIDEODRIVER=dummy run 0 render "$TMP/cow.uktrace" -o "$TMP/ref-mem.png" --view memory --to 80us

# In the X server: start the viewer, take screenshots until one shows it
# (at most 20 s), then close the viewer; then the viewer on cow-fork's
# trace, switched to the memory view with the key 4.
cat >"$TMP/inside.sh" <<'EOF'
"$UKERN" view "$1/hello.uktrace" >"$1/view.out" 2>"$1/view.err" &
pid=$!
i=0
while [ $i -lt 80 ]; do
	sleep 0.25
	i=$((i + 1))
	import -window root "$1/shot.png" 2>/dev/null || continue
	[ "$("$PNGCHECK" "$1/shot.png" count ffffff 0 0 0 1280 800)" -gt 200000 ] && break
done
kill $pid 2>/dev/null
wait $pid 2>/dev/null
. "${top_srcdir:-.}/tests/xwindow.sh"
view_window "$1/view.out" "$1/view.err" "$1/cow.uktrace" --to 80us
# Press 4 until the window shows the memory view (a busy machine may take
# a while to map the window and draw), at most 20 s.
i=0
while [ $i -lt 40 ]; do
	sleep 0.5
	i=$((i + 1))
	xdotool key --window "$(xdotool search --name "ukern view" | head -1)" 4 2>/dev/null
	sleep 0.5
	import -window root "$1/shot-mem.png" 2>/dev/null || continue
	[ "$("$PNGCHECK" "$1/shot-mem.png" diff "$1/ref-mem.png" 0 0 1250 760 2>/dev/null)" = 0 ] && break
done
kill $pid 2>/dev/null
wait $pid 2>/dev/null
exit 0
EOF
checks=$((checks + 1))
under_xvfb 120 "$TMP/xvfb.out" sh "$TMP/inside.sh" "$TMP" ||
	fail "the X session failed: $(head -5 "$TMP/xvfb.out")"
checks=$((checks + 1))
if [ ! -f "$TMP/shot.png" ]; then
	fail "no screenshot (viewer: $(head -3 "$TMP/view.err" 2>/dev/null))"
	finish
fi

measure() {
	"$PNGCHECK" "$@" 2>/dev/null || echo -1
}
checks=$((checks + 4))
[ "$(measure "$TMP/shot.png" size)" = "1280 800" ] || fail "screenshot size $(measure "$TMP/shot.png" size)"
[ "$(measure "$TMP/shot.png" count ffffff 0 0 0 1280 800)" -gt 200000 ] ||
	fail "the screenshot is blank (viewer: $(head -3 "$TMP/view.err"))"
[ "$(measure "$TMP/shot.png" ink 0 0 1280 800)" -gt 2000 ] || fail "the window shows no text"
[ "$(measure "$TMP/shot.png" colours 0 0 1280 800)" -gt 20 ] || fail "the window has too few colours"
# The plot and the header are the headless render's, pixel for pixel (the
# window adds a cursor at the right edge and key hints in the legend).
checks=$((checks + 1))
d=$(measure "$TMP/shot.png" diff "$TMP/ref.png" 0 0 1250 760)
[ "$d" -eq 0 ] || fail "the window differs from the headless render in $d pixels"
# The memory view, chosen with the key 4: the frame grid, the address
# spaces and the strip are the headless render's (the legend differs: key
# hints).
if command -v xdotool >/dev/null 2>&1; then
	checks=$((checks + 2))
	[ "$(measure "$TMP/shot-mem.png" count c297ff 6 0 40 1280 560)" -gt 2000 ] ||
		fail "the memory view did not come with the key 4 (viewer: $(head -3 "$TMP/view.err"))"
	d=$(measure "$TMP/shot-mem.png" diff "$TMP/ref-mem.png" 0 0 1280 740)
	[ "$d" -eq 0 ] || fail "the memory view's window differs from the headless render in $d pixels"
fi
finish
