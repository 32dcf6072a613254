#!/bin/sh
# lessons.sh - every command the lessons (doc/tutorial/*.md) tell a student
# to type runs as written: the commands of each fenced block (after a "$ "
# prompt, or the whole block when it is a script) run from a directory that
# has the scenarios and tests/api under their names, with `ukern` on the
# PATH. A command must not be refused (exit 2: a renamed option, a scenario
# or parameter that no longer exists), crash, or find nothing with its grep;
# a run may end as the lessons say runs end: completed (0), in a deadlock (3)
# or with a faulted process (4). The viewer's windows are left out: `ukern
# view` lines, and `--view` on `ukern run` (the live viewer).
. "${top_srcdir:-.}/tests/lib.sh"

W="$TMP/work"
top=$(pwd)          # lib.sh is in the source tree now
mkdir -p "$W/bin" "$W/tests" "$TMP/units"
ln -s "$top/scenarios" "$W/scenarios"
ln -s "$top/tests/api" "$W/tests/api"
u=$(cd "$(dirname "$UKERN")" && pwd)/$(basename "$UKERN")
printf '#!/bin/sh\nexec "%s" "$@"\n' "$u" >"$W/bin/ukern"
chmod +x "$W/bin/ukern"
PATH="$W/bin:$PATH"
export PATH

# Cut the lessons into units: one file per command after a prompt or on a
# line of its own (with its continuation lines: after a \, a | or a &&), or
# per block of script (a loop).
for f in doc/tutorial/*.md; do
	awk -v dir="$TMP/units" -v name="$(basename "$f" .md)" '
	function unit(text) { u++; file = sprintf("%s/%s.%03d.sh", dir, name, u);
		printf "%s\n", text > file; close(file) }
	function flush(   i, cmd, more) {
		prompts = 0
		for (i = 1; i <= k; i++) if (line[i] ~ /^\$ /) prompts = 1
		if (prompts) {
			for (i = 1; i <= k; i++) {
				if (line[i] !~ /^\$ /) continue
				cmd = substr(line[i], 3)
				while (cmd ~ /(\\|[|]|&&) *$/ && i < k) { i++; cmd = cmd "\n" line[i] }
				if (cmd ~ /^ukern /) unit(cmd)
			}
		} else if (k > 0 && line[1] ~ /^(for|while) /) {
			cmd = line[1]
			for (i = 2; i <= k; i++) cmd = cmd "\n" line[i]
			unit(cmd)
		} else if (k > 0 && line[1] ~ /^ukern /) {
			for (i = 1; i <= k; i++) {
				cmd = line[i]
				while (cmd ~ /(\\|[|]|&&) *$/ && i < k) { i++; cmd = cmd "\n" line[i] }
				if (cmd ~ /^ukern /) unit(cmd)
			}
		}
		k = 0
	}
	/^```/ { if (inside) { flush(); inside = 0 } else { inside = 1; k = 0 }; next }
	inside { line[++k] = $0 }
	' "$f"
done

count=0
for unit in "$TMP"/units/*.sh; do
	# the viewer's windows out; comments at the end of a line out
	sed -e '/^ukern view /d' -e 's/ *&& *ukern view .*$//' \
	    -e '/^ukern run /s/ --view [a-z]*//' -e 's/[[:space:]][[:space:]]*# .*$//' \
	    "$unit" >"$unit.run"
	[ -s "$unit.run" ] || continue
	count=$((count + 1))
	checks=$((checks + 1))
	(cd "$W" && sh "$unit.run" >"$TMP/out" 2>"$TMP/err")
	rc=$?
	what="$(basename "$unit" .sh): $(head -1 "$unit.run")"
	if grep -q '|' "$unit.run" && ! grep -q '^for \|^while ' "$unit.run"; then
		# a pipeline: its last command (a grep, a head) must have found something
		[ "$rc" -eq 0 ] && [ -s "$TMP/out" ] || fail "$what: exit $rc, output $(wc -c <"$TMP/out") bytes"
	else
		case "$rc" in
		0 | 3 | 4) ;;
		*) fail "$what: exit $rc"; sed 's/^/  stderr: /' "$TMP/err" | head -5 >&2 ;;
		esac
	fi
	if grep -q '^ukern: ' "$TMP/err"; then
		fail "$what: ukern refused it"
		grep '^ukern: ' "$TMP/err" | head -3 >&2
	fi
done
checks=$((checks + 1))
[ "$count" -ge 100 ] || fail "only $count commands found in the lessons"
finish
