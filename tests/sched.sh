#!/bin/sh
# sched.sh - jobs and the fifo, sjf, stcf and rr policies give the
# textbook answers to the tick (doc/scheduling.md), with --answers and
# --ticks as a student would use them.
. "${top_srcdir:-.}/tests/lib.sh"
S=tests/sched

avg() {   # avg RESPONSE TURNAROUND WAIT: the --answers average line
	expect_out "Average +-- Response: +$1 +Turnaround +$2 +Wait +$3\$"
}
job() {   # job NAME RESPONSE TURNAROUND WAIT
	expect_out "Job $1 +-- Response: +$2 +Turnaround +$3 +Wait +$4\$"
}

# scheduler.py -p FIFO -l 200,200,200
run 0 run $S/three.lua --answers && job J0 0.00 200.00 0.00 && job J1 200.00 400.00 200.00 &&
	job J2 400.00 600.00 400.00 && avg 200.00 400.00 200.00
# scheduler.py -p SJF -l 300,100,200: a stable sort by length
run 0 run $S/three.lua --set sched=sjf --set a=300 --set b=100 --set c=200 --answers &&
	job J1 0.00 100.00 0.00 && job J2 100.00 300.00 100.00 && job J0 300.00 600.00 300.00 &&
	avg 133.33 333.33 133.33
# equal lengths: declaration order
run 0 run $S/three.lua --set sched=sjf --set a=50 --set b=50 --set c=20 --answers &&
	job J2 0.00 20.00 0.00 && job J0 20.00 70.00 20.00 && job J1 70.00 120.00 70.00
# scheduler.py -p RR -q 1 -l 5,5,5
run 0 run $S/three.lua --set sched=rr --set quantum=1 --set a=5 --set b=5 --set c=5 --answers &&
	job J0 0.00 13.00 8.00 && job J1 1.00 14.00 9.00 && job J2 2.00 15.00 10.00
# rr: a job whose remainder equals the quantum finishes without preemption
run 0 run $S/three.lua --set sched=rr --set a=10 --set b=10 --set c=15 --answers &&
	job J0 0.00 10.00 0.00 && job J1 10.00 20.00 10.00 && job J2 20.00 35.00 20.00
run 0 run $S/three.lua --set sched=rr --set quantum=1 --set a=2 --set b=1 --set c=1 --ticks &&
	expect_out '^ +0  J0 *$' && expect_out '^ +1  J1 *$' && expect_out '^ +2  J2 *$' &&
	expect_out '^ +3  J0 *$'

# OSTEP figures 7.4 and 7.5
run 0 run $S/book.lua --answers && avg 63.33 103.33 63.33
run 0 run $S/book.lua --set sched=fifo --answers && avg 63.33 103.33 63.33
run 0 run $S/book.lua --set sched=stcf --answers && job A 0.00 120.00 20.00 &&
	job B 0.00 10.00 0.00 && job C 10.00 20.00 10.00 && avg 3.33 50.00 10.00

# I/O: A computes 5, waits 5 for its I/O while B runs; fifo lets B finish.
run 0 run $S/io.lua --answers && job A 0.00 20.00 5.00 && job B 5.00 15.00 5.00
run 0 run $S/io.lua --stats json --quiet &&
	expect_out '"name": "A", "process": "A", "model": "one-to-one", "arrival_ns": 0, "first_run_ns": 0, "finish_ns": 20000000, "cpu_ns": 10000000,'

# priority: C (3) runs, B (5) arrives at 2 and preempts it, A (1) waits for both;
# with aging (one level per 5 ms waited) A overtakes C at C's quantum end.
run 0 run $S/priority.lua --answers && job A 25.00 35.00 25.00 && job B 0.00 5.00 0.00 &&
	job C 0.00 25.00 5.00
run 0 run $S/priority.lua --set aging=5 --answers && job A 17.00 27.00 17.00 &&
	job C 0.00 35.00 15.00
run 0 run $S/priority.lua --answers && checks=$((checks + 1)) &&
	{ grep -n 'Job' "$TMP/out" | head -1 | grep -q 'Job A' || fail "answers not in declaration order"; }

# stride: 100, 50, 250 tickets give strides 100, 200, 40: 2, 1, 5 quanta per 8.
run 0 run $S/shares.lua --ticks &&
	[ "$(awk 'NR>2 && NR<=18 {print $2}' "$TMP/out" | tr -d '\n')" = ABCCCACCABCCCACC ] ||
	fail "stride order: $(awk 'NR>2 && NR<=18 {print $2}' "$TMP/out" | tr -d '\n')"
checks=$((checks + 1))
run 0 run $S/shares.lua --until 80 --stats json &&
	expect_out '"name": "A", .*"tickets": 100, "share": 0.250000, "ticket_share": 0.250000,' &&
	expect_out '"name": "C", .*"tickets": 250, "share": 0.625000, "ticket_share": 0.625000,' &&
	expect_out '"scheduling": \{ "policy": "stride", "queues": "global", "completed": 0, '
# lottery: in the long run, shares within 0.01 of the tickets; another seed, another draw.
run 0 run $S/shares.lua --set sched=lottery --set run=100000 --until 20000 --stats json &&
	grep -o '"share": [0-9.]*, "ticket_share": [0-9.]*' "$TMP/out" | tr -d ',' |
	awk '{ d = $2 - $4; if (d < 0) d = -d; if (d > 0.01) bad = 1 } END { exit bad }' ||
	fail "lottery shares stray from the tickets"
checks=$((checks + 1))
run 0 run $S/shares.lua --set sched=lottery --answers && cp "$TMP/out" "$TMP/lot1"
run 0 run $S/shares.lua --set sched=lottery --answers --seed 2 && checks=$((checks + 1)) &&
	{ cmp -s "$TMP/out" "$TMP/lot1" && fail "lottery gave the same schedule with another seed"; }
run 0 run $S/shares.lua --set sched=lottery --answers && checks=$((checks + 1)) &&
	{ cmp -s "$TMP/out" "$TMP/lot1" || fail "lottery is not deterministic for one seed"; }
run 0 run $S/three.lua --set sched=stride --stats json --quiet &&
	expect_out '"jain_fairness": 1.000000,'
# lottery spends whole quanta: jobs of 105 ms with quantum 10 finish at the
# quantum's end (lottery.py's "JOB DONE at time" 210 and 220); stride does not.
run 0 run scenarios/lottery.lua --set length=105 --set quantum=10 --answers &&
	expect_out 'Job . +-- Response: +[0-9.]+ +Turnaround +210.00 ' &&
	expect_out 'Job . +-- Response: +[0-9.]+ +Turnaround +220.00 '
run 0 run scenarios/lottery.lua --set sched=stride --set length=105 --set quantum=10 --answers &&
	job A 0.00 205.00 100.00 && job B 10.00 210.00 105.00
# A job's I/O ends its quantum at once, its exit at the quantum's end (the
# draw at 5 gives it 5 - 15); P and Q are not jobs: the draw at 20 gives Q
# 20 - 25, and P starts when Q ends.
run 0 run $S/whole.lua --answers && job A 0.00 15.00 0.00
run 0 run $S/whole.lua --stats json &&
	expect_out '"name": "P", .*"finish_ns": 30000000,' &&
	expect_out '"name": "Q", .*"finish_ns": 25000000,'
run 0 run $S/whole.lua --set sched=stride --answers && job A 0.00 8.00 0.00

# mlfq: each case's (response, turnaround) per job, as computed by an
# independent model of the rules in doc/scheduling.md.
mlfq() {   # mlfq CASE JOB RESPONSE TURNAROUND [JOB RESPONSE TURNAROUND]...
	case=$1
	shift
	run 0 run $S/mlfq.lua --set case=$case --answers || return
	while [ $# -gt 0 ]; do
		expect_out "Job $1 +-- Response: +$2.00 +Turnaround +$3.00 "
		shift 3
	done
}
mlfq basic A 0 50 B 10 60
mlfq boost A 0 240 B 10 250 C 20 300
mlfq game A 0 150 B 10 130
mlfq gamestay A 0 150 B 10 65
mlfq front A 0 63 B 5 80
mlfq boost5 J0 0 150 J1 0 75
mlfq lists A 0 95 B 0 72 C 0 31
run 0 run $S/mlfq.lua --set case=boost --stats json --quiet &&
	expect_out '"scheduling": \{ "policy": "mlfq", "queues": "global", "completed": 3,'
printf 'machine { sched = "rr", queues = 3 }\n' >"$TMP/q.lua"
run 2 run "$TMP/q.lua" && expect_err 'q.lua:1: machine: queues = 3: a number of queues is a parameter of sched = "mlfq"'
printf 'machine { sched = "mlfq", queues = 2, quantum = { 1, 2, 3 } }\n' >"$TMP/q.lua"
run 2 run "$TMP/q.lua" && expect_err "q.lua:1: machine: 'quantum' lists 3 values for 2 queues"
printf 'machine { sched = "mlfq", quantum = "1500us" }\n' >"$TMP/q.lua"
run 2 run "$TMP/q.lua" && expect_err "must be a whole number of ticks \\(1 ms\\) above 0, not '1500us'"
# A number of ms past the range of durations is too large, not "no whole number".
printf 'machine { sched = "mlfq", quantum = 1e15 }\n' >"$TMP/q.lua"
run 2 run "$TMP/q.lua" && expect_err "q.lua:1: machine: 'quantum' = 1e\\+15 ms is too large"

# cfs: shares follow the weights of Linux's nice table; equal nice, equal shares.
run 0 run $S/cfs.lua --until 4800 --stats json --quiet &&
	grep -o '"share": [0-9.]*' "$TMP/out" | awk '{ s[NR] = $2 } END {
		a = 1024 / 1359; b = 335 / 1359
		d1 = s[1] - a; d2 = s[2] - b; if (d1 < 0) d1 = -d1; if (d2 < 0) d2 = -d2
		exit !(NR == 2 && d1 < 0.005 && d2 < 0.005) }' || fail "cfs shares are not 1024:335"
checks=$((checks + 1))
run 0 run $S/cfs.lua --set nice_b=0 --until 4800 --stats json --quiet &&
	expect_out '"share": 0\.(4999|5000)' && expect_out '"jain_fairness": 1.000000'
printf 'job { "A", run = 5, nice = 25 }\n' >"$TMP/nice.lua"
run 2 run "$TMP/nice.lua" && expect_err "nice.lua:1: job: 'nice' must be an integer from -20 to 19"

# process-run (chapter 4): totals and completion ticks, as an independent
# model of the rules in doc/scheduling.md computes them.
pr() {   # pr TOTAL CPU IO P0DONE P1DONE ARGS...
	pattern="Stats: Total Time $1\$|Stats: CPU Busy $2 |Stats: IO Busy  $3 |P0 done at tick $4\$|P1 done at tick $5\$"
	shift 5
	run 0 run $S/procrun.lua "$@" --answers || return
	checks=$((checks + 1))
	[ "$(grep -c -E "$pattern" "$TMP/out")" = 5 ] || { fail "process-run $*: expected $pattern"; cat "$TMP/out" >&2; }
}
pr 9 8 5 9 6
pr 13 8 5 9 13 --set switch=on-end
pr 9 8 5 9 6 --set io_done=immediate
pr 9 9 5 9 7 --set p1=c5 --set io_done=immediate
pr 18 12 12 18 9 --set p0=c1,i,i --set p1=c7 --set io_length=6
# The last, partial tick is in the chart: a run that ends at 1.5 ms has ticks 0
# and 1; a tick shows the thread that ran in it however little, - only when
# nothing ran.
printf '%s\n' 'machine { cpus = 2, costs = "zero" }' \
	'process { name = "j", main = function() compute("10us"); sleep("1.4ms"); compute("100us") end }' >"$TMP/partial.lua"
run 0 run "$TMP/partial.lua" --ticks --quiet && expect_out '^ +0  j +- *$' &&
	expect_out '^ +1  j +- *$' && checks=$((checks + 1)) &&
	{ [ "$(grep -c '^ *[0-9]' "$TMP/out")" -eq 2 ] || fail "--ticks: not two ticks for a 1.51 ms run"; }
run 0 run $S/procrun.lua --ticks && expect_out '^ +1  P0 *$' && expect_out '^ +3  P1 *$' &&
	expect_out '^ +7  - *$'
run 0 run $S/procrun.lua --stats json --quiet && expect_out '"io_busy_ns": 5000000,' &&
	expect_out '"policy": "process-run"'
run 2 run $S/procrun.lua --set p0=c3,x && expect_err "job 'P0': program \"c3,x\": 'x' is neither cN"
printf 'job { "P0", program = "c1" }\n' >"$TMP/prog.lua"
run 2 run "$TMP/prog.lua" && expect_err "prog.lua:1: job 'P0': 'program' needs machine \\{ sched = \"process-run\" \\}"
printf 'machine { sched = "process-run" }\njob { "A", run = 5 }\n' >"$TMP/prog.lua"
run 2 run "$TMP/prog.lua" && expect_err "prog.lua:2: job 'A': a process-run machine runs only jobs with a program"

# affinity: A and B share CPU 1, C has CPU 0.
run 0 run $S/affinity.lua --answers --ticks && job C 0.00 30.00 0.00 && job A 0.00 50.00 20.00 &&
	job B 10.00 60.00 30.00 && expect_out '^ +0  C +A *$' && expect_out '^ +15  C +B *$'
run 0 run $S/affinity.lua --stats json --quiet &&
	expect_out '"name": "A", .*"migrations": 0,' &&
	expect_out '\{ "id": 1, "busy_ns": 60000000, "idle_ns": 0, "utilisation": 1.000000,'
printf 'machine { cpus = 2 }\njob { "A", run = 5, affinity = { 2 } }\n' >"$TMP/aff.lua"
run 2 run "$TMP/aff.lua" && expect_err "aff.lua:2: 'A': its affinity names no CPU of this machine \\(it has 2"

# per-cpu queues: without balancing CPU 0 idles; stealing and periodic balancing fix it.
run 0 run scenarios/load-balance.lua --set balance=none --answers && avg 5.00 117.50 51.25 &&
	job B 0.00 190.00 90.00
run 0 run scenarios/load-balance.lua --set balance=none --stats json --quiet &&
	expect_out '"scheduling": \{ "policy": "rr", "queues": "per-cpu", "completed": 8,.*"utilisation": 0.662500 \}'
run 0 run scenarios/load-balance.lua --answers && avg 5.00 86.25 20.00 && job B 0.00 110.00 10.00
run 0 run scenarios/load-balance.lua --set balance=periodic --answers && avg 5.00 86.25 20.00
run 0 run scenarios/load-balance.lua --stats json --quiet && expect_out '"name": "B", .*"migrations": 1,'
# A migration dearer than the quantum is paid before the quantum: every job still finishes.
run 0 run scenarios/load-balance.lua --set queues=global --set migrate=40ms --max-events 100000 \
	--stats json --quiet && expect_out '"outcome": "completed"' && expect_out '"completed": 8,'
printf 'machine { cpus = 2, queues = 4 }\n' >"$TMP/pc.lua"
run 2 run "$TMP/pc.lua" && expect_err 'a number of queues is a parameter of sched = "mlfq"'
printf 'machine { cpus = 2, queues = "per-cpu", balance = "sometimes" }\n' >"$TMP/pc.lua"
run 2 run "$TMP/pc.lua" && expect_err 'balance = "sometimes": expected'

# A policy written in the scenario: shortest remaining first, by hand, gives stcf's answers.
run 0 run $S/custom.lua --answers && job A 0.00 120.00 20.00 && job B 0.00 10.00 0.00 &&
	job C 10.00 20.00 10.00
run 0 run $S/custom.lua --set policy=index --answers && expect_out 'Job A +-- Response: +0.00 '
run 0 run $S/custom.lua --set policy=index --stats json --quiet &&
	expect_out '"scheduling": \{ "policy": "lua",'
run 4 run $S/custom.lua --set policy=broken --answers &&
	expect_err "^$S/custom.lua:14: attempt to index a nil value \\(field 'nosuch'\\) \\(in the scenario's scheduler, at 0ns; the run goes on in first-come order\\)" &&
	expect_out 'Job C +-- Response: +2.00 +Turnaround +30.00 '
run 4 run $S/custom.lua --set policy=wrong &&
	expect_err "^$S/custom.lua:15: scheduler: pick\\(ready, cpu\\) must return one of the ready threads"
printf 'machine { cpus = 2, sched = { pick = function(r) return r[1] end }, balance = "periodic" }\n' >"$TMP/lb.lua"
run 2 run "$TMP/lb.lua" && expect_err "lb.lua:1: machine: a scheduler written in the scenario has one global queue \\('balance' does not apply\\)"
printf 'machine { sched = { pick = function(r) return r[1] end }, boost = 10 }\n' >"$TMP/lb.lua"
run 2 run "$TMP/lb.lua" && expect_err "lb.lua:1: machine: 'boost' is a parameter of sched = \"mlfq\""
printf 'machine { sched = { quantum = 1 } }\n' >"$TMP/nopick.lua"
run 2 run "$TMP/nopick.lua" && expect_err "nopick.lua:1: machine: sched = \\{ pick = function\\(ready, cpu\\) ... end \\}: 'pick' must be a function"

# A policy's own parameters are refused elsewhere; allotment counts quanta.
printf 'machine { sched = "mlfq", io_length = 3 }\n' >"$TMP/x.lua"
run 2 run "$TMP/x.lua" && expect_err "x.lua:1: machine: 'io_length' is a parameter of sched = \"process-run\""
printf 'machine { sched = "rr", aging = 5 }\n' >"$TMP/x.lua"
run 2 run "$TMP/x.lua" && expect_err "x.lua:1: machine: 'aging' is a parameter of sched = \"priority\""
printf 'machine { sched = "mlfq", allotment = "2ms" }\n' >"$TMP/x.lua"
run 2 run "$TMP/x.lua" && expect_err "'allotment' of mlfq counts quanta"
printf 'machine { cpus = 2, balance = "periodic" }\n' >"$TMP/x.lua"
run 2 run "$TMP/x.lua" && expect_err 'balancing applies to queues = "per-cpu"'
printf 'machine { costs = "zero", sched = { pick = function(r) return 1 end }, quantum = 7 }\njob { "A", run = 20 }\njob { "B", run = 20 }\n' >"$TMP/x.lua"
run 0 run "$TMP/x.lua" --answers && job A 0.00 34.00 14.00 && job B 7.00 40.00 20.00

# --answers names the jobs that had not arrived when the run ended.
run 0 run $S/book.lua --until 5 --answers && expect_out 'Job B +-- had not arrived when the run ended' &&
	expect_out 'Job A +-- did not finish \(running\)'

# Mistakes.
printf 'job { "A" }\n' >"$TMP/norun.lua"
run 2 run "$TMP/norun.lua" && expect_err "norun.lua:1: job 'A': 'run' \\(the CPU it needs\\) must be given"
printf 'job { "A", run = 5, ticket = 3 }\n' >"$TMP/tickets.lua"
run 2 run "$TMP/tickets.lua" && expect_err "tickets.lua:1: job: unknown field 'ticket' \\(known fields: name, arrive, run, io_every, io_time, priority, tickets, nice, affinity, program\\)"
printf 'machine { sched = "mlfq2" }\n' >"$TMP/mlfq.lua"
run 2 run "$TMP/mlfq.lua" && expect_err "unknown scheduler 'mlfq2' \\(available: fifo, rr, sjf, stcf, priority, mlfq, lottery, stride, cfs, process-run\\)"
# A thread-body function called in pick: the error says where it was called.
cat >"$TMP/pk.lua" <<'EOS'
machine { cpus = 1, sched = { pick = function(ready, cpu)
  sleep("1ms")
  return 1
end, quantum = "1ms" } }
process { "w", main = function() compute("2ms") end }
EOS
run 4 run "$TMP/pk.lua" --quiet &&
	expect_err "^[^ ]*pk.lua:2: sleep\(\) cannot be called in the scheduler's pick: it chooses a thread and returns, outside any thread body \(in the scenario's scheduler, at 0ns"
finish
