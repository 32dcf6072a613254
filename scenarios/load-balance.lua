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
--   nodes = true          two machines of two CPUs each (A and B, per-CPU
--                         queues on both): the five long jobs on A, the three
--                         short ones on B; balancing never crosses from one
--                         node to the other, so B idles while A's work waits
--
--   ukern run scenarios/load-balance.lua --set balance=none --answers
--   ukern run scenarios/load-balance.lua --answers --ticks
--   ukern run scenarios/load-balance.lua --set queues=global --answers
--   ukern run scenarios/load-balance.lua --set migrate=50us --stats json
--   ukern run scenarios/load-balance.lua --set nodes=true
--
-- Look at the per-CPU utilisation and each job's migrations in the JSON
-- statistics, and at the tick chart: which CPU runs what, when.

-- Is the string d a duration the scenario API takes: "250ns", "5us", "10ms", "2s", or ms; whole ns, under 2^64?
local function is_duration(d, name)   -- (2^64 ns or more, also as a number of ms such as 1e30: an error, "NAME = D is too large")
  local i, f, unit = d:match("^(%d*)%.?(%d*)(%a*)$")
  local digits = ({ [""] = 6, ns = 0, us = 3, ms = 6, s = 9 })[unit or 0]   -- of a fraction, down to 1 ns
  local ns = digits and i .. f ~= "" and tonumber("0" .. i .. "." .. f .. "0") * 10 ^ digits or (tonumber(d) or -1) * 1e6
  return ns < 2^64 and digits ~= nil and i .. f ~= "" and #f:gsub("0+$", "") <= digits or ns >= 2^64 and error(("%s = %q is too large: a duration must be under 2^64 ns (about 584 years)"):format(name, d), 2) end

local queues = param("queues", "per-cpu")
local balance = param("balance", "stealing")
local migrate = param("migrate", "0ns")
local nodes = param("nodes", false)
assert(({ ["per-cpu"] = 1, global = 1 })[queues],
       ("queues must be per-cpu or global, not %q"):format(queues))
assert(({ stealing = 1, periodic = 1, none = 1 })[balance],
       ("balance must be stealing, periodic or none, not %q"):format(balance))
assert(is_duration(migrate, "migrate"),
       ('migrate must be a duration: a number of ms, or "250ns", "5us", "10ms", "2s", not %q'):format(migrate))

local m = { cpus = nodes and 2 or 4, sched = "rr", quantum = 10, queues = queues,
            costs = { profile = "zero", migrate = migrate } }
if queues == "per-cpu" then m.balance = balance end
machine(m)

local jobs = { A = 10, B = 100, C = 100, D = 100, E = 10, F = 100, G = 100, H = 10 }
if nodes then
  -- Node B: two CPUs, machine { }'s queues and balancing, its own.
  node { "B", cpus = 2 }
  link { "A", "B" }
  for _, name in ipairs { "A", "B", "C", "D", "E", "F", "G", "H" } do
    local ms = jobs[name]
    process { name, node = ms == 10 and "B" or "A", main = function() compute(ms .. "ms") end }
  end
else
  for _, name in ipairs { "A", "B", "C", "D", "E", "F", "G", "H" } do
    job { name, run = jobs[name] }
  end
end
