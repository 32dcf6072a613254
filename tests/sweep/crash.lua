-- crash.lua: a run whose host process dies, for tests/sweep.sh.
--
-- With crash = true the body kills the process that runs the simulation
-- (the shell os.execute starts is its child), as a bug in the simulator
-- would: ukern sweep must still give the run a row, "crashed".

local crash = param("crash", false)

machine { cpus = 1, costs = "zero" }

process {
  name = "victim",
  main = function()
    compute("1ms")
    if crash then
      os.execute("kill -KILL $PPID")
      sleep("1s")                        -- not reached
    end
  end,
}
