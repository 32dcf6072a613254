-- migrate_late.lua - migrations that fail when they arrive, the process then
-- running on where it was: --set part=frames, node B fills up while a
-- pre-copy of w's 6 pages is on the link (B has 12 frames; a filler takes 7
-- of them at 10.5 ms); --set part=lrpc, the moving process binds an LRPC
-- interface during its pre-copy (the binding becomes a global reference
-- when it stops: it moves, and calls by message).
local part = param("part", "frames")
local PS = 4096
machine { cpus = 2, frames = 64 }
node { "B", cpus = 1, frames = 12 }
link { "A", "B", latency = "1ms", bandwidth = "100Mbps" }

if part == "frames" then
  process { "w", main = function()
    local a = mem.alloc(6 * PS)
    for i = 0, 5 do mem.write(a + i * PS, "p" .. i) end
    for k = 1, 40 do sleep("5ms"); mem.write(a, "k" .. k) end
    log("w ends with %d free frames on its node; reads %s", mem.stat().free_frames,
        mem.read(a + 5 * PS, 2))
  end }
  process { "filler", node = "B", main = function()
    sleep("10500us")
    local a = mem.alloc(7 * PS)
    for i = 0, 6 do mem.write(a + i * PS, "f") end
    log("filler: %d free on B", mem.stat().free_frames)
    sleep("400ms")
  end }
  process { "ctl", main = function()
    sleep("10ms")
    local r, e = migrate("w", "B", { strategy = "pre-copy" })
    log("migrate: %s %s", tostring(r and r.to), tostring(e))
  end }
else
  process { "calc", daemon = true, main = function()
    lrpc.export("calc", { Add = { function(a, b) return a + b end, args = 8, results = 4 } })
  end }
  process { "client", start = "1ms", main = function()
    local a = mem.alloc(8 * PS)
    for i = 0, 7 do mem.write(a + i * PS, "x") end
    sleep("3ms")
    local calc = assert(lrpc.bind("calc"))
    for i = 1, 20 do sleep("2ms"); mem.write(a + (i % 8) * PS, "y") end
    log("Add(40, 2) = %s; shared %d", tostring(calc:call("Add", 40, 2)), mem.stat().shared)
  end }
  process { "ctl", start = "2ms", main = function()
    local r, e = migrate("client", "B", { strategy = "pre-copy", rounds = 3, stop_pages = 1 })
    log("migrate: %s %s", tostring(r and r.to), tostring(e))
  end }
end
