-- many-to-one: a1 calls b, which calls back a's port; a2 would serve it
-- but a's only LWP is blocked carrying a1. A daemon ticks.
local ticker = param("ticker", true)
machine { costs = "modern" }
process { name = "a", threads = "many-to-one", main = function()
  local p = port(); register("a", p)
  thread(function() local m = recv(p); reply(m, 1) end)
  call(assert(lookup("b")), {})
end }
process { name = "b", main = function()
  local p = port(); register("b", p)
  local m = recv(p)
  call(assert(lookup("a")), {})
  reply(m, 1)
end }
if ticker then
process { name = "ticker", daemon = true, main = function() while true do sleep("100us") end end }
end
