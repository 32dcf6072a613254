-- shm_fault.lua: a read-only mapping of a segment cannot be written (a
-- segmentation fault kills the writer), and a mapper that dies gives its
-- mapping back: the frames live while anyone maps them; inside an LRPC
-- procedure mem.share is refused.
machine { cpus = 1, costs = "zero", frames = 16 }

process { name = "owner", main = function()
  local a, seg = mem.share(4096)
  mem.write(a, "keep")
  local p = port()
  register("owner", p)
  for _ = 1, 2 do
    local m = recv(p)
    send(m.back, { seg = seg })
  end
  sleep("1ms")
  log("owner: free %d, shared %d; reads %q", mem.stat().free_frames, mem.stat().shared,
      mem.read(a, 4))
  mem.free(a)
  log("owner unmapped: free %d", mem.stat().free_frames)
end }

local function get()
  local back = port()
  send(assert(lookup("owner")), { back = back })
  return recv(back).seg
end

process { name = "reader", start = "10us", main = function()
  local a = mem.map(get(), "r")
  log("reader reads %q", mem.read(a, 4))
  mem.write(a, "no!")               -- a segmentation fault: the mapping is read-only
end }

process { name = "crasher", start = "20us", main = function()
  local a = mem.map(get())
  mem.write(a, "dead")
  log("crasher: free %d, shared %d", mem.stat().free_frames, mem.stat().shared)
  error("crasher gives up")         -- its mapping goes with it, the segment stays
end }

-- Inside an LRPC procedure the thread runs in the server's domain, which
-- holds no rights of its own: mem.share and mem.map are refused there.
process { name = "lsrv", daemon = true, main = function()
  lrpc.export("shmproc", { Try = function()
    log("in a procedure: %s", select(2, pcall(mem.share, 10)))
    return 0
  end })
end }

process { name = "lcli", start = "30us", main = function()
  assert(lrpc.bind("shmproc")):call("Try")
end }
