-- rr-quantum.lua: round robin's quantum trades response time against
-- turnaround (OSTEP chapter 7).
--
-- Three jobs of 100 ms each arrive at time 0. Under rr each dispatch gets
-- a full quantum; a job with more left than that goes to the tail. With
-- n equal jobs and quantum q, the average response time is q (n - 1) / 2
-- and the turnaround approaches n times a job's length as q shrinks:
--
--   quantum    1 ms: response   1, turnaround 299 (average, in ms)
--   quantum   10 ms: response  10, turnaround 290
--   quantum  100 ms: response 100, turnaround 200 (that is fifo)
--
--   ukern run scenarios/rr-quantum.lua --answers                (quantum 10)
--   ukern run scenarios/rr-quantum.lua --set quantum=1 --answers --ticks
--   ukern run scenarios/rr-quantum.lua --set quantum=100 --answers
--   ukern run scenarios/rr-quantum.lua --set sched=fifo --answers
--
-- A context switch is free by default. Give it a price (in ms: 0.1 is
-- 100 us) and watch a small quantum waste the CPU: with quantum 1 every
-- job's turnaround grows by 10%, with quantum 100 by almost nothing:
--
--   ukern run scenarios/rr-quantum.lua --set quantum=1 --set switch=0.1 --answers
--
-- Lesson: doc/tutorial/scheduling.md.

local sched = param("sched", "rr")
local quantum = param("quantum", 10)   -- ms
local jobs = param("jobs", 3)
local length = param("length", 100)    -- each job's CPU time (ms)
local switch = param("switch", 0)      -- the cost of a context switch (ms)
assert(quantum > 0, ("quantum must be a number of ms, more than 0, not %s"):format(quantum))
assert(math.type(jobs) == "integer" and jobs >= 1 and jobs <= 1000,
       ("jobs must be a whole number from 1 to 1000, not %s"):format(jobs))
assert(length > 0, ("length must be a number of ms, more than 0, not %s"):format(length))
assert(switch >= 0, ("switch must be a number of ms, at least 0, not %s"):format(switch))

machine { sched = sched, quantum = quantum,
          costs = { profile = "zero", kernel_switch = switch } }

for i = 0, jobs - 1 do
  job { "J" .. i, run = length }
end
