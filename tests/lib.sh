# lib.sh - helpers for the shell tests: run ukern as a user would and check
# exit codes, output and messages. Sourced by tests/*.sh; needs $UKERN and
# $top_srcdir (set by make check).
set -u
: "${UKERN:?UKERN must name the ukern binary}"
: "${top_srcdir:?top_srcdir must name the source tree}"
SELF=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")   # before the cd below
cd "$top_srcdir"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/ukern-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
failures=0
checks=0

fail() {
	echo "FAIL: $*" >&2
	failures=$((failures + 1))
}

# run EXPECTED_EXIT ARGS...: run ukern, keep stdout/stderr in $TMP/out, $TMP/err.
run() {
	want=$1
	shift
	checks=$((checks + 1))
	"$UKERN" "$@" >"$TMP/out" 2>"$TMP/err"
	got=$?
	if [ "$got" -ne "$want" ]; then
		fail "ukern $* exited $got, expected $want"
		sed 's/^/  stderr: /' "$TMP/err" | head -20 >&2
		return 1
	fi
	return 0
}

# expect_err REGEX: the last run's stderr matches (grep -E).
expect_err() {
	checks=$((checks + 1))
	grep -E -q -- "$1" "$TMP/err" || {
		fail "stderr does not match /$1/"
		sed 's/^/  stderr: /' "$TMP/err" | head -20 >&2
	}
}

# expect_out REGEX: the last run's stdout matches.
expect_out() {
	checks=$((checks + 1))
	grep -E -q -- "$1" "$TMP/out" || {
		fail "stdout does not match /$1/"
		sed 's/^/  stdout: /' "$TMP/out" | head -20 >&2
	}
}

# finish: report and exit with the automake code.
finish() {
	if [ "$failures" -eq 0 ]; then
		echo "$checks passed, 0 failed"
		exit 0
	fi
	echo "$((checks - failures)) passed, $failures failed"
	exit 1
}

# Skip (77) unless a window can be opened under Xvfb and driven: Xvfb,
# import and xdotool installed, ukern built with the viewer, PNGCHECK set.
need_window_tools() {
	for tool in Xvfb import xdotool; do
		command -v "$tool" >/dev/null 2>&1 || { echo "SKIP: $tool is not installed"; exit 77; }
	done
	[ "${UKERN_VIZ:-yes}" != no ] || { echo "SKIP: ukern was built without the viewer"; exit 77; }
	: "${PNGCHECK:?PNGCHECK must name tests/test_pngcheck}"
}

# The fonts the viewer's pictures are compared in (when installed), and
# SDL's software renderer.
viewer_fonts() {
	d=/usr/share/fonts/truetype/dejavu
	if [ -f "$d/DejaVuSans.ttf" ] && [ -f "$d/DejaVuSans-Bold.ttf" ]; then
		export UKERN_FONT="$d/DejaVuSans.ttf" UKERN_FONT_BOLD="$d/DejaVuSans-Bold.ttf" \
			UKERN_FONT_MONO="$d/DejaVuSansMono.ttf"
	fi
	export SDL_AUDIODRIVER=dummy SDL_RENDER_DRIVER=software
}

# under_xvfb SECONDS OUT CMD...: run CMD (stdout and stderr to OUT) in an X
# server of its own, 1280x800, at most SECONDS. Xvfb chooses a free display
# itself and writes its number only once it accepts connections
# (-displayfd), so tests run at once never share a server and nothing waits
# on a guess. -noreset: by default an X server resets when its last client
# leaves, and refuses whoever connects meanwhile; xdotool polling for the
# window while the viewer starts met that now and then.
# Returns CMD's status; 124 if it timed out, 125 if no server.
under_xvfb() {
	limit=$1 xout=$2
	shift 2
	: >"$TMP/xvfb.display"
	Xvfb -displayfd 3 -nolisten tcp -noreset -screen 0 1280x800x24 3>"$TMP/xvfb.display" \
		>"$TMP/xvfb.log" 2>&1 &
	xpid=$!
	i=0
	until grep -q '^[0-9][0-9]*$' "$TMP/xvfb.display" 2>/dev/null; do
		if [ $i -ge 300 ] || ! kill -0 $xpid 2>/dev/null; then
			echo "Xvfb did not start: $(tail -3 "$TMP/xvfb.log")" >"$xout"
			kill $xpid 2>/dev/null
			wait $xpid 2>/dev/null
			return 125
		fi
		sleep 0.1
		i=$((i + 1))
	done
	DISPLAY=:$(cat "$TMP/xvfb.display") XAUTHORITY=/dev/null timeout "$limit" "$@" >"$xout" 2>&1
	xrc=$?
	kill $xpid 2>/dev/null
	wait $xpid 2>/dev/null
	return $xrc
}
