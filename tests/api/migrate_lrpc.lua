-- migrate_lrpc.lua - a process with LRPC bindings migrates (doc/scenario-api.md
-- section 18e): --set part=move, the client moves away from its server (its
-- binding becomes a global reference: calls go as messages over the link)
-- and back (rebound as an LRPC); part=inflight, the client is stopped while
-- one of its threads is inside the server's domain (the copy waits for the
-- return); part=waiters, a second thread waits for the A-stack the first
-- holds (its call too runs before the copy); part=server, the exporting
-- server moves (migrate_lrpc_server.lua has the details); part=weak, weak
-- mobility restarts the client on the other node, where its bind fails.
local part = param("part", "move")
machine { cpus = 2 }
node { "B", cpus = 2 }
link { "A", "B", latency = "1ms", bandwidth = "100Mbps" }

process { "calc", daemon = true, main = function()
  lrpc.export("calc", {
    Add = { function(a, b) return a + b end, args = 8, results = 4 },
    Slow = function(x) sleep("5ms"); return x * 2 end,
    Big = { function() return string.rep("x", 20) end, results = 8 },
    Slow1 = { function(x) sleep("5ms"); return x * 2 end, astacks = 1 },
  })
end }

local function timed(calc, proc, ...)
  local t0 = now()
  local r, e = calc:call(proc, ...)
  return r, e, now() - t0
end

if part == "move" then
  process { "client", start = "1ms", main = function()
    local calc = assert(lrpc.bind("calc"))
    for round = 1, 3 do
      local r, e, ns = timed(calc, "Add", 40, round)
      log("round %d: Add(40, %d) = %s %s in %d ns; global %s; shared %d", round, round, tostring(r), tostring(e), ns, tostring(calc:info().global),
          mem.stat().shared)
      if round == 2 then
        log("Big: %s", select(2, calc:call("Big")))
      end
      sleep("10ms")
    end
  end }
  process { "ctl", start = "5ms", main = function()
    local r, e = migrate("client", "B")
    log("away: %s %s global %s rebound %s waited %s", tostring(r and r.to), tostring(e),
        tostring(r and r.lrpc_global), tostring(r and r.lrpc_rebound),
        tostring(r and r.lrpc_wait_ns))
    sleep("10ms")
    r, e = migrate("client", "A", { strategy = "pre-copy" })
    log("back: %s %s global %s rebound %s", tostring(r and r.to), tostring(e),
        tostring(r and r.lrpc_global), tostring(r and r.lrpc_rebound))
  end }
elseif part == "inflight" then
  process { "client", start = "1ms", main = function()
    local calc = assert(lrpc.bind("calc"))
    local r, e, ns = timed(calc, "Slow", 21)
    log("Slow(21) = %s %s in %d ns", tostring(r), tostring(e), ns)
    r, e, ns = timed(calc, "Add", 1, 2)
    log("Add(1, 2) = %s %s in %d ns", tostring(r), tostring(e), ns)
  end }
  process { "ctl", start = "2ms", main = function()
    local r, e = migrate("client", "B")
    log("moved: %s %s global %s waited %s downtime %s", tostring(r and r.to), tostring(e),
        tostring(r and r.lrpc_global), tostring(r and r.lrpc_wait_ns),
        tostring(r and r.downtime_ns))
  end }
elseif part == "waiters" then
  -- Slow has one A-stack: the second thread waits for it when the stop comes
  process { "client", start = "1ms", main = function()
    local calc = assert(lrpc.bind("calc"))
    local t = thread(function()
      local r, e, ns = timed(calc, "Slow1", 1)
      log("thread: Slow1(1) = %s %s in %d ns", tostring(r), tostring(e), ns)
    end)
    local r, e, ns = timed(calc, "Slow1", 2)
    log("main: Slow1(2) = %s %s in %d ns", tostring(r), tostring(e), ns)
    join(t)
    log("global %s", tostring(calc:info().global))
  end }
  process { "ctl", start = "2ms", main = function()
    local r, e = migrate("client", "B")
    log("moved: %s %s waited %s", tostring(r and r.to), tostring(e), tostring(r and r.lrpc_wait_ns))
  end }
elseif part == "server" then
  process { "client", start = "1ms", daemon = true, main = function()
    local calc = assert(lrpc.bind("calc"))
    log("client: %d", calc:call("Add", 40, 2))
    sleep("1s")
  end }
  process { "ctl", start = "2ms", main = function()
    local r, e = migrate("calc", "B")
    log("server: %s %s clients global %s", tostring(r and r.to), tostring(e),
        tostring(r and r.lrpc_clients_global))
  end }
else
  process { "client", start = "1ms", main = function()
    local calc, e = lrpc.bind("calc")
    log("client: bind %s %s", tostring(calc), tostring(e))
    if calc then
      log("Add = %s", tostring(calc:call("Add", 40, 2)))
    end
    sleep("10ms")
  end }
  process { "ctl", start = "2ms", main = function()
    local r, e = migrate("client", "B", { mobility = "weak" })
    log("weak: %s %s global %s", tostring(r and r.to), tostring(e),
        tostring(r and r.lrpc_global))
  end }
end
