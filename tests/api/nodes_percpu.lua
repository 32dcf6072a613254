-- nodes_percpu.lua - per-CPU ready queues on every node, each node
-- balancing among its own CPUs only (doc/scenario-api.md section 18d).
-- Each node has 2 CPUs and the same four jobs: two of 10 ms, two of 40 ms,
-- placed on the least loaded CPU when they start. A and B (machine { }'s
-- balance, "none" unless --set balance=...) keep every thread on the CPU
-- it was placed on; C steals: its CPU left idle takes the other's waiting
-- job.
machine { cpus = 2, costs = "zero", sched = "rr", quantum = "10ms", queues = "per-cpu",
          balance = param("balance", "none") }
node { "B", cpus = 2 }
node { "C", cpus = 2, balance = "stealing" }
node { "D", cpus = 2, queues = "global" }
for _, n in ipairs { "B", "C", "D" } do link { "A", n } end
for _, n in ipairs { "A", "B", "C", "D" } do
  for i, len in ipairs { 10, 40, 10, 40 } do
    process { n .. i, node = n, main = function()
      compute(len .. "ms")
      log("%s%d done at %d", n, i, now())
    end }
  end
end
