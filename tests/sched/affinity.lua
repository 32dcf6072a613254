-- affinity.lua: two CPUs; A and B may run only on CPU 1, C anywhere. With
-- rr, A and B share CPU 1 while C has CPU 0 to itself; with a migration
-- cost, a thread that changes CPU pays for its cache.
local migrate = param("migrate", "0ns")
machine { cpus = 2, sched = "rr", quantum = 10, costs = { profile = "zero", migrate = migrate } }
job { "A", run = 30, affinity = { 1 } }
job { "B", run = 30, affinity = { 1 } }
job { "C", run = 30 }
