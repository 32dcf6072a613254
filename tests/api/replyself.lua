-- replyself.lua: replying with the request itself would send the reply
-- right inside the reply; it is refused at the line, and a reply with the
-- data works.
machine { costs = "zero" }
process { name = "srv", daemon = true, main = function()
  local p = port(); register("echo", p)
  local m = recv(p)
  local ok, err = pcall(function() return reply(m, m) end)
  log("reply(m, m): %s %s", tostring(ok), err)
  log("reply with the data: %s", tostring(reply(m, { n = m.n + 1 })))
end }
process { name = "cli", start = "1ms", main = function()
  local r, why = call(lookup("echo"), { n = 41 })
  log("answer: %s %s", r and r.n, why)
end }
