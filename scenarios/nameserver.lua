-- nameserver.lua: how a client finds a server (and finds it again).
--
-- A client cannot send to a server it has no port for. Two ways to get one:
-- a well-known port every process is given at creation (the name server's
-- own port is one), or a name server: the server registers its port under a
-- service name, the client looks the name up and gets a send right.
--
--   ukern run scenarios/nameserver.lua
--
-- The log tells the story:
--   1. "echo" registers its port; the client looks it up and calls it;
--   2. an impostor tries to take the name over and to remove it: "not owner";
--   3. a lookup of a name nobody registered: nil, "unknown name";
--   4. echo ends after a few requests. Its port dies, the kernel sends the
--      name server a dead-name notice, and the name disappears: the client's
--      old right now gives "dead port", a lookup "unknown name";
--   5. a new echo (another process, another port) registers the same name;
--      the client looks it up again and goes on.
-- Watch it: ukern run scenarios/nameserver.lua --trace ns.uktrace; ukern view ns.uktrace
-- (the kernel's notice is on the lane "kernel").

local requests = param("requests", 3)
assert(math.type(requests) == "integer" and requests >= 1 and requests <= 50,
       ("requests must be a whole number (echo-v1 must be gone when echo-v2 starts, at 10 ms) from 1 to 50, not %s"):format(requests))

machine { cpus = 1, costs = "modern" }

-- An echo server: register, answer `requests` calls, exit (its port dies).
local function echo(name, start)
  process {
    name = name,
    start = start,
    main = function()
      local p = port()
      assert(register("echo", p))
      log("registered 'echo'; names now: %s", table.concat(names(), ", "))
      for _ = 1, requests do
        local m = recv(p)
        compute("100us")
        reply(m, { text = m.text, by = name })
      end
      log("served %d requests; exiting", requests)
    end,
  }
end

echo("echo-v1", 0)
echo("echo-v2", "10ms")

process {
  name = "impostor",
  start = "1ms",
  main = function()
    local mine = port()
    log("register 'echo' -> %s %s", register("echo", mine))
    log("unregister 'echo' -> %s %s", unregister("echo"))
  end,
}

process {
  name = "client",
  start = "2ms",
  main = function()
    local s = assert(lookup("echo"))
    for i = 1, requests do
      local r = assert(call(s, { text = "hello " .. i }))
      log("call %d answered by %s", i, r.by)
    end
    log("lookup 'no-such-service' -> %s %s", lookup("no-such-service"))
    sleep("1ms")                          -- echo-v1 has exited by now
    log("the old right: call -> %s %s", call(s, { text = "anyone?" }))
    log("lookup 'echo' -> %s %s", lookup("echo"))
    sleep("10ms")                         -- echo-v2 has registered by now
    s = assert(lookup("echo"))
    for i = 1, requests do
      local r = assert(call(s, { text = "again " .. i }))
      log("call %d answered by %s", i, r.by)
    end
  end,
}
