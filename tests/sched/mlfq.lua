-- mlfq.lua: small workloads, one per rule of the multi-level feedback queue
-- (doc/scheduling.md); pick one with --set case=NAME.
local case = param("case", "basic")
local cases = {
  -- two long jobs: both move down after their first quantum and alternate
  basic = { m = { queues = 3, quantum = 10, allotment = 1 },
            jobs = { { "A", run = 30 }, { "B", run = 30 } } },
  -- a boost every 50 ticks lifts everything back to the top, lowest queue first
  boost = { m = { queues = 3, quantum = 10, allotment = 1, boost = 50 },
            jobs = { { "A", run = 100 }, { "B", run = 100 }, { "C", run = 100 } } },
  -- gaming: B gives up the CPU just before its quantum ends; without io_stay
  -- its used ticks still count, and it moves down all the same
  game = { m = { queues = 3, quantum = 10, allotment = 1 },
           jobs = { { "A", run = 100 }, { "B", run = 50, io_every = 9, io_time = 1 } } },
  -- io_stay: an I/O refills the quantum, so gaming works even better
  gamestay = { m = { queues = 3, quantum = 10, allotment = 1, io_stay = true },
               jobs = { { "A", run = 100 }, { "B", run = 50, io_every = 9, io_time = 1 } } },
  -- io_front: an I/O completion goes to the head of its queue
  front = { m = { queues = 2, quantum = 5, allotment = 1, io_front = true },
            jobs = { { "A", run = 40, io_every = 5, io_time = 3 }, { "B", run = 40 } } },
  -- the example of doc/scheduling.md §5 with a boost every 50 ticks: the
  -- boost gives a fresh quantum and allotment (mlfq.py -B 50 gives J1 only
  -- a quantum of one tick, the allotment, and a turnaround of 84)
  boost5 = { m = { queues = 3, quantum = 10, allotment = 1, boost = 50, io_stay = true,
                   io_front = true },
             jobs = { { "J0", run = 100 }, { "J1", arrive = 10, run = 50, io_every = 9, io_time = 5 } } },
  -- per-level quanta and allotments, arrivals during a run
  lists = { m = { queues = 3, quantum = { 2, 4, 8 }, allotment = { 1, 2, 1 } },
            jobs = { { "A", run = 60 }, { "B", arrive = 5, run = 20, io_every = 3, io_time = 2 },
                     { "C", arrive = 12, run = 15 } } },
}
local c = assert(cases[case], "no such case")
c.m.sched, c.m.costs = "mlfq", "zero"
machine(c.m)
for _, j in ipairs(c.jobs) do job(j) end
