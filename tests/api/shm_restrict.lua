-- shm_restrict.lua: mem.restrict gives a handle to the same segment that
-- maps it "r" at most: it travels in messages and through the name server
-- as the segment's own handle does, its holders cannot map it "rw" (nor
-- make their mapping writable), restricting it again changes nothing, the
-- segment's own handle keeps its permission, and the restricted handle's
-- port dies with the segment. The refusals are at the caller's line.
machine { cpus = 2, costs = "modern", page_size = 4096, frames = 64 }

local smuggled          -- a handle reaching another process through an upvalue: no right there

local function try(f)
  local ok, err = pcall(f)
  return ok and "ok" or err
end

-- The port registered under name, once its owner has registered it (a
-- bounded wait: a test that goes wrong ends instead of polling forever).
local function find(name)
  for _ = 1, 1000 do
    local h = lookup(name)
    if h then return h end
    sleep("1us")
  end
  error("nobody registered " .. name)
end

process { name = "maker", main = function()
  local a, seg = mem.share(2 * 4096)
  mem.write(a, "from the maker")
  local t0 = now()
  local ro = mem.restrict(seg, "r")
  log("restrict: %s -> %s in %dns", tostring(seg), tostring(ro), now() - t0)
  assert(ro ~= seg, "a restricted handle is another right")
  log("again: %s; the restricted one: %s", tostring(mem.restrict(seg, "r") == ro),
      tostring(mem.restrict(ro, "r") == ro))
  smuggled = ro
  -- the maker maps its restricted handle: "r", the same frames
  local r = mem.map(ro)
  local regions = mem.regions()
  log("maker maps it: %s %s %d reads %q", regions[3].kind, regions[3].perm, regions[3].len,
      mem.read(r, 14))
  log("rw through it: %s", try(function() mem.map(ro, "rw") end))
  log("protect it rw: %s", try(function() mem.protect(r, 4096, "rw") end))
  mem.free(r)
  -- the segment's own handle keeps its permission
  local w = mem.map(seg, "rw")
  mem.write(w, "F")
  log("its own handle still maps rw: reads %q", mem.read(a, 14))
  mem.free(w)
  log("register the restricted handle: %s", tostring(register("ro", ro)))
  local p = port()
  register("maker", p)
  local m = recv(p)
  log("send it: %s", tostring(send(m.back, { seg = ro })))
  recv(p)                                  -- the reader and the relay are done
  mem.write(a, "last words")
  local rr = recv(p)                       -- the reader waits for "last words"
  send(rr.back, {})
  recv(p)
  mem.free(a)                              -- the last mapping: the segment dies
  local h, why = mem.restrict(seg, "r")
  log("after the segment died: restrict %s, %s; map %s, %s", tostring(h), why, mem.map(ro))
  log("lookup of its name: %s, %s", lookup("ro"))
end }

process { name = "reader", start = "10us", main = function()
  local mk = find("maker")
  local back = port()
  send(mk, { back = back })
  local ro = recv(back).seg
  log("received %s", tostring(ro))
  local a = mem.map(ro)
  log("reader maps it: %s reads %q", mem.regions()[2].perm, mem.read(a, 14))
  log("rw map: %s", try(function() mem.map(ro, "rw") end))
  log("r map: %s", try(function() mem.free(mem.map(ro, "r")) end))
  log("restrict it: %s", tostring(mem.restrict(ro, "r") == ro))
  -- the name server gives the same read-only right back
  local looked = lookup("ro")
  log("lookup gives %s, the same right: %s", tostring(looked), tostring(looked == ro))
  -- and a third process that receives it from the reader gets a read-only right too
  local relay = port()
  register("relay", relay)
  local m = recv(relay)
  send(m.back, { seg = ro })
  recv(relay)
  send(mk, {})
  send(mk, { back = back })
  recv(back)
  log("reader reads %q", mem.read(a, 10))
  mem.free(a)
  send(mk, {})
end }

process { name = "third", start = "20us", main = function()
  local relay = find("relay")
  local back = port()
  send(relay, { back = back })
  local ro = recv(back).seg
  log("third got %s: rw %s", tostring(ro), try(function() mem.map(ro, "rw") end))
  local a = mem.map(ro)
  log("third maps it %s: reads %q", mem.regions()[2].perm, mem.read(a, 14))
  mem.free(a)
  send(relay, {})
end }

-- The refusals, raised at the line of the call.
process { name = "misuse", start = "5us", main = function()
  local a, seg = mem.share(100)
  log("rw: %s", try(function() mem.restrict(seg, "rw") end))
  log("x: %s", try(function() mem.restrict(seg, "x") end))
  log("none: %s", try(function() mem.restrict(seg) end))
  log("port: %s", try(function() mem.restrict(port(), "r") end))
  log("number: %s", try(function() mem.restrict(3, "r") end))
  log("another's: %s", try(function() mem.restrict(smuggled, "r") end))
  -- a segment shared "r" is read-only already: its handle is its own restriction
  local _, rseg = mem.share(100, "r")
  log("an r segment's handle restricted: the same handle: %s", tostring(mem.restrict(rseg, "r") == rseg))
  mem.free(a)
end }

-- Inside an LRPC procedure the thread runs in the server's domain, which
-- holds no rights of its own: mem.restrict is refused there.
process { name = "lsrv", daemon = true, main = function()
  lrpc.export("shmrestrict", { Try = function()
    log("in a procedure: %s", select(2, pcall(mem.restrict, nil, "r")))
    return 0
  end })
end }

process { name = "lcli", start = "30us", main = function()
  assert(lrpc.bind("shmrestrict")):call("Try")
end }
