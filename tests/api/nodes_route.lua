-- Routes through nodes between: a chain A - B - C - D, no link from A to D.
-- A call from A to a server on D crosses three links each way, forwarded
-- by the network servers of B and C (store and forward: each receives the
-- whole message, then sends it on); with --set loss=0.2 on the middle link,
-- RPC's retries get every call through, and the server's reply history
-- (at-most-once) runs each of them once.
local loss = param("loss", 0)
node { "B" }
node { "C" }
node { "D" }
link { "A", "B", latency = "1ms", bandwidth = "8Mbps" }
link { "B", "C", latency = "2ms", bandwidth = "8Mbps", loss = loss }
link { "C", "D", latency = "3ms", bandwidth = "8Mbps" }

process { "srv", node = "D", daemon = true, main = function()
  rpc.serve("far", { Echo = function(s) return s end }, { semantics = "at-most-once" })
end }

process { "cli", start = "100ms", main = function()
  local b = assert(rpc.bind("far", { semantics = "at-most-once", retries = 8, timeout = "60ms" }))
  local ok, t0 = 0, now()
  for i = 1, 10 do
    local t = now()
    local r, e = b:call("Echo", "x" .. i)
    if r ~= "x" .. i then log("call %d: %s", i, tostring(e)) end
    if r == "x" .. i then ok = ok + 1 end
    if i == 1 then log("first call in %d ns", now() - t) end
  end
  log("%d of 10 answered in %d ns", ok, now() - t0)
end }
