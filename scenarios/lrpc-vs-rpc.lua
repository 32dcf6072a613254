-- lrpc-vs-rpc.lua: one interface served two ways on a current machine -
-- by lightweight RPC (lrpc.export) and by message RPC (rpc.serve) - and
-- where the time of a call goes in each.
--
-- The interface is a counter service: Null (nothing), Add (two integers,
-- one result) and Store (a string of `bytes` bytes in, its length out).
-- A client calls every procedure `calls` times both ways and prints the
-- mean time of a call and the copies of argument bytes per call (the
-- paper's A - F; doc/stats.md). With one CPU, a message RPC pays for two
-- context switches and the server thread's turn; LRPC switches address
-- spaces only. With two CPUs, domain caching exchanges processors for
-- LRPC, and the message server keeps a CPU of its own:
--
--   ukern run scenarios/lrpc-vs-rpc.lua
--   ukern run scenarios/lrpc-vs-rpc.lua --set cpus=2
--   ukern run scenarios/lrpc-vs-rpc.lua --set bytes=4000 --stats json

local cpus = param("cpus", 1)
local calls = param("calls", 20)
local bytes = param("bytes", 200)
assert(math.type(cpus) == "integer" and cpus >= 1 and cpus <= 256,
       ("cpus must be a whole number from 1 to 256, not %s"):format(cpus))
assert(math.type(calls) == "integer" and calls >= 1,
       ("calls must be a whole number, at least 1, not %s"):format(calls))
assert(math.type(bytes) == "integer" and bytes >= 0 and bytes <= 65536,
       ("bytes must be a whole number from 0 to 65536, not %s"):format(bytes))

machine { cpus = cpus, costs = "modern" }

local total = 0
local procs = {
  Null = function() end,
  Add = { function(a, b) total = total + a + b; return total end, args = 8, results = 4 },
  Store = { function(s) return #s end, args = bytes, results = 4 },
}

process { name = "lrpc-server", daemon = true, main = function()
  lrpc.export("counter", procs)
end }

process { name = "rpc-server", daemon = true, main = function()
  rpc.serve("counter-msg", { Null = procs.Null, Add = procs.Add[1], Store = procs.Store[1] })
end }

local data = string.rep("d", bytes)
local tests = { { "Null", {} }, { "Add", { 1, 2 } }, { "Store", { data } } }

-- Mean ns of `calls` calls of each test through f, after one warm-up.
local function measure(f)
  local t = {}
  for _, test in ipairs(tests) do
    f(test[1], table.unpack(test[2]))
    local t0 = now()
    for _ = 1, calls do
      f(test[1], table.unpack(test[2]))
    end
    t[test[1]] = (now() - t0) / calls
  end
  return t
end

process { name = "client", start = "1ms", main = function()
  local lb = assert(lrpc.bind("counter"))
  local mb = assert(rpc.bind("counter-msg"))
  local l = measure(function(...) return lb:call(...) end)
  local m = measure(function(...) return mb:call(...) end)
  log("%d CPU(s), %d-byte Store; mean ns per call:", cpus, bytes)
  log("%-6s %10s %10s %8s", "call", "LRPC", "message", "ratio")
  for _, test in ipairs(tests) do
    local k = test[1]
    log("%-6s %10.0f %10.0f %8.2f", k, l[k], m[k], m[k] / l[k])
  end
end }
