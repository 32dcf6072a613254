-- counter.lua: threads add to a shared counter with a read, some work, and a
-- write; preemption between them loses updates unless a mutex protects them.
local model = param("model", "one-to-one")
local locked = param("locked", true)
local n, rounds = 4, 5
machine { cpus = 2, costs = "zero", quantum = "1ms" }
local p = { name = "app", threads = model, main = function()
  local counter, mu, ts = 0, mutex(), {}
  for i = 1, n do
    ts[i] = thread(function()
      for r = 1, rounds do
        if locked then mu:lock() end
        local v = counter
        compute("1500us")
        counter = v + 1
        if locked then mu:unlock() end
      end
    end)
  end
  for i = 1, n do join(ts[i]) end
  log("counter=%d expected=%d", counter, n * rounds)
end }
if model ~= "one-to-one" then p.user_quantum = "1ms"; p.lwps = 2 end
if model == "many-to-one" then p.lwps = 1 end
process(p)
