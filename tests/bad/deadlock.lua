-- Two single-threaded servers that call each other: each waits for a reply
-- from the other, which is itself waiting. A cycle in the wait-for graph.
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
