-- A bad duration inside a body (line 4).
machine { costs = "zero" }
process { name = "p", main = function()
  compute("10xs")
end }
