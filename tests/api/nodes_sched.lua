-- nodes_sched.lua - each node its own scheduler: two jobs of 5 ms on each
-- node. On A (machine { }: rr, 10 ms quantum) the first ends at 5 ms; on
-- B (rr with a 1 ms quantum) they take turns: 9 and 10 ms; on C (fifo) 5
-- and 10 ms, as on A.
machine { cpus = 1, costs = "zero", sched = "rr", quantum = "10ms" }
node { "B", sched = "rr", quantum = "1ms" }
node { "C", sched = "fifo" }
link { "A", "B" }
link { "A", "C" }
for _, n in ipairs { "A", "B", "C" } do
  for i = 1, 2 do
    process { n .. i, node = n, main = function() compute("5ms"); log("%s%d done at %d", n, i, now()) end }
  end
end
