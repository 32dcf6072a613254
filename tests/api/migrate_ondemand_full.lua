-- migrate_ondemand_full.lua - on demand, the target's frames are not held
-- for the pages still to come (doc/scenario-api.md section 18e): the move
-- is admitted (B has room for the worker's 4 pages), then a process on B
-- takes every free frame there; the worker's next page arrives to find
-- none: it is lost, the kernel says so, and the access that wanted it
-- faults for want of a frame.
machine { cpus = 1, costs = "zero" }
node { "B", cpus = 2, frames = 8 }
link { "A", "B", latency = "1ms", bandwidth = "8Mbps" }
local PS = 4096

process { "worker", main = function()
  local a = mem.alloc(4 * PS)
  for i = 0, 3 do mem.write(a + i * PS, string.format("page %d", i)) end
  sleep("30ms")                                   -- moved to B meanwhile
  log("worker: reads %s", mem.read(a, 6))
end }

process { "hog", node = "B", start = "25ms", main = function()
  local h = mem.alloc(8 * PS)
  for i = 0, 7 do mem.write(h + i * PS, "mine") end
  log("hog: took B's 8 frames")
  sleep("100ms")
end }

process { "ctl", start = "1ms", main = function()
  local r = assert(migrate("worker", "B", { strategy = "on-demand" }))
  log("ctl: moved, %d pages left", r.pages_left)
end }
