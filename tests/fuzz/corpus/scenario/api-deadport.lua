-- deadport.lua: a server that exits kills its port; its callers get "dead port".
machine { costs = "zero" }
process { name = "srv", main = function()
  local p = port(); register("srv", p)
  recv(p)                      -- takes one request, never replies, and ends
  sleep("2ms")
end }
process { name = "cli", start = "1ms", main = function()
  local s = lookup("srv")
  local r, why = call(s, { n = 1 })
  log("call while the server dies: %s, %s", tostring(r), why)
  local ok, why2 = send(s, { n = 2 })
  log("send after it died: %s, %s", tostring(ok), why2)
  local ok3, why3 = lookup("nobody")
  log("lookup of an unknown name: %s, %s", tostring(ok3), why3)
end }
process { name = "squatter", start = "2ms", main = function()
  local ok, why = register("srv", port())
  log("register a name someone else owns: %s, %s", tostring(ok), why)
end }
