-- objects.lua - remote objects as documented in scenario-api.md §18b: by
-- copy against by reference, references in RPC arguments, results,
-- asynchronous calls and plain messages, a reference handed to a third
-- process, the rule of ids, objects made by a client (a service thread
-- that does not keep it alive), "dead port", and misuse at the script's line.
local Counter = rpc.class("Counter", {
  add = function(self, n) self.n = self.n + n; return self.n end,
  get = function(self) return self.n end,
  pass = function(_, v) return v end,
})
local shared   -- an object one process makes and another tries to send

process { name = "srv", daemon = true, main = function()
  local kept
  rpc.serve("srv", {
    new = function(n) return rpc.object(Counter, { n = n }) end,
    pair = function() return { a = rpc.object(Counter, { n = 1 }), b = rpc.object(Counter, { n = 2 }) } end,
    bump = function(t) t.n = t.n + 1; return t.n end,
    keep = function(ref) kept = ref; return rpc.is_ref(ref), ref:call("add", 1000) end,
    kept = function() return kept end,
    same = function(c) return c end,
  })
end }

process { name = "third", daemon = true, main = function()
  local p = port(); register("third", p)
  while true do
    local m = recv(p)
    reply(m, { n = m.c:call("add", 5), ref = rpc.is_ref(m.c), plain = rpc.is_ref(m.fake) })
  end
end }

process { name = "maker", start = "3ms", main = function()
  shared = rpc.object(Counter, { n = 40 })
  local cb = rpc.object(Counter, { n = 7 })
  log("local call: %d", cb:add(1))
  local p = assert(lookup("client-box"))
  send(p, { c = cb })
  sleep("5ms")
  log("maker exits with its object still exported")
end }

process { name = "client", start = "2ms", main = function()
  local box = port(); register("client-box", box)
  local s = assert(rpc.bind("srv"))
  local t = { n = 1 }
  log("by copy: server %d, mine %d", s:call("bump", t), t.n)
  local c = s:call("new", 10)
  log("ref: %s is_ref %s id %d class %s", tostring(c), tostring(rpc.is_ref(c)), c.id, c.class)
  log("add: %d %d", c:call("add", 1), c:call("get"))
  local p = s:call("pair")
  log("pair: %s=%d %s=%d", tostring(p.a), p.a:call("get"), tostring(p.b), p.b:call("get"))
  log("third: %s", (function()
    local r = call(assert(lookup("third")), { c = c, fake = { __objref = 1, id = 1, class = "Counter", methods = {} } })
    return string.format("n=%d ref=%s fake-is-ref=%s", r.n, tostring(r.ref), tostring(r.plain))
  end)())
  log("after third: %d", c:call("get"))
  log("ref as argument: %s %d", s:call("keep", c))
  log("kept comes back: %s %d", tostring(s:call("kept")), c:call("get"))
  local pend = s:send("same", c)
  log("async: %s", tostring(pend:wait()))
  local forged = setmetatable({ id = p.b.id }, { __index = p.a })
  log("forged id: %s", tostring(select(2, forged:call("get"))))
  log("own id again: %d", p.a:call("get"))
  -- a client's object: the maker exits, its object dies with it
  local m = recv(box)
  log("from maker: %s %d", tostring(m.c), m.c:call("add", 2))
  sleep("10ms")
  log("after maker exit: %s", tostring(select(2, m.c:call("get"))))
  log("no method: %s", select(2, pcall(c.call, c, "nope")))
  log("bad class: %s", select(2, pcall(rpc.class, "not a name", { f = print })))
  log("bad object: %s", select(2, pcall(rpc.object, Counter, 5)))
  log("foreign: %s", select(2, pcall(s.call, s, "same", shared)))
end }
