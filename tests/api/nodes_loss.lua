-- nodes_loss.lua - an RPC across a lossy link: a lost packet loses its
-- message, so without retransmission some calls fail; with retries and
-- at-most-once semantics every call gets through and runs exactly once.
-- The client (on B) and the server (on C) reach the name server (on A)
-- over links that lose nothing: the naming calls are not retried.
local retries = param("retries", 0)
machine { cpus = 1, costs = "zero" }
node { "B" }
node { "C" }
link { "A", "B", latency = "1ms", bandwidth = "10Mbps" }
link { "A", "C", latency = "1ms", bandwidth = "10Mbps" }
link { "B", "C", latency = "1ms", bandwidth = "10Mbps", loss = 0.2 }

local executed = 0
process { "counter", node = "C", daemon = true, main = function()
  rpc.serve("counter", { Bump = function(n) executed = executed + 1; return n end },
            { semantics = "at-most-once" })
end }

process { "client", node = "B", start = "50ms", main = function()
  local c = assert(rpc.bind("counter", { timeout = "10ms", retries = 20 }))
  c = assert(rpc.bind("counter", { timeout = "10ms", retries = retries }))
  local ok, failed = 0, 0
  for i = 1, 20 do
    if c:call("Bump", i) == i then ok = ok + 1 else failed = failed + 1 end
  end
  log("retries %d: %d ok, %d failed, %d executed", retries, ok, failed, executed)
end }
