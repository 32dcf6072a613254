-- nodes_migsched.lua - a process that migrates (doc/scenario-api.md section
-- 18e) leaves its node's scheduler for the target's, with per-CPU queues
-- (--set mode=per-cpu, the default) or a policy in Lua (--set mode=lua).
-- A and B have 2 CPUs each; on A three workers compute 40 ms in steps of
-- 1 ms, so that one always waits; at 10 ms "ctl" moves w1 to B, where it
-- runs alone. B's pick (mode=lua) says when it first sees w1.
local MODE = param("mode", "per-cpu")
local told = false
if MODE == "lua" then
  machine { cpus = 2, costs = "zero", sched = { quantum = "1ms", pick = function(ready, cpu, node)
    for _, t in ipairs(ready) do
      if t.name == "w1" and node == "B" and not told then
        told = true
        print(string.format("B's pick sees w1 on cpu %d", cpu))
      end
      assert(t.node == node, "a thread of another node")
    end
    return 1
  end } }
else
  machine { cpus = 2, costs = "zero", sched = "rr", quantum = "1ms", queues = "per-cpu",
            balance = "stealing" }
end
node { "B", cpus = 2 }
link { "A", "B", latency = "1ms", bandwidth = "8Mbps" }
for i = 1, 3 do
  process { "w" .. i, main = function()
    for _ = 1, 40 do compute("1ms") end
    log("w%d done at %d", i, now())
  end }
end
process { "ctl", node = "B", start = "10ms", main = function()
  local r = assert(migrate("w1", "B"))
  log("w1 moved: downtime %d", r.downtime_ns)
end }
