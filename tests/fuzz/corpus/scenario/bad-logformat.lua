-- A bad log() format (line 4), and log() without arguments (line 7).
machine { costs = "zero" }
process { name = "p", main = function()
  log("%d", "x")
end }
process { name = "q", main = function()
  log()
end }
