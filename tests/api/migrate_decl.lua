-- migrate_decl.lua - migrations declared at the top level, as fault { }
-- (doc/scenario-api.md section 18e): the kernel moves the process at the
-- given time; one whose process has ended by then is not made, and the
-- kernel says so in the log.
machine { cpus = 1, costs = "zero" }
node { "B", cpus = 1 }
link { "A", "B", latency = "1ms", bandwidth = "8Mbps" }

process { "worker", main = function()
  local a = mem.alloc(4 * 4096)
  for i = 0, 3 do mem.write(a + i * 4096, "page " .. i) end
  for n = 1, 40 do mem.write(a, string.format("n=%02d", n)); compute("1ms") end
  log("worker: %s, %s at %d", mem.read(a, 4), mem.read(a + 3 * 4096, 6), now())
end }
process { "brief", main = function() compute("5ms") end }

migrate { at = "10ms", process = "worker", to = "B", strategy = "pre-copy" }
migrate { at = "20ms", process = "brief", to = "B" }
