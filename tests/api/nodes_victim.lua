-- nodes_victim.lua: per-CPU queues under a preemptive policy while a
-- process is stopped for its migration: "high" waits READY in its CPU's
-- queue, but may not run; it must not preempt the low thread running
-- there (which would be picked again, and preempted again, for ever).
machine { cpus = 2, sched = "priority", quantum = "1ms", queues = "per-cpu" }
node { "B", cpus = 1 }
link { "A", "B" }
process { "high", priority = 10, main = function() compute("20ms"); log("high done") end }
for i = 1, 2 do
  process { "low" .. i, priority = 1, main = function() compute("20ms"); log("low%d done", i) end }
end
migrate { at = "5ms", process = "high", to = "B" }
