-- migrate_lrpc_crash.lua: the client is stopping for its migration, waiting
-- for its call in progress in calc's domain, when a crash hits:
-- --set crash=server kills calc (the call is revoked), crash=client kills
-- the client itself (the migration fails; the client was stopped from the
-- migration's start to its end, its downtime); --set restart=yes restarts
-- the crashed process.
local C = param("crash", "server")
machine { cpus = 2 }
node { "B", cpus = 2 }
link { "A", "B" }
local calc = process { "calc", daemon = true, main = function()
  lrpc.export("calc", { Slow = function(x) sleep("5ms"); return x * 2 end })
end }
local client = process { "client", start = "1ms", main = function()
  local b = assert(lrpc.bind("calc"))
  local r, e = b:call("Slow", 1)
  log("Slow: %s %s global %s node-info", tostring(r), tostring(e), tostring(b:info().global))
  r, e = b:call("Slow", 2)
  log("Slow again: %s %s", tostring(r), tostring(e))
end }
process { "ctl", start = "2ms", main = function()
  local r, e = migrate("client", "B")
  log("migrate: %s %s wait %s", tostring(r and r.to), tostring(e), tostring(r and r.lrpc_wait_ns))
end }
if param("restart", "no") == "yes" then
  fault { at = "3ms", crash = C == "server" and calc or client, restart_after = "1ms" }
else
  fault { at = "3ms", crash = C == "server" and calc or client }
end
