-- remote-objects.lua: remote object references (the RMI lesson). A bank
-- server exports one object per account; clients get references to them,
-- call through them, and hand them on.
--
-- A reference travels in a message as a capability: a send right to the
-- object's own port, plus the object's id (and its class and method names,
-- so that the receiver can call it at once). A plain table travels by copy.
-- What the log shows, in order:
--   1. by value: the bank's "audit" changes its copy of a table; the
--      client's table is unchanged;
--   2. several objects behind one server: Ann's and Bob's accounts;
--   3. by reference: Ann hands her account to Carol in a plain message;
--      Carol deposits through it, and Ann sees the new balance;
--   4. the object id is not the capability: a reference whose id is changed
--      to Bob's is refused - the right names Ann's account only;
--   5. the bank crashes: every call on a reference to its objects fails
--      with "dead port" (the objects lived in its memory), even though a new
--      incarnation registers the name "bank" again.
--
--   ukern run scenarios/remote-objects.lua
--   ukern run scenarios/remote-objects.lua --set crash=false   no crash
--   ukern run scenarios/remote-objects.lua --trace ro.trace
--   ukern export ro.trace --format text | grep obj_          the objects' records
--
-- Across machines (--set nodes=true): the bank runs on node B, Carol on
-- node C, Ann on A, each two joined by a LAN (1 ms, 100 Mbps). The same
-- steps give the same results; each call now takes a round trip over a
-- link, and Carol calls the bank's object on B straight from C:
--
--   ukern run scenarios/remote-objects.lua --set nodes=true
--
-- doc/tutorial/remote-objects.md is the lesson.

local crash = param("crash", true)
local nodes = param("nodes", false)

machine { cpus = 1, costs = "modern" }

-- Where the processes run: all on the machine, or (--set nodes=true) the
-- bank on node B, Carol on node C, Ann on A, every two joined by a LAN.
local where = { bank = "A", carol = "A", ann = "A" }
local crash_at, ann_start, pause = "30ms", "1ms", "40ms"
if nodes then
  node { "B" }
  node { "C" }
  link { "A", "B", profile = "lan" }
  link { "A", "C", profile = "lan" }
  link { "B", "C", profile = "lan" }
  where = { bank = "B", carol = "C", ann = "A" }
  -- every call now crosses a link: the same steps take milliseconds
  crash_at, ann_start, pause = "60ms", "5ms", "40ms"
end

-- An account: its state stays in the bank's memory; a reference reaches it.
local Account = rpc.class("Account", {
  deposit = function(self, n) self.balance = self.balance + n; return self.balance end,
  withdraw = function(self, n)
    if n > self.balance then error("insufficient funds") end
    self.balance = self.balance - n
    return self.balance
  end,
  balance = function(self) return self.balance end,
  owner = function(self) return self.owner end,
})

process { name = "bank", node = where.bank, daemon = true, main = function()
  rpc.serve("bank", {
    open = function(owner) return rpc.object(Account, { owner = owner, balance = 0 }) end,
    -- by value: the handler changes its own copy of the table
    audit = function(t)
      t.audited = true
      t.total = (t.total or 0) + 1000
      return t.total
    end,
  })
end }

if crash then
  fault { at = crash_at, crash = "bank", restart_after = "5ms" }
end

process { name = "carol", node = where.carol, daemon = true, main = function()
  local p = port()
  register("carol", p)
  while true do
    local m = recv(p)
    local acct = m.acct
    local t0 = now()
    local owner, b = acct:call("owner"), acct:call("deposit", 50)
    log("carol got %s, owner %s: deposits 50 -> %s (two calls through it: %d ns)",
        tostring(acct), owner, tostring(b), now() - t0)
    reply(m, { done = true })
  end
end }

process { name = "ann", node = where.ann, start = ann_start, main = function()
  local bank = assert(rpc.bind("bank"))

  -- 1. by value
  local t = { total = 5 }
  local t0 = now()
  local r = bank:call("audit", t)
  log("by value: the bank's copy says %d; mine still has total %d, audited %s (%d ns)",
      r, t.total, tostring(t.audited), now() - t0)

  -- 2. several objects behind one server
  local mine = bank:call("open", "ann")
  local bobs = bank:call("open", "bob")
  log("two objects: %s and %s", tostring(mine), tostring(bobs))
  t0 = now()
  local b = mine:call("deposit", 100)
  log("ann deposits 100 -> %d (a call through a reference: %d ns)", b, now() - t0)
  bobs:call("deposit", 7)
  log("bob's account: %d; ann's: %d", bobs:call("balance"), mine:call("balance"))

  -- 3. by reference, to a third process, in a plain message
  call(assert(lookup("carol")), { acct = mine })
  log("by reference: after carol's deposit ann's balance is %d", mine:call("balance"))
  log("a refused withdrawal: %s", select(2, mine:call("withdraw", 1000)))

  -- 4. the id alone names nothing
  local forged = setmetatable({}, { __index = mine })
  forged.id = bobs.id
  log("a reference to ann's account with bob's id: %s", select(2, forged:call("balance")))

  -- 5. the server dies (or, with crash=false, does not)
  sleep(pause)
  local ok, why = mine:call("balance")
  if not crash then
    log("no crash: ann's account still answers %s", tostring(ok))
    return
  end
  log("after the crash: ann's account: %s, %s", tostring(ok), tostring(why))
  local again = assert(rpc.bind("bank"))
  local fresh = again:call("open", "ann")
  log("the new bank opens %s with balance %d: the old objects are gone", tostring(fresh),
      fresh:call("balance"))
end }
