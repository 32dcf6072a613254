-- A declaration inside a thread body (line 4).
machine { costs = "zero" }
process { name = "p", main = function()
  process { name = "late", main = function() end }
end }
