-- cfs.lua: two long jobs, nice 0 and nice 5 (weights 1024 and 335): in the
-- long run A gets 1024/1359 of the CPU and B 335/1359.
local nice_b = param("nice_b", 5)
machine { sched = "cfs", costs = "zero" }
job { "A", run = 5000 }
job { "B", run = 5000, nice = nice_b }
