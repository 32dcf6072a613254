-- oom.lua: running out of frames kills the process that needed one, with
-- a clear report; the others go on, and the frames come back.
machine { costs = "zero", page_size = 4096, frames = 8 }
process { name = "hog", main = function()
  local a = mem.alloc(16 * 4096)
  for i = 0, 15 do
    mem.write(a + i * 4096, "x")
  end
  log("not reached")
end }
process { name = "after", start = "1ms", main = function()
  local a = mem.alloc(8 * 4096)
  for i = 0, 7 do mem.write(a + i * 4096, "y") end
  log("8 pages written; free frames: %d", mem.stat().free_frames)
end }
