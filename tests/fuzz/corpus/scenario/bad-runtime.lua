-- A runtime error inside a thread body (line 5): the process dies, the run
-- finishes, and ukern exits with 4.
process { name = "buggy", main = function()
  compute("1ms")
  local t = nil; return t.field
end }
process { name = "fine", main = function()
  compute("3ms")
  log("still running after the other process died")
end }
