-- migration.lua: the same process moved to another node by each strategy,
-- side by side: how long it could not run (downtime), how long the move
-- took (total), what crossed the link (bytes), and what it cost the
-- program afterwards; then weak mobility against strong.
--
-- Node A runs four copies of one worker. Each has a heap of `pages` pages
-- that it fills, then runs `iterations` steps of 1 ms of computing, each
-- writing its step counter into its first `hot` pages. At `at` a
-- controller moves each copy to a node of its own (B, C, D, E, each a
-- link of its own from A, so that the moves do not share bandwidth):
--
--   worker.sc  stop-and-copy, strong   -> B
--   worker.pc  pre-copy, strong        -> C
--   worker.od  on-demand, strong       -> D
--   worker.wk  stop-and-copy, weak     -> E  (the code only: it starts again)
--
-- At the end each worker reads its whole heap back and logs when it
-- finished, its counter and whether every page still holds what it wrote.
-- A fifth copy stays on A, unmoved, as the reference.
--
--   ukern run scenarios/migration.lua
--   ukern run scenarios/migration.lua --set hot=32
--   ukern run scenarios/migration.lua --set bandwidth=10Mbps
--   ukern run scenarios/migration.lua --stats json | grep -A6 '"migrations"'
--   ukern run scenarios/migration.lua --set frames=60   (targets too small: refused)
--
-- With threads = "many-to-one", "many-to-many" or "activations" the workers
-- are processes of user-level threads (2 LWPs, or 2 processors with
-- activations), and with parts = N their steps are shared by N threads,
-- each writing its own counter at its own place of the hot pages:
--
--   ukern run scenarios/migration.lua --set threads=many-to-many --set parts=2
--
-- With lrpc = "yes" the scenario is another one: a client on A calls a
-- server's LRPC interface (Step: 1 ms of work in the server, then 1 ms of
-- its own), and is moved to B and back while it calls. Its binding becomes
-- a global reference on B (each call a message over the link) and is
-- rebound as an LRPC back on A; a move that finds a call in progress waits
-- for it to return:
--
--   ukern run scenarios/migration.lua --set lrpc=yes
--
-- With lrpc = "server" the server moves instead, to B and back, and the
-- client stays on A: its binding becomes a global reference to the server
-- on B (the clerk moved with it) and is rebound when the server is back:
--
--   ukern run scenarios/migration.lua --set lrpc=server

-- Is the string d a duration the scenario API takes: "250ns", "5us", "10ms", "2s", or ms; whole ns, under 2^64?
local function is_duration(d, name)   -- (2^64 ns or more, also as a number of ms such as 1e30: an error, "NAME = D is too large")
  local i, f, unit = d:match("^(%d*)%.?(%d*)(%a*)$")
  local digits = ({ [""] = 6, ns = 0, us = 3, ms = 6, s = 9 })[unit or 0]   -- of a fraction, down to 1 ns
  local ns = digits and i .. f ~= "" and tonumber("0" .. i .. "." .. f .. "0") * 10 ^ digits or (tonumber(d) or -1) * 1e6
  return ns < 2^64 and digits ~= nil and i .. f ~= "" and #f:gsub("0+$", "") <= digits or ns >= 2^64 and error(("%s = %q is too large: a duration must be under 2^64 ns (about 584 years)"):format(name, d), 2) end

local pages = param("pages", 64)
local hot = param("hot", 2)
local iterations = param("iterations", 200)
local at = param("at", "50ms")
local bandwidth = param("bandwidth", "100Mbps")
local latency = param("latency", "1ms")
local frames = param("frames", 4096)     -- each target node's physical memory
local threads = param("threads", "one-to-one")
local parts = param("parts", 1)
assert(({ ["one-to-one"] = 1, ["many-to-one"] = 1, ["many-to-many"] = 1, activations = 1 })[threads],
       "threads must be one-to-one, many-to-one, many-to-many or activations")
assert(math.type(parts) == "integer" and parts >= 1 and parts <= 32,
       "parts must be a whole number of threads from 1 to 32")
assert(math.type(pages) == "integer" and pages >= 1 and pages <= 800,
       "pages must be a whole number from 1 to 800 (five workers share A's 4096 frames)")
assert(math.type(hot) == "integer" and hot >= 1 and hot <= pages,
       ("hot must be a whole number from 1 to pages (%d), not %s"):format(pages, hot))
assert(math.type(iterations) == "integer" and iterations >= parts,
       ("iterations must be a whole number, at least parts (%d), not %s"):format(parts, iterations))
assert(is_duration(at, "at"), ('at must be a duration: a number of ms, or "250ns", "5us", "10ms", "2s", not %q'):format(at))

machine { cpus = 5, costs = param("costs", "modern") }
for _, n in ipairs { "B", "C", "D", "E" } do
  node { n, cpus = 1, frames = frames }
  link { "A", n, latency = latency, bandwidth = bandwidth }
end

local lrpc_mode = param("lrpc", "no")
assert(lrpc_mode == "no" or lrpc_mode == "yes" or lrpc_mode == "server",
       "lrpc must be no, yes (the client moves) or server (the server moves)")
if lrpc_mode ~= "no" then
  local mover = lrpc_mode == "yes" and "client" or "calc"
  process { "calc", daemon = true, main = function()
    local served = 0
    lrpc.export("calc", { Step = { function(n) compute("1ms"); served = served + 1; return n + 1 end,
                                   args = 4, results = 4 } })
  end }
  process { "client", start = "1ms", main = function()
    local calc = assert(lrpc.bind("calc"))
    local phase, stats, n = 1, { {}, {}, {} }, 0
    for _ = 1, 45 do
      local t0 = now()
      n = assert(calc:call("Step", n))
      local global = calc:info().global
      if global and phase == 1 then phase = 2 elseif not global and phase == 2 then phase = 3 end
      local s = stats[phase]
      s.calls, s.ns = (s.calls or 0) + 1, (s.ns or 0) + now() - t0
      compute("1ms")
    end
    local phases = mover == "client" and
      { "on A, LRPC", "on B, a global reference", "back on A, rebound" } or
      { "server on A, LRPC", "server on B, a GR", "server back, rebound" }
    for i, what in ipairs(phases) do
      local s = stats[i]
      log("%-26s %2d calls, %8.3f ms a call on average", what, s.calls or 0,
          s.calls and s.ns / s.calls / 1e6 or 0)
    end
    log("counter %d", n)
  end }
  process { "ctl", start = at, main = function()
    for _, mv in ipairs { { "B", "stop-and-copy" }, { "A", "pre-copy" } } do
      local r = assert(migrate(mover, mv[1], { strategy = mv[2] }))
      log("%s to %s (%s): downtime %.3f ms (%.3f ms waiting for a call), %d binding(s) global, "
          .. "%d rebound", mover, mv[1], mv[2], r.downtime_ns / 1e6, r.lrpc_wait_ns / 1e6,
          r.lrpc_global + r.lrpc_clients_global, r.lrpc_rebound + r.lrpc_clients_rebound)
      sleep("30ms")
    end
  end }
  return
end

local function worker(name)
  local decl = { name }
  if threads == "activations" then
    decl.threads, decl.lwps, decl.activations = "many-to-many", 2, true
  elseif threads ~= "one-to-one" then
    decl.threads, decl.lwps = threads, threads == "many-to-many" and 2 or nil
  end
  decl.main = function()
    local ps = mem.page_size()
    local heap = mem.alloc(pages * ps)
    for i = 0, pages - 1 do mem.write(heap + i * ps, string.format("%s page %4d", name, i)) end
    -- part k counts its steps at byte 64 * k of each hot page
    local function steps(k, n)
      for s = 1, n do
        for h = 0, hot - 1 do mem.write(heap + h * ps + 64 * k, string.format("step %4d", s)) end
        compute("1ms")
      end
    end
    if parts == 1 then
      steps(1, iterations)
    else
      local ts = {}
      for k = 1, parts do ts[k] = thread(steps, k, iterations // parts) end
      for k = 1, parts do join(ts[k]) end
    end
    local intact, counters = 0, {}
    for i = 0, pages - 1 do
      local want = string.format("%s page %4d", name, i)
      if mem.read(heap + i * ps, #want) == want then intact = intact + 1 end
    end
    for k = 1, parts do counters[k] = mem.read(heap + 64 * k, 9) end
    log("%-9s finished at %8.3f ms: %s, %d of %d pages intact", name, now() / 1e6,
        table.concat(counters, ", "), intact, pages)
  end
  process(decl)
end

local moves = {
  { "worker.sc", "B", "stop-and-copy", "strong" },
  { "worker.pc", "C", "pre-copy", "strong" },
  { "worker.od", "D", "on-demand", "strong" },
  { "worker.wk", "E", "stop-and-copy", "weak" },
}
worker("worker.ref")
for _, mv in ipairs(moves) do worker(mv[1]) end

for _, mv in ipairs(moves) do
  local name, to, strategy, mobility = mv[1], mv[2], mv[3], mv[4]
  process { "ctl." .. to, node = to, start = at, main = function()
    local r, why = migrate(name, to, { strategy = strategy, mobility = mobility })
    if not r then return log("%-13s %-6s %s", strategy, mobility, why) end
    log("%-13s %-6s downtime %8.3f ms, total %8.3f ms, %4d pages, %8d bytes, %d rounds",
        strategy, mobility, r.downtime_ns / 1e6, r.total_ns / 1e6, r.pages, r.bytes, r.rounds)
  end }
end
