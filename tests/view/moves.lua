-- tests/view/moves.lua: two nodes calling each other's servers, and a
-- process moving to B, for the topology view's labels (tests/test_view_small.c).
machine { cpus = 1, costs = "modern" }
node { "bravo-the-second-machine-of-two", cpus = 1 }
link { "A", "bravo-the-second-machine-of-two", profile = "lan" }
for _, n in ipairs { "A", "bravo-the-second-machine-of-two" } do
  process { "srv" .. n, node = n, daemon = true, main = function()
    rpc.serve("svc" .. n, { Echo = function(s) return #s end })
  end }
end
for c = 1, 3 do
  for _, n in ipairs { "A", "bravo-the-second-machine-of-two" } do
    process { "cli" .. n .. c, node = n, start = "20ms", main = function()
      local s = assert(rpc.bind(n == "A" and "svcbravo-the-second-machine-of-two" or "svcA", { timeout = "2s" }))
      for i = 1, 4 * c do assert(s:call("Echo", "x")) sleep("1ms") end
    end }
  end
end
process { "mover", daemon = true, main = function() while true do sleep("1ms") end end }
process { "ctl", node = "bravo-the-second-machine-of-two", start = "25ms", main = function()
  assert(migrate("mover", "bravo-the-second-machine-of-two"))
end }
