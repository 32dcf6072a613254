-- lrpc.lua: lrpc.export, lrpc.bind and binding:call as scenario-api.md
-- section 18 says: what travels on an A-stack, what a procedure may do,
-- the errors returned and raised.
machine { cpus = 1, costs = "zero" }

local kept
process { name = "calc", daemon = true, main = function()
  kept = mem.alloc(4096)
  mem.write(kept, "server's own")
  lrpc.export("calc", {
    Add = { function(a, b) return a + b end, args = 8, results = 4 },
    Echo = function(...) return ... end,
    Kept = { function(n) return mem.read(kept, n) end, args = 4, results = 16 },
    Fail = function() error("no funds") end,
    Send = function() send(lookup("calc"), {}) end,
    Table = function() return { 1 } end,
    Big = { function() return string.rep("r", 20) end, results = 8 },
    Where = function() return #mem.regions() end,
  })
end }

process { name = "msgsrv", daemon = true, main = function()
  rpc.serve("msgsrv", { Ping = function() return "pong" end })
end }

local function try(f, ...)
  local ok, err = pcall(f, ...)
  return ok and "ok" or err
end

local shared
process { name = "client", start = "1ms", main = function()
  local b = assert(lrpc.bind("calc"))
  shared = b
  log("binding: %s", tostring(b))
  log("Add: %d", b:call("Add", 40, 2))
  log("Echo: %s %s %s %s %s", b:call("Echo", 1.5, true, nil, "s", 2 ^ 40))
  log("Kept: %s", b:call("Kept", 12))
  log("Fail: %s, %s", b:call("Fail"))
  log("Send: %s, %s", b:call("Send"))
  log("Table: %s, %s", b:call("Table"))
  log("Big: %s, %s", b:call("Big"))
  log("regions: in the server %d, here %d", b:call("Where"), #mem.regions())
  local info = b:info()
  log("info: %s %d bytes, %d A-stacks, %s", info.name, info.len, info.astacks,
      table.concat(info.procedures, ","))
  log("unknown procedure: %s", try(function() return b:call("Mul", 1) end))
  log("too big: %s", try(function() return b:call("Add", 1, 2, 3) end))
  log("a table: %s", try(function() return b:call("Echo", {}) end))
  log("bind unknown: %s, %s", lrpc.bind("nobody"))
  log("lrpc.bind of a message server: %s, %s", lrpc.bind("msgsrv"))
  log("rpc.bind of an interface: %s, %s", rpc.bind("calc"))
  log("call() on its port: %s", call(lookup("calc"), { x = 1 }).error)
  log("bind a number: %s", try(lrpc.bind, 42))
  log("bind option: %s", try(lrpc.bind, "calc", { timeout = 1 }))
end }

process { name = "thief", start = "2ms", main = function()
  log("another process's binding: %s, %s", shared:call("Add", 1, 2))
end }

process { name = "m1", start = "3ms", threads = "many-to-one", main = function()
  log("many-to-one: %s", try(lrpc.bind, "calc"))
end }

process { name = "exporter", start = "4ms", main = function()
  log("no procedures: %s", try(lrpc.export, "e1", {}))
  log("not a function: %s", try(lrpc.export, "e2", { P = 5 }))
  log("bad size: %s", try(lrpc.export, "e3", { P = { function() end, args = -1 } }))
  log("bad field: %s", try(lrpc.export, "e4", { P = { function() end, arg = 4 } }))
  log("bad option: %s", try(lrpc.export, "e5", { P = function() end }, { stacks = 2 }))
  log("astacks 0: %s", try(lrpc.export, "e6", { P = function() end }, { astacks = 0 }))
  log("name taken: %s, %s", lrpc.export("calc", { P = function() end }))
end }
