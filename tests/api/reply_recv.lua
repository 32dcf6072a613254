-- reply_recv.lua: a server's reply and its next receive in one system call
-- (doc/scenario-api.md §6, reply_recv): the same answers as reply then
-- recv, one trap less per request; its errors, its timeout, a caller that
-- stopped waiting, and the user-level thread models.

-- Two servers answer the same calls, one with reply + recv, one with
-- reply_recv: the second's callers finish a trap earlier per call.
local function server(name, combined)
  return function()
    local p = port(); register(name, p)
    local m = recv(p)
    while true do
      if combined then
        m = reply_recv(m, { n = m.n + 1, from = m.sender }, p)
      else
        reply(m, { n = m.n + 1, from = m.sender })
        m = recv(p)
      end
    end
  end
end
process { name = "plain", daemon = true, main = server("plain", false) }
process { name = "combined", daemon = true, main = server("combined", true) }

local function client(name)
  return function()
    local p = lookup(name)
    local t0 = now()
    local sum = 0
    for i = 1, 3 do sum = sum + call(p, { n = i }).n end
    log("%s: sum %d in %d ns", name, sum, now() - t0)
  end
end
process { name = "c1", start = "1ms", main = client("plain") }
process { name = "c2", start = "2ms", main = client("combined") }

-- What comes back, and the errors.
process { name = "srv", daemon = true, main = function()
  local p = port(); register("svc", p)
  local other = port()
  local m = recv(p)
  log("first: n=%d sender=%s reply=%s", m.n, m.sender, type(m.reply))
  m = reply_recv(m, { n = m.n * 10 }, p)
  log("next: n=%d sender=%s reply=%s", m.n, m.sender, type(m.reply))
  -- A port of another process to receive on: refused before the reply.
  local r, why = reply_recv(m, { n = 0 }, theirs)
  log("their port: %s, %s", tostring(r), why)
  -- A right of this process that is no receive right: refused, no reply
  -- either (the client gets the one below).
  r, why = reply_recv(m, { n = 0 }, m.reply)
  log("no receive right: %s, %s", tostring(r), why)
  local errs = {}
  for _, f in ipairs {
    function() return reply_recv(m, m, p) end,
    function() return reply_recv(m, {}, "p") end,
    function() return reply_recv(m, {}, p, { timeout = "soon" }) end,
  } do
    local ok, err = pcall(f)
    errs[#errs + 1] = tostring(ok) .. " " .. err
  end
  log("raised: %s", table.concat(errs, " | "))
  log("no request: %s", select(2, pcall(reply_recv, nil, {}, p)))
  -- The reply goes; nothing comes within the timeout.
  local t = now()
  r, why = reply_recv(m, { n = m.n * 10 }, p, { timeout = "3ms" })
  log("nothing within the timeout: %s, %s after %d ns", tostring(r), why, now() - t)
  -- A second reply through the used right: refused, and nothing received.
  t = now()
  r, why = reply_recv(m, { n = 0 }, p)
  log("answered twice: %s, %s after %d ns", tostring(r), why, now() - t)
  m = recv(p)
  log("a send: n=%d reply=%s", m.n, type(m.reply))
  local ok, err = pcall(reply_recv, m, {}, p)
  log("raised: %s %s", tostring(ok), err)
  -- A caller that stopped waiting: the reply is dropped, the receive goes on.
  m = recv(p)
  sleep("2ms")
  m = reply_recv(m, { n = 1 }, p)
  log("after a dropped reply: n=%d", m.n)
  r, why = reply_recv(m, { n = 50 }, other, { timeout = 0 })
  log("on another port: %s, %s", tostring(r), why)
end }

process { name = "cli", start = "5ms", main = function()
  theirs = port()   -- a global: the server can reach it, not use it
  local p = lookup("svc")
  log("call 1: %d", call(p, { n = 1 }).n)
  log("call 2: %d", call(p, { n = 2 }).n)
  sleep("4ms")
  send(p, { n = 3 })
  log("late: %s", tostring(select(2, call(p, { n = 4 }, { timeout = "1ms" }))))
  log("call 5: %d", call(p, { n = 5 }).n)
end }

-- The same server loop in a many-to-one process.
process { name = "m21", daemon = true, threads = "many-to-one", main = function()
  local p = port(); register("m21", p)
  thread(function()
    local m = recv(p)
    while true do m = reply_recv(m, { n = -m.n }, p) end
  end)
end }
process { name = "cm", start = "30ms", main = function()
  local p = lookup("m21")
  log("many-to-one: %d %d", call(p, { n = 7 }).n, call(p, { n = 8 }).n)
end }
