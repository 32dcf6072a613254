-- Two servers that call each other while a daemon ticks forever: the cycle
-- is still found although the event queue never empties.
machine { costs = "zero" }
local function server(me, other)
  return function()
    local p = port()
    register(me, p)
    sleep("1ms")                       -- let both register
    local peer = assert(lookup(other))
    call(peer, { from = me })          -- never answered
  end
end
process { name = "alpha", main = server("alpha", "beta") }
process { name = "beta", main = server("beta", "alpha") }
process { name = "ticker", daemon = true, main = function()
  while true do sleep("1ms") end
end }
