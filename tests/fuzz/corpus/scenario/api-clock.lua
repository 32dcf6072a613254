-- clock.lua - drifting clocks declared at machine and process level, and
-- the clock.* client as documented: get, sync, sleep and alarm through the
-- time server, rpc.bind("time") directly, and misuse raised at the line.
machine { drift = "20us/s", offset = "3ms" }
server { "time", drift = "50us/s", offset = "0" }

-- just after 1 s (t = 1000002000 ns, dispatched), the machine's clock
-- is 3 ms + floor(t * 20000 / 10^9) = 3020000 ns ahead of true time
process { "plain", start = "1s", main = function()
  log("plain is %d ahead at %d", clock.now() - now(), now())
end }
-- its own drift, the machine's offset: 3 ms + floor(-100.0004 us) at t = 1000004000
process { "own", start = "1s", drift = "-100ppm", main = function()
  log("own is %d ahead at %d", clock.now() - now(), now())
end }
-- its own offset, the machine's drift: -1.5 ms + 20 us at t = 1000006000
process { "offset", start = "1s", offset = "-1.5ms", main = function()
  log("offset is %d ahead at %d", clock.now() - now(), now())
end }

process { "client", start = "2s", drift = "+100ppm", offset = "+5ms", main = function()
  log("server reads %d, plain reads %d", clock.now("time"), clock.now({ name = "plain" }))
  local e, err, rtt = clock.get()
  local truth = clock.now("time")
  log("get: %s %s %s; within the bound: %s; bound is half the rtt: %s", math.type(e),
      math.type(err), math.type(rtt), math.abs(e - truth) <= err, err == (rtt + 1) // 2)
  local _, err2, rtt2 = clock.get({ min = "1us" })
  log("min 1us: bound %s", err2 == (rtt2 + 1) // 2 - 1000)
  local before = clock.now() - clock.now("time")
  local off, serr, srtt = clock.sync({ probes = 4 })
  local after = clock.now() - clock.now("time")
  log("sync: before %s, correction %s, after within the bound %s (rtt %s)",
      before > 5000000, off < -5000000, math.abs(after) <= serr, srtt > 0)
  local t0 = clock.now("time")
  local woke = clock.sleep("5ms")
  log("sleep: %d ns of the server's clock, at least 5 ms: %s", woke - t0, woke - t0 >= 5000000)
  local at = clock.now("time") + 2000000
  local r = clock.alarm(at)
  log("alarm: woke at its time: %s, the server's clock had reached it: %s", r >= at,
      clock.now("time") >= at)
  log("past alarm: %s", clock.alarm(5) >= 5)
  local b = assert(rpc.bind("time"))
  log("rpc.bind: Time %s, Sleep('x'): %s", math.type(b:call("Time")), select(2, b:call("Sleep", "x")))
  log("misuse: %s", select(2, pcall(clock.alarm, 1.5)))
  log("misuse: %s", select(2, pcall(clock.alarm, -1)))
  log("misuse: %s", select(2, pcall(clock.sleep, "5 ms")))
  log("misuse: %s", select(2, pcall(clock.sync, { probes = 0 })))
  log("misuse: %s", select(2, pcall(clock.sync, { slew = "yes" })))
  log("misuse: %s", select(2, pcall(clock.get, { min = "soon" })))
  log("misuse: %s", select(2, pcall(clock.get, { tries = 3 })))
  log("misuse: %s", select(2, pcall(clock.get, 5)))
  log("misuse: %s", select(2, pcall(clock.now, "nobody")))
  log("misuse: %s", select(2, pcall(clock.now, 42)))
  local why
  table.sort({ 2, 1 }, function(a, b) why = select(2, pcall(clock.sync)); return a < b end)
  log("in sort: %s", why)
end }
