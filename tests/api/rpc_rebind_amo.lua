-- A binding asked for at-most-once looks its server up again after a
-- crash; the restarted server keeps no reply history (this scenario makes
-- its second incarnation serve "maybe"): the binding does not take it.
local starts = 0
fault { at = "5ms", crash = "srv", restart_after = "1ms", check = "1ms" }
process { name = "srv", daemon = true, main = function()
  starts = starts + 1
  rpc.serve("calc", { Id = function(x) return x end },
            { semantics = starts == 1 and "at-most-once" or "maybe" })
end }
process { name = "cli", start = "1ms", main = function()
  local b = assert(rpc.bind("calc", { semantics = "at-most-once", timeout = "2ms", retries = 5 }))
  log("first: %s", tostring(b:call("Id", 1)))
  sleep("10ms")
  log("after the restart: %s, %s", b:call("Id", 2))
  log("a fresh bind: %s, %s", rpc.bind("calc", { semantics = "at-most-once" }))
end }
