-- cristian.lua: clients with drifting clocks synchronise with a time server
-- whose own clock drifts, by Cristian's algorithm.
--
-- The time server runs 50 ppm fast. Alice's clock starts 3 ms ahead and
-- runs 20 ppm slow; Bob's starts 2 ms behind and runs 100 ppm fast. Every
-- second each asks the server for the time (clock.sync): it reads its own
-- clock (T0), calls Time, reads its clock again (T1), and sets its clock to
-- the server's answer T plus half the round trip, T + (T1 - T0) / 2. The
-- server read T somewhere between the request's arrival and the reply's
-- departure, so the estimate is off by at most half the round trip (less
-- the least one-way delay, min, when it is known). A batch job shares the
-- one CPU with the server, so round trips vary: a request can wait a whole
-- quantum before the server runs.
--
-- Each round's log line shows the round trip, the error bound, the
-- correction applied, and the true error: how far the client's clock is
-- from the server's just before and just after (the simulator can read
-- every clock; a real client could not).
--
--   ukern run scenarios/cristian.lua                   one probe per sync
--   ukern run scenarios/cristian.lua --set probes=8    the best of eight
--   ukern run scenarios/cristian.lua --set load=false  an idle server
--   ukern run scenarios/cristian.lua --set load=false --set min=2us
--   ukern run scenarios/cristian.lua --set slew=true   adjtime() instead of a step
--   ukern run scenarios/cristian.lua --set drop=0.3    lost probes (50 ms timeout)
--
-- The "clocks" section of --stats json gives every clock's offset from
-- true time at the end and its last sync. doc/tutorial/cristian.md is the
-- lesson.

-- Is the string d a duration the scenario API takes: "250ns", "5us", "10ms", "2s", or ms; whole ns, under 2^64?
local function is_duration(d, name)   -- (2^64 ns or more, also as a number of ms such as 1e30: an error, "NAME = D is too large")
  local i, f, unit = d:match("^(%d*)%.?(%d*)(%a*)$")
  local digits = ({ [""] = 6, ns = 0, us = 3, ms = 6, s = 9 })[unit or 0]   -- of a fraction, down to 1 ns
  local ns = digits and i .. f ~= "" and tonumber("0" .. i .. "." .. f .. "0") * 10 ^ digits or (tonumber(d) or -1) * 1e6
  return ns < 2^64 and digits ~= nil and i .. f ~= "" and #f:gsub("0+$", "") <= digits or ns >= 2^64 and error(("%s = %q is too large: a duration must be under 2^64 ns (about 584 years)"):format(name, d), 2) end

local probes = param("probes", 1)
local min = param("min", "0")
local slew = param("slew", false)
local load = param("load", true)
local drop = param("drop", 0)
local rounds = param("rounds", 6)
local period = param("period", "1s")
assert(math.type(probes) == "integer" and probes >= 1 and probes <= 1000,
       ("probes must be a whole number from 1 to 1000, not %s"):format(probes))
assert(is_duration(min, "min"),
       ('min must be a duration: a number of ms, or "250ns", "5us", "10ms", "2s", not %q'):format(min))
assert(drop >= 0 and drop <= 1, ("drop must be a probability from 0 to 1, not %s"):format(drop))
assert(math.type(rounds) == "integer" and rounds >= 1,
       ("rounds must be a whole number, at least 1, not %s"):format(rounds))
assert(is_duration(period, "period"),
       ('period must be a duration: a number of ms, or "250ns", "5us", "10ms", "2s", not %q'):format(period))

machine { cpus = 1, quantum = "1ms", costs = "modern" }
server { "time", drift = "50us/s" }
if drop > 0 then
  fault { name = "time", drop = drop }
end

-- ns as microseconds for the log: signed (an offset) or not (a duration)
local function us(ns)
  return string.format("%+.1fus", ns / 1000)
end
local function dur(ns)
  return string.format("%.1fus", ns / 1000)
end

if load then
  process { "batch", daemon = true, main = function()
    while true do
      compute(math.random(500, 5000) .. "us")
      sleep(math.random(100, 1000) .. "us")
    end
  end }
end

local function client(name, drift, offset)
  process { name, drift = drift, offset = offset, start = "5ms", main = function()
    local held, worst, bound_sum, synced = 0, 0, 0, 0
    for round = 1, rounds do
      local before = clock.now() - clock.now("time")
      local r0 = clock.now()
      local off, err, rtt = clock.sync { probes = probes, min = min, slew = slew,
                                         timeout = drop > 0 and "50ms" or nil }
      if not off then
        log("round %d: sync failed: %s", round, err)
      else
        local after = clock.now() - clock.now("time")
        local note = ""
        if clock.now() < r0 then
          note = string.format("; the clock went back by %s", dur(r0 - clock.now()))
        end
        log("round %d: rtt %s, bound +-%s, correction %s | off the server by %s before, %s after%s",
            round, dur(rtt), dur(err), us(off), us(before), us(after), note)
        synced = synced + 1
        bound_sum = bound_sum + err
        if math.abs(after) > worst then worst = math.abs(after) end
        if slew or math.abs(after) <= err then held = held + 1 end
      end
      sleep(period)
    end
    if synced > 0 and not slew then
      log("%d syncs: mean bound +-%s; worst error after a sync %s; within the bound %d of %d",
          synced, dur(bound_sum // synced), dur(worst), held, synced)
    end
    log("finally off the server by %s", us(clock.now() - clock.now("time")))
  end }
end

client("alice", "-20ppm", "+3ms")
client("bob", "+100ppm", "-2ms")
