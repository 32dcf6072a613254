-- pingpong.lua: N round trips between two processes.
--
-- A client calls a server N times; each call is a request message carrying
-- a reply right, and the reply message. The stats show the message count
-- (2N + the name-server lookups), bytes, calls, and the latency of each
-- message; change the cost profile to see where the time goes:
--
--   ukern run scenarios/pingpong.lua --stats json
--   ukern run scenarios/pingpong.lua --set n=1000 --set costs=firefly-1990

local n = param("n", 100)
local costs = param("costs", "modern")

machine { cpus = 1, costs = costs }

process {
  name = "pong",
  daemon = true,
  main = function()
    local p = port()
    assert(register("pong", p))
    while true do
      local m = recv(p)
      reply(m, { n = m.n })
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
