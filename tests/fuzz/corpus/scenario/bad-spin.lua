-- spin.lua: a busy wait with no system call in its loop. Simulated time
-- passes only at a system call, so the flag can never change: ukern stops
-- the loop instead of hanging. The fix: while not ready do yield() end
local ready = false

process { name = "spinner", main = function()
  thread(function() compute(1); ready = true end)
  while not ready do end
end }
