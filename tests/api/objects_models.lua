-- objects_models.lua - an object a client passes to a server, which calls
-- it back while the client waits for its reply (a callback): the object's
-- thread answers in a one-to-one and a many-to-many process; a many-to-one
-- process cannot export it (its one kernel thread would wait in the
-- object's receive), and says so at the script's line. A message carries
-- at most 16 rights: 16 references travel, 17 are refused.
local K = rpc.class("K", { get = function(self) return self.v end })
process { name = "s", daemon = true, main = function()
  rpc.serve("s", { take = function(r) return r:call("get") end,
                   count = function(t) return #t end })
end }
for _, m in ipairs { { "one-to-one" }, { "many-to-many", 2 }, { "many-to-one", 1 } } do
  process { name = m[1], threads = m[1], lwps = m[2], start = "1ms", main = function()
    local s = assert(rpc.bind("s"))
    local ok, r = pcall(s.call, s, "take", rpc.object(K, { v = m[1] }))
    log("callback: %s", tostring(r))
  end }
end
process { name = "many", start = "2ms", main = function()
  local s = assert(rpc.bind("s"))
  local refs = {}
  for i = 1, 17 do refs[i] = rpc.object(K, { v = i }) end
  log("16 references: %s", tostring(s:call("count", table.move(refs, 1, 16, 1, {}))))
  log("17 references: %s", select(2, pcall(s.call, s, "count", refs)))
end }
