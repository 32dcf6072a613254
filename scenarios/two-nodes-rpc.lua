-- two-nodes-rpc.lua: the same RPC on one machine, across a LAN and across
-- a WAN, as its argument grows; then across a link that loses packets.
--
-- Part "sizes" (the default): node A holds the client and a server; node B
-- is a LAN away, node C a WAN away, each with the same server. The client
-- sends a string of n bytes to each and logs the call's time:
--
--   ukern run scenarios/two-nodes-rpc.lua
--   ukern run scenarios/two-nodes-rpc.lua --set step=100 --set max=3200
--
-- A message that leaves its node goes through the network servers of both
-- nodes and is cut into packets of at most 1500 bytes (1472 of payload):
-- the time across a link grows with the size, and steps up when the
-- request needs one more packet (one more header on the wire, one more
-- packet's work in each network server).
--
-- Part "loss": the client (node B) calls a server (node C) over a link
-- that loses a packet in ten; a lost packet loses its whole message.
--
--   ukern run scenarios/two-nodes-rpc.lua --set part=loss
--   ukern run scenarios/two-nodes-rpc.lua --set part=loss --set retries=5
--
-- Without retries a call whose request or reply is lost fails; with them
-- (and the at-most-once reply history) every call gets through and runs
-- once. The name server on A is reached over links that lose nothing.

local part = param("part", "sizes")
local step = param("step", 500)
local from = param("from", 0)
local max = param("max", 6000)
local loss = param("loss", 0.1)
local retries = param("retries", 0)
local calls = param("calls", 40)
assert(math.type(step) == "integer" and step >= 1,
       ("step must be a whole number of bytes, at least 1, not %s"):format(step))
assert(math.type(from) == "integer" and from >= 0,
       ("from must be a whole number of bytes, at least 0, not %s"):format(from))
assert(math.type(max) == "integer" and max >= 0 and max <= 1000000,
       ("max must be a whole number of bytes from 0 to 1000000, not %s"):format(max))
assert(loss >= 0 and loss <= 1, ("loss must be a probability from 0 to 1, not %s"):format(loss))
assert(math.type(retries) == "integer" and retries >= 0 and retries <= 1000,
       ("retries must be a whole number from 0 to 1000, not %s"):format(retries))
assert(math.type(calls) == "integer" and calls >= 1,
       ("calls must be a whole number, at least 1, not %s"):format(calls))

machine { cpus = 1, costs = param("costs", "modern") }
node { "B" }
node { "C" }

local function echo_server(name, where)
  process { name, node = where, daemon = true, main = function()
    rpc.serve(name, { Echo = function(s) return #s end }, { semantics = "at-most-once" })
  end }
end

if part == "sizes" then
  link { "A", "B", profile = "lan" }
  link { "A", "C", profile = "wan" }
  echo_server("here", "A")
  echo_server("lan", "B")
  echo_server("wan", "C")
  process { "client", start = "500ms", main = function()
    local to = {}
    for _, name in ipairs { "here", "lan", "wan" } do to[name] = assert(rpc.bind(name, { timeout = "2s" })) end
    log("%6s %12s %12s %12s", "bytes", "local", "lan", "wan")
    for n = from, max, step do
      local s, took = string.rep("x", n), {}
      for _, name in ipairs { "here", "lan", "wan" } do
        local t0 = now()
        assert(to[name]:call("Echo", s) == n)
        took[name] = now() - t0
      end
      log("%6d %12d %12d %12d", n, took.here, took.lan, took.wan)
    end
  end }
elseif part == "loss" then
  link { "A", "B", profile = "lan" }
  link { "A", "C", profile = "lan" }
  link { "B", "C", profile = "lan", loss = loss }
  local executed = 0
  process { "counter", node = "C", daemon = true, main = function()
    rpc.serve("counter", { Add = function(n) executed = executed + 1; return n end },
              { semantics = "at-most-once" })
  end }
  process { "client", node = "B", start = "100ms", main = function()
    local c = assert(rpc.bind("counter", { timeout = "20ms", retries = retries }))
    local ok, failed = 0, 0
    local t0 = now()
    for i = 1, calls do
      if c:call("Add", i) == i then ok = ok + 1 else failed = failed + 1 end
    end
    log("retries %d, loss %g: %d calls ok, %d failed, %d executed, in %d us",
        retries, loss, ok, failed, executed, (now() - t0) // 1000)
  end }
else
  error("part must be \"sizes\" or \"loss\", not '" .. tostring(part) .. "'")
end
