-- migrate.lua - process migration (doc/scenario-api.md section 18e): a
-- worker's memory and counter survive a strong move by each strategy, a
-- server keeps answering the clients that call it while it moves (requests
-- in flight and queued are forwarded, none lost), a local sender on the old
-- node reaches it over the link, and the report's figures come from the
-- link's parameters.
machine { cpus = 1, costs = "zero" }
node { "B", cpus = 1, sched = param("bsched", "rr") }
node { "C", cpus = 1 }
link { "A", "B", latency = "1ms", bandwidth = "8Mbps" }
link { "A", "C", latency = "1ms", bandwidth = "8Mbps" }
link { "B", "C", latency = "1ms", bandwidth = "8Mbps" }
local STRATEGY = param("strategy", "stop-and-copy")
local PS = 4096

-- 8 pages of data, then a counter in page 0 written every ms
process { "worker", main = function()
  local a = mem.alloc(8 * PS)
  for i = 0, 7 do mem.write(a + i * PS, string.format("page %d", i)) end
  for n = 1, 100 do
    mem.write(a, string.format("n=%03d", n))
    compute("1ms")
  end
  local got = {}
  for i = 1, 7 do got[#got + 1] = mem.read(a + i * PS, 6) end
  log("worker: %s; %s at %d", mem.read(a, 5), table.concat(got, ","), now())
end }

-- a server whose state (a count of requests) must carry on
process { "srv", daemon = true, main = function()
  local p = port()
  assert(register("srv", p))
  local served = 0
  while true do
    local m = recv(p)
    served = served + 1
    if served == 81 then log("srv: all 81 served") end
    compute("200us")
    if m.reply then reply(m, { n = m.n, served = served }) end
  end
end }

process { "client", node = "C", start = "5ms", main = function()
  local s = assert(lookup("srv"))
  local ok = 0
  for i = 1, 60 do
    local r, why = call(s, { n = i })
    if r and r.n == i then ok = ok + 1 end
    if not r then log("call %d: %s", i, why) end
    sleep("1ms")
  end
  log("client: %d of 60 answered", ok)
end }

-- a sender on A that keeps sending after the server left A
process { "local", start = "5ms", main = function()
  local s = assert(lookup("srv"))
  for i = 1, 20 do send(s, { n = 1000 + i }); sleep("3ms") end
  local r = call(s, { n = 7 })
  log("local: last answer %d, %d served in all", r.n, r.served)
end }

process { "ctl", node = "B", start = "20ms", main = function()
  local r = assert(migrate("worker", "B", { strategy = STRATEGY }))
  log("worker %s: downtime %d total %d pages %d bytes %d packets %d rounds %d left %d",
      r.strategy, r.downtime_ns, r.total_ns, r.pages, r.bytes, r.packets, r.rounds, r.pages_left)
  r = assert(migrate("srv", "B", { strategy = STRATEGY }))
  log("srv %s: downtime %d forwarded %d", r.strategy, r.downtime_ns, r.messages_forwarded)
  log("again: %s", select(2, pcall(migrate, "srv", "B")))
end }
