-- crash.lua: fault { crash } and restart_after. A server crashes in the
-- middle of a call (the caller gets "dead port", the name is removed), is
-- restarted as a new process that registers again; an at-least-once RPC
-- client survives crashes of its server by looking it up again; a crash
-- of a name nobody serves crashes nothing; a crashed non-daemon ends.
machine { costs = "zero", cpus = 2 }

process { name = "echo", daemon = true, main = function()
  local p = port(); assert(register("echo", p))
  log("serving")
  while true do
    local m = recv(p)
    compute("1ms")
    reply(m, { n = m.n })
  end
end }
fault { at = "10500us", crash = "echo", restart_after = "2ms", check = "1ms" }

local calc = process { name = "calc", daemon = true, main = function()
  rpc.serve("calc", { Add = function(a, b) compute("1ms"); return a + b end },
            { arch = "pool", workers = 2 })
end }
fault { at = "20ms", every = "10ms", count = 2, crash = calc, restart_after = "4ms" }

process { name = "raw", start = "10ms", main = function()
  local s = assert(lookup("echo"))
  local r, why = call(s, { n = 1 })
  log("call during the crash: %s, %s at %d", tostring(r), why, now())
  r, why = send(s, { n = 2 })
  log("send after it: %s, %s", tostring(r), why)
  sleep("500us")
  r, why = lookup("echo")
  log("lookup at %d: %s, %s", now(), tostring(r), why)
  sleep("3ms")
  local s2 = assert(lookup("echo"))
  log("the new incarnation answers: %d; names: %s", call(s2, { n = 3 }).n, table.concat(names(), ","))
end }

process { name = "client", start = "15ms", main = function()
  local c = assert(rpc.bind("calc", { semantics = "at-least-once", timeout = "2ms", retries = 20 }))
  local ok = 0
  for i = 1, 12 do
    local r, why = c:call("Add", i, 1)
    if r == i + 1 then ok = ok + 1 else log("call %d failed: %s", i, tostring(why)) end
    sleep("1ms")
  end
  log("%d of 12 calls succeeded", ok)
end }

process { name = "worker", main = function() compute("100ms") end }
fault { at = "5ms", crash = "worker" }
fault { at = "1ms", crash = "ghost" }

-- a many-to-one program with a second user thread, restarted as a whole
local m1 = process { name = "m1", threads = "many-to-one", daemon = true, main = function()
  local th = thread(function() log("helper runs") sleep("100ms") end)
  join(th)
end }
fault { at = "2ms", crash = m1, restart_after = "1ms" }
