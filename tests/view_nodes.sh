#!/bin/sh
# view_nodes.sh - the views of several machines, headless and live.
# ukern render draws two-nodes-rpc.lua's traces with their nodes: the
# topology view frames each node in its colour, draws the four packets of a
# 5000-byte call on the LAN link when they are there and none before the
# network server has sent them, and a lost packet's cross in red; the
# sequence view puts a header per node across the lanes, and its caption
# over the arrows that cross it (peer-to-peer.lua's, at 0.02 s, under
# "(cpu0)"); the CPU view one over its CPUs and threads. Then ukern run --view of the same run under
# Xvfb, run to the moment the packets are on the link (keys t, 702.7ms,
# Enter), shows them there; its trace and statistics are byte for byte
# those of the run without the window. Pixel regions assume the default
# 1280x800 layout; colours are those of viz/palette.c. The live part skips
# without Xvfb, import or xdotool.
. "${top_srcdir:-.}/tests/lib.sh"

if [ "${UKERN_VIZ:-yes}" = no ]; then
	echo "SKIP: ukern was built without the viewer"
	exit 77
fi
: "${PNGCHECK:?PNGCHECK must name tests/test_pngcheck}"
viewer_fonts
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"

measure() {
	"$PNGCHECK" "$@" 2>/dev/null || echo -1
}
at_least() {
	checks=$((checks + 1))
	[ "$2" -ge "$1" ] || fail "$3: $2, expected at least $1"
}
at_most() {
	checks=$((checks + 1))
	[ "$2" -le "$1" ] || fail "$3: $2, expected at most $1"
}

# Node colours (frames, headers), the lan server's port colour (its
# messages' packets), the link's band, a lost packet's red.
A=3b5b8c B=7a4f86 C=2f6f4f LAN=1b7c83 BAND=c9d1d9 RED=cf222e
TOP='0 40 1280 560'          # the nodes
GAP='560 40 160 300'         # between A's frame and B's: the LAN link
BIG="--set from=5000 --set step=1000 --set max=6000"

# shellcheck disable=SC2086
run 0 run scenarios/two-nodes-rpc.lua $BIG --trace "$TMP/big.uktrace" --stats json
cp "$TMP/out" "$TMP/big.json"
run 0 run scenarios/two-nodes-rpc.lua --set part=loss --set retries=5 --until 115.34ms \
	--trace "$TMP/loss.uktrace" --quiet

export SDL_VIDEODRIVER=dummy
P="$TMP/topo.png"
run 0 render "$TMP/big.uktrace" -o "$P" --view topology --to 702.7ms
for c in $A $B $C; do
	at_least 2000 "$(measure "$P" count $c 0 $TOP)" "topology: node frame $c"
done
at_least 300 "$(measure "$P" count $BAND 0 $GAP)" "topology: the LAN link's band"
at_least 80 "$(measure "$P" count $LAN 0 $GAP)" "topology: packets on the LAN link at 702.7ms"
at_least 300 "$(measure "$P" ink 0 600 1280 100)" "topology: the links' charts"
run 0 render "$TMP/big.uktrace" -o "$TMP/topo-before.png" --view topology --to 702.2ms
at_most 5 "$(measure "$TMP/topo-before.png" count $LAN 0 $GAP)" \
	"topology: packets on the link at 702.2ms, before the network server sent them"
run 0 render "$TMP/big.uktrace" -o "$TMP/again.png" --view topology --to 702.7ms
checks=$((checks + 1))
cmp -s "$P" "$TMP/again.png" || fail "topology: two renders differ"

run 0 render "$TMP/loss.uktrace" -o "$TMP/loss.png" --view topology --from 100ms --to 115.34ms
at_least 40 "$(measure "$TMP/loss.png" count $RED 0 $TOP)" "topology: the lost packet's cross"
run 0 render "$TMP/big.uktrace" -o "$TMP/loss-free.png" --view topology
at_most 0 "$(measure "$TMP/loss-free.png" count $RED 0 $TOP)" "topology: red without a loss"

run 0 render "$TMP/loss.uktrace" -o "$TMP/seq.png" --from 100ms --to 115.34ms
for c in $A $B $C; do       # each node's name in its header, in its colour
	at_least 40 "$(measure "$TMP/seq.png" count $c 0 0 40 110 700)" "sequence: header $c"
done
at_least 15000 "$(measure "$TMP/seq.png" count f2edf3 1 0 40 1280 700)" \
	"sequence: node B's tinted header across the lanes"
# The arrows of the whole run pass under each node's caption: there it is
# the caption of a window of 5 ms, where nothing crosses it; right of it
# they differ.
run 0 run scenarios/peer-to-peer.lua --trace "$TMP/p2p.uktrace" --quiet
run 0 render "$TMP/p2p.uktrace" -o "$TMP/p2p.png"
run 0 render "$TMP/p2p.uktrace" -o "$TMP/p2p-5ms.png" --to 5ms
for y in 45 281 437 593; do   # the headers of nodes A to D, 18 px high
	at_most 0 "$(measure "$TMP/p2p.png" diff "$TMP/p2p-5ms.png" 0 $y 240 18)" \
		"sequence: arrows over the caption of the header at y $y"
	at_least 50 "$(measure "$TMP/p2p.png" diff "$TMP/p2p-5ms.png" 300 $y 960 18)" \
		"sequence: arrows across the header at y $y"
done
run 0 render "$TMP/loss.uktrace" -o "$TMP/cpu.png" --view cpu --from 100ms --to 115.34ms
for c in $A $B $C; do
	at_least 40 "$(measure "$TMP/cpu.png" count $c 0 0 40 150 700)" "cpu: header $c"
done
unset SDL_VIDEODRIVER

# Live: the same run in a window, to 702.7ms, then to the end.
for tool in Xvfb import xdotool; do
	command -v "$tool" >/dev/null 2>&1 || { echo "SKIP (live part): no $tool"; finish; }
done
cat >"$TMP/inside.sh" <<'INNER'
dir=$1
shift
"$UKERN" run "$@" --view topology --paused --stats json --trace "$dir/live.uktrace" \
	>"$dir/live.json" 2>"$dir/live.err" &
pid=$!
i=0
until xdotool search --name "ukern run --view" >/dev/null 2>&1 || [ $i -ge 80 ]; do
	sleep 0.25
	i=$((i + 1))
done
win=$(xdotool search --name "ukern run --view" | head -1)
sleep 1
for k in t 7 0 2 period 7 m s Return; do
	xdotool key --window "$win" "$k"
	sleep 0.2
done
sleep 2
import -window root "$dir/live-702.png" 2>/dev/null
xdotool key --window "$win" e
sleep 2
xdotool key --window "$win" q
wait $pid
echo $? >"$dir/live.code"
INNER
checks=$((checks + 1))
# shellcheck disable=SC2086
under_xvfb 300 "$TMP/xvfb.out" sh "$TMP/inside.sh" "$TMP" scenarios/two-nodes-rpc.lua $BIG ||
	fail "the X session failed: $(head -5 "$TMP/xvfb.out")"
checks=$((checks + 3))
[ "$(cat "$TMP/live.code" 2>/dev/null)" = 0 ] ||
	fail "live: exit $(cat "$TMP/live.code" 2>/dev/null) ($(head -3 "$TMP/live.err"))"
cmp -s "$TMP/live.json" "$TMP/big.json" || fail "live: the statistics differ from the run without --view"
cmp -s "$TMP/live.uktrace" "$TMP/big.uktrace" || fail "live: the trace differs from the run without --view"
L="$TMP/live-702.png"
for c in $A $B $C; do
	at_least 2000 "$(measure "$L" count $c 0 $TOP)" "live: node frame $c"
done
at_least 80 "$(measure "$L" count $LAN 0 $GAP)" "live: packets on the LAN link at 702.7ms"
if [ -n "${KEEP_SCREENSHOT:-}" ]; then cp "$L" "$KEEP_SCREENSHOT"; fi
finish
