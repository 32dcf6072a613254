-- encode.lua - rpc.encode gives the bytes the RPC stubs write (the examples of
-- doc/rpc-wire.md), with their counts of values and numbers; it is free,
-- works at the top level, and raises with the script's line for a value
-- that cannot travel.
local function hex(s)
  return (s:gsub(".", function(c) return string.format("%02x", c:byte()) end))
end
local top = hex((rpc.encode({ 10, 20 })))          -- at the top level too
process { name = "p", main = function()
  log("top: %s", top)
  local cases = { 1, -1, 1 << 31, 1.0, "hé", "\xff", {}, { 10, 20 }, { op = "add", [1] = true } }
  for i = 1, #cases do
    local b, values, numbers = rpc.encode(cases[i])
    log("case %d: %s %d %d %d", i, hex(b), #b, values, numbers)
  end
  local t0 = now()
  local b, values, numbers = rpc.encode(1, "x", nil)
  log("three: %s %d %d, %d ns", hex(b), values, numbers, now() - t0)
  log("none: [%s] %d %d", rpc.encode())
  log("function: %s", select(2, pcall(rpc.encode, 1, print)))
  local cyclic = {}
  cyclic[1] = cyclic
  log("cyclic: %s", select(2, pcall(rpc.encode, cyclic)))
end }
