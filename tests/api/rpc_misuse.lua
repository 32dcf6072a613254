-- rpc_misuse.lua - a binding, a pending call or a remote reference called
-- with a dot instead of a colon, and durations that are not durations: each
-- raised at the scenario's line, in the words of the API, nothing from
-- inside the library. A handler that raises a table: its error's text is the
-- same in every run (no address).
local Counter = rpc.class("Counter", { get = function(self) return self.n end,
  raise = function() error({ code = 2 }) end })
process { name = "adder", daemon = true, main = function()
  rpc.serve("adder", {
    Add = function(a, b) return a + b end,
    New = function() return rpc.object(Counter, { n = 7 }) end,
    Raise = function() error({ code = 1 }) end,
  })
end }
process { name = "client", start = "1ms", main = function()
  local a = assert(rpc.bind("adder"))
  log("call with a dot: %s", select(2, pcall(a.call, "Add", 1, 2)))
  log("send with a dot: %s", select(2, pcall(a.send, "Add", 1, 2)))
  local p = a:send("Add", 1, 2)
  log("wait with a dot: %s", select(2, pcall(p.wait)))
  log("wait, a bad timeout: %s", select(2, pcall(p.wait, p, "soon")))
  log("wait: %d", p:wait())
  local c = a:call("New")
  log("ref call with a dot: %s", select(2, pcall(c.call, "get")))
  log("ref call: %d", c:call("get"))
  log("bind, a bad timeout: %s", select(2, pcall(rpc.bind, "adder", { timeout = "soon" })))
  local amo = { semantics = "at-most-once", history = {} }
  log("serve, a bad history: %s", select(2, pcall(rpc.serve, "other", { F = print }, amo)))
  log("wait, too long: %s", select(2, pcall(p.wait, p, 1e30)))
  log("a handler raises a table: %s %s", a:call("Raise"))
  log("a method raises a table: %s %s", c:call("raise"))
end }
