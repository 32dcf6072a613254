-- astack.lua: the frames of LRPC A-stacks in the trace and the memory view
-- (tests/astack.sh). Two bindings of calc, each with 64 A-stacks of 208
-- bytes (4 pages, frames the kernel gives at the bind); client forks a
-- child, whose copy of the A-stacks keeps the same frames (not
-- copy-on-write), and ends before it; calc crashes at 5 ms, while other
-- still holds its binding.
machine { cpus = 2, frames = 64 }
fault { at = "5ms", crash = "calc" }

process { name = "calc", daemon = true, main = function()
  lrpc.export("calc", { Add = { function(a, b) return a + b end, args = 8, results = 200,
                                astacks = 64 } })
end }

process { name = "client", start = "1ms", main = function()
  local calc = assert(lrpc.bind("calc"))
  log("Add(40, 2) = %d; shared %d", calc:call("Add", 40, 2), mem.stat().shared)
  mem.write(mem.alloc(mem.page_size()), "x")
  fork(function() sleep("6ms") end)
  sleep("2ms")
end }

process { name = "other", start = "2ms", main = function()
  local calc = assert(lrpc.bind("calc"))
  log("Add(1, 2) = %d", calc:call("Add", 1, 2))
  sleep("5ms")
end }
