#!/bin/sh
# setup.sh - install what is missing, build ukern, then run the demo or the tests.
#
#   ./setup.sh demo    install, build, and run the demo scenario (the default)
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
[ -f Makefile ] || ./configure
jobs=$(nproc 2>/dev/null || echo 2)
make -j"$jobs"

if [ "$what" = demo ]; then
	./ukern run scenarios/hello.lua
	echo
	echo "Next: ./ukern run scenarios/pingpong.lua --stats json"
	echo "      ./ukern run scenarios/buffering.lua --set qlimit=2"
	exit 0
fi

status=0
make -j"$jobs" check || status=$?
[ $status -eq 0 ] || [ ! -f test-suite.log ] || cat test-suite.log
# One summary line of our own: per test program (automake's own summary is above).
pass=$(ls tests/*.trs 2>/dev/null | xargs -r grep -l '^:test-result: PASS' | wc -l)
fail=$(ls tests/*.trs 2>/dev/null | xargs -r grep -l -E '^:test-result: (FAIL|ERROR)' | wc -l)
echo "$pass passed, $fail failed"
exit $status
