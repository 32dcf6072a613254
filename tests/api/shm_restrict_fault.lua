-- shm_restrict_fault.lua: a write through a mapping made from a restricted
-- handle is a segmentation fault that kills the writer, as for an "r"
-- segment; a fork keeps the mapping read-only in the child (which holds no
-- right to map it again); the segment and its maker live on.
machine { cpus = 1, costs = "zero", frames = 16 }

process { name = "owner", main = function()
  local a, seg = mem.share(4096)
  mem.write(a, "keep")
  assert(register("buf", mem.restrict(seg, "r")))  -- the others get the read-only handle only
  sleep("1ms")
  log("owner reads %q; free %d, shared %d", mem.read(a, 4), mem.stat().free_frames,
      mem.stat().shared)
  mem.write(a, "mine")                    -- its own mapping stays writable
  log("owner writes: %q", mem.read(a, 4))
end }

process { name = "writer", start = "10us", main = function()
  local a = mem.map(assert(lookup("buf")))
  log("writer reads %q", mem.read(a, 4))
  mem.write(a, "no!")               -- a segmentation fault: the mapping is read-only
  log("never here")
end }

process { name = "forker", start = "20us", main = function()
  local a = mem.map(assert(lookup("buf")))
  local child = fork(function()
    log("child reads %q; regions: %s %s", mem.read(a, 4), mem.regions()[2].kind,
        mem.regions()[2].perm)
    log("child protects it rw: %s", select(2, pcall(mem.protect, a, 4096, "rw")))
    mem.write(a, "child")           -- a segmentation fault in the child only
    return 0
  end)
  log("child ended: %s, faulted %s", wait(child))
  log("forker still reads %q", mem.read(a, 4))
end }
