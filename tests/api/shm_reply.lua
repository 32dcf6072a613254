-- shm_reply.lua: a reply carries a segment handle as a message does; a
-- handle outlives its segment (mem.map of it then: nil, "dead segment").
machine { cpus = 1, costs = "zero" }

process { name = "srv", main = function()
  local a, seg = mem.share(10)
  mem.write(a, "rep")
  local p = port()
  register("srv", p)
  for _ = 1, 2 do
    local m = recv(p)
    reply(m, { seg = seg })
  end
end }                                   -- its end unmaps the segment: the last mapping

process { name = "cli", start = "10us", main = function()
  local s = lookup("srv")
  local seg = call(s, {}).seg
  local a = mem.map(seg, "r")
  log("reply carried %s; it reads %q", tostring(seg), mem.read(a, 3))
  mem.free(a)
  local again = call(s, {}).seg
  log("the same right again: %s", tostring(again == seg))
  sleep("1ms")
  log("after its maker ended: %s, %s", mem.map(again))
end }
