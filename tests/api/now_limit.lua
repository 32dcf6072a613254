-- now_limit.lua: past 2^63 - 1 ns (Lua's largest integer) now() stays at
-- math.maxinteger instead of turning negative.
process { "a", main = function()
  sleep("5000000000s")
  log("after one: %s", tostring(now() > 0 and now() < math.maxinteger))
  sleep("5000000000s")
  log("after two: %s", tostring(now() == math.maxinteger))
end }
