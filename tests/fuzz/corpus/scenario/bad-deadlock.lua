-- Two single-threaded servers that call each other: each waits for a reply
-- from the other, which is itself waiting. A cycle in the wait-for graph.
-- With --set ticker=true a daemon ticks forever beside them: the cycle is
-- still found although the event queue never empties.
local ticker = param("ticker", false)
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
if ticker then
  process { name = "ticker", daemon = true, main = function()
    while true do sleep("1ms") end
  end }
end
