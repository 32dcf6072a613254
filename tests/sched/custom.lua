-- custom.lua: a policy written in the scenario. "srtf" picks the ready job
-- with the least CPU still needed every tick (the name server's thread has
-- no "remaining" and sorts last); "index" returns an index; "broken" fails.
local policy = param("policy", "srtf")
local picks = {
  srtf = function(ready, cpu)
    local best = ready[1]
    for _, t in ipairs(ready) do
      if (t.remaining or math.huge) < (best.remaining or math.huge) then best = t end
    end
    return best
  end,
  index = function(ready, cpu) return #ready end,   -- the latest to become ready
  broken = function(ready, cpu) return ready[1].nosuch.field end,
  wrong = function(ready, cpu) return "A" end,
}
machine { costs = "zero", sched = { quantum = 1, pick = picks[policy] } }
job { "A", run = 100 }
job { "B", run = 10, arrive = 10 }
job { "C", run = 10, arrive = 10 }
