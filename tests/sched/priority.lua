-- priority.lua: B (priority 5) arrives at 2 and preempts A (priority 1);
-- with aging, a waiting low-priority job climbs.
local aging = param("aging", 0)
machine { sched = "priority", costs = "zero", aging = aging }
job { "A", run = 10, priority = 1 }
job { "B", run = 5, arrive = 2, priority = 5 }
job { "C", run = 20, priority = 3 }
