-- message.lua: what recv returns (doc/scenario-api.md §6): a plain table
-- holding the sender's fields and the kernel's (sender, sender_pid,
-- sender_thread, size; reply only after call()), which replace fields of
-- the same names; and what is not a port handle, even a userdata of a
-- handle's size (io.stdout).
machine { costs = "zero" }

local function show(m)
  local keys = {}
  for k in pairs(m) do keys[#keys + 1] = k end
  table.sort(keys)
  local parts = {}
  for _, k in ipairs(keys) do
    local v = m[k]
    assert(rawget(m, k) == v, "a field not in the table itself: " .. k)
    parts[#parts + 1] = k .. "=" .. (k == "reply" and type(v) or tostring(v))
  end
  return table.concat(parts, " ")
end

process { name = "srv", daemon = true, main = function()
  local p = port(); register("svc", p)
  local m = recv(p)
  log("call: %s", show(m))
  log("plain: %s %s", tostring(getmetatable(m)), type(m))
  log("reply handle: %s", tostring(m.reply):match("^port%(%d+ of pid %d+%)$") ~= nil)
  local s = recv(p)
  log("send: %s", show(s))
  log("no reply: %s", select(2, pcall(reply, s, {})))
  log("answered: %s", tostring(reply(m.reply, { n = m.n + 1 })))
end }

process { name = "cli", start = "1ms", main = function()
  local p = lookup("svc")
  thread(function()
    yield()
    send(p, { text = "x" })
  end)
  local r = call(p, { n = 1, sender = "forged", size = -1, text = "hi" })
  log("reply: %s", show(r))
  log("stdout: %s", select(2, pcall(send, io.stdout, {})))
  log("inside: %s", select(2, pcall(send, p, { f = io.stdout })))
end }
