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

# Mistakes.
printf 'job { "A" }\n' >"$TMP/norun.lua"
run 2 run "$TMP/norun.lua" && expect_err "norun.lua:1: job 'A': 'run' \\(the CPU it needs\\) must be given"
printf 'job { "A", run = 5, tickets = 3 }\n' >"$TMP/tickets.lua"
run 2 run "$TMP/tickets.lua" && expect_err "tickets.lua:1: job: unknown field 'tickets'"
printf 'machine { sched = "mlfq" }\n' >"$TMP/mlfq.lua"
run 2 run "$TMP/mlfq.lua" && expect_err "unknown scheduler 'mlfq' \\(available: fifo, rr, sjf, stcf\\)"
finish
