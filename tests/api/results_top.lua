-- results_top.lua: a wrong result() at the top level stops the load (exit
-- status 2) with the scenario's line.
result("fine", 1)
result("also.fine-2", 2.5)
result("no good", 3)
process { name = "p", main = function() end }
