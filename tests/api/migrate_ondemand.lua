-- migrate_ondemand.lua - on-demand migration's residual dependency
-- (doc/scenario-api.md section 18e): after the move the worker's pages stay
-- in frames of the node it left until each is pulled. Out-of-line data and
-- a fork that take pages still there pull them first (the receiver and the
-- child read what the worker wrote); a region freed before it was pulled is
-- not pulled, and its frames there are freed; two threads touching one page
-- wait for the same arrival.
machine { cpus = 1, costs = "zero" }
node { "B", cpus = 2 }
link { "A", "B", latency = "1ms", bandwidth = "8Mbps" }
local PS = 4096

process { "sink", node = "B", daemon = true, main = function()
  local p = port()
  assert(register("sink", p))
  while true do
    local m = recv(p)
    log("sink: %s at %d", mem.read(m.ool.addr, 6), now())
  end
end }

process { "worker", main = function()
  local a = mem.alloc(5 * PS)
  local b = mem.alloc(2 * PS)
  for i = 0, 4 do mem.write(a + i * PS, string.format("page %d", i)) end
  for i = 0, 1 do mem.write(b + i * PS, string.format("freed %d", i)) end
  sleep("30ms")                                   -- moved to B meanwhile
  local t0 = now()
  mem.free(b)
  log("worker: freed at %d", now() - t0)
  local sink = assert(lookup("sink"))
  assert(send(sink, {}, { ool = { addr = a + PS, len = 6 } }))
  log("worker: sent at %d", now() - t0)
  -- two threads touch page 3 at once: one request, both wait for it
  local t1 = now()
  local th = thread(function() return string.format("%s after %d", mem.read(a + 3 * PS, 6),
                                                    now() - t1) end)
  local mine = mem.read(a + 3 * PS, 6)
  log("worker: %s after %d, %s", mine, now() - t1, join(th))
  local child = fork(function() log("child reads %s", mem.read(a + 2 * PS, 6)) end)
  wait(child)
  log("worker: forked at %d", now() - t0)
  log("worker: %s, %s", mem.read(a, 6), mem.read(a + 4 * PS, 6))
end }

process { "ctl", start = "1ms", main = function()
  local r = assert(migrate("worker", "B", { strategy = "on-demand" }))
  log("ctl: left %d", r.pages_left)
end }
