-- load-balance.lua: four CPUs with one ready queue each.
--
-- Eight jobs arrive together: three short (10 ms) and five long (100 ms).
-- With per-CPU queues a new thread goes to the CPU with the fewest ready
-- threads. The name server's thread, ready at time 0, is on CPU 0, so the
-- jobs go to CPUs 1, 2, 3, 0, 1, 2, 3, 0: the counts are even, the work is
-- not. CPU 1 gets the two short jobs and idles from 20 ms, while CPUs 2 and
-- 3 each share two long ones.
--
--   balance = "none"      the imbalance stays: CPU 1 idles (10% busy), long
--                         jobs share CPUs and finish late (run ends at 200 ms)
--   balance = "stealing"  an idle CPU takes a job from the busiest queue
--   balance = "periodic"  every balance_every the queues are evened out
--   queues = "global"     one queue for all CPUs: no imbalance to begin with
--
--   ukern run scenarios/load-balance.lua --set balance=none --answers
--   ukern run scenarios/load-balance.lua --answers --ticks
--   ukern run scenarios/load-balance.lua --set queues=global --answers
--   ukern run scenarios/load-balance.lua --set migrate=50us --stats json
--
-- Look at the per-CPU utilisation and each job's migrations in the JSON
-- statistics, and at the tick chart: which CPU runs what, when.

local queues = param("queues", "per-cpu")
local balance = param("balance", "stealing")
local migrate = param("migrate", "0ns")

local m = { cpus = 4, sched = "rr", quantum = 10, queues = queues,
            costs = { profile = "zero", migrate = migrate } }
if queues == "per-cpu" then m.balance = balance end
machine(m)

job { "A", run = 10 }
job { "B", run = 100 }
job { "C", run = 100 }
job { "D", run = 100 }
job { "E", run = 10 }
job { "F", run = 100 }
job { "G", run = 100 }
job { "H", run = 10 }
