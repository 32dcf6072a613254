-- A port handle smuggled through a shared Lua variable gives no right.
machine { costs = "zero" }
local smuggled
process { name = "owner", daemon = true, main = function()
  smuggled = port()
  recv(smuggled)
end }
process { name = "thief", start = "1ms", main = function()
  local ok, why = send(smuggled, { steal = true })
  log("send with a smuggled handle: %s, %s", tostring(ok), tostring(why))
  local ok2, why2 = recv(smuggled)
  log("recv with a smuggled handle: %s, %s", tostring(ok2), tostring(why2))
end }
