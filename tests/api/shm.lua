-- shm.lua: shared memory a script maps itself (mem.share, mem.map): a write
-- through one mapping is read through the other at once, the frames are
-- counted once and freed with the last mapping, fork keeps a segment
-- shared, and the refusals.
machine { cpus = 2, costs = "modern", page_size = 4096, frames = 64 }

local smuggled          -- a handle reaching another process through an upvalue: no right there

local function try(f)
  local ok, err = pcall(f)
  return ok and "ok" or err
end

process { name = "maker", main = function()
  local free0 = mem.stat().free_frames
  local t0 = now()
  local a, seg = mem.share(2 * 4096)
  log("share: %s at 0x%x in %dns", tostring(seg), a, now() - t0)
  log("maker frames %d, free %d of %d before", mem.stat().frames, mem.stat().free_frames, free0)
  smuggled = seg
  mem.write(a, "made")
  local p = port()
  register("maker", p)
  local m = recv(p)
  log("send the segment: %s", tostring(send(m.back, { seg = seg, n = 2 })))
  recv(p)                                   -- the user has mapped it and written
  log("maker reads %q", mem.read(a, 4))     -- the user's write, at once
  log("maker stat: frames %d, shared %d, shm_pages %d, free %d", mem.stat().frames,
      mem.stat().shared, mem.stat().shm_pages, mem.stat().free_frames)
  log("ool of a shared region: %s, %s", send(m.back, {}, { ool = { addr = a, len = 4 } }))
  log("send on a segment: %s, %s", send(seg, { x = 1 }))
  log("call on a segment: %s, %s", call(seg, { x = 1 }))
  -- fork: the child maps the same segment (as POSIX), copy-on-write for nothing in it
  local child = fork(function()
    mem.write(a + 4096, "from the child")
    log("child: shm_pages %d; mapping it again: %s", mem.stat().shm_pages,
        try(function() mem.map(seg) end))
    return 0
  end)
  wait(child)
  log("parent reads %q after the fork", mem.read(a + 4096, 14))
  mem.free(a)
  log("maker unmapped: shm_pages %d, free %d", mem.stat().shm_pages, mem.stat().free_frames)
  log("free again: %s", try(function() mem.free(a) end))
  send(m.back, { done = true })
end }

process { name = "user", main = function()
  local mk = lookup("maker")
  while not mk do sleep("10us") mk = lookup("maker") end
  local back = port()
  send(mk, { back = back })
  local m = recv(back)
  local free0 = mem.stat().free_frames
  local t0 = now()
  local a = mem.map(m.seg)
  log("map: %s at 0x%x in %dns; free frames %d -> %d", tostring(m.seg), a, now() - t0, free0,
      mem.stat().free_frames)
  log("user reads %q", mem.read(a, 4))
  mem.write(a, "USED")
  local regions = mem.regions()
  log("user regions: %s %s %d", regions[2].kind, regions[2].perm, regions[2].len)
  send(mk, {})
  recv(back)                                -- the ool attempt never comes: wait for done
  log("user still reads %q", mem.read(a + 4096, 14))
  local r = mem.map(m.seg, "r")
  log("second mapping, read-only: 0x%x reads %q", r, mem.read(r, 4))
  log("protect it rw: %s", try(function() mem.protect(r, 4096, "rw") end))
  log("protect the rw one r: %s", try(function() mem.protect(a, 4096, "r") end))
  log("register it: %s", tostring(register("shared", m.seg)))
  mem.free(r)
  -- ends mapping a: its frames go with it, the last mapping
end }

process { name = "late", start = "2ms", main = function()
  log("late looks it up: %s, %s; free %d", tostring(lookup("shared")), select(2, lookup("shared")), mem.stat().free_frames)
  local a, seg = mem.share(4096)
  log("late registers its own under the name: %s", tostring(register("shared", seg)))
end }

process { name = "thief", start = "10us", main = function()
  log("thief: %s", try(function() mem.map(smuggled) end))
  log("port for a segment: %s", try(function() mem.map(port()) end))
  log("size 0: %s", try(function() mem.share(0) end))
  log("perm: %s", try(function() mem.share(10, "") end))
  log("perm x: %s", try(function() mem.share(10, "rwx") end))
  local a, seg = mem.share(100, "r")
  mem.write(a, "ok"); log("read-only segment %s, written by its maker: %q", tostring(seg), mem.read(a, 2))
  log("rw map of an r segment: %s", try(function() mem.map(seg, "rw") end))
  log("too big: %s, %s", mem.share(100 * 4096))
end }
