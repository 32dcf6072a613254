-- misuse.lua: unlocking a mutex the thread does not hold is an error (line 5).
local model = param("model", "one-to-one")
process { name = "app", threads = model, main = function()
  local mu = mutex()
  mu:unlock()
end }
