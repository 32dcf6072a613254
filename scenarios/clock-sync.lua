-- clock-sync.lua: Cristian's algorithm and Berkeley's, side by side, on the
-- same drifting clocks.
--
-- Two groups of four processes have the same clocks: the first starts
-- 3 ms ahead and runs 20 ppm slow, the second 2 ms behind and 100 ppm
-- fast, the third 1 ms ahead and 40 ppm fast, the fourth was set badly:
-- 30 ms ahead.
--   - The "c" group uses Cristian's algorithm: every period each asks the
--     time server, whose clock is accurate (no drift, no offset), and sets
--     its clock to the server's time (clock.sync).
--   - The "b" group uses Berkeley's: the master "timed" (a perfect clock
--     too) polls the clocks of the processes that joined (clock.join) and
--     its own, averages the offsets within `outlier` of their median, and
--     sends each clock the adjustment that brings it to the average
--     (clock.berkeley). b1 computes all the time: its clock daemon, a
--     service thread of its own, answers the polls anyway.
-- After each period an observer (which can read every clock; a real
-- process cannot) logs for each group how far apart its clocks are (the
-- spread) and how far the farthest is from true time.
--
--   ukern run scenarios/clock-sync.lua
--   ukern run scenarios/clock-sync.lua --set outlier=50ms     the bad clock is averaged in
--   ukern run scenarios/clock-sync.lua --set outlier=0        the median clock alone
--   ukern run scenarios/clock-sync.lua --set period=100ms     at least 4ms (240ms across
--                                                             nodes): the observer looks
--                                                             2 ms after each round's start
--   ukern run scenarios/clock-sync.lua --stats json           "clocks": each b clock's
--                                                             error after every round
--
-- Across a network (--set net=lan, or net=wireless-lan, or any link
-- profile of doc/scenario-api.md section 18d): each of the four clocks is
-- a node's (node { clock_offset, drift }), nodes N1 to N4, and c<i> and
-- b<i> run on node N<i>; the time server, the master and the observer stay
-- on A (a perfect clock), one link of that profile away from each node
-- (lossless: the name server on A is reached through them, and its calls
-- are not retried). Each Cristian client logs its last sync's round trip,
-- the bound it computed (half the round trip) and its true error; the
-- observer looks 120 ms after each round's start, when the rounds over a
-- wireless LAN are over too.
--
--   ukern run scenarios/clock-sync.lua --set net=lan
--   ukern run scenarios/clock-sync.lua --set net=wireless-lan
--
-- doc/tutorial/clock-sync.md is the lesson.

-- Is the string d a duration the scenario API takes: "250ns", "5us", "10ms", "2s", or ms; whole ns, under 2^64?
local function is_duration(d, name)   -- (2^64 ns or more, also as a number of ms such as 1e30: an error, "NAME = D is too large")
  local i, f, unit = d:match("^(%d*)%.?(%d*)(%a*)$")
  local digits = ({ [""] = 6, ns = 0, us = 3, ms = 6, s = 9 })[unit or 0]   -- of a fraction, down to 1 ns
  local ns = digits and i .. f ~= "" and tonumber("0" .. i .. "." .. f .. "0") * 10 ^ digits or (tonumber(d) or -1) * 1e6
  return ns < 2^64 and digits ~= nil and i .. f ~= "" and #f:gsub("0+$", "") <= digits or ns >= 2^64 and error(("%s = %q is too large: a duration must be under 2^64 ns (about 584 years)"):format(name, d), 2) end

local rounds = param("rounds", 5)
local period = param("period", "500ms")
local outlier = param("outlier", "5ms")
local net = param("net", "none")       -- "none": one machine; a link profile: four nodes
local timeout = param("timeout", "")   -- Berkeley's polls; "": 1 s across nodes, else 10 ms
assert(math.type(rounds) == "integer" and rounds >= 0,
       ("rounds must be a whole number, at least 0, not %s"):format(rounds))
assert(is_duration(period, "period"),
       ('period must be a duration: a number of ms, or "250ns", "5us", "10ms", "2s", not %q'):format(period))
assert(tostring(period):match("[1-9]"), ("period must be more than 0, not %q"):format(period))
assert(is_duration(outlier, "outlier"),
       ('outlier must be a duration: a number of ms, or "250ns", "5us", "10ms", "2s", not %q'):format(outlier))
assert(timeout == "" or is_duration(timeout, "timeout"),
       ('timeout must be "" (the default) or a duration: a number of ms, or "250ns", "5us", "10ms", "2s", not %q'):format(timeout))
-- The ns of a duration is_duration accepts, as a float (exact below 2^53).
local function ns_of(d)
  local i, f, unit = d:match("^(%d*)%.?(%d*)(%a*)$")
  local digits = ({ [""] = 6, ns = 0, us = 3, ms = 6, s = 9 })[unit]
  f = (f .. string.rep("0", digits)):sub(1, digits)
  return (tonumber("0" .. i) * 10.0 ^ digits) + tonumber("0" .. f)
end
local net_ok = { none = 1, lan = 1, man = 1, wan = 1, ["wireless-lan"] = 1, ["wireless-wan"] = 1, internet = 1 }
assert(net_ok[net],
       ("net must be none, lan, man, wan, wireless-lan, wireless-wan or internet, not %q"):format(net))
local nodes = net ~= "none"
-- The observer looks 2 ms (120 ms across nodes) after each round's start,
-- which must come well before the next round; the clocks join at 1 ms
-- (plus a round trip or two across nodes). A shorter period has rounds
-- before any clock joined, and observations after the next round.
local look = nodes and 120 or 2
assert(ns_of(period) >= 2 * look * 1e6,
       ("period must be at least %dms %s, not %q: the observer looks %d ms after each "
        .. "round's start, well before the next"):format(2 * look, nodes and "across nodes"
        or "on one machine", period, look))
-- The b processes last as long as the rounds (capped at 2^62 ns).
local busy = ("%.0fns"):format(math.min((rounds + 1) * ns_of(period), 2.0 ^ 62))

machine { cpus = 2, costs = "modern" }
server { "time" }

local clocks = {
  { offset = "+3ms", drift = "-20ppm" },
  { offset = "-2ms", drift = "+100ppm" },
  { offset = "+1ms", drift = "+40ppm" },
  { offset = "+30ms", drift = "0" },
}

-- Where clock i is: a process's own clock on the machine, or node N<i>'s.
local function placed(i, decl)
  local c = clocks[i]
  if nodes then
    decl.node = "N" .. i
  else
    decl.offset, decl.drift = c.offset, c.drift
  end
  return decl
end
if nodes then
  for i, c in ipairs(clocks) do
    node { "N" .. i, cpus = 2, clock_offset = c.offset, drift = c.drift }
    link { "A", "N" .. i, profile = net, loss = 0 }
  end
end

local function us(ns)
  return string.format("%.1fus", ns / 1000)
end

-- Cristian: each client syncs with the time server every period.
for i in ipairs(clocks) do
  process(placed(i, { name = "c" .. i, start = "1ms", main = function()
    local _, bound, rtt
    local t0, every = now(), nil
    for k = 1, rounds do
      if nodes and every then
        sleep(t0 + k * every - now() .. "ns")   -- a sync takes round trips: keep to the grid
      else
        sleep(period)
        every = every or now() - t0
      end
      _, bound, rtt = assert(clock.sync { probes = 4 })
    end
    if nodes then
      log("last sync: best round trip %s, bound %s (half of it), true error %s",
          us(rtt), us(bound), us(clock.now() - now()))
    end
  end }))
end

-- Berkeley: a master, and participants that join it.
process { name = "timed", daemon = true, main = function()
  -- across a network a poll takes a round trip: wait longer than one
  clock.berkeley { every = period, outlier = outlier, rounds = rounds,
                   timeout = timeout ~= "" and timeout or nodes and "1s" or nil }
end }
for i in ipairs(clocks) do
  process(placed(i, { name = "b" .. i, start = "1ms", main = function()
    assert(clock.join())
    if i == 1 then
      compute(busy)   -- busy: only the clock daemon answers polls
    else
      sleep(busy)
    end
  end }))
end

-- The observer's view of a group after each period.
local function view(prefix, extra)
  local lo, hi, worst = math.huge, -math.huge, 0
  local names = {}
  for i = 1, #clocks do names[i] = prefix .. i end
  if extra then names[#names + 1] = extra end
  for _, n in ipairs(names) do
    local e = clock.now(n) - now()
    lo, hi = math.min(lo, e), math.max(hi, e)
    if math.abs(e) > math.abs(worst) then worst = e end
  end
  return hi - lo, worst, (lo + hi) // 2
end

process { name = "observer", main = function()
  sleep(look .. "ms")
  for r = 0, rounds do
    local cs, cw = view("c")
    local bs, bw, bm = view("b", "timed")
    log("after %d: cristian spread %s, worst error %s | berkeley spread %s, worst error %s, "
        .. "middle %s", r, us(cs), us(cw), us(bs), us(bw), us(bm))
    sleep(period)
  end
end }
