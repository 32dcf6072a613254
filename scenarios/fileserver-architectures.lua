-- fileserver-architectures.lua: one load, four ways to structure a file
-- server. Each server has its own disk (an access takes 5 ms) and spends
-- 1 ms of CPU on every request; its clients fetch files over and over:
-- open (answered from memory), read 4 KiB (the disk), close (memory), then
-- think for a while. The four servers, side by side on one machine:
--
--   single              one thread: while it waits for the disk, nobody
--                       else is served, not even an open
--   thread-per-request  a new thread for every request
--   pool                a fixed pool of `workers` threads
--   event-driven        one thread that never waits: it hands the read to
--                       the disk, asks the kernel for a notice when the
--                       disk is done, and serves the next request meanwhile
--
-- Every client of every server thinks the same times (drawn once from the
-- seed), so the four get exactly the same work. Each server's line comes
-- when its last client is done: throughput, and the latency of opens (no
-- disk) and reads (disk). The "servers" part of --stats json has what each
-- server counted (requests, threads started, disk busy time, most requests
-- in service at once).
--
--   ukern run scenarios/fileserver-architectures.lua
--   ukern run scenarios/fileserver-architectures.lua --set service=4ms --set arch=pool
--       (one structure alone: CPU-bound, the pool uses several CPUs, the
--       event-driven thread only one)
--   ukern sweep scenarios/fileserver-architectures.lua \
--       --set arch=single,thread-per-request,pool,event-driven --seeds 1-4
--
-- doc/tutorial/fileserver-architectures.md is the lesson.

-- Is the string d a duration the scenario API takes: "250ns", "5us", "10ms", "2s", or ms; whole ns, under 2^64?
local function is_duration(d, name)   -- (2^64 ns or more, also as a number of ms such as 1e30: an error, "NAME = D is too large")
  local i, f, unit = d:match("^(%d*)%.?(%d*)(%a*)$")
  local digits = ({ [""] = 6, ns = 0, us = 3, ms = 6, s = 9 })[unit or 0]   -- of a fraction, down to 1 ns
  local ns = digits and i .. f ~= "" and tonumber("0" .. i .. "." .. f .. "0") * 10 ^ digits or (tonumber(d) or -1) * 1e6
  return ns < 2^64 and digits ~= nil and i .. f ~= "" and #f:gsub("0+$", "") <= digits or ns >= 2^64 and error(("%s = %q is too large: a duration must be under 2^64 ns (about 584 years)"):format(name, d), 2) end

local arch = param("arch", "all")          -- "all", or one structure alone
local clients = param("clients", 6)        -- per server
local rounds = param("rounds", 10)         -- fetches per client
local service = param("service", "1ms")    -- CPU per request
local access = param("disk", "5ms")        -- one disk access
local think = param("think", 10)           -- mean think time, ms (exponential)
local workers = param("workers", 4)        -- pool only
assert(math.type(clients) == "integer" and clients >= 1 and clients <= 1000,
       ("clients must be a whole number from 1 to 1000, not %s"):format(clients))
assert(math.type(rounds) == "integer" and rounds >= 1,
       ("rounds must be a whole number, at least 1, not %s"):format(rounds))
assert(is_duration(service, "service"),
       ('service must be a duration: a number of ms, or "250ns", "5us", "10ms", "2s", not %q'):format(service))
assert(is_duration(access, "disk"),
       ('disk must be a duration: a number of ms, or "250ns", "5us", "10ms", "2s", not %q'):format(access))
assert(think >= 0 and think <= 1000000,   -- the draws, up to about 37 times it, stay durations
       ("think must be a number of ms from 0 to 1000000, not %s"):format(think))
assert(math.type(workers) == "integer" and workers >= 1 and workers <= 1024,
       ("workers must be a whole number from 1 to 1024, not %s"):format(workers))

local ARCHS = { "single", "thread-per-request", "pool", "event-driven" }
local chosen = {}
for _, a in ipairs(ARCHS) do
  if arch == "all" or arch == a then chosen[#chosen + 1] = a end
end
if #chosen == 0 then
  error(string.format("arch = %q: expected \"all\", %s", arch, table.concat(ARCHS, ", ")))
end

machine { cpus = 8, costs = "modern" }

local FILES, SIZE = 8, 4096
local files = {}
for i = 1, FILES do files["/data/f" .. i] = string.rep(string.char(96 + i), SIZE) end

-- Think times, in ns, the same for client c of every server.
local thinks = {}
for c = 1, clients do
  thinks[c] = {}
  for k = 1, rounds do
    thinks[c][k] = math.floor(-think * 1e6 * math.log(1 - math.random()))
  end
end

local function mean(v)
  local s = 0
  for _, x in ipairs(v) do s = s + x end
  return #v > 0 and s / #v or 0
end

local function max(v)
  local m = 0
  for _, x in ipairs(v) do if x > m then m = x end end
  return m
end

local function ms(ns) return ns / 1e6 end

for _, a in ipairs(chosen) do
  server { "file", name = a, arch = a, workers = a == "pool" and workers or nil,
           service = service, disk = { access = access, bandwidth = "100MB/s" }, files = files }

  local g = { left = clients, start = nil, open = {}, read = {}, fetch = {} }
  for c = 1, clients do
    process { name = a .. "-" .. c, start = "1ms", main = function()
      local f = assert(fs.bind(a))
      g.start = g.start or now()
      for k = 1, rounds do
        sleep(thinks[c][k] .. "ns")
        local path = "/data/f" .. ((c + k) % FILES + 1)
        local t0 = now()
        local fd = assert(f:open(path))
        local t1 = now()
        local data = assert(f:read(fd, SIZE))
        local t2 = now()
        assert(f:close(fd))
        assert(#data == SIZE)
        g.open[#g.open + 1] = t1 - t0
        g.read[#g.read + 1] = t2 - t1
        g.fetch[#g.fetch + 1] = now() - t0
      end
      g.left = g.left - 1
      if g.left == 0 then
        local span = now() - g.start
        log("%-18s %3d fetches in %6.1f ms = %5.1f/s | fetch mean %5.1f ms, max %5.1f | " ..
            "open mean %5.2f ms | read mean %5.2f ms",
            a, #g.fetch, ms(span), #g.fetch / (span / 1e9), ms(mean(g.fetch)), ms(max(g.fetch)),
            ms(mean(g.open)), ms(mean(g.read)))
      end
    end }
  end
end
