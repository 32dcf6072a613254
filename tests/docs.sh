#!/bin/sh
# docs.sh - the reference (doc/scenario-api.md, doc/cli.md, doc/stats.md,
# doc/trace-format.md) says what ukern does. The examples are
# taken from the documents themselves, so they cannot rot:
# - every ```lua block of scenario-api.md runs (wrapped in a process when it is
#   a body's code), and each `--> X` comment of a log() line is what that
#   log line prints (X, or X up to a ", " or ": " that starts a comment);
# - every trace kind of kernel/trace_format.h is in trace-format.md's table,
#   with its number and arguments, and its excerpts are what ukern export prints;
# - the usage, outputs and messages cli.md shows, and the outputs stats.md
#   shows, are what ukern prints (the man page is checked by release.sh).
. "${top_srcdir:-.}/tests/lib.sh"

DOC=doc/scenario-api.md

# The blocks that are not runnable on their own, by their first line: a
# fragment of a larger program, or code with "..." standing for a body. A new
# block that cannot run must be added here (and a changed one kept runnable).
fragment() {
	case $1 in
	'  local keys = {}') return 0 ;;                   # §1: needs a table t
	'local m = recv(p)') return 0 ;;                   # §6: a server's loop
	'process { name = "app", threads = "many-to-many",'*) return 0 ;; # §11: main = ... 
	'link { "A", "B",'*) return 0 ;;                   # §18d: nodes B, C undeclared
	'process { "ctl", node = "B",'*) return 0 ;;       # §18e: needs a worker, node B
	'migrate { at = "20ms",'*) return 0 ;;             # §18e
	esac
	return 1
}

# Split the document's lua blocks into $TMP/block.N, each with its line.
awk -v dir="$TMP" '
	/^```lua$/ { n++; f = dir "/block." n; print NR > (dir "/line." n); on = 1; next }
	on && /^```/ { on = 0; close(f); next }
	on { print > f }' "$DOC"

blocks=0
for f in "$TMP"/block.*; do
	n=${f##*.}
	line=$(cat "$TMP/line.$n")
	first=$(head -1 "$f")
	fragment "$first" && continue
	blocks=$((blocks + 1))
	s="$TMP/doc$n.lua"
	# Declarations at the top level: a scenario (given a process if it has
	# none); otherwise the code of a body.
	if grep -qE '^(local [A-Za-z_]+ = )?(machine|process|job|server|node|link|fault|param) ?[{("]' "$f"; then
		cp "$f" "$s"
		grep -qE '^(local [A-Za-z_]+ = )?(process|job) ?[{("]' "$f" ||
			echo 'process { name = "doc", main = function() end }' >>"$s"
	else
		{ echo 'process { name = "doc", main = function()'; cat "$f"; echo 'end }'; } >"$s"
	fi
	checks=$((checks + 1))
	"$UKERN" run "$s" --until 10s --stats json >"$TMP/out" 2>"$TMP/err"
	rc=$?
	if [ "$rc" -ne 0 ]; then
		fail "$DOC:$line: the example exits $rc"
		sed 's/^/  stderr: /' "$TMP/err" | head -5 >&2
		continue
	fi
	# `--> X` at the end of a log() line, or alone on the line after it.
	awk '/log\(.*-->|^--> / { sub(/^.*--> ?/, ""); print }' "$f" >"$TMP/want"
	sed -n 's/^[^|]*| //p' "$TMP/err" >"$TMP/logged"
	while IFS= read -r want; do
		checks=$((checks + 1))
		# A logged line is X or ends with " X"; or, when X goes on with a
		# comment after ", " or ": ", with X up to the comment.
		short=$(printf '%s\n' "$want" | sed 's/[,:] .*//')
		sed 's/^/ /; s/$/|/' "$TMP/logged" >"$TMP/ends"
		grep -qF -- " $want|" "$TMP/ends" && continue
		grep -qF -- " $short|" "$TMP/ends" && continue
		fail "$DOC:$line: the example says '--> $want', but it logs:"
		sed 's/^/  /' "$TMP/logged" >&2
	done <"$TMP/want"
done
checks=$((checks + 1))
[ "$blocks" -ge 15 ] || fail "$DOC: only $blocks runnable lua blocks found"

# Trace kinds: each kind of kernel/trace_format.h, with its number, name and
# arguments from kernel/trace.c, is a row of trace-format.md's table, and the
# table has no other row.
TF=doc/trace-format.md
awk '/^enum trace_kind/ { on = 1; next } on && /TR_KIND_COUNT/ { exit }
	on && match($0, /^\tTR_[A-Z_]+( = [0-9]+)?,/) {
		s = substr($0, 2, RLENGTH - 2)
		if (split(s, a, " = ") == 2) n = a[2]; else n++
		print a[1], n }' kernel/trace_format.h | sort >"$TMP/kind_numbers"
tr -d '\n\t' <kernel/trace.c |
	grep -o '\[TR_[A-Z_]*\] = { "[a-z_0-9]*", [0-9]*, [01],[^}]*}' |
	sed 's/\[\(TR_[A-Z_]*\)\] = { "\([a-z_0-9]*\)", [0-9]*, \([01]\), *{ *\(.*\) *}/\1 \2 \3 \4/
	     s/"//g; s/ *$//' | sort >"$TMP/kind_names"
join "$TMP/kind_numbers" "$TMP/kind_names" |
	awk '{ a = ""; for (i = 5; i <= NF; i++) a = a (i > 5 ? " " : "") $i
	       print $2 "|" $3 "|" a "|" ($4 ? "str" : "") }' | sort >"$TMP/kinds_code"
awk -F '|' '$2 ~ /^ [0-9]+ $/ && $3 ~ /^ `[a-z_0-9]+` $/ {
		gsub(/[ `]/, "", $2); gsub(/[ `]/, "", $3); sub(/^ /, "", $4); sub(/ $/, "", $4)
		print $2 "|" $3 "|" $4 "|" ($5 ~ /[^ ]/ ? "str" : "") }' "$TF" | sort >"$TMP/kinds_doc"
checks=$((checks + 1))
[ "$(wc -l <"$TMP/kinds_code")" -ge 55 ] || fail "docs.sh: cannot read the trace kinds of the code"
checks=$((checks + 1))
if ! cmp -s "$TMP/kinds_code" "$TMP/kinds_doc"; then
	fail "$TF: the table of record kinds differs from kernel/trace.c (< code, > doc):"
	diff "$TMP/kinds_code" "$TMP/kinds_doc" | grep '^[<>]' >&2
fi

# The trace excerpts of trace-format.md: every line of the block after the
# paragraph quoting the command (but "...") is a line of its text export.
excerpt() {
	marker=$1
	shift
	checks=$((checks + 1))
	awk -v p="$marker" 'index($0, p) { f = 1 } f && /^```$/ { n++; if (n == 2) exit; next }
		f && n == 1 && !/^ *\.\.\.$/' "$TF" >"$TMP/want"
	[ -s "$TMP/want" ] || { fail "$TF: no excerpt after '$marker'"; return; }
	"$UKERN" run "$@" --quiet --stats json --trace "$TMP/x.uktrace" >/dev/null 2>&1
	"$UKERN" export "$TMP/x.uktrace" >"$TMP/x.txt" 2>&1
	grep -vxF -f "$TMP/x.txt" "$TMP/want" >"$TMP/missing"
	[ -s "$TMP/missing" ] || return
	fail "$TF: the excerpt of 'ukern run $*' has lines its export does not:"
	sed 's/^/  /' "$TMP/missing" >&2
}
excerpt 'A many-to-one process whose user thread' \
	scenarios/thread-models.lua --set model=many-to-one
excerpt 'From `ukern run scenarios/cow-fork.lua`' scenarios/cow-fork.lua
excerpt 'ukern run scenarios/lrpc-paper.lua --set calls=1' scenarios/lrpc-paper.lua --set calls=1
excerpt 'ukern run scenarios/lrpc-vs-rpc.lua --trace FILE' scenarios/lrpc-vs-rpc.lua
excerpt 'and one for the master' scenarios/clock-sync.lua
excerpt 'scenarios/two-nodes-rpc.lua' scenarios/two-nodes-rpc.lua --set max=0
excerpt 'tests/api/migrate.lua --set strategy=on-demand' tests/api/migrate.lua --set strategy=on-demand
excerpt '`ukern export hello.uktrace --format text` gives' scenarios/hello.lua

# An excerpt that quotes its grep is all of that grep's output, in order.
excerpt_grep() {
	marker=$1
	pattern=$2
	shift 2
	checks=$((checks + 1))
	awk -v p="$marker" 'index($0, p) { f = 1 } f && /^```$/ { n++; if (n == 2) exit; next }
		f && n == 1' "$TF" >"$TMP/want"
	[ -s "$TMP/want" ] || { fail "$TF: no excerpt after '$marker'"; return; }
	"$UKERN" run "$@" --quiet --stats json --trace "$TMP/x.uktrace" >/dev/null 2>&1
	"$UKERN" export "$TMP/x.uktrace" 2>&1 | grep -E "$pattern" >"$TMP/x.txt"
	cmp -s "$TMP/want" "$TMP/x.txt" && return
	fail "$TF: the excerpt of 'ukern run $*' is not what its grep prints (< doc, > ukern):"
	diff "$TMP/want" "$TMP/x.txt" | grep '^[<>]' >&2
}
excerpt_grep 'scenarios/shared-memory.lua --set board=r --trace FILE' \
	'shm_|port_new port=[0-9]+ pid=0|port_dead port=[34]|page_fault' scenarios/shared-memory.lua --set board=r

# cli.md: the usage of `ukern run --help` and the outputs it shows, as ukern
# prints them.
CLI=doc/cli.md
# block_after TEXT: the fenced block that follows the line TEXT in cli.md.
block_after() {
	awk -v p="$1" '$0 == p { f = 1; next } f && /^```$/ { exit } f' "$CLI"
}
same() {
	what=$1
	shift
	checks=$((checks + 1))
	[ -s "$TMP/want" ] || { fail "$CLI: no example '$what' found"; return; }
	cmp -s "$TMP/want" "$TMP/got" && return
	fail "$CLI: the example '$what' is not what ukern prints (< doc, > ukern):"
	diff "$TMP/want" "$TMP/got" | grep '^[<>]' | head -20 >&2
}
block_after '$ ukern run --help' >"$TMP/want"
"$UKERN" run --help >"$TMP/got" 2>&1
same 'ukern run --help'
block_after '$ ukern run scenarios/hello.lua' >"$TMP/want"
"$UKERN" run scenarios/hello.lua >"$TMP/got" 2>&1
same 'ukern run scenarios/hello.lua'
block_after '$ ukern sweep scenarios/buffering.lua --set qlimit=0,2,16 --seeds 1-2' >"$TMP/want"
"$UKERN" sweep scenarios/buffering.lua --set qlimit=0,2,16 --seeds 1-2 >"$TMP/got" 2>&1
same 'ukern sweep scenarios/buffering.lua ...'

# ukern.1: the rows of its sweep example (its header line is cut short).
awk '$0 == "$ ukern sweep scenarios/buffering.lua \\-\\-set qlimit=0,2 \\-\\-seeds 1\\-2" { f = 1; next }
	f && /^\.fi$/ { exit } f' doc/ukern.1 | sed 1d >"$TMP/want"
"$UKERN" sweep scenarios/buffering.lua --set qlimit=0,2 --seeds 1-2 2>&1 | sed 1d >"$TMP/got"
CLI=doc/ukern.1
same 'ukern sweep scenarios/buffering.lua --set qlimit=0,2 --seeds 1-2'
CLI=doc/cli.md

# message TEXT ARGS...: cli.md quotes the error TEXT, and `ukern ARGS...` says
# exactly that on its first line of stderr, with exit status 2.
message() {
	text=$1
	shift
	checks=$((checks + 1))
	grep -qF -- "$text" "$CLI" || fail "$CLI no longer quotes '$text'"
	run 2 "$@" || return
	checks=$((checks + 1))
	[ "$(head -1 "$TMP/err")" = "$text" ] ||
		fail "$CLI quotes '$text', but 'ukern $*' says '$(head -1 "$TMP/err")'"
}
message "ukern: --set x: expected NAME=VALUE" run scenarios/pingpong.lua --set x
message "ukern: --set n given twice" run scenarios/pingpong.lua --set n=1 --set n=2
message "scenarios/pingpong.lua: --set m: the scenario declares no parameter 'm' (it declares: n costs loop)" \
	run scenarios/pingpong.lua --set m=1
message "scenarios/pingpong.lua:18: --set n=many: parameter 'n' takes a number" \
	run scenarios/pingpong.lua --set n=many
message "ukern: --until abc: invalid duration (write 250ns, 5us, 10ms, 2s, or a number of ms)" \
	run scenarios/hello.lua --until abc
message "ukern: export: --format yaml: unknown format (formats: text, csv, chrome, paje)" \
	export tests/golden --format yaml

# stats.md: its "Real output of `ukern run ...`" examples, each compared whole
# with what the command prints on stdout.
ST=doc/stats.md
stats_example() {
	marker=$1
	shift
	checks=$((checks + 1))
	awk -v p="$marker" 'index($0, p) { f = 1; next } f && /^```/ { n++; if (n == 2) exit; next }
		f && n == 1' "$ST" >"$TMP/want"
	[ -s "$TMP/want" ] || { fail "$ST: no example after '$marker'"; return; }
	"$UKERN" "$@" >"$TMP/got" 2>/dev/null
	cmp -s "$TMP/want" "$TMP/got" && return
	fail "$ST: the output of 'ukern $*' it shows is not what ukern prints (< doc, > ukern):"
	diff "$TMP/want" "$TMP/got" | grep '^[<>]' | cut -c1-200 | head -10 >&2
}
stats_example '`ukern run scenarios/pingpong.lua --set n=3 --stats json`:' \
	run scenarios/pingpong.lua --set n=3 --stats json
stats_example 'output of `ukern run scenarios/hello.lua --stats csv`:' \
	run scenarios/hello.lua --stats csv
stats_example 'Real output of `ukern run scenarios/pingpong.lua --set n=3` (stdout only):' \
	run scenarios/pingpong.lua --set n=3
# The table of a daemon with work in hand, and its note: each line as printed.
checks=$((checks + 1))
awk 'index($0, "scenarios/nameserver.lua` (stdout)") { f = 1 } f && /^  ```$/ { n++; if (n == 2) exit; next }
	f && n == 1 { sub(/^  /, ""); print }' "$ST" >"$TMP/want"
[ "$(wc -l <"$TMP/want")" -eq 8 ] || fail "$ST: no nameserver.lua table of 8 lines"
"$UKERN" run scenarios/nameserver.lua >"$TMP/got" 2>/dev/null
while IFS= read -r line; do
	grep -Fxq -- "$line" "$TMP/got" || fail "$ST: the nameserver.lua line '$line' is not what ukern prints"
done <"$TMP/want"

# viewer.md: each declaration it quotes inline (`machine { ... }`) loads, and
# where it sends the reader to a section for the keys, that section is the
# one of the keys.
grep -o '`machine {[^`]*}`' doc/viewer.md | tr -d '`' >"$TMP/viewer-decls"
checks=$((checks + 1))
[ -s "$TMP/viewer-decls" ] || fail "viewer.md quotes no machine { } declaration any more"
n=0
while IFS= read -r decl; do
	n=$((n + 1))
	printf '%s\n' "$decl" >"$TMP/viewer-decl-$n.lua"
	run 0 run "$TMP/viewer-decl-$n.lua" --quiet || fail "viewer.md: '$decl' does not load"
done <"$TMP/viewer-decls"
for sec in $(grep -i 'keys' doc/viewer.md | grep -o '(section [0-9a-z]*)' | tr -dc '0-9a-z\n' |
             sed 's/^section//'); do
	checks=$((checks + 1))
	grep -q "^## $sec\. Keys" doc/viewer.md ||
		fail "viewer.md sends the reader to section $sec for the keys; it is not the section of the keys"
done

finish
