-- clock_sync.lua - clock.sync corrects the clock: a step at once (back in
-- time when the clock was ahead), or a slew at adjtime()'s 500 ppm that
-- never goes back; afterwards the drift parts the clocks again.
local slew = param("slew", false)

machine { cpus = 1 }
server { "time", drift = "+50us/s" }

process { "fast", offset = "+4ms", drift = "+150ppm", start = "10ms", main = function()
  local off0 = clock.now() - clock.now("time")
  local r0 = clock.now()
  local o, err = clock.sync({ slew = slew, probes = 3 })
  local r1 = clock.now()
  local off1 = clock.now() - clock.now("time")
  log("before %d, correction %d, bound %d, after %d", off0, o, err, off1)
  log("within the bound at once: %s; went back: %s", math.abs(off1) <= err, r1 < r0)
  local monotone, last = true, r1
  for i = 1, 10 do
    for _ = 1, 10 do
      sleep("100ms")
      if clock.now() < last then monotone = false end
      last = clock.now()
    end
    log("%2d s later: %d", i, clock.now() - clock.now("time"))
  end
  log("never went back after the sync: %s", monotone)
end }
