-- A Lua syntax error on line 3.
machine { cpus = 1 }
process { name = "p" main = function() end }
