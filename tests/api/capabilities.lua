-- capabilities.lua: rights are capabilities, and a script cannot get around
-- them: no send or call without a right (a handle smuggled from another
-- process, one that is not a handle at all, one to a dead port), a
-- send-once right answers once, no receive right but the creator's, and no
-- access to another process's memory but the pages it sent.
machine { costs = "zero", page_size = 4096 }

local smuggled      -- the owner's port, leaked through a shared Lua variable
local secret_at     -- where the owner keeps a secret, leaked the same way

local function try(f, ...)
  local ok, a, b = pcall(f, ...)
  if not ok then return "raised " .. tostring(a) end
  return tostring(a) .. ", " .. tostring(b)
end

process { name = "owner", daemon = true, main = function()
  local p = port()
  smuggled = p
  register("box", p)
  while true do
    local m = recv(p)
    if m.op == "once" then
      log("first reply: %s", try(reply, m, "one"))
      log("second reply: %s", try(reply, m, "two"))
      log("reply through m.reply again: %s", try(reply, m.reply, "three"))
      log("reply right put in a message: %s", try(send, p, { r = m.reply }))
    elseif m.op == "ool" then
      log("ool data: %s", mem.read(m.ool.addr, 6))
    end
  end
end }

-- A handle that reached this process outside the kernel gives no right.
process { name = "thief", start = "1ms", main = function()
  log("send with the smuggled handle: %s", try(send, smuggled, { op = "steal" }))
  log("call with it: %s", try(call, smuggled, { op = "steal" }))
  log("recv on it: %s", try(recv, smuggled, { timeout = "1ms" }))
  log("register it: %s", try(register, "stolen", smuggled))
  log("it inside a message: %s", try(send, lookup("box"), { p = smuggled }))
  log("a table for a handle: %s", try(send, { 2 }, {}))
  log("a number for a handle: %s", try(send, 2, {}))
end }

-- A send right from lookup: calls go through, receiving does not (the
-- receive right never leaves its process), and a send-once right answers once.
process { name = "client", start = "2ms", main = function()
  local box = assert(lookup("box"))
  log("recv on a send right: %s", try(recv, box, { timeout = "1ms" }))
  log("call: %s", try(call, box, { op = "once" }))
  -- A port whose process ended: the handle is stale, its port dead.
  local gone
  local child = fork(function() local q = port(); register("gone", q); sleep("1ms") end)
  sleep("500us")
  gone = assert(lookup("gone"))
  wait(child)
  log("send to a dead port: %s", try(send, gone, {}))
  log("lookup after it died: %s", try(lookup, "gone"))
end }

-- Memory: a sender's pages reach a receiver only as out-of-line data; the
-- same numbers in another address space are that space's own (or nothing).
process { name = "keeper", start = "10ms", main = function()
  local a = mem.alloc(8 * 4096)
  mem.write(a, "shared")
  mem.write(a + 7 * 4096, "secret")
  secret_at = a + 7 * 4096
  log("keeper has %s at 0x%x", mem.read(secret_at, 6), secret_at)
  send(lookup("box"), { op = "ool" }, { ool = { addr = a, len = 6 } })
  sleep("10ms")
end }

process { name = "prober", start = "12ms", main = function()
  local mine = mem.alloc(4096)
  log("prober's own page at 0x%x: %q", mine, mem.read(mine, 6))
  log("reading the keeper's secret at 0x%x", secret_at)
  mem.read(secret_at, 6)          -- not mapped here: a segmentation fault
  log("not reached")
end }
