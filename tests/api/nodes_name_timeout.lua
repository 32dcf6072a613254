-- nodes_name_timeout.lua - a name-server call over a link that loses almost
-- everything: sent 5 times, each try waiting twice as long as the one
-- before, then nil, "timeout". names() is retried the same way.
local op = param("op", "lookup")
node { "B" }
link { "A", "B", profile = "lan", loss = 0.99 }
process { "p", node = "B", main = function()
  local t0 = now()
  local r, e
  if op == "names" then r, e = names() else r, e = lookup("nothing") end
  log("%s: %s %s after %d ns", op, tostring(r), tostring(e), now() - t0)
end }
