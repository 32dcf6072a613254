#!/bin/sh
# release.sh - what a release must keep consistent: the version (configure.ac,
# ukern --version, the man page, doc/cli.md, NEWS), and 'ukern --help' against
# the man page: the same commands, the same options for each command, and
# for run and sweep the same option list in their --help as in the man
# page's "Options of" section. Each side is parsed, so a difference fails.
. "${top_srcdir:-.}/tests/lib.sh"

# ---- the version

v=$(sed -n 's/^AC_INIT(\[ukern\], *\[\([^]]*\)\].*/\1/p' configure.ac)
checks=$((checks + 1))
[ -n "$v" ] || fail "no version in configure.ac's AC_INIT"
re=$(printf '%s' "$v" | sed 's/[.]/\\./g')
run 0 --version && expect_out "^ukern $re\$"
checks=$((checks + 1))
grep -q "^\.TH UKERN 1 \"[^\"]*\" \"ukern $re\"" doc/ukern.1 ||
	fail "doc/ukern.1: .TH does not say ukern $v"
checks=$((checks + 1))
grep -q "^\.RB \\\\(dq \"ukern $re\" \\\\(dq\$" doc/ukern.1 ||
	fail "doc/ukern.1: the --version entry does not print ukern $v"
checks=$((checks + 1))
grep -q "\`ukern --version\` prints \`ukern $re\`" doc/cli.md ||
	fail "doc/cli.md does not say that ukern --version prints ukern $v"
checks=$((checks + 1))
news=$(grep -m1 '^\* ' NEWS)
case "$news" in
"* Noteworthy changes in release $v ("*) ;;
*) fail "NEWS: the newest entry is '$news', not release $v" ;;
esac

# ---- ukern --help against doc/ukern.1

# options: "COMMAND OPTION" for every option in the synopsis entries on
# stdin, one entry per line as "ukern COMMAND words..." (COMMAND "-" for the
# entries of ukern itself, such as "ukern --help | --version").
options() {
	awk '{
		cmd = ($2 ~ /^-/) ? "-" : $2
		print cmd, "(command)"
		s = " " $0
		while (match(s, /[^A-Za-z0-9]--?[a-z][a-z-]*/)) {
			print cmd, substr(s, RSTART + 1, RLENGTH - 1)
			s = substr(s, RSTART + RLENGTH)
		}
	}' | sort -u
}

# The usage: from the first line to the first empty one; an entry starts
# with "ukern", its continuation lines do not.
run 0 --help
# Every exit status of doc/cli.md, the signals' included.
expect_out '^Exit codes: 0 completed, 1 host failure, 2 bad input, 3 deadlock, 4 script error,$' &&
	expect_out '^130 / 143 stopped by Ctrl-C \(SIGINT\) / SIGTERM\.$'
sed -n '1,/^$/p' "$TMP/out" | sed 's/^usage: //; s/^ *//' |
	awk '/^ukern / { if (e) print e; e = $0; next } /./ { e = e " " $0 } END { print e }' |
	options >"$TMP/help.opts"

# The man page's synopsis: entries separated by .br, roff taken away.
unroff() {
	sed 's/\\-/-/g; s/\\f[BIRP]//g; s/\\[|&]//g; s/^\.[A-Z][A-Z]* *//; s/"//g'
}
sed -n '/^\.SH SYNOPSIS/,/^\.SH /p' doc/ukern.1 | sed '1d;$d' | unroff |
	awk '/^\.br/ { print e; e = ""; next } { e = e " " $0 } END { print e }' |
	sed 's/^ *//' | options >"$TMP/man.opts"

checks=$((checks + 1))
if ! cmp -s "$TMP/help.opts" "$TMP/man.opts"; then
	fail "ukern --help and the SYNOPSIS of doc/ukern.1 differ (< --help, > man):"
	diff "$TMP/help.opts" "$TMP/man.opts" >&2
fi
checks=$((checks + 1))
[ "$(grep -c '(command)' "$TMP/help.opts")" -ge 8 ] ||
	fail "the usage parsed into fewer than 8 commands: the parser is broken"

# Each command of the synopsis has its paragraph in COMMANDS, and nothing else does.
sed -n '/^\.SH COMMANDS/,/^\.SH /p' doc/ukern.1 | awk 'p { print; p = 0 } /^\.TP/ { p = 1 }' |
	unroff | awk '$1 !~ /^-/ { print $1 }' | sort -u >"$TMP/man.cmds"
awk '$2 == "(command)" && $1 != "-" { print $1 }' "$TMP/help.opts" >"$TMP/help.cmds"
checks=$((checks + 1))
cmp -s "$TMP/help.cmds" "$TMP/man.cmds" ||
	{ fail "the commands of ukern --help and the COMMANDS of doc/ukern.1 differ"; \
	  diff "$TMP/help.cmds" "$TMP/man.cmds" >&2; }

# run and sweep: the option list of their --help (the first column of the
# lines that start with "  -") against the tags of "Options of CMD".
for cmd in run sweep; do
	run 0 "$cmd" --help
	grep '^  -' "$TMP/out" | sed 's/^  //; s/   .*//' | sed "s/^/ukern $cmd /" |
		options | grep -v '(command)' >"$TMP/help.$cmd"
	sed -n "/^\.SS \"Options of $cmd\"/,/^\.S[SH] /p" doc/ukern.1 |
		awk 'p { print; p = 0 } /^\.TP/ { p = 1 }' | unroff | sed "s/^/ukern $cmd /" |
		options | grep -v '(command)' >"$TMP/man.$cmd"
	checks=$((checks + 1))
	[ "$(wc -l <"$TMP/help.$cmd")" -ge 4 ] || fail "ukern $cmd --help parsed into too few options"
	checks=$((checks + 1))
	cmp -s "$TMP/help.$cmd" "$TMP/man.$cmd" ||
		{ fail "ukern $cmd --help and the man page's Options of $cmd differ (< --help, > man):"; \
		  diff "$TMP/help.$cmd" "$TMP/man.$cmd" >&2; }
done
finish
