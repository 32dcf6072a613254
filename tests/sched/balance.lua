-- balance.lua: per-cpu queues on 4 CPUs. Placement balances the number of
-- jobs, not their length: CPU 0 gets two short jobs and idles from 20 ms
-- while the others share long ones, unless balancing moves work over.
local balance = param("balance", "stealing")
machine { cpus = 4, sched = "rr", quantum = 10, costs = "zero", queues = "per-cpu", balance = balance }
job { "A", run = 10 }
job { "B", run = 100 }
job { "C", run = 100 }
job { "D", run = 100 }
job { "E", run = 10 }
job { "F", run = 100 }
job { "G", run = 100 }
job { "H", run = 10 }
