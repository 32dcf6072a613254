-- three.lua: three jobs arriving at 0, lengths as parameters
-- (scheduler.py -l a,b,c); rr with the quantum given.
local sched = param("sched", "fifo")
local q = param("quantum", 10)
local a, b, c = param("a", 200), param("b", 200), param("c", 200)
machine { sched = sched, costs = "zero", quantum = q }
job { "J0", run = a }
job { "J1", run = b }
job { "J2", run = c }
