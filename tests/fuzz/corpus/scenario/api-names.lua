-- names.lua - register, unregister, names() and the removal of a dead server's names.
process { name = "srv", main = function()
  local p = port()
  assert(register("echo", p)); assert(register("alpha", p))
  log("names: %s", table.concat(names(), ","))
  sleep("5ms")
end }
process { name = "other", start = "1ms", main = function()
  log("unreg by other: %s %s", unregister("echo"))
  log("lookup: %s", tostring(lookup("echo")))
  sleep("10ms")
  log("after death: %s %s", lookup("echo"))
  log("names: %s", table.concat(names(), ","))
  local q = port()
  log("take over: %s", tostring(register("echo", q)))
  log("unreg own: %s", tostring(unregister("echo")))
  log("unreg again: %s %s", unregister("echo"))
end }
