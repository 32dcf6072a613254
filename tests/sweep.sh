#!/bin/sh
# sweep.sh - ukern sweep: one CSV row per run of the cross product, in plan
# order whatever -j is, with the same figures as single "ukern run" runs;
# --emit commands that run as they are through sh; failed and crashed runs
# still get their row; bad input gets a message and exit status 2.
. "${top_srcdir:-.}/tests/lib.sh"

COLS='seed,exit_code,outcome,end_ns,threads,mean_response_ns,mean_turnaround_ns,mean_wait_ns,messages,calls,latency_mean_ns,latency_p99_ns,dropped,events'

# json_rows: read "ukern run --stats json" objects (one or more, back to
# back) and print per object the sweep columns it determines, from seed to
# dropped, without exit_code: seed,outcome,end_ns,threads,response,
# turnaround,wait,messages,calls,latency mean,p99,dropped.
json_rows() {
	awk '
	function field(line, key,   s) {
		if (!match(line, "\"" key "\": [^,}]*"))
			return ""
		s = substr(line, RSTART, RLENGTH)
		sub(/^"[^"]*": /, "", s)
		sub(/ +$/, "", s)
		gsub(/"/, "", s)
		return s
	}
	/^  "[a-z_]+": \[/ { section = $1; gsub(/[":]/, "", section) }
	/^  \],?$/ { section = "" }
	/^  "seed": / { seed = field($0, "seed") }
	/^  "end_ns": / { end = field($0, "end_ns") }
	/^  "outcome": / { outcome = field($0, "outcome") }
	section == "threads" && /^    \{/ {
		nt++
		tproc[nt] = field($0, "process"); tstate[nt] = field($0, "state")
		tresp[nt] = field($0, "response_ns"); tturn[nt] = field($0, "turnaround_ns")
		twait[nt] = field($0, "wait_ns")
	}
	section == "processes" && /^    \{/ { daemon[field($0, "name")] = field($0, "daemon") }
	/^  "ipc": / {
		ipc = field($0, "messages") "," field($0, "calls") "," field($0, "mean") "," \
		      field($0, "p99") "," field($0, "dropped")
	}
	function mean(sum, n) { return n ? sprintf("%.0f", int(sum / n)) : "" }
	/^}$/ {
		n = nr = rs = ts = ws = 0
		for (i = 1; i <= nt; i++) {
			if (daemon[tproc[i]] == "true" || tstate[i] != "exited")
				continue
			n++; ts += tturn[i]; ws += twait[i]
			if (tresp[i] != "null") { nr++; rs += tresp[i] }
		}
		print seed "," outcome "," end "," n "," mean(rs, nr) "," mean(ts, n) "," \
		      mean(ws, n) "," ipc
		nt = 0; split("", daemon)
	}'
}

# expected SCENARIO NAME VALUES...: the CSV a sweep over NAME=VALUES with
# seeds 1-2 must give, made from single "ukern run" runs.
expected() {
	scen=$1 name=$2
	shift 2
	echo "$name,$COLS"
	for v in "$@"; do
		for seed in 1 2; do
			"$UKERN" run "$scen" --set "$name=$v" --seed $seed --stats json --quiet \
				>"$TMP/one.json" 2>/dev/null
			code=$?
			events=$("$UKERN" run "$scen" --set "$name=$v" --seed $seed --quiet --stats text |
				sed -n '1s/.*(\([0-9]*\) events)$/\1/p')
			json_rows <"$TMP/one.json" |
				awk -F, -v OFS=, -v v="$v" -v c="$code" -v e="$events" \
					'{ $2 = c "," $2; print v, $0, e }'
		done
	done
}

# sweep_check SCENARIO NAME VALUES...: rows, header, -j 1 = -j 2, figures.
sweep_check() {
	scen=$1 name=$2 list=$3
	shift 3
	run 0 sweep "$scen" --set "$name=$list" --seeds 1-2 -j 1 && cp "$TMP/out" "$TMP/j1.csv"
	run 0 sweep "$scen" --set "$name=$list" --seeds 1-2 -j 2 && cp "$TMP/out" "$TMP/j2.csv"
	checks=$((checks + 4))
	[ "$(wc -l <"$TMP/j1.csv")" -eq $((1 + 2 * $#)) ] || fail "$scen: $(wc -l <"$TMP/j1.csv") lines"
	[ "$(head -1 "$TMP/j1.csv")" = "$name,$COLS" ] || fail "$scen: header $(head -1 "$TMP/j1.csv")"
	cmp -s "$TMP/j1.csv" "$TMP/j2.csv" || fail "$scen: -j 1 and -j 2 differ"
	expected "$scen" "$name" "$@" >"$TMP/want.csv"
	cmp -s "$TMP/j1.csv" "$TMP/want.csv" || {
		fail "$scen: the sweep differs from single runs"
		diff "$TMP/want.csv" "$TMP/j1.csv" | sed 's/^/  /' >&2
	}
}

sweep_check scenarios/buffering.lua qlimit 0,2 0 2
sweep_check scenarios/pingpong.lua n 10,20 10 20
# user threads count, the LWPs that carry them do not (as in the JSON "threads")
sweep_check scenarios/thread-models.lua model many-to-one,activations many-to-one activations

# --emit: one command per run, in plan order, that sh runs as it is and
# that gives the figures of the sweep's rows.
emit_check() {
	run 0 sweep "$@" --emit && cp "$TMP/out" "$TMP/cmds"
	run 0 sweep "$@" && cp "$TMP/out" "$TMP/rows.csv"
	checks=$((checks + 3))
	[ "$(wc -l <"$TMP/cmds")" -eq $(($(wc -l <"$TMP/rows.csv") - 1)) ] ||
		fail "--emit $*: $(wc -l <"$TMP/cmds") commands"
	grep -q -v -- "^$UKERN run .* --stats json\$" "$TMP/cmds" && fail "--emit $*: $(head -1 "$TMP/cmds")"
	sh "$TMP/cmds" 2>/dev/null | json_rows >"$TMP/emitted"
	# the sweep's columns from seed to dropped, without exit_code
	np=$(head -1 "$TMP/rows.csv" | awk -F, '{ print NF - 14 }')
	sed 1d "$TMP/rows.csv" | awk -F, -v OFS=, -v np="$np" \
		'{ s = $(np + 1) ","; for (i = np + 3; i < NF; i++) s = s $i (i < NF - 1 ? "," : ""); print s }' \
		>"$TMP/swept"
	cmp -s "$TMP/emitted" "$TMP/swept" || {
		fail "--emit $*: the commands give other figures than the sweep"
		diff "$TMP/swept" "$TMP/emitted" | sed 's/^/  /' >&2
	}
}
emit_check scenarios/pingpong.lua --set n=10,20 --set costs=modern,firefly-1990 --seeds 1-2
emit_check scenarios/buffering.lua --set qlimit=0,2 --until 25ms
emit_check tests/sweep/label.lua --set "label=a b,it's \$HOME,say \"hi\",back\\slash"
run 0 sweep scenarios/pingpong.lua --set n=5 --seeds 7 --max-events 100 --emit &&
	expect_out "^$UKERN run scenarios/pingpong.lua --set n=5 --seed 7 --max-events 100 --stats json\$"
run 0 sweep tests/sweep/label.lua --set "label=it's" --emit &&
	expect_out "--set 'label=it'\\\\''s' --stats json\$"
checks=$((checks + 1))
(cd "$(dirname "$UKERN")" && PATH=".:$PATH" ukern sweep "$OLDPWD/scenarios/hello.lua" --emit) |
	grep -q '^ukern run ' || fail "--emit: a program found on PATH is not named ukern"

# Values with quotes and commas-free text reach the run intact; CSV quoting.
run 0 sweep tests/sweep/label.lua --set 'label=say "hi",a b' &&
	expect_out '^"say ""hi""",1,0,completed,8000000,1,' && expect_out '^a b,1,0,completed,3000000,'

# The cross product: first --set slowest, seeds fastest.
run 0 sweep scenarios/pingpong.lua --set n=3,4 --set costs=zero,modern --seeds 5-6 -j 3
checks=$((checks + 1))
[ "$(cut -d, -f1-3 "$TMP/out" | tr '\n' ' ')" = "n,costs,seed 3,zero,5 3,zero,6 3,modern,5 3,modern,6 4,zero,5 4,zero,6 4,modern,5 4,modern,6 " ] ||
	fail "plan order: $(cut -d, -f1-3 "$TMP/out" | tr '\n' ' ')"

# Runs that fail still get their row; the sweep itself succeeds.
run 0 sweep scenarios/pingpong.lua --set n=10,many,20 &&
	expect_out '^many,,2,invalid,,,,,,,,,,,$' && expect_out '^10,1,0,completed,' &&
	expect_err "run 2 \(n=many\): scenarios/pingpong.lua:18: --set n=many: parameter 'n' takes a number"
run 0 sweep tests/bad/deadlock.lua --set ticker=false,true &&
	expect_out '^false,1,3,deadlock,1000000,0,,,,' && expect_out '^true,1,3,deadlock,1000000,0,,,,'
run 0 sweep tests/bad/runtime.lua --seeds 1-2 &&
	expect_out '^2,4,completed,' &&
	expect_err 'run 1 \(seed=1\): tests/bad/runtime.lua:5: attempt to index a nil value'
run 0 sweep tests/sweep/crash.lua --set crash=false,true,false -j 2 &&
	expect_out '^true,,137,crashed,,,,,,,,,,,$' && expect_out '^false,1,0,completed,1000000,1,' &&
	expect_err 'run 2 \(crash=true\) crashed: killed by signal 9'
checks=$((checks + 1))
[ "$(wc -l <"$TMP/out")" -eq 4 ] || fail "crash: $(wc -l <"$TMP/out") lines"
run 0 sweep scenarios/pingpong.lua --until 100us --max-events 1000000 &&
	expect_out '^1,0,limit,100000,0,'
run 0 sweep scenarios/pingpong.lua --max-events 50 && expect_out '^1,0,limit,[0-9]+,0,,,,'

# -o: through a temporary file; an unwritable place is a host failure.
run 0 sweep scenarios/buffering.lua --set qlimit=0,2 -o "$TMP/sweep.csv"
checks=$((checks + 3))
[ -s "$TMP/out" ] && fail "-o: rows on stdout too"
[ "$(wc -l <"$TMP/sweep.csv")" -eq 3 ] || fail "-o: $(wc -l <"$TMP/sweep.csv") lines"
ls "$TMP" | grep -q '\.tmp\.' && fail "-o: temporary file left behind"
run 1 sweep scenarios/buffering.lua -o "$TMP/no/such/dir/x.csv" && expect_err 'x.csv: cannot write'
# A directory as -o is refused before any run, not at the rename once every
# run is done, which would throw their rows away.
mkdir "$TMP/adir"
printf 'local mark = param("mark", "")\nprocess { "p", main = function() assert(io.open(mark, "a")):close() end }\n' >"$TMP/mark.lua"
run 1 sweep "$TMP/mark.lua" --set mark="$TMP/ran" -o "$TMP/adir" &&
	expect_err 'adir: cannot write: Is a directory'
checks=$((checks + 1))
[ -e "$TMP/ran" ] && fail "-o DIR: the runs ran before the error"

# What a scenario writes to stdout (io.write) goes to stderr, the check's
# load of the top level included: stdout holds the rows only.
printf 'local n = param("n", 1)\nio.write("top level\\n")\nprocess { "p", main = function() io.write("body\\n") end }\n' >"$TMP/write.lua"
run 0 sweep "$TMP/write.lua" --set n=1,2 && expect_err '^top level$' && expect_err '^body$'
checks=$((checks + 1))
[ "$(head -c 2 "$TMP/out")" = n, ] && [ "$(wc -l <"$TMP/out")" -eq 3 ] ||
	fail "io.write landed among the rows: $(head -2 "$TMP/out")"

# Bad input: a message and exit status 2, before any run.
run 2 sweep && expect_err 'sweep: no scenario given'
run 2 sweep scenarios/hello.lua --bogus && expect_err "sweep: unknown option '--bogus'"
run 2 sweep scenarios/pingpong.lua --set n && expect_err '--set n: expected NAME=V1,V2,...'
run 2 sweep scenarios/pingpong.lua --set n= && expect_err '--set n=: no values'
run 2 sweep scenarios/pingpong.lua --set =1,2 && expect_err '--set =1,2: expected NAME='
run 2 sweep scenarios/pingpong.lua --set n=1,,2 && expect_err '--set n=1,,2: empty value'
run 2 sweep scenarios/pingpong.lua --set n=1, && expect_err '--set n=1,: empty value'
run 2 sweep scenarios/pingpong.lua --set n=1 --set n=2 && expect_err '--set n given twice'
run 2 sweep scenarios/pingpong.lua --set m=1,2 && expect_err "declares no parameter 'm' \(it declares: n costs loop\)"
run 2 sweep scenarios/pingpong.lua --seeds 5-2 && expect_err '--seeds 5-2: expected A-B with A <= B'
run 2 sweep scenarios/pingpong.lua --seeds one-two && expect_err '--seeds one-two: expected'
run 2 sweep scenarios/pingpong.lua --seeds 1- && expect_err '--seeds 1-: expected'
run 2 sweep scenarios/pingpong.lua --seeds -3 && expect_err '--seeds -3: expected'
run 2 sweep scenarios/pingpong.lua --seeds 0-99999999999 && expect_err 'more than 1000000 runs'
run 2 sweep scenarios/pingpong.lua -j 0 && expect_err '-j 0: expected a positive integer'
run 2 sweep scenarios/pingpong.lua -j two && expect_err '-j two: expected a positive integer'
run 2 sweep scenarios/pingpong.lua -j && expect_err '-j needs a value'
run 2 sweep scenarios/pingpong.lua --until 10xs && expect_err '--until 10xs: invalid duration'
run 2 sweep scenarios/pingpong.lua --max-events 0 && expect_err '--max-events 0: expected a positive integer'
run 2 sweep a.lua b.lua && expect_err "one scenario at a time \('a.lua' and 'b.lua'\)"
run 2 sweep no/such.lua --set n=1,2 && expect_err '^no/such.lua: cannot open scenario'
run 2 sweep tests/bad/syntax.lua --emit && expect_err '^tests/bad/syntax.lua:3: '
checks=$((checks + 1))
[ -s "$TMP/out" ] && fail "a scenario that does not load still gave output"
# The same error in many threads of a run: 3 in full, then one line.
printf '%s\n' 'local function bad() local t = nil; return t.x end' \
	'for i = 1, 10 do process { name = "p" .. i, main = bad } end' >"$TMP/same.lua"
run 0 sweep "$TMP/same.lua" --seeds 1 &&
	expect_err '^ukern: sweep: run 1 \(seed=1\): [^ ]*same.lua:1: attempt to index a nil value \(local .t.\) \(process p3, ' &&
	expect_err '^ukern: sweep: run 1 \(seed=1\): 7 more threads raised the same error at [^ ]*same.lua:1$'
checks=$((checks + 1))
[ "$(grep -c 'attempt to index' "$TMP/err")" -eq 3 ] ||
	fail "sweep showed the same error $(grep -c 'attempt to index' "$TMP/err") times, not 3"
run 0 sweep --help && expect_out '^usage: ukern sweep SCENARIO ' && expect_out '--emit'
finish
