-- results_body.lua: a wrong result() in a body kills its process (exit
-- status 4) at the calling line; what was recorded before stays.
machine { cpus = 1, costs = "zero" }
process { name = "bad", main = function()
  result("kept", 1)
  sleep("1ms")
  result("kept", 2)
  result("lost", 1 / 0)
  result("kept", 3)
end }
