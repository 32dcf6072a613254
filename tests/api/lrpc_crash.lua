-- lrpc_crash.lua: the end of an LRPC server revokes its bindings: a call
-- in its domain (asleep there or computing) is thrown back at once with
-- "revoked", so is every later call; a restarted server exports anew and
-- a new binding reaches it. With recursion=true: a recursive call on a
-- binding whose one A-stack its own caller holds waits for ever, a
-- deadlock (the server is then not a daemon, so that its wait counts).
local recursion = param("recursion", false)
machine { cpus = 2, costs = "zero" }
if not recursion then
  fault { at = "5ms", crash = "calc", restart_after = "1ms" }
end

local sb
process { name = "calc", daemon = not recursion, main = function()
  if recursion then
    thread(function()
      sb = assert(lrpc.bind("calc"))
      log("recursive: %s", tostring(sb:call("Deep", 2)))
    end)
  end
  lrpc.export("calc", {
    Nap = function(d) sleep(d); return d end,
    Spin = function(d) compute(d); return d end,
    Deep = { function(n) if n > 0 then return sb:call("Deep", n - 1) end return 0 end,
             astacks = 1 },
  })
end }

process { name = "sleeper", start = "1ms", main = function()
  if recursion then return end
  local b = assert(lrpc.bind("calc"))
  log("nap 1: %s", b:call("Nap", 1))
  local r, why = b:call("Nap", 10)
  log("nap 10: %s, %s at %d", r, why, now())
  log("again: %s, %s", b:call("Nap", 1))
  sleep(8)
  local b2 = assert(lrpc.bind("calc"))
  log("rebound: %s", b2:call("Nap", 1))
  log("old binding: %s, %s", b:call("Nap", 1))
end }

process { name = "spinner", start = "1ms", main = function()
  if recursion then return end
  local b = assert(lrpc.bind("calc"))
  local r, why = b:call("Spin", 10)
  log("spin 10: %s, %s at %d", r, why, now())
end }
