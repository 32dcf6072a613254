-- procrun.lua: the process-run model of OSTEP chapter 4.
-- P0 computes a tick, issues an I/O (5 ticks), then computes again; P1 only
-- computes. Try the switch and io_done behaviours.
local programs = { param("p0", "c1,i,c1"), param("p1", "c4") }
machine { sched = "process-run", switch = param("switch", "on-io"),
          io_done = param("io_done", "later"), io_length = param("io_length", 5) }
for k, prog in ipairs(programs) do job { "P" .. (k - 1), program = prog } end
