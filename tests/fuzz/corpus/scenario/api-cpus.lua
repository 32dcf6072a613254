-- cpus.lua: two CPUs run two computes in parallel; a third waits.
machine { cpus = 2, sched = "fifo", costs = "zero" }
process { name = "A", main = function() compute("30ms") end }
process { name = "B", main = function() compute("20ms") end }
process { name = "C", main = function() compute("10ms") end }
