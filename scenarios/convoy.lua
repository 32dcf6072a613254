-- convoy.lua: the convoy effect, and what sjf and stcf do about it
-- (OSTEP chapter 7).
--
-- A needs 100 ms of CPU; B, C and D need 10 ms each. A, B and C arrive
-- together at time 0, A declared first; D arrives at 50 ms, while A runs.
--
--   fifo  A runs first and the short jobs queue behind it like cars behind
--         a lorry: average turnaround 102.5 ms.
--   sjf   B and C (the shortest) run first, then A; but D, arriving while A
--         runs, still waits for A to finish: sjf never preempts.
--   stcf  as sjf, and D preempts A when it arrives (10 ms left against A's
--         70): average turnaround 42.5 ms, the best of the four.
--   rr    (quantum 10 ms) the best response time for everyone but A.
--
--   ukern run scenarios/convoy.lua --answers                 (fifo)
--   ukern run scenarios/convoy.lua --set sched=sjf --answers
--   ukern run scenarios/convoy.lua --set sched=stcf --answers --ticks
--   ukern run scenarios/convoy.lua --set sched=rr --answers
--
-- --answers prints each job's response, turnaround and wait in ticks of
-- 1 ms, as the OSTEP homework does; --ticks shows who ran in each tick.
-- The costs are zero, so the numbers are the textbook's exactly. Try also
-- --set late=0 (D arrives with the others: sjf and stcf agree) and
-- --set long=1000. Lesson: doc/tutorial/scheduling.md.

local sched = param("sched", "fifo")
local long = param("long", 100)      -- A's CPU time (ms)
local short = param("short", 10)     -- B's, C's and D's
local late = param("late", 50)       -- when D arrives
assert(long > 0, ("long must be a number of ms, more than 0, not %s"):format(long))
assert(short > 0, ("short must be a number of ms, more than 0, not %s"):format(short))
assert(late >= 0, ("late must be a number of ms, at least 0, not %s"):format(late))

machine { sched = sched, costs = "zero" }

job { "A", run = long }
job { "B", run = short }
job { "C", run = short }
job { "D", run = short, arrive = late }
