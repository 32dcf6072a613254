-- timeouts.lua: a call that times out, a late reply dropped, a recv timeout.
machine { costs = "zero" }
process { name = "srv", daemon = true, main = function()
  local p = port(); register("srv", p)
  local m = recv(p)      -- take the first request and never answer it
  sleep("50ms")
  reply(m, { late = true })
  while true do local m2 = recv(p); reply(m2, { n = m2.n }) end
end }
process { name = "cli", start = "1ms", main = function()
  local s = lookup("srv")
  local r, why = call(s, { n = 1 }, { timeout = "5ms" })
  log("first call: %s %s at %d", tostring(r), tostring(why), now())
  local r2 = call(s, { n = 2 })
  log("second call: n=%s late=%s at %d", tostring(r2.n), tostring(r2.late), now())
  local p = port()
  local m, w = recv(p, { timeout = "2ms" })
  log("recv: %s %s at %d", tostring(m), w, now())
end }
