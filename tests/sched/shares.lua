-- shares.lua: three long jobs with 100, 50 and 250 tickets; under stride
-- and lottery their CPU shares follow the tickets (measure with --until,
-- while all three are still running).
local sched = param("sched", "stride")
local run = param("run", 400)
machine { sched = sched, costs = "zero", quantum = 1 }
job { "A", run = run, tickets = 100 }
job { "B", run = run, tickets = 50 }
job { "C", run = run, tickets = 250 }
