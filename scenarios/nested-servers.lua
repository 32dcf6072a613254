-- nested-servers.lua: a server that is also a client (C -> S1 -> S2 -> S3).
--
-- Four clients each make calls to "front" (S1), which asks "middle" (S2),
-- which asks "back" (S3). Every server does a little work of its own before
-- and after calling the next one. A server blocks while its call to the
-- next one is outstanding, so with one thread per server the chain serves
-- one request at a time, however idle S1's CPU is meanwhile:
--
--   ukern run scenarios/nested-servers.lua                     one thread per server
--   ukern run scenarios/nested-servers.lua --set arch=pool     four threads per server
--
-- Compare the clients' mean latency and the run's length (the log lines at
-- the end, and `rpc` in --stats json).
--
-- Recursion: with --set recurse=2, "front" calls itself twice before going
-- on. A single-threaded front then waits for a reply only it could give.
--
-- Recursion needs a free thread per level: a pool of 4 with 4 clients
-- calling at once runs out too (try --set workers=8).
--
-- A cycle: with --set deadlock=true, "back" calls "front" back to check a
-- permission (a quick method, Check). With one thread per server, front's
-- only thread is waiting for middle, middle for back, back for front: the
-- run ends with exit code 3 and the wait-for cycle, thread -> port ->
-- server -> ..., on stderr, in the stats' "deadlock" and in the viewer
-- (ukern run ... --trace t.uktrace; ukern view t.uktrace). A pool with a
-- free thread answers the callback (--set arch=pool --set workers=8).

local arch = param("arch", "single")
local workers = param("workers", 4)
local clients = param("clients", 4)
local calls = param("calls", 5)
local recurse = param("recurse", 0)
local cycle = param("deadlock", false)
assert(({ single = 1, ["thread-per-request"] = 1, pool = 1 })[arch],
       ("arch must be single, thread-per-request or pool, not %q"):format(arch))
assert(math.type(workers) == "integer" and workers >= 1 and workers <= 1024,
       ("workers must be a whole number from 1 to 1024, not %s"):format(workers))
assert(math.type(clients) == "integer" and clients >= 1 and clients <= 1000,
       ("clients must be a whole number from 1 to 1000, not %s"):format(clients))
assert(math.type(calls) == "integer" and calls >= 1,
       ("calls must be a whole number, at least 1, not %s"):format(calls))
assert(math.type(recurse) == "integer" and recurse >= 0,
       ("recurse must be a whole number, at least 0, not %s"):format(recurse))

machine { cpus = 2, costs = "modern" }

local served = { front = 0, middle = 0, back = 0 }

-- A server named name that works for `work`, then (if next is given) calls
-- next, then works again.
local function server(name, work, next)
  process {
    name = name,
    daemon = true,                      -- serves forever: does not keep the run alive
    main = function()
      local bound = {}                  -- bindings, made on first use (servers start together)
      local function to(service)
        bound[service] = bound[service] or assert(rpc.bind(service))
        return bound[service]
      end
      rpc.serve(name, {
        Work = function(depth, trail)
          served[name] = served[name] + 1
          compute(work)
          trail = trail .. " > " .. name
          if name == "front" and depth < recurse then
            trail = to("front"):call("Work", depth + 1, trail)
          elseif next == "front" then
            assert(to("front"):call("Check"))
            trail = trail .. " > front (Check)"
          elseif next then
            trail = to(next):call("Work", depth, trail)
          end
          compute(work)
          return trail
        end,
        Check = function()
          compute("50us")
          return true
        end,
      }, { arch = arch, workers = workers })
    end,
  }
end

server("front", "200us", "middle")
server("middle", "300us", "back")
server("back", "400us", cycle and "front" or nil)

local latency, done = 0, 0
for c = 1, clients do
  process {
    name = "client" .. c,
    start = "1ms",
    main = function()
      local front = assert(rpc.bind("front"))
      for i = 1, calls do
        local t0 = now()
        local trail = front:call("Work", 0, "client" .. c)
        latency = latency + (now() - t0)
        done = done + 1
        if c == 1 and i == 1 then log("path of a call: %s", trail) end
      end
      if done == clients * calls then
        log("%d calls with arch=%s: mean latency %.2f ms, all done at %.2f ms", done, arch,
          latency / done / 1e6, now() / 1e6)
        log("requests served: front %d, middle %d, back %d", served.front, served.middle,
          served.back)
      end
    end,
  }
end
