#!/bin/sh
# install.sh - scenarios by name ($UKERN_SCENARIOS, then the installed
# directory), 'ukern list', and 'make install' / 'make uninstall' from the
# build tree into a scratch DESTDIR: the program, the man page, every
# scenario, page, lesson and picture where it belongs, and nothing left
# behind. Needs $top_builddir and the inst_* directories from make check.
. "${top_srcdir:-.}/tests/lib.sh"
: "${top_builddir:?top_builddir must name the build tree}"
: "${inst_scenariosdir:?}" "${inst_bindir:?}" "${inst_man1dir:?}" "${inst_docdir:?}"

# scenario DIR NAME TEXT: a scenario that logs TEXT, whose opening comment
# repeats its file name and has two sentences over two lines.
scenario() {
	cat >"$1/$2" <<EOF
-- $2: says $3. A second sentence
-- that list does not show.
--
-- Run: ukern run $2
process { name = "p", main = function() log("$3") end }
EOF
}
mkdir -p "$TMP/a" "$TMP/b" "$TMP/a/sub" "$TMP/cwd"
scenario "$TMP/a" adder.lua "adder from a"
scenario "$TMP/a" twice.lua "twice from a"
scenario "$TMP/b" twice.lua "twice from b"
scenario "$TMP/b" plain "plain from b"
scenario "$TMP/b" sub.lua "sub from b"
scenario "$TMP/cwd" adder.lua "adder from the current directory"

# The scenarios/ directory beside the program under test: the source tree's,
# when it was built there (not in a build directory of its own).
beside=$(cd "$(dirname "$UKERN")" && pwd -P)/scenarios
[ -d "$beside" ] && tree="$beside, " || tree=

export UKERN_SCENARIOS="$TMP/a::$TMP/b:"
run 0 run adder && expect_err '\| adder from a$'
run 0 run adder.lua && expect_err '\| adder from a$'
run 0 run twice --stats json -q && expect_out "\"scenario\": \"$TMP/a/twice.lua\""
run 0 run plain && expect_err '\| plain from b$'
run 0 run sub && expect_err '\| sub from b$'            # a/sub is a directory, not a scenario
run 2 run nosuch &&
	expect_err "^ukern: run: no scenario 'nosuch': it is not a file, and neither nosuch nor nosuch.lua is in $TMP/a, $TMP/b$([ -n "$tree" ] && echo ", $beside") or $inst_scenariosdir \(UKERN_SCENARIOS adds directories; 'ukern list' shows the scenarios found\)$"
run 2 run ./nosuch && expect_err '^\./nosuch: cannot open scenario'
# A name that ends in .lua is not looked up as NAME.lua.lua, nor said so.
run 2 run nosuch.lua && expect_err "^ukern: run: no scenario 'nosuch.lua': it is not a file, nor is it in $TMP/a, " &&
	{ checks=$((checks + 1)); ! grep -q 'lua\.lua' "$TMP/err" || fail "run nosuch.lua: .lua.lua in the message"; }
run 2 run "$TMP/a/nosuch.lua" && expect_err 'nosuch.lua: cannot open scenario'
# A file of that name in the current directory is taken as it is.
cd "$TMP/cwd" || exit 1
run 0 run adder.lua && expect_err '\| adder from the current directory$'
run 0 run adder && expect_err '\| adder from a$'
cd "$top_srcdir" || exit 1
# sweep finds it the same way, and --emit writes the path it found.
run 0 sweep twice --emit && expect_out "^[^ ]*ukern run $TMP/a/twice.lua --stats json$"
run 0 sweep plain && expect_out '^1,0,completed,'
run 2 sweep nosuch && expect_err "^ukern: sweep: no scenario 'nosuch'"

# ukern list: every directory in order, sorted, a name shown once (where run
# finds it), the first sentence of the opening comment.
run 0 list && checks=$((checks + 1)) && {
	cat >"$TMP/want" <<EOF
$TMP/a:
  adder                      says adder from a.
  twice                      says twice from a.
$TMP/b:
  sub                        says sub from b.
EOF
	head -5 "$TMP/out" | cmp -s - "$TMP/want" ||
		{ fail "ukern list printed"; diff "$TMP/want" "$TMP/out" >&2; }
}
expect_out "^$inst_scenariosdir:" && expect_out "^Run one with 'ukern run NAME'"
export UKERN_SCENARIOS="$TMP/missing"
run 0 list && expect_out "^$TMP/missing: no scenarios \(No such file or directory\)$"
run 2 list extra && expect_err "^ukern: list: takes no arguments, not 'extra'"
unset UKERN_SCENARIOS

# A program with a scenarios/ directory beside it (a build tree) finds them
# after $UKERN_SCENARIOS and before the installed ones, from any directory
# and through a symbolic link; list shows them in that place.
mkdir -p "$TMP/tree/scenarios" "$TMP/links"
cp "$UKERN" "$TMP/tree/ukern"
ln -s "$TMP/tree/ukern" "$TMP/links/uk"
scenario "$TMP/tree/scenarios" adder.lua "adder from the tree"
scenario "$TMP/tree/scenarios" mine.lua "mine from the tree"
keep=$UKERN
for UKERN in "$TMP/tree/ukern" "$TMP/links/uk"; do
	cd "$TMP/cwd" || exit 1
	run 0 run mine --stats json && expect_err '\| mine from the tree$' &&
		expect_out "\"scenario\": \"$TMP/tree/scenarios/mine.lua\""
	cd "$top_srcdir" || exit 1
	UKERN_SCENARIOS="$TMP/a" run 0 run adder && expect_err '\| adder from a$'
	run 2 run nosuch &&
		expect_err "neither nosuch nor nosuch.lua is in $TMP/tree/scenarios or $inst_scenariosdir \("
	UKERN_SCENARIOS="$TMP/a" run 0 list && checks=$((checks + 1)) && {
		grep -n '^[^ ]' "$TMP/out" | cut -d: -f1 | head -3 | tr '\n' ' ' >"$TMP/order"
		printf '1 4 6 ' | cmp -s - "$TMP/order" ||
			{ fail "list: not a, the tree, the installed ones"; cat "$TMP/out" >&2; }
	}
	expect_out "^$TMP/tree/scenarios:$" && expect_out '^  mine +says mine from the tree\.$'
done
UKERN=$keep
# The program under test, run from the source tree's build, finds the tree's
# own scenarios by name.
if [ -n "$tree" ]; then
	cd "$TMP/cwd" || exit 1
	run 0 run hello --stats json -q && expect_out "\"scenario\": \"$beside/hello.lua\""
	cd "$top_srcdir" || exit 1
	run 0 list && expect_out "^$beside:$" && expect_out '^  hello +a client finds an echo server'
fi

# make install into a scratch DESTDIR, from the build tree.
D="$TMP/dest"
checks=$((checks + 1))
if ! (cd "$top_builddir" && unset MAKEFLAGS MFLAGS MAKELEVEL &&
	${MAKE:-make} install DESTDIR="$D") >"$TMP/install.log" 2>&1; then
	fail "make install DESTDIR=$D failed"
	tail -20 "$TMP/install.log" >&2
	finish
fi
# has FILE: the installed file exists and is not empty.
has() {
	checks=$((checks + 1))
	[ -s "$1" ] || fail "not installed: $1"
}
has "$D$inst_bindir/ukern"
has "$D$inst_man1dir/ukern.1"
for f in scenarios/*.lua; do has "$D$inst_scenariosdir/${f#scenarios/}"; done
for f in NEWS README.md doc/*.md; do has "$D$inst_docdir/${f#doc/}"; done
for f in doc/tutorial/*.md; do has "$D$inst_docdir/tutorial/${f#doc/tutorial/}"; done
for f in doc/img/*.png; do has "$D$inst_docdir/img/${f#doc/img/}"; done
checks=$((checks + 1))
[ "$(ls "$D$inst_scenariosdir" | wc -l)" -eq "$(ls scenarios/*.lua | wc -l)" ] ||
	fail "the installed scenarios are not those of scenarios/"

# The installed program: it searches the directory it was configured with,
# and runs the installed scenarios by name.
UKERN="$D$inst_bindir/ukern"
run 0 --version && expect_out '^ukern '
run 2 run nosuch && expect_err "neither nosuch nor nosuch.lua is in $inst_scenariosdir \("
export UKERN_SCENARIOS="$D$inst_scenariosdir"
run 0 run hello --stats json -q && expect_out "\"scenario\": \"$D$inst_scenariosdir/hello.lua\"" &&
	expect_out '"outcome": "completed"'
run 0 list && expect_out '^  hello +a client finds an echo server through the name server and calls it\.$' &&
	checks=$((checks + 1)) &&
	{ [ "$(grep -c '^  ' "$TMP/out")" -eq "$(ls scenarios/*.lua | wc -l)" ] ||
		fail "ukern list does not show every installed scenario"; }
unset UKERN_SCENARIOS

# make uninstall takes every file away again.
checks=$((checks + 1))
if ! (cd "$top_builddir" && unset MAKEFLAGS MFLAGS MAKELEVEL &&
	${MAKE:-make} uninstall DESTDIR="$D") >"$TMP/uninstall.log" 2>&1; then
	fail "make uninstall DESTDIR=$D failed"
	tail -20 "$TMP/uninstall.log" >&2
fi
checks=$((checks + 1))
left=$(find "$D" -type f | head -5)
[ -z "$left" ] || fail "make uninstall left files behind: $left"
finish
