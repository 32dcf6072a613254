-- reincarnation.lua: a service that keeps crashing, a supervisor that keeps
-- restarting it, and clients that keep working through it.
--
-- The "quote" service crashes every 30 ms from 20 ms on. Each time, the
-- reincarnation server "rs" (after MINIX 3's RS) is told, and restarts it as
-- a new process - quote#2, quote#3 ... with a new pid and a new port, which
-- registers "quote" again - at its first check at least restart_after after
-- the crash. Each crash of the same service doubles that delay (exponential
-- backoff), so a service that keeps failing is restarted less and less
-- eagerly; a crash that comes while it is still down finds nothing to crash.
--
-- Three clients call the service through at-least-once RPC bindings. A call
-- on the dead port fails with "dead port"; the binding looks the name up
-- again and retries, so the clients see slow calls, not failed ones:
--
--   ukern run scenarios/reincarnation.lua
--       the rs lines show the backoff: 5, 10, 20, 40 ms
--   ukern run scenarios/reincarnation.lua --set semantics=maybe
--       no retries: the calls made while the service is down fail
--   ukern run scenarios/reincarnation.lua --set restart_after=1ms --set check=1ms
--       a more eager supervisor: shorter outages, fewer slow calls
--
-- What a crash loses: the count each incarnation keeps in its main function
-- (the quote it gives is 100 + that count) starts again from 0, as the slow
-- calls' answers show; what survives is what lives outside the process -
-- here, the clients' own counts.

-- Is the string d a duration the scenario API takes: "250ns", "5us", "10ms", "2s", or ms; whole ns, under 2^64?
local function is_duration(d, name)   -- (2^64 ns or more, also as a number of ms such as 1e30: an error, "NAME = D is too large")
  local i, f, unit = d:match("^(%d*)%.?(%d*)(%a*)$")
  local digits = ({ [""] = 6, ns = 0, us = 3, ms = 6, s = 9 })[unit or 0]   -- of a fraction, down to 1 ns
  local ns = digits and i .. f ~= "" and tonumber("0" .. i .. "." .. f .. "0") * 10 ^ digits or (tonumber(d) or -1) * 1e6
  return ns < 2^64 and digits ~= nil and i .. f ~= "" and #f:gsub("0+$", "") <= digits or ns >= 2^64 and error(("%s = %q is too large: a duration must be under 2^64 ns (about 584 years)"):format(name, d), 2) end

local semantics = param("semantics", "at-least-once")
local restart_after = param("restart_after", "5ms")
local check = param("check", "2ms")
local calls = param("calls", 50)
assert(({ ["at-least-once"] = 1, ["at-most-once"] = 1, maybe = 1 })[semantics],
       ("semantics must be at-least-once, at-most-once or maybe, not %q"):format(semantics))
assert(is_duration(restart_after, "restart_after"),
       ('restart_after must be a duration: a number of ms, or "250ns", "5us", "10ms", "2s", not %q'):format(restart_after))
assert(is_duration(check, "check"),
       ('check must be a duration: a number of ms, or "250ns", "5us", "10ms", "2s", not %q'):format(check))
assert(math.type(calls) == "integer" and calls >= 1,
       ("calls must be a whole number, at least 1, not %s"):format(calls))

machine { cpus = 1, costs = "modern" }

fault { at = "20ms", every = "30ms", count = 5, crash = "quote",
        restart_after = restart_after, check = check }

process {
  name = "quote",
  daemon = true,
  main = function()
    local served = 0            -- this incarnation's memory: lost at a crash
    log("serving")
    rpc.serve("quote", {
      Get = function(symbol)
        compute("300us")
        served = served + 1
        return symbol .. ":" .. (100 + served)
      end,
    })
  end,
}

for i = 1, 3 do
  process {
    name = "client" .. i,
    start = (i * 700) .. "us",
    main = function()
      local q = assert(rpc.bind("quote", { semantics = semantics, timeout = "2ms", retries = 40 }))
      local ok, failed, slowest, down = 0, 0, 0, false
      for _ = 1, calls do
        local t0 = now()
        local r, why = q:call("Get", "UKRN")
        local took = now() - t0
        if took > slowest then slowest = took end
        if r then
          ok = ok + 1
          if down then log("calls are answered again: %s", r) end
          if took > 2000000 then log("a call took %.1f ms: %s", took / 1e6, r) end
          down = false
        else
          failed = failed + 1
          if not down then log("calls fail: %s", why) end
          down = true
        end
        sleep("3ms")
      end
      log("%d calls: %d answered, %d failed; the slowest took %.1f ms", calls, ok, failed,
          slowest / 1e6)
    end,
  }
end
