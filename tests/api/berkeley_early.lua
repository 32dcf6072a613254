-- berkeley_early.lua - rounds that start before any clock joined average
-- the master's own clock alone; the master says so once, at the first of
-- them (scenario-api.md §18c). Rounds every 1 ms; the participants start
-- at 2.5 ms: rounds 1 and 2 find nobody, rounds 3 and 4 poll both. They
-- end at 4.5 ms: round 5 finds them gone and drops them, round 6 has
-- nobody to poll again, which is no news: no second warning. ("watch"
-- keeps the run going until then: the master is a daemon.)
machine { cpus = 2, costs = "zero" }
process { name = "timed", daemon = true, main = function()
  clock.berkeley { every = "1ms", outlier = "10ms", rounds = 6 }
end }
for i, off in ipairs({ "+2ms", "-2ms" }) do
  process { name = "p" .. i, offset = off, start = "2.5ms", main = function()
    log("joined: %s", tostring(clock.join()))
    sleep("2ms")
    log("after the rounds: %d", clock.now() - now())
  end }
end
process { name = "watch", main = function() sleep("7ms") end }
