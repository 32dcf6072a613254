-- berkeley.lua - Berkeley's algorithm computed exactly (scenario-api.md
-- §18c): with zero costs every round trip is 0, so each offset is measured
-- exactly. Clocks at 0 (the master), +4, -2, +1 and +50 ms, outlier 10 ms:
-- the median is +1 ms, the 50 ms clock is left out, the average is
-- (0 + 4 - 2 + 1) / 4 = 0.75 ms, and every clock, the outlier's too, ends
-- 750000 ns ahead of true time.
machine { cpus = 2, costs = "zero" }
process { name = "timed", daemon = true, main = function()
  clock.berkeley { every = "10ms", outlier = "10ms", rounds = 1 }
end }
local offsets = { "+4ms", "-2ms", "+1ms", "+50ms" }
for i, off in ipairs(offsets) do
  process { name = "p" .. i, offset = off, start = "1ms", main = function()
    log("joined: %s", tostring(clock.join()))
    sleep("20ms")
    log("after the round: %d", clock.now() - now())
  end }
end
process { name = "checks", start = "1ms", main = function()
  log("average: %d %d", clock.average({ 0, 4000000, -2000000, 1000000, 50000000 }, 10000000))
  log("average, even count: %d %d", clock.average({ 10, 0, 30, 1000 }, 25))
  log("average, all out but the median: %d %d", clock.average({ -100, 5, 100 }, 0))
  log("bad outlier: %s", select(2, pcall(clock.average, { 1 }, -1)))
  log("bad offsets: %s", select(2, pcall(clock.average, {}, 1)))
  log("bad option: %s", select(2, pcall(clock.berkeley, { every = "1ms", period = 1 })))
  log("join nobody: %s %s", clock.join("nobody"))
  sleep("20ms")
  log("master: %d", clock.now("timed") - now())
end }
