-- exit_code.lua - an exit code is an int, as wait returns it: what a
-- process's first thread returns becomes its exit code (0 for a value that
-- is not a whole number), and a whole number no int holds, returned or given
-- to exit(), is an error at the scenario's line, never a code cut short.
process { name = "parent", main = function()
  for _, v in ipairs({ 7, 2.0, -2^31, 2^31 - 1, "x", 2.5 }) do
    local c = fork(function() return v end)
    log("returns %s: %s %s", tostring(v), wait(c))
  end
  for _, v in ipairs({ 2^40, math.maxinteger, 2^31, 1e300 }) do
    local c = fork(function()
      return v
    end)
    log("returns %s: %s %s", tostring(v), wait(c))
  end
  log("a thread returns 2^40 for join: %s", join(thread(function() return 2^40 end)))
  local c = fork(function() exit(-2^31) end)
  log("exit(-2^31): %s %s", wait(c))
  c = fork(function()
    exit(2^40)
  end)
  log("exit(2^40): %s %s", wait(c))
  log("exit(math.maxinteger): %s", select(2, pcall(exit, math.maxinteger)))
end }
process { name = "big", main = function() return math.mininteger end }
process { name = "m1", threads = "many-to-one", main = function() return 2^32 end }
