-- blocking.lua: a compute thread (20 ms) beside a thread blocked 50 ms in
-- the kernel. When does the compute thread finish under each model?
local model = param("model", "one-to-one")
local lwps = param("lwps", 1)
local activations = param("activations", false)
machine { cpus = 2, costs = "zero" }
local p = { name = "app", threads = model, main = function()
  local io = thread(function() sleep("50ms"); log("io done") end)
  local cpu = thread(function() compute("20ms"); log("compute done") end)
  join(io); join(cpu)
end }
if model ~= "one-to-one" then p.lwps = lwps; p.activations = activations end
process(p)
