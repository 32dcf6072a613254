#!/bin/sh
# badinput_cli.sh - every option of every command with a wrong value: a
# message that names the option and the value, and exit status 2 (doc/cli.md).
# One case per line: EXIT @ ARGUMENTS @ REGEX the stderr must match. The
# arguments are split at spaces; T is a good trace, S a good scenario.
. "${top_srcdir:-.}/tests/lib.sh"

T="$TMP/t.uktrace"
S=scenarios/hello.lua
run 0 run "$S" --trace "$T" --quiet || finish
# A ukern built without the viewer refuses view and render before it looks
# at their options.
NOVIZ=
"$UKERN" render "$T" -o "$TMP/x.png" >/dev/null 2>&1 || NOVIZ=1

while IFS='@' read -r code args re; do
	case "$code" in '' | '#'*) continue ;; esac
	code=$(echo $code)
	args=$(echo "$args" | sed "s|\\bT\\b|$T|g; s|\\bS\\b|$S|g; s|OUT|$TMP/out.file|g")
	re=$(echo "$re" | sed 's/^ *//; s/ *$//')
	case "$args" in
	view* | render*) [ -n "$NOVIZ" ] && re='without the viewer' ;;
	esac
	# shellcheck disable=SC2086  # the arguments are split on purpose
	run "$code" $args && expect_err "$re"
	checks=$((checks + 1))
	[ ! -e "$TMP/out.file" ] || { fail "ukern $args wrote its output"; rm -f "$TMP/out.file"; }
done <<'CASES'
# no command, an unknown one
2 @ frobnicate            @ ^ukern: unknown command 'frobnicate'
2 @ --bogus               @ ^ukern: unknown command '--bogus'|unknown option
# run: each option without its value, with a bad number, duration, size or word
2 @ run                   @ ^ukern: run: no scenario given
2 @ run S S               @ ^ukern: run: one scenario at a time
2 @ run S --bogus         @ ^ukern: run: unknown option '--bogus'
2 @ run S -x              @ ^ukern: run: unknown option '-x'
2 @ run S --seed          @ ^ukern: --seed needs a value
2 @ run S --seed abc      @ ^ukern: --seed abc: expected a non-negative integer
2 @ run S --seed -1       @ ^ukern: --seed -1: expected a non-negative integer
2 @ run S --seed 1.5      @ ^ukern: --seed 1.5: expected a non-negative integer
2 @ run S --seed 18446744073709551616 @ ^ukern: --seed 18446744073709551616: expected a non-negative integer
2 @ run S --seed=         @ ^ukern: --seed : expected a non-negative integer
2 @ run S --until         @ ^ukern: --until needs a value
2 @ run S --until 10xs    @ ^ukern: --until 10xs: invalid duration
2 @ run S --until -1ms    @ ^ukern: --until -1ms: invalid duration
2 @ run S --until 1e3     @ ^ukern: --until 1e3: invalid duration
2 @ run S --until 99999999999999999999s @ ^ukern: --until 99999999999999999999s: invalid duration
2 @ run S --until 1.5.2ms @ ^ukern: --until 1.5.2ms: invalid duration
2 @ run S --max-events    @ ^ukern: --max-events needs a value
2 @ run S --max-events 0  @ ^ukern: --max-events 0: expected a positive integer
2 @ run S --max-events -5 @ ^ukern: --max-events -5: expected a positive integer
2 @ run S --max-events 1k @ ^ukern: --max-events 1k: expected a positive integer
2 @ run S --stats         @ ^ukern: --stats needs a value
2 @ run S --stats xml     @ ^ukern: --stats xml: expected text, json or csv
2 @ run S --stats JSON    @ ^ukern: --stats JSON: expected text, json or csv
2 @ run S --trace         @ ^ukern: --trace needs a value
2 @ run S --set           @ ^ukern: --set needs a value
2 @ run S --set n         @ ^ukern: --set n: expected NAME=VALUE
2 @ run S --set =3        @ ^ukern: --set =3: expected NAME=VALUE
2 @ run S --set m=1       @ hello.lua: --set m: the scenario declares no parameter 'm'
2 @ run scenarios/pingpong.lua --set n=many @ pingpong.lua:[0-9]+: --set n=many: parameter 'n' takes a number
2 @ run scenarios/pingpong.lua --set n=1 --set n=2 @ ^ukern: --set n given twice
2 @ run S --lua-memory    @ ^ukern: --lua-memory needs a value
2 @ run S --lua-memory 1KiB @ ^ukern: --lua-memory 1KiB: expected a size of at least 1MiB$
2 @ run S --lua-memory 2MB  @ ^ukern: --lua-memory 2MB: expected a size such as 256MiB: a whole number of bytes, or of KiB, MiB, GiB or TiB$
2 @ run S --lua-memory 99999999999GiB @ ^ukern: --lua-memory 99999999999GiB: too large \(the most is [0-9]+ bytes\)$
2 @ run S --paused        @ ^ukern: run: --paused goes with --view
2 @ run S --view banana   @ ^ukern: --view banana: expected sequence, cpu, topology or memory
2 @ run no/such.lua       @ ^no/such.lua: cannot open scenario
2 @ run no-such-name      @ ^ukern: run: no scenario 'no-such-name'
2 @ run /dev/null/x.lua   @ cannot open scenario
# export
2 @ export                @ ^ukern: export: no trace given
2 @ export T T            @ ^ukern: export: one trace at a time
2 @ export T --format     @ ^ukern: --format needs a value
2 @ export T --format yaml @ ^ukern: export: --format yaml: unknown format \(formats: text, csv, chrome, paje\)
2 @ export T --bogus      @ ^ukern: export: unknown option '--bogus'
2 @ export T -o           @ ^ukern: -o needs a value
2 @ export T --output     @ ^ukern: --output needs a value
2 @ export no/such.trace  @ ^no/such.trace: No such file or directory
2 @ export S -o OUT       @ hello.lua: byte 0: not a ukern trace \(bad magic\)
# view and render
2 @ view                  @ ^ukern: view: no trace given
2 @ view T --view nope    @ ^ukern: --view nope: expected sequence, cpu, topology or memory
2 @ view T --size x       @ ^ukern: --size x: expected WIDTHxHEIGHT from 480x320 to 8192x8192
2 @ view T --from         @ ^ukern: --from needs a value
2 @ view T --to 5xs       @ ^ukern: --to 5xs: invalid duration
2 @ render                @ ^ukern: render: no trace given
2 @ render T              @ ^ukern: render: no output file given
2 @ render T -o OUT --view nope @ ^ukern: --view nope: expected sequence
2 @ render T -o OUT --size 10  @ ^ukern: --size 10: expected WIDTHxHEIGHT
2 @ render T -o OUT --size 0x100 @ ^ukern: --size 0x100: expected WIDTHxHEIGHT
2 @ render T -o OUT --size 100000x100 @ ^ukern: --size 100000x100: expected WIDTHxHEIGHT
2 @ render T -o OUT --size 480x-320 @ ^ukern: --size 480x-320: expected WIDTHxHEIGHT
2 @ render T -o OUT --from 5xs @ ^ukern: --from 5xs: invalid duration
2 @ render T -o OUT --from 2ms --to 1ms @ ^ukern: render: --from 2ms --to 1ms: the window is empty
2 @ render T -o OUT --frames 0 @ ^ukern: --frames 0: expected a number from 1 to 100000
2 @ render T -o OUT --frames x @ ^ukern: --frames x: expected a number from 1 to 100000
2 @ render T -o OUT --frames 100001 @ ^ukern: --frames 100001: expected a number from 1 to 100000
2 @ render T -o OUT --bogus @ ^ukern: render: unknown option '--bogus'
2 @ render S -o OUT       @ hello.lua: byte 0: not a ukern trace
# bench, list
2 @ bench --bogus         @ ^ukern: bench: unknown argument '--bogus'
2 @ bench extra           @ ^ukern: bench: unknown argument 'extra'
2 @ list extra            @ ^ukern: list: takes no arguments, not 'extra'
# sweep
2 @ sweep                 @ ^ukern: sweep: no scenario given
2 @ sweep S S             @ ^ukern: sweep: one scenario at a time
2 @ sweep S --bogus       @ ^ukern: sweep: unknown option '--bogus'
2 @ sweep S --set         @ ^ukern: --set needs a value
2 @ sweep S --set n       @ ^ukern: --set n: expected NAME=V1,V2,...
2 @ sweep S --set n=      @ ^ukern: --set n=: no values
2 @ sweep S --set n=1,,2  @ ^ukern: --set n=1,,2: empty value
2 @ sweep scenarios/pingpong.lua --set n=1 --set n=2 @ ^ukern: --set n given twice
2 @ sweep scenarios/pingpong.lua --set m=1 @ pingpong.lua: --set m: the scenario declares no parameter 'm'
2 @ sweep S --seeds       @ ^ukern: --seeds needs a value
2 @ sweep S --seeds 5-2   @ ^ukern: --seeds 5-2: expected A-B with A <= B, or N
2 @ sweep S --seeds x     @ ^ukern: --seeds x: expected A-B
2 @ sweep S --seeds 1-    @ ^ukern: --seeds 1-: expected A-B
2 @ sweep S -j            @ ^ukern: -j needs a value
2 @ sweep S -j 0          @ ^ukern: -j 0: expected a positive integer
2 @ sweep S -j x          @ ^ukern: -j x: expected a positive integer
2 @ sweep S --until 5xs   @ ^ukern: --until 5xs: invalid duration
2 @ sweep S --max-events 0 @ ^ukern: --max-events 0: expected a positive integer
2 @ sweep S -o            @ ^ukern: -o needs a value
2 @ sweep S --seeds 0-2000000 @ ^ukern: sweep: more than 1000000 runs
CASES

# A trace the disk cannot take: the trace file's thread meets the error, and
# the message still gives the write's reason, with exit status 1.
if [ -w /dev/full ]; then
	run 1 run scenarios/pingpong.lua --set n=300000 --trace /dev/full &&
		expect_err '^ukern: /dev/full: cannot write the trace: No space left on device'
fi
finish
