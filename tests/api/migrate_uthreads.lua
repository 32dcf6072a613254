-- migrate_uthreads.lua - the migration of processes of user-level threads
-- (doc/scenario-api.md sections 11 and 18e). "ult" (many-to-one,
-- many-to-many with 2 LWPs, or scheduler activations with 2 processors, by
-- the parameter model) runs two user threads that count 40 steps of 1 ms
-- each, keeping the count in a Lua local and in a page of their own, and a
-- third user thread that waits at user level on a semaphore; node A has one
-- CPU, node B three. "m2o" is a many-to-one process whose only LWP is blocked
-- in recv when it moves: its other user thread waits in the runtime's
-- queue. "ctl.ult" moves "ult" at 10 ms, "ctl.m2o" moves "m2o" at 12 ms.
machine { cpus = 1, costs = param("costs", "zero") }
node { "B", cpus = 3 }
link { "A", "B", latency = "1ms", bandwidth = "100Mbps" }
local MODEL = param("model", "many-to-many")
local STRATEGY = param("strategy", "stop-and-copy")
local MOBILITY = param("mobility", "strong")
local PS = 4096

local decl = { "ult", daemon = false }
if MODEL == "activations" then
  decl.threads, decl.lwps, decl.activations = "many-to-many", 2, true
elseif MODEL == "many-to-many" then
  decl.threads, decl.lwps = "many-to-many", 2
else
  decl.threads = MODEL
end
decl.main = function()
  local a = mem.alloc(3 * PS)
  local gate = semaphore(0)
  local function worker(k)
    local n = 0
    for i = 1, 40 do
      n = n + 1
      if n == 1 then log("w%d: step 1 at %d", k, now()) end
      mem.write(a + k * PS, string.format("w%d %03d", k, n))
      compute("1ms")
      if MODEL == "many-to-one" then yield() end
    end
    log("w%d: %d steps, memory '%s', done at %d", k, n, mem.read(a + k * PS, 6), now())
    if k == 2 then gate:post() end
  end
  local w1 = thread(worker, 1)
  local w2 = thread(worker, 2)
  local waiter = thread(function()
    gate:wait()
    log("waiter: woken at %d, page 0 '%s'", now(), mem.read(a, 4))
  end)
  mem.write(a, "main")
  join(w1); join(w2); join(waiter)
  log("ult: all joined at %d", now())
end
process(decl)

-- many-to-one, blocked in the kernel (recv) while it moves
process { "m2o", threads = "many-to-one", main = function()
  local box = port()
  assert(register("m2o", box))
  local ticks = 0
  local t = thread(function()
    for _ = 1, 3 do ticks = ticks + 1; compute("1ms") end
    log("m2o ticker: %d ticks, done at %d", ticks, now())
  end)
  repeat
    local m = recv(box)
    log("m2o: got %d at %d, ticks so far %d", m.n, now(), ticks)
  until m.n == 42
  join(t)
end }

-- one message while m2o is stopped (13 ms), one after it has moved (30
-- ms); under weak mobility the name is unknown until the new incarnation
-- has registered it again
process { "snd", start = "13ms", main = function()
  local function deliver(n)
    while true do
      local p = lookup("m2o")
      if p and send(p, { n = n }) then return end
      sleep("1ms")
    end
  end
  deliver(41)
  sleep("17ms")
  deliver(42)
end }

for _, mv in ipairs { { "ult", "10ms" }, { "m2o", "12ms" } } do
  local name, at = mv[1], mv[2]
  process { "ctl." .. name, node = "B", start = at, main = function()
    local r, why = migrate(name, "B", { strategy = STRATEGY, mobility = MOBILITY })
    if not r then
      log("%s: not moved: %s", name, why)
    else
      log("%s moved: downtime %d total %d pages %d bytes %d state %d rounds %d left %d new_pid %d",
          name, r.downtime_ns, r.total_ns, r.pages, r.bytes, r.state_bytes, r.rounds,
          r.pages_left, r.new_pid)
    end
  end }
end
