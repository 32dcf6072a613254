-- nodes.lua - several machines: an RPC to a server on another node works
-- unchanged (its time is the link's), a name registered on any node is
-- found from any other through the one name server on A, a big-endian
-- node's messages are converted by the little-endian side only, a node's
-- clock is its processes' clock, a remote server's death reaches its
-- callers as "dead port", nodes not linked reach each other through a node
-- linked to both, and a time server on
-- another node is synchronised with across the link.
machine { cpus = 1, costs = "zero" }
node { "B", cpus = 1, byte_order = "big", clock_offset = "3ms", drift = "20us/s" }
node { "C", cpus = 2 }
link { "A", "B", latency = "1ms", bandwidth = "8Mbps" }
link { "A", "C", profile = "wan", latency = "50ms" }

process { "adder", node = "B", daemon = true, main = function()
  rpc.serve("adder", { Add = function(a, b) return a + b end })
end }

-- on C: registered through the link to A, found from B and from A
process { "far", node = "C", daemon = true, main = function()
  local p = port()
  assert(register("far", p))
  while true do
    local m = recv(p)
    if m.reply then reply(m, { text = "far got " .. m.text }) end
  end
end }

process { "client", start = "200ms", main = function()
  local a = assert(rpc.bind("adder"))
  local t0 = now()
  log("add %d in %d ns", a:call("Add", 2, 3), now() - t0)
  local f = assert(lookup("far"))
  t0 = now()
  log("%s in %d ns", call(f, { text = "hi" }).text, now() - t0)
end }

process { "bclient", node = "B", start = "200ms", main = function()
  log("B's clock is %d ahead at %d", clock.now() - now(), now())
  local t0 = now()
  local f, why = lookup("far")
  log("lookup from B: %s in %d ns", f and "found" or why, now() - t0)
  -- B and C are not linked: the call goes through A, two links each way
  t0 = now()
  local r, e = call(f, { text = "x" })
  log("call from B to C through A: %s in %d ns", r and r.text or e, now() - t0)
end }

-- a server on B that ends 10 ms after its first request, without replying
process { "brief", node = "B", main = function()
  local p = port()
  assert(register("brief", p))
  recv(p)
  sleep("10ms")
end }

process { "caller", start = "300ms", main = function()
  local b = assert(lookup("brief"))
  local t0 = now()
  log("call to a dying remote server: %s after %d ns", select(2, call(b, { n = 1 })), now() - t0)
  log("send to it now: %s", select(2, send(b, { n = 2 })))
end }

-- the time server on B, whose clock is B's: Cristian's algorithm from A
-- meets the link's round trip
server { "time", node = "B" }
process { "syncer", start = "400ms", main = function()
  local off, err, rtt = clock.sync()
  log("sync from A to B's time server: offset %d, bound %d, rtt %d", off, err, rtt)
  log("after the sync A's clock is %d from B's", clock.now() - clock.now("time"))
end }

-- LRPC shares memory between client and server: it is for one machine
process { "lserver", node = "B", daemon = true, main = function()
  lrpc.export("near", { Add = function(a, b) return a + b end })
end }
process { "lclient", start = "500ms", main = function()
  log("lrpc.bind across nodes: %s, %s", lrpc.bind("near"))
end }
