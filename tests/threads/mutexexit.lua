-- A thread ends holding a mutex; another waits for it, while a third calls a
-- server that calls back into the process.
machine { costs = "modern" }
process { name = "app", main = function()
  local mu = mutex()
  local t1 = thread(function() mu:lock(); sleep("1ms") end)
  local t2 = thread(function() sleep("500us"); mu:lock() end)
  join(t2)
end }
process { name = "ticker", daemon = true, main = function() while true do sleep("100us") end end }
