-- ool-messages.lua: a large buffer sent inline vs out of line, as Mach does.
--
-- A client sends the same buffer to a server twice per size, from 256 bytes
-- to 512 KiB: once inline, as a string in the message (marshalled and
-- copied byte by byte: the sender's stub, into the kernel, out of the
-- kernel, the receiver's stub), and once out of line (the kernel maps the
-- buffer's pages copy-on-write into the server's address space: a cost per
-- page, not per byte). Each call's round trip is logged side by side.
--
--   ukern run scenarios/ool-messages.lua
--       inline grows by the byte, out of line by the page: inline wins
--       below about a page, out of line above
--   ukern run scenarios/ool-messages.lua --set touch=all
--       the server writes every page it received: each write is a
--       copy-on-write fault and a page copy, and out of line loses its edge
--   ukern run scenarios/ool-messages.lua --set costs=firefly-1990
--       the same trade on a 1990 machine
--   ukern run scenarios/ool-messages.lua --trace ool.uktrace
--       ukern export ool.uktrace | grep -E 'ool|page_fault' shows the pages
--       taken from the client, mapped into the server, and the faults

local costs = param("costs", "modern")
local touch = param("touch", "none")   -- pages of each buffer the server writes: "none" or "all"
local max_kib = param("max_kib", 512)
assert(({ none = 1, all = 1 })[touch],
       ("touch must be none or all, not %q"):format(touch))
assert(math.type(max_kib) == "integer" and max_kib >= 1 and max_kib <= 8192,
       ("max_kib must be a whole number of KiB from 1 to 8192, not %s"):format(max_kib))

-- Two CPUs: client and server each keep theirs, so no context switch
-- hides the copying (see doc/cost-model.md, "A worked example").
machine { cpus = 2, costs = costs, page_size = 4096 }

process { name = "server", daemon = true, main = function()
  local p = port()
  register("sink", p)
  local ps = mem.page_size()
  while true do
    local m = recv(p)
    local n
    if m.ool then
      n = m.ool.len
      if touch == "all" then
        for a = m.ool.addr - m.ool.addr % ps, m.ool.addr + n - 1, ps do
          mem.write(a, "s")
        end
      end
      -- The pages are the server's now: it gives them back when done.
      mem.free(m.ool.addr - m.ool.addr % ps)
    else
      n = #m.data
    end
    reply(m, { n = n })
  end
end }

process { name = "client", start = "1ms", main = function()
  local sink = assert(lookup("sink"))
  local max = max_kib * 1024
  local buf = mem.alloc(max)
  mem.write(buf, string.rep("u", max))
  -- A first exchange of each kind, not measured: the server's first
  -- dispatch pays a switch and a migration that no later call does.
  call(sink, { data = "" })
  call(sink, { n = 1 }, { ool = { addr = buf, len = 1 } })
  log("%10s %14s %14s   %s", "bytes", "inline", "out of line", "inline / out of line")
  local size = 256
  while size <= max do
    local t0 = now()
    local r = assert(call(sink, { data = mem.read(buf, size) }))
    local inline = now() - t0
    assert(r.n == size)
    t0 = now()
    r = assert(call(sink, { n = size }, { ool = { addr = buf, len = size } }))
    local ool = now() - t0
    assert(r.n == size)
    log("%10d %11.2f us %11.2f us   %.2f", size, inline / 1000, ool / 1000, inline / ool)
    size = size * 2
  end
end }
