-- invocation-kinds.lua: the three kinds of invocation side by side - a
-- system call, a call to another process of the same computer (by LRPC and
-- by message RPC), and a call to a process of another computer.
--
-- The service is the same everywhere: Null, a procedure that does nothing,
-- so every nanosecond measured is the cost of getting there and back. The
-- client, on node A, makes `calls` calls of each kind and prints the mean:
--
--   trap     getpid(), answered by the kernel itself
--   lrpc     an LRPC Null to a server on A: the caller's own thread enters
--            the server's domain, arguments copied once onto an A-stack
--   rpc      a message RPC Null to a server on A: two messages, two
--            switches, the server's thread
--   remote   the same message RPC to the same server program on node B, a
--            `net` away: the messages leave through the network servers and
--            cross the link in packets
--
--   ukern run scenarios/invocation-kinds.lua
--   ukern run scenarios/invocation-kinds.lua --set net=wan
--   ukern run scenarios/invocation-kinds.lua --set costs=firefly-1990
--   ukern run scenarios/invocation-kinds.lua --set size=4000   an argument of 4000 bytes

local calls = param("calls", 20)
local costs = param("costs", "modern")
local net = param("net", "lan")
local size = param("size", 0)
assert(math.type(calls) == "integer" and calls >= 1,
       ("calls must be a whole number, at least 1, not %s"):format(calls))
assert(math.type(size) == "integer" and size >= 0 and size <= 65536,
       ("size must be a whole number of bytes from 0 to 65536, not %s"):format(size))

machine { cpus = 1, costs = costs }
node { "B", cpus = 1, costs = costs }
link { "A", "B", profile = net }

-- The same server program on each node; `name` is what it registers.
local function null_server(name)
  return function()
    rpc.serve(name, { Null = function(_) end })
  end
end

process { name = "rpc-A", daemon = true, main = null_server("null.A") }
process { name = "rpc-B", node = "B", daemon = true, main = null_server("null.B") }
process { name = "lrpc-A", daemon = true, main = function()
  lrpc.export("null", { Null = { function(_) end, args = math.max(size, 64) } })
end }

-- A call's results, or its error raised: nil and a reason.
local function ok(r, reason, ...)
  if r == nil and reason ~= nil then
    error(reason, 2)
  end
  return r, reason, ...
end

-- Mean ns of `calls` calls of f, after one warm-up call.
local function measure(f)
  f()
  local t0 = now()
  for _ = 1, calls do
    f()
  end
  return (now() - t0) / calls
end

-- A binding to name, once its server has registered it (the registration
-- from B takes a crossing of the link to the name server on A).
local function bind(name)
  while true do
    local b = rpc.bind(name)
    if b then
      return b
    end
    sleep("1ms")
  end
end

process { name = "client", start = "1ms", main = function()
  local arg = string.rep("x", size)
  local here = bind("null.A")
  local there = bind("null.B")
  local fast = assert(lrpc.bind("null"))
  local t = {
    { "system call (getpid)", measure(function() return getpid() end) },
    { "LRPC, same machine", measure(function() ok(fast:call("Null", arg)) end) },
    { "message RPC, same machine", measure(function() ok(here:call("Null", arg)) end) },
    { "message RPC, another machine (" .. net .. ")",
      measure(function() ok(there:call("Null", arg)) end) },
  }
  log("%d-byte argument, %s costs, mean of %d calls:", size, costs, calls)
  for _, r in ipairs(t) do
    log("  %-40s %12.0f ns  %10.1f x the system call", r[1], r[2], r[2] / t[1][2])
  end
end }
