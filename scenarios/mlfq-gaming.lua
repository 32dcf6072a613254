-- mlfq-gaming.lua: gaming the multi-level feedback queue, and two fixes
-- (OSTEP chapter 8; the rules are mlfq.py's, see doc/scheduling.md).
--
-- Three queues, a 10 ms quantum and an allotment of one quantum per level.
-- A is CPU-bound: it needs 50 ms. At 10 ms two "gamers" G1 and G2 arrive;
-- each needs 300 ms of CPU but issues a 1 ms I/O after every 9 ms of CPU,
-- just before its quantum would run out.
--
--   io_stay = true   (the default; mlfq.py -S, the old rules 4a/4b) a job
--                    that starts an I/O gets its quantum and allotment back:
--                    the gamers never leave the top queue, one computes
--                    while the other waits for its I/O, and A, down at
--                    level 1 since 10 ms, gets nothing until they finish:
--                    A's turnaround is 650 ms for 50 ms of work.
--   io_stay = false  (the new rule 4: the allotment counts all CPU used at
--                    a level) the gamers move down like anyone else: A is
--                    done at 110 ms.
--   boost = N        every N ms every job goes back to the top (rule 5): A
--                    gets a quantum after each boost. boost=20: 122 ms,
--                    boost=50: 221 ms, boost=100: 419 ms.
--
--   ukern run scenarios/mlfq-gaming.lua --answers
--   ukern run scenarios/mlfq-gaming.lua --set io_stay=false --answers
--   ukern run scenarios/mlfq-gaming.lua --set boost=50 --answers --ticks
--   ukern run scenarios/mlfq-gaming.lua --until 300 --stats json --quiet
--       (A's "share" of the CPU so far, against the gamers')
--
-- The same workload in mlfq.py: -n 3 -q 10 -a 1 -i 1 -S
-- -l 0,50,0:10,300,9:10,300,9 -c (drop -S for io_stay=false; -B 50 for
-- boost=50). Lesson: doc/tutorial/scheduling.md.

local io_stay = param("io_stay", true)
local boost = param("boost", 0)        -- ms; 0: never
local gamers = param("gamers", 2)
local quantum = param("quantum", 10)   -- ms, at every level
assert(math.type(boost) == "integer" and boost >= 0,
       ("boost must be a whole number of ms (0: never), at least 0, not %s"):format(boost))
assert(math.type(gamers) == "integer" and gamers >= 0 and gamers <= 1000,
       ("gamers must be a whole number from 0 to 1000, not %s"):format(gamers))
assert(math.type(quantum) == "integer" and quantum >= 2,
       ("quantum must be a whole number of ms (the gamers do I/O 1 ms before it ends), at least 2, not %s"):format(quantum))

machine { sched = "mlfq", costs = "zero", queues = 3, quantum = quantum, allotment = 1,
          boost = boost, io_stay = io_stay }

job { "A", run = 50 }
for i = 1, gamers do
  job { "G" .. i, arrive = 10, run = 300, io_every = quantum - 1, io_time = 1 }
end
