-- A client waits for a message nobody will send: nothing is pending.
machine { costs = "zero" }
process { name = "waiter", main = function()
  local p = port()
  recv(p)
end }
