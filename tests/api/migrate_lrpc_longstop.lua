-- A call made while its server is stopped for a long copy (256 pages over
-- 10 Mbit/s: 870 ms, past the 400 ms a global reference's call tries over
-- a lossy link) waits for the move, and runs once, on the target.
machine { cpus = 2 }
node { "B", cpus = 2 }
link { "A", "B", latency = "1ms", bandwidth = "10Mbps" }
local runs = 0
process { "calc", daemon = true, main = function()
  local heap = mem.alloc(256 * mem.page_size())
  for i = 0, 255 do mem.write(heap + i * mem.page_size(), "x") end
  lrpc.export("calc", { Inc = function() runs = runs + 1; return runs end })
end }
process { "near", start = "5ms", main = function()
  local b = assert(lrpc.bind("calc"))
  log("before: %s", tostring(b:call("Inc")))
  sleep("2ms")
  local t0 = now()
  local r, e = b:call("Inc")
  log("during the stop: %s %s in %d ns; runs %d", tostring(r), tostring(e), now() - t0, runs)
  sleep("2s")
  log("later: runs %d", runs)
end }
process { "ctl", start = "6ms", main = function()
  local r, e = migrate("calc", "B")
  log("moved: %s downtime %s", tostring(r and r.to or e), tostring(r and r.downtime_ns))
end }
