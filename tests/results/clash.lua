-- clash.lua: results whose names are taken, for tests/results.sh: "thread"
-- is a column of --stats csv and "seed" one of ukern sweep, so each becomes
-- result.NAME; the scenario records a result of that name too, which must
-- then become result.result.NAME: no two columns with one name.
machine { cpus = 1, costs = "zero" }
result("thread", 1)
result("result.thread", 2)
result("seed", 3)
result("result.seed", 4)
process { name = "p", main = function() compute("1ms") end }
