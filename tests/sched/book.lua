-- book.lua: OSTEP chapter 7's example: A (100) at 0, B and C (10 each) at 10.
-- fifo/sjf: A, B, C (average turnaround 103.33); stcf: A is preempted by
-- B and C (average turnaround 50).
local sched = param("sched", "sjf")
machine { sched = sched, costs = "zero" }
job { "A", run = 100 }
job { "B", run = 10, arrive = 10 }
job { "C", run = 10, arrive = 10 }
