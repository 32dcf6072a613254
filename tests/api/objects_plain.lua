-- objects_plain.lua - references in plain messages (§18b): the objects of
-- one message exported in the wire's key order, a reference as the whole
-- message, an object in a reply, a table with a metatable of its own that
-- travels as data, and misuse at the script's line.
local K = rpc.class("K", { get = function(self) return self.v end })
local stray -- made by cli, never sent by it; box tries to send it

process { name = "box", daemon = true, main = function()
  local p = port(); register("box", p)
  local m = recv(p)
  log("ids: [1]=%d a=%d b=%d c[1]=%d", m[1].id, m.a.id, m.b.id, m.c[1].id)
  log("values: %d %d %d %d", m[1]:call("get"), m.a:call("get"), m.b:call("get"),
    m.c[1]:call("get"))
  local w = recv(p)
  log("whole: %s %s %s", tostring(rpc.is_ref(w)), tostring(w), tostring(w:call("get")))
  local q = recv(p)
  reply(q, { made = rpc.object(K, { v = q.v * 2 }),
    plain = setmetatable({ v = 1 }, { __index = { w = 2 } }) })
  local bad = recv(p)
  log("stray: %s", select(2, pcall(reply, bad, { s = stray })))
  log("function: %s", select(2, pcall(reply, bad, { f = print })))
  reply(bad, { ok = true })
end }

process { name = "cli", start = "1ms", main = function()
  local p = assert(lookup("box"))
  stray = rpc.object(K, { v = -1 })
  send(p, { b = rpc.object(K, { v = 2 }), a = rpc.object(K, { v = 1 }),
    [1] = rpc.object(K, { v = 0 }), c = { rpc.object(K, { v = 3 }) } })
  send(p, rpc.object(K, { v = 5 }))
  local r = call(p, { v = 21 })
  log("reply: %s %d plain v=%d w=%s", tostring(r.made), r.made:call("get"), r.plain.v,
    tostring(r.plain.w))
  log("bad: %s", tostring(call(p, {}).ok))
end }
