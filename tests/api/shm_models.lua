-- mem.share answers with a right: in a many-to-one or many-to-many process
-- the user-level runtime hands it to the user thread as a one-to-one thread
-- gets it (it handed back the right name the call was given: a port); so
-- does mem.restrict.
local model = param("model", "many-to-one")
machine { cpus = 1, costs = "modern", frames = 32 }
process { name = "o1", threads = model, main = function()
  local p1, p2, p3 = port(), port(), port()
  local a, seg = mem.share(4096)
  log("%s equals p2? %s", tostring(seg), tostring(seg == p2))
  log("register: %s", tostring(register("x", seg)))
  local b = mem.map(seg)
  mem.write(a, "hi")
  log("mapped twice: %s", mem.read(b, 2))
  local ro = mem.restrict(seg, "r")       -- a new right, handed back as mem.share's is
  local c = mem.map(ro)
  log("restricted %s maps %s: reads %s", tostring(ro), mem.regions()[4].perm, mem.read(c, 2))
  log("rw through it: %s", select(2, pcall(mem.map, ro, "rw")))
end }
