-- params.lua: parameters keep their types in the statistics; math.random is
-- seeded from the run's seed even at the top level.
local flag = param("flag", true)
local label = param("label", "42")
local n = param("n", 3)
print("top-level random: " .. math.random(1000000))
machine { costs = "zero" }
process { name = "p", main = function()
  log("flag=%s label=%s n=%d random=%d", tostring(flag), label, n, math.random(1000000))
end }
