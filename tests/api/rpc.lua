-- rpc.lua - rpc.serve and rpc.bind as documented: results of every type,
-- handler errors, unknown methods and services, asynchronous calls,
-- nested calls, byte orders, and misuse raised with the script's line.
process { name = "adder", daemon = true, byte_order = "big", main = function()
  rpc.serve("adder", {
    Add = function(a, b) return a + b end,
    Echo = function(...) return ... end,
    Fail = function() error("no funds") end,
  })
end }
process { name = "front", daemon = true, main = function()
  local adder = assert(rpc.bind("adder"))
  rpc.serve("front", { Twice = function(x) return adder:call("Add", x, x) end },
            { arch = "pool", workers = 2 })
end }
process { name = "client", start = "1ms", main = function()
  local a = assert(rpc.bind("adder"))
  log("Add: %s", a:call("Add", 40, 2))
  local big = a:call("Add", 2147483647, 1)
  log("Add past int32: %s %s", big, math.type(big))
  local t = a:call("Echo", { 1, 2, 3 }, { x = 1.5, name = "n" }, "\0\255bytes", false)
  log("Echo: %d %s %s %d", #t, a:call("Echo", nil, "second"), select(2, a:call("Echo", 1, "two")), 0)
  local e1, e2 = a:call("Echo", { 1, 2, 3 }, { x = 1.5, name = "n" })
  log("Echo tables: %s %s %s", table.concat(e1, ","), e2.x, e2.name)
  log("Fail: %s %s", a:call("Fail"))
  local p1, p2 = a:send("Add", 1, 1), a:send("Add", 2, 2)
  log("async: %s %s", p2:wait(), p1:wait())
  log("nested: %s", assert(rpc.bind("front")):call("Twice", 21))
  log("bind unknown: %s %s", rpc.bind("nobody"))
  log("unknown method: %s", select(2, pcall(a.call, a, "Mul", 1)))
  log("bad arg: %s", select(2, pcall(a.call, a, "Add", print)))
  log("bad option: %s", select(2, pcall(rpc.bind, "adder", { retry = 1 })))
  log("bad semantics: %s", select(2, pcall(rpc.bind, "adder", { semantics = "exactly-once" })))
  log("at-most-once of a maybe server: %s %s", rpc.bind("adder", { semantics = "at-most-once" }))
  log("at-least-once of it: %s", assert(rpc.bind("adder", { semantics = "at-least-once" })).semantics)
  log("serve a name another process registered: %s %s", rpc.serve("adder", { Sub = function() end }))
end }
