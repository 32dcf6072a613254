-- cond.lua: a waiter that checks its predicate under the mutex never misses
-- a signal, whether the signal comes before or after it waits.
local model = param("model", "one-to-one")
machine { cpus = 2, costs = "zero" }
process { name = "app", threads = model, main = function()
  local mu, cv, ready, woken = mutex(), cond(), 0, 0
  local waiters = {}
  for i = 1, 3 do
    waiters[i] = thread(function()
      if i == 3 then sleep("5ms") end          -- arrives after the broadcast
      mu:lock()
      while ready == 0 do cv:wait(mu) end
      woken = woken + 1
      mu:unlock()
    end)
  end
  sleep("1ms")
  mu:lock(); ready = 1; cv:broadcast(); mu:unlock()
  for i = 1, 3 do join(waiters[i]) end
  log("woken=%d at %d", woken, now())
end }
