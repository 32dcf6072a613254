#!/bin/sh
# readme.sh - README.md's first scenario runs exactly as the README says (the
# code is taken from the README itself, so it cannot rot), and the lessons and
# scenarios are all linked: every lesson from doc/tutorial/README.md, every
# scenario from README.md's table.
. "${top_srcdir:-.}/tests/lib.sh"

# block N: the Nth fenced block after the "Your first scenario" heading.
block() {
	awk -v n="$1" '/^## Your first scenario in five minutes/ { on = 1; next }
		on && /^## / { exit }
		on && /^```/ { if (inside) { inside = 0; if (k == n) exit } else { inside = 1; k++ }; next }
		on && inside && k == n' README.md
}
block 1 >"$TMP/adder.lua"
block 2 >"$TMP/shown"
checks=$((checks + 1))
head -1 "$TMP/adder.lua" | grep -q '^-- adder.lua:' || fail "README: no scenario block found"
checks=$((checks + 1))
head -1 "$TMP/shown" | grep -q '^\$ ukern run adder.lua$' || fail "README: no output block found"

# Run it from its own directory, as the README does, and compare every line.
cd "$TMP" || exit 1
run 0 run adder.lua
cat "$TMP/err" "$TMP/out" >"$TMP/got"
checks=$((checks + 1))
sed 1d "$TMP/shown" | cmp -s - "$TMP/got" ||
	{ fail "README: the output shown is not what 'ukern run adder.lua' prints"; \
	  sed 1d "$TMP/shown" | diff - "$TMP/got" >&2; }
# Logs on stderr, statistics on stdout, and both in the file with 2>&1, as
# the README says after the output.
checks=$((checks + 1))
grep -q '^both in a file, write `ukern run adder.lua > out.txt 2>&1`$' "$top_srcdir/README.md" ||
	fail "README: the sentence on stderr and 2>&1 is gone"
checks=$((checks + 1))
{ grep -q '2 + 3 = 5' "$TMP/err" && ! grep -q '2 + 3 = 5' "$TMP/out" && grep -q '^adder.lua  seed 1' "$TMP/out"; } ||
	fail "README: the log line is not on stderr alone, or the statistics not on stdout"
"$UKERN" run adder.lua >out.txt 2>&1
checks=$((checks + 1))
{ grep -q '2 + 3 = 5' out.txt && grep -q '^adder.lua  seed 1' out.txt; } ||
	fail "README: 'ukern run adder.lua > out.txt 2>&1' does not keep the log and the statistics"
# The figure the README gives for the 1990 machine.
sed 's/costs = "modern"/costs = "firefly-1990"/' adder.lua >firefly.lua
run 0 run firefly.lua && expect_err '\| 2 \+ 3 = 5, 455100 ns after the call$'
checks=$((checks + 1))
grep -q '^  455100 ns;$' "$top_srcdir/README.md" || fail "README: the firefly-1990 figure changed"
# And by name, as the README suggests.
export UKERN_SCENARIOS="$TMP"
cd "$top_srcdir" || exit 1
run 0 run adder && expect_err '\| 2 \+ 3 = 5, 4968 ns after the call$'
unset UKERN_SCENARIOS

# Every lesson is in the tutorial's table, every scenario in the README's.
for f in doc/tutorial/*.md; do
	[ "$f" = doc/tutorial/README.md ] && continue
	checks=$((checks + 1))
	grep -q "^| \[${f#doc/tutorial/}\](${f#doc/tutorial/}) |" doc/tutorial/README.md ||
		fail "$f is not in the table of doc/tutorial/README.md"
done
for f in scenarios/*.lua; do
	checks=$((checks + 1))
	grep -q "^| \`$f\` |" README.md || fail "$f is not in README.md's table of scenarios"
done
finish
