-- sched.lua: fifo and rr on two jobs (30ms and 20ms), zero costs.
local sched = param("sched", "rr")
machine { cpus = 1, sched = sched, quantum = "10ms", costs = "zero" }
process { name = "A", main = function() compute("30ms") end }
process { name = "B", main = function() compute("20ms") end }
