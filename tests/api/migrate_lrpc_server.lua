-- migrate_lrpc_server.lua - a process that exports an LRPC interface
-- migrates (doc/scenario-api.md section 18e). The server calc starts on A;
-- "near" is a client on A, "far" one on B. --set part=
--   move      (default) calc goes to B and back: near's binding is a global
--             reference while calc is on B (calls by message over the link)
--             and is rebound when it comes back; far, refused at first
--             ("on another node"), binds once calc is on B and becomes a
--             global reference when calc leaves again; strategy= picks how
--   inflight  near is inside calc's domain (Slow sleeps 5 ms there) when
--             calc stops: the copy waits for that call to return; a call
--             near2 makes during that wait, and one during the copy, go to
--             the clerk by message and are served on B; a bind during the
--             copy is a global reference at once; rover, a global reference
--             on B, comes back to A while calc is stopped there: it is not
--             rebound (calc is leaving) and stays a global reference
--   follow    near, a global reference while calc is on B, moves to B
--             itself: its binding is rebound as an LRPC there
--   weak      weak mobility: calc#2 starts on B and exports again; near's
--             old binding is revoked and a new bind from A is refused,
--             while far binds calc#2 on B
--   crash     calc crashes on B while near's call by message runs there,
--             and near calls again: both fail, "revoked"
--   precopy  svc exports its interface while its pre-copy runs, and near
--             binds and calls it meanwhile: the binding becomes a global
--             reference at the stop, like the others
--   ondemand  a server moved on demand: an LRPC from a client on B that
--             touches its heap pulls the page
--   waiters   near's second thread waits for the A-stack its first holds
--             in calc's domain at the stop: it gets it, and its call too
--             returns before the copy
--   stopcrash calc crashes while its stop waits for near's call in its
--             domain: the call is revoked, the move fails
--   copycrash calc crashes while its pages cross the link: near's binding
--             is no longer "moving" (calc is dead, its calls are revoked),
--             though the move ends only when its last packet arrives
--   loss      the link loses 30% of the packets: near's calls by message
--             are sent again and the clerk answers each once
local part = param("part", "move")
machine { cpus = 2 }
node { "B", cpus = 2 }
if part == "loss" then
  link { "A", "B", loss = 0.3 }
else
  link { "A", "B", latency = "1ms", bandwidth = "100Mbps" }
end

local runs = 0
local calc = process { "calc", daemon = true, main = function()
  lrpc.export("calc", {
    Add = { function(a, b) return a + b end, args = 8, results = 4 },
    Slow = function(x) sleep("5ms"); return x * 2 end,
    Inc = function() runs = runs + 1; return runs end,
    Slow1 = { function(x) sleep("5ms"); return x * 2 end, astacks = 1 },
  })
end }

local function show(r, e)
  return string.format("%s %s global %s rebound %s clients global %s rebound %s waited %s",
    tostring(r and r.to), tostring(e), tostring(r and r.lrpc_global),
    tostring(r and r.lrpc_rebound), tostring(r and r.lrpc_clients_global),
    tostring(r and r.lrpc_clients_rebound), tostring(r and r.lrpc_wait_ns))
end

-- a call, logged with its result, its time and whether it went by message
local function timed(who, b, proc, ...)
  local t0 = now()
  local r, e = b:call(proc, ...)
  log("%s: %s(%s) = %s %s in %d ns; global %s", who, proc, table.concat({ ... }, ", "),
      tostring(r), tostring(e), now() - t0, tostring(b:info().global))
  return r, e
end

if part == "move" then
  local strategy = param("strategy", "stop-and-copy")
  process { "near", start = "1ms", main = function()
    local b = assert(lrpc.bind("calc"))
    for round = 1, 3 do
      timed("round " .. round, b, "Add", 40, round)
      sleep("10ms")
    end
  end }
  process { "far", node = "B", start = "1ms", main = function()
    log("bind: %s", select(2, lrpc.bind("calc")))
    sleep("10ms")
    local b = assert(lrpc.bind("calc"))
    for round = 1, 2 do
      timed("far " .. round, b, "Add", 2, round)
      sleep("10ms")
    end
  end }
  process { "ctl", start = "5ms", main = function()
    log("away: %s", show(migrate("calc", "B", { strategy = strategy })))
    sleep("10ms")
    log("back: %s", show(migrate("calc", "A", { strategy = strategy })))
  end }
elseif part == "inflight" then
  process { "near", start = "1ms", main = function()
    local b = assert(lrpc.bind("calc"))
    timed("near", b, "Slow", 21)
    timed("near", b, "Add", 1, 2)
  end }
  process { "near2", start = "1ms", main = function()
    local b = assert(lrpc.bind("calc"))
    sleep("2ms")
    local i = b:info()
    log("near2 during the stop: global %s moving %s", tostring(i.global), tostring(i.moving))
    timed("near2 draining", b, "Add", 3, 4)
    log("near2 after the move: moving %s", tostring(b:info().moving))
  end }
  process { "late", start = "7ms", main = function()
    local b = assert(lrpc.bind("calc"))
    log("late bind: global %s", tostring(b:info().global))
    timed("late", b, "Add", 5, 6)
  end }
  process { "rover", start = "1ms", main = function()
    local b = assert(lrpc.bind("calc"))
    sleep("9ms")                  -- to B and back to A meanwhile
    timed("rover", b, "Add", 7, 8)
  end }
  process { "ctl", start = "2ms", main = function()
    local r, e = migrate("calc", "B")
    log("moved: %s downtime %s", show(r, e), tostring(r and r.downtime_ns))
  end }
  process { "ctl2", start = "1100us", main = function()
    -- rover leaves A, and comes back while calc is stopped there: its
    -- binding stays a global reference (calc is leaving)
    log("rover away: %s", show(migrate("rover", "B")))
    sleep("1ms")
    log("rover back: %s", show(migrate("rover", "A")))
  end }
elseif part == "follow" then
  process { "near", start = "1ms", main = function()
    local b = assert(lrpc.bind("calc"))
    sleep("10ms")
    timed("on A", b, "Add", 1, 1)
    sleep("10ms")
    timed("on B", b, "Add", 2, 2)
  end }
  process { "ctl", start = "2ms", main = function()
    log("calc: %s", show(migrate("calc", "B")))
    sleep("10ms")
    log("near: %s", show(migrate("near", "B")))
  end }
elseif part == "weak" then
  process { "near", start = "1ms", main = function()
    local b = assert(lrpc.bind("calc"))
    timed("before", b, "Add", 1, 1)
    sleep("10ms")
    timed("after", b, "Add", 2, 2)
    log("bind again: %s", select(2, lrpc.bind("calc")))
  end }
  process { "far", node = "B", start = "15ms", main = function()
    local b = assert(lrpc.bind("calc"))
    timed("far", b, "Add", 3, 3)
  end }
  process { "ctl", start = "2ms", main = function()
    local r, e = migrate("calc", "B", { mobility = "weak" })
    log("weak: %s new pid %s", show(r, e), tostring(r and r.new_pid))
  end }
elseif part == "crash" then
  process { "near", start = "1ms", main = function()
    local b = assert(lrpc.bind("calc"))
    sleep("10ms")
    timed("during the crash", b, "Slow", 1)
    timed("after the crash", b, "Add", 1, 1)
  end }
  process { "ctl", start = "2ms", main = function()
    log("calc: %s", show(migrate("calc", "B")))
  end }
  fault { at = "13ms", crash = calc }
elseif part == "precopy" then
  -- svc exports while its pre-copy runs, and near binds and calls it then
  process { "svc", daemon = true, start = "1ms", main = function()
    sleep("500us")
    lrpc.export("svc", { Twice = function(x) return 2 * x end })
  end }
  process { "near", start = "2ms", main = function()
    local b = assert(lrpc.bind("svc"))
    timed("while it moves", b, "Twice", 1)
    sleep("5ms")
    timed("after", b, "Twice", 2)
  end }
  process { "ctl", start = "1ms", main = function()
    log("svc: %s", show(migrate("svc", "B", { strategy = "pre-copy" })))
  end }
elseif part == "ondemand" then
  -- a server moved on demand: the first LRPC that touches its heap on B
  -- waits for the page (a request and the page over the link)
  process { "mem", daemon = true, main = function()
    local heap = mem.alloc(2 * mem.page_size())
    mem.write(heap, "page")
    lrpc.export("mem", { Peek = function() return mem.read(heap, 4) end })
  end }
  process { "far", node = "B", start = "10ms", main = function()
    local b = assert(lrpc.bind("mem"))
    timed("pulled", b, "Peek")
    timed("here", b, "Peek")
  end }
  process { "ctl", start = "2ms", main = function()
    log("mem: %s", show(migrate("mem", "B", { strategy = "on-demand" })))
  end }
elseif part == "waiters" then
  -- Slow1 has one A-stack: near's second thread waits for it when calc
  -- stops; it gets it when the first call returns, and the copy waits for it
  process { "near", start = "1ms", main = function()
    local b = assert(lrpc.bind("calc"))
    local t = thread(function() timed("thread", b, "Slow1", 1) end)
    timed("main", b, "Slow1", 2)
    join(t)
  end }
  process { "ctl", start = "2ms", main = function()
    log("calc: %s", show(migrate("calc", "B")))
  end }
elseif part == "stopcrash" then
  process { "near", start = "1ms", main = function()
    local b = assert(lrpc.bind("calc"))
    timed("near", b, "Slow", 1)
  end }
  process { "ctl", start = "2ms", main = function()
    log("calc: %s", show(migrate("calc", "B")))
  end }
  fault { at = "3ms", crash = calc }
elseif part == "copycrash" then
  process { "near", start = "1ms", main = function()
    local b = assert(lrpc.bind("calc"))
    sleep("1500us")
    log("during the copy: moving %s", tostring(b:info().moving))
    sleep("1ms")
    log("after the crash: moving %s", tostring(b:info().moving))
    timed("near", b, "Add", 1, 2)
  end }
  process { "ctl", start = "2ms", main = function()
    log("calc: %s", show(migrate("calc", "B")))
  end }
  fault { at = "3ms", crash = calc }
else
  process { "near", start = "1ms", main = function()
    local b = assert(lrpc.bind("calc"))
    sleep("10ms")                 -- calc is on B meanwhile
    local ok, failed = 0, 0
    for i = 1, 20 do
      local r, e = b:call("Inc")
      if r then ok = ok + 1 else failed = failed + 1; log("call %d: %s", i, tostring(e)) end
    end
    log("%d calls returned, %d failed; the procedure ran %d times; global %s", ok, failed, runs,
        tostring(b:info().global))
  end }
  process { "ctl", start = "2ms", main = function() assert(migrate("calc", "B")) end }
end
