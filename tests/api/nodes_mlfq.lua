-- nodes_mlfq.lua - a node's own mlfq beside rr and fifo: on each node a
-- long job of 50 ms from 0 and a short one of 5 ms from 25 ms. Under mlfq
-- (node B: the default 3 levels of 10 ticks, one quantum each) the long job
-- has sunk two levels by then, the short one starts at the top and runs at
-- once: done at 30 ms. Under rr (A, 10 ms quantum) it waits for the end of
-- the long job's quantum (35 ms); under fifo (C) for the long job (55 ms).
machine { cpus = 1, costs = "zero", sched = "rr", quantum = "10ms" }
node { "B", sched = "mlfq" }
node { "C", sched = "fifo" }
link { "A", "B" }
link { "A", "C" }
for _, n in ipairs { "A", "B", "C" } do
  process { n .. ".long", node = n, main = function() compute("50ms"); log("%s long done at %d", n, now()) end }
  process { n .. ".short", node = n, start = "25ms", main = function()
    compute("5ms"); log("%s short done at %d", n, now())
  end }
end
