#!/bin/sh
# valgrind.sh PROGRAM ARGS... - run PROGRAM under valgrind memcheck for make
# check-valgrind (doc/hardening.md): any invalid read or write, use of
# uninitialised memory, bad free or definite leak makes it exit 99, which
# fails the test. valgrind's report goes to $VALGRIND_LOGS/PID.log, not to
# stderr, so the tests still see the program's own messages.
: "${top_srcdir:=.}"
logs=${VALGRIND_LOGS:-${TMPDIR:-/tmp}/ukern-valgrind}
mkdir -p "$logs"
exec valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite \
	--errors-for-leak-kinds=definite --track-origins=yes \
	--suppressions="$top_srcdir/tests/valgrind.supp" \
	--log-file="$logs/%p.log" "$@"
