-- lottery.lua: how fair is a lottery? (OSTEP chapter 9)
--
-- Two jobs of the same length with the same tickets. Each quantum (1 ms)
-- a ticket is drawn from the run's seeded generator and its holder runs.
-- In the long run each job gets half the CPU, but over a short run luck
-- decides: the unfairness U = (first job's finish) / (second job's finish)
-- is 1 for a perfectly fair scheduler and 0.5 at worst. Stride scheduling
-- gives the same shares without luck: the two jobs alternate.
--
--   ukern run scenarios/lottery.lua --answers              (seed 1: U = 194/200)
--   ukern run scenarios/lottery.lua --answers --seed 3     (U = 187/200)
--   ukern run scenarios/lottery.lua --set length=10 --answers --seed 4   (U = 11/20)
--   ukern run scenarios/lottery.lua --set sched=stride --answers   (U = 199/200)
--   ukern run scenarios/lottery.lua --set tickets_b=300 --until 100 --stats json --quiet
--       (each job's "share" of the CPU so far against its "ticket_share")
--
-- Averaged over seeds, U grows with the length of the jobs (the book's
-- figure 9.2): from 0.5 for one quantum to about 0.98 for 1000.
-- The same workload in lottery.py: -l 100:100,100:100 -q 1 -c; the winners
-- differ (another generator) but U behaves the same. Lesson:
-- doc/tutorial/scheduling.md.

local sched = param("sched", "lottery")
local length = param("length", 100)     -- each job's CPU time (ms)
local quantum = param("quantum", 1)     -- ms
local tickets_b = param("tickets_b", 100)
assert(length > 0, ("length must be a number of ms, more than 0, not %s"):format(length))
assert(quantum > 0, ("quantum must be a number of ms, more than 0, not %s"):format(quantum))
assert(math.type(tickets_b) == "integer" and tickets_b >= 1 and tickets_b <= 1000000,
       ("tickets_b must be a whole number from 1 to 1000000, not %s"):format(tickets_b))

machine { sched = sched, quantum = quantum, costs = "zero" }

job { "A", run = length, tickets = 100 }
job { "B", run = length, tickets = tickets_b }
