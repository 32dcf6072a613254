-- threads.lua: thread(), join() and results, exit() ending a whole process.
machine { cpus = 2, costs = "zero" }
process { name = "main", main = function()
  local a = thread(function(x) compute("10ms"); return x * 2 end, 21)
  local b = thread(function() compute("5ms"); return "done" end)
  log("joined a -> %s at %d", tostring(join(a)), now())
  log("joined b -> %s at %d", tostring(join(b)), now())
  log("join twice: %s", tostring(select(2, join(b))))
  log("thread handle: %s", tostring(a))
  return 7
end }
process { name = "quitter", main = function()
  thread(function() sleep("100ms"); log("never") end)
  sleep("1ms")
  exit(3)
end }
