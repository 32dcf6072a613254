-- byteorder.lua - an RPC between two processes of the byte order given: a
-- little-endian process converts every number of the messages (cost
-- "byteswap", set to 1 us here so that the difference is plain).
local order = param("order", "little")
machine { costs = { byteswap = "1us" } }
process { name = "srv", daemon = true, byte_order = order, main = function()
  rpc.serve("srv", { Sum = function(t) local s = 0 for _, v in ipairs(t) do s = s + v end return s end })
end }
process { name = "cli", byte_order = order, start = "1ms", main = function()
  local s = assert(rpc.bind("srv"))
  local t0 = now()
  log("sum %d in %d ns", s:call("Sum", { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 }), now() - t0)
end }
