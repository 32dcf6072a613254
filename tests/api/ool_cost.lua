-- ool_cost.lua: out-of-line data costs page_map per page it maps, and a
-- range the sender cannot give maps nothing: its send fails with "bad
-- address" at the price of a send without data, however long the range.
machine { costs = "modern", page_size = 4096 }

process { name = "srv", daemon = true, main = function()
  local p = port()
  register("srv", p)
  while true do
    local m = recv(p)
    if m.ool then mem.free(m.ool.addr - m.ool.addr % 4096) end
  end
end }

-- The send's time: the stubs, the trap, the kernel's work and the mapping.
local function timed(s, ool)
  local t0 = now()
  local ok, why = send(s, { op = "x" }, ool and { ool = ool })
  return now() - t0, ok and "ok" or why
end

process { name = "cli", start = "1ms", main = function()
  local s = lookup("srv")
  local a = mem.alloc(4 * 4096)
  mem.write(a, string.rep("u", 4 * 4096))
  log("no data: %d ns, %s", timed(s))
  log("4 pages: %d ns, %s", timed(s, { addr = a, len = 4 * 4096 }))
  log("past the end: %d ns, %s", timed(s, { addr = a, len = 8 * 4096 }))
  log("unmapped: %d ns, %s", timed(s, { addr = 0x1000, len = 4096 }))
  log("2^63 - 1 bytes: %d ns, %s", timed(s, { addr = a, len = math.maxinteger }))
  log("the stack: %d ns, %s", timed(s, { addr = 0x7ff000000000 - 4096, len = 4096 }))
end }

-- A process whose first use of memory is the send: its address space is
-- made then, with the text and the stack, which it can send.
process { name = "fresh", start = "2ms", main = function()
  local s = lookup("srv")
  log("fresh, the stack: %d ns, %s", timed(s, { addr = 0x7ff000000000 - 4096, len = 4096 }))
  log("fresh, unmapped: %d ns, %s", timed(s, { addr = 0x10000000, len = 4096 }))
end }
