-- migrate_lrpc_gr.lua: calls through a global reference (an LRPC binding
-- whose client migrated away from its server; doc/scenario-api.md §18e).
-- part=loss: over a lossy link each call is sent again after 100 ms, up to
-- 3 times, and the clerk answers a repeated request from its reply history:
-- the procedure runs once per call (at most once), a call whose every try
-- was lost returns nil, "timeout". part=rebind: two calls queued at the
-- clerk when the client is moved back and its binding rebound as an LRPC:
-- both are served.
local part = param("part", "loss")
machine { cpus = 2 }
node { "B", cpus = 2 }
if part == "loss" then
  link { "A", "B", loss = 0.3 }
  local runs = 0
  process { "calc", daemon = true, main = function()
    lrpc.export("calc", { Inc = function() runs = runs + 1; return runs end })
  end }
  process { "client", start = "1ms", main = function()
    local calc = assert(lrpc.bind("calc"))
    sleep("10ms")                 -- moved to B meanwhile
    local ok, failed = 0, 0
    for i = 1, 20 do
      local r, e = calc:call("Inc")
      if r then ok = ok + 1 else failed = failed + 1; log("call %d: %s", i, tostring(e)) end
    end
    log("%d calls returned, %d failed; the procedure ran %d times", ok, failed, runs)
  end }
  process { "ctl", start = "2ms", main = function() assert(migrate("client", "B")) end }
else
  link { "A", "B", latency = "1ms", bandwidth = "100Mbps" }
  process { "calc", daemon = true, main = function()
    lrpc.export("calc", { Slow = function(x) sleep("8ms"); return x * 2 end })
  end }
  process { "client", start = "1ms", main = function()
    local calc = assert(lrpc.bind("calc"))
    sleep("5ms")                  -- moved to B meanwhile
    local t = thread(function()
      local r, e = calc:call("Slow", 1); log("t: %s %s", tostring(r), tostring(e))
    end)
    local r, e = calc:call("Slow", 2); log("main: %s %s", tostring(r), tostring(e))
    join(t)
  end }
  process { "ctl", start = "2ms", main = function()
    assert(migrate("client", "B"))
    sleep("6ms")                  -- both calls are at the clerk now
    local r = assert(migrate("client", "A"))
    log("back, rebound %d", r.lrpc_rebound)
  end }
end
