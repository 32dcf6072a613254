-- forkmodel.lua: a child inherits its parent's thread model; wait in a
-- many-to-one process blocks the whole process, like any kernel call.
machine { costs = "zero" }
process { name = "app", threads = "many-to-one", main = function()
  local a = mem.alloc(4096)
  mem.write(a, "parent")
  local t = thread(function() compute("1ms"); log("other user thread ran at %d", now()) end)
  local c = fork(function()
    compute("5ms")
    log("child sees %q", mem.read(a, 6))
    return 3
  end)
  log("wait -> %d at %d", wait(c), now())
  join(t)
end }
