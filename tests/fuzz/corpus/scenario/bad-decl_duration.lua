-- A bad duration in a declaration (line 3).
process { name = "p", start = "10xs",
  main = function() end }
