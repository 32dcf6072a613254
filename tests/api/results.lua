-- results.lua: result(name, value) at the top level and in bodies; the
-- last value wins, the order is that of first record; mistakes raise an
-- error at the calling line, which pcall catches (doc/scenario-api.md 10a).
machine { cpus = 1, costs = "zero" }
result("declared", 16)                       -- the top level records too
result("zeta", 1)
local function try(f)
  local ok, err = pcall(f)
  log("%s", ok and "accepted" or err)
end
process { name = "p", main = function()
  result("alpha", 1)
  result("ratio", 0.25)
  result("zeta", 2)                            -- keeps its place, after declared
  result("alpha", 3)                           -- the last value wins
  result("whole", 2.0)                         -- a float stays a float
  result("big", math.maxinteger)
  result("tiny", -1.5e-9)
  local co = coroutine.wrap(function() result("in_coroutine", 5) end)
  co()
  join(thread(function() sleep("1ms"); result("from_thread", now()) end))
  try(function() result("9lives", 1) end)
  try(function() result("has space", 1) end)
  try(function() result("", 1) end)
  try(function() result(("x"):rep(64), 1) end)
  try(function() result(42, 1) end)
  try(function() result("nan", 0/0) end)
  try(function() result("inf", -1/0) end)
  try(function() result("text", "12") end)
  try(function() result("none") end)
  try(function() result("flag", true) end)
  try(function() result(("y"):rep(63), 7) end)      -- 63 characters: accepted
  try(function() result(("z"):rep(100000), 1) end)  -- shown cut short
  try(function() result("two\nlines", 1) end)       -- shown on one line
  result("alpha", 4)
  sleep("1ms")
end }
