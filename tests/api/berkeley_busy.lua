-- berkeley_busy.lua - a participant whose only thread computes still
-- answers every poll: its clock daemon is a thread of its own (a service
-- thread, which does not keep the process alive: the run ends when main
-- does). One CPU, round robin with 1 ms quanta: a poll waits for the CPU.
machine { cpus = 1, quantum = "1ms" }
process { name = "timed", daemon = true, main = function()
  clock.berkeley { every = "10ms", outlier = "10ms", timeout = "5ms", rounds = 3 }
end }
process { name = "busy", offset = "+2ms", start = "1ms", main = function()
  assert(clock.join())
  compute("40ms")
  log("busy: %d ns from true time", clock.now() - now())
end }
process { name = "idle", offset = "-2ms", start = "1ms", main = function()
  assert(clock.join())
  sleep("40ms")
  log("idle: %d ns from true time", clock.now() - now())
end }
