-- rpc-semantics.lua: what a lossy network does to a remote procedure call,
-- under each call semantics.
--
-- A client deposits 10 into a bank account twenty times through RPC. The
-- network loses some messages (requests and replies alike) and duplicates
-- others. Deposit is not idempotent: executing one request twice credits
-- the account twice. Compare the balance the server ends with (200 if every
-- deposit ran exactly once) and the stats' executions per call:
--
--   ukern run scenarios/rpc-semantics.lua --set semantics=maybe
--       some deposits are lost: the balance is short, calls fail
--   ukern run scenarios/rpc-semantics.lua --set semantics=at-least-once
--       retransmission gets every call through, but a request whose reply
--       was lost runs again: the balance is too high
--   ukern run scenarios/rpc-semantics.lua --set semantics=at-most-once
--       the server answers duplicates from its reply history: executions
--       equal calls, the balance is right
--   ukern run scenarios/rpc-semantics.lua --set protocol=RRA
--       the client acknowledges each reply, so the server forgets it early
--
-- Try other losses (--set drop=0.5) and seeds (--seed 7): the network's
-- draws are seeded, so a run is reproducible to the message.

local semantics = param("semantics", "at-most-once")
local protocol = param("protocol", "RR")
local drop = param("drop", 0.25)
local duplicate = param("duplicate", 0.1)
local deposits = param("deposits", 20)
assert(({ maybe = 1, ["at-least-once"] = 1, ["at-most-once"] = 1 })[semantics],
       ("semantics must be maybe, at-least-once or at-most-once, not %q"):format(semantics))
assert(({ R = 1, RR = 1, RRA = 1 })[protocol], ("protocol must be R, RR or RRA, not %q"):format(protocol))
assert(drop >= 0 and drop <= 1, ("drop must be a probability from 0 to 1, not %s"):format(drop))
assert(duplicate >= 0 and duplicate <= 1, ("duplicate must be a probability from 0 to 1, not %s"):format(duplicate))
assert(math.type(deposits) == "integer" and deposits >= 1,
       ("deposits must be a whole number, at least 1, not %s"):format(deposits))

machine { cpus = 1, costs = "modern" }

-- the network around the bank's port: requests to it, replies from it
fault { name = "bank", drop = drop, duplicate = duplicate }

local balance = 0

process {
  name = "bank",
  daemon = true,
  main = function()
    rpc.serve("bank", {
      Deposit = function(amount)
        compute("200us")
        balance = balance + amount
        return balance
      end,
      Balance = function() return balance end,
    }, { semantics = semantics, protocol = protocol })
  end,
}

process {
  name = "client",
  start = "1ms",
  main = function()
    local bank = assert(rpc.bind("bank", { timeout = "2ms", retries = 8 }))
    local ok, failed = 0, 0
    for _ = 1, deposits do
      local r, why = bank:call("Deposit", 10)
      if r then ok = ok + 1 else failed = failed + 1; log("a deposit failed: %s", why) end
    end
    log("%s over %s: %d deposits of 10 acknowledged, %d failed; the bank holds %d (exactly once: %d)",
        semantics, protocol, ok, failed, balance, 10 * ok)
  end,
}
