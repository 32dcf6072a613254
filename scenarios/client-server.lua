-- client-server.lua: a server port, two clients' calls, the reply right; SEND-, RECEIVE- and REPLY-blocked.
--
-- What to look at:
--   * the server creates a port: its process holds the receive right, the
--     only right to recv on it; it registers a send right with the name
--     server, and each client's lookup gives the client a send right of its
--     own;
--   * call() sends a request that carries a send-once right to the caller's
--     private reply port, then waits REPLY-blocked; the server answers
--     through that right, once: a second reply gets "no right";
--   * the server's port is a rendezvous (qlimit = 0): while the server is
--     busy with alice's request, bob's call has nowhere to go and bob waits
--     SEND-blocked until the server comes back to recv, RECEIVE-blocked;
--     with --set qlimit=1 the kernel queues bob's request instead;
--   * a message sent with send() carries no reply right: nothing to answer.
--
-- Run:   ukern run scenarios/client-server.lua
--        ukern run scenarios/client-server.lua --set qlimit=1
--        ukern run scenarios/client-server.lua --trace cs.uktrace && ukern view cs.uktrace

-- Is the string d a duration the scenario API takes: "250ns", "5us", "10ms", "2s", or ms; whole ns, under 2^64?
local function is_duration(d, name)   -- (2^64 ns or more, also as a number of ms such as 1e30: an error, "NAME = D is too large")
  local i, f, unit = d:match("^(%d*)%.?(%d*)(%a*)$")
  local digits = ({ [""] = 6, ns = 0, us = 3, ms = 6, s = 9 })[unit or 0]   -- of a fraction, down to 1 ns
  local ns = digits and i .. f ~= "" and tonumber("0" .. i .. "." .. f .. "0") * 10 ^ digits or (tonumber(d) or -1) * 1e6
  return ns < 2^64 and digits ~= nil and i .. f ~= "" and #f:gsub("0+$", "") <= digits or ns >= 2^64 and error(("%s = %q is too large: a duration must be under 2^64 ns (about 584 years)"):format(name, d), 2) end

local qlimit = param("qlimit", 0)
local service = param("service", "1ms")     -- how long the server takes per request
assert(math.type(qlimit) == "integer" and qlimit >= 0 and qlimit <= 1000000,
       ("qlimit must be a whole number of messages from 0 (a rendezvous) to 1000000, not %s"):format(qlimit))
assert(is_duration(service, "service"),
       ('service must be a duration: a number of ms, or "250ns", "5us", "10ms", "2s", not %q'):format(service))

machine { cpus = 1, costs = "modern" }

process {
  name = "server",
  daemon = true,                      -- serves forever; does not keep the run alive
  main = function()
    local p = port { qlimit = qlimit }
    assert(register("echo", p))
    while true do
      local m = recv(p)               -- RECEIVE-blocked until a message comes
      if not m.reply then
        log("%q from %s, sent with send(): no reply right, nothing to answer", m.text, m.sender)
      else
        log("request %q from %s, %d bytes", m.text, m.sender, m.size)
        sleep(service)                -- the work: waiting for a device, say
        assert(reply(m, { text = m.text:upper() }))
        log("a second reply to %s: %s", m.sender, select(2, reply(m, { text = "again" })))
      end
    end
  end,
}

for _, name in ipairs { "alice", "bob" } do
  process {
    name = name,
    start = "1ms",
    main = function()
      local echo = assert(lookup("echo"))    -- a send right of this process's own
      if name == "alice" then
        assert(send(echo, { text = "a note from alice" }))
      end
      local t0 = now()
      local r = call(echo, { text = "hi from " .. name })
      log("reply %q after %.1f us", r.text, (now() - t0) / 1000)
    end,
  }
end
