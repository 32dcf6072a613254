-- migrate_bind.lua - what a move does to what a process is bound to
-- (doc/scenario-api.md section 18e): a file open on the file server is a
-- global reference and keeps working through its port; the process's clock
-- is rebound to the new node's clock, or copied along (clock = "copy"); a
-- weak move restarts the program from its start as a new incarnation.
machine { cpus = 1, costs = "zero" }
node { "B", cpus = 1, clock_offset = "5ms" }
link { "A", "B", latency = "1ms", bandwidth = "100Mbps" }
server { "file", files = { ["/log"] = "" } }
local CLOCK = param("clock", "rebind")

process { "writer", main = function()
  local fd = assert(fs.open("/log", "w"))
  local skew = clock.now() - now()
  for i = 1, 6 do
    assert(fs.write(fd, string.format("line %d;", i)))
    local s = clock.now() - now()
    if s ~= skew then log("writer: clock now %d ahead", s); skew = s end
    sleep("10ms")
  end
  fs.close(fd)
  local r = assert(fs.open("/log", "r"))
  log("writer: %s", fs.read(r, 100))
end }

process { "restarts", main = function()
  log("restarts: started at %d", now())
  for i = 1, 5 do sleep("10ms") end
  log("restarts: done at %d", now())
end }

process { "ctl", start = "25ms", main = function()
  local r = assert(migrate("writer", "B", { clock = CLOCK }))
  log("writer moved: downtime %d", r.downtime_ns)
  r = assert(migrate("restarts", "B", { mobility = "weak" }))
  log("restarts moved: pid %d -> %d, %d pages, downtime %d", r.pid, r.new_pid, r.pages,
      r.downtime_ns)
  log("the old one: %s", select(2, migrate(r.pid, "B", { mobility = "weak" })))
end }
