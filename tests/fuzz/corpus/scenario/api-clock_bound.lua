-- clock_bound.lua - Cristian's estimate holds its bound: over many probes
-- by clients whose clocks drift differently, with round trips made to vary
-- by a loaded CPU and by each other, the server's clock when the reply
-- arrives lies within estimate +- error. The bound takes the clocks to run
-- at one rate during the round trip; with drifts it is off by up to their
-- difference times the round trip (at most 250 ppm of it here), which a
-- second count allows for.
local probes = param("probes", 40)
local min = param("min", "0")

machine { cpus = 1, quantum = "500us" }
server { "time", drift = "-50us/s", offset = "+1ms" }

process { "load", daemon = true, main = function()
  while true do
    compute(math.random(10, 1500) .. "us")
    sleep(math.random(10, 1500) .. "us")
  end
end }

for i, c in ipairs({ { "a", "-100ppm", "-3ms" }, { "b", "+30ppm", "0" }, { "c", "+200ppm", "7ms" } }) do
  process { c[1], drift = c[2], offset = c[3], start = (10 + i) .. "ms", main = function()
    local bad, loose, worst, spread_lo, spread_hi = 0, 0, 0, math.huge, 0
    for _ = 1, probes do
      local e, err, rtt = clock.get({ min = min })
      local off = math.abs(e - clock.now("time"))
      if off > err then
        bad = bad + 1
        log("outside: error %d, bound %d, rtt %d", off, err, rtt)
      end
      if off > err + rtt // 4000 + 1 then loose = loose + 1 end
      if err > 0 and off / err > worst then worst = off / err end
      if rtt < spread_lo then spread_lo = rtt end
      if rtt > spread_hi then spread_hi = rtt end
      sleep(math.random(1, 3000) .. "us")
    end
    log("%d probes, %d outside the bound (%d with the drift allowance); round trips from %d "
        .. "to %d ns; the error reached %d%% of the bound", probes, bad, loose, spread_lo,
        spread_hi, math.floor(worst * 100))
  end }
end
