-- Naming over a lossy link: the name server is on A, the processes on B,
-- and the link loses about a packet in seven. register, lookup and unregister are
-- sent again when their answer does not come (doc/scenario-api.md 18d), so
-- every one succeeds; the time server on B registers the same way.
machine { cpus = 1 }
node { "B", cpus = 1 }
link { "A", "B", profile = "lan", loss = 0.15 }
server { "time", node = "B" }

process { "srv", node = "B", main = function()
  for i = 1, 10 do
    local ok, e = register("svc" .. i, port())
    if not ok then log("register svc%d: %s", i, e) end
  end
  log("registered 10")
  local ok, e = unregister("svc1")
  log("unregister: %s %s", tostring(ok), tostring(e))
  sleep("1s")
end }

process { "cli", node = "B", main = function()
  sleep("500ms")
  local found = 0
  for i = 2, 10 do
    local p, e = lookup("svc" .. i)
    if p then found = found + 1 else log("lookup svc%d: %s", i, e) end
  end
  log("found %d of 9; svc1: %s", found, tostring(select(2, lookup("svc1"))))
  log("time server: %s", tostring(lookup("time") ~= nil))
end }
