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
--   ukern run scenarios/clock-sync.lua --stats json           "clocks": each b clock's
--                                                             error after every round
--
-- Every process is declared with its placement in mind: adding node = "B"
-- to a process { } puts it on another machine; nothing else changes.
-- doc/tutorial/clock-sync.md is the lesson.

local rounds = param("rounds", 5)
local period = param("period", "500ms")
local outlier = param("outlier", "5ms")

machine { cpus = 2, costs = "modern" }
server { "time" }

local clocks = {
  { offset = "+3ms", drift = "-20ppm" },
  { offset = "-2ms", drift = "+100ppm" },
  { offset = "+1ms", drift = "+40ppm" },
  { offset = "+30ms", drift = "0" },
}

-- Cristian: each client syncs with the time server every period.
for i, c in ipairs(clocks) do
  process { name = "c" .. i, offset = c.offset, drift = c.drift, start = "1ms", main = function()
    for _ = 1, rounds do
      sleep(period)
      assert(clock.sync { probes = 4 })
    end
  end }
end

-- Berkeley: a master, and participants that join it.
process { name = "timed", daemon = true, main = function()
  clock.berkeley { every = period, outlier = outlier, rounds = rounds }
end }
for i, c in ipairs(clocks) do
  process { name = "b" .. i, offset = c.offset, drift = c.drift, start = "1ms", main = function()
    assert(clock.join())
    if i == 1 then
      compute((rounds + 1) * 500 .. "ms")   -- busy: only the clock daemon answers polls
    else
      sleep((rounds + 1) * 500 .. "ms")
    end
  end }
end

local function us(ns)
  return string.format("%.1fus", ns / 1000)
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
  sleep("2ms")
  for r = 0, rounds do
    local cs, cw = view("c")
    local bs, bw, bm = view("b", "timed")
    log("after %d: cristian spread %s, worst error %s | berkeley spread %s, worst error %s, "
        .. "middle %s", r, us(cs), us(cw), us(bs), us(bw), us(bm))
    sleep(period)
  end
end }
