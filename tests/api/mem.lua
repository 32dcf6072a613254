-- mem.lua: mem.*, fork and wait as documented (doc/scenario-api.md section 17),
-- and their errors: misuse raises at the line, a failure returns nil, reason.
machine { costs = "zero", page_size = 4096, frames = 64 }

local function try(f)
  local ok, err = pcall(f)
  return ok and "ok" or err
end

process { name = "main", main = function()
  local ps = mem.page_size()
  log("page size %d", ps)
  local a = mem.alloc(3 * ps)
  local b = mem.alloc(1)
  log("alloc 0x%x 0x%x", a, b)
  log("write across pages: %s", tostring(mem.write(a + ps - 2, "span")))
  log("read back %q", mem.read(a + ps - 2, 4))
  log("never written: %q", mem.read(a + 2 * ps, 3))
  log("nothing: %q", mem.read(a, 0))
  for _, r in ipairs(mem.regions()) do
    log("region 0x%x %d %s %q", r.addr, r.len, r.kind, r.perm)
  end
  local st = mem.stat()
  log("stat frames=%d shared=%d pages=%d zero=%d cow=%d copied=%d free=%d", st.frames,
      st.shared, st.pages, st.zero_fill_faults, st.cow_faults, st.pages_copied, st.free_frames)
  log("alloc 0: %s", try(function() mem.alloc(0) end))
  log("alloc -5: %s", try(function() mem.alloc(-5) end))
  log("alloc 1.5: %s", try(function() mem.alloc(1.5) end))
  log("alloc perm: %s", try(function() mem.alloc(10, "rwx") end))
  log("read address: %s", try(function() mem.read(-1, 4) end))
  log("read length: %s", try(function() mem.read(a, -1) end))
  log("read too much: %s", try(function() mem.read(a, 16 * 1024 * 1024 + 1) end))
  log("write a table: %s", try(function() mem.write(a, {}) end))
  log("free: %s", tostring(mem.free(b)))
  log("free twice: %s", try(function() mem.free(b) end))
  log("free inside: %s", try(function() mem.free(a + 1) end))
  log("free the text: %s", try(function() mem.free(0x400000) end))
  log("protect unaligned: %s", try(function() mem.protect(a + 1, 10, "r") end))
  log("protect unmapped: %s", try(function() mem.protect(a, 4 * ps, "r") end))
  log("protect perm: %s", try(function() mem.protect(a, ps, "rwx") end))
  log("protect r: %s", tostring(mem.protect(a, ps, "r")))
  log("read-only read %q", mem.read(a + ps - 2, 2))
  mem.protect(a, ps, "rw")
  log("too big: %s, %s", mem.alloc(1 << 40))
  log("wait a number: %s", try(function() wait(3) end))
  log("fork a number: %s", try(function() fork(3) end))
  local c = fork(function(x) return x * 2 end, 21)
  log("child %s pid %d name %s", tostring(c), c.pid, c.name)
  log("wait -> %s %s", wait(c))
  log("wait again -> %s %s", wait(c))
end }

-- An access the kernel refuses kills the process at the line; pcall does
-- not catch it (it is not an error of the script, it is a signal).
process { name = "wild", start = "1ms", main = function()
  mem.write(0x1000, "x")
  log("not reached")
end }
process { name = "text", start = "2ms", main = function()
  mem.write(0x400000, "x")
end }
process { name = "guard", start = "3ms", main = function()
  local a = mem.alloc(10)
  mem.read(a + 4096, 1)
end }
process { name = "noaccess", start = "4ms", main = function()
  local a = mem.alloc(10)
  mem.protect(a, 10, "")
  mem.read(a, 1)
end }
process { name = "caught", start = "5ms", main = function()
  local ok = pcall(function() mem.write(0x1000, "x") end)
  log("pcall returned %s", tostring(ok))
end }
process { name = "later", start = "6ms", main = function()
  log("the others' faults did not stop me")
end }
