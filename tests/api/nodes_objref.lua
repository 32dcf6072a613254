-- Remote object references across nodes: an object made on B, its
-- reference handed from A to a process on C in a plain message and called
-- through from there (over the B-C link, not through A), handed back to a
-- process on B (the object's own node), and a callback object made on C
-- called by the server on B. Run by tests/nodes.sh.
machine { cpus = 1, costs = "zero" }
node { "B" }
node { "C" }
link { "A", "B", latency = "1ms" }
link { "A", "C", latency = "1ms" }
link { "B", "C", latency = "3ms" }

local Counter = rpc.class("Counter", {
  add = function(self, n) self.n = self.n + n; return self.n end,
  get = function(self) return self.n end,
})

process { "bank", node = "B", daemon = true, main = function()
  rpc.serve("bank", {
    open = function() return rpc.object(Counter, { n = 0 }) end,
    -- a callback: call the client's object from B
    poke = function(cb) return cb:call("add", 1000) end,
  })
end }

-- on C: gets a reference in a plain message, calls through it
process { "carol", node = "C", daemon = true, main = function()
  local p = port()
  assert(register("carol", p))
  local m = recv(p)
  assert(rpc.is_ref(m.acct), "carol got no reference")
  local t0 = now()
  local v = m.acct:call("add", 50)
  log("carol on C: %s add 50 -> %d in %d ns", tostring(m.acct), v, now() - t0)
  -- a callback object of her own, called by the bank on B
  local mine = rpc.object(Counter, { n = 1 })
  local r = assert(rpc.bind("bank")):call("poke", mine)
  log("carol on C: the bank poked her counter -> %d, hers holds %d", r, mine.n)
  reply(m, { seen = v })
end }

-- on B, beside the bank: the reference comes home
process { "dave", node = "B", daemon = true, main = function()
  local p = port()
  assert(register("dave", p))
  local m = recv(p)
  local t0 = now()
  local v = m.acct:call("add", 7)
  log("dave on B: add 7 -> %d in %d ns", v, now() - t0)
  reply(m, { seen = v })
end }

process { "ann", node = "A", start = "10ms", main = function()
  local acct = assert(rpc.bind("bank")):call("open")
  assert(rpc.is_ref(acct))
  log("ann on A: opened %s", tostring(acct))
  assert(acct:call("add", 100) == 100)
  local r = call(assert(lookup("carol")), { acct = acct })
  log("ann on A: carol saw %d; the counter holds %d", r.seen, acct:call("get"))
  r = call(assert(lookup("dave")), { acct = acct })
  log("ann on A: dave saw %d; the counter holds %d", r.seen, acct:call("get"))
  local forged = setmetatable({ id = 2 }, { __index = acct })
  log("ann on A: forged id: %s", select(2, forged:call("get")))
end }
