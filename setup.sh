#!/bin/sh
# setup.sh - install what is missing, build ukern, then run the demo or the tests.
#
#   ./setup.sh demo    install, build, run the demo scenario and show it in the viewer
#                      (or, without a display, draw it into a PNG); the default
#   ./setup.sh test    install, build, and run the whole test suite
#
# Safe to run again: packages already present are not reinstalled, and an
# existing build is reused (make rebuilds what changed). Needs Debian or
# Ubuntu, and root or sudo for the package install.
set -eu
cd "$(dirname "$0")"
what=${1:-demo}
case $what in
demo|test) ;;
*) echo "usage: ./setup.sh [demo|test]" >&2; exit 2 ;;
esac

packages="build-essential autoconf automake libtool pkg-config liblua5.4-dev libcmocka-dev"
# The viewer (ukern view, ukern render), and what its window test needs.
packages="$packages libsdl2-dev libsdl2-ttf-dev libsdl2-image-dev libfontconfig-dev fonts-dejavu-core"
packages="$packages xvfb xauth imagemagick xdotool"
# The Paje export's test reads the file back with pj_dump.
packages="$packages pajeng"
missing=
for p in $packages; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "setup: installing$missing"
	sudo=
	[ "$(id -u)" -eq 0 ] || sudo=sudo
	$sudo apt-get update -q
	$sudo env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 \
		install -y -q --no-install-recommends $missing
fi

[ -x configure ] || autoreconf -fi
if [ ! -f Makefile ]; then
	./configure
elif [ -n "$missing" ]; then
	./config.status --recheck && ./config.status    # same options, newly installed packages
fi
jobs=$(nproc 2>/dev/null || echo 2)
make -j"$jobs"

if [ "$what" = demo ]; then
	demo=${TMPDIR:-/tmp}/ukern-demo
	mkdir -p "$demo"
	./ukern run scenarios/hello.lua --trace "$demo/hello.uktrace"
	echo
	if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] &&
		echo "setup: opening the viewer on $demo/hello.uktrace (Tab: views, h: help, q: quit)" &&
		./ukern view "$demo/hello.uktrace"; then
		:
	elif ./ukern render "$demo/hello.uktrace" -o "$demo/hello.png"; then
		echo "setup: no display: the run's message sequence is drawn in $demo/hello.png"
		echo "       (./ukern render $demo/hello.uktrace -o FILE.png --view cpu|topology|memory for the others)"
	fi
	echo
	echo "Next: ./ukern run scenarios/pingpong.lua --stats json"
	echo "      ./ukern run scenarios/buffering.lua --set qlimit=2"
	exit 0
fi

# One summary line of our own, per test program, with the same totals as
# automake's above: every result file, tests/fuzz/ included (tests/setup_summary.sh).
summary() {
	results=$(find tests -name '*.trs' 2>/dev/null | sort)
	count() { [ -z "$results" ] || printf '%s\n' "$results" | xargs grep -l -E "^:test-result: ($1)" | wc -l; }
	pass=$(count PASS) skip=$(count SKIP) fail=$(count 'FAIL|ERROR|XPASS')
	echo "$((${pass:-0} + ${skip:-0} + ${fail:-0})) tests: ${pass:-0} passed, ${skip:-0} skipped, ${fail:-0} failed"
}

status=0
make -j"$jobs" check || status=$?
[ $status -eq 0 ] || [ ! -f test-suite.log ] || cat test-suite.log
summary
exit $status
