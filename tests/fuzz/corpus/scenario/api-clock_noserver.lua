-- clock_noserver.lua - without a time server the client's calls fail with
-- nil, "unknown name"; a process's clock is perfect and nothing adds
-- clocks to the statistics. Then a server of the scenario's own takes the
-- name "time", dies, and a new one takes its place: the client forgets
-- the dead binding and finds the new server.
process { "p", main = function()
  log("perfect: %s", clock.now() == now())
  log("get: %s %s", clock.get())
  log("sync: %s %s", clock.sync({ probes = 3 }))
  log("sleep: %s %s", clock.sleep("1ms"))
  log("alarm: %s %s", clock.alarm(5))
  log("still perfect: %s", clock.now() == now())
end }

local function server(name, start, life, reading)
  process { name, start = start, daemon = true, main = function()
    thread(function() rpc.serve("time", { Time = function() return reading end }) end)
    sleep(life)
    exit(0)
  end }
end
server("first", "10ms", "10ms", 111)
server("second", "30ms", "100ms", 222)

process { "client", start = "15ms", main = function()
  local e, _, rtt = clock.get()
  log("first: T + rtt/2 = %s", e == 111 + rtt // 2)
  sleep("10ms")
  log("after it died: %s %s", clock.get())
  sleep("10ms")
  e, _, rtt = clock.get()
  log("second: T + rtt/2 = %s", e == 222 + rtt // 2)
end }
