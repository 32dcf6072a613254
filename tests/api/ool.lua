-- ool.lua: out-of-line data in send and call: the receiver gets pages of
-- its own (m.ool), copy-on-write; the option's errors.
machine { costs = "zero", page_size = 4096 }

process { name = "srv", daemon = true, main = function()
  local p = port()
  register("srv", p)
  while true do
    local m = recv(p)
    if m.ool then
      local got = mem.read(m.ool.addr, m.ool.len)
      log("%s: %d bytes inline, %d out of line at 0x%x: %q...%q", m.op, m.size, m.ool.len,
          m.ool.addr, got:sub(1, 5), got:sub(-5))
      mem.write(m.ool.addr, "SRV")          -- a copy-on-write copy: the client keeps its data
      log("server copied %d page(s)", mem.stat().pages_copied)
      mem.free(m.ool.addr - m.ool.addr % 4096)
    else
      log("%s: no ool", m.op)
    end
    if m.reply then reply(m, { ok = true }) end
  end
end }

local function try(f)
  local ok, err = pcall(f)
  return ok and "ok" or err
end

process { name = "cli", start = "1ms", main = function()
  local s = lookup("srv")
  local a = mem.alloc(3 * 4096)
  mem.write(a, "first" .. string.rep(".", 3 * 4096 - 10) .. "last!")
  log("send: %s", tostring(send(s, { op = "put" }, { ool = { addr = a, len = 3 * 4096 } })))
  log("call: %s", tostring(call(s, { op = "get" }, { ool = { addr = a + 4096, len = 5 } }).ok))
  log("client still has %q", mem.read(a, 5))
  log("bad address: %s, %s", send(s, { op = "x" }, { ool = { addr = 0x1000, len = 5 } }))
  log("ool not a table: %s", try(function() send(s, {}, { ool = 5 }) end))
  log("ool without len: %s", try(function() send(s, {}, { ool = { addr = a } }) end))
  log("ool len 0: %s", try(function() send(s, {}, { ool = { addr = a, len = 0 } }) end))
  log("ool addr -1: %s", try(function() call(s, {}, { ool = { addr = -1, len = 1 } }) end))
  log("ool unknown field: %s", try(function() send(s, {}, { ool = { addr = a, len = 1, x = 1 } }) end))
  log("ool array part: %s", try(function() call(s, {}, { ool = { a, 1 } }) end))
  send(s, { op = "plain" })
  mem.free(a)
end }
