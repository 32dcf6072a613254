-- lrpc-paper.lua: the table of Bershad, Anderson, Lazowska and Levy,
-- "Lightweight Remote Procedure Call" (ACM TOCS 8(1), 1990), measured on
-- the model of their machine, the C-VAX Firefly (costs "firefly-1990").
--
-- The same four procedures are served twice: by LRPC (lrpc.export) and by
-- message RPC as Taos does it (rpc.serve). One client calls each of them
-- `calls` times after a warm-up, three ways, and prints the mean time of a
-- call beside the paper's, with the ratio:
--
--   LRPC/MP  the other processor idles in the server's domain (domain
--            caching): the call exchanges processors;
--   LRPC     the other processor is kept busy by a thread that computes, so
--            the call switches address spaces on the caller's processor;
--   message  while the other processor is still busy: a request message, a
--            server thread, a reply message (the paper's Taos column).
--
-- The cost model is built from the paper's components (doc/cost-model.md
-- gives each constant and its arithmetic), not from the totals below.
--
--   ukern run scenarios/lrpc-paper.lua
--   ukern run scenarios/lrpc-paper.lua --stats json     the rpc entries per kind

local calls = param("calls", 10)
assert(math.type(calls) == "integer" and calls >= 1,
       ("calls must be a whole number, at least 1, not %s"):format(calls))

machine { cpus = 2, sched = "fifo", costs = "firefly-1990" }

local big = string.rep("x", 200)

-- The paper's tests: no arguments; two 4-byte arguments and a 4-byte
-- result; a 200-byte argument; 200 bytes in and out.
local procs = {
  Null = { function() end, args = 0, results = 0 },
  Add = { function(a, b) return a + b end, args = 8, results = 4 },
  BigIn = { function(s) end, args = 200, results = 0 },
  BigInOut = { function(s) return s end, args = 200, results = 200 },
}
local tests = {
  { "Null", {} }, { "Add", { 1, 2 } }, { "BigIn", { big } }, { "BigInOut", { big } },
}
local paper = {    -- microseconds: LRPC/MP, LRPC, Taos
  Null = { 125, 157, 464 }, Add = { 130, 164, 480 },
  BigIn = { 173, 192, 539 }, BigInOut = { 219, 227, 636 },
}

process { name = "server", daemon = true, main = function()
  lrpc.export("firefly", procs)
end }

-- Taos's message RPC. Two domains of one Firefly share a byte order, so
-- SRC RPC converts nothing: both sides use the wire's (big-endian) order.
process { name = "taos", daemon = true, byte_order = "big", main = function()
  local handlers = {}
  for name, p in pairs(procs) do handlers[name] = p[1] end
  rpc.serve("taos", handlers)
end }

-- The mean time of `calls` calls of each test through f, after one warm-up.
local function measure(f)
  local t = {}
  for _, test in ipairs(tests) do
    local name, args = test[1], test[2]
    assert(f(name, table.unpack(args)) ~= false)
    local t0 = now()
    for _ = 1, calls do
      f(name, table.unpack(args))
    end
    t[name] = (now() - t0) / calls / 1000
  end
  return t
end

process { name = "client", start = "1ms", byte_order = "big", main = function()
  local lb = assert(lrpc.bind("firefly"))
  local mb = assert(rpc.bind("taos"))
  local function lcall(...) return lb:call(...) end
  local function mcall(...) return mb:call(...) end

  local mp = measure(lcall)
  -- Keep the other processor busy: no processor idles in the server's
  -- domain any more, so no call can be taken by an exchange.
  local done = false
  thread(function() while not done do compute("1ms") end end)
  yield()
  local uni = measure(lcall)
  local msg = measure(mcall)
  done = true

  log("%-9s %24s   %24s   %24s", "", "LRPC/MP (domain caching)", "LRPC", "message RPC (Taos)")
  log("%-9s %s   %s   %s", "call (us)", "model  paper  ratio", "model  paper  ratio",
      "model  paper  ratio")
  for _, test in ipairs(tests) do
    local name, p = test[1], paper[test[1]]
    log("%-9s %5.1f  %5d  %5.3f   %5.1f  %5d  %5.3f   %5.1f  %5d  %5.3f", name,
        mp[name], p[1], mp[name] / p[1], uni[name], p[2], uni[name] / p[2],
        msg[name], p[3], msg[name] / p[3])
  end
end }
