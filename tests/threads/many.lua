-- many.lua: 100,000 user threads in one many-to-one process.
local n = param("n", 100000)
machine { costs = "zero" }
process { name = "app", threads = "many-to-one", main = function()
  local ts, sum = {}, 0
  for i = 1, n do ts[i] = thread(function() compute("1us"); return 1 end) end
  for i = 1, n do sum = sum + join(ts[i]) end
  log("%d threads joined at %d", sum, now())
end }
