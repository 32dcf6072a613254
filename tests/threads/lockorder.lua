-- lockorder.lua: two threads take two mutexes in opposite orders: deadlock.
local model = param("model", "one-to-one")
machine { cpus = 2, costs = "zero" }
process { name = "app", threads = model, main = function()
  local a, b = mutex(), mutex()
  local t1 = thread(function() a:lock(); sleep("1ms"); b:lock() end)
  local t2 = thread(function() b:lock(); sleep("1ms"); a:lock() end)
  join(t1); join(t2)
end }
