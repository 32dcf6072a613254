-- syscall-vs-rpc.lua: one service offered two ways on the same machine -
-- by the kernel, as a system call, and by a server process, as messages.
--
-- The service is getpid(): "which process am I?". A monolithic kernel
-- answers it in a trap (Linux: getpid is a system call). A microkernel in
-- the MINIX style leaves it to a server: MINIX's process manager, PM, is a
-- process, and getpid() is a message to it that it answers from the
-- sender's identity, which the kernel stamps on every message. Here a
-- "pm" process answers { pid = m.sender_pid }. A client asks both ways
-- `calls` times and prints the mean cost of each, and the same crossing
-- made by LRPC (a Null call: the caller's own thread enters the server)
-- for comparison:
--
--   ukern run scenarios/syscall-vs-rpc.lua
--   ukern run scenarios/syscall-vs-rpc.lua --set costs=firefly-1990
--   ukern run scenarios/syscall-vs-rpc.lua --stats json   messages, switches

local calls = param("calls", 20)
assert(math.type(calls) == "integer" and calls >= 1,
       ("calls must be a whole number, at least 1, not %s"):format(calls))
local costs = param("costs", "modern")

machine { cpus = 1, costs = costs }

process { name = "pm", daemon = true, main = function()
  local p = port()
  assert(register("pm", p))
  while true do
    local m = recv(p)
    reply(m, { pid = m.sender_pid })
  end
end }

process { name = "nullsrv", daemon = true, main = function()
  lrpc.export("null", { Null = function() end })
end }

-- Mean ns of `calls` calls of f, after one warm-up; and its last answer.
local function measure(f)
  local r = f()
  local t0 = now()
  for _ = 1, calls do
    r = f()
  end
  return (now() - t0) / calls, r
end

process { name = "client", start = "1ms", main = function()
  local pm = assert(lookup("pm"))
  local null = assert(lrpc.bind("null"))
  local trap, a = measure(function() return getpid() end)
  local msg, b = measure(function() return call(pm, {}).pid end)
  local lrpc_ns = measure(function() return null:call("Null") end)
  log("getpid() = %d by a system call: %.0f ns a call", a, trap)
  log("getpid() = %d by a message to pm: %.0f ns a call (%.1f times the system call)", b, msg,
      msg / trap)
  log("an LRPC Null to a server of the same machine: %.0f ns (%.1f times)", lrpc_ns,
      lrpc_ns / trap)
end }
