-- berkeley_dead.lua - a participant whose process ends is left out of the
-- round it does not answer, then dropped from the group (scenario-api.md §18c).
machine { cpus = 2, costs = "zero" }
process { name = "timed", daemon = true, main = function()
  clock.berkeley { every = "10ms", outlier = "10ms", rounds = 3 }
end }
process { name = "short", offset = "+4ms", start = "1ms", main = function()
  assert(clock.join()); sleep("15ms")
end }
process { name = "long", offset = "-2ms", start = "1ms", main = function()
  assert(clock.join()); sleep("40ms")
  log("long: %d", clock.now() - now())
end }
