-- bytecode.lua - load, loadfile and dofile read Lua source only: a
-- precompiled chunk (string.dump) is refused, since Lua does not check one
-- and a damaged one would crash the simulator.
local dumped = string.dump(function() return 42 end)
local f, why = load(dumped)
print("top load binary: " .. tostring(f) .. " " .. tostring(why))
print("top load binary, mode b: " .. tostring((load(dumped, "x", "b"))))
print("top load text: " .. load("return 1 + 1")())
print("top load with env: " .. load("return x", "chunk", "t", { x = 7 })())
local env_nil = load("return x", "chunk", "t", nil)
print("top load with env nil: " .. tostring(pcall(env_nil)))

local path = os.tmpname()
local out = assert(io.open(path, "wb"))
out:write(dumped)
out:close()
print("top loadfile binary: " .. tostring(select(2, loadfile(path))))
print("top dofile binary: " .. tostring(select(2, pcall(dofile, path))))
out = assert(io.open(path, "w"))
out:write("return 'from a file'")
out:close()
print("top dofile text: " .. dofile(path))
os.remove(path)

process { name = "p", main = function()
  local g, e = load(dumped)
  log("body load binary: %s %s", tostring(g), e)
  log("body load text: %s", load("return 'ok'")())
end }
