-- A system call where the thread cannot be suspended (a sort comparator).
machine { costs = "zero" }
process { name = "p", main = function()
  local t = { 3, 1, 2 }
  table.sort(t, function(a, b) yield(); return a < b end)
end }
