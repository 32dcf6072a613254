-- race.lua: a shared counter, with and without a mutex.
--
-- Four threads each add 1 to a shared counter five times. Adding is three
-- steps: read the counter, work a little (1.5 ms), write the value read
-- plus one. The round-robin quantum (1 ms) is shorter than the work, so a
-- thread is preempted between its read and its write; another thread reads
-- the same old value, and one of the two updates is lost. With the mutex
-- the read-work-write is a critical section and the count is exact.
--
--   ukern run scenarios/race.lua                      (locked: 20 of 20)
--   ukern run scenarios/race.lua --set locked=false   (updates are lost)
--   ukern run scenarios/race.lua --set locked=false --set model=many-to-one
--
-- The loss is deterministic for a given seed and parameters: run it twice.
-- In many-to-one the race needs a user-level quantum (user_quantum): without
-- preemption at user level a thread is never interrupted mid-update.

local model = param("model", "one-to-one")
local locked = param("locked", true)
assert(({ ["one-to-one"] = 1, ["many-to-one"] = 1, ["many-to-many"] = 1 })[model],
       ("model must be one-to-one, many-to-one or many-to-many, not %q"):format(model))

machine { cpus = 2, costs = "zero", quantum = "1ms" }

local p = { name = "app", threads = model, main = function()
  local counter, mu, workers = 0, mutex(), {}
  for i = 1, 4 do
    workers[i] = thread(function()
      for _ = 1, 5 do
        if locked then mu:lock() end
        local v = counter          -- read
        compute("1500us")          -- work: the quantum ends in here
        counter = v + 1            -- write
        if locked then mu:unlock() end
      end
    end)
  end
  for i = 1, 4 do join(workers[i]) end
  log("counter = %d (expected 20)%s", counter, counter < 20 and ": updates were lost" or "")
end }
if model ~= "one-to-one" then p.user_quantum = "1ms" end
process(p)
