-- A wrong type in a declaration (line 2).
machine { cpus = "two" }
process { name = "p", main = function() end }
