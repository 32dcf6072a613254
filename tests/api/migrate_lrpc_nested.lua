-- An LRPC call made inside an LRPC procedure cannot go by message: to a
-- server that moved to another node it returns nil, "on another node"; to one
-- stopped for its move (--set part=stopped), nil, "moving".
local part = param("part", "moved")
if part == "stopped" then
  machine { cpus = 2 }
  node { "B", cpus = 2 }
  link { "A", "B", latency = "1ms", bandwidth = "100Mbps" }
  local toS, toX
  process { "X", daemon = true, main = function()
    thread(function() sleep("500us"); toS = assert(lrpc.bind("S")) end)
    lrpc.export("X", { Back = function()
      sleep("2ms")
      local r, e = toS:call("Other"); log("inner: %s %s", tostring(r), tostring(e)); return r
    end })
  end }
  process { "S", daemon = true, start = "100us", main = function()
    toX = assert(lrpc.bind("X"))
    lrpc.export("S", {
      Proc = function() local r, e = toX:call("Back"); log("mid: %s %s", tostring(r), tostring(e)); return r end,
      Other = function() return 5 end })
  end }
  process { "near", start = "1ms", main = function()
    local b = assert(lrpc.bind("S"))
    local t0 = now()
    local r, e = b:call("Proc")
    log("call: %s %s in %d", tostring(r), tostring(e), now() - t0)
  end }
  process { "ctl", start = "1500us", main = function()
    local r, e = migrate("S", "B")
    log("moved: %s %s wait %s", tostring(r and r.to), tostring(e), tostring(r and r.lrpc_wait_ns))
  end }
else
  machine { cpus = 2 }
  node { "B", cpus = 2 }
  link { "A", "B", latency = "1ms", bandwidth = "100Mbps" }
  local toX
  process { "X", daemon = true, main = function()
    lrpc.export("X", { Get = function() return 7 end })
  end }
  process { "S", daemon = true, start = "100us", main = function()
    toX = assert(lrpc.bind("X"))
    lrpc.export("S", { Proc = function() return toX:call("Get") end })
  end }
  process { "near", start = "1ms", main = function()
    local b = assert(lrpc.bind("S"))
    local r, e = b:call("Proc"); log("before: %s %s", tostring(r), tostring(e))
    sleep("10ms")
    r, e = b:call("Proc"); log("after X moved: %s %s", tostring(r), tostring(e))
  end }
  process { "ctl", start = "2ms", main = function()
    local r, e = migrate("X", "B")
    log("X moved: %s %s", tostring(r and r.to), tostring(e))
  end }
end
