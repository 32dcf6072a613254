-- Memory per node (doc/scenario-api.md section 18d): node B has 8 frames of
-- its own. Out-of-line data sent from A is copied into B's frames; a
-- migration to B takes B's frames and frees A's; one that would not fit is
-- refused; a process on B that wants a ninth frame dies though A has plenty.
-- --set part=oom runs only the last.
local part = param("part", "all")
machine { cpus = 2, frames = 64 }
node { "B", cpus = 1, frames = 8 }
link { "A", "B", latency = "1ms", bandwidth = "8Mbps" }

local PS = 4096

if part == "oom" then
  process { "hog", node = "B", main = function()
    log("free on B: %d", mem.stat().free_frames)
    local a = mem.alloc(9 * PS)
    for i = 0, 8 do
      mem.write(a + i * PS, "x")
      log("page %d written", i + 1)
    end
  end }
  return
end

process { "recv", node = "B", main = function()
  local p = port()
  register("mem", p)
  log("free on B before: %d", mem.stat().free_frames)
  local m = recv(p)
  log("received %d bytes: %s..%s; free on B: %d", m.ool.len, mem.read(m.ool.addr, 5),
      mem.read(m.ool.addr + 3 * PS, 4), mem.stat().free_frames)
  mem.write(m.ool.addr, "HELLO")
  recv(p)                                 -- the sender's go-ahead: it checked its bytes
  mem.free(m.ool.addr - m.ool.addr % PS)
  log("freed; free on B: %d", mem.stat().free_frames)
end }

process { "send", main = function()
  sleep("10ms")
  local p = lookup("mem")
  local a = mem.alloc(4 * PS)
  mem.write(a, "hello")
  mem.write(a + 3 * PS, "tail")
  log("free on A: %d", mem.stat().free_frames)
  send(p, { op = "data" }, { ool = { addr = a, len = 4 * PS } })
  sleep("40ms")
  log("sender still reads %s", mem.read(a, 5))
  send(p, { op = "done" })
end }

process { "mover", main = function()
  local a = mem.alloc(6 * PS)
  for i = 0, 5 do mem.write(a + i * PS, "page " .. i) end
  log("mover on A: %d frames", mem.stat().frames)
  sleep("200ms")
  local back = {}
  for i = 0, 5 do back[#back + 1] = mem.read(a + i * PS, 6) end
  log("mover now: %d frames, free %d: %s", mem.stat().frames, mem.stat().free_frames,
      table.concat(back, ","))
end }

process { "big", main = function()
  local a = mem.alloc(9 * PS)
  for i = 0, 8 do mem.write(a + i * PS, "b") end
  sleep("300ms")
end }

process { "ctl", main = function()
  sleep("100ms")
  local r, e = migrate("big", "B")
  log("big: %s %s", tostring(r), tostring(e))
  r, e = migrate("mover", "B")
  log("mover: %s downtime %s", r and r.to or tostring(e), r and r.downtime_ns or "-")
end }
