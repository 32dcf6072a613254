-- pingpong.lua: N round trips between two processes.
--
-- A client calls a server N times; each call is a request message carrying
-- a reply right, and the reply message. The stats show the message count
-- (2N + the name-server lookups), bytes, calls, and the latency of each
-- message; change the cost profile to see where the time goes:
--
--   ukern run scenarios/pingpong.lua --stats json
--   ukern run scenarios/pingpong.lua --set n=1000 --set costs=firefly-1990
--
-- The server answers each request with reply() and then waits for the next
-- with recv(): two system calls, two traps. With --set loop=reply_recv it
-- does both in one, as L4's ReplyWait and Mach's combined mach_msg do: one
-- trap per round trip less, which the client's "ns each" shows.
--
--   ukern run scenarios/pingpong.lua --set loop=reply_recv

local n = param("n", 100)
local costs = param("costs", "modern")
local loop = param("loop", "recv")
assert(math.type(n) == "integer" and n >= 1, ("n must be a whole number of round trips, at least 1, not %s"):format(n))
if loop ~= "recv" and loop ~= "reply_recv" then
  error("loop must be \"recv\" or \"reply_recv\", not '" .. loop .. "'")
end

machine { cpus = 1, costs = costs }

process {
  name = "pong",
  daemon = true,
  main = function()
    local p = port()
    assert(register("pong", p))
    local m = recv(p)
    while true do
      if loop == "reply_recv" then
        m = reply_recv(m, { n = m.n }, p)
      else
        reply(m, { n = m.n })
        m = recv(p)
      end
    end
  end,
}

process {
  name = "ping",
  main = function()
    local pong = assert(lookup("pong"))
    local t0 = now()
    for i = 1, n do
      local r = call(pong, { n = i })
      assert(r.n == i, "reply out of order")
    end
    log("%d round trips, %d ns each", n, (now() - t0) // n)
  end,
}
