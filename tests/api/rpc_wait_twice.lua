-- rpc_wait_twice.lua - pending:wait() on a call already waited for returns
-- the same results again, at once, and the call is counted once; a wait that
-- timed out leaves the call to a later wait.
process { name = "adder", daemon = true, main = function()
  rpc.serve("adder", {
    Add = function(a, b) return a + b end,
    Pair = function(a, b) return { a, b }, "pair" end,
    Fail = function() error("no funds") end,
    Slow = function(a) compute("5ms") return a end,
  })
end }
process { name = "client", start = "1ms", main = function()
  local a = assert(rpc.bind("adder"))
  local p, q = a:send("Add", 1, 2), a:send("Pair", 3, 4)
  local t, tag = q:wait()
  log("q first: %d,%d %s", t[1], t[2], tag)
  log("p first: %d", p:wait())
  local t0 = now()
  log("p again: %d", p:wait())
  log("p again, with a timeout: %d", p:wait("1ms"))
  local t2, tag2 = q:wait()
  log("q again: %d,%d %s, same table: %s", t2[1], t2[2], tag2, tostring(t2 == t))
  log("the second waits took %d ns", now() - t0)
  local f = a:send("Fail")
  log("f first: %s %s", f:wait())
  log("f again: %s %s", f:wait())
  local s = a:send("Slow", 9)
  log("s, 1ms: %s %s", s:wait("1ms"))
  log("s, then: %s", s:wait())
  log("s again: %s", s:wait())
end }
