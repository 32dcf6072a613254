-- figures.lua: a scenario that records results of its own, for
-- tests/results.sh: a count, a mean (a float), a time; "state" is also a
-- column of --stats csv, and "n" a parameter, which sweep must rename.
local n = param("n", 3)
local stop = param("stop", "none")           -- "deadlock", "error", "limit"
machine { cpus = 1, costs = "zero" }
result("n", n)
process { name = "worker", main = function()
  local done = 0
  for i = 1, n do compute("1ms"); done = done + 1; result("done", done) end
  result("mean_ms", now() / 1e6 / n)
  result("state", 1)
  if stop == "error" then error("gave up") end
  if stop == "deadlock" then recv(port()) end
  if stop == "limit" then sleep("1s") end
  if n > 3 then result("extra", n) end         -- only some runs record it
end }
