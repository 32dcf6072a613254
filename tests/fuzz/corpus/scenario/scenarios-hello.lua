-- hello.lua: a client finds an echo server through the name server and calls it.
--
-- What to look at:
--   * the server creates a port (it holds the receive right) and registers a
--     send right to it under the name "echo" with the name server;
--   * the client looks the name up, getting its own send right, then call()s:
--     the request carries a send-once right to the client's private reply
--     port, and the client waits REPLY-blocked until the server answers;
--   * every step costs simulated time under the "modern" cost profile:
--     traps, kernel message work, copies, context switches.
--
-- Run:   ukern run scenarios/hello.lua
--        ukern run scenarios/hello.lua --stats json

machine { cpus = 1, sched = "rr", costs = "modern" }

process {
  name = "echo",
  daemon = true,            -- serves forever; does not keep the run alive
  main = function()
    local p = port()
    assert(register("echo", p))
    while true do
      local m = recv(p)
      log("request from %s: %q", m.sender, m.text)
      reply(m, { text = m.text, from = "echo" })
    end
  end,
}

process {
  name = "client",
  start = "1ms",
  main = function()
    local echo = assert(lookup("echo"))
    local t0 = now()
    local r = call(echo, { text = "hello, microkernel" })
    log("reply %q from %s after %d ns", r.text, r.from, now() - t0)
  end,
}
